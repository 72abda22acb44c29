"""The window's lists in each order at 1M rows: the first page and every id, per view and sort.

What the window asks when the user clicks a column's header (``first.first_page``, then
``query.ids`` for the whole list), timed per view (the sidebar's Inbox, Needs reply, Overdue, one
owner's, a tag's, a topic's, all leads) and per order (visitor, topic, status, received), warm,
or with ``--cold`` after dropping the kernel's page cache before each call (root only):

    python -m bench.bench_sorts sqlite:////tmp/leaddesk-1m.db --ids [--cold] [--views inbox,all]

The database is ``bench.generate``'s (``python -m bench.generate --rows 1000000 --db PATH``); it is
upgraded when opened, so run a copy when comparing two releases.
"""
from __future__ import annotations

import argparse
import subprocess
import time

from leaddesk.db import Database
from leaddesk.query import Filter, Sort, stream
from leaddesk.query.first import first_page

VIEWS = {
    "inbox": Filter(statuses=("new", "open")),
    "all": Filter(),
    "done": Filter(statuses=("done",)),
    "topic": Filter(statuses=("new", "open"), topics=("Market access",)),
    "assignee": Filter(statuses=("new", "open", "waiting"), assignees=("Anja Becker",)),
    "needs": Filter(statuses=("new", "open", "waiting"), needs_reply=True),
    "overdue": Filter(statuses=("new", "open", "waiting"), overdue=True),
    "tag": Filter(tags=("hot",)),
}


def drop() -> None:
    subprocess.run("sync; echo 3 > /proc/sys/vm/drop_caches", shell=True, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description="The window's lists in each order.")
    ap.add_argument("url")
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--only", default="name,topic,status,received")
    ap.add_argument("--views", default="inbox,all,topic,assignee")
    ap.add_argument("--ids", action="store_true")
    ap.add_argument("--desc", default="1,0")
    args = ap.parse_args()
    db = Database.open(args.url)
    for view in args.views.split(","):
        for sort in args.only.split(","):
            for desc in [bool(int(x)) for x in args.desc.split(",")]:
                flt = VIEWS[view].with_(sort=Sort(sort), descending=desc)
                if args.cold:
                    db.engine.dispose()
                    drop()
                with db.session() as session:
                    t0 = time.perf_counter()
                    rows, est = first_page(session, flt, limit=100)
                    t1 = time.perf_counter()
                    n = -1
                    if args.ids:
                        n = len(stream.ids(session, flt))
                    t2 = time.perf_counter()
                print(f"{view:9} {sort:9} {'desc' if desc else 'asc ':4} first {1000*(t1-t0):8.1f} ms"
                      f"  ids {1000*(t2-t1):8.1f} ms ({n})  rows {len(rows)} est {est.value}",
                      flush=True)


if __name__ == "__main__":
    main()
