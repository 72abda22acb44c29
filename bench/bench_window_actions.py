"""The window on a big database, used: how long each common action takes to show its result, and
how long the user interface stops answering while it does.

    python -m bench.bench_window_actions --db /tmp/leaddesk-1m.db [--runs 2] [--src OTHER/src]
    python -m bench.bench_window_actions --db postgresql+psycopg://HOST/DB   # team mode

The database is written to (opening a lead marks it read): give a copy, never a shared file.
Each run starts a fresh process that opens the window as ``leaddesk gui`` does (offscreen Qt),
waits until the inbox holds its whole id list, then plays a script of what a manager does on a
million rows, one action after another:

* type a word into the search box, a key every 120 ms (the box waits for a pause), then empty it
  with Escape;
* narrow to a topic in the sidebar, and widen again;
* switch to the All view and back to the Inbox;
* sort by the visitor's name, and by received date again;
* jump to the end of the list, and back to the top;
* open a lead (its detail, its conversation), then step to the next with the arrow key;
* mark the open lead done (the "e" key), twice: it leaves the Inbox and the next one opens;
* select 200 leads and tag them.

Each action is preceded by a Shift key press, as a user's action starts with a key or a click
(the script calls the window's methods): background work that gives way to the user sees it.

A timer ticks every 5 ms on the event loop for the whole run: the gap between two ticks is how long
the event loop was busy (a click or a key waits that long). For each action the benchmark prints
the time until the first rows of its result were painted (a new page of rows read; for an action
that reads none, the time of its whole result), the time until its whole result was there (for a
new list: every id, the scroll bar's true length), and the longest gap from the action's start to 300 ms after
its result (the work an answer sets off: the sidebar's counts, the rest of the id list). The brief
asks that work over ~50 ms runs in a worker: a gap above 50 ms is a stall a user can feel.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TICK_MS = 5
SETTLE_MS = 300  # after an action's result: what it set off still counts as its own
KEY_MS = 120  # between key presses when typing a search
STALL_MS = 50
TIMEOUT_S = 120.0


@dataclass
class Action:
    """One step of the script: ``start`` does it, ``done`` says when its result is shown."""

    name: str
    start: Callable[[], None]
    done: Callable[[], bool]


def child(db_path: str, word: str, topic: str) -> None:
    """The measured process: prints one JSON line per action, then ``end``."""
    import gc

    from leaddesk.db import Database

    gc.disable()  # as `leaddesk gui` starts; show_window turns the collector back on
    # A database URL (PostgreSQL: team mode) or a SQLite file.
    db = Database.open(db_path if "://" in db_path else f"sqlite:///{db_path}")

    from PySide6.QtCore import (  # noqa: TID251 - measures the window
        QEvent,
        QItemSelection,
        QItemSelectionModel,
        QObject,
        Qt,
        QTimer,
    )
    from PySide6.QtGui import QKeyEvent  # noqa: TID251
    from PySide6.QtWidgets import QApplication  # noqa: TID251

    from leaddesk.ui import app as ui_app
    from leaddesk.ui.list_model import COLUMNS, RECEIVED, VISITOR, SubmissionListModel

    tracing = bool(os.environ.get("BENCH_TRACE"))
    if tracing:
        _trace_gui_calls()
    app = ui_app.application()
    window = ui_app.show_window(db)
    inbox = window.inbox
    model: SubmissionListModel = inbox.model

    # The event loop's gaps: (when the tick came, how long since the one before), in seconds.
    ticks: list[tuple[float, float]] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        if tracing and now - last[0] > STALL_MS / 1000:
            print(f"trace {now:.3f} gap {(now - last[0]) * 1000:.0f} ms", file=sys.stderr, flush=True)
        ticks.append((now, now - last[0]))
        last[0] = now

    if tracing:
        _sample_stalls(last)
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(TICK_MS)
    heartbeat.timeout.connect(tick)

    # What the inbox has said: how many lists it has shown, and their totals.
    totals: list[int] = []
    pages = [0]
    inbox.total_changed.connect(totals.append)
    model.page_loaded.connect(lambda: pages.__setitem__(0, pages[0] + 1))

    def key(widget: QObject, which: Qt.Key, text: str = "") -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, which, Qt.KeyboardModifier.NoModifier,
                                                     text))

    def whole_list() -> bool:
        """The list shown holds every id of its view: no estimate stands for it, and the last
        total said is the rows held."""
        return inbox._estimate is None and (not totals or model.rowCount() == totals[-1])

    def after(count: int) -> Callable[[], bool]:
        """Done once the inbox has said a new total and holds the whole list."""
        return lambda: len(totals) > count and whole_list()

    def typed(text: str) -> Callable[[], None]:
        def start() -> None:
            inbox.search.setFocus()
            for index, char in enumerate(text):
                QTimer.singleShot(index * KEY_MS, lambda c=char: key(
                    inbox.search, Qt.Key(ord(c.upper())) if c.isalpha() else Qt.Key.Key_Space, c))
        return start

    def search_done(text: str, count: list[int]) -> Callable[[], bool]:
        return lambda: (inbox.narrowing.text == text and len(totals) > count[0] and whole_list())

    def shown_lead(row: int) -> Callable[[], bool]:
        def done() -> bool:
            shown = inbox.shown()
            wanted = model.submission(row)
            return shown is not None and wanted is not None and shown.row.id == wanted.id
        return done

    def rows_at(row: int) -> Callable[[], bool]:
        """The row's data is read (not a placeholder waiting for its page)."""
        return lambda: model.submission(row) is not None and model.rowCount() > row

    def view_of(key_: str) -> Callable[[], None]:
        return lambda: inbox.choose_view(key_)

    def sort_by(column: int, order: Qt.SortOrder) -> Callable[[], None]:
        return lambda: model.sort(column, order)

    def scroll_to(where: str) -> Callable[[], None]:
        def start() -> None:
            bar = inbox.list.verticalScrollBar()
            bar.setValue(bar.maximum() if where == "end" else 0)
        return start

    def step_down() -> None:
        inbox.list.setFocus()
        key(inbox.list, Qt.Key.Key_Down)

    counts = [0]

    def marked(action: Action) -> Action:
        """``done`` compared with the totals said since the action started."""
        original = action.start

        def start() -> None:
            counts[0] = len(totals)
            original()
        return Action(action.name, start, action.done)

    def since() -> Callable[[], bool]:
        return lambda: len(totals) > counts[0] and whole_list()

    marked_id: list[int] = []

    def mark_done() -> None:
        """What the "e" key does: the open lead leaves the Inbox, the one after it opens."""
        current = inbox.current_id()
        assert current is not None
        marked_id[:] = [current]
        inbox.set_status("done")  # what the window binds to the key

    def next_shown() -> Callable[[], bool]:
        def done() -> bool:
            shown = inbox.shown()
            return (shown is not None and shown.row.id != marked_id[0]
                    and model.row_of(marked_id[0]) < 0 and shown.row.id == inbox.current_id())
        return done

    def tag_many() -> None:
        """Shift-click 200 rows down, then the tag picker's choice (what its signal sets off)."""
        selection = inbox.list.selectionModel()
        selection.select(QItemSelection(model.index(0, 0), model.index(199, len(COLUMNS) - 1)),
                         QItemSelectionModel.SelectionFlag.ClearAndSelect)
        inbox.detail.card.tag_added.emit("bench")

    def tagged() -> Callable[[], bool]:
        def done() -> bool:
            return all((row := model.submission(index)) is not None
                       and "bench" in row.tags
                       for index in (0, 199))
        return done

    def end_row() -> Callable[[], bool]:
        return lambda: rows_at(model.rowCount() - 1)()

    script = [
        marked(Action(f"type '{word}' in the search", typed(word),
                      search_done(word, counts))),
        marked(Action("empty the search (Escape)", lambda: key(inbox.search, Qt.Key.Key_Escape),
                      search_done("", counts))),
        marked(Action(f"narrow to the topic '{topic}'", lambda: inbox.toggle_topic(topic), since())),
        marked(Action("widen again (the topic off)", lambda: inbox.toggle_topic(topic), since())),
        marked(Action("the All view", view_of("all"), since())),
        marked(Action("back to the Inbox", view_of("inbox"), since())),
        marked(Action("sort by visitor", sort_by(VISITOR, Qt.SortOrder.AscendingOrder), since())),
        marked(Action("sort by received again, newest first",
                      sort_by(RECEIVED, Qt.SortOrder.DescendingOrder), since())),
        Action("jump to the end of the list", scroll_to("end"), end_row()),
        Action("back to the top", scroll_to("top"), rows_at(0)),
        Action("open the first lead", lambda: inbox.select_row(0), shown_lead(0)),
        Action("the next lead (arrow key)", step_down, shown_lead(1)),
        marked(Action("mark it done (e): the next lead shown", mark_done, next_shown())),
        marked(Action("mark that one done too", mark_done, next_shown())),
        Action("select 200 leads, tag them", tag_many, tagged()),
    ]

    def report(action: Action, began: float, first: float, shown: float, ended: float) -> None:
        gaps = [gap for at, gap in ticks if began < at <= ended]
        longest = max(gaps, default=0.0)
        stalls = [gap for gap in gaps if gap * 1000 > STALL_MS]
        print(json.dumps({"action": action.name, "result_ms": round((shown - began) * 1000, 1),
                          "first_rows_ms": round((first - began) * 1000, 1),
                          "longest_gap_ms": round(longest * 1000, 1),
                          "stalls": len(stalls),
                          "stalled_ms": round(sum(stalls) * 1000, 1)}), flush=True)

    def play(index: int) -> None:
        if index == len(script):
            print("end", flush=True)
            app.exit(0)
            return
        action = script[index]
        began = time.perf_counter()
        if tracing:
            print(f"trace {began:.3f} action: {action.name}", file=sys.stderr, flush=True)
        pages_before = pages[0]
        first_rows: list[float] = []
        # A user's every action starts with a key or a click; the script calls the window's
        # methods, so a Shift press (which does nothing there) stands for it: background work that
        # gives way to the user (the re-read after an upgrade, ui/activity.py) sees it.
        key(window, Qt.Key.Key_Shift)
        action.start()
        deadline = began + TIMEOUT_S

        def check() -> None:
            now = time.perf_counter()
            if not first_rows and pages[0] > pages_before:
                first_rows.append(now)
            if action.done():
                def settled() -> None:
                    report(action, began, first_rows[0] if first_rows else now, now,
                           time.perf_counter())
                    QTimer.singleShot(0, lambda: play(index + 1))
                QTimer.singleShot(SETTLE_MS, settled)
            elif now > deadline:
                print(json.dumps({"action": action.name, "timeout": True}), flush=True)
                app.exit(1)
            else:
                QTimer.singleShot(2, check)
        QTimer.singleShot(0, check)

    started = time.perf_counter()

    def ready() -> None:
        if time.perf_counter() - started > TIMEOUT_S:
            print(json.dumps({"action": "open the window", "timeout": True,
                              "rows": model.rowCount(), "totals": totals[-3:]}), flush=True)
            app.exit(1)
        elif totals and model.rowCount() and whole_list():
            heartbeat.start()
            QTimer.singleShot(500, lambda: play(0))  # the start's own work out of the way
        else:
            QTimer.singleShot(20, ready)

    QTimer.singleShot(0, ready)
    code = app.exec()
    heartbeat.stop()
    db.close()
    sys.exit(code)


def _sample_stalls(last: list[float]) -> None:
    """While the heartbeat is late by over 60 ms, print where the GUI thread is, and what every
    other thread does (``BENCH_TRACE=1``)."""
    import threading
    import traceback

    main = threading.main_thread().ident

    def sample() -> None:
        seen: set[str] = set()
        while True:
            time.sleep(0.01)
            late = time.perf_counter() - last[0]
            if late < 0.06:
                seen.clear()
                continue
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                   for f in reversed(traceback.extract_stack(frame)[-6:]))
                key = f"{'GUI' if ident == main else ident}: {where}"
                if key not in seen:
                    seen.add(key)
                    print(f"trace {time.perf_counter():.3f} late {late * 1000:.0f} {key}",
                          file=sys.stderr, flush=True)
    threading.Thread(target=sample, daemon=True).start()


def _trace_gui_calls() -> None:
    """Print every call of the window's list code that took over 20 ms (``BENCH_TRACE=1``): where
    the event loop's gaps come from."""
    import functools

    from leaddesk.ui import inbox, list_model, sidebar

    def wrap(owner: Any, name: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                took = (time.perf_counter() - began) * 1000
                if took > 20:
                    print(f"trace {time.perf_counter():.3f} {owner.__name__}.{name} {took:.0f} ms",
                          file=sys.stderr,
                          flush=True)
        setattr(owner, name, timed)

    import gc
    import threading
    began_gc: list[float] = [0.0]

    def collected(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began_gc[0] = time.perf_counter()
            return
        took = (time.perf_counter() - began_gc[0]) * 1000
        if took > 10:
            print(f"trace {time.perf_counter():.3f} gc generation {info['generation']} {took:.0f} ms in "
                  f"{threading.current_thread().name}", file=sys.stderr, flush=True)
    gc.callbacks.append(collected)

    _trace_db_ops()
    for owner, names in ((inbox.InboxPage, ("_show_ids", "_show_first", "_show_sidebar",
                                            "_restore", "_remember", "_requery", "reload",
                                            "load_detail", "_update_footer", "_update_export")),
                         (list_model.SubmissionListModel, ("set_ids", "grow", "show_first",
                                                           "_store", "refresh_rows",
                                                           "beginInsertRows", "endInsertRows",
                                                           "beginResetModel", "endResetModel")),
                         (sidebar.Sidebar, ("set_facets", "set_view_counts", "select_view"))):
        for name in names:
            if hasattr(owner, name):
                wrap(owner, name)


def _trace_db_ops() -> None:
    """Print every database operation that waited or ran over 20 ms: what it was (its
    ``what``), on which worker, how long it queued and how long it ran (``BENCH_TRACE=1``)."""
    import functools

    from leaddesk.ui import operations

    def wrap(name: str, where: str) -> None:
        original = getattr(operations.DbOp, name)

        @functools.wraps(original)
        def timed(op: Any) -> Any:
            began = time.perf_counter()
            queued = (began - getattr(op, "_bench_queued", began)) * 1000
            try:
                return original(op)
            finally:
                took = (time.perf_counter() - began) * 1000
                if took > 20 or queued > 20:
                    print(f"trace {time.perf_counter():.3f} db op on the {where}: "
                          f"{op.what or op.work!r} queued {queued:.0f} ms, ran {took:.0f} ms",
                          file=sys.stderr, flush=True)
        setattr(operations.DbOp, name, timed)

    run_in_background = operations.DbOp.run_in_background

    def queued(op: Any) -> None:
        op._bench_queued = time.perf_counter()
        run_in_background(op)
    operations.DbOp.run_in_background = queued  # type: ignore[method-assign,assignment]
    wrap("_call", "database worker")
    wrap("_read", "reader")


def run_once(db_path: str, word: str, topic: str, src: Path = REPO / "src") -> list[dict[str, Any]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(src), str(REPO)])}
    with tempfile.TemporaryDirectory() as home:
        env["XDG_CONFIG_HOME"] = env["XDG_DATA_HOME"] = home
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.bench_window_actions", "_child", str(db_path), word,
             topic], stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
        assert process.stdout is not None
        found: list[dict[str, Any]] = []
        for line in process.stdout:
            line = line.strip()
            if line.startswith("{"):
                found.append(json.loads(line))
        if process.wait() != 0:
            raise SystemExit(f"the run stopped: {found[-1] if found else 'before the script'}")
    return found


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        child(argv[1], argv[2], argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True,
                        help="a database bench.generate built (it is written to: use a copy)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--word", default="engagement", help="the word typed into the search")
    parser.add_argument("--topic", default="Market access")
    parser.add_argument("--src", type=Path, default=REPO / "src",
                        help="the code to measure (another checkout's src/, for a before/after)")
    args = parser.parse_args(argv)
    print(f"{args.db}; load average {os.getloadavg()[0]:.1f}")
    runs = []
    for n in range(args.runs):
        found = run_once(args.db, args.word, args.topic, args.src)
        runs.append(found)
        print(f"  run {n + 1} done, load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"median of {args.runs} runs: first rows shown (ms) · result whole (ms) · longest "
          f"event-loop gap (ms) · gaps over {STALL_MS} ms")
    for index, first in enumerate(runs[0]):
        results = [r[index] for r in runs]
        print(f"  {first['action']:<40}"
              f" {statistics.median(r['first_rows_ms'] for r in results):8.0f}"
              f" {statistics.median(r['result_ms'] for r in results):8.0f}"
              f" {statistics.median(r['longest_gap_ms'] for r in results):8.0f}"
              f" {statistics.median(r['stalls'] for r in results):5.0f}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
