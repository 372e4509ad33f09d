"""kata: an exercise grader and kata runner for numeric Python.

Learner code runs in worker processes (:mod:`grader.worker`); checks and
scoring stay in the trusted process (:mod:`grader.runner`).
"""

__version__ = "0.1.0"
