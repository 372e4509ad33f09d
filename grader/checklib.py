"""Helpers for writing checks: validate what came back, compare, explain.

Every value a learner returns is plain data decoded by :mod:`grader.workers.codec`,
but it is still the learner's: these helpers turn it into floats or arrays
(leniently, the way learners write code: a NumPy scalar or a 0-d array is a
number, a tuple, list or array of two numbers is a pair) and fail with a
message a learner can act on when it is not what the contract says.

A :class:`CheckFailure` carries the detail (``0.56, expected 0.55 (rel. error
1.8%)``); the runner prefixes the call that produced it.
"""

from __future__ import annotations

import math

import numpy as np

from .session import LearnerError
from .show import describe, fmt


class CheckFailure(AssertionError):
    """A check failed because the learner's value is wrong; ``detail`` says how."""

    def __init__(self, detail: str, call: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.call = call


NLL_GAP = 1e-3
"""How far above its minimum a fitted model's negative log-likelihood may be, in nats.

About 0.05 standard errors from the MLE: far finer than statistics cares
about, yet reached by any optimiser that converged."""


def number(value, what: str = "") -> float:
    """The learner's value as a float, or a failure saying why it is not a number."""
    where = f" for {what}" if what else ""
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return float(value.reshape(()))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise CheckFailure(f"returned an integer of {len(str(abs(value)))} digits{where}, "
                               "too large for a float; expected a number") from None
    raise CheckFailure(f"returned {describe(value)}{where}; expected a number")


def numbers(value, names: tuple) -> tuple:
    """A tuple, list or 1-D array of ``len(names)`` numbers, as floats."""
    count = len(names)
    shape = "(" + ", ".join(names) + ")"
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf":
        value = list(value)
    if not isinstance(value, (tuple, list)) or len(value) != count:
        got = describe(value)
        if isinstance(value, (tuple, list, np.ndarray)):
            got = f"{got}, {len(value)} values" if not isinstance(value, np.ndarray) or value.ndim else got
        raise CheckFailure(f"returned {got}; expected {count} numbers {shape}")
    return tuple(number(v, name) for v, name in zip(value, names))


def array(value, shape: tuple) -> np.ndarray:
    """The learner's value as a float array of exactly ``shape``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = np.asarray(number(value))
    elif isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise CheckFailure(f"returned {describe(value)}; expected an array of shape {shape}") from None
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf":
        raise CheckFailure(f"returned {describe(value)}; expected an array of shape {shape}")
    if value.shape != tuple(shape):
        raise CheckFailure(f"returned an array of shape {value.shape}; expected shape {tuple(shape)}")
    return value.astype(float)


def close(actual: float, expected: float, *, rtol: float = 1e-7, atol: float = 1e-9,
          what: str = "", n: int | None = None, offsets: dict | None = None,
          variants: dict | None = None) -> None:
    """Fail unless ``actual`` is within tolerance of ``expected`` (infinities must match).

    A failure names a recognisable relation when there is one (see
    :func:`relation`): ``n`` (the data size), ``offsets`` (named constants)
    and ``variants`` (what a known mistake computes) let it recognise more.

    Parameters:
        actual: the learner's number (already checked by :func:`number`).
        expected: the trusted value.
        rtol, atol: the tolerance; follow the contract and the conditioning
            of the computation, never float64 round-off.
        what: a label for the value (``"sigma"``).
        n: the data size, for factors such as n/(n-1).
        offsets: ``{name: constant}``, e.g. ``{"n/2·ln(2π)": n / 2 * log(2π)}``.
        variants: ``{explanation: value}``, the value a known mistake gives,
            e.g. ``{"the log-likelihood with σ in place of σ²": ll(mu, sqrt(sigma))}``.

    Example:
        ``close(number(learner.f(x)), reference(x), rtol=1e-6, n=x.size)``
    """
    if _close(actual, expected, rtol, atol):
        return
    label = f"{what} " if what else ""
    found = relation(actual, expected, n=n, offsets=offsets, variants=variants)
    raise CheckFailure(f"{label}{fmt(actual, expected)}, expected {fmt(expected, actual)}"
                       f"{_error_note(actual, expected)}{': ' + found if found else ''}")


def close_values(actual: tuple, expected: tuple, names: tuple, only: tuple = (), **tolerances) -> None:
    """Compare several returned values; a failure notices values returned in the wrong order.

    ``only``: the names this check judges (default all); the others are looked
    at only to recognise a swapped order.
    """
    judged = [i for i, name in enumerate(names) if not only or name in only]
    if all(_close(actual[i], expected[i], tolerances.get("rtol", 1e-7), tolerances.get("atol", 1e-9))
           for i in judged):
        return
    if len(actual) == 2 and all(_close(a, e, 1e-6, 1e-9) for a, e in zip(actual[::-1], expected)):
        raise CheckFailure(f"({', '.join(fmt(a) for a in actual)}), expected "
                           f"({', '.join(fmt(e) for e in expected)}): the values are swapped; "
                           f"return ({', '.join(names)}) in that order")
    for i in judged:
        close(actual[i], expected[i], what=names[i], **tolerances)


def relation(actual: float, expected: float, n: int | None = None, offsets: dict | None = None,
             variants: dict | None = None) -> str:
    """Words for how ``actual`` relates to ``expected``, or "" when nothing is recognised."""
    actual, expected = float(actual), float(expected)
    for explanation, value in (variants or {}).items():
        if math.isfinite(actual) and _near(actual, float(value)):
            return f"it equals {explanation}"
    if math.isnan(actual):
        return "nan where a finite value was expected" if math.isfinite(expected) else ""
    if math.isinf(actual) and math.isfinite(expected):
        return (f"{fmt(actual)} where a finite value was expected (an overflow, or the log of 0: a product "
                "of many probabilities, or one tiny density, underflows to 0; take logs before multiplying)")
    if not (math.isfinite(actual) and math.isfinite(expected)) or expected == 0:
        return ""
    if _near(actual, -expected):
        return "the sign is flipped"
    factors = {"2": 2.0, "1/2": 0.5}
    if n and n > 1:
        factors.update({"n": n, "1/n": 1 / n, "n/(n-1)": n / (n - 1), "(n-1)/n": (n - 1) / n,
                        "sqrt(n/(n-1))": math.sqrt(n / (n - 1)), "sqrt((n-1)/n)": math.sqrt((n - 1) / n)})
    for name, factor in factors.items():
        if _near(actual, expected * factor):
            return f"off by a factor of {name}"
    if _near(actual, expected ** 2):
        return "it is the square of the expected value"
    if expected > 0 and _near(actual, math.sqrt(expected)):
        return "it is the square root of the expected value"
    for name, offset in (offsets or {}).items():
        for sign, word in ((1, "+"), (-1, "-")):
            if _near(actual, expected + sign * offset):
                return f"off by the constant {word}{name}"
    return ""


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-12)


def close_array(actual: np.ndarray, expected: np.ndarray, *, rtol: float = 1e-7,
                atol: float = 1e-9) -> None:
    """Fail unless every element is close; name the worst element."""
    ok = np.array([_close(a, e, rtol, atol) for a, e in zip(actual.ravel(), expected.ravel())])
    if ok.all():
        return
    bad = np.flatnonzero(~ok)
    with np.errstate(invalid="ignore"):
        errors = np.abs(actual.ravel() - expected.ravel())
    errors = np.where(np.isnan(errors), np.inf, errors)
    worst = bad[np.argmax(errors[bad])]
    index = np.unravel_index(worst, actual.shape)
    index = index[0] if len(index) == 1 else index
    a, e = actual.ravel()[worst], expected.ravel()[worst]
    raise CheckFailure(f"{len(bad)} of {actual.size} elements wrong; worst at [{index}]: "
                       f"{fmt(a, e)}, expected {fmt(e, a)}{_error_note(a, e)}")


def accepts(function, *args, **kwargs):
    """Call the learner's ``function`` on valid input; fail if it raises. Returns the value.

    A "rejects bad input" check calls this first and judges the value: a
    function that raises on every call does not reject bad input, it rejects
    everything, and the point is earned only by a function that also gets
    valid input right.

    Example:
        ``close(number(accepts(learner.f, good)), reference(good))``, then
        ``raises(ValueError, "it is empty", learner.f, bad)``.
    """
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise
    except LearnerError as exc:
        raise CheckFailure(f"raised {exc} on valid input; only bad input must be rejected") from None


def raises(exc_type: type, because: str, function, *args, **kwargs) -> None:
    """Fail unless the learner's ``function(*args)`` raises ``exc_type``."""
    try:
        value = function(*args, **kwargs)
    except exc_type:
        return
    except NotImplementedError:
        raise
    except LearnerError as exc:
        raise CheckFailure(f"raised {exc}; expected {exc_type.__name__} because {because}") from None
    raise CheckFailure(f"returned {describe(value)}; expected {exc_type.__name__} because {because}")


def memo(function):
    """Cache a pure, expensive reference computation across submissions.

    Arguments may be NumPy arrays (keyed by dtype, shape and bytes). In a
    cohort every student gets the same data for a seed, so work that does not
    depend on the learner is done once, not once per submission. Return
    values are shared: do not modify them.
    """
    cache: dict = {}

    def key(value):
        if isinstance(value, np.ndarray):
            return ("array", value.dtype.str, value.shape, value.tobytes())
        if isinstance(value, (tuple, list)):
            return (type(value).__name__, *map(key, value))
        return value

    def cached(*args):
        k = tuple(key(a) for a in args)
        if k not in cache:
            if len(cache) > 4096:
                cache.clear()
            cache[k] = function(*args)
        return cache[k]

    cached.__name__ = function.__name__
    cached.__doc__ = function.__doc__
    return cached


def _close(a: float, e: float, rtol: float, atol: float) -> bool:
    a, e = float(a), float(e)
    if math.isnan(a) or math.isnan(e):
        return False
    if math.isinf(e) or math.isinf(a):
        return a == e
    return abs(a - e) <= atol + rtol * abs(e)


def _error_note(actual: float, expected: float) -> str:
    actual, expected = float(actual), float(expected)
    if math.isnan(actual):
        return " (nan: an undefined operation such as 0 * log(0) or inf - inf)"
    if not math.isfinite(actual) or not math.isfinite(expected):
        return ""
    diff = abs(actual - expected)
    note = f" (abs. error {diff:.3g}"
    if expected != 0:
        rel = diff / abs(expected)
        note += f", rel. error {100 * rel:.3g}%" if rel >= 1e-4 else f", rel. error {rel:.2g}"
    return note + ")"
