"""Export: exactly the filtered (or selected) leads as CSV for a CRM, or JSON Lines for scripts.

The package owns the export job and everything it needs; each module says what it owns:

* :mod:`~leaddesk.export.job`: :func:`export_to_file` / :func:`export_to_stream`, options,
  progress, cancel, the temporary file renamed on success;
* :mod:`~leaddesk.export.source`: the streamed, batched query (per submission or per lead);
* :mod:`~leaddesk.export.fields`: the exported record and its named fields;
* :mod:`~leaddesk.export.presets`: HubSpot, Salesforce, generic, and saved custom mappings;
* :mod:`~leaddesk.export.writer`: CSV (RFC 4180, BOM, delimiter) and JSON Lines;
* :mod:`~leaddesk.export.cells`: formula neutralisation (OWASP) and cell formats;
* :mod:`~leaddesk.export.names`: first and last name from the one name a form gives;
* :mod:`~leaddesk.export.sqlite_csv`: on SQLite, the cells written by the database;
* :mod:`~leaddesk.export.csv_lines`: those cells joined into lines (no SQLAlchemy);
* :mod:`~leaddesk.export.sqlite_split`: a large SQLite export in two processes, and
  :mod:`~leaddesk.export.sqlite_part`, the helper process's side;
* :mod:`~leaddesk.export.errors`: :class:`ExportError`.

Typical use (the desktop's Export dialog runs this in a worker thread)::

    options = ExportOptions(preset=presets.resolve("hubspot"), per=Per.LEAD)
    export_to_file(db, current_filter, "leads.csv", options, reporter=bar, cancel=token)
    export_to_file(db, selection([4, 8, 15]), "picked.csv")

The names are loaded on first use (PEP 562): the helper process of a large SQLite export
(:mod:`~leaddesk.export.sqlite_part`) imports this package without SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leaddesk.export import presets
    from leaddesk.export.errors import ExportError
    from leaddesk.export.fields import FIELD_NAMES
    from leaddesk.export.job import (
        ENCODINGS,
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

# The module each public name comes from (a module's own name: the module).
_HOMES = {
    "presets": "presets", "BUILTIN": "presets", "Preset": "presets", "PresetStore": "presets",
    "ExportError": "errors", "FIELD_NAMES": "fields", "DELIMITERS": "writer",
    **dict.fromkeys(("ENCODINGS", "ExportOptions", "ExportResult", "Format", "Per",
                     "export_to_file", "export_to_stream", "selection"), "job"),
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    home = importlib.import_module(f"{__name__}.{_HOMES[name]}")
    found = globals()[name] = home if name == _HOMES[name] else getattr(home, name)
    return found  # kept above: later look-ups skip this function


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
