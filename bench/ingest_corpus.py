"""Maildir corpora of website form notifications for the ingest benchmark.

Every message is templated from one of the parser's real-shaped fixtures
(``tests/ingest/parse/fixtures/*.eml``): the fixture is split into its MIME parts, each text part is
decoded, the visitor's details (name, e-mail, phone, company, topic, message, page, form date) are
replaced by markers such as ``⟦email⟧`` or ``⟦message|br⟧``, and every message is rendered from that
template with invented values and encoded again exactly as the fixture was (8bit, quoted-printable,
base64; RFC 2047 in headers). Each message gets a new Message-ID of the fixture's shape, a Date over
three years, and the transport headers a real mailbox adds (Delivered-To, Received, DKIM,
Authentication-Results), which puts most messages at 1.5-3 kB.

The mix: about 94 % form submissions over 17 layouts (Contact Form 7 4.x/5.x/custom, WPForms text
and HTML, Gravity Forms, Elementor, Ninja Forms, Formspree, HubSpot, Netlify, Webflow, a German and
a French form, a generic PHP mailer), 3 % spam and 3 % mail that is not a submission (bounces,
auto-replies, newsletters, replies, WordPress notices).

    python -m bench.ingest_corpus --count 10000 --out /tmp/maildir-10k   # then look at it
"""

from __future__ import annotations

import argparse
import base64
import binascii
import email
import html
import json
import multiprocessing
import os
import random
import re
import shutil
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from email.header import Header
from email.utils import format_datetime, parsedate_to_datetime
from itertools import accumulate
from pathlib import Path
from typing import Any

from bench import corpus
from bench.corpus import Messages, ascii_fold

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "ingest" / "parse" / "fixtures"
SITE = "https://www.example-pharma-agency.com"
MAILBOX = "leads@example-pharma-agency.com"
END = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)   # fixed, so a seed gives the same corpus every day
SPAN = timedelta(days=3 * 365)
VERSION = 3   # bump when the output changes: cached corpora of another version are rebuilt

MARKER = re.compile(r"⟦(\w+)(?:\|(\w+))?⟧")
Rule = tuple[str, str]   # (regular expression, replacement holding markers)


def lit(text: str, replacement: str) -> Rule:
    """A rule that replaces a literal text (not a pattern)."""
    return re.escape(text), replacement


# ----------------------------------------------------------------- the templates' rules

@dataclass(frozen=True)
class Spec:
    """How one fixture becomes a template: which texts are the visitor's, in headers and parts."""

    fixture: str
    kind: str                       # "lead", "spam" or "other" (not a form submission)
    weight: float                   # relative share within its kind
    headers: tuple[Rule, ...] = ()
    plain: tuple[Rule, ...] = ()    # applied to text/plain parts
    html: tuple[Rule, ...] = ()     # applied to text/html parts


REPLY_TO = (r"Reply-To: [^\n]+", "Reply-To: ⟦email⟧")
CF7_BODY = (r"Message Body:\n.*?\n\n-- ?\n", "Message Body:\n⟦message⟧\n\n-- \n")

SPECS: tuple[Spec, ...] = (
    Spec("cf7_current.eml", "lead", 16,
         headers=(REPLY_TO, lit('Agency "Patient engagement"', 'Agency "⟦subject⟧"')),
         plain=(lit("From: Zoë Becker <Zoe.Becker@Novagen-Therapeutics.example>",
                    "From: ⟦name⟧ <⟦email⟧>"),
                lit("Subject: Patient engagement", "Subject: ⟦subject⟧"), CF7_BODY)),
    Spec("cf7_notification_56.eml", "lead", 10,
         headers=(REPLY_TO, lit('Agency "Speakers bureaus"', 'Agency "⟦subject⟧"')),
         plain=(lit("From: Lars Holm lars.holm@nordivance.example", "From: ⟦name⟧ ⟦email⟧"),
                lit("Subject: Speakers bureaus", "Subject: ⟦subject⟧"), CF7_BODY)),
    Spec("cf7_4x.eml", "lead", 4,
         headers=(lit("From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=", "From: ⟦name⟧"), REPLY_TO,
                  lit("Subject: Question about IMI partnerships", "Subject: ⟦subject⟧")),
         plain=(lit("From: Jürgen Müller <juergen.mueller@rhenagen.example>",
                    "From: ⟦name⟧ <⟦email⟧>"),
                lit("Subject: Question about IMI partnerships", "Subject: ⟦subject⟧"),
                (r"Message Body:\n.*?\n\n--\n",
                 "Message Body:\n⟦message⟧\n\n⟦name⟧\n⟦company⟧\n\n--\n"))),
    Spec("cf7_custom.eml", "lead", 10,
         headers=(lit("Reply-To: Sofia Conti <sofia.conti@adriapharma.example>",
                      "Reply-To: ⟦name⟧ <⟦email⟧>"),
                  lit("Public/private partnerships (IMI) - Sofia Conti", "⟦topic⟧ - ⟦name⟧")),
         plain=(lit("Name: Sofia Conti", "Name: ⟦name⟧"),
                lit("Email: sofia.conti@adriapharma.example", "Email: ⟦email⟧"),
                lit("Phone: +39 02 4455 6677", "Phone: ⟦phone⟧"),
                lit("Company: Adriapharma S.p.A.", "Company: ⟦company⟧"),
                lit("Topic of interest: Public/private partnerships (IMI)",
                    "Topic of interest: ⟦topic⟧"),
                (r"Message:\n.*?\n\nPost: ", "Message:\n⟦message⟧\n\nPost: "),
                (r"Post: [^\n]*\nPost URL: [^\n]*\nPage: [^\n]*",
                 "Post: ⟦post⟧\nPost URL: ⟦post_url⟧\nPage: ⟦page⟧"),
                lit("Date: November 18, 2026", "Date: ⟦fdate_en⟧"),
                lit("Time: 12:20 pm", "Time: ⟦ftime_en⟧"),
                lit("IP: 203.0.113.45", "IP: ⟦ip⟧"), (r"Browser: [^\n]*", "Browser: ⟦ua⟧"))),
    Spec("german_form.eml", "lead", 3,
         headers=(REPLY_TO, lit("Neue Anfrage: Patientenbeteiligung", "Neue Anfrage: ⟦topic⟧")),
         plain=(lit("Vorname: Katharina", "Vorname: ⟦first⟧"),
                lit("Nachname: Schäfer", "Nachname: ⟦last⟧"),
                lit("E-Mail-Adresse: K.Schaefer@Helionova.example", "E-Mail-Adresse: ⟦email⟧"),
                lit("Telefonnummer: +49 30 1234 5678", "Telefonnummer: ⟦phone⟧"),
                lit("Unternehmen: Helionova Pharma GmbH", "Unternehmen: ⟦company⟧"),
                lit("Thema: Patientenbeteiligung", "Thema: ⟦topic⟧"),
                (r"Ihre Nachricht:\n.*?\n\nBeitrag: ", "Ihre Nachricht:\n⟦message⟧\n\nBeitrag: "),
                (r"Beitrag: [^\n]*\nSeite: [^\n]*", "Beitrag: ⟦post⟧\nSeite: ⟦post_url⟧"),
                lit("Datum: 26. November 2026", "Datum: ⟦fdate_de⟧"),
                lit("Uhrzeit: 14:29", "Uhrzeit: ⟦ftime_de⟧"))),
    Spec("wpforms_text.eml", "lead", 8,
         headers=(REPLY_TO,),
         plain=((r"--- Name ---\n\n[^\n]*", "--- Name ---\n\n⟦name⟧"),
                (r"--- Email ---\n\n[^\n]*", "--- Email ---\n\n⟦email⟧"),
                (r"--- Company ---\n\n[^\n]*", "--- Company ---\n\n⟦company⟧"),
                (r"--- Topic of interest ---\n\n[^\n]*", "--- Topic of interest ---\n\n⟦topic⟧"),
                (r"--- Comment or Message ---\n\n.*?\n\n--- Page URL ---\n\n[^\n]*",
                 "--- Comment or Message ---\n\n⟦message⟧\n\n--- Page URL ---\n\n⟦page⟧"))),
    Spec("wpforms_html.eml", "lead", 8,
         headers=(REPLY_TO,),
         html=((r'(?<=padding-bottom: 20px;">)Hello,<br/>.*?(?=</td>)', "⟦message|brs⟧"),
               lit("Pavel Nov&aacute;k", "⟦name⟧"), lit("pavel.novak@medivax.example", "⟦email⟧"),
               lit("+420 224 555 010", "⟦phone⟧"), lit("Medivax s.r.o.", "⟦company⟧"),
               lit(">Speakers bureaus</td>", ">⟦topic⟧</td>"),
               lit(">https://www.example-pharma-agency.com/blog/white-paper-speakers-bureaus/</td>",
                   ">⟦page⟧</td>"))),
    Spec("gravity_html.eml", "lead", 5,
         html=(lit("Dr. Małgorzata Wiśniewska", "⟦name⟧"),
               lit("m.wisniewska@baltivita.example", "⟦email⟧"),
               lit("Baltivita Pharma", "⟦company⟧"), lit(">Patient engagement<", ">⟦topic⟧<"),
               (r"Dear team,<br />\n.*?\?(?=</font>)", "⟦message|brnl⟧"),
               (r"https://www\.example-pharma-agency\.com/blog/[^<]*", "⟦page⟧"))),
    Spec("gravity_text.eml", "lead", 4,
         plain=(lit("Name: Ewa Kowalski", "Name: ⟦name⟧"),
                lit("Email: ewa.kowalski@vistula-bio.example", "Email: ⟦email⟧"),
                lit("Company: Vistula Bio", "Company: ⟦company⟧"),
                lit("Topic: Medical education", "Topic: ⟦topic⟧"),
                (r"Message: .*?\n\nPage: [^\n]*", "Message: ⟦message⟧\n\nPage: ⟦page⟧"))),
    Spec("elementor.eml", "lead", 8,
         headers=(REPLY_TO,),
         html=(lit("Name: Chloé Moreau<br>", "Name: ⟦name⟧<br>"),
               lit("chloe.moreau@lumitherapeutics.example", "⟦email⟧"),
               lit("Phone: +33 1 42 55 66 77<br>", "Phone: ⟦phone⟧<br>"),
               lit("Company: Lumi Therapeutics SAS<br>", "Company: ⟦company⟧<br>"),
               lit("Topic: Micro-influencers<br>", "Topic: ⟦topic⟧<br>"),
               (r"Message: .*?<br><br>---", "Message: ⟦message|br⟧<br><br>---"),
               lit("Date: November 23, 2026<br>", "Date: ⟦fdate_en⟧<br>"),
               lit("Time: 4:07 pm<br>", "Time: ⟦ftime_en⟧<br>"),
               (r"Page URL: [^<]*<br>", "Page URL: ⟦page⟧<br>"),
               (r"User Agent: [^<]*<br>", "User Agent: ⟦ua⟧<br>"),
               (r"Remote IP: [^<]*<br>", "Remote IP: ⟦ip⟧<br>"))),
    Spec("french_form.eml", "lead", 2,
         headers=(REPLY_TO,),
         html=(lit("Prénom: Anaïs<br>", "Prénom: ⟦first⟧<br>"),
               lit("Nom: Lefèvre<br>", "Nom: ⟦last⟧<br>"),
               lit("anais.lefevre@sanaphar.example", "⟦email⟧"),
               lit("Téléphone: +33 4 78 12 34 56<br>", "Téléphone: ⟦phone⟧<br>"),
               lit("Société: Sanaphar SA<br>", "Société: ⟦company⟧<br>"),
               lit("Sujet: Engagement des patients<br>", "Sujet: ⟦topic⟧<br>"),
               (r"Message: .*?<br><br>---", "Message: ⟦message|br⟧<br><br>---"),
               lit("Date: 23 novembre 2026<br>", "Date: ⟦fdate_fr⟧<br>"),
               lit("Heure: 17 h 32 min<br>", "Heure: ⟦ftime_fr⟧<br>"),
               (r"URL de la page: [^<]*<br>", "URL de la page: ⟦page⟧<br>"),
               (r"Agent utilisateur: [^<]*<br>", "Agent utilisateur: ⟦ua⟧<br>"),
               (r"IP distante: [^<]*<br>", "IP distante: ⟦ip⟧<br>"))),
    Spec("ninja.eml", "lead", 4,
         html=(lit("<td>Niels de Jong</td>", "<td>⟦name⟧</td>"),
               lit("<td>niels.dejong@danugen.example</td>", "<td>⟦email⟧</td>"),
               lit("<td>Danugen B.V.</td>", "<td>⟦company⟧</td>"),
               lit("<td>Market access</td>", "<td>⟦topic⟧</td>"),
               (r"<td>Hi,<br />\n.*?</td></tr></table>", "<td>⟦message|brnl⟧</td></tr></table>"))),
    Spec("formspree.eml", "lead", 3,
         headers=(REPLY_TO, (r"New submission from [^\n]*", "New submission from ⟦page_bare⟧")),
         plain=(lit("name:\nSiobhán O'Brien", "name:\n⟦name⟧"),
                lit("email:\nsiobhan.obrien@celtigen.example", "email:\n⟦email⟧"),
                lit("company:\nCeltigen Ltd", "company:\n⟦company⟧"),
                (r"message:\n.*?\n\n\nThis form was submitted at [^\n]*",
                 "message:\n⟦message⟧\n\n\nThis form was submitted at ⟦fs_when⟧."))),
    Spec("hubspot.eml", "lead", 3,
         headers=((r"Subject: [^\n]*", "Subject: New form submission on Send Us A Message from "
                   "⟦name⟧"),),
         plain=((r"Page submitted on: [^\n]*\n[^\n]*", "Page submitted on: ⟦post⟧\n⟦page⟧"),
                lit("First name: Lucía", "First name: ⟦first⟧"),
                lit("Last name: Fernández", "Last name: ⟦last⟧"),
                lit("Email: lucia.fernandez@iberigen.example", "Email: ⟦email⟧"),
                lit("Company name: Iberigen S.A.", "Company name: ⟦company⟧"),
                lit("Topic of interest: Speakers bureaus", "Topic of interest: ⟦topic⟧"),
                (r"Message: [^\n]*", "Message: ⟦message|one⟧")),
         html=((r'<td><a href="[^"]*">[^<]*</a>', '<td><a href="⟦page⟧">⟦post⟧</a>'),
               lit("<td>Lucía</td>", "<td>⟦first⟧</td>"),
               lit("<td>Fernández</td>", "<td>⟦last⟧</td>"),
               lit("<td>lucia.fernandez@iberigen.example</td>", "<td>⟦email⟧</td>"),
               lit("<td>Iberigen S.A.</td>", "<td>⟦company⟧</td>"),
               lit("<td>Speakers bureaus</td>", "<td>⟦topic⟧</td>"),
               (r"<tr><td>Message</td><td>.*?</td>", "<tr><td>Message</td><td>⟦message|br⟧</td>"))),
    Spec("netlify.eml", "lead", 3,
         headers=(REPLY_TO,),
         plain=(lit("name: Henrik Nielsen", "name: ⟦name⟧"),
                lit("email: henrik.nielsen@nordicure.example", "email: ⟦email⟧"),
                lit("company: Nordicure A/S", "company: ⟦company⟧"),
                lit("topic: Digital campaigns", "topic: ⟦topic⟧"),
                (r"message: [^\n]*", "message: ⟦message|one⟧")),
         html=(lit("<td>Henrik Nielsen</td>", "<td>⟦name⟧</td>"),
               lit("<td>henrik.nielsen@nordicure.example</td>", "<td>⟦email⟧</td>"),
               lit("<td>Nordicure A/S</td>", "<td>⟦company⟧</td>"),
               lit("<td>Digital campaigns</td>", "<td>⟦topic⟧</td>"),
               (r"<th>message</th><td>.*?</td>", "<th>message</th><td>⟦message|onex⟧</td>"))),
    Spec("webflow.eml", "lead", 3,
         headers=(REPLY_TO,),
         html=(lit("<strong>Name:</strong> Miklós Horváth", "<strong>Name:</strong> ⟦name⟧"),
               lit("miklos.horvath@danubepharma.example", "⟦email⟧"),
               lit("<strong>Company:</strong> Danube Pharma Kft.", "<strong>Company:</strong> ⟦company⟧"),
               lit("<strong>Interest:</strong> Market access", "<strong>Interest:</strong> ⟦topic⟧"),
               (r"<strong>Message:</strong> .*?</p>", "<strong>Message:</strong> ⟦message|onex⟧</p>"),
               (r"<strong>Page:</strong> [^<]*</p>", "<strong>Page:</strong> ⟦page⟧</p>"))),
    Spec("generic.eml", "lead", 4,
         plain=(lit("Full name: Marco Bianchi", "Full name: ⟦name⟧"),
                lit("E-mail: marco.bianchi@azienda-salus.example", "E-mail: ⟦email⟧"),
                lit("Telephone: +39 06 1234 5678", "Telephone: ⟦phone⟧"),
                lit("Organisation: Salus Farmaceutici", "Organisation: ⟦company⟧"),
                lit("Area of interest: Medical education", "Area of interest: ⟦topic⟧"),
                (r"Comments: .*\Z", "Comments: ⟦message⟧\n"))),
    # Spam: the spammer's address varies (the store would fold identical spam into one lead).
    Spec("spam_crypto.eml", "spam", 1, headers=(REPLY_TO,),
         plain=(lit("From: Anna <anna@fastprofit.example>", "From: ⟦first⟧ <⟦email⟧>"),)),
    Spec("spam_seo.eml", "spam", 2, headers=(REPLY_TO,),
         plain=(lit("From: Mike Smith <mike@rank-boost.example>", "From: ⟦name⟧ <⟦email⟧>"),)),
    Spec("spam_links.eml", "spam", 1, headers=(REPLY_TO,),
         plain=(lit("From: Bob <bob@links.example>", "From: ⟦first⟧ <⟦email⟧>"),)),
    Spec("spam_honeypot.eml", "spam", 1,
         plain=(lit("Name: Alex", "Name: ⟦first⟧"),
                lit("Email: alex@mailinator.example", "Email: ⟦email⟧"))),
    Spec("spam_cyrillic.eml", "spam", 1, headers=(REPLY_TO,),
         plain=(lit("<ivan@promo.example>", "<⟦email⟧>"),)),
    Spec("spam_url_name.eml", "spam", 1, headers=(REPLY_TO,),
         plain=(lit("<x1@cheap-pills.example>", "<⟦email⟧>"),)),
    # Not form submissions: only the Message-ID and the date change.
    Spec("not_autoreply.eml", "other", 2),
    Spec("not_bounce.eml", "other", 1),
    Spec("not_newsletter.eml", "other", 2),
    Spec("not_wp_password_changed.eml", "other", 1),
    Spec("not_staff_reply.eml", "other", 2),
    Spec("not_colleague.eml", "other", 1),
)

KIND_SHARES = (("lead", 0.94), ("spam", 0.03), ("other", 0.03))


# ----------------------------------------------------------------- compiling a fixture

@dataclass(frozen=True)
class TextPart:
    """A decoded text part with markers, re-encoded per message as the fixture encoded it."""

    text: str
    subtype: str        # "plain" or "html"
    charset: str
    encoding: str       # "8bit", "7bit", "quoted-printable" or "base64"


Segment = str | TextPart   # str: header or MIME framing text (UTF-8, may hold header markers)


@dataclass(frozen=True)
class Template:
    """One fixture ready to render: its segments, the Message-ID shape and the sender domain."""

    spec: Spec
    segments: tuple[Segment, ...]
    message_id_local: str
    sender_domain: str
    zone: tzinfo
    return_path: tuple[str, ...]   # the fixture's Return-Path line: the delivery agent puts it on top


def _split_entity(raw: str) -> tuple[str, str]:
    head, sep, body = raw.partition("\n\n")
    return head + "\n", (sep and "\n") + body


def _entity_segments(raw: str, spec: Spec) -> list[Segment]:
    """The segments of one MIME entity (recursively for multiparts)."""
    head, body = _split_entity(raw)
    info = email.message_from_string(head + "\n")
    ctype = info.get_content_type()
    if ctype.startswith("multipart/"):
        boundary = info.get_param("boundary")
        if not isinstance(boundary, str):
            raise ValueError(f"{spec.fixture}: multipart without a boundary")
        delimiter = f"\n--{boundary}"
        pieces = body.split(delimiter)
        segments: list[Segment] = [head, pieces[0]]
        for piece in pieces[1:]:
            segments.append(delimiter)
            if piece.startswith("--"):       # the closing delimiter and the epilogue
                segments.append(piece)
                continue
            first_line, _, rest = piece.partition("\n")
            segments.append(first_line + "\n")
            segments.extend(_entity_segments(rest, spec))
        return segments
    rules = spec.plain if ctype == "text/plain" else spec.html if ctype == "text/html" else ()
    if not rules:
        return [head, body]
    encoding = (info.get("Content-Transfer-Encoding") or "8bit").strip().lower()
    charset = info.get_content_charset() or "us-ascii"
    payload = body[1:]   # after the blank line
    if encoding == "base64":
        text = base64.b64decode(payload).decode(charset)
    elif encoding == "quoted-printable":
        text = binascii.a2b_qp(payload.encode("utf-8")).decode(charset)
    else:
        text = payload
    return [head, "\n", TextPart(text, ctype.split("/")[1], charset, encoding)]


def _apply(rules: Sequence[Rule], text: str, used: Counter[int], offset: int) -> str:
    for i, (pattern, replacement) in enumerate(rules):
        text, count = re.subn(pattern, replacement.replace("\\", "\\\\"), text, flags=re.S)
        used[offset + i] += count
    return text


def compile_template(spec: Spec, fixtures: Path = FIXTURES) -> Template:
    """Read a fixture and turn it into a template; every rule must match somewhere."""
    raw = (fixtures / spec.fixture).read_bytes().replace(b"\r\n", b"\n").decode("utf-8")
    segments = _entity_segments(raw, spec)
    head = segments[0]
    if not isinstance(head, str):
        raise TypeError(f"{spec.fixture}: the message does not start with headers")
    date_match = re.search(r"^Date: (.+)$", head, re.M)
    mid_match = re.search(r"^Message-ID: <([^@>]+)@", head, re.M | re.I)
    from_match = re.search(r"^From: .*?@([\w.-]+)", head, re.M)
    if not (date_match and mid_match and from_match):
        raise ValueError(f"{spec.fixture}: a template needs Date, Message-ID and From headers")
    return_path = tuple(re.findall(r"^Return-Path: [^\n]*", head, re.M))
    head = re.sub(r"^Return-Path: [^\n]*\n", "", head, flags=re.M)
    used: Counter[int] = Counter()
    head = _apply(spec.headers, head, used, 0)
    head = head.replace(date_match.group(1), "⟦date⟧")
    head = head.replace(f"<{mid_match.group(1)}@", "<⟦mid⟧@", 1)
    compiled: list[Segment] = [head]
    for segment in segments[1:]:
        if isinstance(segment, TextPart):
            rules, offset = ((spec.plain, 100) if segment.subtype == "plain" else (spec.html, 200))
            segment = TextPart(_apply(rules, segment.text, used, offset), segment.subtype,
                               segment.charset, segment.encoding)
        compiled.append(segment)
    for rules, offset, where in ((spec.headers, 0, "headers"), (spec.plain, 100, "text/plain"),
                                 (spec.html, 200, "text/html")):
        for i, (pattern, _) in enumerate(rules):
            if not used[offset + i]:
                raise ValueError(f"{spec.fixture}: rule {pattern!r} matched nothing in {where}")
    zone = parsedate_to_datetime(date_match.group(1)).tzinfo or UTC
    return Template(spec, tuple(compiled), mid_match.group(1), from_match.group(1), zone,
                    return_path)


# ----------------------------------------------------------------- per-message values

UAS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
)
UTM = ("", "", "", "?utm_source=linkedin&utm_medium=social&utm_campaign=launch",
       "?utm_source=newsletter", "?gclid=Cj0KCQiA4L67BhDUARIsADWrl7E", "?fbclid=IwAR0xYz9")
SPAM_DOMAINS = ("fastprofit.example", "rank-boost.example", "links.example", "promo.example",
                "cheap-pills.example", "seo-wizards.example", "mailinator.example")
SUBJECTS = ("{T}", "{T}", "Question about {t}", "Enquiry: {t}", "Request for proposal - {t}",
            "{T} for {region}", "Call about {t}?")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")
_SENTENCE = re.compile(r"(?<=[,.?!])\s+(?=[A-Z0-9])")


@dataclass(frozen=True)
class Visitor:
    """Who fills in the form."""

    first: str
    last: str
    email: str
    phone: str
    company: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def _slug(title: str) -> str:
    return "-".join(ascii_fold(title).replace("/", " ").replace("-", " ").split())[:80]


def _people(rng: random.Random, count: int) -> list[Visitor]:
    people = []
    for i in range(count):
        first, last = rng.choice(corpus.FIRST_NAMES), rng.choice(corpus.LAST_NAMES)
        company = (f"{rng.choice(corpus.COMPANY_HEADS)}{rng.choice(corpus.COMPANY_TAILS)} "
                   f"{rng.choice(corpus.COMPANY_FORMS)}")
        if rng.random() < 0.7:
            domain = ascii_fold(company.split()[0]) + rng.choice((".com", ".eu", ".de", ".fr"))
        else:
            domain = rng.choice(corpus.FREE_MAIL)
        local = ".".join(p for p in (ascii_fold(first), ascii_fold(last)) if p).replace(" ", "")
        phone = rng.choice(corpus.PHONE_FORMATS).format(
            a=rng.randint(100, 9999), b=rng.randint(1000, 99999), c=rng.randint(10, 99),
            d=rng.randint(10, 99), e=rng.randint(10, 99), f=rng.randint(10, 99))
        people.append(Visitor(first, last, f"{local or 'visitor'}{i % 97 or ''}@{domain}", phone,
                              company))
    return people


def _shaped(rng: random.Random, shape: str) -> str:
    """A random Message-ID local part shaped like the fixture's (digits, hex, letters kept)."""
    out = []
    for ch in shape:
        if ch.isdigit():
            out.append(rng.choice("0123456789"))
        elif ch in "abcdef":
            out.append(rng.choice("0123456789abcdef"))
        elif ch.islower():
            out.append(rng.choice("abcdefghijklmnopqrstuvwxyz"))
        elif ch.isupper():
            out.append(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
        else:
            out.append(ch)
    local = "".join(out)
    if len(shape) < 20:   # short IDs ("spam01", "hp-1"): make them unique
        local += f".{rng.getrandbits(64):016x}"
    return local


def _when_values(moment: datetime, zone: tzinfo) -> dict[str, str]:
    local = moment.astimezone(zone)
    hour12 = local.hour % 12 or 12
    utc = moment.astimezone(UTC)
    return {
        "date": format_datetime(local),
        "fdate_en": f"{MONTHS_EN[local.month - 1]} {local.day}, {local.year}",
        "ftime_en": f"{hour12}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}",
        "fdate_de": f"{local.day}. {MONTHS_DE[local.month - 1]} {local.year}",
        "ftime_de": f"{local.hour:02d}:{local.minute:02d}",
        "fdate_fr": f"{local.day} {MONTHS_FR[local.month - 1]} {local.year}",
        "ftime_fr": f"{local.hour} h {local.minute:02d} min",
        "fs_when": f"{utc:%I:%M %p} UTC - {utc.day} {MONTHS_EN[utc.month - 1]} {utc.year}",
    }


# ----------------------------------------------------------------- rendering

def _render_value(value: Any, style: str | None, context: str) -> str:
    if isinstance(value, list):   # the message, as lines
        lines = [str(v) for v in value]
        match style:
            case "one":
                return " ".join(lines)
            case "onex":
                return html.escape(" ".join(lines), quote=False)
            case "br":
                return "<br />".join(html.escape(v, quote=False) for v in lines)
            case "brnl":
                return "<br />\n".join(html.escape(v, quote=False) for v in lines)
            case "brs":
                return "<br/>".join(html.escape(v) for v in lines)
            case _:
                return "\n".join(lines)
    text = str(value)
    if context == "header":
        return text if text.isascii() else Header(text, "utf-8").encode()
    if context == "html":
        return html.escape(text)
    return text


def _fill(text: str, values: dict[str, Any], context: str) -> str:
    return MARKER.sub(lambda m: _render_value(values[m.group(1)], m.group(2), context), text)


def _encode_part(part: TextPart, values: dict[str, Any]) -> bytes:
    data = _fill(part.text, values, part.subtype).encode(part.charset)
    if part.encoding == "base64":
        return base64.encodebytes(data)
    if part.encoding == "quoted-printable":
        return binascii.b2a_qp(data)
    return data


def _transport_headers(rng: random.Random, template: Template, values: dict[str, Any]) -> str:
    """What the receiving server adds in front: Delivered-To, Received, Authentication-Results,
    and (mostly) the sender's DKIM signature."""
    qid = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTVWXYZbcdfghjkmnpqrstvwxyz")
                  for _ in range(14))
    lmtp = base64.b64encode(rng.randbytes(16)).decode().rstrip("=")
    date, domain = values["date"], template.sender_domain
    lines = [*template.return_path, f"Delivered-To: {MAILBOX}",
             f"Received: from mail.example-pharma-agency.com\n\tby imap.example-pharma-agency.com "
             f"with LMTP\n\tid {lmtp}\n\t(envelope-from <bounce@{domain}>)\n\tfor <{MAILBOX}>; {date}",
             f"Received: from out.{domain} (out.{domain} [198.51.100.{rng.randint(2, 250)}])\n"
             f"\tby mail.example-pharma-agency.com (Postfix) with ESMTPS id {qid}\n"
             f"\tfor <{MAILBOX}>; {date}"]
    if rng.random() < 0.75:
        signature = base64.b64encode(rng.randbytes(256)).decode()
        folded = "\n\t ".join(signature[i:i + 72] for i in range(0, len(signature), 72))
        body_hash = base64.b64encode(rng.randbytes(32)).decode()
        lines.append(f"Authentication-Results: mail.example-pharma-agency.com;\n\tdkim=pass (2048-bit "
                     f"key) header.d={domain} header.s=default header.b={signature[:8]};\n\t"
                     f"spf=pass (mail.example-pharma-agency.com: domain of bounce@{domain} "
                     f"designates 198.51.100.20 as permitted sender) smtp.mailfrom={domain}")
        lines.append(f"DKIM-Signature: v=1; a=rsa-sha256; q=dns/txt; c=relaxed/relaxed; d={domain};"
                     f"\n\ts=default; t={values['stamp']};"
                     f" bh={body_hash};\n\th=Date:To:From:Reply-To:Subject:Message-ID:MIME-Version:"
                     f"Content-Type;\n\tb={folded}")
    else:
        lines.append(f"Authentication-Results: mail.example-pharma-agency.com; dkim=none;\n\t"
                     f"spf=pass smtp.mailfrom={domain}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Generated:
    """One rendered message and what the parser should find in it."""

    raw: bytes
    kind: str
    fixture: str
    email: str | None
    sent: datetime


@dataclass
class Generator:
    """Renders messages from the fixture templates, reproducibly from a seed."""

    seed: int = 1
    fixtures: Path = FIXTURES
    templates: dict[str, list[Template]] = field(init=False)
    _weights: dict[str, tuple[float, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.templates = {kind: [] for kind, _ in KIND_SHARES}
        for spec in SPECS:
            self.templates[spec.kind].append(compile_template(spec, self.fixtures))
        self._weights = {kind: tuple(accumulate(t.spec.weight for t in group))
                         for kind, group in self.templates.items()}
        self._messages = Messages()
        self._topics = [t for t, _ in corpus.TOPICS if t]

    def _pick(self, rng: random.Random, kind: str) -> Template:
        cum = self._weights[kind]
        return self.templates[kind][bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)]

    def _values(self, rng: random.Random, template: Template, visitor: Visitor,
                moment: datetime) -> dict[str, Any]:
        topic = rng.choice(self._topics)
        post = rng.choice(corpus.POST_TITLES)
        post_url = f"{SITE}/blog/{_slug(post)}/"
        page = post_url + rng.choice(UTM)
        email_address = visitor.email
        if template.spec.kind == "spam":
            email_address = (f"{ascii_fold(visitor.first).replace(' ', '')}{rng.randint(1, 9999)}"
                             f"@{rng.choice(SPAM_DOMAINS)}")
        text = self._messages.message(rng, visitor.first)
        subject = rng.choice(SUBJECTS).format(t=topic.lower(), T=topic,
                                              region=rng.choice(corpus.SLOTS["region"]))
        return {
            "name": visitor.name, "first": visitor.first, "last": visitor.last,
            "email": email_address, "phone": visitor.phone, "company": visitor.company,
            "topic": topic, "subject": subject, "message": _SENTENCE.split(text) or ["Hello"],
            "post": post, "post_url": post_url, "page": page, "page_bare": page.split("://", 1)[1],
            "ip": f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randint(1, 254)}",
            "ua": rng.choice(UAS), "mid": _shaped(rng, template.message_id_local),
            "stamp": int(moment.timestamp()),
            **_when_values(moment, template.zone),
        }

    def render(self, rng: random.Random, kind: str, visitor: Visitor, moment: datetime) -> Generated:
        """One message of ``kind`` ("lead", "spam", "other") from a template chosen by weight."""
        return self.render_template(rng, self._pick(rng, kind), visitor, moment)

    def render_template(self, rng: random.Random, template: Template, visitor: Visitor,
                        moment: datetime) -> Generated:
        """One message from the given template."""
        values = self._values(rng, template, visitor, moment)
        out = [_transport_headers(rng, template, values).encode("utf-8")]
        for segment in template.segments:
            out.append(_encode_part(segment, values) if isinstance(segment, TextPart)
                       else _fill(segment, values, "header").encode("utf-8"))
        expected = values["email"] if template.spec.kind != "other" else None
        return Generated(b"".join(out), template.spec.kind, template.spec.fixture, expected, moment)

    def plan(self, count: int) -> list[tuple[str, Visitor, datetime]]:
        """(kind, visitor, date) of ``count`` messages, oldest first, over three years up to
        :data:`END`; some visitors write more than once."""
        rng = random.Random(self.seed)
        people = _people(rng, max(50, count * 3 // 4))
        start = END - SPAN
        stamps = sorted(start + timedelta(seconds=SPAN.total_seconds() * (rng.random() ** 0.8))
                        for _ in range(count))
        kinds = [k for k, _ in KIND_SHARES]
        cum = tuple(accumulate(w for _, w in KIND_SHARES))
        return [(kinds[bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)], rng.choice(people),
                 moment) for moment in stamps]

    def messages(self, plan: Sequence[tuple[str, Visitor, datetime]], start: int = 0
                 ) -> Iterator[Generated]:
        """Render ``plan`` (or a block of it that begins at index ``start``): the same block always
        gives the same messages, whichever process renders it."""
        rng = random.Random(self.seed * 1_000_003 + start)
        for kind, visitor, moment in plan:
            yield self.render(rng, kind, visitor, moment)


# ----------------------------------------------------------------- Maildir on disk

@dataclass(frozen=True)
class CorpusInfo:
    """A Maildir written by :func:`build_maildir` (read back from its manifest when cached)."""

    path: Path          # the Maildir (holds cur/ new/ tmp/)
    count: int
    total_bytes: int
    kinds: dict[str, int]
    fixtures: dict[str, int]
    seconds: float      # how long generating it took (0 when reused)
    reused: bool = False

    @property
    def mean_bytes(self) -> float:
        return self.total_bytes / self.count if self.count else 0.0


def maildir_name(index: int, moment: datetime, size: int) -> str:
    """A Maildir file name as delivery agents write them, with the size (``S=``) Dovecot uses."""
    stamp = int(moment.timestamp())
    return f"{stamp}.M{moment.microsecond:06d}P4242Q{index}.mail.example-pharma-agency.com,S={size}:2,S"


BLOCK = 2_000   # messages per work unit when writing a corpus


def _write_block(job: tuple[int, Path, int, list[tuple[str, Visitor, datetime]]]
                 ) -> tuple[Counter[str], Counter[str], int]:
    """Render and write one block of a corpus (in a worker process, or this one); what it wrote."""
    seed, root, start, plan = job
    kinds: Counter[str] = Counter()
    fixtures: Counter[str] = Counter()
    total = 0
    cur = root / "cur"
    for index, message in enumerate(_worker_generator(seed).messages(plan, start), start):
        path = cur / maildir_name(index, message.sent, len(message.raw))
        path.write_bytes(message.raw)
        stamp = message.sent.timestamp()
        os.utime(path, (stamp, stamp))
        kinds[message.kind] += 1
        fixtures[message.fixture] += 1
        total += len(message.raw)
    return kinds, fixtures, total


_GENERATORS: dict[int, Generator] = {}


def _worker_generator(seed: int) -> Generator:
    if seed not in _GENERATORS:
        _GENERATORS[seed] = Generator(seed)
    return _GENERATORS[seed]


def _written(blocks: list[tuple[int, Path, int, list[tuple[str, Visitor, datetime]]]], workers: int
             ) -> Iterator[tuple[Counter[str], Counter[str], int]]:
    """Each block written, by forked workers when more than one is asked for. One worker writes
    in this process: a test calls it that way from a process with threads (loopback servers),
    and a fork of such a process can hang on a lock one of them held at the fork."""
    if workers <= 1 or len(blocks) <= 1:
        yield from map(_write_block, blocks)
        return
    with multiprocessing.get_context("fork").Pool(min(workers, len(blocks))) as pool:
        yield from pool.imap_unordered(_write_block, blocks)


def build_maildir(root: Path, count: int, seed: int = 1, *, reuse: bool = True,
                  workers: int = 2) -> CorpusInfo:
    """Write ``count`` messages into the Maildir ``root`` (made fresh), or reuse a matching one.

    ``<root>.manifest.json`` beside it records the version, seed and counts; it is written last, so a
    Maildir with a matching manifest is complete and is reused as it is.
    """
    manifest = root.parent / f"{root.name}.manifest.json"
    if reuse and manifest.exists() and (root / "cur").is_dir():
        data = json.loads(manifest.read_text())
        if (data.get("version"), data.get("seed"), data.get("count")) == (VERSION, seed, count):
            return CorpusInfo(root, count, data["total_bytes"], data["kinds"], data["fixtures"],
                              0.0, reused=True)
    if root.exists():
        shutil.rmtree(root)
    manifest.unlink(missing_ok=True)
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    started = time.perf_counter()
    generator = Generator(seed)
    plan = generator.plan(count)
    blocks = [(seed, root, start, plan[start:start + BLOCK]) for start in range(0, count, BLOCK)]
    kinds: Counter[str] = Counter()
    fixtures: Counter[str] = Counter()
    total = 0
    for block_kinds, block_fixtures, block_bytes in _written(blocks, workers):
        kinds.update(block_kinds)
        fixtures.update(block_fixtures)
        total += block_bytes
    seconds = time.perf_counter() - started
    info = CorpusInfo(root, count, total, dict(kinds), dict(fixtures), seconds)
    manifest.write_text(json.dumps({"version": VERSION, "seed": seed, "count": count,
                                    "total_bytes": total, "kinds": info.kinds,
                                    "fixtures": info.fixtures}, indent=1))
    return info


def check_templates(per_template: int = 30, seed: int = 5,
                    parse: Callable[[bytes], Any] | None = None) -> dict[str, float]:
    """Render each template ``per_template`` times and parse it with LeadDesk's parser: the share
    of messages read as intended (the visitor's e-mail for leads and spam, the spam verdict, "not a
    submission" for the rest), per fixture. A sanity check of the templates, not a benchmark."""
    if parse is None:
        from leaddesk.ingest.parse import parse_message
        parse = parse_message
    generator = Generator(seed)
    rng = random.Random(seed)
    people = _people(rng, 200)
    scores: dict[str, float] = {}
    for kind, group in generator.templates.items():
        for template in group:
            good = 0
            for _ in range(per_template):
                values_rng = random.Random(rng.random())
                moment = END - timedelta(days=rng.randint(0, 900))
                message = generator.render_template(values_rng, template, rng.choice(people), moment)
                draft = parse(message.raw)
                if kind == "other":
                    ok = not draft.is_submission
                else:
                    ok = draft.is_submission and draft.visitor_email == (message.email or "").lower()
                    ok = ok and (draft.is_spam == (kind == "spam"))
                good += ok
            scores[template.spec.fixture] = good / per_template
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    """Write a corpus (for a look at it), or check the templates against the parser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/leaddesk-bench-ingest/sample"))
    parser.add_argument("--check", action="store_true", help="parse rendered messages per template")
    args = parser.parse_args(argv)
    if args.check:
        for fixture, score in check_templates().items():
            print(f"{fixture:32} {score:6.0%}")
        return
    info = build_maildir(args.out, args.count, args.seed, reuse=False)
    print(f"{info.count} messages, {info.mean_bytes:.0f} bytes on average, in {info.path} "
          f"({info.seconds:.1f} s); kinds {info.kinds}")


if __name__ == "__main__":
    main()
