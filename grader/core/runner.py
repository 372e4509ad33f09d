"""Running hidden checks (plain pytest functions) in the trusted process.

A check file is an ordinary pytest module: ``test_*`` functions that take the
fixtures ``learner`` (a proxy whose calls run in the worker), ``rng`` (a NumPy
generator seeded from the run's seed and the check's name) and ``seed``. Authors
run the file with pytest itself (the kata's ``conftest.py`` provides the same
fixtures); kata runs the functions directly, which avoids pytest's collection
per submission and lets one loaded suite grade a whole cohort.
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
import re
import sys
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import diagnose, quiet
from .manifest import Check, Kata
from .results import CheckResult, Outcome
from .session import LearnerError, LearnerProxy, NotDefined, WorkerFault
from .show import describe

FIXTURES = ("learner", "rng", "seed")


class CheckFailure(AssertionError):
    """A check failed because the learner's value is wrong; ``detail`` says how.

    Raised by :mod:`grader.checklib`'s helpers, where check authors meet it (and its name says so);
    defined here because the runner tells it apart from other failures.
    """

    __module__ = "grader.checklib"

    def __init__(self, detail: str, call: str | None = None, *, hint: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.call = call
        self.hint = hint
        """What to show instead of the check's own hint (``""``: none), when the failure is not what that
        hint is about: a fit whose optimiser stopped early fails a check whose hint is about the model."""


class ChecksBroken(Exception):
    """A kata's check file does not load; ``str()`` is one line: the file, the line, the fix."""


def _load_problem(path, exc: BaseException) -> str:
    """One line saying why the check file at ``path`` does not load, and what to do."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        package = exc.name.split(".")[0]
        return (f"{path}: the checks need the module '{package}', which is not installed here; "
                f"install it (pip install {package}) and run kata again")
    if isinstance(exc, SyntaxError):
        return f"{path}:{exc.lineno}: the check file has a syntax error ({exc.msg}); fix that line"
    line = next((frame.lineno for frame in reversed(traceback.extract_tb(exc.__traceback__))
                 if Path(frame.filename) == Path(path)), None)
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: the check file does not load ({type(exc).__name__}: {exc}); fix the check file"


def check_rng(seed: int, name: str) -> np.random.Generator:
    """The generator a check gets: independent of the order checks run in."""
    return np.random.Generator(np.random.PCG64(_seed_sequence(seed, name)))


@functools.lru_cache(maxsize=4096)
def _seed_sequence(seed: int, name: str) -> np.random.SeedSequence:
    """Hashing the entropy is most of a generator's making; in a cohort every submission needs the same."""
    return np.random.SeedSequence([seed, zlib.crc32(name.encode())])


@dataclass
class CheckSuite:
    """The loaded check functions of one kata, and its misconceptions."""

    kata: Kata
    functions: dict
    misconceptions: list = field(default_factory=list)

    @classmethod
    def load(cls, kata: Kata) -> "CheckSuite":
        name = "kata_checks_" + re.sub(r"\W", "_", kata.id)
        spec = importlib.util.spec_from_file_location(name, kata.check_file)
        module = importlib.util.module_from_spec(spec)
        folder = str(kata.check_file.parent)
        sys.path.insert(0, folder)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # noqa: BLE001 - any failure of an author's file is one line for the user
            raise ChecksBroken(_load_problem(kata.check_file, exc)) from None
        finally:
            sys.path.remove(folder)
            _forget_helpers(kata.check_file.parent)
        functions = {k: v for k, v in vars(module).items()
                     if k.startswith("test_") and inspect.isfunction(v)}
        try:
            misconceptions = diagnose.load(kata.misconception_folder)
        except Exception as exc:  # noqa: BLE001
            raise ChecksBroken(_load_problem(kata.misconception_folder, exc)) from None
        return cls(kata, functions, misconceptions)

    def problems(self) -> list:
        """Disagreements between the check file and the manifest."""
        listed = {c.name for c in self.kata.checks}
        found = []
        for name in sorted(listed - set(self.functions)):
            found.append(f"check '{name}' is listed in kata.yaml but not defined in {self.kata.check_file.name}")
        for name in sorted(set(self.functions) - listed):
            found.append(f"{self.kata.check_file.name} defines '{name}', which kata.yaml does not list")
        for name, function in self.functions.items():
            unknown = set(inspect.signature(function).parameters) - set(FIXTURES)
            if unknown:
                found.append(f"check '{name}' asks for unknown fixtures {sorted(unknown)}; "
                             f"available: {', '.join(FIXTURES)}")
        return found

    def run(self, check: Check, session, seed: int, evidence: "Evidence") -> CheckResult:
        """Run one check against the learner behind ``session``; ``evidence`` keeps its calls for the diagnosis."""
        proxy = LearnerProxy(session)
        with quiet.checks():
            outcome, message, hint = self._outcome(check, proxy, seed)
        passed = outcome == Outcome.PASSED
        result = CheckResult(name=check.name, target=check.target, passed=passed,
                             points=check.points if passed else 0.0, max_points=check.points,
                             message=message, hint="" if passed else (check.hint if hint is None else hint),
                             outcome=outcome, output=session.take_output(), warnings=session.take_warnings())
        evidence.add(result, proxy.log)
        return result

    def evidence(self) -> "Evidence":
        """What one submission's checks showed of each function, for one diagnosis per function."""
        return Evidence(self.misconceptions)

    def _outcome(self, check: Check, proxy: LearnerProxy, seed: int):
        """``(outcome, message, hint)``; ``hint`` None means the check's own."""
        function = self.functions.get(check.name)
        if function is None:
            return Outcome.INTERNAL, f"internal grading error: check '{check.name}' is not defined", None
        fixtures = {"learner": proxy, "rng": check_rng(seed, check.name), "seed": seed}
        try:
            function(**{p: fixtures[p] for p in _parameters(function)})
        except CheckFailure as exc:
            return Outcome.FAILED, f"{exc.call or _last(proxy, check)} -> {exc.detail}", exc.hint
        except NotDefined as exc:
            return Outcome.FAILED, f"{exc}: define it with the stub's signature", None
        except NotImplementedError:
            return (Outcome.NOT_IMPLEMENTED, f"{check.target} is not implemented yet (it raises NotImplementedError)",
                    None)
        except LearnerError as exc:
            where = f" at line {exc.line}" if exc.line else ""
            # Checks give bad input only through checklib.raises, which catches: this input was valid.
            valid = " on input the contract accepts" if isinstance(exc, ValueError) else ""
            return Outcome.RAISED, f"{_last(proxy, check)} raised {exc}{where}{valid}", None
        except WorkerFault as exc:
            return Outcome.FAULT, f"{_last(proxy, check)}: {exc}", None
        except AssertionError as exc:
            return Outcome.FAILED, f"{_last(proxy, check)}: {str(exc) or _returned(proxy)}", None
        except Exception as exc:  # noqa: BLE001 - our bug must not stop the other checks
            return Outcome.INTERNAL, f"internal grading error in {check.name}: {type(exc).__name__}: {exc}", None
        except BaseException as exc:
            if not isinstance(exc, _pytest_failure()):
                raise
            return Outcome.FAILED, f"{_last(proxy, check)}: {exc.msg}", None
        return Outcome.PASSED, "", None


class Evidence:
    """The calls each check of one submission made, until its function's checks are decided.

    A diagnosis is made once per function, from every check of it that ran,
    passed or failed (:func:`diagnose.diagnose`), and given to each of its
    failed checks: one explanation per function, never two that contradict.
    """

    def __init__(self, misconceptions: list):
        self.misconceptions = misconceptions
        self._checks: dict = {}
        """``{target: [(result, calls), ...]}`` of the checks run so far."""

    def add(self, result: CheckResult, calls: list) -> None:
        self._checks.setdefault(result.target, []).append((result, calls))

    def explain(self, target: str) -> str:
        """The diagnosis of ``target`` (empty if none), set on its failed checks; its evidence is let go."""
        checks = self._checks.pop(target, [])
        usable = [(r, calls) for r, calls in checks if r.outcome in _JUDGED]
        if not any(not r.passed for r, _ in usable):
            return ""
        try:
            with quiet.checks():
                found = diagnose.diagnose(self.misconceptions, target, [(not r.passed, calls) for r, calls in usable])
        except Exception:  # noqa: BLE001 - a diagnosis is a bonus; the outcome stands without it
            found = None
        why = diagnose.explain(found) if found else ""
        for result, _ in checks:
            if not result.passed and result.outcome in _DIAGNOSED:
                result.diagnosis = why
        return why


_JUDGED = (Outcome.PASSED, Outcome.FAILED, Outcome.RAISED)
"""Outcomes whose calls all came back: evidence for a diagnosis (a fault's last call never did)."""
_DIAGNOSED = (Outcome.FAILED, Outcome.RAISED)


def _forget_helpers(folder: Path) -> None:
    """Drop the modules a check file imported from its own folder (``from tolerance import TOL``) from
    ``sys.modules``: the loaded checks keep them, and another kata's (or a later load's) helper of the
    same name must not be taken for them."""
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and folder in Path(path).parents:
            del sys.modules[name]


@functools.lru_cache(maxsize=None)
def _parameters(function) -> tuple:
    return tuple(inspect.signature(function).parameters)


def _pytest_failure() -> tuple:
    """The type of ``pytest.fail()`` and of ``pytest.raises``' DID NOT RAISE (a BaseException).

    Only a check that imported pytest can raise it, so pytest is not imported for it.
    """
    pytest = sys.modules.get("pytest")
    return (pytest.fail.Exception,) if pytest is not None else ()


def _last(proxy: LearnerProxy, check: Check) -> str:
    return proxy.calls[-1] if proxy.calls else check.target


def _returned(proxy: LearnerProxy) -> str:
    """What a plain ``assert`` with no message of its own failed on: the value the last call returned."""
    if proxy.log and proxy.log[-1].outcome[0] == "ok":
        return f"returned {describe(proxy.log[-1].outcome[1])}, which the check's assert rejects"
    return "the check's assert failed"
