"""The window on a big database: how soon the first rows are painted, and what memory it holds.

    python -m bench.bench_window --db /tmp/leaddesk-1m.db [--runs 3] [--src OTHER/src]
    python -m bench.bench_window --db postgresql+psycopg://HOST/DB   # team mode

The database is one :mod:`bench.generate` built (``--rows`` builds one if ``--db`` does not exist).
Each run starts a fresh process that does what ``leaddesk gui`` does (imports, opens the database,
builds the main window, shows it) on the offscreen Qt platform, with its own settings directory.
The process prints a line at each moment below; this side timestamps the lines as they arrive, so
every time is from the process start, imports included:

* **window shown**: ``show()`` returned and the first events ran;
* **first rows painted**: the inbox's first page is in the model and one more turn of the event
  loop has painted it (with the CPU time the process had used by then, every thread);
* **full list**: the model holds every id of the Inbox view (new and open leads; the scroll
  bar's true length) and the inbox has announced that total.

The process then reports its resident memory (VmRSS) and its peak (VmHWM) and exits. The machine
is shared: the load average is printed, and the median of ``--runs`` is what counts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVENTS = ("window shown", "first rows painted", "full list")


def _memory_mb() -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def child(db_path: str, first_rows_only: bool = False) -> None:
    """The measured process: the window on ``db_path``, one line per event, in the order and
    with the calls of ``leaddesk gui`` (:func:`leaddesk.cli.gui_commands.run_gui`)."""
    import gc
    import inspect

    from leaddesk.cli import gui_commands

    # The code measured may be another checkout's (--src): follow what its own entry does.
    if "gc.disable()" in inspect.getsource(gui_commands.run_gui):
        gc.disable()  # show_window turns the collector back on

    from leaddesk.db import Database

    # A database URL (PostgreSQL: team mode) or a SQLite file.
    db = Database.open(db_path if "://" in db_path else f"sqlite:///{db_path}")  # as Context.database()

    from PySide6.QtCore import QTimer  # noqa: TID251 - this benchmark measures the window

    from leaddesk.ui import app as ui_app

    def say(what: str) -> None:
        print(what, flush=True)

    app = ui_app.application()
    if hasattr(ui_app, "show_window"):
        window = ui_app.show_window(db)
    else:  # what run() did before show_window (main's code before #20's fourth round)
        from leaddesk.ui.main_window import MainWindow
        from leaddesk.ui.settings import Settings
        window = MainWindow(db, me="bench", settings=Settings())
        window.show()
        gc.freeze()
    QTimer.singleShot(0, lambda: say("window shown"))
    model = window.inbox.model
    painted: list[bool] = []

    def first_page() -> None:
        if not painted:
            painted.append(True)
            window.inbox.list.viewport().repaint()  # what the next event-loop turn would do
            say("first rows painted")
            say(f"cpu {time.process_time():.3f}")  # user + system, every thread, up to here
            if first_rows_only:
                QTimer.singleShot(0, finish)
    model.page_loaded.connect(first_page)

    def full(total: int) -> None:
        # The inbox announces its total once the whole id list is in the model.
        if model.rowCount() == total:
            say(f"full list {total}")
            QTimer.singleShot(0, finish)

    def finish() -> None:
        if painted:
            rss, peak = _memory_mb()
            say(f"memory {rss:.1f} {peak:.1f}")
            app.exit(0)
        else:
            QTimer.singleShot(20, finish)
    window.inbox.total_changed.connect(full)
    QTimer.singleShot(300_000, lambda: app.exit(1))
    code = app.exec()
    db.close()
    sys.exit(code)


def run_once(db_path: str, src: Path = REPO / "src", first_rows_only: bool = False
             ) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(src), str(REPO)])}
    with tempfile.TemporaryDirectory() as home:
        env["XDG_CONFIG_HOME"] = env["XDG_DATA_HOME"] = home
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.bench_window", "_child", str(db_path),
             *(["--first-rows-only"] if first_rows_only else [])],
            stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
        assert process.stdout is not None
        seen: dict[str, float] = {}
        for line in process.stdout:
            line = line.strip()
            if line.startswith("cpu "):
                seen["cpu at first rows"] = float(line.split()[1])
            elif line.startswith("memory "):
                rss, peak = line.split()[1:]
                seen["rss MB"], seen["peak MB"] = float(rss), float(peak)
            elif line.startswith("full list "):
                seen["full list"] = time.perf_counter() - start
                seen["rows"] = int(line.split()[-1])
            elif line in EVENTS:
                seen[line] = time.perf_counter() - start
        if process.wait() != 0:
            raise SystemExit("the window did not load the list in time")
    return seen


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        child(argv[1], first_rows_only="--first-rows-only" in argv)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows if --db is built here")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", type=Path, default=REPO / "src",
                        help="the code to measure (another checkout's src/, e.g. main's, for a "
                             "before/after)")
    parser.add_argument("--first-rows-only", action="store_true",
                        help="stop each run at the first painted rows (no full list; for a busy "
                             "machine, where the full list of main's code can take minutes)")
    args = parser.parse_args(argv)
    if "://" not in args.db and not Path(args.db).exists():
        subprocess.run([sys.executable, "-m", "bench.generate", "--rows", str(args.rows),
                        "--db", str(args.db)], cwd=REPO, check=True)
    print(f"{args.db}; load average {os.getloadavg()[0]:.1f}")
    runs = []
    for n in range(args.runs):
        seen = run_once(args.db, args.src, args.first_rows_only)
        runs.append(seen)
        print(f"  run {n + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in seen.items()), flush=True)
    print(f"median of {args.runs} (seconds from process start; MB):")
    for key in (*EVENTS, "cpu at first rows", "rss MB", "peak MB"):
        if all(key in r for r in runs):
            print(f"  {key:<20} {statistics.median(r[key] for r in runs):8.2f}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
