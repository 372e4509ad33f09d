"""The pool of grading processes: a grading process that dies costs at most the submission it held."""

import os
import signal

import pytest

from grader.cohort.executors import ForkPool

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork pool is POSIX only")


def _double(task, _launcher):
    if task["n"] < 0:
        os.kill(os.getpid(), signal.SIGKILL)  # dies holding this task
    return {"n": task["n"] * 2}


def _results(pool, tasks):
    return [event for event in pool.run(tasks) if event is not None]


def test_a_grading_process_that_died_while_idle_is_replaced_before_it_gets_a_task():
    pool = ForkPool(_double, [None, None])
    idle = pool.children[1].pid
    os.kill(idle, signal.SIGKILL)
    os.waitpid(idle, 0)
    events = _results(pool, [{"n": i} for i in range(6)])
    assert sorted(result["n"] for _, result, _ in events) == [0, 2, 4, 6, 8, 10]
    assert all(error is None for _, _, error in events)


def test_a_grading_process_that_dies_holding_a_task_costs_that_task_only():
    events = _results(ForkPool(_double, [None, None]), [{"n": 1}, {"n": -1}, {"n": 2}, {"n": 3}])
    by_task = {task["n"]: (result, error) for task, result, error in events}
    assert by_task[-1] == (None, "internal grading error: the grading process ended unexpectedly")
    assert {n: result["n"] for n, (result, _) in by_task.items() if n >= 0} == {1: 2, 2: 4, 3: 6}
