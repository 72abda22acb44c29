"""The cyclic collector paused for a block: back on afterwards, also after an error, and a
collector already paused by the caller left paused."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from leaddesk.collector import paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_for_the_block_and_back_on_after_it() -> None:
    with paused():
        assert not gc.isenabled()
        with paused():  # nested: the outer block's pause holds
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error() -> None:
    with pytest.raises(RuntimeError), paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_the_caller_paused_stays_paused() -> None:
    gc.disable()
    with paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
