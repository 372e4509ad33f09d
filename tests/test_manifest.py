"""kata.yaml: the real one loads; every malformed one is one line naming file and line."""

import shutil

import pytest
from conftest import REPO

from grader.core.manifest import ManifestError, load

GOOD = """\
format_version: 1
katas:
  - id: "9.1"
    title: Tiny kata
    folder: katas/tiny
    files: [tiny.py]
    check_file: checks/test_tiny.py
    checks:
      - name: test_one
        target: one
        hint: return 1
"""


@pytest.fixture
def root(tmp_path):
    (tmp_path / "katas/tiny/checks").mkdir(parents=True)
    (tmp_path / "katas/tiny/.shipped").mkdir()
    (tmp_path / "solutions/tiny").mkdir(parents=True)
    for path in ("katas/tiny/tiny.py", "katas/tiny/.shipped/tiny.py", "solutions/tiny/tiny.py",
                 "katas/tiny/checks/test_tiny.py"):
        (tmp_path / path).write_text("")
    return tmp_path


def write(root, text):
    (root / "kata.yaml").write_text(text)
    return root / "kata.yaml"


def test_repository_manifest_loads():
    manifest = load(REPO / "kata.yaml")
    kata = manifest.get("10.2")
    assert kata.title == "Maximum likelihood estimation"
    assert kata.learner_path == manifest.root / "katas/10.2-mle/mle.py"
    assert kata.solution_path == REPO / "solutions/10.2-mle/mle.py"
    assert len(kata.checks) >= 25 and kata.max_score == len(kata.checks)
    assert all(c.hint for c in kata.checks)
    assert kata.time_limit == 3


def test_defaults(root):
    kata = load(write(root, GOOD)).get("9.1")
    assert kata.checks[0].points == 1.0 and kata.time_limit == 3.0 and kata.memory_mb == 1024
    assert kata.solution_folder == root / "solutions/tiny"


BROKEN = [
    ("format_version: 1\nkatas: [\n", 3, "not valid YAML"),
    ("", None, "the manifest is empty"),
    (GOOD.replace("format_version: 1", "format_version: 2"), 1, "format_version 2 is not supported"),
    (GOOD.replace("    title: Tiny kata\n", ""), 3, "missing required key 'title'"),
    (GOOD.replace("    title: Tiny kata\n", "    title: Tiny kata\n    colour: red\n"), 5, "unknown key 'colour'"),
    (GOOD + GOOD.split("katas:\n")[1], 12, "duplicate kata id '9.1' (first at line 3)"),
    (GOOD.replace("katas/tiny", "katas/missing"), 5, "kata folder katas/missing does not exist"),
    (GOOD.replace("test_tiny.py", "test_gone.py"), 7, "check file"),
    (GOOD.replace("[tiny.py]", "[other.py]"), 6, "shipped stub"),
    (GOOD + "      - name: test_one\n        target: one\n        hint: again\n", 12, "duplicate check name 'test_one'"),
    (GOOD.replace("        hint: return 1\n", "        hint: return 1\n        points: -1\n"), 12,
     "points must be greater than zero"),
    (GOOD.replace("        hint: return 1\n", "        hint:\n"), 11, "hint must not be empty"),
    (GOOD.replace("    files: [tiny.py]\n", "    files: []\n"), 6, "files must be a non-empty list"),
    (GOOD.replace('id: "9.1"', "id: [9, 1]"), 3, "id must be a single value"),
    (GOOD.replace("title: Tiny kata", "title: Tiny kata\n    time_limit: soon"), 5, "time_limit must be a number"),
]


@pytest.mark.parametrize("text, line, message", BROKEN)
def test_malformed_manifest_names_file_and_line(root, text, line, message):
    path = write(root, text)
    with pytest.raises(ManifestError) as caught:
        load(path)
    error = str(caught.value)
    assert "\n" not in error
    assert error.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert message in error


def test_missing_solution_is_reported(root):
    shutil.rmtree(root / "solutions/tiny")
    with pytest.raises(ManifestError, match="solution folder solutions/tiny does not exist"):
        load(write(root, GOOD))
