"""Reading one e-mail's raw bytes as a submission draft.

    from leaddesk.ingest.parse import PARSER_VERSION, parse_message
    draft = parse_message(raw_bytes, site_addresses={"info@example-pharma-agency.com"},
                          label_map={"area of expertise": "topic"})

Beneath every layout is a structural reader (:mod:`.fieldlines`, :mod:`.html_text`): "Label: value"
lines, a label alone on its line with the value below, numbered and bulleted lists, HTML tables (and
tables written as text), bold/heading/``<dt>``/``<label>`` labels over a block, also inside the one-cell
layout tables most mails are framed in, "--- Label ---" blocks and a JSON object; a field whose label
says nothing known is still the e-mail or phone when its value is exactly one; a message ends where a
known field or metadata label, or a closing block of the same shape as the fields above, begins. Layouts
add certainty where a template is known: Contact Form 7 (default and custom templates with its special
mail tags), WPForms, Gravity Forms, Elementor Pro, Ninja Forms (fields table and the "Contact Me"
template), Fluent Forms, Divi, HubSpot, Netlify, Formspree and Webflow; any other mailer (Everest,
Formidable, Caldera, Drupal Webform, Jotform, Typeform, Wix, Squarespace, Shopify, Zoho, FormSubmit,
Web3Forms ..., see ``tests/ingest/parse/fixtures/README.md``) is read by the structural reader alone.
The page the visitor came from comes from fields and closing sentences (:mod:`.page`).
Mail that is not a form submission (bounces, auto-replies, replies in a thread, WordPress notices,
newsletters, ordinary e-mail) is returned with ``is_submission=False`` and the reason; spam with
``is_spam`` and a reason a person can check. A notification a colleague forwarded is read as the
lead it forwards (:mod:`.forwarded`), any other forwarded mail says what was forwarded.

``PARSER_VERSION`` is stored with what the parser read; bump it whenever a change alters a draft.

Performance: a single-part text message (nine in ten) is read without the stdlib feed parser, HTML
with a regex tokenizer instead of ``html.parser``, everyday addresses without ``email_validator``;
each shortcut is tested against the general code it stands for. ``bench/bench_parse.py`` gives the
figures (bench/README.md, "Parser").
"""

from leaddesk.ingest.parse.draft import SubmissionDraft
from leaddesk.ingest.parse.parser import PARSER_VERSION, parse_message
from leaddesk.ingest.parse.synonyms import map_fields
from leaddesk.ingest.parse.visitor import normalise_email, normalise_url

__all__ = ["PARSER_VERSION", "SubmissionDraft", "map_fields", "normalise_email", "normalise_url",
           "parse_message"]
