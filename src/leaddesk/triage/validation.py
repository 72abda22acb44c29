"""Cleaning what people type before triage stores it.

Owns the names (actor, tag, team member: trimmed, non-empty, within the column width), tag colours
(``#rrggbb`` from hex or a common CSS name), statuses and e-mail addresses, plus the small helpers
that put ids and names into a stable order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from leaddesk.db.models import STATUS_VALUES, Status
from leaddesk.errors import ValidationError
from leaddesk.lines import as_one_line

# Column widths from the model; PostgreSQL would reject longer values with a less helpful error.
_NAME_LIMITS = {"tag": 80, "team member": 120, "actor": 120}

# The CSS names people actually type, stored as #rrggbb so every view renders them the same.
CSS_COLOURS: Mapping[str, str] = {
    "black": "#000000", "white": "#ffffff", "grey": "#808080", "gray": "#808080",
    "silver": "#c0c0c0", "red": "#ff0000", "maroon": "#800000", "crimson": "#dc143c",
    "orange": "#ffa500", "gold": "#ffd700", "yellow": "#ffff00", "olive": "#808000",
    "lime": "#00ff00", "green": "#008000", "teal": "#008080", "cyan": "#00ffff",
    "aqua": "#00ffff", "blue": "#0000ff", "navy": "#000080", "indigo": "#4b0082",
    "purple": "#800080", "violet": "#ee82ee", "magenta": "#ff00ff", "fuchsia": "#ff00ff",
    "pink": "#ffc0cb", "brown": "#a52a2a", "coral": "#ff7f50", "salmon": "#fa8072",
    "turquoise": "#40e0d0", "beige": "#f5f5dc",
}
_HEX_COLOUR = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})")


def clean_actor(actor: str) -> str:
    """The actor name as written on audit events: trimmed, non-empty, within the column width."""
    return clean_name(actor, "actor")


def normalise_colour(value: str) -> str:
    """``#rrggbb`` (lower case) from ``#rrggbb``, ``#rgb`` or a common CSS colour name."""
    text = value.strip().lower()
    if text in CSS_COLOURS:
        return CSS_COLOURS[text]
    match = _HEX_COLOUR.fullmatch(text)
    if match is None:
        raise ValidationError(f"invalid colour {value!r}; use #rrggbb")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def clean_status(value: str) -> str:
    text = value.strip().lower()
    if text not in STATUS_VALUES:
        raise ValidationError(f"unknown status {value!r}; use one of {', '.join(STATUS_VALUES)}")
    return Status(text).value


def clean_name(value: str, what: str) -> str:
    # A line break or a bidi override in a tag or member name broke the sidebar's and the chips'
    # one-line layout, or reversed the text after it; a plain name keeps its spacing as typed.
    name = value.strip() if value.isprintable() else as_one_line(value)
    if not name:
        raise ValidationError(f"the {what} name is empty")
    limit = _NAME_LIMITS[what]
    if len(name) > limit:
        raise ValidationError(f"the {what} name {name[:20]!r}… is too long; keep it to {limit} "
                              f"characters")
    return name


def clean_email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    # Imported here: ~40 ms that every user of triage (the window's start) would pay otherwise.
    from email_validator import EmailNotValidError, validate_email
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"invalid e-mail address {value!r}: {exc}") from None


def unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def sorted_names(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: (n.casefold(), n))

