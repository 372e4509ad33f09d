"""The cohort report: one self-contained HTML file (``kata grade --report``, ``kata report``).

No script, no request: styles and plots (inline SVG) are in the file, and a
Content-Security-Policy forbids scripts, fetches, frames and forms outright,
so a page opened from disk or an LMS attachment shows the same everywhere.
Every learner text (names, messages, code) passes through :func:`grader.cohort.report.markup.text`, which
escapes it: nothing a submission holds can run or restyle the page, and the
policy is a second line behind the escaping. Each student's page is an
``<article>`` shown when its anchor is the target (CSS ``:target``), so two
thousand pages cost nothing until one is opened.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ...core.files import write_atomic
from ...core.show import points
from . import plots
from .markup import link, text
from .model import CohortView
from .sections import (
    changes_section,
    errors_section,
    misconceptions_section,
    similarity_section,
)

POLICY = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
          "base-uri 'none'; form-action 'none'")
"""The page's Content-Security-Policy. Styles may be inline (matplotlib's SVG carries style attributes);
nothing else may load or run."""

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#2c4d75;color:#fff;padding:12px 24px}header h1{margin:0;font-size:20px}
header p{margin:2px 0 0;opacity:.85}nav{padding:6px 24px;background:#e8edf3;position:sticky;top:0}
nav a{margin-right:14px}main{padding:0 24px 40px;max-width:1200px}
section{margin-top:28px}h2{border-bottom:2px solid #2c4d75;padding-bottom:2px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef}td.n{text-align:right;font-variant-numeric:tabular-nums}
.counts td{font-size:16px}.note{color:#555;font-style:italic}.bad{color:#a00}
details{margin:4px 0}summary{cursor:pointer}pre{background:#fff;border:1px solid #ddd;padding:8px;
overflow-x:auto;white-space:pre-wrap;word-break:break-word;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}.pair pre{max-height:480px;overflow:auto}
mark{background:#fde58a}code{white-space:pre-wrap}.student{display:none}.student:target{display:block}
.student h3{margin-bottom:4px}svg{max-width:100%;height:auto}
"""


def render(view: CohortView, *, pairs: list, clusters: list, sources: dict, changes, threshold: float,
           names: dict, stale: list = (), starting: list = ()) -> str:
    """The whole page as one string (``starting``: the stub and lesson code, never marked as shared)."""
    sections = [scores_section(view, stale), checks_section(view), misconceptions_section(view, names),
                changes_section(view, changes), errors_section(view),
                similarity_section(view, pairs, clusters, sources, threshold, starting), students_section(view)]
    kata = view.kata
    title = f"kata {kata.id} {kata.title}: cohort report"
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    navigation = " ".join(link(anchor, label) for anchor, label in (
        ("scores", "Scores"), ("checks", "Checks"), ("misconceptions", "Misconceptions"), ("changes", "Changes"),
        ("errors", "Errors"), ("similarity", "Similarity"), ("students", "Students")))
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{text(title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{text(title)}</h1><p>{view.counts['total']} submissions, seed {text(view.seed)}, "
        f"written {stamp}</p></header><nav>{navigation}</nav><main>",
        *sections, "</main></body></html>\n"])


def write(path, page: str) -> None:
    """Write the page atomically (a reader never sees half a report)."""
    write_atomic(path, page)


def scores_section(view: CohortView, stale=()) -> str:
    counts = view.counts
    cells = "".join(f"<tr><th>{label}</th><td class=\"n\" id=\"count-{key}\">{counts[key]}</td></tr>"
                    for key, label in (("total", "submissions"), ("graded", "graded"), ("error", "error rows"),
                                       ("late", "late"), ("missing", "missing (no submission)")))
    notice = ""
    if stale:
        notice = (f'<p class="bad" id="stale">{len(stale)} submission{"s" if len(stale) != 1 else ""} changed or '
                  f"came in since the last kata grade and {'are' if len(stale) != 1 else 'is'} not in this report: "
                  f"run kata grade to grade {'them' if len(stale) != 1 else 'it'} "
                  f"({text(', '.join(stale[:20]))}{', ...' if len(stale) > 20 else ''}).</p>")
    rows = "".join(
        f"<tr><td>{link(s.anchor, s.student)}</td><td>{text(s.name) if s.name != s.student else ''}</td>"
        f"<td class=\"n\">{points(s.score)}/{points(s.max_score)}</td><td class=\"n\">{s.percent:.0f}%</td>"
        f"<td>{text(s.status)}{' (late)' if s.late else ''}{' (missing)' if s.missing else ''}</td></tr>"
        for s in view.students)
    histogram = plots.histogram([s.percent for s in view.students if s.status == "graded"]) if counts["graded"] else ""
    return (f'<section id="scores"><h2>Scores</h2>{notice}<table class="counts">{cells}</table>'
            f"<figure>{histogram}<figcaption>Scores of the {counts['graded']} graded submissions"
            f"</figcaption></figure><details><summary>Every student ({counts['total']}): "
            f"each name opens their report</summary><table id=\"roster\"><tr><th>student</th><th>name</th>"
            f"<th>score</th><th>percent</th><th>status</th></tr>{rows}</table></details></section>")


def ordered_checks(view: CohortView) -> list:
    """``[(function, [CheckStat])]``: functions by their lowest pass rate, each's checks lowest first."""
    by_function: dict = {}
    for stat in view.checks.values():
        if stat.seen:
            by_function.setdefault(stat.target, []).append(stat)
    groups = [(function, sorted(stats, key=lambda s: s.rate)) for function, stats in by_function.items()]
    return sorted(groups, key=lambda group: group[1][0].rate)


def checks_section(view: CohortView) -> str:
    groups = ordered_checks(view)
    if not groups:
        return '<section id="checks"><h2>Checks</h2><p class="note">No submission was graded.</p></section>'
    chart = plots.pass_rates([(f, [(s.name, s.rate) for s in stats]) for f, stats in groups])
    rows = []
    for function, stats in groups:
        for stat in stats:
            common = stat.most_common()
            failure = (f"{common[0]}&times; <code>{text(common[1][:300])}</code>" if common else "")
            rows.append(f'<tr class="check" data-check="{text(stat.name)}"><td>{text(function)}</td>'
                        f"<td>{text(stat.name)}</td><td class=\"n\">{stat.rate:.1f}%</td>"
                        f"<td class=\"n\">{stat.passed}/{stat.seen}</td><td>{failure}</td></tr>")
    return (f'<section id="checks"><h2>Checks</h2><figure>{chart}<figcaption>Pass rate of each check over the '
            f"{view.counts['graded']} graded submissions, grouped by function, lowest first</figcaption></figure>"
            "<table><tr><th>function</th><th>check</th><th>pass rate</th><th>passed</th>"
            f"<th>most common failure</th></tr>{''.join(rows)}</table></section>")


def students_section(view: CohortView) -> str:
    pages = []
    for student, lines in view.pages:
        title = student.student if student.name == student.student else f"{student.student} ({student.name})"
        pages.append(f'<article class="student" id="{text(student.anchor)}"><h3>{text(title)}</h3>'
                     f"<p>{points(student.score)}/{points(student.max_score)}, {text(student.status)}"
                     f"{', late' if student.late else ''} &middot; <a href=\"#scores\">back to the cohort</a></p>"
                     f"<pre>{text(chr(10).join(lines))}</pre></article>")
    return (f'<section id="students"><h2>Students</h2><p class="note">Each student\'s report as kata check '
            f"shows it: open one from a name anywhere above.</p>{''.join(pages)}</section>")
