"""``kata verify``: authoring is checked like code.

For each kata: the check file and the manifest agree, every check has a hint
and a target that the stub defines, every stub function is checked, the stub
*as shipped* (``.shipped/``, never the learner's working copy) scores zero, and
the reference solution scores full marks with several seeds. Folders under
``katas/`` and ``solutions/`` that no kata claims are reported too.
"""

from __future__ import annotations

import ast
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core import diagnose
from ..core.grading import Grader, new_seed
from ..core.manifest import Kata, Manifest
from ..core.runner import ChecksBroken

SOLUTION_SEEDS = 3


@dataclass
class KataVerdict:
    kata: Kata
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def stub_functions(path: Path) -> list:
    """Names of the top-level functions a stub defines (parsed, never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def verify(manifest: Manifest, katas: list, grader: Grader) -> list:
    """A verdict per kata, in manifest order."""
    return [_verify_kata(kata, grader) for kata in katas]


def orphans(manifest: Manifest) -> list:
    """Folders under katas/ and solutions/ that no kata in the manifest claims."""
    claimed = {k.folder for k in manifest.katas} | {k.solution_folder for k in manifest.katas}
    found = []
    for top in ("katas", "solutions"):
        base = manifest.root / top
        if base.is_dir():
            for entry in sorted(base.iterdir()):
                if entry.is_dir() and not entry.name.startswith((".", "__")) and entry.resolve() not in claimed:
                    found.append(f"{top}/{entry.name} belongs to no kata in kata.yaml")
    return found


def _verify_kata(kata: Kata, grader: Grader) -> KataVerdict:
    verdict = KataVerdict(kata)
    try:
        suite = grader.suite(kata)
    except ChecksBroken as exc:  # an author's broken check file is a finding
        verdict.problems.append(str(exc))
        return verdict
    verdict.problems += suite.problems()
    verdict.problems += [f"misconception '{m.name}' targets '{m.target}', which the stub does not define"
                         for m in suite.misconceptions if m.target not in kata.targets]
    explained: dict = {}
    for m in suite.misconceptions:
        if m.explanation in explained:
            verdict.problems.append(f"misconceptions '{explained[m.explanation]}' and '{m.name}' have the same "
                                    "explanation: a learner could not tell them apart")
        explained.setdefault(m.explanation, m.name)
    _check_targets(kata, verdict)
    if verdict.problems:
        return verdict
    _check_stub_scores_zero(kata, grader, verdict)
    _check_solution_full_marks(kata, grader, verdict)
    _check_misconceptions(kata, grader, suite, verdict)
    _check_working_copy(kata, verdict)
    return verdict


def _check_targets(kata: Kata, verdict: KataVerdict) -> None:
    try:
        defined = stub_functions(kata.shipped_path)
    except SyntaxError as exc:
        verdict.problems.append(f"the shipped stub has a syntax error at line {exc.lineno}: {exc.msg}")
        return
    for check in kata.checks:
        if check.target not in defined:
            verdict.problems.append(f"check '{check.name}' targets '{check.target}', which the stub does not define")
    targeted = {c.target for c in kata.checks}
    for name in defined:
        if name not in targeted and not name.startswith("_"):
            verdict.problems.append(f"stub function '{name}' has no check")


def _check_stub_scores_zero(kata: Kata, grader: Grader, verdict: KataVerdict) -> None:
    result = grader.grade(kata, kata.shipped_path, new_seed())
    if result.status != "graded":
        verdict.problems.append(f"the shipped stub cannot be graded: {result.error}")
        return
    for check in result.checks:
        if check.passed:
            verdict.problems.append(f"the shipped stub passes '{check.name}' (seed {result.seed}): "
                                    "a stub must score zero")


def _check_solution_full_marks(kata: Kata, grader: Grader, verdict: KataVerdict) -> None:
    for _ in range(SOLUTION_SEEDS):
        result = grader.grade(kata, kata.solution_path, new_seed())
        if result.status != "graded":
            verdict.problems.append(f"the reference solution cannot be graded: {result.error}")
            return
        for check in result.checks:
            if not check.passed:
                verdict.problems.append(f"the reference solution fails '{check.name}' with seed "
                                        f"{result.seed}: {check.message}")
        if not result.full_marks:
            return


def with_misconception(kata: Kata, misconception, folder: Path) -> Path:
    """A learner file: the reference solution with one function replaced by a misconception."""
    path = folder / kata.files[0]
    source = (kata.misconception_folder / f"{misconception.name}.py").read_text(encoding="utf-8")
    path.write_text(kata.solution_path.read_text(encoding="utf-8") + "\n\n" + source, encoding="utf-8")
    return path


def _check_misconceptions(kata: Kata, grader: Grader, suite, verdict: KataVerdict) -> None:
    """Each misconception fails a check of its function, no other, and is recognised."""
    with tempfile.TemporaryDirectory() as folder:
        for item in suite.misconceptions:
            result = grader.grade(kata, with_misconception(kata, item, Path(folder)), new_seed())
            failed = [c for c in result.checks if not c.passed]
            where = f"misconception '{item.name}' (seed {result.seed})"
            if not failed:
                verdict.problems.append(f"{where} passes every check of {item.target}: the checks are too weak")
            elif any(c.target != item.target for c in failed):
                others = sorted({c.target for c in failed} - {item.target})
                verdict.problems.append(f"{where} also fails checks of {', '.join(others)}")
            elif not any(c.diagnosis == diagnose.explain(item) for c in failed):
                verdict.problems.append(f"{where} fails its checks but the diagnosis does not recognise it")


def _check_working_copy(kata: Kata, verdict: KataVerdict) -> None:
    for name in kata.files:
        working, shipped = kata.folder / name, kata.shipped(name)
        if not working.exists():
            verdict.notes.append(f"{name} is missing from {kata.folder.name}/ (the shipped stub is {kata.shown_shipped(name)})")
        elif working.read_bytes() != shipped.read_bytes():
            verdict.notes.append(f"{name} has been edited (by a learner, or by an author who has not "
                                 f"copied it to {kata.shown_shipped(name)}); verified the shipped stub")
