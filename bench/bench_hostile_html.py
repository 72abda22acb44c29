"""Hostile HTML bodies through the parser: what each shape costs, with the sanitiser's refusals.

nh3's HTML parser (html5ever) spends time growing faster than the input on a few shapes of markup
(see :mod:`leaddesk.ingest.parse.sanitise`); the parser refuses them before nh3 sees them. Other
shapes that look as if they might (a tag with a million attributes, ``<p>`` by the hundred
thousand) are here too, to show they cost nh3 little. This
prints, for each shape at a few sizes, the CPU seconds of ``parse_message`` on a notification
holding it, whether its HTML was kept, and (up to ``--raw-limit`` bytes) what nh3 alone would
have spent on it.

    python -m bench.bench_hostile_html [--sizes 250000 1000000] [--raw-limit 250000]
"""

from __future__ import annotations

import argparse
import time

from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.parse.sanitise import _CLEANER

# name -> (what opens the body, the unit repeated to the size, what closes it)
SHAPES = {
    "nested <div>": ("", "<div>", ""),
    "nested <rb><rt>": ("", "<rb><rt>", ""),
    "one tag of '<a ' attributes": ("", "<a ", ""),
    "one tag of 'x ' attributes": ("<a", " x", ">"),
    "bare &": ("<p>", "&", "</p>"),
    "&# without digits": ("<p>", "&#", "</p>"),
    "&amp;": ("<p>", "&amp;", "</p>"),
    "<p> (closed by the next)": ("", "<p>", ""),
    "<td> rows": ("<table>", "<tr><td>Label</td><td>value</td></tr>", "</table>"),
}


def notification(html: str) -> bytes:
    head = ("From: WordPress <wordpress@example.com>\r\nTo: leads@example.com\r\n"
            "Subject: New submission\r\nMessage-ID: <h@example.com>\r\n"
            "Date: Mon, 30 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\n\r\n")
    return (head + html).encode()


def _parse(body: str) -> tuple[float, bool]:
    """CPU seconds of parse_message on a notification holding ``body``; whether HTML was kept."""
    started = time.process_time()
    kept = parse_message(notification(body)).body_html is not None
    return time.process_time() - started, kept


def _nh3(body: str) -> float:
    started = time.process_time()
    _CLEANER.clean(body)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--raw-limit", type=int, default=250_000,
                        help="largest input given to nh3 alone (its time grows fast)")
    args = parser.parse_args()
    print("| shape | bytes | parse CPU s | HTML kept | nh3 alone CPU s |")
    print("|---|---:|---:|---|---:|")
    for name, (opening, unit, closing) in SHAPES.items():
        for size in args.sizes:
            body = opening + unit * (size // len(unit)) + closing
            seconds, kept = _parse(body)
            raw = f"{_nh3(body):.2f}" if size <= args.raw_limit else "not run"
            print(f"| {name} | {len(body):,} | {seconds:.2f} | {'yes' if kept else 'no'} "
                  f"| {raw} |", flush=True)


if __name__ == "__main__":
    main()
