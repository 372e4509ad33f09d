"""The download as the platform gives it: ``kata grade ID submissions.zip``.

A zip is unpacked into the run's own temporary folder, never beside it, under
the rules a student's zip is unpacked by (no member outside the archive's
folder, no link), with caps sized for a whole cohort. A member larger than a
student's submission may be is cut just past that size, so reading it makes
that student's error row ("larger than ...") rather than the run's. Names a
zip writer stored without its UTF-8 flag are read as UTF-8 when they are.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..core.submission import MAX_UNZIPPED_BYTES, UnsafeZip, members_to_unpack
from ..platforms.downloads import is_dir, visible

MAX_DOWNLOAD_MEMBERS = 500_000
MAX_DOWNLOAD_BYTES = 64 * 2**30
"""A cohort's download, unpacked: 64 GiB (100,000 students at 0.6 MiB each)."""
CHUNK = 1 << 20


class DownloadError(Exception):
    """A download zip kata will not unpack; the message names the problem and the fix."""


def is_zip(path: Path) -> bool:
    """Whether SUBMISSIONS is a download zip rather than a folder."""
    return path.is_file() and path.suffix.lower() == ".zip"


def open_download(path: Path, scratch: Path) -> Path:
    """The folder to read: ``path`` itself, or the zip ``path`` unpacked under ``scratch``; a zip whose
    members all sit in one folder (a download zipped again) is read from that folder."""
    if not is_zip(path):
        return path
    target = scratch / "download"
    try:
        _unpack(path, target)
    except UnsafeZip as exc:
        raise DownloadError(f"{path.name}: {exc}; download the submissions again from the LMS") from None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.filename:
            raise
        raise DownloadError(f"{path.name} is not a readable zip file ({type(exc).__name__}: {exc}); "
                            "download the submissions again from the LMS") from None
    target.mkdir(exist_ok=True)
    inside = visible(target)
    return inside[0] if len(inside) == 1 and is_dir(inside[0]) and _wraps(inside[0]) else target


def _wraps(folder: Path) -> bool:
    """A single top folder wraps the download when it holds more than one entry (one student's
    folder alone in the zip is that student's)."""
    return len(visible(folder)) > 1


def _unpack(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.infolist():
            _utf8_name(member)
        total = 0
        for member, destination in members_to_unpack(zipped, target, MAX_DOWNLOAD_MEMBERS):
            total += _copy(zipped, member, destination)
            if total > MAX_DOWNLOAD_BYTES:
                raise UnsafeZip(f"it unpacks to more than {MAX_DOWNLOAD_BYTES // 2**30} GiB")


def _utf8_name(member: zipfile.ZipInfo) -> None:
    if not member.flag_bits & 0x800:
        try:
            member.filename = member.filename.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass


def _copy(zipped: zipfile.ZipFile, member, destination: Path) -> int:
    written = 0
    with zipped.open(member) as source, open(destination, "wb") as sink:
        while written <= MAX_UNZIPPED_BYTES:
            chunk = source.read(CHUNK)
            if not chunk:
                break
            sink.write(chunk)
            written += len(chunk)
    return written
