"""Mail read ahead in a thread: the same messages in the same order, errors where they happened,
memory held to the budget, and the thread gone when the import stops."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from leaddesk.ingest.read_ahead import read_ahead


@dataclass(frozen=True)
class Mail:
    raw: bytes


def numbered(count: int, size: int = 4, produced: list[int] | None = None) -> Iterator[Mail]:
    for n in range(count):
        if produced is not None:
            produced.append(n)
        yield Mail(str(n).zfill(size).encode())


def _reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "leaddesk-read-ahead"]


def _wait_until_gone(deadline_s: float = 10.0) -> None:
    deadline = time.monotonic() + deadline_s
    while _reader_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _reader_threads()


def test_every_message_comes_once_in_order() -> None:
    got = [m.raw for m in read_ahead(numbered(5000), budget=64)]
    assert got == [str(n).zfill(4).encode() for n in range(5000)]
    _wait_until_gone()


def test_nothing_at_all() -> None:
    assert list(read_ahead(numbered(0))) == []


def test_the_thread_holds_at_most_the_budget_ahead() -> None:
    produced: list[int] = []
    furthest = 0
    for consumed, _ in enumerate(read_ahead(numbered(2000, produced=produced), budget=40), 1):
        furthest = max(furthest, len(produced) - consumed)
    # 40 bytes are 10 messages on the shelf, 10 more taken and being handed out, one in hand.
    assert furthest <= 21


def test_an_error_comes_after_the_messages_read_before_it() -> None:
    def failing() -> Iterator[Mail]:
        yield Mail(b"one")
        yield Mail(b"two")
        raise OSError("disk gone")

    messages = read_ahead(failing())
    assert [next(messages).raw, next(messages).raw] == [b"one", b"two"]
    with pytest.raises(OSError, match="disk gone"):
        next(messages)
    _wait_until_gone()


def test_an_import_that_stops_early_stops_the_thread() -> None:
    def endless() -> Iterator[Mail]:
        while True:
            yield Mail(b"x" * 100)

    messages = read_ahead(endless(), budget=1000)
    assert next(messages).raw == b"x" * 100
    messages.close()
    _wait_until_gone()
