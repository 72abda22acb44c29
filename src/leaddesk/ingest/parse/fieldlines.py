"""Reading form fields out of plain text: "Label: value" lines, "Label:" blocks and "--- Label ---".

The hard part is telling a field label from a line of the visitor's message that happens to contain a
colon. A line starts a new field only when its label looks like one (short, starts with a letter, no
sentence punctuation, no address or URL) and, once a free-text field such as the message has begun,
only when the label is a known one from the synonym table: "Note: we need 200 speakers" inside a
message stays in the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from leaddesk.ingest.parse.synonyms import is_known_label, role_of

_LABEL_LINE = re.compile(r"^[ \t]*(?P<label>[^\W\d_][^:\n]{0,59}?)[ \t]*:(?P<value>.*)$")
_DASHED = re.compile(r"^-{3}[ \t]+(?P<label>\S.*?)[ \t]+-{3}[ \t]*$", re.MULTILINE)
_NOT_IN_LABEL = re.compile(r"[@<>\[\]{}=|\\/\";,!]|https?|www\.")
MAX_LABEL_WORDS = 6


@dataclass
class _Field:
    label: str
    lines: list[str] = field(default_factory=list)
    free_text: bool = False

    def value(self) -> str:
        lines = list(self.lines)
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(line.rstrip() for line in lines).strip()


def looks_like_label(label: str) -> bool:
    """True for text that can be a form label: "E-Mail", "Topic of interest", "Tel.", "Prénom"."""
    label = label.strip()
    if not label or len(label) > 60 or _NOT_IN_LABEL.search(label.lower()):
        return False
    words = label.split()
    if len(words) > MAX_LABEL_WORDS:
        return False
    # A full stop only ends an abbreviation ("Tel.", "Str."), never sits inside a sentence.
    return "." not in label.rstrip(".") or len(words) == 1


def split_label_line(line: str) -> tuple[str, str] | None:
    """("Label", "value") when ``line`` is a "Label: value" line, else None."""
    match = _LABEL_LINE.match(line)
    if match is None:
        return None
    label, value = match.group("label").strip(), match.group("value")
    if value.startswith("//") or not looks_like_label(label):
        return None
    return label.rstrip(" *"), value.strip()


def _is_free_text(label: str) -> bool:
    return role_of(label) == "message"


def label_value_fields(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The fields of ``text`` in order, and the lines before the first field.

    Handles "Label: value" lines, values continued on the next lines, and "Label:" alone on a line
    with the value below (Formspree's layout), blank lines inside values included.
    """
    fields: list[_Field] = []
    preamble: list[str] = []
    previous_blank = True
    for line in text.split("\n"):
        split = split_label_line(line)
        current = fields[-1] if fields else None
        starts_field = split is not None and (
            current is None
            or not current.free_text
            or is_known_label(split[0])
            or (previous_blank and not _is_free_text(current.label))
        )
        if split is not None and starts_field:
            label, value = split
            new = _Field(label, [value] if value else [], free_text=_is_free_text(label) or not value)
            fields.append(new)
        elif current is not None:
            current.lines.append(line)
            if line.strip():
                current.free_text = current.free_text or len(current.lines) > 1
        elif line.strip():
            preamble.append(line.strip())
        previous_blank = not line.strip()
    # "Here's what they had to say:" has the shape of a label, but a sentence-long label with no value
    # is an introduction, not a field.
    return [(f.label, f.value()) for f in fields
            if f.value() or len(f.label.split()) < 4 or is_known_label(f.label)], preamble


def dashed_fields(text: str) -> list[tuple[str, str]]:
    """The fields of WPForms' plain-text layout: "--- Label ---", a blank line, the value."""
    matches = list(_DASHED.finditer(text))
    fields: list[tuple[str, str]] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        fields.append((match.group("label").strip(), text[match.end():end].strip()))
    return fields
