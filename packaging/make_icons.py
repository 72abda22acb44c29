"""Render resources/icons/leaddesk.svg into the platform icon files the installers need.

    python packaging/make_icons.py      (rewrites resources/icons/leaddesk.ico and leaddesk.icns)

The SVG is the only source; the outputs are committed so a build needs no image library. Qt's SVG
renderer draws each size; the .ico (Windows) and .icns (macOS) containers hold those PNGs as they
are, which both formats allow (ICO since Windows Vista, ICNS since macOS 10.7), so the packing is a
few lines of ``struct`` instead of a Pillow dependency.
"""

# ruff: noqa: TID251 - a build tool run by hand, not part of the headless core
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SOURCE = ICONS / "leaddesk.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types that hold PNG data, by edge length in pixels.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09",
              1024: b"ic10"}


def render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        render_png.app = QGuiApplication(sys.argv[:1])  # type: ignore[attr-defined]  # kept alive
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """ICONDIR, one 16-byte ICONDIRENTRY per image, then the PNGs (0 in a size byte means 256)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        edge = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    """'icns' + total length, then one (type, length including its 8-byte header, PNG) per size."""
    body = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
                    for size, png in sorted(pngs.items()))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    pngs = {size: render_png(SOURCE, size) for size in sorted({*ICO_SIZES, *ICNS_TYPES})}
    (ICONS / "leaddesk.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (ICONS / "leaddesk.icns").write_bytes(icns({s: pngs[s] for s in ICNS_TYPES}))
    print(f"wrote {ICONS / 'leaddesk.ico'} and {ICONS / 'leaddesk.icns'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
