"""Running kata as an ordinary user, for real: another uid, no capabilities, no root.

As root, the command runs as uid :data:`UID` (``setpriv``: no supplementary
groups, no capabilities, none inheritable or in the bounding set) in a mount
namespace of its own where only the folders an ordinary user cannot enter on
the way to this Python (``/root`` here, when Python lives in root's home) are
covered by an empty tmpfs with the Python installation bound back in: the same
view any user has of a Python installed for everyone. Nothing else changes:
the user meets the machine's kernel, sysctls and file permissions as they are.
As an ordinary user already, the command runs as it is.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

UID = 4242
"""A uid no account uses: an ordinary user with nothing of its own on this machine."""


def home() -> Path:
    """A folder the user owns, outside root's temporary folders (which the user cannot enter)."""
    folder = Path(tempfile.mkdtemp(prefix="kata-user-", dir="/tmp"))
    os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        os.chown(folder, UID, UID)
    return folder


def give(path: Path) -> None:
    """Hand ``path`` (and all under it) to the user."""
    if os.geteuid() == 0:
        for folder, dirs, files in os.walk(path):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                os.lchown(name, UID, UID)


def run(args: list, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m grader ARGS`` as the ordinary user, in ``cwd``, with a user's environment plus ``env``."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "LANG": "C.UTF-8",
                   **(env or {})}
    command = [sys.executable, "-m", "grader", *map(str, args)]
    if os.geteuid() != 0:
        return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout)
    hold = Path(tempfile.mkdtemp(prefix="kata-hold-", dir="/tmp"))
    try:
        script = _expose_python(hold) + ["exec setpriv --reuid={0} --regid={0} --clear-groups --inh-caps=-all "
                                         "--bounding-set=-all env -i {1} {2}".format(
                                             UID, " ".join(shlex.quote(f"{k}={v}") for k, v in environment.items()),
                                             " ".join(map(shlex.quote, command)))]
        return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-ec", "\n".join(script)],
                              cwd=cwd, capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(hold, ignore_errors=True)


def _expose_python(hold: Path) -> list:
    """Shell lines covering each folder others cannot enter on the way to Python, its paths bound back."""
    roots = sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix, sys.prefix,
                                                  os.path.dirname(os.path.realpath(sys.executable)))})
    blocked: dict = {}
    for root in roots:
        parts = Path(root).parts
        for depth in range(2, len(parts) + 1):
            folder = str(Path(*parts[:depth]))
            if not os.stat(folder).st_mode & stat.S_IXOTH:  # a venv made by mktemp -d is itself 0700
                inside = [os.path.join(root, n) for n in os.listdir(root)] if folder == root else [root]
                blocked.setdefault(folder, set()).update(inside)
                break
    lines = []
    for number, (folder, keep) in enumerate(sorted(blocked.items())):
        keep = [k for k in sorted(keep) if not any(k != o and k.startswith(o + "/") for o in keep)]
        links = {k: os.readlink(k) for k in keep if os.path.islink(k)}
        keep = [k for k in keep if k not in links]
        for index, path in enumerate(keep):
            kind = "mkdir -p" if os.path.isdir(path) else "touch"
            lines += [f"{kind} {hold}/{number}-{index}", f"mount --bind {shlex.quote(path)} {hold}/{number}-{index}"]
        lines.append(f"mount -t tmpfs -o mode=755,size=1m tmpfs {shlex.quote(folder)}")
        for index, path in enumerate(keep):
            kind = "mkdir -p" if os.path.isdir(path) else f"mkdir -p {shlex.quote(os.path.dirname(path))}; touch"
            lines += [f"{kind} {shlex.quote(path)}", f"mount --move {hold}/{number}-{index} {shlex.quote(path)}"]
        lines += [f"ln -s {shlex.quote(target)} {shlex.quote(link)}" for link, target in links.items()]
    return lines
