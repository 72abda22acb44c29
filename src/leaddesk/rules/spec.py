"""What a rule says, as plain data: its conditions and actions, parsed and checked as typed.

A condition is ``FIELD=VALUE`` and an action ``ACTION[=VALUE]``, the same strings on the command
line, in the database and in the Settings tab. Parsing checks the shape of each value (hours,
days, a phone prefix…) and names the closest valid word for a typo; whether a member or a
template exists is checked against the database by :mod:`leaddesk.rules.catalog`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from leaddesk.db.models import STATUS_VALUES, Status
from leaddesk.errors import ValidationError

FIELDS = ("topic", "post", "site", "form", "account", "words", "domain", "phone-prefix",
          "contact", "hours", "days")
ACTIONS = ("assign", "tag", "status", "topic", "spam", "acknowledge")
ROUND_ROBIN = "round-robin:"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONTACT_VALUES = ("new", "returning")
NAME_LIMIT = 100  # "rule: NAME" must fit the audit actor column (120)

_HOURS = re.compile(r"(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?")
_PHONE_PREFIX = re.compile(r"\+\d{1,4}")


def closest(word: str, choices: Sequence[str], what: str) -> ValidationError:
    """The error for an unknown ``word``, naming the closest valid choices."""
    near = difflib.get_close_matches(word.casefold(), [c.casefold() for c in choices], n=3,
                                     cutoff=0.5)
    named = [c for c in choices if c.casefold() in near]
    hint = f"did you mean {' or '.join(named)}? " if named else ""
    return ValidationError(f"unknown {what} {word!r}; {hint}use one of {', '.join(choices)}")


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class Condition:
    field: str
    value: str

    def __str__(self) -> str:
        return f"{self.field}={self.value}"


@dataclass(frozen=True)
class Action:
    name: str
    value: str | None = None

    def __str__(self) -> str:
        return self.name if self.value is None else f"{self.name}={self.value}"

    @property
    def round_robin(self) -> list[str] | None:
        """The members of an ``assign=round-robin:A,B`` action, else None."""
        if self.name == "assign" and self.value and self.value.startswith(ROUND_ROBIN):
            return split_list(self.value[len(ROUND_ROBIN):])
        return None


@dataclass(frozen=True)
class RuleSpec:
    """One rule as stored: ordered by ``position``; every condition must hold."""

    name: str
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Action, ...] = ()
    stop: bool = False
    enabled: bool = True
    position: int = 0
    id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def actor(self) -> str:
        """Who a change by this rule is audited as."""
        return f"rule: {self.name}"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "position": self.position, "enabled": self.enabled,
                "stop": self.stop, "when": [str(c) for c in self.conditions],
                "do": [str(a) for a in self.actions]}


def clean_rule_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise ValidationError("a rule needs a name")
    if len(text) > NAME_LIMIT:
        raise ValidationError(f"the rule name is too long; keep it to {NAME_LIMIT} characters")
    return text


def parse_hours(value: str) -> tuple[int, int]:
    """Minutes after midnight (start, end) of ``18-08`` or ``9:30-17``; the span may wrap midnight."""
    match = _HOURS.fullmatch(value.replace(" ", ""))
    if match is None:
        raise ValidationError(f"hours={value!r}: write a span like 18-08 or 9:30-17")
    h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
    if not (0 <= h1 <= 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60) or h1 * 60 + m1 > 1440 \
            or h2 * 60 + m2 > 1440:
        raise ValidationError(f"hours={value!r}: hours run from 0 to 24")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise ValidationError(f"hours={value!r}: the span is empty; leave hours out for all day")
    return start, end


def parse_days(value: str) -> frozenset[int]:
    """Weekday numbers (Monday 0) of ``mon-fri``, ``sat,sun`` or ``fri-mon``."""
    days: set[int] = set()
    for part in split_list(value.casefold()):
        first, _, last = part.partition("-")
        ends = [first.strip()[:3], last.strip()[:3]] if last else [first.strip()[:3]]
        for end in ends:
            if end not in DAYS:
                raise closest(end, DAYS, "day")
        a, b = DAYS.index(ends[0]), DAYS.index(ends[-1])
        days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
    if not days:
        raise ValidationError(f"days={value!r}: name days like mon-fri or sat,sun")
    return frozenset(days)


def parse_condition(text: str) -> Condition:
    """``FIELD=VALUE`` as typed after ``--when``."""
    name, sep, value = text.partition("=")
    name, value = name.strip().casefold(), value.strip()
    if name not in FIELDS:
        raise closest(name, FIELDS, "condition field")
    if not sep or not value:
        raise ValidationError(f"--when {text!r}: give a value, as {name}=VALUE")
    if name == "contact" and value.casefold() not in CONTACT_VALUES:
        raise closest(value, CONTACT_VALUES, "contact kind")
    if name == "contact":
        value = value.casefold()
    elif name == "hours":
        parse_hours(value)
    elif name == "days":
        parse_days(value)
    elif name == "phone-prefix":
        prefixes = [p.replace(" ", "") for p in split_list(value)]
        bad = [p for p in prefixes if not _PHONE_PREFIX.fullmatch(p)]
        if bad or not prefixes:
            raise ValidationError(f"phone-prefix={value!r}: write a country code like +46")
        value = ",".join(prefixes)
    elif name == "domain":
        value = ",".join(d.lstrip("@").casefold() for d in split_list(value))
    elif name == "words" and not split_list(value):
        raise ValidationError("words=…: name at least one word")
    return Condition(name, value)


def parse_action(text: str) -> Action:
    """``ACTION[=VALUE]`` as typed after ``--do``."""
    name, sep, raw = text.partition("=")
    name, value = name.strip().casefold(), raw.strip()
    if name not in ACTIONS:
        raise closest(name, ACTIONS, "action")
    if name == "spam":
        if value:
            raise ValidationError("spam takes no value; the verdict's reason names the rule")
        return Action("spam")
    if not sep or not value:
        raise ValidationError(f"--do {text!r}: give a value, as {name}=VALUE")
    if name == "status":
        value = value.casefold()
        if value == Status.SPAM.value:
            raise ValidationError("use --do spam to mark spam (its reason names the rule)")
        if value not in STATUS_VALUES:
            raise closest(value, [s for s in STATUS_VALUES if s != Status.SPAM.value], "status")
    action = Action(name, value)
    if name == "assign" and value.startswith(ROUND_ROBIN):
        members = action.round_robin or []
        if not members:
            raise ValidationError("assign=round-robin: name the members, as round-robin:Anna,Ben")
        action = Action(name, ROUND_ROBIN + ",".join(members))
    return action


def from_stored(row_id: int, name: str, position: int, enabled: bool, stop: bool,
                conditions: Sequence[Any], actions: Sequence[Any]) -> RuleSpec:
    """A rule as the database holds it (``[name, value]`` pairs, already checked when saved)."""
    return RuleSpec(name, tuple(Condition(str(f), str(v)) for f, v in conditions),
                    tuple(Action(str(a), None if v is None else str(v)) for a, v in actions),
                    stop=stop, enabled=enabled, position=position, id=row_id)
