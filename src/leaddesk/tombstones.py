"""The digest a tombstone stores for an erased message's key (see :mod:`leaddesk.contacts`).

Apart from :mod:`leaddesk.contacts`, which writes tombstones, so that the store pipeline and the
conversation reader can check keys against them without importing contacts (and with it triage
and the suggestion model) into every import and sync.
"""

from __future__ import annotations

import hashlib

TOMBSTONE_KINDS = ("source_key", "message_id", "content_hash")


def _normal_key(kind: str, value: str) -> str:
    text = value.strip()
    if kind == "message_id":
        return text.removeprefix("<").removesuffix(">").strip()  # "<a@b>" and "a@b" are one id
    if kind == "content_hash":
        return text.lower()
    return text


def tombstone_digest(kind: str, value: str) -> str:
    """The sha256 hex digest stored for an erased message's key.

    The kind is part of the hashed text, so a source key that happens to equal some Message-ID
    cannot collide with it (digests are the table's primary key).
    """
    if kind not in TOMBSTONE_KINDS:
        raise ValueError(f"unknown tombstone kind {kind!r}; use one of {', '.join(TOMBSTONE_KINDS)}")
    return hashlib.sha256(f"{kind}\0{_normal_key(kind, value)}".encode()).hexdigest()
