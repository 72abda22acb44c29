"""Export: exactly the filtered (or selected) leads as CSV for a CRM, or JSON Lines for scripts.

The package owns the export job and everything it needs; each module says what it owns:

* :mod:`~leaddesk.export.job`: :func:`export_to_file` / :func:`export_to_stream`, options,
  progress, cancel, the temporary file renamed on success;
* :mod:`~leaddesk.export.source`: the streamed, batched query (per submission or per lead);
* :mod:`~leaddesk.export.fields`: the exported record and its named fields;
* :mod:`~leaddesk.export.presets`: HubSpot, Salesforce, generic, and saved custom mappings;
* :mod:`~leaddesk.export.writer`: CSV (RFC 4180, BOM, delimiter) and JSON Lines;
* :mod:`~leaddesk.export.cells`: formula neutralisation (OWASP) and cell formats;
* :mod:`~leaddesk.export.names`: first and last name from the one name a form gives.

Typical use (the desktop's Export dialog runs this in a worker thread)::

    options = ExportOptions(preset=presets.resolve("hubspot"), per=Per.LEAD)
    export_to_file(db, current_filter, "leads.csv", options, reporter=bar, cancel=token)
    export_to_file(db, selection([4, 8, 15]), "picked.csv")
"""

from leaddesk.export import presets
from leaddesk.export.fields import FIELD_NAMES
from leaddesk.export.job import (
    ENCODINGS,
    ExportError,
    ExportOptions,
    ExportResult,
    Format,
    Per,
    export_to_file,
    export_to_stream,
    selection,
)
from leaddesk.export.presets import BUILTIN, Preset, PresetStore
from leaddesk.export.writer import DELIMITERS

__all__ = [
    "BUILTIN", "DELIMITERS", "ENCODINGS", "FIELD_NAMES", "ExportError", "ExportOptions",
    "ExportResult", "Format", "Per", "Preset", "PresetStore", "export_to_file",
    "export_to_stream", "presets", "selection",
]
