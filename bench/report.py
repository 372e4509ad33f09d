"""The cohort report and code similarity at 200, 1,000 and 2,000 submissions: time and size.

    python bench/report.py                        # sizes 200 1000 2000
    python bench/report.py --sizes 200 --browser  # also open the largest report in Chromium
    python bench/report.py --screenshot docs/report.png

Rows: the learners of tests/similarity and a few error cases, graded once with
kata's grader (real records: diagnoses, messages), repeated under new names.
Sources for similarity: each student a different program written from the stub
(bodies generated at random from a vocabulary of NumPy idioms, so that pairs share
idioms but not whole functions, as independent learners do), plus 1% planted
copies of other students, disguised as in tests/planted.py (names, order,
comments, spacing). Prints, per size: similarity seconds (fingerprints and
comparisons), report seconds (tallies and HTML), the report's size in bytes and
per submission, how many planted pairs were flagged and how many other pairs.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from planted import everything  # noqa: E402

from grader.cohort.report import build as cohort_report  # noqa: E402
from grader.cohort.report import page as html_report
from grader.cohort.report import similarity
from grader.cohort.report.model import collect  # noqa: E402
from grader.core.grading import Grader  # noqa: E402
from grader.core.results import Row  # noqa: E402
from grader.learner import workspace  # noqa: E402

CALLS = ["np.log", "np.exp", "np.sum", "np.mean", "np.sqrt", "np.abs", "len", "float", "np.asarray", "np.max"]
OPS = ["+", "-", "*", "/", "**"]


def expression(rng: random.Random, names: list, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 2 or roll < 0.3:
        return rng.choice(names + ["0", "1", "2", "0.5", "np.pi", "1e-12"])
    if roll < 0.6:
        return f"{rng.choice(CALLS)}({expression(rng, names, depth + 1)})"
    if roll < 0.7:
        return f"{expression(rng, names, depth + 1)}[{rng.choice(['0', '1', ':', '-1'])}]"
    return f"({expression(rng, names, depth + 1)} {rng.choice(OPS)} {expression(rng, names, depth + 1)})"


def body(rng: random.Random, params: list) -> str:
    names, lines = list(params), []
    for number in range(rng.randint(3, 9)):
        kind = rng.random()
        if kind < 0.15:
            lines.append(f"if {expression(rng, names)} {rng.choice(['<', '>', '=='])} {expression(rng, names)}:\n"
                         f"        raise ValueError({rng.choice(names)!r})")
        elif kind < 0.3:
            item = f"v{number}"
            lines.append(f"for {item} in {rng.choice(names)}:\n        {rng.choice(names)} = {expression(rng, names + [item])}")
        else:
            name = f"{rng.choice(['t', 'acc', 'z', 'r', 'w', 'q'])}{number}"
            lines.append(f"{name} = {expression(rng, names)}")
            names.append(name)
    lines.append(f"return {expression(rng, names)}")
    return "\n".join("    " + line for line in lines) + "\n"


def program(stub: str, rng: random.Random) -> str:
    """The stub with every ``raise NotImplementedError`` replaced by a generated body."""
    import ast

    lines = stub.splitlines(keepends=True)
    functions = [n for n in ast.parse(stub).body if isinstance(n, ast.FunctionDef)]
    for function in sorted(functions, key=lambda f: -f.lineno):
        last = function.body[-1]
        lines[last.lineno - 1:last.end_lineno] = [body(rng, [a.arg for a in function.args.args])]
    return "".join(lines)


def sources(stub: str, size: int, seed: int = 1) -> tuple:
    rng = random.Random(seed)
    made = {f"student{i:05d}": program(stub, rng) for i in range(size)}
    planted = set()
    for i in range(max(1, size // 100)):
        original = f"student{rng.randrange(size):05d}"
        copy = f"copy{i:04d}"
        made[copy] = everything(made[original])
        planted.add(tuple(sorted((original, copy))))
    return made, planted


def graded_results(manifest, kata) -> list:
    files = sorted((ROOT / "tests" / "similarity").glob("*.py"))
    files += [ROOT / "tests" / "submissions" / name for name in ("syntax_error.py", "import_error.py", "empty.py")]
    with Grader(manifest) as grader:
        return [grader.grade(kata, path, 1) for path in files]


def measure(manifest, kata, results: list, size: int, out: Path) -> dict:
    stub = kata.shipped_path.read_text()
    texts, planted = sources(stub, size)
    started = time.perf_counter()
    pairs = similarity.similar_pairs(similarity.Cohort(texts, cohort_report.starting_code(kata)))
    similar_seconds = time.perf_counter() - started
    rows = [Row(student, results[i % len(results)]) for i, student in enumerate(sorted(texts))]
    started = time.perf_counter()
    view = collect(rows, kata, 1)
    page = html_report.render(view, pairs=pairs, clusters=similarity.clusters(pairs), sources=texts, changes=None,
                              threshold=similarity.THRESHOLD, names=cohort_report.misconception_names(kata))
    html_report.write(out, page)
    report_seconds = time.perf_counter() - started
    found = {tuple(sorted((p.first, p.second))) for p in pairs}
    return {"size": len(texts), "similarity_s": similar_seconds, "report_s": report_seconds,
            "bytes": out.stat().st_size, "planted": f"{len(found & planted)}/{len(planted)}",
            "other_pairs": len(found - planted)}


def open_in_chromium(path: Path, screenshot: Path | None = None) -> float:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", headless=True, viewport={"width": 1200, "height": 900},
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        page = context.new_page()
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        seconds = time.perf_counter() - started
        if screenshot is not None:
            page.screenshot(path=str(screenshot))
        context.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 2000])
    parser.add_argument("--browser", action="store_true", help="open the largest report in Chromium and time it")
    parser.add_argument("--screenshot", type=Path, default=None, help="save a screenshot of the largest report")
    args = parser.parse_args()
    manifest = workspace.load_manifest(ROOT)
    kata = manifest.get("10.2")
    results = graded_results(manifest, kata)
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            out = Path(folder) / f"report-{size}.html"
            numbers = measure(manifest, kata, results, size, out)
            print(f"{numbers['size']:>6} submissions: similarity {numbers['similarity_s']:6.2f} s, report "
                  f"{numbers['report_s']:5.2f} s, {numbers['bytes']:>10,} bytes ({numbers['bytes'] / numbers['size']:,.0f}"
                  f" per submission); planted flagged {numbers['planted']}, other pairs {numbers['other_pairs']}")
        if args.browser or args.screenshot:
            print(f"opened in Chromium in {open_in_chromium(out, args.screenshot):.2f} s")


if __name__ == "__main__":
    main()
