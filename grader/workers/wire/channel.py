"""Length-prefixed messages over a pair of file descriptors, with deadlines.

Both ends of a worker connection use this: the trusted side reads with a
deadline (a learner's call may never answer), the worker side blocks. Frames
are a 4-byte big-endian length then the payload produced by :mod:`grader.workers.wire.codec`.
"""

from __future__ import annotations

import os
import select
import struct
import sys
import time

from .codec import MAX_MESSAGE_BYTES, decode, encode

_HEADER = struct.Struct(">I")


UNREADABLE = "unreadable message"
"""How a :class:`ChannelClosed` for a message that does not decode begins."""


class ChannelClosed(Exception):
    """The other end closed the connection (or sent something unreadable)."""


class ChannelTimeout(Exception):
    """No complete message arrived before the deadline."""


class Channel:
    """One side of a connection: ``send`` values, ``recv`` values."""

    READ_SIZE = 1 << 16
    """Bytes asked for per read: a call's whole message usually arrives in one."""

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.last_size = 0
        """Bytes of the last message received."""
        self._buffer = bytearray()

    def send(self, value) -> None:
        payload = encode(value)
        self.send_bytes(payload)

    def send_bytes(self, payload: bytes) -> None:
        data = memoryview(_HEADER.pack(len(payload)) + payload)
        try:
            while data:
                written = os.write(self.write_fd, data)
                data = data[written:]
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise ChannelClosed(str(exc)) from None

    def recv(self, timeout: float | None = None):
        """Return the next value, waiting at most ``timeout`` seconds.

        A timeout keeps what was read so far: the next ``recv`` resumes the
        same message.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        length = None
        while True:
            if length is None and len(self._buffer) >= _HEADER.size:
                (length,) = _HEADER.unpack_from(self._buffer)
                if length > MAX_MESSAGE_BYTES:
                    raise ChannelClosed(f"message of {length} bytes exceeds the cap")
            if length is not None and len(self._buffer) >= _HEADER.size + length:
                break
            missing = 0 if length is None else _HEADER.size + length - len(self._buffer)
            self._buffer += self._read(max(self.READ_SIZE, missing), deadline)
        end = _HEADER.size + length
        payload = bytes(self._buffer[_HEADER.size:end])
        del self._buffer[:end]
        self.last_size = length
        try:
            return decode(payload)
        except ValueError as exc:  # CodecError: the only error decoding raises
            raise ChannelClosed(f"{UNREADABLE}: {exc}") from None

    def close(self) -> None:
        for fd in {self.read_fd, self.write_fd}:
            try:
                os.close(fd)
            except OSError:
                pass

    def _read(self, count: int, deadline: float | None) -> bytes:
        """At least one and at most ``count`` bytes."""
        self._wait_readable(deadline)
        try:
            chunk = os.read(self.read_fd, count)
        except OSError as exc:
            raise ChannelClosed(str(exc)) from None
        if not chunk:
            raise ChannelClosed("end of stream")
        return chunk

    def _wait_readable(self, deadline: float | None) -> None:
        if deadline is None or sys.platform == "win32":
            return  # Windows pipes cannot be selected; the caller enforces time there
        while True:
            # Look at least once, even past the deadline: a caller that was itself kept
            # off the CPU must still find an answer that arrived in time.
            remaining = max(deadline - time.monotonic(), 0.0)
            try:
                ready, _, _ = select.select([self.read_fd], [], [], remaining)
            except InterruptedError:
                continue
            if ready:
                return
            if time.monotonic() >= deadline:
                raise ChannelTimeout()
