"""Fluent Forms (WordPress): the default admin notification.

From Fluent Forms' ``app/Services/FormBuilder/ShortCodeParser.php``: ``{all_data}`` renders as
``<table class="ff_all_data">`` with a ``<tr class="field-label">`` row (the label in a bold ``<th>``)
over a ``<tr class="field-value">`` row per field. The default notification's body is
``<p>{all_data}</p><p>This form submitted at: {embed_post.permalink}</p>``, its subject
``[{inputs.names}] New Form Submission``, and the footer credits "Powered by FluentForm"
(``app/Views/email/template/footer.php``). No Reply-To unless the site sets one.
"""

from __future__ import annotations

import re

from leaddesk.ingest.parse.layouts.base import Extracted, fields_from_html
from leaddesk.ingest.parse.readable import Readable

NAME = "fluent-forms"

_MARKERS = ('class="ff_all_data"', "class='ff_all_data'", 'class="fluent_credit"')
_PAGE_LABEL = re.compile(r"^this form (was )?submitted (at|on|from)$", re.IGNORECASE)


def recognise(mail: Readable) -> Extracted | None:
    if mail.html is None or not any(marker in mail.html_source for marker in _MARKERS):
        return None
    fields = fields_from_html(mail.html)
    if not fields:
        return None
    extracted = Extracted(plugin=NAME, fields=fields)
    for label, value in fields:
        if _PAGE_LABEL.match(label.strip()):
            extracted.page_url = value.split("\n")[0].strip()
    return extracted
