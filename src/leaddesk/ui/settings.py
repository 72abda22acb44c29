"""Every window setting, declared once with its type and default, in the manner of Picard's
``options.py``; stored in ``ui.ini`` in the config directory.

How to add a setting: declare it below (``NAME = IntOption("group/key", default)``), read it with
``settings.get(NAME)`` and write it with ``settings.set(NAME, value)``. A write that changes the
value emits ``changed(key)``, which the app context publishes on the change bus, so every view
that shows it follows at once. Renaming or reshaping a stored value is an upgrade step: add a
function to :data:`UPGRADES` under the next number; :class:`Settings` runs the missing steps in
order when it opens an older file and records :data:`VERSION`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

from leaddesk.config import config_dir

log = logging.getLogger(__name__)

T = TypeVar("T")
REGISTRY: dict[str, Option[Any]] = {}


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting: its key in the file, its default, and how a stored text reads back."""

    key: str
    default: T

    def __post_init__(self) -> None:
        if self.key in REGISTRY:
            raise ValueError(f"setting {self.key!r} is declared twice")
        REGISTRY[self.key] = self

    def load(self, raw: object) -> T:
        raise NotImplementedError

    def dump(self, value: T) -> object:
        return value


class IntOption(Option[int]):
    def load(self, raw: object) -> int:
        return int(str(raw))


class StrOption(Option[str]):
    def load(self, raw: object) -> str:
        return str(raw)


class BoolOption(Option[bool]):
    def load(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        return str(raw).lower() in ("true", "1", "yes")  # INI files store booleans as text


class IntListOption(Option[list[int]]):
    """Sizes and widths: stored as JSON, so they read back the same on every platform."""

    def load(self, raw: object) -> list[int]:
        value = json.loads(str(raw))
        if not isinstance(value, list):
            raise ValueError("not a list")
        return [int(v) for v in value]

    def dump(self, value: list[int]) -> object:
        return json.dumps([int(v) for v in value])


class BytesOption(Option[bytes]):
    """Qt's own opaque state (window geometry)."""

    def load(self, raw: object) -> bytes:
        if isinstance(raw, QByteArray):
            return bytes(raw.data())
        raise ValueError("not bytes")

    def dump(self, value: bytes) -> object:
        return QByteArray(value)


# ------------------------------------------------------------------ every setting of the window
AUTO_SYNC_MINUTES = IntOption("sync/auto_minutes", 10)  # 0 turns auto-sync off
ME = StrOption("team/me", "")  # who this desktop acts as ("I am"); empty: the login name
NOTIFY_NEW = BoolOption("notify/new_leads", True)
SAVED_VIEWS = StrOption("views/saved", "[]")  # JSON, see leaddesk.ui.views
GEOMETRY = BytesOption("window/geometry", b"")  # empty: the default size
LAST_PAGE = IntOption("window/last_page", 0)  # 0 Inbox, 1 Leads, 2 Insights
INBOX_SPLIT = IntListOption("inbox/split_sizes", [230, 600, 610])  # sidebar, list, detail
DETAIL_SPLIT = IntListOption("inbox/detail_split_sizes", [])  # message, post; empty: Qt's
# Visitor, Topic, Post, Tags, Owner, Status, Received: what the user dragged them to (the Post
# column takes the slack; narrower windows shrink the others for the moment, never this list).
COLUMN_WIDTHS = IntListOption("inbox/column_widths", [170, 120, 180, 110, 40, 150, 84])
WAITING_AMBER_HOURS = IntOption("inbox/waiting_amber_hours", 24)  # "waiting 3 d" turns amber
VERSION_KEY = "meta/settings_version"


# ------------------------------------------------------------------ upgrade steps
def _upgrade_1_splitter_sizes(store: QSettings) -> None:
    """Before version 1 the splitters were stored as Qt state blobs; now as plain sizes."""
    for old, option in (("window/inbox_split", INBOX_SPLIT),
                        ("window/detail_split", DETAIL_SPLIT)):
        blob = store.value(old)
        if isinstance(blob, QByteArray):
            sizes = splitter_sizes(blob)
            if sizes:
                store.setValue(option.key, option.dump(sizes))
        store.remove(old)
    store.remove("window/state")  # never read back


def splitter_sizes(state: QByteArray) -> list[int]:
    """The sizes in a ``QSplitter.saveState()`` blob (Qt's documented stream format)."""
    from PySide6.QtCore import QDataStream, QIODevice

    stream = QDataStream(state, QIODevice.OpenModeFlag.ReadOnly)
    marker, version = stream.readInt32(), stream.readInt32()
    if marker != 0xff or version not in (0, 1):  # Qt 5 wrote 0, Qt 6 writes 1
        return []
    count = stream.readInt32()
    return [stream.readInt32() for _ in range(max(0, min(count, 16)))]


UPGRADES: dict[int, Callable[[QSettings], None]] = {1: _upgrade_1_splitter_sizes}
VERSION = max(UPGRADES)


class Settings(QObject):
    changed = Signal(str)  # the key of a setting whose value changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        directory = config_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self.store = QSettings(str(directory / "ui.ini"), QSettings.Format.IniFormat)
        self.upgrade()

    def upgrade(self) -> None:
        """Run the upgrade steps a file written by an older LeadDesk has not had."""
        try:
            found = int(str(self.store.value(VERSION_KEY, 0)))
        except ValueError:
            found = 0
        for number in sorted(n for n in UPGRADES if n > found):
            log.info("upgrading the window settings to version %s", number)
            UPGRADES[number](self.store)
        if found < VERSION:
            self.store.setValue(VERSION_KEY, VERSION)
            self.store.sync()

    @property
    def version(self) -> int:
        return int(str(self.store.value(VERSION_KEY, 0)))

    def get(self, option: Option[T]) -> T:
        raw = self.store.value(option.key)
        if raw is None:
            return option.default
        try:
            return option.load(raw)
        except (TypeError, ValueError):
            log.warning("setting %s holds %r, which is not valid; using the default",
                        option.key, raw)
            return option.default

    def set(self, option: Option[T], value: T) -> None:
        if self.store.contains(option.key) and self.get(option) == value:
            return
        self.store.setValue(option.key, option.dump(value))
        self.changed.emit(option.key)

    def sync(self) -> None:
        self.store.sync()
