"""Colours that follow the theme: one colour per topic everywhere, text that meets WCAG contrast,
the amber of a lead that has waited too long, the red of an error and the tinted notice boxes
(a verdict's reason, suggestions, who else is looking), so a dark palette never shows a light box
or dark red text on a dark window.

Topic colours are hues, not fixed RGB values: each topic gets a hue slot from a hash of its name
(the team's topics, sorted, take slots in turn, so two topics of one chart never share a slot while
there are free ones), and the hue is given the lightness that stands out from the background it is
drawn on. The same topic is the same colour on every page, and it reads on light, dark and
high-contrast palettes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# Hues (degrees) 40° apart: neighbours in a stacked bar and a legend stay apart.
HUES = (0, 40, 80, 120, 160, 200, 240, 280, 320)
NO_TOPIC = "#9e9e9e"
TEXT_CONTRAST = 4.5  # WCAG 2.x AA for text
GRAPHIC_CONTRAST = 3.0  # WCAG 2.x for bars, dots and other graphical objects


def luminance(colour: QColor) -> float:
    """WCAG relative luminance."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_dark(background: QColor) -> bool:
    return luminance(background) < 0.18


def readable_text(preferred: QColor, background: QColor) -> QColor:
    """``preferred`` when it reads on ``background`` (4.5:1), else black or white."""
    if contrast(preferred, background) >= TEXT_CONTRAST:
        return QColor(preferred)
    return QColor("#ffffff") if is_dark(background) else QColor("#000000")


def palette_text(palette: QPalette) -> tuple[QColor, QColor]:
    """(text, background) of a page in this palette, the text guaranteed to read."""
    background = palette.color(QPalette.ColorRole.Window)
    return readable_text(palette.color(QPalette.ColorRole.WindowText), background), background


def hue_colour(hue: int, background: QColor, *, target: float = GRAPHIC_CONTRAST) -> QColor:
    """The hue at the lightness nearest the middle that stands out from ``background``."""
    dark = is_dark(background)
    steps = [0.5 + (0.03 * i if dark else -0.03 * i) for i in range(16)]
    for lightness in steps:
        colour = QColor.fromHslF(hue / 360, 0.62, lightness)
        if contrast(colour, background) >= target:
            return colour
    return QColor.fromHslF(hue / 360, 0.62, steps[-1])


def _slot(name: str) -> int:
    return zlib.crc32(name.casefold().encode()) % len(HUES)


def topic_slots(topics: Iterable[str | None]) -> dict[str, int]:
    """A hue slot per topic name: its hash's slot, or the next free one (in sorted order)."""
    names = sorted({t for t in topics if t}, key=str.casefold)
    taken: dict[str, int] = {}
    used: set[int] = set()
    for name in names:
        slot = _slot(name)
        for step in range(len(HUES)):
            candidate = (slot + step) % len(HUES)
            if candidate not in used:
                slot = candidate
                break
        taken[name] = slot
        used.add(slot)
        if len(used) == len(HUES):
            used.clear()  # more topics than hues: start sharing, still deterministically
    return taken


class TopicColours:
    """Topic → colour for one background; built from every topic the team has (not a page's
    filtered subset), so each page agrees."""

    def __init__(self, topics: Iterable[str | None], background: QColor) -> None:
        self.background = QColor(background)
        self.slots = topic_slots(topics)

    def colour(self, topic: str | None) -> QColor:
        if not topic:
            return hue_colour_grey(self.background)
        slot = self.slots.get(topic, _slot(topic))
        return hue_colour(HUES[slot], self.background)


def hue_colour_grey(background: QColor) -> QColor:
    grey = QColor(NO_TOPIC)
    return grey if contrast(grey, background) >= GRAPHIC_CONTRAST else (
        QColor("#bdbdbd") if is_dark(background) else QColor("#616161"))


def name_colour(name: str, background: QColor) -> QColor:
    """A stable colour for a person's initials (the same hash as topics)."""
    return hue_colour(HUES[_slot(name)], background)


def amber(background: QColor) -> QColor:
    """The "waited too long" colour, as text on ``background`` (4.5:1)."""
    return hue_colour(36, background, target=TEXT_CONTRAST)


# Hues of the notices and messages (degrees).
ERROR_HUE, SUCCESS_HUE, VERDICT_HUE, SUGGESTION_HUE, PRESENCE_HUE = 0, 130, 32, 205, 265


def _palette(widget: QWidget | None) -> QPalette:
    return widget.palette() if widget is not None else QApplication.palette()


def _mix(a: QColor, b: QColor, share: float) -> QColor:
    return QColor.fromRgbF(*(x + (y - x) * share for x, y in (
        (a.redF(), b.redF()), (a.greenF(), b.greenF()), (a.blueF(), b.blueF()))))


def notice_style(name: str, hue: int, widget: QWidget | None = None, *,
                 extra: str = "") -> str:
    """The stylesheet of a tinted notice box ``#name``: the window colour tinted toward ``hue``,
    a stronger border of it, and text that reads on it (4.5:1), in light and dark palettes."""
    palette = _palette(widget)
    window = palette.color(QPalette.ColorRole.Window)
    accent = QColor.fromHslF(hue / 360, 0.75, 0.5)
    background = _mix(window, accent, 0.16)
    border = _mix(window, accent, 0.5)
    text = readable_text(palette.color(QPalette.ColorRole.WindowText), background)
    return (f"#{name} {{ background: {background.name()}; color: {text.name()}; "
            f"border: 1px solid {border.name()}; border-radius: 4px; {extra}}} "
            f"#{name} QLabel {{ color: {text.name()}; border: none; }}")


def message_style(*, ok: bool, widget: QWidget | None = None) -> str:
    """The stylesheet of a one-line result: red for a failure, green for success, readable
    (4.5:1) on the window of this palette."""
    window = _palette(widget).color(QPalette.ColorRole.Window)
    colour = hue_colour(SUCCESS_HUE if ok else ERROR_HUE, window, target=TEXT_CONTRAST)
    return f"color: {colour.name()};"


def warning_style(widget: QWidget | None = None) -> str:
    return f"color: {amber(_palette(widget).color(QPalette.ColorRole.Window)).name()};"
