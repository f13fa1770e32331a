"""Load shipped resources (style sheet, icons, desktop entry) through importlib.resources.

Never through paths relative to ``__file__``: ``importlib.resources`` finds the package data
the same way in a checkout, an installed wheel or a zipped bundle.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QIcon, QImageReader, QPixmap

PACKAGE = "resources"
ICON_DIR = "icons"
# Sizes rendered when the icon file is not on a real file system (e.g. inside a zip).
_FALLBACK_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def resource(name: str) -> Traversable:
    """The named resource file; raises FileNotFoundError if it is not shipped.

    ``name`` is relative to the resources package, with "/" between parts (``icons/x.svg``).
    """
    parts = name.split("/")
    if not name or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a resource name: {name!r}")
    node = files(PACKAGE)
    for part in parts:
        node = node.joinpath(part)
    if not node.is_file():
        raise FileNotFoundError(f"resource not shipped: {name}")
    return node


def read_text(name: str) -> str:
    """The text of a shipped resource, decoded as UTF-8."""
    return resource(name).read_text(encoding="utf-8")


def read_bytes(name: str) -> bytes:
    """The raw bytes of a shipped resource."""
    return resource(name).read_bytes()


def icon(name: str) -> QIcon:
    """The SVG icon ``icons/<name>.svg`` (the ".svg" suffix is optional).

    From a real file the icon stays scalable (Qt's SVG engine renders each size on demand);
    otherwise it is pre-rendered at common sizes from the bytes.
    """
    filename = name if name.endswith(".svg") else f"{name}.svg"
    node = resource(f"{ICON_DIR}/{filename}")
    if isinstance(node, Path):
        return QIcon(str(node))
    result = QIcon()
    data = QByteArray(node.read_bytes())
    for size in _FALLBACK_ICON_SIZES:
        buffer = QBuffer()
        buffer.setData(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer, QByteArray(b"svg"))
        reader.setScaledSize(QSize(size, size))
        image = reader.read()
        if not image.isNull():
            result.addPixmap(QPixmap.fromImage(image))
    return result


def app_icon() -> QIcon:
    """The Warmline window and taskbar icon."""
    return icon("warmline")
