"""``from grader import check; check("ID")`` in a notebook.

Grades the learner file of a kata, or the functions defined in the notebook
(the caller's namespace) when it defines any of the kata's functions, and
shows the same report as ``kata check``.
"""

from __future__ import annotations

import inspect
import tempfile
import types
from pathlib import Path

from ..core.grading import Grader, new_seed
from . import report, workspace


class Report:
    """What ``check`` returns: the result, shown as the terminal report."""

    def __init__(self, result):
        self.result = result
        self.text = "\n".join(report.check_lines(result, verbose=True, everything=False))

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.text)}</pre>"


def check(kata_id: str, file=None, namespace: dict | None = None, seed: int | None = None, root=None) -> Report:
    """Grade kata ``kata_id``; see the module docstring."""
    manifest = workspace.load_manifest(workspace.find_root(root))
    kata = manifest.get(kata_id)
    if kata is None:
        raise ValueError(f"no kata '{kata_id}' in kata.yaml")
    if namespace is None and file is None:
        namespace = inspect.currentframe().f_back.f_globals
    # The kernel is the learner's process, not kata's: it is left as it was (no hardening).
    with tempfile.TemporaryDirectory() as folder, Grader(manifest, harden=False) as grader:
        path = Path(file) if file else _module_from(namespace, kata, Path(folder)) or kata.learner_path
        result = grader.grade(kata, path, new_seed() if seed is None else seed)
    return Report(result)


def _module_from(namespace: dict, kata, folder: Path):
    """A learner file written from the notebook's functions, or None if it defines none."""
    wanted = [name for name in kata.targets if inspect.isfunction(namespace.get(name))]
    if not wanted:
        return None
    lines, seen, constants = [], set(), []
    for name in _with_helpers(namespace, wanted):
        value = namespace[name]
        if isinstance(value, types.ModuleType):
            lines.insert(0, f"import {value.__name__} as {name}")
        elif not inspect.isfunction(value):
            constants.append(f"{name} = {_literal(value)}")
        elif value.__module__ != namespace.get("__name__"):
            lines.insert(0, f"from {value.__module__} import {value.__name__} as {name}")
        elif name not in seen:
            seen.add(name)
            lines.append(inspect.getsource(value))
    if constants:
        lines.insert(len([line for line in lines if line.startswith(("import ", "from "))]),
                     "import numpy\n" + "\n".join(constants))
    path = folder / kata.files[0]
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def _with_helpers(namespace: dict, names: list) -> list:
    """``names`` plus the functions and modules of the namespace they use, transitively."""
    order, stack = [], list(names)
    while stack:
        name = stack.pop(0)
        if name in order:
            continue
        order.append(name)
        value = namespace.get(name)
        if inspect.isfunction(value) and value.__module__ == namespace.get("__name__"):
            stack += [n for n in _names_used(value.__code__)
                      if inspect.isfunction(namespace.get(n)) or isinstance(namespace.get(n), types.ModuleType)
                      or (n in namespace and _literal(namespace[n]) is not None)]
    return order


def _names_used(code) -> list:
    """Global names a function's code uses, its nested functions' and comprehensions' included."""
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _names_used(const)
    return names


def _literal(value, depth: int = 0):
    """Python source that rebuilds a plain constant (numbers, text, NumPy values, containers of them), or None."""
    import numpy as np

    if depth > 4:
        return None
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return f"numpy.{value.dtype.name}({value.item()!r})"
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc" and value.size <= 100_000:
        return f"numpy.array({value.tolist()!r}, dtype={value.dtype.str!r})"
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [_literal(v, depth + 1) for v in value]
        if None in parts:
            return None
        inner = ", ".join(parts)
        return {list: f"[{inner}]", tuple: f"({inner}{',' if len(parts) == 1 else ''})",
                set: f"{{{inner}}}" if parts else "set()", frozenset: f"frozenset([{inner}])"}[type(value)]
    if isinstance(value, dict):
        parts = [(_literal(k, depth + 1), _literal(v, depth + 1)) for k, v in value.items()]
        if any(k is None or v is None for k, v in parts):
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in parts) + "}"
    return None
