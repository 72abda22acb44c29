"""The HTML view's own guard: SafeBrowser loads no resource at all, whatever the sanitiser lets by.

The sanitiser (nh3) in front normally strips remote images and style sheets, which hides this
guard; here raw HTML goes straight into the browser, so the loader alone stands in the way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser

from leaddesk.ui.detail.message import SafeBrowser

RESOURCE_TYPES = [QTextDocument.ResourceType.ImageResource,
                  QTextDocument.ResourceType.StyleSheetResource,
                  QTextDocument.ResourceType.HtmlResource]


@pytest.fixture
def local_files(tmp_path: Path) -> dict[str, QUrl]:
    """A real image and style sheet on disk, which a plain QTextBrowser would read."""
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    png = tmp_path / "pixel.png"
    assert image.save(str(png))
    css = tmp_path / "style.css"
    css.write_text("p { color: red }", encoding="utf-8")
    return {"image": QUrl.fromLocalFile(str(png)), "css": QUrl.fromLocalFile(str(css))}


@pytest.mark.parametrize("address", [
    "http://127.0.0.1:9/pixel.png",
    "https://tracker.example/open.gif?id=1",
    "file:///etc/passwd",
    "data:image/png;base64,iVBORw0KGgo=",
    "ftp://files.example/x.png",
    "file://fileserver/share/x.png",  # a UNC path, \\fileserver\share\x.png
    "qrc:/icons/app.png",
    "pixel.png",  # relative: resolved against the search paths by QTextBrowser
])
@pytest.mark.parametrize("kind", RESOURCE_TYPES)
def test_every_scheme_is_refused(qtbot, address: str, kind: QTextDocument.ResourceType) -> None:
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    assert browser.loadResource(int(kind.value), QUrl(address)) is None
    assert browser.loadResource(int(kind.value), address) is None


PNG_DATA = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
            "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def page(urls: list[str]) -> str:
    images = "".join(f'<img src="{url}" width="4" height="4">' for url in urls)
    return (f'<html><head><link rel="stylesheet" href="{urls[-1]}"></head>'
            f'<body><p>Hi</p>{images}</body></html>')


def test_the_document_loads_no_local_file_or_data_url(qtbot, local_files: dict[str, QUrl]) -> None:
    urls = [local_files["image"], QUrl(PNG_DATA), local_files["css"]]
    html = page([url.toString() for url in urls])
    # The control: a plain QTextBrowser's document reads all three, so a load would show.
    plain = QTextBrowser()
    qtbot.addWidget(plain)
    plain.setHtml(html)
    assert plain.document().resource(int(QTextDocument.ResourceType.ImageResource.value),
                                     urls[0]) is not None

    browser = SafeBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(html)
    browser.resize(200, 100)
    browser.show()
    qtbot.waitExposed(browser)
    for url in urls:
        for kind in RESOURCE_TYPES:
            assert browser.document().resource(int(kind.value), url) is None, url.toString()


def test_set_source_reads_no_file(qtbot, tmp_path: Path) -> None:
    # setSource() asks the browser's own loader, not the document's.
    target = tmp_path / "page.html"
    target.write_text("<p>secret</p>", encoding="utf-8")
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    browser.setSource(QUrl.fromLocalFile(str(target)))
    assert "secret" not in browser.toPlainText()


def test_links_are_never_followed(qtbot) -> None:
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    assert not browser.openLinks()
    assert not browser.openExternalLinks()
