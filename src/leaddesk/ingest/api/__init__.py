"""Form backends over HTTP as a source: Netlify Forms, Formspree, Gravity Forms, HubSpot, Typeform
and any JSON API, synced incrementally like a mailbox.

    from leaddesk.ingest.api import PRESETS, check_connection, sync_api_account

An account is ``Account(kind="api", settings={"preset", "base_url", "form", "config"})`` with its
token in the keyring (:mod:`leaddesk.secrets`). Modules: :mod:`.client` (HTTP, retries, messages),
:mod:`.presets` (one per service), :mod:`.draft` (record -> SubmissionDraft), :mod:`.sync` (pages ->
store, the saved position), :mod:`.jsonpath` (paths for the generic mapping).
"""

from leaddesk.ingest.api.errors import (
    ApiAuthError,
    ApiConnectionError,
    ApiError,
    ApiNotFoundError,
    ApiRateLimitError,
    PageError,
)
from leaddesk.ingest.api.presets import PRESETS, check_settings, source_for
from leaddesk.ingest.api.source import PresetInfo
from leaddesk.ingest.api.sync import (
    ApiSyncResult,
    check_connection,
    sync_api_account,
    sync_with_keyring,
)

__all__ = ["PRESETS", "ApiAuthError", "ApiConnectionError", "ApiError", "ApiNotFoundError",
           "ApiRateLimitError", "ApiSyncResult", "PageError", "PresetInfo", "check_connection",
           "check_settings", "source_for", "sync_api_account", "sync_with_keyring"]
