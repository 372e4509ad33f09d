"""The report's plots as inline SVG, drawn with matplotlib (the ``[report]`` extra).

Figures are made with matplotlib's object API (no pyplot, no global state, no
display needed). Text stays text in the SVG (``svg.fonttype: none``): a tenth
of the size of text drawn as paths, and searchable in the browser.
"""

from __future__ import annotations

import io
import re

INSTALL = 'pip install "kata[report]"'


class ReportUnavailable(Exception):
    """A library the report needs is missing; the message says how to install it."""


def require() -> None:
    """Raise :class:`ReportUnavailable` unless matplotlib and copydetect can be imported."""
    for module, purpose in (("matplotlib", "its plots"), ("copydetect", "code similarity")):
        try:
            __import__(module)
        except ImportError:
            raise ReportUnavailable(f"the HTML report needs {module} for {purpose}, which is not installed; "
                                    f"install it with: {INSTALL}") from None


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _svg(figure) -> str:
    """The figure as an ``<svg>`` element (no XML prolog, no date, no ids that clash between plots)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kata"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg"):], flags=re.S)


def histogram(percents: list) -> str:
    """Scores as a histogram of percentages, 10-point bins (100 in the last)."""
    figure = _figure(6.4, 2.6)
    axes = figure.add_subplot()
    axes.hist(percents, bins=list(range(0, 101, 10)), color="#3a6ea5", edgecolor="white")
    axes.set_xlabel("score (percent of the maximum)")
    axes.set_ylabel("students")
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, 100)
    axes.spines[["top", "right"]].set_visible(False)
    return _unique_ids(_svg(figure), "hist")


PALETTE = ("#3a6ea5", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f", "#2c4d75")


def pass_rates(groups: list) -> str:
    """Pass rate per check as horizontal bars, grouped by function.

    ``groups``: ``[(function, [(check name, rate percent)])]`` in the order to show, top to bottom.
    """
    bars = [(function, name, rate) for function, checks in groups for name, rate in checks]
    figure = _figure(7.2, 0.6 + 0.24 * max(len(bars), 1))
    axes = figure.add_subplot()
    colours = {function: PALETTE[i % len(PALETTE)] for i, (function, _) in enumerate(groups)}
    positions = list(range(len(bars)))[::-1]
    axes.barh(positions, [rate for _, _, rate in bars], color=[colours[f] for f, _, _ in bars], height=0.75)
    axes.set_yticks(positions, [f"{function}: {name}" for function, name, _ in bars], fontsize=7)
    axes.set_xlim(0, 100)
    axes.set_xlabel("pass rate (percent of graded submissions)")
    axes.spines[["top", "right"]].set_visible(False)
    return _unique_ids(_svg(figure), "rates")


def _unique_ids(svg: str, prefix: str) -> str:
    """Prefix the ids matplotlib writes, so two plots in one page never share one."""
    return re.sub(r'(id="|url\(#|href="#)', lambda m: f"{m.group(1)}{prefix}-", svg)
