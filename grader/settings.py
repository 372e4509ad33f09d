"""Kata's environment policy, in one place: which variables kata reads, their values, defaults.

Every environment variable kata reads is listed in :data:`SETTINGS` and read
through :func:`setting`, which refuses a value it does not know: a typo must
never quietly turn a protection off. The environment a worker gets
(:func:`worker_environment`) is decided here too. This module imports only the
standard library and nothing of kata's, so every other module may import it.
"""

from __future__ import annotations

import os
import re
import sys

DEFAULT_PRELOAD = ("numpy", "scipy.optimize", "scipy.stats", "scipy.special")
"""What a fork server imports when kata.yaml names no ``preload``."""

SANDBOX_LAYERS = ("namespaces", "user-namespace", "control-groups", "memory-group", "seccomp", "landlock", "rlimits")
"""The layers ``KATA_SANDBOX_OFF`` may name (see :mod:`grader.workers.inside.sandbox`)."""

SETTINGS = {
    "KATA_WORKER": (("fork", "spawn"), "fork" if sys.platform.startswith("linux") else "spawn",
                    "how workers start: forked from a pre-warmed fork server, or each a new interpreter"),
    "KATA_SANDBOX": (("full", "landlock", "off"), "full",
                     "which protections workers get (see kata doctor)"),
    "KATA_SANDBOX_OFF": (None, "", "for tests and measurements: layers of the sandbox turned off, comma-separated "
                                   f"({', '.join(SANDBOX_LAYERS)})"),
    "KATA_ROOT": (None, "", "the folder holding kata.yaml (default: search upwards from here)"),
    "NO_COLOR": (None, "", "any value: no colour in kata's output"),
    "KATA_SCHEDULER": (None, "", "a Dask scheduler for kata grade, e.g. tcp://HOST:8786 (see --scheduler)"),
}
"""Every environment variable kata reads: (allowed values or None for any, default, meaning)."""


class SettingError(Exception):
    """An environment variable of kata's has a value kata does not know; the message names it."""


def setting(name: str) -> str:
    """The value of kata's environment variable ``name``, or its default when unset or empty.

    An unknown value is an error, never a silent default: ``KATA_SANDBOX=on``
    must not quietly turn protections off.
    """
    allowed, default, _ = SETTINGS[name]
    raw = os.environ.get(name, "")
    if allowed is None:
        return raw.strip() or default
    value = raw.strip().lower()
    if not value:
        return default
    if value not in allowed:
        raise SettingError(f"{name}={raw} is not one of {', '.join(allowed)}; "
                           f"unset {name} or set one of those")
    return value


def check_settings() -> None:
    """Raise :class:`SettingError` for the first of kata's variables with an unknown value."""
    for name in SETTINGS:
        setting(name)
    layers_off()



def layers_off() -> frozenset:
    """The sandbox layers ``KATA_SANDBOX_OFF`` turns off; an unknown name is an error, never ignored."""
    names = {name.strip().lower() for name in setting("KATA_SANDBOX_OFF").split(",") if name.strip()}
    unknown = sorted(names - set(SANDBOX_LAYERS))
    if unknown:
        raise SettingError(f"KATA_SANDBOX_OFF names '{unknown[0]}', which is not a layer of kata's sandbox; "
                           f"the layers: {', '.join(SANDBOX_LAYERS)}")
    return frozenset(names)


FALLBACK_REQUIREMENTS = ("click>=8.0", "pyyaml>=5.4", "numpy>=1.22", "scipy>=1.8", "pytest>=7.0",
                         "watchfiles>=0.20", "nbformat>=5.0", "filelock>=3.12")
"""kata's dependencies when kata runs from a folder without its package metadata (pyproject.toml's list)."""


def requirements() -> tuple:
    """What kata needs installed, as requirement strings (``numpy>=1.22``), extras left out."""
    import importlib.metadata

    try:
        found = importlib.metadata.requires("kata") or []
    except importlib.metadata.PackageNotFoundError:
        return FALLBACK_REQUIREMENTS
    return tuple(r for r in found if "extra ==" not in r) or FALLBACK_REQUIREMENTS


def requirement_name(requirement: str) -> str:
    """The distribution a requirement names: ``numpy>=1.22`` -> ``numpy``."""
    return re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]


def single_thread_environment() -> dict:
    """Numeric libraries must not start thread pools in processes that fork."""
    return {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                   "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}


def worker_environment() -> dict:
    """A minimal environment for learner code: no secrets of the trusted side."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP",
            "VIRTUAL_ENV", "KATA_SANDBOX", "KATA_SANDBOX_OFF")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("OPENBLAS_")}
    env.update(single_thread_environment())
    return env
