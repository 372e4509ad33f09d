"""``kata new``: a new kata as one folder, one solution file and one manifest entry.

Everything is created from small templates so that ``kata verify ID`` passes
at once (one example function, its stub, its solution, one check with a hint)
and then fails usefully as the author replaces the example with real work.
The manifest entry is appended as text: the rest of ``kata.yaml``, comments
included, is left byte for byte as it was.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..core.files import write_atomic
from ..core.manifest import SHIPPED, Manifest, ManifestError, load


class AuthoringError(Exception):
    """``kata new`` cannot go ahead; the message names the problem and the fix."""


STUB = '''"""Kata {id}: {title}.

Fill in each function below, then run ``kata check {id}``. The lesson is in
README.md beside this file.
"""


def example(x):
    """Twice ``x``.

    Replace this example with the kata's first function: its docstring is
    the learner's whole contract (what it returns, which inputs raise).

    Returns:
        float: 2 * x.
    """
    raise NotImplementedError
'''

SOLUTION = '''"""Kata {id}: {title}, reference solution."""


def example(x):
    return 2 * x
'''

CHECKS = '''"""Hidden checks of kata {id} ({title}).

Each check calls exactly one learner function (its target in kata.yaml) and
computes what it expects with trusted code; use the ``rng`` fixture for all
data. Run them with ``pytest {checks}`` against the reference solution.
"""

from grader.checklib import close, number


def test_example_doubles(learner, rng):
    x = float(rng.uniform(-100, 100))
    close(number(learner.example(x)), 2 * x, rtol=1e-12)
'''

CONFTEST = '''"""Lets authors run these checks with pytest; see grader/pytest_plugin.py."""

from grader.pytest_plugin import *  # noqa: F401,F403
'''

README = '''# Kata {id}: {title}

What the learner will be able to do after this kata, and why it matters.

Your work is in [`{file}`]({file}): each function's docstring states exactly
what it must do. Fill them in and run

```
kata check {id}
```

## 1. The idea

The concept, the intuition, a worked example with numbers.

## The contracts

Every function's docstring in `{file}` is its full contract.
'''

HINTS = '''# Progressive hints for `kata hint {id} [FUNCTION]`, mildest first.
example:
  - "Doubling is adding a number to itself."
  - "return 2 * x"
'''

ENTRY = '''
  - id: {id_yaml}
    title: {title_yaml}
    folder: {folder}
    files: [{file}]
    check_file: checks/{check_file}
    checks:
      - name: test_example_doubles
        target: example
        hint: "Return 2 * x."
'''


def slug(title: str) -> str:
    """``"Bayesian thinking"`` -> ``"bayesian-thinking"``."""
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())[:4]) or "kata"


def new_kata(manifest: Manifest, kata_id: str, title: str, file_name: str) -> list:
    """Create kata ``kata_id``; return the paths created (the manifest last)."""
    root = manifest.root
    if manifest.get(kata_id) is not None:
        raise AuthoringError(f"kata '{kata_id}' already exists in kata.yaml; choose another id")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", kata_id):
        raise AuthoringError(f"'{kata_id}' is not a usable kata id; use letters, digits, dots and dashes, e.g. 10.4")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.py", file_name):
        raise AuthoringError(f"--file {file_name} must name a Python module, e.g. estimators.py")
    if not title.strip():
        raise AuthoringError("--title is empty; give the kata a title")
    name = f"{kata_id}-{slug(title)}"
    folder, solutions = root / "katas" / name, root / "solutions" / name
    for taken in (folder, solutions):
        if taken.exists():
            raise AuthoringError(f"{taken.relative_to(root)} already exists; remove it or choose another id")
    stem = Path(file_name).stem
    values = {"id": kata_id, "title": title.strip(), "file": file_name,
              "checks": f"katas/{name}/checks"}
    files = {
        folder / file_name: STUB.format(**values),
        folder / SHIPPED / file_name: STUB.format(**values),
        folder / "README.md": README.format(**values),
        folder / "hints.yaml": HINTS.format(**values),
        folder / "checks" / "conftest.py": CONFTEST,
        folder / "checks" / f"test_{stem}.py": CHECKS.format(**values),
        solutions / file_name: SOLUTION.format(**values),
    }
    before = manifest.path.read_text(encoding="utf-8")
    entry = ENTRY.format(id_yaml=json.dumps(kata_id), title_yaml=json.dumps(title.strip()),
                         folder=f"katas/{name}", file=file_name, check_file=f"test_{stem}.py")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    write_atomic(manifest.path, before + ("" if before.endswith("\n") else "\n") + entry)
    try:
        if load(manifest.path).get(kata_id) is None:
            raise ManifestError(manifest.path, None, "the new entry did not land in the katas list")
    except ManifestError as exc:
        write_atomic(manifest.path, before)  # the manifest as it was; the files stay for the author to see
        raise AuthoringError(f"could not append the entry to {manifest.path.name} ({exc}); "
                             "katas: must be its last section, or add the entry by hand") from None
    return [*files, manifest.path]
