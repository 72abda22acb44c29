"""A value's reading kept once it has been worked out, and a long value's never kept."""

from __future__ import annotations

from leaddesk.ingest.parse.repeated import per_value


def test_a_short_value_is_read_once_and_a_long_one_each_time() -> None:
    calls: list[str] = []

    @per_value(longest=5, maxsize=2)
    def length(value: str) -> int:
        """How long the value is."""
        calls.append(value)
        return len(value)

    assert [length("abc"), length("abc"), length("abcdef"), length("abcdef")] == [3, 3, 6, 6]
    assert calls == ["abc", "abcdef", "abcdef"]
    assert length.cache_info().currsize == 1
    assert length.__doc__ == "How long the value is."
    for value in ("a", "b", "c"):  # bounded: the least recently used goes
        length(value)
    assert length.cache_info().currsize == 2
