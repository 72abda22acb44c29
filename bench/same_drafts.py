"""Two source trees read the same mail into the same drafts: every field of every draft.

Used to show that a change to the parser that is meant to change nothing (a faster path) changes
nothing: each tree parses the same inputs in its own process (``PYTHONPATH`` set to that tree's
``src``), and every field of every draft (``dataclasses.asdict``: the verdicts' reasons and the
problems included) is compared. The inputs: the messages of each Maildir given, every ``.eml``
under ``tests/ingest/parse/fixtures``, the messages the parser's tests build (the form catalogue
of ``tests/ingest/parse/forms.py``, the held-out cases), hostile HTML shapes at a small size, and
the ingest corpus's templates rendered a few times each. Each input is read twice: as is, and with
its To addresses as the site's and a taught label, so that those paths are compared too.

    python -m bench.same_drafts --base /work/main/src [--other src] [MAILDIR ...]

Prints the count of inputs and of differences, and the first differing fields; exits 1 if any.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "ingest" / "parse" / "fixtures"
SHOWN = 10  # differing drafts printed
# A taught label for the second reading: label_map wins over the built-in synonyms.
TAUGHT = {"message": "company", "your message": "topic", "name": "phone"}


def _maildir(path: Path) -> Iterator[tuple[str, bytes]]:
    for sub in ("cur", "new"):
        for item in sorted((path / sub).glob("*")):
            yield f"{path.name}/{sub}/{item.name}", item.read_bytes()


def _built(templates: int) -> Iterator[tuple[str, bytes]]:
    """The messages the tests and the benchmarks build (this tree's tests and bench)."""
    from tests.ingest.parse.forms import build, cases
    from tests.ingest.parse.test_held_out import CASES, _raw

    from bench.bench_hostile_html import SHAPES, notification
    from bench.ingest_corpus import END, Generator, _people

    for item in sorted(FIXTURES.rglob("*.eml")):
        yield f"fixture {item.relative_to(FIXTURES)}", item.read_bytes()
    for form, fmt in cases():
        yield f"form {form.key}/{fmt}", build(form, fmt)
    for case in CASES:
        yield f"held-out {case.key}", _raw(case)
    for name, (head, unit, tail) in SHAPES.items():
        for size in (40, 4000):
            yield f"hostile {name} x{size}", notification(head + unit * (size // len(unit)) + tail)
    generator = Generator(7)
    rng = random.Random(7)
    people = _people(rng, 50)
    for kind, group in generator.templates.items():
        for number, template in enumerate(group):
            for copy in range(templates):
                moment = END - timedelta(days=rng.randint(0, 900))
                message = generator.render_template(random.Random(rng.random()), template,
                                                    rng.choice(people), moment)
                yield f"template {kind}/{number}/{copy}", message.raw


def _child(inputs: Path, out: Path) -> None:
    """Parse every input (with this process's ``leaddesk``) and pickle the drafts as dicts."""
    from email.utils import getaddresses

    from leaddesk.ingest.parse import parse_message

    with inputs.open("rb") as handle:
        raws: list[tuple[str, bytes]] = pickle.load(handle)
    drafts = []
    for _, raw in raws:
        plain = dataclasses.asdict(parse_message(raw))
        head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("latin-1")
        to = [line.partition(":")[2] for line in head.splitlines() if line.lower().startswith("to:")]
        site = [address for _, address in getaddresses(to) if "@" in address]
        taught = dataclasses.asdict(parse_message(raw, site_addresses=site, label_map=TAUGHT,
                                                  site_hosts=("example.com",)))
        drafts.append((plain, taught))
    with out.open("wb") as handle:
        pickle.dump(drafts, handle)


def _run(src: str, inputs: Path, out: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(src).resolve()), str(ROOT)]))
    subprocess.run([sys.executable, "-m", "bench.same_drafts", "--child", str(inputs), str(out)],
                   check=True, env=env, cwd=ROOT)
    # The child must have read the tree it was given, not one installed elsewhere.
    check = subprocess.run([sys.executable, "-c", "import leaddesk; print(leaddesk.__file__)"],
                           check=True, env=env, cwd=ROOT, capture_output=True, text=True)
    if not check.stdout.strip().startswith(str(Path(src).resolve())):
        raise SystemExit(f"{src}: the child imported {check.stdout.strip()}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("maildirs", nargs="*", type=Path)
    parser.add_argument("--base", default="/work/main/src", help="the reference tree's src")
    parser.add_argument("--other", default=str(ROOT / "src"), help="the changed tree's src")
    parser.add_argument("--templates", type=int, default=5, help="renderings per corpus template")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return

    raws = list(_built(args.templates))
    for maildir in args.maildirs:
        raws.extend(_maildir(maildir))
    with tempfile.TemporaryDirectory(prefix="same-drafts-") as scratch:
        inputs, base_out, other_out = (Path(scratch) / name for name in ("in", "base", "other"))
        with inputs.open("wb") as handle:
            pickle.dump(raws, handle)
        _run(args.base, inputs, base_out)
        _run(args.other, inputs, other_out)
        base = pickle.loads(base_out.read_bytes())
        other = pickle.loads(other_out.read_bytes())

    differing = 0
    for (name, _), pair_a, pair_b in zip(raws, base, other, strict=True):
        for reading, a, b in zip(("plain", "taught"), pair_a, pair_b, strict=True):
            fields = [key for key in a if a[key] != b[key] or type(a[key]) is not type(b[key])]
            if fields:
                differing += 1
                if differing <= SHOWN:
                    print(f"DIFF {name} ({reading}):")
                    for key in fields:
                        print(f"  {key}: {a[key]!r:.300}\n  {' ' * len(key)}  {b[key]!r:.300}")
    print(f"{len(raws)} inputs, {2 * len(raws)} drafts per tree ({args.base} vs {args.other}): "
          f"{differing} differ")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
