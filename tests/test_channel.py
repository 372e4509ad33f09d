"""The channel's deadlines, and a call's deadline judged by the worker's own time."""

from __future__ import annotations

import os
import threading
import time

import pytest

import grader.core.session as session
from grader.workers.wire.channel import Channel, ChannelTimeout


@pytest.fixture
def pipe_pair():
    """The trusted end and the worker end of a connection made of two pipes."""
    to_worker, from_trusted = os.pipe()
    to_trusted, from_worker = os.pipe()
    trusted, worker = Channel(to_trusted, from_trusted), Channel(to_worker, from_worker)
    yield trusted, worker
    trusted.close()
    worker.close()


def test_an_answer_already_waiting_is_read_even_when_the_deadline_has_passed(pipe_pair):
    trusted, worker = pipe_pair
    worker.send({"value": 5})
    # A trusted process kept off the CPU past its deadline still finds the answer that came in time.
    assert trusted.recv(0.0) == {"value": 5}
    with pytest.raises(ChannelTimeout):
        trusted.recv(0.0)


def test_a_timeout_keeps_a_half_read_message_for_the_next_recv(pipe_pair):
    trusted, worker = pipe_pair
    worker.send({"values": list(range(100))})
    whole = os.read(trusted.read_fd, 1 << 16)  # the frame as sent, taken off the pipe to send again in halves
    os.write(worker.write_fd, whole[:7])
    with pytest.raises(ChannelTimeout):
        trusted.recv(0.05)
    os.write(worker.write_fd, whole[7:])
    assert trusted.recv(1.0) == {"values": list(range(100))}


class _FakeWorker:
    """A worker whose CPU-wait counter the test sets: ``starved`` makes it grow with the clock."""

    def __init__(self, channel: Channel, starved: bool):
        self.channel = channel
        self.pid = -1
        self.wait_baseline = None
        self.starved = starved
        self.born = time.monotonic()

    def cpu_wait(self, pid):
        return time.monotonic() - self.born if self.starved else 0.0


@pytest.fixture
def fake_worker(pipe_pair, monkeypatch):
    def make(starved: bool) -> tuple[_FakeWorker, Channel]:
        trusted, worker_end = pipe_pair
        fake = _FakeWorker(trusted, starved)
        monkeypatch.setattr(session.linux, "cpu_wait", fake.cpu_wait)
        return fake, worker_end
    return make


def test_a_worker_that_never_waited_for_a_cpu_times_out_at_the_limit(fake_worker):
    worker, _ = fake_worker(starved=False)
    started = time.monotonic()
    with pytest.raises(ChannelTimeout):
        session._recv_fairly(worker, 0.1)
    assert time.monotonic() - started >= 0.1


def test_a_worker_kept_waiting_for_a_cpu_gets_its_waiting_back(fake_worker, monkeypatch):
    monkeypatch.setattr(session, "STARVED_FACTOR", 100.0)
    worker, worker_end = fake_worker(starved=True)
    threading.Timer(0.3, worker_end.send, args=({"value": 5},)).start()  # three limits late
    assert session._recv_fairly(worker, 0.1) == {"value": 5}


def test_waiting_for_a_cpu_is_credited_up_to_a_cap(fake_worker):
    worker, _ = fake_worker(starved=True)
    started = time.monotonic()
    with pytest.raises(ChannelTimeout):
        session._recv_fairly(worker, 0.1)  # starved for ever, never answering
    assert time.monotonic() - started >= session.STARVED_FACTOR * 0.1 - 0.01
