"""The parser's own helpers: a form's repeated labels numbered as they come."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leaddesk.ingest.parse.parser import _field_dict, _field_label
from leaddesk.ingest.parse.text import one_line


def _numbered_from_the_start(pairs: list[tuple[str, str]]) -> list[str]:
    """The rule spelled out: a repeated label takes the smallest free "Label (n)", n ≥ 2."""
    taken: list[str] = []
    for label, _ in pairs:
        unique, count = label, 1
        while unique in taken:
            count += 1
            unique = f"{label} ({count})"
        taken.append(unique)
    return taken


def test_repeated_labels_are_numbered_in_order_around_a_label_typed_with_a_number() -> None:
    pairs = [("Note", "a"), ("Note (2)", "typed"), ("Note", "b"), ("Note", "c"), ("Name", "Ann")]
    assert _field_dict(pairs) == {"Note": "a", "Note (2)": "typed", "Note (3)": "b",
                                  "Note (4)": "c", "Name": "Ann"}


@given(st.lists(st.sampled_from(["A", "A (2)", "A (3)", "B", "A (2) (2)"]), max_size=30))
def test_numbering_is_the_smallest_free_number_whatever_the_order(labels: list[str]) -> None:
    pairs = [(label, str(n)) for n, label in enumerate(labels)]
    fields = _field_dict(pairs)
    assert list(fields) == _numbered_from_the_start(pairs)
    assert list(fields.values()) == [value for _, value in pairs]


def test_a_label_repeated_ten_thousand_times_keeps_every_value() -> None:
    # A mail bomb's table: each value kept under its own number (this once took minutes).
    fields = _field_dict([("Note", str(n)) for n in range(10_000)])
    assert len(fields) == 10_000
    assert fields["Note (10000)"] == "9999"


def test_field_labels_are_tidied_as_one_line_tidies_them_and_long_ones_are_not_kept() -> None:
    for label in ("Name:", " E-Mail : ", "Nachricht\n(optional):", "Name\u200b:",
                  "x" * (_field_label.longest + 5)):
        assert _field_label(label) == one_line(label).rstrip(":").strip()
    before = _field_label.cache_info().currsize
    _field_label("y" * (_field_label.longest + 1) + ":")
    assert _field_label.cache_info().currsize == before
