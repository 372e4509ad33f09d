"""The worker layer: starting, isolating and being a worker.

Learner code runs only in a worker (:mod:`.worker`). Workers are started by a
:class:`~.launchers.Launcher`: forked by a pre-warmed fork server
(:mod:`.forkserver`) on Linux, or a fresh isolated interpreter elsewhere. The
sandbox (:mod:`.sandbox` with :mod:`.landlock`, :mod:`.seccomp`,
:mod:`.cgroups`, :mod:`.limits`) is entered by each forked worker. Only plain
data crosses to the trusted side (:mod:`.codec`, :mod:`.channel`).

This package imports nothing of the trusted side but :mod:`grader.settings`,
:mod:`grader.results` (the output cap) and :mod:`grader.staging` (the
submission's files), so no worker can reach checks or solutions through it.
"""
