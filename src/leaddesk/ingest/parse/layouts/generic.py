"""Any other form mailer: "Label: value" lines or label/value table rows.

Taken for a submission only when at least two fields were found and one of them is a name, an e-mail
address, a phone number, a company or a message (by its label, or by a value that is exactly one
address or phone number): an ordinary e-mail rarely has that shape.
"""

from __future__ import annotations

from leaddesk.ingest.parse.layouts.base import Extracted, fields_of
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.synonyms import role_of, value_role

NAME = "generic"

_PERSON_ROLES = {"name", "first_name", "last_name", "email", "phone", "company", "message"}


def recognise(mail: Readable) -> Extracted | None:
    fields = fields_of(mail)
    if len(fields) < 2 or not any(role_of(label, value) in _PERSON_ROLES or value_role(value) is not None
                                  for label, value in fields):
        return None
    return Extracted(plugin=NAME, fields=fields)
