"""Any other form mailer: "Label: value" lines, label/value table rows, a flat JSON object (a webhook or
script that mails the submission as it received it), or PHP's ``print_r($_POST, true)`` dump, which
hand-made PHP forms mail as it is ("[name] => Jane", a checkbox group as a nested "Array").

Taken for a submission only when at least two fields were found and one of them is a name, an e-mail
address, a phone number, a company or a message (by its label, or by a value that is exactly one
address or phone number): an ordinary e-mail rarely has that shape.
"""

from __future__ import annotations

import json
import re

from leaddesk.ingest.parse.layouts.base import Extracted, Fields, fields_of
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.synonyms import role_of, value_role

NAME = "generic"

_PERSON_ROLES = {"name", "first_name", "last_name", "email", "phone", "company", "message"}


_JSON_LIMIT = 500_000  # characters: a submission, not a data dump


def _json_fields(text: str) -> Fields | None:
    """The fields of a body that is one JSON object: its scalar members, lists of scalars joined. A
    webhook's payload keeps the submission in a member object ("entry" of a Strapi webhook, "data" and
    "human_fields" of Netlify's): when one holds fields, the member objects' scalars are the fields
    and the envelope's own (event name, ids, dates) are left out."""
    if not text.startswith("{") or not text.endswith("}") or len(text) > _JSON_LIMIT:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    nested = [field for value in data.values() if isinstance(value, dict) for field in _scalars(value)]
    return nested or _scalars(data)


def _scalars(data: dict[str, object]) -> Fields:
    fields: Fields = []
    for key, value in data.items():
        if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
            value = ", ".join(str(item) for item in value)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            fields.append((str(key), str(value)))
    return fields


_PRINT_R_KEY = re.compile(r"^[ \t]*\[(?P<key>[^\]\n]{1,80})\] => ?(?P<value>.*)$")


def _print_r_fields(text: str) -> Fields | None:
    """The fields of a ``print_r`` dump of the posted form: the top-level keys with their values (a
    value goes on over the lines that follow it), the members of a nested array joined by ", "."""
    if "] => " not in text and "] =>\n" not in text:
        return None
    fields: Fields = []
    depth = 0
    nested: list[str] = []
    for line in text.split("\n"):
        bare = line.strip()
        if bare == "(":
            depth += 1
            continue
        if bare == ")":
            depth = max(0, depth - 1)
            if depth == 1 and nested and fields:
                fields[-1] = (fields[-1][0], ", ".join(nested))
                nested = []
            continue
        match = _PRINT_R_KEY.match(line)
        if match is not None and depth >= 1:
            value = match.group("value")
            if depth == 1:
                fields.append((match.group("key").strip(), "" if value.strip() == "Array" else value))
            elif value.strip():
                nested.append(value.strip())
        elif depth == 1 and fields and bare:
            fields[-1] = (fields[-1][0], fields[-1][1] + "\n" + line.rstrip())
    fields = [(key, value.strip()) for key, value in fields if value.strip()]
    return fields if len(fields) >= 2 else None


def recognise(mail: Readable) -> Extracted | None:
    fields = _json_fields(mail.text) or _print_r_fields(mail.text) or fields_of(mail)
    if len(fields) < 2 or not any(role_of(label, value) in _PERSON_ROLES or value_role(value) is not None
                                  for label, value in fields):
        return None
    return Extracted(plugin=NAME, fields=fields)
