"""The worker layer: starting, isolating and being a worker.

Three parts, by which side of the trust boundary they run on:

- :mod:`.inside`: what runs in untrusted processes. The fork server
  (:mod:`.inside.forkserver`) forks each worker (:mod:`.inside.worker`), which
  enters the sandbox (:mod:`.inside.sandbox` with Landlock, seccomp, control
  groups and limits) and imports the learner's module.
- :mod:`.wire`: what crosses: plain data (:mod:`.wire.codec`), its framing
  (:mod:`.wire.channel`) and capped text (:mod:`.wire.text`).
- :mod:`.client`: the trusted side's handle on workers: the launchers
  (:mod:`.client.launchers`), the isolated start of kata's own processes
  (:mod:`.client.start`) and the reading of what a worker tells besides its
  answers (:mod:`.client.tracing`).

Nothing in :mod:`.inside` or :mod:`.wire` imports kata's trusted side but
:mod:`grader.settings` (``tests/test_layout.py`` enforces it), so no worker
can reach checks, solutions or results through an import.
"""
