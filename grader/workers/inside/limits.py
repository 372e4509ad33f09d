"""Resource limits a worker applies to itself before learner code runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass

try:
    import resource
except ImportError:  # Windows: no rlimits; timeouts still apply
    resource = None

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one worker may use; wall time per call is enforced by the trusted side."""

    memory_mb: int = 1024
    """Address space a worker may add on top of the pre-warmed interpreter."""
    file_size_mb: int = 16
    """Largest file a worker may write."""
    cpu_seconds: int = 60
    """CPU time a worker may use over all its calls (each call also has a wall-time limit)."""
    open_files: int = 256
    """Open file descriptors."""
    processes: int = 64
    """Processes of the worker's user; applied only when the worker has a user of its own."""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Limits":
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def apply(limits: Limits, own_uid: bool = False) -> list[str]:
    """Set this process's rlimits; return the names of those that could be set.

    RLIMIT_NPROC counts every process of the user, so it is set only when the
    worker runs as a user of its own (``own_uid``).
    """
    if resource is None:
        return []
    applied = []
    baseline = _address_space_in_use()
    wanted = [
        ("RLIMIT_AS", baseline + limits.memory_mb * MIB if baseline else None),
        ("RLIMIT_FSIZE", limits.file_size_mb * MIB),
        ("RLIMIT_CORE", 0),
        ("RLIMIT_CPU", limits.cpu_seconds),
        ("RLIMIT_NOFILE", limits.open_files),
        ("RLIMIT_NPROC", limits.processes if own_uid else None),
    ]
    for name, value in wanted:
        which = getattr(resource, name, None)
        if which is None or value is None:
            continue
        try:
            _, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
            applied.append(name)
        except (ValueError, OSError):
            pass
    return applied


def _address_space_in_use() -> int:
    """Bytes of virtual memory this process maps now (Linux), else 0."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
