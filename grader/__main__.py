"""``python -m grader`` runs the ``kata`` command."""

from .early import main

main()
