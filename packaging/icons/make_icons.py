"""Make the bundle's icons from clinic-desktop.svg: `python packaging/icons/make_icons.py`.

The SVG is the one drawing; the PNG (the window's, in the package's resources; the Linux .desktop file's), .ico (Windows) and
.icns (macOS) are made from it here and committed, so building a bundle needs no drawing tools.
Qt draws the SVG at each size (crisper than scaling one picture down); Pillow writes the
Windows and macOS containers.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SVG = HERE / "clinic-desktop.svg"
PNG = HERE.parents[1] / "clinic_desktop" / "resources" / "clinic-desktop.png"  # the window's, packaged
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def drawn(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    app = QGuiApplication(sys.argv[:1] + ["-platform", "offscreen"])  # noqa: F841 (Qt needs it alive)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"error: {SVG} is not a drawing Qt can read", file=sys.stderr)
        return 1
    pictures = {size: drawn(renderer, size) for size in sorted(set(ICO_SIZES) | set(ICNS_SIZES))}
    pictures[256].save(PNG)
    pictures[256].save(HERE / "clinic-desktop.ico", sizes=[(size, size) for size in ICO_SIZES],
                       append_images=[pictures[size] for size in ICO_SIZES])
    pictures[1024].save(HERE / "clinic-desktop.icns", append_images=[pictures[size] for size in ICNS_SIZES])
    print(f"Wrote {PNG}, and clinic-desktop.ico and .icns in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
