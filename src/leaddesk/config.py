"""Where LeadDesk keeps its files, and which database it opens.

One module resolves paths (platformdirs), with environment overrides for tests and portable installs:
``LEADDESK_DATA_DIR``, ``LEADDESK_CONFIG_DIR`` and ``LEADDESK_DB_URL``.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

APP_NAME = "LeadDesk"
APP_AUTHOR = "LeadDesk"
DB_FILENAME = "leaddesk.db"

ENV_DATA_DIR = "LEADDESK_DATA_DIR"
ENV_CONFIG_DIR = "LEADDESK_CONFIG_DIR"
ENV_DB_URL = "LEADDESK_DB_URL"
ENV_USER = "LEADDESK_USER"


def data_dir() -> Path:
    """The directory that holds the default SQLite database and other user data."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    # Imported here: platformdirs costs a start-up that `leaddesk --version` should not pay.
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    """The directory for settings files (never secrets: those live in the keyring)."""
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resolve_db_url(explicit: str | None = None) -> str:
    """The database URL: ``--db`` wins, then ``LEADDESK_DB_URL``, then SQLite in the data dir."""
    if explicit:
        return explicit
    from_env = os.environ.get(ENV_DB_URL)
    if from_env:
        return from_env
    return f"sqlite:///{default_db_path()}"


def current_user() -> str:
    """Who this desktop acts as: the name written on every audit event."""
    name = os.environ.get(ENV_USER)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers) and no LOGNAME
        return "unknown"


def demo_db_url() -> str:
    """The demo's own SQLite database, apart from the user's real one."""
    return f"sqlite:///{data_dir() / 'demo.db'}"
