"""Code similarity: planted copies are flagged, independent learners who all start from the stub are not.

tests/similarity/ holds eleven solutions of kata 10.2, each written from the stub by a
different hand: six correct (vectorised NumPy, scipy.stats, plain loops, commented
Nelder-Mead, terse one-liners, the statistics module) and five buggy or unfinished.
Planted copies disguise some of them the ways copiers do (tests/planted.py).
"""

import csv
import itertools
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from planted import TRANSFORMS

from grader.cli import main
from grader.cohort.report import build as cohort_report
from grader.cohort.report import similarity

LEARNERS = Path(__file__).parent / "similarity"
ORIGINALS = ("ana_vectorised", "chen_loops", "dara_commented", "eli_terse", "gus_ddof_gd", "kim_nodocs")


def family(student: str) -> str:
    return student.split("~")[0]


@pytest.fixture(scope="module")
def cohort(kata):
    """The independent learners, two untouched stubs, and every disguise of six of them."""
    sources = {p.stem: p.read_text() for p in LEARNERS.glob("*.py")}
    stub = kata.shipped_path.read_text()
    sources["stub_only_1"] = sources["stub_only_2"] = stub
    for original in ORIGINALS:
        for name, disguise in TRANSFORMS.items():
            sources[f"{original}~{name}"] = disguise(sources[original])
    return similarity.Cohort(sources, cohort_report.starting_code(kata))


def test_every_planted_pair_is_flagged_and_no_independent_pair(cohort):
    pairs = similarity.similar_pairs(cohort)
    flagged = {(p.first, p.second) for p in pairs}
    planted = {pair for pair in itertools.combinations(sorted(cohort.sources), 2)
               if family(pair[0]) == family(pair[1]) and "~" in pair[0] + pair[1]}
    assert len(planted) == len(ORIGINALS) * 15  # each original and its five disguises: 6 files, 15 pairs
    assert planted <= flagged
    assert flagged == planted  # nothing between independent learners, nor between untouched stubs
    assert all(p.similarity > 0.9 for p in pairs)


def test_without_the_stub_as_boilerplate_independent_learners_would_be_flagged(cohort):
    """The defence off: the shared docstrings alone make independent learners (and bare stubs) look copied."""
    bare = similarity.Cohort(cohort.sources, [])
    pairs = similarity.similar_pairs(bare)
    assert any(family(p.first) != family(p.second) for p in pairs)
    assert any({p.first, p.second} == {"stub_only_1", "stub_only_2"} for p in pairs)


def test_independent_learners_stay_far_below_the_threshold(cohort):
    """The margin the default threshold is chosen in (docs/BENCHMARKS.md, "Similarity")."""
    independent = {k: v for k, v in cohort.sources.items() if "~" not in k}
    pairs = similarity.similar_pairs(similarity.Cohort(independent, cohort.boilerplate), threshold=0.0)
    assert pairs and max(p.similarity for p in pairs) < 0.35


def test_a_large_cohort_fingerprinted_on_every_core_finds_the_same_pairs(cohort, monkeypatch):
    serial = similarity.similar_pairs(cohort, threshold=0.2)
    import concurrent.futures
    import threading

    pools = []

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pools.append(self)

    monkeypatch.setattr(similarity, "PARALLEL_FROM", 1)
    monkeypatch.setattr(similarity.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # pytest-xdist's threads: forking is safe here
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    parallel = similarity.similar_pairs(cohort, threshold=0.2)
    assert len(pools) == 1
    assert serial and [(p.first, p.second, p.similarity, p.tokens) for p in parallel] == \
        [(p.first, p.second, p.similarity, p.tokens) for p in serial]


def test_clusters_group_linked_pairs():
    pairs = [similarity.Pair("a", "b", 0.9), similarity.Pair("b", "c", 0.8), similarity.Pair("x", "y", 0.7)]
    assert similarity.clusters(pairs) == [["a", "b", "c"], ["x", "y"]]


def test_passages_mark_the_shared_text():
    assert similarity.passages("abcdef", [[1, 4], [2, 6]]) == [("a", False), ("b", True), ("cd", False), ("ef", True)]
    assert similarity.passages("abc", None) == [("abc", False)]
    stub_line = "    \"\"\"Return a + b.\"\"\"\n"
    source = "def add(a, b):\n" + stub_line + "    return a + b\n"
    marked = similarity.passages(source, [[0], [len(source)]], similarity.starting_lines([stub_line]))
    assert marked == [("def add(a, b):\n", True), (stub_line, False), ("    return a + b\n", True)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A submissions folder: the independent learners, and one disguised copy handed in as a notebook."""
    subs = tmp_path_factory.mktemp("similar") / "subs"
    subs.mkdir()
    for path in LEARNERS.glob("*.py"):
        (subs / path.name).write_text(path.read_text())
    import nbformat

    copy = TRANSFORMS["disguised"]((LEARNERS / "chen_loops.py").read_text())
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("my work"),
                                               nbformat.v4.new_code_cell(copy)])
    (subs / "zed.ipynb").write_text(nbformat.writes(notebook))
    return subs


def test_kata_similar_writes_the_pairs_as_csv(manifest, folder, tmp_path):
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(main, ["--root", str(manifest.root), "similar", "10.2", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 pair at or above 50% similarity in 1 group (a reason to read them, not proof of copying)" in result.output
    (row,) = list(csv.DictReader(out.open()))
    assert (row["first"], row["second"]) == ("chen_loops", "zed") and float(row["similarity"]) > 0.9
    lowered = CliRunner().invoke(main, ["--root", str(manifest.root), "similar", "10.2", str(folder), "--out", str(out),
                                        "--threshold", "0.2"])
    assert lowered.exit_code == 0 and len(list(csv.DictReader(out.open()))) > 1


def test_kata_similar_without_copydetect_is_one_line(manifest, folder, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "copydetect", None)
    result = CliRunner().invoke(main, ["--root", str(manifest.root), "similar", "10.2", str(folder),
                                       "--out", str(tmp_path / "p.csv")])
    assert result.exit_code == 2
    assert result.output.strip() == 'Error: code similarity needs copydetect: pip install "kata[report]"'
