"""UI settings, each declared once with its type and default, stored in the config directory.

Window geometry and splitter sizes live here too, so a user's layout survives a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

from leaddesk.config import config_dir


@dataclass(frozen=True)
class IntSetting:
    key: str
    default: int


@dataclass(frozen=True)
class StrSetting:
    key: str
    default: str


@dataclass(frozen=True)
class BoolSetting:
    key: str
    default: bool


Setting = IntSetting | StrSetting | BoolSetting

AUTO_SYNC_MINUTES = IntSetting("sync/auto_minutes", 10)  # 0 turns auto-sync off
ME = StrSetting("team/me", "")  # who this desktop acts as; empty: the login name
NOTIFY_NEW = BoolSetting("notify/new_leads", True)
SAVED_VIEWS = StrSetting("views/saved", "[]")  # JSON, see leaddesk.ui.views


class Settings:
    def __init__(self) -> None:
        directory = config_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self.store = QSettings(str(directory / "ui.ini"), QSettings.Format.IniFormat)

    def _raw(self, setting: Setting) -> str:
        return str(self.store.value(setting.key, setting.default))

    def get_int(self, setting: IntSetting) -> int:
        try:
            return int(self._raw(setting))
        except ValueError:
            return setting.default

    def get_str(self, setting: StrSetting) -> str:
        return self._raw(setting)

    def get_bool(self, setting: BoolSetting) -> bool:
        # INI files store booleans as text.
        return self._raw(setting).lower() in ("true", "1", "yes")

    def set(self, setting: Setting, value: int | str | bool) -> None:
        self.store.setValue(setting.key, value)

    def blob(self, key: str) -> QByteArray | None:
        value = self.store.value(key)
        return value if isinstance(value, QByteArray) else None

    def set_blob(self, key: str, value: QByteArray) -> None:
        self.store.setValue(key, value)

    def sync(self) -> None:
        self.store.sync()
