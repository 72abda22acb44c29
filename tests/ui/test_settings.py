"""The typed settings registry: defaults, a change published on the bus, bad values, and the
numbered upgrade steps from an older file."""

from __future__ import annotations

import pytest

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QSplitter

from leaddesk.changes import Change, Kind
from leaddesk.config import config_dir
from leaddesk.db import Database
from tests.ui.conftest import inline_context

from leaddesk.ui import settings as registry
from leaddesk.ui.settings import (
    AUTO_SYNC_MINUTES,
    COLUMN_WIDTHS,
    DETAIL_SPLIT,
    INBOX_SPLIT,
    ME,
    VERSION,
    VERSION_KEY,
    IntOption,
    Settings,
)


def test_every_setting_has_its_default_until_set(qtbot) -> None:
    settings = Settings()
    assert settings.get(AUTO_SYNC_MINUTES) == 10
    assert settings.get(ME) == ""
    assert settings.get(COLUMN_WIDTHS) == [170, 120, 180, 110, 40, 150, 84]
    settings.set(COLUMN_WIDTHS, [1, 2, 3])
    assert Settings().get(COLUMN_WIDTHS) == [1, 2, 3]  # read back typed, from the file
    assert {"window/geometry", "window/last_page", "team/me"} <= set(registry.REGISTRY)


def test_a_changed_setting_is_published_on_the_bus_once(qtbot, ui_db: Database) -> None:
    ctx = inline_context(ui_db)
    heard: list[tuple[list[Change], object]] = []
    ctx.bus.changes_made.connect(lambda c, i: heard.append((c, i)))
    ctx.settings.set(AUTO_SYNC_MINUTES, 5)
    ctx.settings.set(AUTO_SYNC_MINUTES, 5)  # the same value: nothing changed
    assert heard == [([Change.of(Kind.SETTING, None, [AUTO_SYNC_MINUTES.key])], ctx.settings)]
    ctx.settings.set(ME, "Ada")
    assert ctx.actor == "Ada"  # "I am" takes effect at once


def test_a_value_that_does_not_read_back_falls_back_to_the_default(qtbot) -> None:
    settings = Settings()
    settings.store.setValue(AUTO_SYNC_MINUTES.key, "soon")
    settings.store.setValue(COLUMN_WIDTHS.key, "{not json")
    assert settings.get(AUTO_SYNC_MINUTES) == 10
    assert settings.get(COLUMN_WIDTHS) == COLUMN_WIDTHS.default


def test_a_setting_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        IntOption(AUTO_SYNC_MINUTES.key, 3)


def test_an_old_settings_file_is_upgraded_step_by_step(qtbot) -> None:
    # What LeadDesk wrote before version 1: splitter states as Qt blobs, no version.
    splitter = QSplitter()
    for _ in range(3):
        splitter.addWidget(QLabel())
    splitter.resize(1000, 400)
    splitter.setSizes([200, 500, 300])
    config_dir().mkdir(parents=True, exist_ok=True)
    old = QSettings(str(config_dir() / "ui.ini"), QSettings.Format.IniFormat)
    old.setValue("window/inbox_split", splitter.saveState())
    old.setValue("window/state", b"never read")
    old.setValue("sync/auto_minutes", 30)
    old.sync()
    del old

    settings = Settings()
    assert settings.version == VERSION
    assert settings.get(INBOX_SPLIT) == [200, 500, 300]
    assert settings.get(DETAIL_SPLIT) == []  # none was stored: the default
    assert settings.get(AUTO_SYNC_MINUTES) == 30  # untouched by the steps
    assert not settings.store.contains("window/inbox_split")
    assert not settings.store.contains("window/state")
    assert int(str(settings.store.value(VERSION_KEY))) == VERSION


def test_upgrade_steps_run_once_and_in_order(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []
    monkeypatch.setattr(registry, "UPGRADES", {1: lambda s: ran.append(1),
                                               2: lambda s: ran.append(2)})
    monkeypatch.setattr(registry, "VERSION", 2)
    Settings()
    Settings()  # the file says version 2 now
    assert ran == [1, 2]
