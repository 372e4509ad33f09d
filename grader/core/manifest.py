"""``kata.yaml``: which katas exist, their files, checks, points and hints.

The manifest is parsed once into frozen dataclasses. Every problem is reported
as a :class:`ManifestError` naming the file and line (``kata.yaml:12: ...``);
nothing else in kata hard-codes a kata id or path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..settings import DEFAULT_PRELOAD

FORMAT_VERSION = 1
SHIPPED = ".shipped"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
"""Gradescope's visibility settings for test results."""


NO_SOLUTIONS = ("; restore it, or, for a copy without the reference solutions, put 'solutions: false' in "
                "kata.yaml ('kata export workspace' writes such a copy)")


class ManifestError(Exception):
    """A malformed manifest; ``str()`` is one line naming the file and line."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Check:
    """One hidden check, as the manifest describes it."""

    name: str
    """The pytest function's name in the check file, e.g. ``test_f_rejects_empty_data``."""
    target: str
    """The stub function the check exercises; only that function can fail it."""
    hint: str
    """Shown to the learner when the check fails."""
    points: float = 1.0
    """Points earned when the check passes."""


@dataclass(frozen=True)
class Kata:
    """One kata: a folder with a lesson, the learner's stub file(s) and hidden checks."""

    id: str
    """Stable identifier used on the command line (``kata check ID``)."""
    title: str
    """One-line title shown by ``kata list``."""
    folder: Path
    """Absolute path of the kata folder (``katas/<folder>``)."""
    files: tuple
    """Learner files relative to ``folder``; checks call functions of the first one."""
    check_file: Path
    """Absolute path of the pytest file holding the hidden checks."""
    solution_folder: Path
    """Absolute path of the reference solution folder (mirrors ``folder``)."""
    checks: tuple
    """The :class:`Check` entries, in the order they are reported."""
    time_limit: float = 3.0
    """Seconds one call into learner code may take."""
    import_time_limit: float = 10.0
    """Seconds importing the learner file may take."""
    memory_mb: int = 1024
    """Memory a worker may allocate on top of the pre-warmed interpreter."""
    submission_time_limit: float = 120.0
    """Seconds one submission may take in all; checks after that fail without running."""
    visibility: str = "visible"
    """When students see the checks' results on Gradescope: one of :data:`VISIBILITIES`."""

    @property
    def learner_path(self) -> Path:
        return self.folder / self.files[0]

    @property
    def shipped_path(self) -> Path:
        """The stub as shipped, kept beside the learner's working copy."""
        return self.shipped(self.files[0])

    def shipped(self, name: str) -> Path:
        """The shipped copy of the learner file ``name`` (one of :attr:`files`)."""
        return self.folder / SHIPPED / name

    def shown_shipped(self, name: str | None = None) -> str:
        """The shipped copy's path as a learner reads it: ``<folder>/.shipped/<file>``."""
        return f"{self.folder.name}/{SHIPPED}/{name or self.files[0]}"

    @property
    def solution_path(self) -> Path:
        return self.solution_folder / self.files[0]

    @property
    def misconception_folder(self) -> Path:
        return self.folder / "misconceptions"

    @property
    def module_name(self) -> str:
        return Path(self.files[0]).stem

    @property
    def max_score(self) -> float:
        return float(sum(c.points for c in self.checks))

    @property
    def targets(self) -> list:
        """Stub functions in the order their first check appears."""
        return list(dict.fromkeys(c.target for c in self.checks))


@dataclass(frozen=True)
class Manifest:
    """The parsed ``kata.yaml``."""

    path: Path
    """Absolute path of the manifest file."""
    format_version: int
    """Schema version; this kata understands version 1."""
    katas: tuple
    """The katas in the order the manifest lists them."""
    preload: tuple = DEFAULT_PRELOAD
    """Modules imported once before workers are forked, so learner imports are cheap."""
    solutions: bool = True
    """False in a workspace without reference solutions (``solutions: false``): a learner's copy
    (``kata export workspace``) or a grading-only one; the authors' commands need them."""

    @property
    def root(self) -> Path:
        return self.path.parent

    def get(self, kata_id: str) -> Kata | None:
        return next((k for k in self.katas if k.id == kata_id), None)


def load(path: Path) -> Manifest:
    """Parse and validate ``path``; raise :class:`ManifestError` on any problem."""
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(path, None, f"cannot read the manifest: {exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ManifestError(path, mark.line + 1 if mark else None,
                            f"not valid YAML: {problem}") from None
    return _Reader(path).manifest(node)


class _Reader:
    """Walks the YAML node tree so each error can name its line."""

    def __init__(self, path: Path):
        self.path = path
        self.root = path.parent
        self.solutions = True
        """False in a grading-only workspace (an exported autograder): no reference solutions to find."""

    def fail(self, node, message: str):
        line = node.start_mark.line + 1 if node is not None else None
        raise ManifestError(self.path, line, message)

    def mapping(self, node, what: str, required: set, optional: set) -> dict:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values")
        fields = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in fields:
                self.fail(key_node, f"duplicate key '{key}' in {what}")
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.fail(key_node, f"unknown key '{key}' in {what}; allowed keys: {allowed}")
            fields[key] = value_node
        missing = sorted(required - set(fields))
        if missing:
            self.fail(node, f"{what} is missing required key '{missing[0]}'")
        return fields

    def scalar(self, node, what: str, kind):
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value")
        value = node.value
        if kind is str:
            if node.tag == "tag:yaml.org,2002:null" or value == "" and node.style is None:
                self.fail(node, f"{what} must not be empty")
            return value
        try:
            number = kind(value)
        except ValueError:
            self.fail(node, f"{what} must be a number, not '{value}'")
        if number <= 0:
            self.fail(node, f"{what} must be greater than zero, not {value}")
        return number

    def sequence(self, node, what: str) -> list:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.fail(node, f"{what} must be a non-empty list")
        return node.value

    def existing(self, node, base: Path, relative: str, what: str, fix: str = "") -> Path:
        target = (base / relative).resolve()
        if not target.exists():
            shown = target.relative_to(self.root) if target.is_relative_to(self.root) else target
            self.fail(node, f"{what} {shown} does not exist{fix}")
        return target

    def manifest(self, node) -> Manifest:
        if node is None:
            raise ManifestError(self.path, None, "the manifest is empty")
        fields = self.mapping(node, "the manifest", {"format_version", "katas"}, {"preload", "solutions"})
        self.solutions = "solutions" not in fields or self.choice(fields["solutions"], "solutions",
                                                                  ("true", "false")) == "true"
        version = self.scalar(fields["format_version"], "format_version", int)
        if version != FORMAT_VERSION:
            self.fail(fields["format_version"],
                      f"format_version {version} is not supported; this kata reads {FORMAT_VERSION}")
        preload = DEFAULT_PRELOAD
        if "preload" in fields:
            preload = tuple(self.scalar(n, "a preload entry", str)
                            for n in self.sequence(fields["preload"], "preload"))
        katas, seen = [], {}
        for kata_node in self.sequence(fields["katas"], "katas"):
            kata = self.kata(kata_node)
            if kata.id in seen:
                self.fail(kata_node, f"duplicate kata id '{kata.id}' (first at line {seen[kata.id]})")
            seen[kata.id] = kata_node.start_mark.line + 1
            katas.append(kata)
        return Manifest(self.path, version, tuple(katas), preload, self.solutions)

    def kata(self, node) -> Kata:
        fields = self.mapping(node, "a kata", {"id", "title", "folder", "files", "check_file", "checks"},
                              {"solution", "time_limit", "import_time_limit", "memory_mb",
                               "submission_time_limit", "visibility"})
        kata_id = self.scalar(fields["id"], "id", str)
        folder_rel = self.scalar(fields["folder"], "folder", str)
        folder = self.existing(fields["folder"], self.root, folder_rel, "kata folder")
        files = tuple(self.scalar(n, "a learner file", str) for n in self.sequence(fields["files"], "files"))
        solution_rel = (self.scalar(fields["solution"], "solution", str) if "solution" in fields
                        else str(Path("solutions", *Path(folder_rel).parts[1:])))
        solution_node = fields.get("solution", fields["folder"])
        solution = (self.existing(solution_node, self.root, solution_rel, "solution folder", NO_SOLUTIONS)
                    if self.solutions else (self.root / solution_rel).resolve())
        for name in files:
            self.existing(fields["files"], folder / SHIPPED, name, "shipped stub")
            if self.solutions:
                self.existing(fields["files"], solution, name, "reference solution", NO_SOLUTIONS)
        check_file = self.existing(fields["check_file"], folder,
                                   self.scalar(fields["check_file"], "check_file", str), "check file")
        checks = self.checks(fields["checks"])
        limits = {key: self.scalar(fields[key], key, kind) for key, kind in
                  (("time_limit", float), ("import_time_limit", float), ("memory_mb", int),
                   ("submission_time_limit", float))
                  if key in fields}
        if "visibility" in fields:
            limits["visibility"] = self.choice(fields["visibility"], "visibility", VISIBILITIES)
        return Kata(id=kata_id, title=self.scalar(fields["title"], "title", str), folder=folder,
                    files=files, check_file=check_file, solution_folder=solution,
                    checks=checks, **limits)

    def choice(self, node, what: str, allowed: tuple) -> str:
        value = self.scalar(node, what, str)
        if value not in allowed:
            self.fail(node, f"{what} '{value}' is not one of {', '.join(allowed)}")
        return value

    def checks(self, node) -> tuple:
        checks, seen = [], set()
        for check_node in self.sequence(node, "checks"):
            fields = self.mapping(check_node, "a check", {"name", "target", "hint"}, {"points"})
            name = self.scalar(fields["name"], "name", str)
            if name in seen:
                self.fail(check_node, f"duplicate check name '{name}'")
            seen.add(name)
            points = self.scalar(fields["points"], "points", float) if "points" in fields else 1.0
            checks.append(Check(name=name, target=self.scalar(fields["target"], "target", str),
                                hint=self.scalar(fields["hint"], "hint", str), points=points))
        return tuple(checks)
