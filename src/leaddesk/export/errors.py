"""The export's own error, apart from the job so that every export module can raise it."""

from __future__ import annotations

from leaddesk.errors import LeadDeskError


class ExportError(LeadDeskError):
    """Raised when the export file cannot be written (no such folder, no permission, disk full)."""
