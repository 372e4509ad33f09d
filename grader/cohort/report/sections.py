"""The report's sections that name students: misconceptions, changes, errors, similarity."""

from __future__ import annotations

from .markup import link, text
from .model import CohortView
from .similarity import passages, starting_lines

SIDE_BY_SIDE = 40
"""Flagged pairs shown side by side with their shared passages; the rest are listed (and all are in
``kata similar --out``), so the report's size does not grow with the square of the cohort."""
LISTED = 500


def names_list(view: CohortView, anchors: list) -> str:
    """Linked names of students, in a ``<details>`` that opens on a click."""
    by_anchor = view.by_anchor()
    links = ", ".join(link(a, by_anchor[a].student) for a in anchors)
    return f"<details><summary>{len(anchors)} student{'s' if len(anchors) != 1 else ''}</summary>{links}</details>"


def misconceptions_section(view: CohortView, names: dict) -> str:
    """Per function, how many students made each known mistake (with names), then undiagnosed failures."""
    parts = ['<section id="misconceptions"><h2>Misconceptions</h2><p class="note">A known mistake is a kata '
             "misconception the student's code behaved like on every call a failed check made; a student counts "
             "once per mistake.</p>"]
    functions = [t for t in view.kata.targets if t in view.misconceptions or t in view.undiagnosed]
    if not functions:
        parts.append('<p class="note">No failed check in any graded submission.</p>')
    for function in functions:
        parts.append(f"<h3>{text(function)}</h3><table><tr><th>students</th><th>mistake</th><th>who</th></tr>")
        known = sorted(view.misconceptions.get(function, {}).items(), key=lambda item: -len(item[1]))
        for diagnosis, anchors in known:
            label = names.get(diagnosis)
            title = f"<b>{text(label)}</b>: " if label else ""
            parts.append(f'<tr class="misconception"><td class="n">{len(anchors)}</td><td>{title}'
                         f"{text(diagnosis)}</td><td>{names_list(view, anchors)}</td></tr>")
        unknown = sorted(view.undiagnosed.get(function, {}).values(), key=lambda item: -len(item[1]))
        for example, anchors in unknown:
            parts.append(f'<tr class="undiagnosed"><td class="n">{len(anchors)}</td><td>not a known mistake; '
                         f"failures like <code>{text(example[:300])}</code></td>"
                         f"<td>{names_list(view, anchors)}</td></tr>")
        parts.append("</table>")
    parts.append("</section>")
    return "".join(parts)


def changes_section(view: CohortView, changes) -> str:
    """Whose score changed since the previous run of the same journal, and why."""
    head = '<section id="changes"><h2>Changes since the previous run</h2>'
    if not changes:
        return head + '<p class="note">No score changed since the previous run.</p></section>'
    anchors = {s.student: s.anchor for s in view.students}
    rows = []
    for change in changes:
        who = (link(anchors[change.student], change.student) if change.student in anchors
               else text(change.student))
        rows.append(f'<tr class="change"><td>{who}</td><td class="n">{change.old_score:g} &rarr; '
                    f'{change.new_score:g} / {change.max_score:g}</td>'
                    f"<td>{text('; '.join(change.reasons))}</td></tr>")
    return (head + f"<p>{len(changes)} score{'s' if len(changes) != 1 else ''} changed.</p><table><tr><th>student"
            f"</th><th>old &rarr; new</th><th>why</th></tr>{''.join(rows)}</table></section>")


def errors_section(view: CohortView) -> str:
    head = '<section id="errors"><h2>Errors</h2>'
    if not view.errors:
        return head + '<p class="note">Every submission was graded.</p></section>'
    rows = "".join(f'<tr class="error-row"><td>{link(e.anchor, e.student)}</td><td><code>{text(e.error)}'
                   f"</code></td><td>{text(e.advice)}</td></tr>" for e in view.errors)
    return (head + f"<p>{len(view.errors)} submission{'s' if len(view.errors) != 1 else ''} could not be graded."
            f"</p><table><tr><th>student</th><th>error</th><th>what to do</th></tr>{rows}</table></section>")


def similarity_section(view: CohortView, pairs: list, clusters: list, sources: dict, threshold: float,
                       starting: list = ()) -> str:
    head = ('<section id="similarity"><h2>Similarity</h2><p class="note">Pairs whose code is more alike than '
            f"independent work (at least {threshold:.0%} of the smaller file's own code found in the other, after "
            "the stub and the lesson's code are set aside; passages found in both are marked, the stub's lines never). A flag is a reason to read two files side by side, "
            "never proof of copying: students may share a source they were allowed to use.</p>")
    if not pairs:
        return head + '<p id="no-pairs">No pair reaches the threshold.</p></section>'
    anchors = {s.student: s.anchor for s in view.students}

    def who(student):
        return link(anchors[student], student) if student in anchors else text(student)

    parts = [head, f'<p><span id="pair-count">{len(pairs)}</span> flagged pair{"s" if len(pairs) != 1 else ""}'
             f" in {len(clusters)} group{'s' if len(clusters) != 1 else ''}.</p><ul>"]
    parts += [f"<li>{', '.join(who(s) for s in group)}</li>" for group in clusters[:LISTED]]
    parts.append("</ul><table><tr><th>similarity</th><th>pair</th><th>shared</th></tr>")
    for pair in pairs[:LISTED]:
        parts.append(f'<tr class="pair-row"><td class="n">{pair.similarity:.0%}</td><td>{who(pair.first)} &amp; '
                     f"{who(pair.second)}</td><td class=\"n\">{pair.shares[0]:.0%} / {pair.shares[1]:.0%}</td></tr>")
    parts.append("</table>")
    if len(pairs) > LISTED:
        parts.append(f"<p>... and {len(pairs) - LISTED} more: kata similar --out pairs.csv lists every pair.</p>")
    lines = starting_lines(list(starting))
    for pair in pairs[:SIDE_BY_SIDE]:
        parts.append(f"<details class=\"side-by-side\"><summary>{text(pair.first)} &amp; "
                     f"{text(pair.second)}: {pair.similarity:.0%}</summary><div class=\"pair\">"
                     f"{_code(sources.get(pair.first, ''), pair.slices[0], lines)}"
                     f"{_code(sources.get(pair.second, ''), pair.slices[1], lines)}</div></details>")
    parts.append("</section>")
    return "".join(parts)


def _code(source: str, slices, lines: frozenset) -> str:
    pieces = passages(source, slices, lines)
    return "<pre>" + "".join(f"<mark>{text(piece)}</mark>" if shared else text(piece)
                             for piece, shared in pieces) + "</pre>"
