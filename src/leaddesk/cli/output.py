"""How the CLI prints: aligned tables for people, one JSON object per line for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from leaddesk.detail import SubmissionDetail
    from leaddesk.query import SubmissionRow


def local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def clip(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def json_lines(objects: Iterable[dict[str, Any]], out: TextIO | None = None) -> int:
    stream = out or sys.stdout
    n = 0
    for obj in objects:
        stream.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    materialised = [list(r) for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in materialised]) for i, h in enumerate(headers)]
    stream.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for r in materialised:
        stream.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


def submission_table(rows: Sequence[SubmissionRow], out: TextIO | None = None) -> None:
    table(
        ["ID", "RECEIVED", "STATUS", "NAME", "E-MAIL", "TOPIC", "OWNER", "TAGS", "SUBJECT"],
        ([str(r.id), local(r.received_at), r.status + ("" if r.is_submission else "*"),
          clip(r.name, 22), clip(r.email, 28), clip(r.topic, 20), clip(r.assignee, 12),
          clip(", ".join(r.tags), 18), clip(r.subject, 40)] for r in rows),
        out,
    )


def submission_detail(d: SubmissionDetail, out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    r = d.row
    write = stream.write
    kind = "form submission" if r.is_submission else "not a form submission"
    write(f"#{r.id}  {r.status}  ({kind}, version {r.version})\n")
    visitor = " · ".join(x for x in (
        f"{r.name} <{r.email}>" if r.email else r.name, r.phone, r.company) if x)
    lines = [
        ("Received", local(r.received_at)),
        ("Submitted", local(r.submitted_at)),
        ("Visitor", visitor),
        ("Topic", r.topic or "(no topic)"),
        ("Page", r.page_url),
        ("Post", r.post_title),
        ("Tags", ", ".join(r.tags)),
        ("Owner", r.assignee or "(unassigned)"),
        ("Attention", ", ".join(x for x in (
            "unread answer" if r.unread else "",
            "needs reply" if r.needs_reply and r.is_submission else "") if x)),
        ("Account", r.account),
        ("Message-ID", r.message_id),
        ("Subject", r.subject),
        ("Spam", d.spam_reason),
        ("Hidden", (r.hidden_reason or "") + (" — `leaddesk status ID new` brings it back"
                                              if r.hidden_reason else "")),
        ("Edited", ", ".join(f"{name} by {mark.get('by')}" for name, mark in
                             r.edited_fields.items() if isinstance(mark, dict))),
        ("Problems", "; ".join(r.problems)),
    ]
    for label, value in lines:
        if value:
            write(f"{label + ':':<12}{value}\n")
    if d.fields:
        write("\nForm fields:\n")
        for key, value in d.fields.items():
            write(f"  {key}: {value}\n")
    write("\nMessage:\n")
    for line in (r.message or "(empty)").splitlines() or [""]:
        write(f"  {line}\n")
    conversation(d, stream)
    if d.notes:
        write("\nNotes:\n")
        for n in d.notes:
            write(f"  {local(n.created_at)}  {n.author}: {n.body}\n")
    if d.replies:
        write("\nReplies:\n")
        for rep in d.replies:
            write(f"  {local(rep.sent_at)}  {rep.state}  {rep.author} → {rep.to}: {rep.subject}\n")
    if d.history:
        write("\nHistory:\n")
        for h in d.history:
            write(f"  {local(h.at)}  {h.actor}  {h.action}  {describe_change(h.before, h.after)}\n")


def conversation(d: SubmissionDetail, out: TextIO) -> None:
    """The e-mails after the submission, each with its direction and sender, quotes folded."""
    later = d.messages[1:]
    if not later:
        return
    out.write(f"\nConversation ({len(d.messages)} messages, the submission first):\n")
    for m in later:
        arrow = "→ to the visitor" if m.direction == "out" else "← from the visitor"
        by = f" (sent by {m.author} from LeadDesk)" if m.author else ""
        out.write(f"\n  {local(m.date)}  {arrow}  {m.sender}{by}\n")
        if m.subject:
            out.write(f"  Subject: {m.subject}\n")
        folded = m.folded
        for line in folded.fresh.splitlines() or [""]:
            out.write(f"    {line}\n")
        if folded.has_quote:
            out.write(f"    [… {len(folded.quoted.splitlines())} quoted lines folded]\n")


def describe_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    before = before or {}
    after = after or {}
    parts = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            parts.append(f"{key}: {old if old is not None else '–'} → {new if new is not None else '–'}")
    return "; ".join(parts)
