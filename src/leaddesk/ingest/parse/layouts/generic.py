"""Any other form mailer: "Label: value" lines, label/value table rows, or a flat JSON object (a
webhook or script that mails the submission as it received it).

Taken for a submission only when at least two fields were found and one of them is a name, an e-mail
address, a phone number, a company or a message (by its label, or by a value that is exactly one
address or phone number): an ordinary e-mail rarely has that shape.
"""

from __future__ import annotations

import json

from leaddesk.ingest.parse.layouts.base import Extracted, Fields, fields_of
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.synonyms import role_of, value_role

NAME = "generic"

_PERSON_ROLES = {"name", "first_name", "last_name", "email", "phone", "company", "message"}


_JSON_LIMIT = 500_000  # characters: a submission, not a data dump


def _json_fields(text: str) -> Fields | None:
    """The fields of a body that is one JSON object: its scalar members, lists of scalars joined."""
    if not text.startswith("{") or not text.endswith("}") or len(text) > _JSON_LIMIT:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    fields: Fields = []
    for key, value in data.items():
        if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
            value = ", ".join(str(item) for item in value)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            fields.append((str(key), str(value)))
    return fields


def recognise(mail: Readable) -> Extracted | None:
    fields = _json_fields(mail.text) or fields_of(mail)
    if len(fields) < 2 or not any(role_of(label, value) in _PERSON_ROLES or value_role(value) is not None
                                  for label, value in fields):
        return None
    return Extracted(plugin=NAME, fields=fields)
