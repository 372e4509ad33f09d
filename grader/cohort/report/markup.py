"""HTML from text, in one place: every text the cohort report shows passes through :func:`text`."""

from __future__ import annotations

import html


def text(value) -> str:
    """Learner (or any) text as HTML: every markup character escaped, quotes included."""
    return html.escape(str(value), quote=True)


def link(anchor: str, label: str) -> str:
    """A link to a place in the page."""
    return f'<a href="#{text(anchor)}">{text(label)}</a>'
