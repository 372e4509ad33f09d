"""Diagnosis copies no more of the learner's replies than their bytes: the call log's budget, bounded conversions."""

import tracemalloc

import numpy as np
import pytest

from grader.core import diagnose, session
from grader.core.diagnose import Misconception
from grader.core.session import LearnerProxy

MIB = 1024 * 1024


def peak_of(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("theirs", [
    np.zeros(16 * MIB, dtype=np.uint8),            # a frame of one-byte numbers: 128 MiB as floats
    [np.zeros(16 * MIB, dtype=np.bool_)],          # the same, inside a list
    (np.zeros(8 * MIB, dtype=np.int8), [0] * 10),
])
def test_a_learner_value_is_converted_only_when_it_has_as_many_numbers_as_the_misconceptions(theirs):
    assert peak_of(lambda: diagnose._values_match([1.0, 2.0, 3.0], theirs)) < MIB
    assert not diagnose._values_match([1.0, 2.0, 3.0], theirs)


def test_values_of_the_same_size_are_still_compared():
    assert diagnose._values_match([1.0, 2.0], np.array([1, 2], dtype=np.uint8))
    assert diagnose._values_match(2.0, [np.float32(2.0)])
    assert not diagnose._values_match([1.0, 2.0], [[1.0], [3.0]])


class FloodingSession:
    """Answers every call with a full frame's worth of array."""

    last_reply_bytes = 16 * MIB

    def call(self, name, args, kwargs):
        return np.zeros(2 * MIB)


def test_the_call_log_keeps_at_most_its_budget_and_then_diagnoses_nothing():
    proxy = LearnerProxy(FloodingSession())
    calls = session.LOG_BUDGET // FloodingSession.last_reply_bytes + 3
    for _ in range(calls):
        proxy.f(1.0)
    kept = [c for c in proxy.log if c.outcome[0] == "ok"]
    assert len(kept) == session.LOG_BUDGET // FloodingSession.last_reply_bytes
    assert [c.outcome for c in proxy.log[len(kept):]] == [("dropped", None)] * 3
    always = Misconception("zeros", "f", "It returns zeros.", lambda x: np.zeros(2 * MIB))
    assert diagnose.diagnose([always], "f", [(True, proxy.log)]) is None  # a value it did not keep matches nothing
    assert diagnose.diagnose([always], "f", [(True, proxy.log[:len(kept)])]) is always
