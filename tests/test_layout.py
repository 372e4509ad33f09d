"""The package's shape is a rule, not a convention: the trust boundary, the layers, no import circle.

Imports are read from the source (every ``import`` and ``from ... import``, at
any depth, lazy ones included), so a violation cannot hide in a function body.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "grader"

ALLOWED = {
    "settings": set(),
    "workers": set(),
    "workers.wire": {"settings"},
    "workers.inside": {"settings", "workers.wire"},
    "workers.client": {"settings", "workers.wire", "workers.inside"},
    "core": {"settings", "workers.wire", "workers.inside", "workers.client"},
    "learner": {"settings", "core", "workers.wire", "workers.inside", "workers.client"},
    "platforms": {"settings", "core", "learner", "workers.wire", "workers.inside", "workers.client"},
    "authoring": {"settings", "core", "learner", "workers.wire", "workers.inside", "workers.client"},
    "cohort": {"settings", "core", "learner", "platforms", "workers.wire", "workers.inside", "workers.client"},
    "checklib": {"core"},
    "pytest_plugin": {"core", "learner"},
    "cli": {"settings", "core", "learner", "platforms", "authoring", "cohort", "workers.client", "workers.inside"},
    "entry": {"settings", "cli", "workers.client"},
    "__main__": {"entry"},
    "grader": {"learner", "workers.inside"},
}
"""Which parts of kata each part may import. The worker layer's inside and wire import nothing of the
trusted side but settings: no worker can reach checks, solutions or results through an import."""


def modules(package: Path) -> dict:
    """``{dotted name: (file, is package)}`` for every module under ``package``."""
    found = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imports(package: Path) -> dict:
    """``{module: {modules of the package it imports}}``."""
    found = modules(package)
    graph = {}
    for name, (path, is_package) in found.items():
        base = name.split(".") if is_package else name.split(".")[:-1]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                source = (".".join(base[:len(base) - node.level + 1] + ([node.module] if node.module else []))
                          if node.level else node.module or "")
                submodules = {f"{source}.{alias.name}" for alias in node.names} & set(found)
                targets |= submodules or {source}  # a name from a module, or modules of a package
        graph[name] = {t for t in targets if t in found and t != name and t != package.name}
    return graph


def part(module: str) -> str:
    """The part of kata a module belongs to: ``grader.workers.inside.worker`` -> ``workers.inside``."""
    pieces = module.split(".")[1:]
    if not pieces:
        return "grader"
    if pieces[0] == "workers" and len(pieces) > 1:
        return f"workers.{pieces[1]}"
    return pieces[0]


def violations(package: Path) -> list:
    problems = []
    for module, targets in sorted(imports(package).items()):
        allowed = ALLOWED.get(part(module))
        if allowed is None:
            problems.append(f"{module}: belongs to no known part of kata; add its part to ALLOWED")
            continue
        for target in sorted(targets):
            if part(target) != part(module) and part(target) not in allowed:
                problems.append(f"{module} imports {target}")
    return problems


def circles(package: Path) -> list:
    """Import circles between modules, each as a list of modules."""
    graph = imports(package)
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_the_trust_boundary_and_the_layers_hold():
    assert violations(PACKAGE) == []


def test_no_module_imports_itself_round_a_circle():
    assert circles(PACKAGE) == []


def test_the_rule_catches_a_worker_that_imports_the_trusted_side(tmp_path):
    """The checker is not vacuous: a planted import of the checks' side from inside a worker is caught,
    lazy or not, relative or absolute."""
    package = tmp_path / "grader"
    for folder in ("", "core", "workers", "workers/inside"):
        (package / folder).mkdir(parents=True, exist_ok=True)
        (package / folder / "__init__.py").write_text("")
    (package / "settings.py").write_text("")
    (package / "core" / "results.py").write_text("")
    (package / "workers" / "inside" / "worker.py").write_text(
        "from ... import settings\n\ndef later():\n    from ...core import results\n")
    (package / "workers" / "inside" / "sandbox.py").write_text("import grader.core.results\n")
    assert violations(package) == ["grader.workers.inside.sandbox imports grader.core.results",
                                   "grader.workers.inside.worker imports grader.core.results"]


def test_the_circle_finder_finds_a_circle(tmp_path):
    package = tmp_path / "grader"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("from .a import x\n")
    assert circles(package) == [["grader.a", "grader.b", "grader.a"]]


@pytest.mark.parametrize("layer", ["workers/inside", "workers/wire"])
def test_untrusted_layers_import_only_the_standard_library_numpy_and_settings(layer):
    """Third-party imports there are numpy alone (the worker's wire format); nothing of pytest or click."""
    allowed_outside = {"numpy"}
    for path in (PACKAGE / layer).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                assert top in allowed_outside or top == "grader" or _standard(top), f"{path.name} imports {name}"


def _standard(name: str) -> bool:
    import sys

    return name in sys.stdlib_module_names or name == "__future__"


def test_the_readme_layout_table_names_every_module():
    """A row names modules in backticks; a bare name after the first is in the first one's folder
    (``workers/inside/sandbox.py``, ``private.py``); a package's own row (``core/``) covers its ``__init__.py``."""
    import re

    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| module | role |"):].split("\n\n", 1)[0]
    named = set()
    for line in table.splitlines()[2:]:
        cell = line.split("|")[1]
        names = re.findall(r"`([^`]+)`", cell)
        folder = names[0].rsplit("/", 1)[0] + "/" if "/" in names[0].rstrip("/") else ""
        for name in names:
            named.add(name + "__init__.py" if name.endswith("/") else name if "/" in name else folder + name)
    present = {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")}
    assert sorted(present - named) == [], "modules the README's layout table does not name"
    assert sorted(named - present) == [], "the README's layout table names modules that are gone"
