"""The Qt desktop application: windows, dialogs, item models and background workers.

The only package that imports PySide6. It calls the core (query, triage, ingest, …) and never
the other way round; database and network work runs in workers (see ``tasks``).
"""

from leaddesk.ui.pyside_fixes import immortal_booleans

immortal_booleans()
