"""Shipped resources: found through importlib.resources, valid, and covered by package data."""

from __future__ import annotations

import configparser
import fnmatch
import os
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from ui import resources
from ui.resources import app_icon, icon, read_bytes, read_text, resource

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def test_read_text_finds_the_style_sheet() -> None:
    assert 'QLabel[role="hint"]' in read_text("style.qss")


def test_resource_names_are_checked() -> None:
    with pytest.raises(FileNotFoundError):
        read_text("missing.qss")
    for bad in ("", "../pyproject.toml", "icons/../style.qss", "/etc/passwd", "icons//x"):
        with pytest.raises(ValueError):
            resource(bad)


@pytest.mark.parametrize("name", ["warmline", "warmline.svg"])
def test_icon_loads_and_scales(qapp: QApplication, name: str) -> None:
    loaded = icon(name)
    assert not loaded.isNull()
    for size in (16, 48, 256):
        pixmap = loaded.pixmap(QSize(size, size))
        assert not pixmap.isNull()
        assert pixmap.width() == size
    assert not app_icon().isNull()


def test_icon_works_from_a_zipped_install(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("resources/icons/warmline.svg", read_bytes("icons/warmline.svg"))
    monkeypatch.setattr(resources, "files", lambda _pkg: zipfile.Path(archive, "resources/"))

    loaded = icon("warmline")
    assert not loaded.isNull()
    assert QSize(256, 256) in loaded.availableSizes()
    assert QSize(16, 16) in loaded.availableSizes()


def test_app_icon_svg_is_plain_shapes(qapp: QApplication) -> None:
    data = read_bytes("icons/warmline.svg")
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 256 256"
    assert root.find(f".//{SVG}text") is None  # no text: it must read at 16 px
    assert root.find(f".//{SVG}image") is None
    assert b"http://" not in data.replace(b"http://www.w3.org/2000/svg", b"")
    assert QSvgRenderer(data).isValid()


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(read_text("warmline.desktop"))
    return parser["Desktop Entry"]


def test_desktop_entry_fields() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Warmline"
    assert entry["Exec"] == "warmline"
    assert entry["Icon"] == "warmline"
    assert entry["Categories"] == "Office;"
    assert entry["Terminal"] == "false"
    assert 10 < len(entry["Comment"]) < 120


def test_desktop_entry_exec_is_the_installed_command() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert _desktop_entry()["Exec"] in project["gui-scripts"]


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None and not os.environ.get("CI"),
    reason="no validator here (scripts/dev.py installs desktop-file-utils; CI must run it)",
)
def test_desktop_entry_passes_freedesktop_validator() -> None:
    path = ROOT / "resources" / "warmline.desktop"
    result = subprocess.run(
        ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("package", "filename"),
    [("resources", "style.qss"), ("resources", "warmline.desktop"),
     ("resources.icons", "warmline.svg"), ("warmline.data", "language_table.json"),
     ("warmline.data", "fiction.json"), ("warmline.data", "ips.json")],
)  # fmt: skip
def test_resources_are_declared_as_package_data(package: str, filename: str) -> None:
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    assert package in tool["packages"]
    patterns = tool["package-data"].get(package, [])
    assert any(fnmatch.fnmatch(filename, pattern) for pattern in patterns)
