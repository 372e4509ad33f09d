"""``python -m grader`` runs the ``kata`` command."""

from .cli import main

main(prog_name="kata")
