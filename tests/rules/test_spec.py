"""Conditions and actions as typed: checked, normalised, and typos answered with the closest word."""

from __future__ import annotations

import pytest

from leaddesk.errors import ValidationError
from leaddesk.rules.spec import (
    Action,
    Condition,
    parse_action,
    parse_condition,
    parse_days,
    parse_hours,
)


@pytest.mark.parametrize(("text", "message"), [
    ("topc=x", "did you mean topic?"),
    ("phone=+46", "did you mean phone-prefix?"),
    ("topic", "give a value"),
    ("topic=", "give a value"),
    ("contact=old", "unknown contact kind 'old'"),
    ("hours=18", "write a span like 18-08"),
    ("hours=25-08", "hours run from 0 to 24"),
    ("hours=8-8", "the span is empty"),
    ("days=mon-fro", "did you mean fri?"),
    ("phone-prefix=46", "write a country code like +46"),
    ("words=,", "name at least one word"),
])
def test_bad_conditions_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("?", r"\?").replace("+", r"\+")):
        parse_condition(text)


@pytest.mark.parametrize(("text", "message"), [
    ("asign=Ana", "did you mean assign"),
    ("spam=yes", "spam takes no value"),
    ("status=spam", "use --do spam"),
    ("status=wating", "did you mean waiting?"),
    ("assign=round-robin:", "name the members"),
    ("tag", "give a value"),
])
def test_bad_actions_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("?", r"\?")):
        parse_action(text)


def test_values_are_normalised() -> None:
    assert parse_condition(" Domain = @Example.COM, other.org ") == Condition(
        "domain", "example.com,other.org")
    assert parse_condition("phone-prefix=+46, +358") == Condition("phone-prefix", "+46,+358")
    assert parse_condition("contact=Returning") == Condition("contact", "returning")
    assert parse_action("status=Done") == Action("status", "done")
    rr = parse_action("assign=round-robin: Anna , Ben")
    assert rr == Action("assign", "round-robin:Anna,Ben")
    assert rr.round_robin == ["Anna", "Ben"]
    assert parse_action("assign=Anna").round_robin is None
    assert str(parse_action("spam")) == "spam"


def test_hours_and_days() -> None:
    assert parse_hours("18-08") == (18 * 60, 8 * 60)
    assert parse_hours("9:30-17") == (9 * 60 + 30, 17 * 60)
    assert parse_days("mon-fri") == frozenset(range(5))
    assert parse_days("sat,sun") == frozenset({5, 6})
    assert parse_days("fri-mon") == frozenset({4, 5, 6, 0})
