"""The form-backend presets: one module each, and the registry the CLI and the accounts dialog use.

``PRESETS`` maps a preset name to its :class:`PresetInfo` (label, the settings it needs, the token it
takes); :func:`source_for` builds the configured source of an account; :func:`check_settings`
validates the settings of a new account.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from leaddesk.accounts import AccountInfo, is_loopback
from leaddesk.errors import ValidationError
from leaddesk.ingest.api.presets.formspree import FormspreeSource
from leaddesk.ingest.api.presets.generic import GenericSource
from leaddesk.ingest.api.presets.gravityforms import GravityFormsSource
from leaddesk.ingest.api.presets.hubspot import HubSpotSource
from leaddesk.ingest.api.presets.netlify import NetlifySource
from leaddesk.ingest.api.presets.typeform import TypeformSource
from leaddesk.ingest.api.source import PresetInfo, Source

SOURCES: dict[str, type[Source]] = {cls.info.name: cls for cls in (
    NetlifySource, FormspreeSource, GravityFormsSource, HubSpotSource, TypeformSource, GenericSource)}
PRESETS: dict[str, PresetInfo] = {name: cls.info for name, cls in SOURCES.items()}


def _source_class(preset: Any) -> type[Source]:
    found = SOURCES.get(str(preset))
    if found is None:
        raise ValidationError(f"unknown API preset {preset!r}; use one of {', '.join(SOURCES)}")
    return found


def check_settings(preset: str, *, base_url: str | None = None, form: str | None = None,
                   config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The settings to store for a new API account, validated; ValidationError says what is missing."""
    if base_url is not None:
        base_url = base_url.strip().rstrip("/")
        parts = urlsplit(base_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValidationError(f"--base-url must be a web address starting with https:// "
                                  f"(got {base_url!r})")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            # The token would cross the network in clear text.
            raise ValidationError("--base-url must use https:// (plain http is only allowed to this "
                                  "machine, localhost)")
    settings = {"preset": preset, "base_url": base_url or None,
                "form": str(form).strip() if form else None, "config": dict(config or {})}
    return _source_class(preset).check(settings)


def source_for(account: AccountInfo) -> Source:
    if account.kind != "api":
        raise ValidationError(f"{account.name} is an {account.kind} account, not a form API")
    return _source_class(account.settings.get("preset"))(account)
