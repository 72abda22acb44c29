"""The view of a message that layouts and rules look at: decoded subject and addresses, the plain
text (from text/plain, or rendered from the HTML when there is none) and the rendered HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from leaddesk.ingest.parse import headers, html_text, mime
from leaddesk.ingest.parse.text import tidy_block

# "<br>" in a text/plain body: a template written for HTML sent as plain text (Elementor's and many
# a custom template's "Label: value<br>" under WordPress's default content type). Its own line break,
# if it has one, goes with it.
_BREAK = re.compile(r"[ \t]*<br[ \t]*/?>[ \t]*(\r?\n)?", re.IGNORECASE)
MIN_BREAKS = 2  # one "<br>" is as likely the visitor's own typing


@dataclass(frozen=True)
class Readable:
    mail: mime.Mail
    subject: str
    sender: tuple[str, str]  # From: (display name, address)
    reply_to: tuple[tuple[str, str], ...]
    text: str
    html: html_text.HtmlText | None

    @classmethod
    def of(cls, mail: mime.Mail) -> Readable:
        subject = headers.text_value(mail.header("subject") or "")
        from_header = mail.header("from")
        senders = headers.addresses(from_header) if from_header else []
        reply_header = mail.header("reply-to")
        reply_to = tuple(headers.addresses(reply_header)) if reply_header else ()
        rendered = html_text.render(mail.html) if mail.html else None
        text = mail.text or ""
        if ("<br" in text or "<BR" in text) and len(_BREAK.findall(text)) >= MIN_BREAKS:
            text = _BREAK.sub("\n", text)
        if not text.strip() and rendered is not None:
            text = rendered.text
        return cls(mail=mail, subject=subject, sender=senders[0] if senders else ("", ""),
                   reply_to=reply_to, text=tidy_block(text), html=rendered)

    @cached_property
    def sender_domain(self) -> str:
        return self.sender[1].rpartition("@")[2].strip().lower().rstrip(">")

    def sent_by(self, *domains: str) -> bool:
        """True when the From address is at one of ``domains`` or a subdomain of one."""
        domain = self.sender_domain
        return domain in domains or domain.endswith(_subdomain_ends(domains))

    @cached_property
    def html_source(self) -> str:
        """The raw HTML, lower-cased, for markers such as a plugin's table colours."""
        return (self.mail.html or "").lower()


@lru_cache(maxsize=64)
def _subdomain_ends(domains: tuple[str, ...]) -> tuple[str, ...]:
    """".example.com" for "example.com": what a subdomain's name ends with. Each layout asks of every
    message with the same few domains."""
    return tuple("." + domain for domain in domains)
