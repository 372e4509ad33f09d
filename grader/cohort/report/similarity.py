"""Code similarity across a cohort: pairs of submissions more alike than independent work.

copydetect does the detecting: it tokenises each learner file with Pygments,
replaces every name by one letter and drops comments and spacing (so renamed
variables, new comments and new spacing change nothing), and fingerprints the
result with winnowed k-gram hashes, the method of MOSS (Schleimer, Wilkerson
and Aiken, SIGMOD 2003). Fingerprints of the shared starting code (the kata's
stub, the lesson's code) are boilerplate and never count; neither does a
passage found in more than a tenth of the cohort (MOSS's ``-m``: code that
many learners share independently, an idiom, is no evidence between two of them).

Comparing every pair of 2,000 submissions is 2 million comparisons. Instead,
an index from fingerprint to submissions finds the pairs that share enough
fingerprints to reach the threshold at all, and only those are compared
(:func:`similar_pairs`). A pair's similarity is the share of the smaller
file's fingerprinted code found in the other.

It flags, it never accuses: a flagged pair is a reason to read two files side by side.
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

NOISE = 25
"""copydetect's noise threshold: matches shorter than this many characters of tokenised code never count."""
GUARANTEE = 30
"""copydetect's guarantee threshold: matches at least this long are always found (winnowing window 6)."""
THRESHOLD = 0.5
"""Default similarity that flags a pair (see docs/BENCHMARKS.md, "Similarity", for how it was chosen)."""
COMMON_SHARE = 0.1
"""A fingerprint in more than this share of the cohort (and at least :data:`COMMON_MIN` files) is common code."""
COMMON_MIN = 10
MIN_TOKENS = 60
"""A pair sharing fewer characters of tokenised code than this is never flagged, whatever the share
(two files that wrote almost nothing beyond the stub are alike only in being empty)."""


class SimilarityUnavailable(Exception):
    """copydetect is not installed; the message says how to install it."""


@dataclass
class Pair:
    """Two submissions more alike than the threshold."""

    first: str
    second: str
    similarity: float
    """Share of the smaller file's fingerprinted code found in the other (0 to 1)."""
    shares: tuple = (0.0, 0.0)
    """Each file's own share of code found in the other."""
    tokens: int = 0
    """Characters of tokenised code the two share."""
    slices: tuple = field(default=(None, None), repr=False)
    """For each file, ``[[starts], [ends]]`` of the shared passages in its source text."""


@dataclass
class Cohort:
    """The learner files of a cohort as text, and the shared starting code."""

    sources: dict
    """``{student: source text}``; notebooks as their code cells."""
    boilerplate: list
    """Source texts whose fingerprints never count."""


def _copydetect():
    try:
        import copydetect
    except ImportError:
        raise SimilarityUnavailable('code similarity needs copydetect: pip install "kata[report]"') from None
    return copydetect


def fingerprint(source: str, boilerplate=None, window: int = GUARANTEE - NOISE + 1):
    """copydetect's fingerprint of one Python source text (tokenising it is nine tenths of the time)."""
    copydetect = _copydetect()
    return copydetect.CodeFingerprint("submission.py", NOISE, window, boilerplate=boilerplate,
                                      fp=io.StringIO(source), language="python")


def boilerplate_hashes(texts: list) -> np.ndarray:
    """Every k-gram hash of the starting code (window 1, as copydetect does for boilerplate)."""
    hashes = [np.array(list(fingerprint(text, window=1).hashes), dtype=np.int64) for text in texts]
    return np.unique(np.concatenate(hashes)) if hashes else np.array([], dtype=np.int64)


def similar_pairs(cohort: Cohort, threshold: float = THRESHOLD) -> list:
    """Every pair of the cohort at or above ``threshold``, most similar first."""
    copydetect = _copydetect()
    boilerplate = boilerplate_hashes(cohort.boilerplate)
    students = sorted(cohort.sources)
    prints = _fingerprints([cohort.sources[s] for s in students], boilerplate)
    common = _common(prints, max(COMMON_MIN, int(COMMON_SHARE * len(prints))))
    for item in prints:
        _drop(item, common)
    pairs = []
    for (a, b), shared in _candidates(prints).items():
        if not _can_reach(prints[a], prints[b], shared, threshold):
            continue
        tokens, shares, slices = copydetect.compare_files(prints[a], prints[b])
        similarity = float(_smaller_share(prints[a], prints[b], shares))
        if tokens >= MIN_TOKENS and similarity >= threshold:
            pairs.append(Pair(students[a], students[b], similarity, tuple(float(s) for s in shares),
                              int(tokens), slices))
    pairs.sort(key=lambda p: (-p.similarity, p.first, p.second))
    return pairs


PARALLEL_FROM = 200
"""A cohort this large is fingerprinted on every core (each process takes a share of the texts)."""


def _fingerprints(sources: list, boilerplate) -> list:
    """The fingerprint of each source text, in order: tokenising dominates, so large cohorts use every core.

    copydetect hashes k-grams with Python's ``hash``, which differs between interpreters: fingerprints
    compare only within one process and the processes it forks. So the work is shared by forked processes
    (kata's own code over text, returning fingerprints; no learner code runs), and only where forking is
    safe: a fork start method, and no other thread that could hold a lock at the fork.
    """
    import multiprocessing
    import threading

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if (cores < 2 or len(sources) < PARALLEL_FROM or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [fingerprint(source, boilerplate) for source in sources]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(fingerprint, sources, [boilerplate] * len(sources),
                             chunksize=max(1, len(sources) // (4 * cores))))


def _smaller_share(first, second, shares) -> float:
    """The share of the file with less fingerprinted code (a copy that adds code stays a copy)."""
    return shares[0] if first.token_coverage <= second.token_coverage else shares[1]


def _common(prints: list, limit: int) -> set:
    """Fingerprints found in more than ``limit`` files."""
    counts = Counter(h for item in prints for h in item.hashes)
    return {h for h, n in counts.items() if n > limit}


def _drop(item, hashes: set) -> None:
    """Remove ``hashes`` from a fingerprint, as copydetect removes boilerplate."""
    gone = item.hashes & hashes
    if gone:
        item.hashes -= gone
        for h in gone:
            item.hash_idx.pop(h, None)
        from copydetect.utils import get_token_coverage
        item.token_coverage = get_token_coverage(item.hash_idx, item.k, len(item.filtered_code))


def _candidates(prints: list) -> Counter:
    """``{(a, b): fingerprints shared}`` for every pair sharing at least one, from an inverted index."""
    index: dict = {}
    for number, item in enumerate(prints):
        for h in item.hashes:
            index.setdefault(h, []).append(number)
    shared: Counter = Counter()
    for holders in index.values():
        if len(holders) > 1:
            for i, a in enumerate(holders):
                for b in holders[i + 1:]:
                    shared[(a, b)] += 1
    return shared


def _can_reach(first, second, shared: int, threshold: float) -> bool:
    """Whether ``shared`` fingerprints could cover ``threshold`` of the smaller file: each fingerprint
    covers at most ``k`` characters and the winnowing window spaces them, so a pair far below is
    skipped without comparing."""
    smaller = min(len(first.hashes), len(second.hashes))
    return smaller > 0 and shared / smaller >= threshold / 2


def clusters(pairs: list) -> list:
    """Groups of students linked by flagged pairs (connected components), largest first."""
    parent: dict = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        parent[root(pair.first)] = root(pair.second)
    groups: dict = {}
    for student in parent:
        groups.setdefault(root(student), []).append(student)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g))


def passages(source: str, slices, starting: frozenset = frozenset()) -> list:
    """``[(text, shared)]`` pieces of ``source``, the shared passages marked (the renderer escapes).

    Lines of the starting code (``starting``: stripped lines of the stub and the lesson) are never
    marked: a passage that matched around a docstring would otherwise light up the whole docstring."""
    if slices is None or len(slices) == 0 or len(slices[0]) == 0:
        return [(source, False)]
    marked = [False] * len(source)
    for start, end in zip(slices[0], slices[1]):
        marked[max(int(start), 0):int(end)] = [True] * max(0, min(int(end), len(source)) - max(int(start), 0))
    at = 0
    for line in source.splitlines(keepends=True):
        if line.strip() and line.strip() in starting:
            marked[at:at + len(line)] = [False] * len(line)
        at += len(line)
    pieces, start = [], 0
    for index in range(1, len(source) + 1):
        if index == len(source) or marked[index] != marked[start]:
            pieces.append((source[start:index], marked[start]))
            start = index
    return pieces


def starting_lines(texts: list) -> frozenset:
    """The stripped, non-empty lines of the starting code."""
    return frozenset(line.strip() for text in texts for line in text.splitlines() if line.strip())


LESSON_CODE = re.compile(r"```(?:python|py)\n(.*?)```", re.S)


def lesson_code(readme: Path) -> list:
    """The Python code blocks of a kata's lesson (its README)."""
    try:
        return LESSON_CODE.findall(readme.read_text(encoding="utf-8"))
    except OSError:
        return []
