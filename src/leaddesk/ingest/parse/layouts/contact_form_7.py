"""Contact Form 7 (WordPress): the default mail templates and custom ones.

Templates, from CF7's ``includes/contact-form-template.php``:

* 4.x: subject ``[your-subject]``, sender ``[your-name] <wordpress@site>``, body ``From: [your-name]
  <[your-email]>`` / ``Subject:`` / blank / ``Message Body:`` / message / ``--`` / "This e-mail was sent
  from a contact form on <blog name> (<blog URL>)";
* 5.0-5.5: subject ``[_site_title] "[your-subject]"``, sender ``[_site_title] <wordpress@site>``, the
  same body with a ``-- `` signature line;
* 5.6 and later: body ``From: [your-name] [your-email]`` and the footer "This is a notification that a
  contact form was submitted on your website ([_site_title] [_site_url]).".

Every default sets ``Reply-To: [your-email]``. Sites translate the template and edit it freely, often
into "Label: [tag]" lines with the special mail tags ([_url], [_post_title], [_post_url], [_date],
[_time], [_remote_ip], [_user_agent]); those are read as labelled fields, also when they follow the
default "Message Body:" block. A mail is taken for CF7 when it
ends with the signature separator and a footer that speaks of a contact form and gives the site's URL.
"""

from __future__ import annotations

import re

from leaddesk.ingest.parse.fieldlines import label_value_fields
from leaddesk.ingest.parse.layouts.base import Extracted
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.text import fold

NAME = "contact-form-7"

_SIGNATURE = re.compile(r"^--[ \t]?$", re.MULTILINE)
_CONTACT_FORM = re.compile(
    r"contact ?form|kontaktformular|formulaire de contact|formulario de contacto|modulo di contatto|"
    r"modulo contatti|contactformulier|formul[aá]rio de conta[ct]to", re.IGNORECASE)
_FOOTER_SITE = (
    re.compile(r"\s(?:on|auf|von|sur|de|en|su|da|op|em|no|na)\s+(?P<title>[^()\n]+?)\s*"
               r"\((?P<url>https?://[^)\s]+)\)", re.IGNORECASE),
    re.compile(r"\((?P<title>[^()\n]+?)\s+(?P<url>https?://[^)\s]+)\)"),
)
# "Message Body:" of the default template and its translations; in a custom template a message label
# is an ordinary field, as more fields may follow it.
_BODY_LABELS = {"message body", "nachrichtentext", "corps du message", "cuerpo del mensaje",
                "corpo del messaggio", "berichttekst", "corpo da mensagem"}
_FROM_LABELS = {"from", "von", "de", "da", "van", "absender", "expediteur", "remitente", "mittente"}
_BRACKETS = re.compile(r"<[^<>]*>")


def _split_footer(text: str) -> tuple[str, str] | None:
    separators = list(_SIGNATURE.finditer(text))
    if not separators:
        return None
    last = separators[-1]
    footer = text[last.end():].strip()
    if not footer or len(footer) > 500 or not _CONTACT_FORM.search(footer) or "://" not in footer:
        return None
    return text[:last.start()].rstrip(), footer


def split_from(value: str) -> tuple[str | None, str | None]:
    """("Name", "address") from a "From:" line value: "Name <address>" or "Name address".

    Plain string operations rather than one regular expression: a pattern for "anything, then an
    address" backtracks quadratically on a long line without one.
    """
    value = value.strip()
    name, email = value, None
    if value.endswith(">") and "<" in value:
        at = value.rfind("<")
        name, email = value[:at], value[at + 1:-1].strip()
    else:
        parts = value.rsplit(None, 1)
        if len(parts) == 2 and "@" in parts[1]:
            name, email = parts
        elif len(parts) == 1 and "@" in value:
            name, email = "", value
    name = _BRACKETS.sub("", name).strip().strip('"').strip()
    return (name or None), (email if email and "@" in email else None)


def _site_and_subject(subject: str) -> tuple[str, str] | None:
    """('Site', 'subject') from CF7 5's mail subject '[_site_title] "[your-subject]"'."""
    start = subject.find(' "')
    if start <= 0 or not subject.endswith('"') or len(subject) < start + 3:
        return None
    return subject[:start].strip(), subject[start + 2:-1].strip()


def recognise(mail: Readable) -> Extracted | None:
    split = _split_footer(mail.text)
    if split is None:
        return None
    content, footer = split
    site_names: list[str] = []
    for pattern in _FOOTER_SITE:
        found = pattern.search(footer)
        if found:
            site_names.append(found.group("title").strip())
            break

    lines = content.split("\n")
    body_at = next((i for i, line in enumerate(lines) if line.rstrip().endswith(":")
                    and fold(line.strip().rstrip(":").strip()) in _BODY_LABELS), None)
    head = label_value_fields(lines[:body_at])[0] if body_at is not None else []
    if not any(fold(label) in _FROM_LABELS for label, _ in head):
        body_at = None
    extracted = Extracted(plugin=NAME, fields=[], site_names=tuple(site_names))
    if body_at is not None:
        # The message runs to the next known field or metadata label: customised bodies add
        # "Page URL: [_url]", "Date: [_date]", "IP: [_remote_ip]" lines after it.
        body, _ = label_value_fields(lines[body_at:])
        extracted.fields = [*head, *body]
        extracted.message = body[0][1] if body else ""
    else:
        extracted.fields = label_value_fields(content)[0]
    for label, value in extracted.fields:
        if fold(label) in _FROM_LABELS:
            extracted.name, extracted.email = split_from(value)
            break

    site_subject = _site_and_subject(mail.subject)
    if site_subject is not None:
        extracted.site_names += (site_subject[0],)
        extracted.topic = site_subject[1] or None
    return extracted
