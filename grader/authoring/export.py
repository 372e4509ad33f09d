"""``kata export workspace``: the learner's copy of a workspace, without the reference solutions.

The copy holds a ``kata.yaml`` marked ``solutions: false`` listing the chosen
katas, each kata's folder (lesson, stub as shipped, checks, hints,
misconceptions: :func:`grader.core.bundle.learner_files`), kata itself as a
wheel and a README saying how to start. Every learner command works in it;
the authors' commands (``kata verify``, ``kata new``) say that they need the
authors' workspace.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..core.bundle import build_wheel, learner_files
from ..core.files import atomic_path
from ..core.manifest import Manifest

HEADER = ("# A learner's copy, written by 'kata export workspace': the katas without their reference solutions\n"
          "# (solutions: false). Run 'kata check ID' in this folder or below it.\n")

README = """# Katas

Numeric Python katas, checked by kata. Install kata once (Python 3.10 or later):

```
pip install {wheel}
```

Then, in this folder:

```
kata list            # the katas and your progress
kata check ID        # check your file for kata ID, e.g. kata check {first}
kata watch ID        # check again on every save
kata hint ID         # a hint for the function you are on
kata reset ID        # the stub as it was given to you (yours is kept in .kata/backups/)
```

{katas}
Each kata's lesson is its folder's README.md; each function's docstring in the stub is its contract.
"""


class ExportError(Exception):
    """A place the copy cannot be written to; the message names the problem and the fix."""


def learner_copy(manifest: Manifest, katas: list, out: Path) -> Path:
    """Write the learner's copy of ``katas`` to ``out`` (a new or empty folder, or a ``.zip``)."""
    files = learner_files(manifest, katas, HEADER)
    wheel_name, wheel = build_wheel()
    files[wheel_name] = wheel
    listed = "".join(f"- `{kata.id}` {kata.title}: `katas/{kata.folder.name}/{kata.files[0]}`\n" for kata in katas)
    files["README.md"] = README.format(wheel=wheel_name, first=katas[0].id, katas=listed).encode()
    if out.suffix.lower() == ".zip":
        _write_zip(files, out)
    else:
        _write_folder(files, out)
    return out


def _write_folder(files: dict, out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"--out {out} exists and is not an empty folder; name a new folder (a learner's work "
                          "there would be overwritten)")
    for name, data in files.items():
        target = out.joinpath(*name.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _write_zip(files: dict, out: Path) -> None:
    if out.is_dir():
        raise ExportError(f"--out {out} is a folder; name a .zip file, or a new folder without .zip")
    with atomic_path(out) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
