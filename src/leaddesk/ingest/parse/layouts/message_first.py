"""Templates that put the visitor's message first, with no field labels around it.

* Ninja Forms' "Contact Me" template (``contact-me.nff``): the e-mail action's body is
  ``<p>{field:message}</p><p>-{field:name} ( {field:email} )</p>``, subject "New message from
  {field:name}", Reply-To the e-mail field. The sign-off line is the only place the name and address
  are written.
* Any template that closes the message with the visitor's name and address on two lines, when
  Reply-To or the From display name confirms them.
* Joomla's core contact component (``com_contact``, ``COM_CONTACT_ENQUIRY_TEXT``): "This is an enquiry
  email via <site> from:", then "Name <address>" on a line of its own, an empty line and the message;
  any template that introduces the sender that way (a line ending in a colon, then "Name <address>").
* A form that mails the visitor's message alone (a theme's built-in form, a site's own ``mail()``
  handler): no labels at all, the subject saying it comes from the site's form or website ("New
  "Send Us A Message" submission", "Message from the website"), the visitor in Reply-To or From.
  Asked only once no layout found fields (:func:`message_alone`).
* Divi's contact form module without a custom message pattern (``ContactForm.php``): the body is the
  message field, then one "Label: value" line per further field; name and e-mail go only into the
  headers (``From: "name" <mail@host>``, ``Reply-To: "name" <email>``); subject "New Message From
  <site> - <form title>", or its translation ("Nuevo mensaje de ...", "Neue Nachricht von ...").
"""

from __future__ import annotations

import re
from itertools import pairwise

from leaddesk.ingest.parse import headers
from leaddesk.ingest.parse.fieldlines import split_label_line
from leaddesk.ingest.parse.layouts.base import Extracted
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.synonyms import is_known_label
from leaddesk.ingest.parse.visitor import is_automated

_SIGN_OFF = re.compile(r"^[-–—]\s*(?P<name>[^()\n@]{1,80}?)\s*\(\s*(?P<email>[^()\s]+@[^()\s]+)\s*\)\s*$")
_ADDRESS = re.compile(r"^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$")
_NAME = re.compile(r"^[^\W\d_][^\d:@<>()\[\]{}|/\\]{0,58}[^\W\d_]\.?$")
# Divi's subject "New Message From %1$s%2$s" as its translations write it (Spanish, German, French,
# Italian, Dutch, Portuguese, Polish, Swedish, Danish).
_DIVI_SUBJECT = re.compile(
    r"^(new message from|nuevo mensaje de|neue nachricht von|nouveau message de|nuovo messaggio da|"
    r"nieuw bericht van|nova mensagem de|nowa wiadomo[śs][ćc] od|nytt meddelande fr[åa]n|"
    r"ny besked fra)\s+\S", re.IGNORECASE)


def _signed(mail: Readable, lines: list[str]) -> Extracted | None:
    """The message, then the visitor's name and address on the last two lines (after an optional
    "--"), taken only when Reply-To or the From display name confirms them."""
    if len(lines) < 3:
        return None
    address, name = lines[-1].strip().strip("<>"), lines[-2].strip()
    if not _ADDRESS.match(address) or not _NAME.match(name):
        return None
    confirmed = any(reply.lower() == address.lower() for _, reply in mail.reply_to) or (
        mail.sender[0].strip().casefold() == name.casefold())
    if not confirmed:
        return None
    body = lines[:-2]
    while body and (not body[-1].strip() or body[-1].strip() in ("--", "-", "—", "–")):
        body.pop()
    message = "\n".join(body).strip()
    if not message:
        return None
    return Extracted(plugin="generic", fields=[("Message", message), ("Name", name), ("Email", address)],
                     message=message, name=name, email=address)


_SENDER_LINE = re.compile(
    r"^[\"']?(?P<name>[^<>@\n\"]{1,80}?)[\"']?\s*<(?P<email>[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>$")


def _introduced(lines: list[str]) -> Extracted | None:
    """The sender named on a line of its own after an introduction ending in a colon ("This is an
    enquiry email via https://site/ from:" / "Jane Roe <jane@...>"), then the message."""
    texts = [(index, line.strip()) for index, line in enumerate(lines[:12]) if line.strip()]
    for (_, intro), (index, line) in pairwise(texts[:5]):
        sender = _SENDER_LINE.match(line)
        if sender is None or not intro.endswith(":") or split_label_line(intro) is not None:
            continue
        message = "\n".join(lines[index + 1:]).strip()
        if not message:
            return None
        name, email = sender.group("name").strip(), sender.group("email")
        return Extracted(plugin="generic", fields=[("Name", name), ("Email", email), ("Message", message)],
                         message=message, name=name, email=email)
    return None


def recognise(mail: Readable) -> Extracted | None:
    lines = mail.text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    sign_off = _SIGN_OFF.match(lines[-1].strip())
    if sign_off is not None:
        message = "\n".join(lines[:-1]).strip()
        name, email = sign_off.group("name").strip(), sign_off.group("email")
        return Extracted(plugin="ninja-forms",
                         fields=[("Message", message), ("Name", name), ("Email", email)],
                         message=message, name=name, email=email)
    signed = _signed(mail, lines)
    if signed is not None:
        return signed
    introduced = _introduced(lines)
    if introduced is not None:
        return introduced
    if not _DIVI_SUBJECT.match(mail.subject) or not mail.reply_to or mail.html is not None:
        return None
    # The further fields close the body, one "Label: value" line each.
    split = len(lines)
    while split > 0 and split_label_line(lines[split - 1]) is not None:
        split -= 1
    fields = [pair for pair in (split_label_line(line) for line in lines[split:]) if pair is not None]
    message = "\n".join(lines[:split]).strip()
    # A body that opens with known fields is an ordinary "Label: value" layout, read elsewhere.
    if not message or any(pair is not None and is_known_label(pair[0])
                          for pair in map(split_label_line, lines[:split])):
        return None
    return Extracted(plugin="divi", fields=[("Message", message), *fields], message=message)


# A subject that says the mail comes from the site's form (a submission, a form, a contact
# request), in the languages of the field labels; a compound ends in its form ("Kontaktformular",
# "contactformulier"), so a formulary does not. The website counts only as a message's source
# ("Message from the website", "Website enquiry"): "a question about your website" is a pitch.
_SITE = r"(web ?site|webseite|site web|sitio web|sito web)"
_MESSAGE = r"(message|enquiry|inquiry|request|contact|nachricht|anfrage|mensaje|messaggio|bericht)"
_FORM_NOTICE_SUBJECT = re.compile(
    r"\b(forms?|submissions?|submitted|formulaire|formulario|modulo|contact page|contact request|"
    r"kontaktseite|kontaktanfrage)\b|\w*(formular|formulier|formul[äa]r)\b|"
    rf"\b{_MESSAGE}\W+(\w+\W+){{0,3}}?{_SITE}\b|\b{_SITE}\W+{_MESSAGE}", re.IGNORECASE)
MESSAGE_ALONE = ("no form fields: the whole text is read as the visitor's message (the subject names "
                 "a form or the website), the visitor from the mail's headers")


def message_alone(mail: Readable, *, from_site: bool = False) -> Extracted | None:
    """The whole text as the visitor's message, for mail in which no layout found a field but whose
    subject says it comes from the site's form: a form that sends the message alone is a lead,
    and hiding it as an ordinary e-mail is the worse mistake. The visitor is Reply-To, else From
    (the parser's visitor rules still refuse the site's own address). ``from_site``: the mail is
    known to be the site's notification (a forwarded one from the site's automated sender), whatever
    its subject says."""
    message = mail.text.strip()
    relayed = _relayed(mail)
    if not message or not (from_site or relayed or _FORM_NOTICE_SUBJECT.search(mail.subject)):
        return None
    if not mail.reply_to and _colleague(mail):
        return None
    name, email = mail.reply_to[0] if mail.reply_to else mail.sender
    if relayed and not name.strip():
        name = mail.sender[0]  # the visitor's name, under which the site sent it
    return Extracted(plugin="generic", fields=[("Message", message)], message=message,
                     name=name.strip() or None, email=email.strip() or None)


_ENQUIRY = re.compile(rf"\b{_MESSAGE}", re.IGNORECASE)


def _relayed(mail: Readable) -> bool:
    """The site's own address sends the message under the visitor's name, which the subject repeats
    beside a word for an enquiry, and Reply-To is another address ("Enquiry Margaret Kelly" from
    "Margaret Kelly" <shop@site>, OpenCart's contact page): the site relaying a visitor, as no
    colleague writes."""
    display, sender = mail.sender[0].strip().strip("\"'"), mail.sender[1].strip().lower()
    if (not display or "@" in display or len(display.split()) > 5 or not mail.reply_to
            or display.casefold() not in mail.subject.casefold() or not _ENQUIRY.search(mail.subject)):
        return False
    reply = mail.reply_to[0][1].strip().lower()
    return bool(reply) and reply != sender and sender.rpartition("@")[2] in _recipient_domains(mail)


def _recipient_domains(mail: Readable) -> set[str]:
    to = mail.mail.header("to")
    return {address.rpartition("@")[2].lower() for _, address in headers.addresses(to)} if to else set()


def _colleague(mail: Readable) -> bool:
    """From a person at a recipient's own domain (not the site's automated sender): a colleague
    writing about the form or the website, not a visitor."""
    sender = mail.sender[1].strip().lower()
    return sender.rpartition("@")[2] in _recipient_domains(mail) and not is_automated(sender)
