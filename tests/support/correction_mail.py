"""Small form notifications built in tests: a lead, form spam, an auto-reply."""

from __future__ import annotations

SITE = "https://www.example-pharma.com"
SENDER = "wordpress@example-pharma.com"


def notification(*lines: str, subject: str = "New message from the website",
                 sender: str = SENDER, message_id: str = "<lead-1@example-pharma.com>") -> bytes:
    """A plain "Label: value" notification with the given field lines."""
    body = "\n".join(lines)
    return (f"From: WordPress <{sender}>\nTo: info@example-pharma.com\nSubject: {subject}\n"
            f"Message-ID: {message_id}\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}\n").encode()


def lead(message_id: str = "<lead-1@example-pharma.com>", sender: str = SENDER) -> bytes:
    """Jane Roe asks for a quote; 'Area of work' is a label the reader cannot place."""
    return notification("Name: Jane Roe", "Email: jane@acme.example", "Area of work: Oncology",
                        "Message: Hello there, we would like a quote for a campaign.",
                        f"Page URL: {SITE}/blog/imi-europe/", message_id=message_id,
                        sender=sender)


def spam() -> bytes:
    return notification("Name: Rank Bot", "Email: bot@seo.example",
                        "Message: We offer SEO services to put you on the first page of Google.",
                        message_id="<spam-1@example-pharma.com>")


def auto_reply() -> bytes:
    return notification("I am out of the office until Monday.",
                        subject="Automatic reply: New message from the website",
                        message_id="<ooo-1@example-pharma.com>")
