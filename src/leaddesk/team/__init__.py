"""Team mode: several desktops and one sync worker sharing one database.

``changes`` tells a desktop within a second that a colleague changed something (PostgreSQL
LISTEN/NOTIFY, SQLite ``PRAGMA data_version``); ``presence`` keeps the short "also viewing" leases;
``resilience`` retries an action across a database restart or reports it clearly as not saved;
``members`` sets a shared database up (``leaddesk team init``) and reports on it; ``worker`` is the
headless ``leaddesk sync --watch``. All of it is headless: the UI wires it up in ``leaddesk.ui``.
"""
