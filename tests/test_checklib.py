"""The checklib helpers behave as their documented examples say."""

import doctest

from grader import checklib


def test_checklib_examples_hold():
    failed, tried = doctest.testmod(checklib, optionflags=doctest.ELLIPSIS)
    assert tried >= 10 and failed == 0
