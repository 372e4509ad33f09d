"""The one outcome model: every renderer maps outcomes to pass / fail / error the same way."""

import json
import xml.etree.ElementTree as ET

from grader.cohort import gradebooks
from grader.core.results import CheckResult, KataResult, Outcome, Row
from grader.learner import report
from grader.platforms import exercism, gradescope
from grader.workers.wire.text import CappedText, cap

OUTCOMES = [Outcome.PASSED, Outcome.FAILED, Outcome.RAISED, Outcome.NOT_IMPLEMENTED, Outcome.FAULT, Outcome.INTERNAL]


def _result():
    checks = [CheckResult(name=f"test_{o}", target="f", passed=o == Outcome.PASSED,
                          points=1.0 if o == Outcome.PASSED else 0.0, max_points=1.0,
                          message="" if o == Outcome.PASSED else f"it went {o}", hint="", outcome=o)
              for o in OUTCOMES]
    return KataResult(kata="0.1", score=1.0, max_score=len(OUTCOMES), status="graded", checks=checks, seed=1)


def test_every_renderer_agrees_with_the_outcome_mapping(tiny_manifest):
    kata = tiny_manifest.get("0.1")
    result = _result()
    expected = {f"test_{o}": Outcome.verdict(o) for o in OUTCOMES}
    assert expected == {"test_passed": "pass", "test_failed": "fail", "test_raised": "fail",
                        "test_not_implemented": "fail", "test_fault": "fail", "test_internal_error": "error"}

    marks = {"PASS": "pass", "FAIL": "fail", "ERR!": "error"}
    terminal = {line.split()[1]: marks[line.split()[0]] for line in report.check_lines(result)
                if line.split()[0] in marks}
    assert terminal == expected

    on_exercism = {t["name"]: t["status"] for t in json.loads(exercism.results_json(result, kata))["tests"]}
    assert on_exercism == expected

    suite = ET.fromstring("".join(gradebooks.junit_lines([Row("ada", result)], kata))).find("testsuite")
    junit = {case.get("name"): ("fail" if case.find("failure") is not None else
                                "error" if case.find("error") is not None else "pass")
             for case in suite.findall("testcase")}
    assert junit == expected
    assert suite.get("failures") == "4" and suite.get("errors") == "1"

    on_gradescope = {t["name"]: t["status"] for t in json.loads(gradescope.results_json(result, kata))["tests"]}
    assert on_gradescope == {name: "passed" if v == "pass" else "failed" for name, v in expected.items()}


def test_an_unknown_outcome_is_kata_s_error_never_a_pass():
    assert Outcome.verdict("something new") == Outcome.ERROR


def test_capped_text_keeps_the_first_characters_and_counts_the_rest():
    out = CappedText(cap=10)
    out.write("0123456")
    out.write("789abcdef")
    assert out.take() == "0123456789\n[... 6 more characters of output cut]"
    assert out.take() == ""


def test_cap_stays_within_its_limit_and_says_how_much_was_cut():
    text = "x" * 10_000
    capped = cap(text, 100)
    assert len(capped) <= 100 and capped.startswith("xxx")
    cut = int(capped.split("[... ")[1].split()[0])
    assert len(capped) - len(capped[capped.index(" [..."):]) + cut == 10_000
    assert cap("short", 100) == "short"
