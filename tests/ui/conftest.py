"""Widget tests run offscreen, with background tasks run inline so that timing never matters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from leaddesk.db import Database
from leaddesk.db.models import Tag
from tests.support.factories import BASE_TIME, make_member, make_post, make_submission

from leaddesk.ui.context import AppContext
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.settings import Settings
from leaddesk.ui.tasks import TaskRunner


def inline_context(db: Database, actor: str = "tester") -> AppContext:
    """An app context whose tasks run inline: what a page or dialog needs, without a window."""
    return AppContext(db, TaskRunner(inline=True), actor, Settings())


@pytest.fixture
def ui_db(sqlite_url: str) -> Iterator[Database]:
    db = Database.open(sqlite_url)
    with db.session() as s:
        make_member(s, "Ada")
        make_member(s, "tester")
        post = make_post(s, "https://example.org/blog/imi/", "Europe's IMI Sets Pace")
        hot = Tag(name="hot lead", colour="#e53935")
        s.add(hot)
        for n in range(30):
            sub = make_submission(s, visitor_name=f"Visitor {n:02d}",
                                  topic="Speakers bureaus" if n % 3 else "Patient engagement",
                                  received_at=BASE_TIME + timedelta(hours=n), post_id=post.id)
            if n % 5 == 0:
                sub.tags.append(hot)
        make_submission(s, visitor_name="Spammer", status="spam",
                        received_at=BASE_TIME + timedelta(days=5))
    yield db
    db.close()


@pytest.fixture
def window(qtbot, ui_db: Database) -> MainWindow:
    win = MainWindow(ui_db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def ctx(ui_db: Database) -> AppContext:
    return inline_context(ui_db)
