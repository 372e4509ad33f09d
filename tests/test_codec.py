"""The wire format: plain data round-trips; hostile bytes never become objects."""

import json
import struct

import numpy as np
import pytest

from grader.workers.wire.codec import (
    MAX_MESSAGE_BYTES,
    CodecError,
    Opaque,
    decode,
    encode,
)


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, float("inf"), "text", [1, [2.5, "x"]], (1, (2,)),
    {"a": 1, "b": [2]},
])
def test_plain_values_round_trip(value):
    assert decode(encode(value)) == value


def test_dicts_that_look_like_tagged_forms_round_trip_as_dicts():
    for value in ({"t": [1, 2]}, {"a": 1}, {"o": ["x", "y"]}, {"d": []}, {"t": 1, "x": 2}, {}):
        back = decode(encode(value))
        assert back == value and type(back) is dict
    assert decode(_frame(b'{"x": 1, "y": [2.5]}')) == {"x": 1, "y": [2.5]}


def test_nan_round_trips():
    assert np.isnan(decode(encode(float("nan"))))


@pytest.mark.parametrize("array", [
    np.arange(6, dtype=np.int32).reshape(2, 3), np.linspace(0, 1, 5), np.array(2.5),
    np.array([True, False]), np.arange(6.0).reshape(3, 2).T, np.array([1 + 2j]),
    np.zeros((0, 3)),
])
def test_arrays_round_trip_with_shape_and_dtype(array):
    back = decode(encode(array))
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_numpy_scalars_arrive_as_numbers():
    assert decode(encode(np.float64(2.5))) == 2.5
    assert decode(encode(np.int64(7))).item() == 7


def test_objects_cross_as_opaque_stand_ins():
    class Rigged(float):
        def __eq__(self, other):
            return True

    class Thing:
        def __repr__(self):
            return "Thing()"

    assert decode(encode(Rigged(2.0))) == 2.0 and type(decode(encode(Rigged(2.0)))) is float
    back = decode(encode(Thing()))
    assert isinstance(back, Opaque) and back.type_name == "Thing" and back != 1


def _frame(text: bytes, raw: bytes = b"") -> bytes:
    """A message as the codec lays it out: JSON length, JSON, raw array bytes."""
    return struct.pack(">I", len(text)) + text + raw


def _array(dtype, shape, raw, start=0):
    return _frame(json.dumps({"a": [dtype, shape, start]}).encode(), raw)


@pytest.mark.parametrize("payload", [
    b"", b"\0\0", b"\0\0\0\x09[1]", _frame(b"not json"), _frame(b"\xff\xfe"), _frame(b'{"d": [1]}'),
    _frame(b'{"t": 1}'), _frame(b'{"a": 1}'), _frame(b'{"d": [["x"]]}'), _frame(b'{"o": [1, 2]}'),
    _array("|O", [1], b"\0" * 8), _array("<U3", [1], b"\0" * 12), _array("<f8", [2], b"\0" * 8),
    _array("<f8", [-1], b""), _array("<f8", [1], b"\0" * 8, start=1), _array("<f8", [1], b"\0" * 8, start=-8),
    _array("<f8", [1], b"\0" * 8, start=1.0), _array("<f8", [1], b"\0" * 8, start="0"),
    _array("float64", [1], b"\0" * 8), _array("<f8", [2**40, 2**40], b""),
    _frame(b"[" * 5000 + b"]" * 5000), _frame(b"1" * 5000),
])
def test_malformed_payloads_are_rejected(payload):
    with pytest.raises(CodecError):
        decode(payload)


def test_arrays_take_their_own_bytes_of_the_raw_part():
    a, b = np.arange(3.0), np.arange(4, dtype=np.int16)
    back = decode(encode({"x": [a, (b, a)]}))
    np.testing.assert_array_equal(back["x"][0], a)
    np.testing.assert_array_equal(back["x"][1][0], b)
    np.testing.assert_array_equal(back["x"][1][1], a)
    in_order = _frame(json.dumps([{"a": ["<f8", [1], 0]}, {"a": ["<f8", [1], 8]}]).encode(),
                      struct.pack("<dd", 1.0, 2.0))
    assert [float(x[0]) for x in decode(in_order)] == [1.0, 2.0]


@pytest.mark.parametrize("starts, raw_bytes", [
    ([8, 0], 16),           # out of order
    ([0, 0], 8),            # the same bytes twice
    ([0, 4], 12),           # overlapping
    ([0, 16], 24),          # a gap
    ([0, 8], 24),           # bytes after the arrays
])
def test_arrays_take_the_raw_part_in_order_without_sharing_bytes(starts, raw_bytes):
    frame = _frame(json.dumps([{"a": ["<f8", [1], start]} for start in starts]).encode(), b"\0" * raw_bytes)
    with pytest.raises(CodecError):
        decode(frame)


def test_a_reply_of_aliased_arrays_is_refused_at_the_cost_of_its_bytes():
    """The attack: 50,000 entries all pointing at the same 8 MiB would have decoded to 400 GiB."""
    import tracemalloc

    entries = json.dumps([{"a": ["<f8", [2**20], 0]}] * 50_000, separators=(",", ":")).encode()
    frame = _frame(entries, b"\0" * 2**23)
    assert len(frame) < MAX_MESSAGE_BYTES
    tracemalloc.start()
    with pytest.raises(CodecError, match="in order"):
        decode(frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * len(frame)


@pytest.mark.parametrize("dtype", ["(,", "f8,i4", "(2,)f8", "(99999999,)u1", "<U3", "O", "|O", "V8", "<M8",
                                   "<f8 ", "float64", "<f3", "=f8", "<f8" * 5, 8, None, ["<f8"]])
def test_a_dtype_that_is_not_a_plain_numeric_type_is_refused_without_numpy_parsing_it(dtype):
    with pytest.raises(CodecError, match="dtype"):
        decode(_frame(json.dumps({"a": [dtype, [1], 0]}).encode(), b"\0" * 8))


def test_nothing_but_a_codec_error_ever_leaves_the_decoder(monkeypatch):
    from grader.workers.wire import codec

    def broken(*args, **kwargs):
        raise SyntaxError("numpy's own parser failed")

    monkeypatch.setattr(codec.np, "frombuffer", broken)
    with pytest.raises(CodecError, match="SyntaxError"):
        decode(encode(np.arange(3.0)))


# --- fuzzing: hostile bytes, hostile structure --------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

DTYPES = ["<f8", "<f4", "|b1", "|i1", "<i8", "|u1", "<c16", "<f2", ">f8", "(,", "<U1", "|O"]


def _arrays_nbytes(value) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (list, tuple)):
        return sum(_arrays_nbytes(v) for v in value)
    if isinstance(value, dict):
        return sum(_arrays_nbytes(v) for v in value.values())
    return 0


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_fuzz_any_bytes_decode_or_raise_codec_error(data):
    try:
        decode(data)
    except CodecError:
        pass


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200), st.binary(max_size=200))
def test_fuzz_any_json_part_with_any_raw_part(text, raw):
    try:
        decode(_frame(text, raw))
    except CodecError:
        pass


_array_entry = st.builds(lambda dtype, shape, start: {"a": [dtype, shape, start]}, st.sampled_from(DTYPES),
                         st.lists(st.integers(0, 6), max_size=3), st.integers(-2, 80))
_tagged = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
              _array_entry),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.builds(lambda v: {"t": v}, st.lists(inner, max_size=3)),
                            st.dictionaries(st.text(max_size=2), inner, max_size=3)),
    max_leaves=12)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tagged, st.binary(max_size=120))
def test_fuzz_structured_messages_never_decode_to_more_than_their_bytes(message, raw):
    frame = _frame(json.dumps(message).encode(), raw)
    try:
        value = decode(frame)
    except CodecError:
        return
    assert _arrays_nbytes(value) <= len(raw)


_plain = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
              st.builds(lambda values, dtype: np.array(values, dtype=dtype),
                        st.lists(st.integers(0, 100), max_size=6), st.sampled_from(["<f8", "|u1", "<i4", "|b1"]))),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=15)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(_plain)
def test_fuzz_plain_values_round_trip(value):
    assert _same(decode(encode(value)), value)
