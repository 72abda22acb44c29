"""Tombstone digests: stable per kind and across versions (erased mail must never come back)."""

from __future__ import annotations

import hashlib
import re

import pytest

from leaddesk.tombstones import tombstone_digest


def test_tombstone_digest_is_a_stable_sha256_per_kind() -> None:
    digest = tombstone_digest("message_id", "<abc@example.org>")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == tombstone_digest("message_id", " abc@example.org ")
    assert digest != tombstone_digest("source_key", "<abc@example.org>")
    assert tombstone_digest("content_hash", "AB") == tombstone_digest("content_hash", "ab")
    assert tombstone_digest("source_key", "imap:1:INBOX:7:42") != tombstone_digest(
        "source_key", "imap:1:INBOX:7:43")
    with pytest.raises(ValueError, match="unknown tombstone kind 'email'"):
        tombstone_digest("email", "x")


def test_tombstone_digests_stay_the_same_across_versions() -> None:
    # Tombstones outlive upgrades: the digest of a key must never change, or erased mail returns.
    for kind, value, normal in [("content_hash", " AB12 ", "ab12"),
                                ("message_id", "<x@y.example>", "x@y.example"),
                                ("source_key", " imap:1:INBOX:7:42 ", "imap:1:INBOX:7:42")]:
        assert tombstone_digest(kind, value) == hashlib.sha256(f"{kind}\0{normal}".encode()).hexdigest()
    with pytest.raises(ValueError, match=re.escape(
            "unknown tombstone kind 'email'; use one of source_key, message_id, content_hash")):
        tombstone_digest("email", "x")
