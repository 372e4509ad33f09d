"""exercism's test runner interface: ``results.json``, version 3, for one student."""

from __future__ import annotations

import json

from ..core.manifest import Kata
from ..core.results import KataResult, Outcome
from ..core.show import learner_text
from ..learner.report import failure_text
from ..workers.wire.text import cap

OUTPUT_CAP = 500
"""exercism shows at most this many characters of a test's output."""


def results_json(result: KataResult, kata: Kata) -> str:
    """exercism test runner ``results.json``, version 3."""
    if result.status == "error":
        return json.dumps({"version": 3, "status": "error", "message": learner_text(result.error or ""), "tests": []},
                          indent=2) + "\n"
    tasks = {target: number for number, target in enumerate(kata.targets, start=1)}
    tests = []
    for check in result.checks:
        entry = {"name": check.name, "test_code": f"{check.target}(...)  # {check.name}",
                 "status": Outcome.verdict(check.outcome),
                 "task_id": tasks.get(check.target, 0)}
        if not check.passed:
            entry["message"] = failure_text(check)
        if check.output:
            entry["output"] = cap(check.output, OUTPUT_CAP)
        tests.append(entry)
    status = "pass" if result.full_marks else "fail"
    return json.dumps({"version": 3, "status": status, "tests": tests}, indent=2, allow_nan=False) + "\n"
