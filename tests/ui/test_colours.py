"""Notices and messages follow the palette: no light box and no dark red on a dark window."""

from __future__ import annotations

import re

import pytest

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from leaddesk.ui import colours
from leaddesk.ui.detail.suggestions import SuggestionStrip
from leaddesk.ui.detail.verdict import VerdictBar

PALETTES = {"light": ("#efefef", "#000000"), "dark": ("#2b2b2b", "#e8e8e8"),
            "dark, dim text": ("#1e1e1e", "#5a5a5a")}


def _widget(qtbot, window: str, text: str) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(window))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(text))
    widget.setPalette(palette)
    return widget


def _colour(style: str, prop: str, selector: str = "") -> QColor:
    block = style if not selector else style.split(selector, 1)[1]
    found = re.search(rf"(?<![-\w]){prop}: (#[0-9a-f]{{6}})", block)
    assert found is not None, (prop, style)
    return QColor(found.group(1))


@pytest.mark.parametrize("name", PALETTES)
@pytest.mark.parametrize("hue", [colours.VERDICT_HUE, colours.SUGGESTION_HUE,
                                 colours.PRESENCE_HUE])
def test_a_notice_box_is_tinted_from_the_window_and_its_text_reads(qtbot, name: str,
                                                                    hue: int) -> None:
    window, text = PALETTES[name]
    style = colours.notice_style("box", hue, _widget(qtbot, window, text))
    background = _colour(style, "background")
    assert colours.contrast(_colour(style, "color"), background) >= colours.TEXT_CONTRAST
    assert colours.contrast(_colour(style, "color", "QLabel"), background) >= \
        colours.TEXT_CONTRAST
    # A tint of the window, not a fixed light box: a dark window keeps a dark notice.
    assert colours.is_dark(background) == colours.is_dark(QColor(window))


@pytest.mark.parametrize("name", PALETTES)
@pytest.mark.parametrize("ok", [True, False])
def test_messages_read_on_the_window(qtbot, name: str, ok: bool) -> None:
    window, text = PALETTES[name]
    widget = _widget(qtbot, window, text)
    for style in (colours.message_style(ok=ok, widget=widget), colours.warning_style(widget)):
        assert colours.contrast(_colour(style, "color"), QColor(window)) >= colours.TEXT_CONTRAST
    red, green = (_colour(colours.message_style(ok=o, widget=widget), "color")
                  for o in (False, True))
    assert red.hslHue() < 30 or red.hslHue() > 330  # still red and green, not black and white
    assert 90 < green.hslHue() < 170


def test_the_verdict_and_suggestion_boxes_use_the_palette(qtbot) -> None:
    parent = _widget(qtbot, *PALETTES["dark"])
    for box in (VerdictBar(parent), SuggestionStrip(parent)):
        background = _colour(box.styleSheet(), "background")
        assert colours.is_dark(background), type(box).__name__
