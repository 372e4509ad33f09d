"""The grading core: a kata's manifest, one submission staged, a worker session, checks run, result records.

Everything here runs in the trusted process; learner code is reached only through
:mod:`grader.core.session`, which talks to a worker (:mod:`grader.workers`).
"""
