"""Reading the date and time a form reports for a submission, in the formats WordPress sites and form
services write them: "November 20, 2026 3:45 pm", "20. November 2026 15:45", "20 novembre 2026 15 h 45",
"2026-11-20 15:45:00", "20/11/2026", "10:42 AM UTC - 20 November 2026".

Month names are known in English, German, French, Spanish, Italian, Dutch and Portuguese. A time
without a zone is taken as UTC, as the site's zone is not in the mail (or in the zone the caller knows
the writer was in: a forward's "Date:" line is in the forwarder's). All-numeric dates that could be
either way round (03/04/2026) are read day first, as the site's visitors are mostly European.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from leaddesk.ingest.parse.text import fold

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    "january jan januar janv janvier enero ene gennaio gen januari janeiro jänner jaenner",
    "february feb februar fevr fevrier febrero febbraio februari fevereiro fev",
    "march mar marz maerz mars marzo maart marco",
    "april apr avr avril abril abr aprile",
    "may mai mayo maggio mei maio",
    "june jun juni juin junio giugno junho",
    "july jul juli juil juillet julio luglio lug julho",
    "august aug aout agosto ago augustus",
    "september sep sept septembre septiembre settembre set setembro",
    "october oct okt oktober octobre octubre ottobre ott okt outubro out",
    "november nov novembre noviembre novembro",
    "december dec dez dezember decembre diciembre dic dicembre dezembro",
), start=1):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)

_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_TEXT_DAY_FIRST = re.compile(r"\b(?P<day>\d{1,2})(?:\.|st|nd|rd|th|er)?\s+(?:de\s+)?" + _MONTH
                             + r",?\s+(?:de\s+)?(?P<year>\d{4})\b")
_TEXT_MONTH_FIRST = re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b")
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?=\b|T)")
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<year>\d{4}|\d{2})\b")
_TIME = re.compile(
    r"(?<![\d.])(?P<hour>\d{1,2})\s*(?::|h|\.)\s*(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?"
    r"\s*(?:min\b)?\s*(?P<ampm>[ap]\.?\s?m\.?)?(?![\d])", re.IGNORECASE)
_ZONE = re.compile(r"(?:\b(?P<name>UTC|GMT|CEST|CET|BST|WEST|WET|EEST|EET)\b|(?P<sign>[+-])(?P<hh>\d{2}):?"
                   r"(?P<mm>\d{2})\b|(?<=\d)Z\b)")
_NAMED_ZONES = {"UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3}


def _date_part(text: str) -> tuple[tuple[int, int, int], str] | None:
    """(year, month, day) and the text with the date taken out."""
    folded = fold(text)
    for pattern in (_ISO, _TEXT_DAY_FIRST, _TEXT_MONTH_FIRST):
        match = pattern.search(folded)
        if match is None:
            continue
        month_text = match.group("month")
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.rstrip("."))
        if month is None:
            continue
        rest = folded[:match.start()] + " " + folded[match.end():]
        return (int(match.group("year")), month, int(match.group("day"))), rest
    match = _NUMERIC.search(folded)
    if match is None:
        return None
    a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("year"))
    if year < 100:
        year += 2000
    day, month = (b, a) if b > 12 >= a else (a, b)
    rest = folded[:match.start()] + " " + folded[match.end():]
    return (year, month, day), rest


def _zone(text: str, default: tzinfo) -> tzinfo:
    match = _ZONE.search(text.upper())
    if match is None:
        return default
    if match.group("name"):
        return timezone(timedelta(hours=_NAMED_ZONES[match.group("name")]))
    if match.group("sign"):
        offset = timedelta(hours=int(match.group("hh")), minutes=int(match.group("mm")))
        return timezone(-offset if match.group("sign") == "-" else offset)
    return UTC


def parse_form_datetime(text: str, zone: tzinfo = UTC) -> datetime | None:
    """The moment ``text`` names, as an aware datetime (in ``zone`` when it names none), or None."""
    text = text.strip()
    if not text or len(text) > 200:
        return None
    try:
        iso = datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        iso = None
    if iso is not None:
        return iso if iso.tzinfo is not None else iso.replace(tzinfo=zone)
    found = _date_part(text)
    if found is None:
        return None
    (year, month, day), rest = found
    hour = minute = second = 0
    time = _TIME.search(rest)
    if time is not None:
        hour, minute = int(time.group("hour")), int(time.group("minute"))
        second = int(time.group("second") or 0)
        ampm = (time.group("ampm") or "").replace(".", "").replace(" ", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=_zone(rest, zone))
    except ValueError:
        return None
