"""Theme and text size: palettes, the style sheet's tokens, readable contrast, clean reversal."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from ui import theme as theme_module
from ui.theme import (
    Theme,
    apply_theme,
    build_palette,
    build_stylesheet,
    clamp_text_scale,
    current_theme,
    set_role,
)

EXPLICIT = [Theme.LIGHT, Theme.DARK, Theme.HIGH_CONTRAST]
R = QPalette.ColorRole


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The test app, put back as it was: themes change global state."""
    style = qapp.style().name()
    palette = QPalette(qapp.palette())
    font = QFont(qapp.font())
    yield qapp
    qapp.setStyleSheet("")
    qapp.setProperty(theme_module._PROP_THEME, None)
    QApplication.setStyle(style)
    QApplication.setPalette(palette)
    QApplication.setFont(font)


# -- pure helpers --------------------------------------------------------------------------


def test_theme_parse_falls_back_to_system() -> None:
    assert Theme.parse("dark") is Theme.DARK
    assert Theme.parse("high-contrast") is Theme.HIGH_CONTRAST
    assert Theme.parse("neon") is Theme.SYSTEM
    assert Theme.parse(None) is Theme.SYSTEM


@pytest.mark.parametrize(
    ("given", "expected"),
    [(100, 100), (150, 150), ("175", 175), (150.4, 150), (50, 100), (400, 200), (None, 100),
     ("big", 100), (float("inf"), 100)],
)  # fmt: skip
def test_clamp_text_scale(given: object, expected: int) -> None:
    assert clamp_text_scale(given) == expected


@pytest.mark.parametrize("theme", list(Theme))
@pytest.mark.parametrize("dark", [False, True])
def test_stylesheet_tokens_are_all_filled(qapp: QApplication, theme: Theme, dark: bool) -> None:
    sheet = build_stylesheet(theme, 10.0, dark)
    assert re.search(r"@[a-z-]+@", sheet) is None
    for selector in (
        'QLabel[role="title"]',
        'QLabel[role="hint"]',
        'QLabel[role="error"]',
        'QLabel[role="lens-hint"]',
        'QPushButton[role="primary"]',
        'QFrame[role="card"]',
    ):
        assert selector in sheet


def test_high_contrast_has_thicker_focus_ring() -> None:
    normal = build_stylesheet(Theme.LIGHT, 10.0)
    high = build_stylesheet(Theme.HIGH_CONTRAST, 10.0)
    assert "border: 2px solid palette(highlight)" in normal
    assert "border: 3px solid palette(highlight)" in high


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", EXPLICIT)
def test_palettes_meet_wcag_contrast(theme: Theme) -> None:
    palette = build_palette(theme)
    assert palette is not None
    minimum = 7.0 if theme is Theme.HIGH_CONTRAST else 4.5
    pairs = [
        (R.WindowText, R.Window),
        (R.Text, R.Base),
        (R.Text, R.AlternateBase),
        (R.ButtonText, R.Button),
        (R.HighlightedText, R.Highlight),
        (R.ToolTipText, R.ToolTipBase),
        (R.Link, R.Window),
        (R.PlaceholderText, R.Base),
    ]
    for fg, bg in pairs:
        ratio = _contrast(palette.color(fg), palette.color(bg))
        assert ratio >= minimum, f"{theme} {fg.name}/{bg.name}: {ratio:.2f}"


@pytest.mark.parametrize("theme", EXPLICIT)
def test_hint_error_and_lens_colours_are_readable(theme: Theme) -> None:
    palette = build_palette(theme)
    assert palette is not None
    tokens = theme_module._theme_data(theme)[1]
    minimum = 7.0 if theme is Theme.HIGH_CONTRAST else 4.5
    for colour in (tokens.hint, tokens.error, tokens.lens):
        for bg in (R.Window, R.Base):
            assert _contrast(QColor(colour), palette.color(bg)) >= minimum, (theme, colour)


def test_system_theme_has_no_palette_of_its_own() -> None:
    assert build_palette(Theme.SYSTEM) is None


# -- applying to the application -----------------------------------------------------------


def test_high_contrast_is_black_white_and_yellow(app: QApplication) -> None:
    apply_theme(app, Theme.HIGH_CONTRAST)
    palette = app.palette()
    assert palette.color(R.Window) == QColor("#000000")
    assert palette.color(R.WindowText) == QColor("#FFFFFF")
    assert palette.color(R.Highlight) == QColor("#FFFF00")
    assert current_theme(app) is Theme.HIGH_CONTRAST
    app.setStyleSheet("")  # app.style() is the sheet's wrapper while one is set
    assert app.style().name() == "fusion"


def test_theme_accepts_stored_string(app: QApplication) -> None:
    apply_theme(app, "dark")
    assert current_theme(app) is Theme.DARK
    assert app.palette().color(R.Window) == QColor("#1E2422")


def test_system_restores_platform_palette_and_style(app: QApplication) -> None:
    original_window = app.palette().color(R.Window)
    apply_theme(app, Theme.SYSTEM)  # records the platform's defaults
    system_style = app.property(theme_module._PROP_SYSTEM_STYLE)
    apply_theme(app, Theme.DARK)
    assert app.palette().color(R.Window) != original_window
    apply_theme(app, Theme.SYSTEM)
    assert app.palette().color(R.Window) == original_window
    app.setStyleSheet("")  # app.style() is the sheet's wrapper while one is set
    assert app.style().name() == system_style


def test_text_scale_multiplies_base_font_without_compounding(app: QApplication) -> None:
    base = app.font().pointSizeF()
    apply_theme(app, Theme.LIGHT, 150)
    assert app.font().pointSizeF() == pytest.approx(base * 1.5)
    apply_theme(app, Theme.LIGHT, 150)
    assert app.font().pointSizeF() == pytest.approx(base * 1.5)
    apply_theme(app, Theme.DARK, 200)
    assert app.font().pointSizeF() == pytest.approx(base * 2.0)
    apply_theme(app, Theme.DARK, 100)
    assert app.font().pointSizeF() == pytest.approx(base)


def test_titles_grow_with_text_scale(qtbot: QtBot, app: QApplication) -> None:
    sizes = []
    for scale in (100, 200):
        apply_theme(app, Theme.LIGHT, scale)
        title = QLabel("Calls this shift")
        qtbot.addWidget(title)
        set_role(title, "title")
        title.ensurePolished()
        sizes.append(title.font().pointSizeF())
    assert sizes[0] > app.font().pointSizeF() / 2  # sanity: a real size
    assert sizes[1] == pytest.approx(sizes[0] * 2, rel=0.05)


def test_set_role_restyles_immediately(qtbot: QtBot, app: QApplication) -> None:
    apply_theme(app, Theme.LIGHT)
    label = QLabel("That passphrase didn't match.")
    qtbot.addWidget(label)
    set_role(label, "hint")
    label.ensurePolished()
    hint_colour = label.palette().color(R.WindowText)
    set_role(label, "error")
    error_colour = label.palette().color(R.WindowText)
    assert hint_colour == QColor(theme_module._LIGHT_TOKENS.hint)
    assert error_colour == QColor(theme_module._LIGHT_TOKENS.error)
    assert label.property("role") == "error"


def test_style_sheet_parses_without_qt_warnings(qtbot: QtBot, app: QApplication) -> None:
    messages: list[str] = []
    previous = qInstallMessageHandler(lambda _mode, _context, text: messages.append(text))
    try:
        for theme in Theme:
            apply_theme(app, theme, 125)
            for role, cls in (("primary", QPushButton), ("hint", QLabel), ("nav", QListWidget)):
                widget = cls()
                qtbot.addWidget(widget)
                set_role(widget, role)
                widget.ensurePolished()
            edit = QLineEdit()
            qtbot.addWidget(edit)
            edit.ensurePolished()
    finally:
        qInstallMessageHandler(previous)
    # Qt reports a broken sheet only as "Could not parse application stylesheet".
    assert messages == []
