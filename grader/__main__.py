"""``python -m grader`` runs the ``kata`` command."""

from .entry import main

main()
