"""The learner's side: the workspace and its state, the check report, hints, ``kata watch`` and Jupyter."""
