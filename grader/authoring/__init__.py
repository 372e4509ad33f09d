"""The author's side: ``kata new`` and ``kata verify``."""
