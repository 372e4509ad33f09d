"""Every known mistake of every kata, in one list, for the tests and the bench.

A known mistake is one of:

- a misconception of a kata (``katas/<kata>/misconceptions/*.py``): the
  reference solution with that function replaced;
- a classic mistake kept for the tests (``tests/submissions/mistakes/<kata id>/*.py``):
  the same, one public function replacing the solution's; ``KIND =
  "validation"`` marks a mistake in what the function accepts or rejects;
- kata 10.2's whole-file submissions in ``tests/submissions`` (``MISTAKES`` of
  ``test_submissions``), which take their other functions from a correct file.

Checks fall into three kinds: *rejects* checks (their name says ``rejects``)
judge which input is refused, *form* checks judge that one input form gives
the same value as another (a column for a 1-D array, a tuple for an array),
and *value* checks judge values. A value mistake may cost only its function's
value checks; a validation mistake only its function's rejects checks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SUBMISSIONS = TESTS / "submissions"
MISTAKE_FILES = SUBMISSIONS / "mistakes"

FORM_CHECKS = {
    "test_binomial_log_likelihood_array_of_p", "test_linear_regression_nll_tuple_params",
    "test_logistic_nll_column_input", "test_ridge_map_one_column", "test_logistic_neg_log_posterior_column_input",
}
"""Checks that compare the learner's values for two forms of one input, never with a reference."""

WHOLE_FILE_VALIDATION = {"no_validation", "nll_broadcasts", "logistic_nll_broadcasts"}

BOTH = {("10.1", "product_underflows_to_nan")}
"""Mistakes in the value and in what is refused at once: this one never checks that the posterior mass is 0
(its underflowing products give nan, not 0), so it may lose its rejects check too."""


@dataclass(frozen=True)
class Mistake:
    kata: str
    name: str
    target: str
    kind: str
    """``value``, ``validation`` or ``both``."""
    path: Path
    whole: bool = False
    """A whole learner file; else one function, appended to the reference solution."""
    misconception: bool = False

    @property
    def label(self) -> str:
        """How tables name it: ``10.2/ddof_one`` (a misconception or a mistake file), ``10.2/submissions/ddof_one``."""
        return f"{self.kata}/submissions/{self.name}" if self.whole else f"{self.kata}/{self.name}"

    def learner_file(self, kata, folder: Path) -> Path:
        """A learner file with this mistake, written into ``folder`` (a whole file is used as it is)."""
        if self.whole:
            return self.path
        path = Path(folder) / f"{self.kata}-{self.name}" / kata.files[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(kata.solution_path.read_text(encoding="utf-8") + "\n\n"
                        + self.path.read_text(encoding="utf-8"), encoding="utf-8")
        return path


def kind_of(check_name: str) -> str:
    """``rejects``, ``form`` or ``value``."""
    if "_rejects_" in check_name:
        return "rejects"
    return "form" if check_name in FORM_CHECKS else "value"


def _replacement(path: Path) -> tuple:
    """The one public function a replacement file defines, and its KIND (``value`` by default)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    assert len(functions) == 1, f"{path} must define exactly one public function"
    kind = "value"
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["KIND"]:
            kind = ast.literal_eval(node.value)
    return functions[0], kind


def known_mistakes(katas) -> list:
    """Every known mistake of ``katas`` (a manifest's ``katas``)."""
    found = []
    for kata in katas:
        folder = kata.misconception_folder
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            kind = "both" if (kata.id, path.stem) in BOTH else "value"
            found.append(Mistake(kata.id, path.stem, _replacement(path)[0], kind, path, misconception=True))
        for path in sorted((MISTAKE_FILES / kata.id).glob("*.py")):
            target, kind = _replacement(path)
            found.append(Mistake(kata.id, path.stem, target, kind, path))
    from test_submissions import MISTAKES  # kata 10.2's whole-file submissions

    for name, (target, _) in sorted(MISTAKES.items()) if any(k.id == "10.2" for k in katas) else []:
        kind = "validation" if name in WHOLE_FILE_VALIDATION else "value"
        found.append(Mistake("10.2", name, target, kind, SUBMISSIONS / f"{name}.py", whole=True))
    return found


def allowed_losses(mistake: Mistake, kata) -> set:
    """The checks ``mistake`` may fail: its function's checks of the kind its mistake is about."""
    wanted = {"validation": {"rejects"}, "value": {"value"}, "both": {"value", "rejects"}}[mistake.kind]
    return {c.name for c in kata.checks if c.target == mistake.target and kind_of(c.name) in wanted}
