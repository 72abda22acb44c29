"""How the UI writes times, counts and names: compact, local, consistent everywhere."""

from __future__ import annotations

from datetime import datetime, timedelta


def short_time(moment: datetime | None, now: datetime | None = None) -> str:
    """09:14 today, "Yesterday", the weekday this week, then "12 Mar", then "12 Mar 2024"."""
    if moment is None:
        return ""
    local = moment.astimezone()
    now = (now or datetime.now().astimezone()).astimezone()
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if local.date() == (now - timedelta(days=1)).date():
        return "Yesterday"
    if now - local < timedelta(days=6):
        return local.strftime("%a")
    if local.year == now.year:
        return f"{local.day} {local.strftime('%b')}"
    return f"{local.day} {local.strftime('%b %Y')}"


def long_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone()
    return f"{local.day} {local.strftime('%b %Y, %H:%M')}"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "never"
    seconds = ((now or datetime.now().astimezone()) - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def duration(delta: timedelta) -> str:
    """A compact length of time: "12 min", "5 h", "3 d" (rounded down, never negative)."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def clipped(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` characters and "…" (a stranger's 255-character company
    name in a header line that must stay a line or two; the whole goes in a tooltip)."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"
