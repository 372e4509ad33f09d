"""A learner's notebook as a module that runs the way the learner ran it.

The notebook is read in the trusted process with nbformat (its JSON only;
nothing of it runs here; at most :data:`MAX_CELLS` cells, no validation, no
warnings: :func:`read_cells`) and written out as a Python module that the worker
imports like any learner file, in the same sandbox and under the same import
time limit. The module runs the code cells in order in one namespace, so
constants and helpers of earlier cells are there for the functions:

- IPython line magics and shell escapes (``%matplotlib inline``, ``!pip
  install ...``) are left out; a cell magic other than ``%%time``,
  ``%%timeit`` or ``%%capture`` leaves its cell out;
- a cell that raises (a missing data file, a library that is not installed,
  a plot) is skipped and the cells after it still run; the skipped cells are
  named in the report (:func:`skipped_cells`);
- a leftover ``check("ID")`` does nothing in a worker (see :func:`grader.check`).
"""

from __future__ import annotations

from pathlib import Path

KEPT_CELL_MAGICS = ("time", "timeit", "capture")
REPORT_FUNCTION = "_kata_notebook_cells"
"""The function of the generated module that tells which cells were skipped."""

PRELUDE = f'''# Written by kata from a notebook: its code cells, run in order as in Jupyter.


def {REPORT_FUNCTION}():
    return [list(item) for item in _kata_skipped]


def display(*objects, **options):  # Jupyter's display(): nothing to show here
    return None

'''

LOOP = '''
import linecache as _kata_linecache
_kata_number = _kata_source = _kata_name = None
for _kata_number, _kata_source in _kata_cells:
    if _kata_source is None:
        continue
    _kata_name = "cell " + str(_kata_number)  # its lines, for where a cell's code hangs or fails
    _kata_linecache.cache[_kata_name] = (len(_kata_source), None, _kata_source.splitlines(True), _kata_name)
    try:
        exec(compile(_kata_source, _kata_name, "exec"), globals())
    except BaseException as _kata_error:  # noqa: BLE001 - a failing cell is skipped, as in Jupyter
        _kata_skipped.append((_kata_number, (type(_kata_error).__name__ + ": " + str(_kata_error))[:300]))
del _kata_cells, _kata_number, _kata_source, _kata_name, _kata_linecache
'''


class NotebookError(Exception):
    """The file is not a notebook kata can read; the message says why."""


def cell_source(source: str) -> str | None:
    """A code cell's Python: magics and shell escapes left out; None for a cell magic's cell."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in KEPT_CELL_MAGICS:
            return None
        lines = lines[1:]
    return "\n".join("pass  # " + line.strip() if line.lstrip().startswith(("%", "!")) else line
                     for line in lines)


MAX_CELLS = 2000
"""Cells a notebook may have (course notebooks have a few hundred at most)."""


def to_module(notebook: Path) -> str:
    """The module text for ``notebook``; :class:`NotebookError` if it cannot be read."""
    cells = []
    number = 0
    for cell in read_cells(Path(notebook)):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        cells.append((number, cell_source("".join(map(str, source)) if isinstance(source, list) else str(source))))
    magics = [(n, "a cell magic kata does not run") for n, source in cells if source is None]
    return PRELUDE + f"_kata_skipped = {magics!r}\n_kata_cells = {cells!r}\n" + LOOP


def read_cells(notebook: Path) -> list:
    """The cells of ``notebook``, in version 4's form, read quietly and in bounded time.

    The notebook is a learner's file read by the trusted process: at most
    :data:`MAX_CELLS` cells (counted before anything else is done with them),
    and nbformat's validation is never run: kata needs only each cell's type
    and source, and validating warns once per cell (a notebook of 36,000 cells
    with one id wrote 8 MiB of warnings to the instructor's terminal). Whatever
    nbformat warns or logs while converting an older version is silenced.
    """
    import warnings

    from nbformat import (  # only when a notebook is graded: a tenth of a second to import
        convert,
        reader,
    )
    from traitlets.log import (
        get_logger,  # where nbformat logs a version 3 notebook's validation errors
    )

    name, log = notebook.name, get_logger()
    quiet = log.disabled
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            log.disabled = True
            document = reader.reads(notebook.read_text(encoding="utf-8"))
            count = _cell_count(document)
            if count > MAX_CELLS:
                raise NotebookError(f"{name} has {count} cells; kata reads notebooks of at most {MAX_CELLS}")
            document = convert(document, 4)
    except NotebookError:
        raise
    except Exception as exc:  # noqa: BLE001 - JSON errors, versions, encodings, recursion: all unreadable
        raise NotebookError(f"{name} is not a readable notebook ({type(exc).__name__})") from None
    finally:
        log.disabled = quiet
    cells = document.get("cells", []) if isinstance(document, dict) else []
    return cells if isinstance(cells, list) else []


def _cell_count(document) -> int:
    """Cells of a notebook of any version (version 3 keeps them in worksheets)."""
    if not isinstance(document, dict):
        return 0
    sheets = document.get("worksheets") if isinstance(document.get("worksheets"), list) else [document]
    return sum(len(s["cells"]) for s in sheets if isinstance(s, dict) and isinstance(s.get("cells"), list))


def write_module(notebook: Path, module: Path) -> Path:
    """Write the module for ``notebook`` at ``module``; return ``module``."""
    module.write_text(to_module(notebook), encoding="utf-8")
    return module


def skipped_cells(value) -> list:
    """The report function's answer, validated, as notes: ``cell 3 skipped: FileNotFoundError: ...``."""
    notes = []
    items = value[:100] if isinstance(value, list) else []
    for item in sorted(items, key=lambda i: i[0] if isinstance(i, list) and i and type(i[0]) is int else 0):
        if (isinstance(item, list) and len(item) == 2 and type(item[0]) is int and isinstance(item[1], str)):
            reason = item[1][:300]
            notes.append(f"notebook cell {item[0]} was skipped: "
                         f"{reason if reason.startswith('a cell magic') else 'it raised ' + reason}")
    return notes
