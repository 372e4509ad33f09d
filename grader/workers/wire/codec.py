"""Plain-data wire format between the trusted process and a learner worker.

A message is a 4-byte big-endian length, that many bytes of JSON, then the
raw bytes of the message's arrays, one after the other. Values cross as JSON
with a few tagged forms; nothing is ever pickled. Array data is not text-encoded
(no base64: a round trip of a call costs microseconds, and a check makes
dozens). The decoder assumes its input is hostile: it enforces size and depth
caps, accepts only numeric NumPy dtypes (named by their plain ``<f8`` form,
never parsed by numpy's own dtype language), checks that every array's bytes
lie inside the message, follow the previous array's and match the declared
shape, and turns anything it does not know, and any failure at all while
decoding, into a :class:`CodecError` rather than an object.

Tagged forms (a dict with exactly one of these keys):

- ``{"t": [...]}``  a tuple
- ``{"d": [[key, value], ...]}``  a dict with string keys whose only key is
  one of these tags (any other dict with string keys is a JSON object)
- ``{"a": [dtype, shape, start]}``  a NumPy array (C order, any numeric dtype)
  whose ``size * itemsize`` bytes begin ``start`` bytes into the raw part.
  Arrays take the raw part in order, each starting where the one before it
  ended, and together take all of it: no two arrays share bytes, so what a
  message decodes to is never larger than the message (a reply whose entries
  all pointed at the same bytes once decoded to 50 times its size)
- ``{"o": [type_name, repr_text]}``  an object that is not plain data; it
  decodes to :class:`Opaque`, which no check accepts as a value
"""

from __future__ import annotations

import json
import math
import re
import struct
from dataclasses import dataclass

import numpy as np

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
"""Largest frame: an array of 2 million float64 values fits."""
MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
"""Values in one message; counted in the raw bytes before anything is parsed."""
MAX_STR = 100_000
MAX_INT_DIGITS = 4_000
REPR_CHARS = 200

_DTYPE_KINDS = "biufc"  # bool, signed, unsigned, float, complex
_DTYPE = re.compile(r"[<>|][biufc](1|2|4|8|16|32)")
"""The only dtype strings looked at: byte order, kind, item size (``np.dtype`` parses far more, and can raise anything)."""
_LENGTH = struct.Struct(">I")
_TAGS = frozenset("tdao")
_SMALL_INT = 10 ** 18  # far below MAX_INT_DIGITS: sent as it is


class CodecError(ValueError):
    """A message that is not valid plain data (too big, too deep, malformed)."""


@dataclass(frozen=True)
class Opaque:
    """Stands for a value that could not cross as plain data."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object: {self.text}>"


def encode(value) -> bytes:
    """Serialise ``value`` to bytes; objects that are not plain data become opaque."""
    arrays = _Raw()
    text = json.dumps(_to_plain(value, 0, arrays), allow_nan=True, separators=(",", ":")).encode()
    return b"".join([_LENGTH.pack(len(text)), text, *arrays.parts])


class _Raw:
    """The raw part of a message being encoded: array bytes, in order."""

    def __init__(self):
        self.parts: list = []
        self.size = 0

    def add(self, data: bytes) -> int:
        """Append ``data``; return where it starts."""
        start = self.size
        self.parts.append(data)
        self.size += len(data)
        return start


def decode(data: bytes):
    """Parse bytes from the other side into plain Python values and arrays.

    Raises :class:`CodecError`, and only that, for anything that is not a valid message.
    """
    try:
        return _decode(data)
    except CodecError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the bytes make fail is their sender's doing
        raise CodecError(f"malformed message ({type(exc).__name__})") from None


def _decode(data: bytes):
    if len(data) > MAX_MESSAGE_BYTES:
        raise CodecError(f"message of {len(data)} bytes exceeds the {MAX_MESSAGE_BYTES} byte cap")
    if len(data) < _LENGTH.size:
        raise CodecError("message too short")
    (length,) = _LENGTH.unpack_from(data)
    end = _LENGTH.size + length
    if end > len(data):
        raise CodecError(f"declares {length} bytes of JSON, has {len(data) - _LENGTH.size}")
    text = bytes(data[_LENGTH.size:end])
    # Every value but the first follows a ',' ':' '[' or '{': counting those bounds
    # what parsing could build (a frame of tiny objects) before anything is built.
    separators = sum(text.count(byte) for byte in (b",", b":", b"[", b"{"))
    if separators > 2 * MAX_ITEMS:
        raise CodecError(f"more than {MAX_ITEMS} values")
    try:
        raw = json.loads(text.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # includes JSON and int-digit errors
        raise CodecError(f"not valid JSON: {exc}") from None
    blob = _Blob(memoryview(data)[end:])
    value = _from_plain(raw, 0, [0], blob)
    if blob.used != len(blob.data):
        raise CodecError(f"{len(blob.data) - blob.used} bytes after the arrays belong to none of them")
    return value


class _Blob:
    """The raw part of a message being decoded, taken array by array in order."""

    def __init__(self, data: memoryview):
        self.data = data
        self.used = 0

    def take(self, start, size: int) -> memoryview:
        """The next array's ``size`` bytes, which must start at ``start``: where the previous array ended."""
        if type(start) is not int or start != self.used:
            raise CodecError(f"array data at {start!r}, expected at {self.used}: arrays take the raw part "
                             "in order, never sharing bytes")
        if size > len(self.data) - start:
            raise CodecError(f"array data has {len(self.data) - start} bytes, needs {size}")
        self.used += size
        return self.data[start:start + size]


def _to_plain(value, depth, arrays):
    if depth > MAX_DEPTH:
        return _opaque(value, "nested too deeply")
    # Exact types first (the common case, and the fast one); a subclass of
    # float or list may carry rigged methods, so it is converted below
    # through the base type's own behaviour.
    kind = type(value)
    if kind is float or kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return value if -_SMALL_INT < value < _SMALL_INT else _plain_int(value)
    if kind is list:
        return [_to_plain(v, depth + 1, arrays) for v in value]
    if kind is tuple:
        return {"t": [_to_plain(v, depth + 1, arrays) for v in value]}
    if kind is dict and all(type(k) is str for k in value):
        return _plain_dict(value, depth, arrays)
    if kind is np.ndarray:
        return _plain_array(value, arrays)
    if isinstance(value, int):
        return _plain_int(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (np.ndarray, np.generic)):
        return _plain_array(value, arrays)
    if isinstance(value, tuple):
        return {"t": [_to_plain(v, depth + 1, arrays) for v in tuple.__iter__(value)]}
    if isinstance(value, list):
        return [_to_plain(v, depth + 1, arrays) for v in list.__iter__(value)]
    if isinstance(value, dict) and all(type(k) is str for k in dict.keys(value)):
        return _plain_dict(dict(dict.items(value)), depth, arrays)
    return _opaque(value)


def _plain_dict(value: dict, depth, arrays):
    """A JSON object; a dict whose only key is a tag goes in the ``"d"`` form, so it cannot pass for one."""
    if len(value) == 1 and next(iter(value)) in _TAGS:
        return {"d": [[k, _to_plain(v, depth + 1, arrays)] for k, v in value.items()]}
    return {k: _to_plain(v, depth + 1, arrays) for k, v in value.items()}


def _plain_int(value):
    text = int.__repr__(value)
    if len(text) > MAX_INT_DIGITS:
        return {"o": ["int", f"an integer with {len(text)} digits"]}
    return int(text)


def _plain_array(value, arrays: _Raw):
    arr = np.asarray(value)
    if arr.dtype.kind not in _DTYPE_KINDS or arr.dtype.hasobject:
        return _opaque(value)
    return {"a": [arr.dtype.str, list(arr.shape), arrays.add(arr.tobytes(order="C"))]}


def _opaque(value, why: str | None = None):
    type_name = type(value).__name__
    if why is None:
        try:
            why = repr(value)
        except BaseException:  # noqa: BLE001 - a learner's __repr__ may raise anything
            why = "(repr failed)"
    return {"o": [type_name, str(why)[:REPR_CHARS]]}


def _from_plain(raw, depth, count, blob: _Blob):
    count[0] += 1
    if count[0] > MAX_ITEMS:
        raise CodecError(f"more than {MAX_ITEMS} items")
    if depth > MAX_DEPTH + 2:
        raise CodecError(f"nested deeper than {MAX_DEPTH}")
    kind = type(raw)  # what json.loads builds: exact types only
    if kind is float or kind is int or kind is bool or raw is None:
        return raw
    if kind is str:
        if len(raw) > MAX_STR:
            raise CodecError(f"string of {len(raw)} characters exceeds the cap")
        return raw
    if kind is list:
        return [_from_plain(v, depth + 1, count, blob) for v in raw]
    if kind is dict:
        if len(raw) == 1:
            (tag, body), = raw.items()
            if tag in _TAGS:
                return _from_tagged(tag, body, depth, count, blob)
        return {k: _from_plain(v, depth + 1, count, blob) for k, v in raw.items()}
    raise CodecError(f"unexpected value of type {kind.__name__}")


def _from_tagged(tag, body, depth, count, blob):
    if tag == "t" and type(body) is list:
        return tuple(_from_plain(v, depth + 1, count, blob) for v in body)
    if tag == "d" and type(body) is list:
        return _decode_dict(body, depth, count, blob)
    if tag == "a":
        return _decode_array(body, blob)
    if tag == "o" and _is_str_pair(body):
        return Opaque(body[0][:REPR_CHARS], body[1][:REPR_CHARS])
    raise CodecError(f"malformed {tag!r} value")


def _decode_dict(body, depth, count, blob):
    out = {}
    for item in body:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise CodecError("malformed dict entry")
        out[item[0]] = _from_plain(item[1], depth + 1, count, blob)
    return out


def _decode_array(body, blob: _Blob):
    if not (isinstance(body, list) and len(body) == 3):
        raise CodecError("malformed array")
    dtype_str, shape, start = body
    if not (isinstance(dtype_str, str) and _DTYPE.fullmatch(dtype_str)):
        raise CodecError(f"array dtype {str(dtype_str)[:20]!r} is not a plain numeric type")
    try:
        dtype = np.dtype(dtype_str)
    except (TypeError, ValueError):
        dtype = None
    if dtype is None or dtype.kind not in _DTYPE_KINDS or dtype.hasobject or dtype.str != dtype_str:
        raise CodecError(f"array dtype {dtype_str!r} is not a plain numeric type")
    if not (isinstance(shape, list) and len(shape) <= 32
            and all(type(n) is int and 0 <= n <= MAX_MESSAGE_BYTES for n in shape)):
        raise CodecError("malformed array shape")
    data = blob.take(start, math.prod(shape) * dtype.itemsize)
    return np.frombuffer(data, dtype=dtype).reshape(tuple(shape)).copy()


def _is_str_pair(body):
    return isinstance(body, list) and len(body) == 2 and all(isinstance(s, str) for s in body)
