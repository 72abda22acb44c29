"""Form notification e-mails for sync and import tests, shaped like Contact Form 7's default mail."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

SITE = "https://www.example-pharma-agency.com"
POSTS = {
    "imi": "/blog/imi-public-private-partnerships/",
    "engagement": "/blog/new-white-paper-on-patient-engagement/",
}


def notification(n: int, *, name: str | None = None, email: str | None = None,
                 topic: str = "Patient engagement", message: str | None = None,
                 page: str = "engagement", when: datetime | None = None) -> bytes:
    name = name or f"Visitor {n}"
    email = email or f"visitor{n}@example.net"
    message = message or f"Hello, this is message number {n}. Could you send us the white paper?"
    when = when or datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=n)
    return (
        f"From: Example Pharma Agency <wordpress@example-pharma-agency.com>\r\n"
        f"To: info@example-pharma-agency.com\r\n"
        f"Reply-To: {name} <{email}>\r\n"
        f"Subject: Example Pharma Agency \"{topic}\"\r\n"
        f"Date: {format_datetime(when)}\r\n"
        f"Message-ID: <notification-{n}@example-pharma-agency.com>\r\n"
        f"MIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=UTF-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n"
        f"\r\n"
        f"From: {name} <{email}>\r\n"
        f"Subject: {topic}\r\n"
        f"\r\n"
        f"Message Body:\r\n"
        f"{message}\r\n"
        f"\r\n"
        f"-- \r\n"
        f"This e-mail was sent from a contact form on Example Pharma Agency "
        f"({SITE}{POSTS[page]})\r\n"
    ).encode()


def notification_maildir(path: Path, count: int) -> Path:
    """A Maildir at ``path`` holding ``notification(0)`` to ``notification(count - 1)``."""
    box = mailbox.Maildir(path, create=True)
    for n in range(count):
        box.add(notification(n))
    return path
