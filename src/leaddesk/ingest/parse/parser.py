"""parse_message: one e-mail's raw bytes in, a :class:`SubmissionDraft` out, never an exception.

The steps: read the MIME structure (:mod:`.mime`), build the readable view (:mod:`.readable`), rule out
what is not a submission (:mod:`.classify`), recognise the layout and read the fields
(:mod:`.layouts`), map them (:mod:`.synonyms`), pick the visitor (:mod:`.visitor`), and judge spam.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypedDict

from leaddesk.ingest.parse import classify, forwarded, headers, html_text, layouts, mime, page
from leaddesk.ingest.parse.dates import parse_form_datetime
from leaddesk.ingest.parse.draft import SubmissionDraft
from leaddesk.ingest.parse.layouts import Extracted
from leaddesk.ingest.parse.readable import Readable
from leaddesk.ingest.parse.repeated import per_value
from leaddesk.ingest.parse.sanitise import TooComplex, sanitise
from leaddesk.ingest.parse.synonyms import label_key, map_fields, role_of
from leaddesk.ingest.parse.text import fold, one_line, storable, tidy_block
from leaddesk.ingest.parse.visitor import (
    Senders,
    display_person,
    host_names,
    is_automated,
    normalise_email,
    visitor_reply_to,
)

# The parser's behaviour, stored with every message it reads: a newer version re-reads older results.
# Bump it on every change to what the parser returns for some message. 1 was the layout-only parser;
# 2 adds the structural reader, page URLs from closing sentences and links that are not the visitor's.
# 3 reads labels inside layout cells, pre-wrapped values, Fluent Forms and more hosted services' mail.
# 4 reads underlined and "Label - value" labels, raw "name[]" inputs, print_r dumps, free text under
# unknown labels, a topic's list of choices as "A, B", leaves out CSS-hidden text and zero-width
# characters (from the fields and the sanitised view), keeps a message whole past a footer-like
# sentence, and never takes a Reply-To naming a recipient for the visitor; fewer leads are set aside
# by list headers or a subject alone.
# 5 reads raw input names (fname/lname), values aligned in a column, a question label longer than a
# label ("When would you like to be contacted?: ..."), "<br>" in a text/plain body, Swedish, Norwegian,
# Finnish, Turkish, Romanian, Russian, Ukrainian and Bulgarian labels (the table folded as labels are),
# "project type" as the topic, a page named in "a new submission on <page>", a sign-up notice sent
# with list headers, the visitor as the sender when From carries the typed name, a table laid out
# sideways (a row of <th> labels over the values), "Label -> value", "Requester: Name (address)" and
# "Sender: Name address", Divi's translated subjects, replies in Polish, Portuguese, Turkish, Russian,
# Chinese ... (the conversations' reply prefixes, still only with a thread header or a quote); it no
# longer takes
# "Company size" for the company, a section heading for the end of a value, a help desk's "+tag"
# reply address for the visitor, or a "View contact" link and "You're receiving ..." for the message.
# 6 reads a message over 2 MB cut down (parse.slim): a text body only to its first 2 MB, said in
# problems (mail up to 2 MB reads as before).
# 7 reads mail with no field at all as a lead when its subject says a form or the website sent it
# (a form that mails the message alone), the visitor from Reply-To or From; said in problems.
# 8 reads a forwarded form notification (Gmail, Outlook, Apple Mail, Thunderbird, as an attachment,
# quoted) as the lead, never the forwarder, the note above it not part of the message; a forwarded
# mail that is no notification keeps "not a submission" and says what was forwarded; a "Fwd:"
# subject on a mail that forwards nothing is read as it is; a consent box, a file field and "Sent
# from:" end a message before them (not where more of the visitor's text follows).
# 9 drops a rule ("---") drawn under a message, and ends a message at the notification's own closing
# sentence in Italian, Dutch and Portuguese too (and in German, French and Spanish wherever it stands),
# reads a label by its bracketed part when that is a label ("Sent from (referer)"), a "Referral" link as
# the page, a consent box labelled by a sentence of consent (in the table's languages) or answered
# "Yes" on the line below as the end of the message before it, a dashboard's "Mark as spam" and "View
# in dashboard" as footers, and a phone number without the flag set before it.
# 10 reads as a lead the message a site sends alone from its own address under the visitor's name, the
# subject repeating that name ("Enquiry Margaret Kelly", OpenCart; it was "not a submission"), a label
# cell beside a value in a table of its own in order (TYPO3's form mail read every value one field
# late), a question label before its colon ("Comment nous avez-vous connus ?: ...") as a field even
# after the message, "To view all of this form's submissions" and "View survey summary" as footers,
# and drops the site's own "Thank you, <site>!" under the message.
PARSER_VERSION: int = 10
# A forward of a forward of a forward is read; deeper is not a lead's way into the mailbox.
MAX_FORWARDS = 3

# Column sizes of leaddesk.db.models.Submission: longer values would fail on PostgreSQL at insert.
_LIMITS = {"visitor_name": 255, "visitor_email": 320, "visitor_phone": 64, "visitor_company": 255,
           "topic": 255, "page_url": 2048, "message_id": 998}


class _Common(TypedDict):
    """What every draft has, submission or not."""

    message_id: str | None
    subject: str | None
    sent_at: datetime | None
    full_text: str
    body_html: str | None


def parse_message(raw: bytes, *, site_addresses: Collection[str] = (),
                  label_map: Mapping[str, str] | None = None,
                  site_hosts: Collection[str] = ()) -> SubmissionDraft:
    """Read one e-mail (its raw bytes, as received) as a submission draft.

    ``site_addresses`` are further addresses known to be the site's own senders (compared without
    regard to case); they are never taken for the visitor. ``label_map`` maps
    ``synonyms.label_key(label)`` to a canonical key (``synonyms.CANONICAL_KEYS``) for labels a person
    taught; it wins over the built-in synonyms. ``site_hosts`` are the site's own web hosts: a page
    URL on one of them wins, and their links are never counted as the visitor's. Nothing raises:
    what could not be read is explained in ``problems``, and an internal error gives a draft that
    stays visible as a submission, with the error in ``problems``, so that a bug never hides a lead.
    """
    try:
        return _parse(bytes(raw), site_addresses, label_map, site_hosts)
    except Exception as error:  # a bug must not lose a lead: keep it visible, say what happened
        return _failed(error)


def _failed(error: Exception) -> SubmissionDraft:
    return SubmissionDraft(
        message_id=None, subject=None, sent_at=None, submitted_at=None, body_text="", full_text="",
        body_html=None, fields={}, visitor_name=None, visitor_email=None, visitor_phone=None,
        visitor_company=None, topic=None, page_url=None, post_title=None, plugin=None,
        is_submission=True, not_submission_reason=None, is_spam=False, spam_reason=None,
        problems=(storable(f"parser error ({type(error).__name__}: {error}); the raw message is kept"),),
    )


def _field_dict(pairs: list[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    # The last number given to each label: a label repeated thousands of times (a mail bomb's
    # table) would otherwise probe "L (2)", "L (3)" … from the start each time, quadratically.
    numbered: dict[str, int] = {}
    for raw_label, raw_value in pairs:
        label = _field_label(raw_label)
        if not label:
            continue
        unique, count = label, numbered.get(label, 1)
        if count > 1:
            unique = f"{label} ({count})"
        while unique in fields:
            count += 1
            unique = f"{label} ({count})"
        numbered[label] = count
        fields[unique] = tidy_block(raw_value)
    return fields


# A form's labels come back in every message it sends: each is tidied once.
@per_value(longest=200)
def _field_label(raw_label: str) -> str:
    return one_line(raw_label).rstrip(":").strip()


def clip_to_column(value: str | None, column: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    value = one_line(value)
    if not value:
        return None
    limit = _LIMITS[column]
    if len(value) > limit:
        problems.append(f"{column.replace('_', ' ')} longer than {limit} characters; cut")
        value = value[:limit]
    return value


def _when(*candidates: str | None) -> datetime | None:
    for candidate in candidates:
        if candidate:
            moment = parse_form_datetime(candidate)
            if moment is not None:
                return moment.astimezone(UTC)
    return None


def _without_fields(readable: Readable, problems: list[str], forwarded_from: Collection[str] | None
                    ) -> tuple[Extracted | None, str | None]:
    """No layout found a field: the whole text as the message when the subject says a form sent
    it, else why the mail is not a submission. ``forwarded_from``: the mail was forwarded by a
    person at one of these domains (or to them), and then the site's automated sender at one of
    them also says the site's form sent it."""
    reason = classify.no_fields_reason(readable)
    sender = readable.sender[1]
    from_site = bool(forwarded_from) and is_automated(sender) and page.same_site(
        _domain(sender), forwarded_from or ())
    extracted = layouts.message_alone(readable, from_site=from_site) if reason == classify.NO_FIELDS else None
    if extracted is None:
        return None, reason
    problems.append(layouts.MESSAGE_ALONE)
    return extracted, None


def _parse(raw: bytes, site_addresses: Collection[str], label_map: Mapping[str, str] | None,
           site_hosts: Collection[str]) -> SubmissionDraft:
    return _read(raw, mime.read(raw), site_addresses, label_map, site_hosts, 0)


def _read(raw: bytes | None, mail: mime.Mail, site_addresses: Collection[str],
          label_map: Mapping[str, str] | None, site_hosts: Collection[str], forwards: int
          ) -> SubmissionDraft:
    """The draft of ``mail``; ``forwards`` says how many forwards it was found inside."""
    readable = Readable.of(mail)
    problems = list(mail.problems)

    message_id_header = mail.header("message-id")
    date_header = mail.header("date")
    common: _Common = {
        "message_id": clip_to_column(headers.message_id(message_id_header) if message_id_header else None,
                            "message_id", problems),
        "subject": readable.subject or None,
        "sent_at": headers.date_value(date_header) if date_header else None,
        "full_text": readable.text,
        "body_html": _safe_html(_shown(mail.html, readable), problems),
    }

    reason = classify.early_reason(readable)
    if reason == classify.FORWARDED:
        forward = forwarded.unwrap(raw, readable) if forwards < MAX_FORWARDS else None
        if forward is not None:
            return _forwarded(forward, common, problems, site_addresses, label_map, site_hosts, forwards)
        problems.append(forwarded.NO_FORWARD_FOUND)
        reason = classify.early_reason(readable, forwards=False)
    if reason is None and forwards:
        # A forward drops the list headers; the footer still says newsletter.
        reason = classify.newsletter_reason(readable)
    extracted: Extracted | None = None
    if reason is None:
        extracted = layouts.recognise(readable)
        if extracted is None:
            reason = classify.list_reason(readable)
            extracted = layouts.recognise_generic(readable)
            if extracted is None:
                if reason is None:
                    extracted, reason = _without_fields(
                        readable, problems,
                        [*site_hosts, *(_domain(a) for a in site_addresses)] if forwards else None)
            elif reason is not None and classify.reads_as_lead(
                    readable, map_fields(_field_dict(extracted.fields), label_map), reason):
                # A form service sending with list headers, a visitor's subject that reads like an
                # out-of-office note: the fields say it is a lead.
                reason = None
            elif reason is not None:
                extracted = None
    if extracted is None:
        return SubmissionDraft(
            **common, submitted_at=None, body_text=readable.text, fields={}, visitor_name=None,
            visitor_email=None, visitor_phone=None, visitor_company=None, topic=None, page_url=None,
            post_title=None, plugin=None, is_submission=False, not_submission_reason=reason,
            is_spam=False, spam_reason=None, problems=tuple(dict.fromkeys(problems)))

    fields = _field_dict(extracted.fields)
    canonical = map_fields(fields, label_map)
    to_header = mail.header("to")
    recipients = headers.addresses(to_header) if to_header else []
    found = page.scan(readable.text)
    tail = len(readable.text) - 2000  # home pages named in the closing lines say the site's host
    own_hosts = [*site_hosts, *(_domain(a) for a in site_addresses), *(_domain(a) for _, a in recipients)]
    hosts = page.site_hosts(own_hosts, [item.url for item in found if item.start >= tail])
    # The notification's recipients are the site's: a Reply-To set to one of them (Spectra names the
    # recipient, under the site's name, as Reply-To) is never the visitor.
    senders = Senders.of([readable.sender], [*site_addresses, *(a for _, a in recipients)],
                         [*extracted.site_names, *host_names(hosts)])
    name, email = _visitor(readable, canonical, extracted, senders, problems,
                           Senders.of([], site_addresses, extracted.site_names), hosts, own_hosts)
    message = _without_site_thanks(canonical.get("message") or extracted.message, readable, senders)
    named_pages = [canonical.get("page_url"), extracted.page_url,
                   *(value for label, value in fields.items()
                     if _role(label, value, label_map) == "page_url")]
    page_url = page.choose(named_pages, readable.text, hosts, found)

    spam = classify.spam_reason(fields, name, message, site_hosts=hosts, page_url=page_url)
    return SubmissionDraft(
        **common,
        submitted_at=_when(canonical.get("submitted_at"), extracted.submitted_at),
        body_text=tidy_block(message) if message else readable.text,
        fields=fields,
        visitor_name=clip_to_column(name, "visitor_name", problems),
        visitor_email=clip_to_column(email, "visitor_email", problems),
        visitor_phone=clip_to_column(canonical.get("phone"), "visitor_phone", problems),
        visitor_company=clip_to_column(canonical.get("company"), "visitor_company", problems),
        topic=clip_to_column(_choices(canonical.get("topic")), "topic", problems),
        # CF7's default mail subject carries the visitor's typed subject: a hint, not a topic.
        topic_hint=clip_to_column(canonical.get("topic_hint") or extracted.topic, "topic", problems),
        page_url=clip_to_column(page_url, "page_url", problems),
        post_title=one_line(canonical.get("post_title") or extracted.post_title or "") or None,
        plugin=extracted.plugin,
        is_submission=True,
        not_submission_reason=None,
        is_spam=spam is not None,
        spam_reason=spam,
        problems=tuple(dict.fromkeys(problems)),
    )


def _forwarded(forward: forwarded.Forward, common: _Common, problems: list[str],
               site_addresses: Collection[str], label_map: Mapping[str, str] | None,
               site_hosts: Collection[str], forwards: int) -> SubmissionDraft:
    """The draft of a forwarding mail: the forwarded notification's reading (the forwarder and the
    mailbox it went to are never the visitor), the forwarding mail's own identity, text and view;
    or not a submission, saying what was forwarded, when that is no form notification."""
    to_header = forward.mail.header("to")
    own = [*site_addresses, forward.forwarder[1], *forward.recipients,
           *(address for _, address in (headers.addresses(to_header) if to_header else []))]
    inner = _read(forward.raw, forward.mail, own, label_map, site_hosts, forwards + 1)
    if not inner.is_submission:
        return replace(inner, **common, submitted_at=None, body_text=common["full_text"],
                       not_submission_reason=forwarded.not_notification(forward, inner.not_submission_reason),
                       problems=tuple(dict.fromkeys((*problems, *inner.problems))))
    submitted_at = inner.submitted_at or forward.submitted_at() or common["sent_at"]
    return replace(inner, **common, submitted_at=submitted_at,
                   problems=tuple(dict.fromkeys((*problems, forwarded.note(forward.forwarder),
                                                 *inner.problems))))


def _choices(value: str | None) -> str | None:
    """A topic given as one choice per line (a checkbox group as a list: "<li>A</li><li>B</li>") as
    "A, B", so that the choices stay apart on one line."""
    if value is None or "\n" not in value.strip():
        return value
    return ", ".join(line.strip(" \t•·-*") for line in value.split("\n") if line.strip(" \t•·-*"))


def _shown(html: str | None, readable: Readable) -> str | None:
    """The HTML a mail client shows: without hidden elements, when the rendering found some."""
    if html is None or readable.html is None or not readable.html.hides:
        return html
    return html_text.visible(html)


def _safe_html(html: str | None, problems: list[str]) -> str | None:
    if not html:
        return None
    try:
        return storable(sanitise(html)) or None
    except TooComplex as refused:
        problems.append(f"the HTML body {refused}, past what a mail program shows or LeadDesk "
                        f"sanitises; only its text is kept for reading")
        return None
    except Exception:  # the sanitiser is native code; a failure must not cost the rest of the draft
        problems.append("the HTML body could not be sanitised and was left out")
        return None


# The site's own thanks under the fields ("Thank you, %store_name!", Magento's e-mail footer).
_THANKS = re.compile(r"^(thank you|thanks|many thanks|danke|vielen dank|merci|gracias|grazie|bedankt|"
                     r"obrigad[oa])"
                     r"\s*,\s*(?P<name>[^,\n]{2,80}?)\s*[!.]?$", re.IGNORECASE)
_NOT_WORD = re.compile(r"\W+")


def _without_site_thanks(message: str | None, readable: Readable, senders: Senders) -> str | None:
    """``message`` without a last line in which the site thanks the reader under its own name, the name
    the site sends under (From's display name, judged the site's): a visitor's thanks to a person
    stay."""
    if not message or "\n" not in message:
        return message
    head, _, last = message.rstrip().rpartition("\n")
    thanks = _THANKS.match(last.strip()) if len(last) <= 100 else None
    display, address = readable.sender
    if thanks is None or not display.strip() or not senders.is_site_name(display, address):
        return message
    if _NOT_WORD.sub("", thanks.group("name").casefold()) != _NOT_WORD.sub("", display.casefold()):
        return message
    return head.rstrip()


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(">").lower()


def _role(label: str, value: str, label_map: Mapping[str, str] | None) -> str | None:
    taught = label_map.get(label_key(label)) if label_map else None
    return taught if taught is not None else role_of(label, value)


def _from_is_site(readable: Readable, senders: Senders, hosts: Collection[str], typed_name: str | None
                  ) -> bool:
    """True when the From header is the site's (or the form service's), False when the notification
    was sent in the visitor's name from the visitor's own address."""
    from_name, from_address = readable.sender
    if typed_name and from_name and fold(one_line(typed_name)) == fold(from_name):
        return False  # From carries the name typed into the form: the visitor sent it
    if not from_name or senders.is_site_name(from_name, from_address):
        return True
    return page.same_site(_domain(from_address), hosts)


def _visitor(readable: Readable, canonical: dict[str, str], extracted: Extracted, senders: Senders,
             problems: list[str], known: Senders, hosts: Collection[str], own_hosts: Collection[str]
             ) -> tuple[str | None, str | None]:
    """(name, e-mail): from the fields, then Reply-To, then the From display name.

    A typed address equal to From is the visitor's unless From is the site's: some sites send the
    notification from the visitor's own address.
    """
    email: str | None = None
    typed = canonical.get("email") or extracted.email
    if typed:
        normalised, valid = normalise_email(typed)
        from_address = readable.sender[1].strip().lower()
        site_sender = normalised == from_address and _from_is_site(
            readable, senders, hosts, canonical.get("name") or extracted.name)
        if valid and (known.is_site_address(normalised) or site_sender):
            problems.append(f"the form's e-mail address {normalised} is the site's own; not used")
        elif valid:
            email = normalised
        else:
            email = normalised
            # Worded "invalid email": the store pipeline looks for these words to skip the contact.
            problems.append(f"invalid email address {normalised!r} (kept as typed)")
    reply_to = visitor_reply_to(readable.reply_to, senders)
    if email is None and reply_to is not None:
        normalised, valid = normalise_email(reply_to[1])
        if valid:
            email = normalised

    name = canonical.get("name") or extracted.name
    if email is None and name and not _from_is_site(readable, senders, hosts, name):
        # No address among the fields and no Reply-To, but From carries the typed name: the site
        # sent the notification in the visitor's name from the visitor's address (Odoo's website
        # form mails with the visitor as the sender).
        # Not when From is at the site's own domain (its recipients', not a home page the text
        # names, which may be the visitor's own website): "Jane Roe <info@site>" is the site sending
        # in the visitor's name (CF7 4.x's default sender), the address is the site's.
        normalised, valid = normalise_email(readable.sender[1])
        if valid and not known.is_site_address(normalised) and not page.same_site(
                _domain(normalised), own_hosts):
            email = normalised
            # Said, because a site mailing through its owner's own mailbox under the visitor's name
            # looks the same: the person reading the lead can tell.
            problems.append(f"no e-mail field: the address {normalised} is the sender's (From), "
                            "which carries the visitor's name")
    if name and "@" in name and normalise_email(name)[1]:
        name = None  # an address typed into the name field says nothing more than the e-mail
    if not name and reply_to is not None and reply_to[0] and "@" not in reply_to[0]:
        name = display_person(reply_to[0])
    from_name, from_address = readable.sender
    if not name and from_name and not senders.is_site_name(from_name, from_address):
        name = display_person(from_name)
    return name, email
