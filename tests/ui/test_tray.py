"""Tray notifications name visitors: no markup read, no override left to reorder the line."""

from __future__ import annotations

from tests.ui.hostile import HOSTILE, reorders

from leaddesk.ui.safe_text import notification
from leaddesk.ui.tray import answered_text


def test_a_visitor_who_answered_is_named_without_markup_or_override() -> None:
    words = notification(answered_text([HOSTILE]))
    assert not any(mark in words for mark in "<>&")
    assert not reorders(words)
    assert words.endswith("Tom ＆ Jerry ＆＆amp; evil answered")
