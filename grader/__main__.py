"""``python -m grader`` runs the ``kata`` command."""

from .cli import entry

entry()
