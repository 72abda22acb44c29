"""One giant message imported alone: the peak RSS of ``leaddesk import`` for a 50 MB message.

Three cases, each a single .eml file written here and imported into a fresh SQLite database by a
child ``leaddesk import`` under GNU time (``/usr/bin/time -f %M``, the child's own peak RSS):

- ``attachment``: a contact-form notification (a short text/plain part) with a 50 MB base64
  attachment (a visitor's upload, or a mail bomb);
- ``text``: a single text/plain part of 50 MB;
- ``html``: a single text/html part of 50 MB (a table of fields, repeated).

    python -m bench.bench_bigmail [--mb 50] [--cases attachment,text,html]

Put another checkout's ``src`` first on ``PYTHONPATH`` to measure its parser (the child inherits it).
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

_HEAD = (b"From: WordPress <wordpress@example.com>\r\nTo: info@example.com\r\n"
         b"Subject: New contact form submission\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\n"
         b"Message-ID: <big-%s@example.com>\r\nMIME-Version: 1.0\r\n")
_FIELDS = (b"Name: Jane Roe\r\nEmail: jane@example.org\r\nPhone: +1 555 0100\r\n"
           b"Message: Please call me about the offer.\r\n")


def _attachment(size: int) -> bytes:
    # Random-looking bytes (not a run of zeros, which a reader could skip cheaply).
    payload = base64.encodebytes(os.urandom(size * 3 // 4))
    return (_HEAD % b"attachment" + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
            b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + _FIELDS +
            b"\r\n--b1\r\nContent-Type: application/pdf; name=\"cv.pdf\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n"
            b"Content-Disposition: attachment; filename=\"cv.pdf\"\r\n\r\n"
            + payload.replace(b"\n", b"\r\n") + b"\r\n--b1--\r\n")


def _text(size: int) -> bytes:
    line = b"The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
    return (_HEAD % b"text" + b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + _FIELDS
            + line * (size // len(line)))


def _html(size: int) -> bytes:
    row = b"<tr><td><b>Note</b></td><td>The quick brown fox jumps over the lazy dog.</td></tr>\r\n"
    return (_HEAD % b"html" + b"Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><table>"
            b"<tr><td><b>Name</b></td><td>Jane Roe</td></tr>\r\n"
            b"<tr><td><b>Email</b></td><td>jane@example.org</td></tr>\r\n"
            + row * (size // len(row)) + b"</table></body></html>\r\n")


CASES = {"attachment": _attachment, "text": _text, "html": _html}


def _import(eml: Path, scratch: Path) -> tuple[int, float, float]:
    """(peak RSS in kB, wall s, CPU s) of ``leaddesk import eml`` into a fresh database."""
    db = scratch / "big.db"
    db.unlink(missing_ok=True)
    report = scratch / "time.txt"
    started = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-o", str(report), "-f", "%M %U %S", sys.executable, "-m",
                    "leaddesk", "--db", f"sqlite:///{db}", "import", str(eml)],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    rss, user, system = report.read_text().split()[-3:]
    return int(rss), wall, float(user) + float(system)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50, help="size of each message (MB)")
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args(argv)
    print(f"uptime: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        # The start-up alone, for reference: what the process holds before any mail.
        empty = scratch / "empty.eml"
        empty.write_bytes(_HEAD % b"empty" + b"Content-Type: text/plain\r\n\r\n" + _FIELDS)
        rss, wall, cpu = _import(empty, scratch)
        print(f"{'small message':<12} {0:>7.1f} MB  peak RSS {rss / 1024:7.1f} MB  "
              f"wall {wall:6.2f} s  CPU {cpu:6.2f} s")
        for name in args.cases.split(","):
            eml = scratch / f"{name}.eml"
            eml.write_bytes(CASES[name](args.mb * 1024 * 1024))
            size = eml.stat().st_size
            rss, wall, cpu = _import(eml, scratch)
            print(f"{name:<12} {size / 1024 / 1024:7.1f} MB  peak RSS {rss / 1024:7.1f} MB  "
                  f"wall {wall:6.2f} s  CPU {cpu:6.2f} s")
            eml.unlink()


if __name__ == "__main__":
    main()
