"""A notebook's (or an interactive session's) functions, written out as a learner file for the worker.

The worker imports a file, not a namespace; this writes one with the kata's
functions the namespace defines and every name they use, carried the way it
can be:

- a function or class defined in the notebook: its source (``inspect``; a
  class from its cell's source; in a plain ``python -i`` session, where no
  source is kept, the function's code object, marshalled: the worker runs the
  same interpreter);
- a module (``import numpy as np``), and a function, class, ufunc or object
  imported from an installed library (``from scipy.special import xlogy``,
  ``from scipy.stats import norm``): imported again by name;
- a plain value (numbers, text, NumPy arrays, containers of them): its literal;
- anything else: left out, with a one-line note naming it.

A function of the kata the namespace does not define yet is a stub that
raises NotImplementedError, so its checks are "not started" (TODO).
"""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import marshal
import os
import sys
import sysconfig
import types

HELPERS = '''import marshal as _kata_marshal
import types as _kata_types


def _kata_function(code, name, defaults, kwdefaults):
    function = _kata_types.FunctionType(_kata_marshal.loads(code), globals(), name, defaults)
    function.__kwdefaults__ = kwdefaults
    return function
'''


def module_source(namespace: dict, targets: list) -> tuple:
    """``(source, notes)``: a learner file from ``namespace`` for the kata functions ``targets``."""
    imports, values, definitions, notes = [], [], [], []
    marshalled = False
    for name in _needed(namespace, [t for t in targets if defined_here(namespace, t)]):
        value = namespace[name]
        line = _import_line(name, value)
        if line is not None:
            imports.append(line)
        elif defined_here(namespace, name):
            source = _source(value)
            if source is None and inspect.isfunction(value):
                source, note = _marshalled(name, value)
                marshalled |= source is not None
                notes += [note] if note else []
            if source is None:
                notes.append(f"{name} is not carried to the grader: its source cannot be found")
            else:
                definitions.append(source)
        elif _literal(value) is not None:
            values.append(f"{name} = {_literal(value)}")
        else:
            notes.append(f"{name} ({type(value).__name__}) is not carried to the grader: kata carries functions, "
                         "modules, what is imported from installed libraries and plain values; "
                         "define it in the function that uses it")
    missing = [t for t in targets if not defined_here(namespace, t)]
    stubs = [f"def {t}(*args, **kwargs):\n    raise NotImplementedError  # not defined yet\n" for t in missing]
    parts = [*imports, "import numpy", *([HELPERS] if marshalled else []), *values, *definitions, *stubs]
    return "\n\n".join(parts) + "\n", notes


def defined_here(namespace: dict, name: str) -> bool:
    """A function or class the notebook itself defined (not imported)."""
    value = namespace.get(name)
    return ((inspect.isfunction(value) or inspect.isclass(value))
            and getattr(value, "__module__", None) == namespace.get("__name__"))


def _needed(namespace: dict, names: list) -> list:
    """``names`` and every name of the namespace their code uses, transitively, in a stable order."""
    order, queue = [], list(names)
    while queue:
        name = queue.pop(0)
        if name in order or name not in namespace:
            continue
        order.append(name)
        value = namespace[name]
        if defined_here(namespace, name):
            codes = [value.__code__] if inspect.isfunction(value) else [
                v.__code__ for v in vars(value).values() if inspect.isfunction(v)]
            for code in codes:
                queue += [n for n in _names_used(code) if n in namespace and not n.startswith("__")]
    return order


def _names_used(code) -> list:
    """Global names a function's code uses, its nested functions' and comprehensions' included."""
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _names_used(const)
    return names


def _source(value) -> str | None:
    try:
        return inspect.getsource(value)
    except (OSError, TypeError):
        return _class_source(value) if inspect.isclass(value) else None


def _class_source(cls) -> str | None:
    """A notebook class's source, from the cell its methods came from (``inspect`` wants a module file)."""
    for member in vars(cls).values():
        if inspect.isfunction(member):
            filename = member.__code__.co_filename
            text = "".join(linecache.getlines(filename))
            try:
                tree = ast.parse(text)
            except SyntaxError:
                return None
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
                    return ast.get_source_segment(text, node)
    return None


def _marshalled(name: str, function) -> tuple:
    """``(source, note)`` that rebuilds a function with no source (``python -i``) from its code object."""
    code = function.__code__
    defaults = _literal(function.__defaults__) if function.__defaults__ else "None"
    kwdefaults = _literal(function.__kwdefaults__) if function.__kwdefaults__ else "None"
    if code.co_freevars or defaults is None or kwdefaults is None:
        return None, f"{name} is not carried to the grader: it has no source, and closes over values or has defaults kata cannot write"
    data = marshal.dumps(code)
    return f"{name} = _kata_function({data!r}, {name!r}, {defaults}, {kwdefaults})\n", ""


def _import_line(name: str, value) -> str | None:
    """``import numpy as np`` or ``from scipy.special import xlogy as xlogy``, or None if it is not that."""
    if isinstance(value, types.ModuleType):
        return f"import {value.__name__} as {name}" if _installed(value) else None
    if inspect.isfunction(value) and value.__module__ in ("__main__", None):
        return None
    home = _home(value)
    if home is None:
        return None
    module, attribute = home
    return f"from {module} import {attribute} as {name}"


def _home(value) -> tuple | None:
    """``(module, attribute)``: the shortest public path of an installed module where ``value`` lives.

    Looked for in the package its ``__module__`` names first, then (a ufunc such as scipy.special.xlogy
    names none) in every module loaded.
    """
    owner = getattr(value, "__module__", None)
    scopes = [owner.split(".")[0]] if isinstance(owner, str) and owner not in ("builtins", "__main__") else []
    for scope in [*scopes, None]:
        found = []
        for module_name, module in list(sys.modules.items()):
            if not isinstance(module, types.ModuleType) or module_name == "__main__":
                continue
            if scope is not None and module_name != scope and not module_name.startswith(scope + "."):
                continue
            attribute = next((a for a, m in list(vars(module).items()) if m is value and not a.startswith("_")), None)
            if attribute is not None and _installed(module):
                private = any(part.startswith("_") for part in module_name.split("."))
                found.append((private, module_name.count("."), module_name, attribute))
        if found:
            _, _, module_name, attribute = min(found)
            return module_name, attribute
    return None


def _installed(module) -> bool:
    """A module of the standard library or an installed package (one the worker can import), not the learner's."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str):
        return module.__name__.split(".")[0] in sys.builtin_module_names
    path = os.path.realpath(path)
    return any(path.startswith(root + os.sep) for root in _library_roots())


@functools.lru_cache(maxsize=1)
def _library_roots() -> frozenset:
    roots = {p for key in ("stdlib", "platstdlib", "purelib", "platlib") if (p := sysconfig.get_paths().get(key))}
    roots |= {p for p in sys.path if "site-packages" in p or "dist-packages" in p}
    return frozenset(os.path.realpath(p) for p in roots)


def _literal(value, depth: int = 0):
    """Python source that rebuilds a plain value (numbers, text, NumPy values, containers of them), or None."""
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
