"""The form-backend presets: one module each, and the registry the CLI and the accounts dialog use.

``PRESETS`` maps a preset name to its :class:`PresetInfo` (label, the settings it needs, the token it
takes); :func:`source_for` builds the configured source of an account; :func:`check_settings`
validates the settings of a new account.
"""

from __future__ import annotations

from typing import Any

from leaddesk.account_settings import ApiSettings
from leaddesk.accounts import AccountInfo
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
    """The settings to store for a new API account, validated (the common rules by
    :class:`~leaddesk.account_settings.ApiSettings`, the preset's own by its source class);
    ValidationError says what is missing."""
    source = _source_class(preset)
    typed = ApiSettings.parse({"preset": preset, "base_url": base_url, "form": form,
                               "config": dict(config or {})})
    return source.check(typed.to_dict())


def source_for(account: AccountInfo) -> Source:
    if account.kind != "api":
        raise ValidationError(f"{account.name} is an {account.kind} account, not a form API")
    return _source_class(account.settings.get("preset"))(account)
