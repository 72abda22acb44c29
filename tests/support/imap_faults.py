"""Real IMAP clients with one fault injected, for the readers' guards against Dovecot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from imapclient import IMAPClient


class _Faulty:
    """A real client: whatever a subclass does not change goes to it as is."""

    def __init__(self, client: IMAPClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class LosingFirstBody(_Faulty):
    """A real client whose answer to the body FETCH lacks its first message (expunged between
    the FETCHes)."""

    def fetch(self, messages: list[int], parts: list[str]) -> Any:
        answer = self._client.fetch(messages, parts)
        if "BODY.PEEK[]" in parts:
            answer.pop(min(answer))
        return answer


class FirstBodyAnsweredAs(_Faulty):
    """A real client whose answer to the body FETCH gives its first message's body as NIL
    (``None``), or leaves the body out (``"missing"``), as a damaged server store does."""

    def __init__(self, client: IMAPClient, body: str | None) -> None:
        super().__init__(client)
        self._body = body

    def fetch(self, messages: list[int], parts: list[str]) -> Any:
        answer = self._client.fetch(messages, parts)
        if "BODY.PEEK[]" in parts:
            first = answer[min(answer)]
            if self._body == "missing":
                del first[b"BODY[]"]
            else:
                first[b"BODY[]"] = self._body
        return answer


class SelectWithout(_Faulty):
    """A real client whose SELECT answer lacks UIDVALIDITY (``None``) or gives it as garbage."""

    def __init__(self, client: IMAPClient, uidvalidity: bytes | None) -> None:
        super().__init__(client)
        self._uidvalidity = uidvalidity

    def select_folder(self, folder: str, readonly: bool = False) -> Any:
        answer = dict(self._client.select_folder(folder, readonly=readonly))
        if self._uidvalidity is None:
            del answer[b"UIDVALIDITY"]
        else:
            answer[b"UIDVALIDITY"] = self._uidvalidity
        return answer


class BeforeFetch(_Faulty):
    """A real client that calls ``hook`` just before the first FETCH asking ``part`` (to make
    the server misbehave from there on)."""

    def __init__(self, client: IMAPClient, part: str, hook: Callable[[], None]) -> None:
        super().__init__(client)
        self._part, self._hook = part, hook

    def fetch(self, messages: list[int], parts: list[str]) -> Any:
        if self._part in parts and messages:
            self._hook()
        return self._client.fetch(messages, parts)
