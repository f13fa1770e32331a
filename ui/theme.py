"""Theme (system, light, dark, high contrast) and text size for the whole application.

Colours live in a QPalette per theme; the one style sheet (resources/style.qss) refers to
palette roles, so the same rules serve every theme. A handful of values the palette cannot
carry (border widths that grow in high contrast, title sizes that follow the text size, the
hint/error/lens colours) are ``@tokens@`` in the style sheet, filled in here.

Why Fusion for the explicit themes: native styles on Windows and macOS ignore much of a custom
palette, so a dark or high-contrast choice would come out half-applied. "System" restores the
platform's own style and palette.

Text size is a percentage (100-200) of the font the platform gave the application, so people
who need larger text get it everywhere, including titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ui.resources import read_text

STYLE_SHEET = "style.qss"
TEXT_SCALE_MIN = 100
TEXT_SCALE_MAX = 200

# Where the platform's originals are kept, on the QApplication itself (no module globals).
_PROP_SYSTEM_STYLE = "warmlineSystemStyle"
_PROP_BASE_FONT = "warmlineBaseFont"
_PROP_THEME = "warmlineTheme"
_PROP_TEXT_SCALE = "warmlineTextScale"
_PROP_FOLLOWING = "warmlineFollowsColorScheme"


class Theme(StrEnum):
    """The themes a person can choose; the values are what settings store."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high-contrast"

    @classmethod
    def parse(cls, value: object) -> Theme:
        """The theme named by a stored setting; SYSTEM for anything unknown or damaged."""
        try:
            return cls(str(value))
        except ValueError:
            return cls.SYSTEM


@dataclass(frozen=True)
class _Tokens:
    """Values for the style sheet's @tokens@ that a palette has no role for."""

    border: int  # px
    focus: int  # px, always border + 1 (the style sheet's focus padding relies on it)
    hint: str
    error: str
    lens: str
    card_border: str
    disabled_text: str
    primary_focus_bg: str = "palette(highlight)"
    primary_focus_text: str = "palette(highlighted-text)"
    primary_focus_ring: str = "palette(window-text)"


_LIGHT_TOKENS = _Tokens(1, 2, "#56625F", "#A8261C", "#7A4A0E", "#D6D0C6", "#858C8A")
_DARK_TOKENS = _Tokens(1, 2, "#A9B5B2", "#F4A8A2", "#EFC27E", "#3C4845", "#7C8785")
_HIGH_CONTRAST_TOKENS = _Tokens(
    2,
    3,
    "#FFFFFF",
    "#FF9E9E",
    "#FFFFFF",
    "#FFFFFF",
    "#A6A6A6",
    primary_focus_bg="palette(button)",
    primary_focus_text="palette(highlight)",
    primary_focus_ring="palette(highlight)",
)

_R = QPalette.ColorRole

_LIGHT_COLOURS: dict[QPalette.ColorRole, str] = {
    _R.Window: "#F7F5F2",
    _R.WindowText: "#1D2624",
    _R.Base: "#FFFFFF",
    _R.AlternateBase: "#F1EEE9",
    _R.Text: "#1D2624",
    _R.Button: "#ECE8E2",
    _R.ButtonText: "#1D2624",
    _R.BrightText: "#FFFFFF",
    _R.Highlight: "#2A766C",
    _R.HighlightedText: "#FFFFFF",
    _R.Link: "#1F6B61",
    _R.LinkVisited: "#5B4B8A",
    _R.ToolTipBase: "#FFF6E8",
    _R.ToolTipText: "#1D2624",
    _R.PlaceholderText: "#66726F",
    _R.Light: "#FFFFFF",
    _R.Midlight: "#E2DDD5",
    _R.Mid: "#A9A29A",
    _R.Dark: "#8A847B",
    _R.Shadow: "#5A5650",
}

_DARK_COLOURS: dict[QPalette.ColorRole, str] = {
    _R.Window: "#1E2422",
    _R.WindowText: "#E8ECEA",
    _R.Base: "#151A19",
    _R.AlternateBase: "#222A28",
    _R.Text: "#E8ECEA",
    _R.Button: "#2A3330",
    _R.ButtonText: "#E8ECEA",
    _R.BrightText: "#FFFFFF",
    _R.Highlight: "#5FBFB1",
    _R.HighlightedText: "#0D1211",
    _R.Link: "#7FD1C4",
    _R.LinkVisited: "#C3B3F0",
    _R.ToolTipBase: "#2A3330",
    _R.ToolTipText: "#E8ECEA",
    _R.PlaceholderText: "#909D9A",
    _R.Light: "#3A4542",
    _R.Midlight: "#333D3A",
    _R.Mid: "#5A6663",
    _R.Dark: "#0F1312",
    _R.Shadow: "#000000",
}

_HIGH_CONTRAST_COLOURS: dict[QPalette.ColorRole, str] = {
    _R.Window: "#000000",
    _R.WindowText: "#FFFFFF",
    _R.Base: "#000000",
    _R.AlternateBase: "#1A1A1A",
    _R.Text: "#FFFFFF",
    _R.Button: "#000000",
    _R.ButtonText: "#FFFFFF",
    _R.BrightText: "#FFFF00",
    _R.Highlight: "#FFFF00",
    _R.HighlightedText: "#000000",
    _R.Link: "#FFFF00",
    _R.LinkVisited: "#FFC8FF",
    _R.ToolTipBase: "#000000",
    _R.ToolTipText: "#FFFFFF",
    _R.PlaceholderText: "#C8C8C8",
    _R.Light: "#FFFFFF",
    _R.Midlight: "#3A3A3A",
    _R.Mid: "#FFFFFF",
    _R.Dark: "#FFFFFF",
    _R.Shadow: "#FFFFFF",
}

_DISABLED_ROLES = (_R.WindowText, _R.Text, _R.ButtonText)


def clamp_text_scale(percent: object) -> int:
    """A text scale within 100-200; bad or damaged settings fall back to 100."""
    try:
        value = round(float(str(percent)))
    except (ValueError, OverflowError):
        return TEXT_SCALE_MIN
    return max(TEXT_SCALE_MIN, min(TEXT_SCALE_MAX, value))


def build_palette(theme: Theme) -> QPalette | None:
    """The palette for an explicit theme; None for SYSTEM (the platform's own)."""
    colours, tokens = _theme_data(theme)
    if colours is None:
        return None
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in _DISABLED_ROLES:
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(tokens.disabled_text))
    return palette


def build_stylesheet(theme: Theme, point_size: float, dark: bool = False) -> str:
    """The style sheet with its @tokens@ filled in for ``theme`` at body size ``point_size``.

    ``dark`` only matters for SYSTEM, whose palette the platform decides.
    """
    _colours, tokens = _theme_data(theme, dark)
    # Check box and radio indicators a little under a line of text, so they grow with it.
    indicator = round(point_size * 96 / 72 * 0.9)
    values = {
        "@border@": f"{tokens.border}px",
        "@focus@": f"{tokens.focus}px",
        "@hint@": tokens.hint,
        "@error@": tokens.error,
        "@lens@": tokens.lens,
        "@card-border@": tokens.card_border,
        "@disabled-text@": tokens.disabled_text,
        "@primary-focus-bg@": tokens.primary_focus_bg,
        "@primary-focus-text@": tokens.primary_focus_text,
        "@primary-focus-ring@": tokens.primary_focus_ring,
        "@title-size@": f"{point_size * 1.45:.1f}pt",
        "@indicator-size@": f"{indicator}px",
        "@indicator-radius@": f"{indicator // 2 + tokens.border}px",
        "@subtitle-size@": f"{point_size * 1.15:.1f}pt",
    }
    sheet = read_text(STYLE_SHEET)
    for token, value in values.items():
        sheet = sheet.replace(token, value)
    return sheet


def apply_theme(
    app: QApplication, theme: Theme | str = Theme.SYSTEM, text_scale: int = TEXT_SCALE_MIN
) -> None:
    """Apply a theme and text size to the whole application; safe to call again any time.

    Repeated calls do not compound: the text scale is always taken from the font the
    platform gave the application before the first call.
    """
    theme = Theme.parse(theme)
    text_scale = clamp_text_scale(text_scale)
    _remember_platform_defaults(app)
    app.setProperty(_PROP_THEME, theme.value)
    app.setProperty(_PROP_TEXT_SCALE, text_scale)

    hints = QGuiApplication.styleHints()
    palette = build_palette(theme)
    if palette is None:
        hints.unsetColorScheme()
        QApplication.setStyle(str(app.property(_PROP_SYSTEM_STYLE)))
        # A default palette resolves entirely against the platform's, i.e. restores it.
        QApplication.setPalette(QPalette())
    else:
        # Lets the platform match window decorations (title bars) to the theme.
        hints.setColorScheme(Qt.ColorScheme.Light if theme is Theme.LIGHT else Qt.ColorScheme.Dark)
        QApplication.setStyle("Fusion")
        QApplication.setPalette(palette)

    font = QFont(app.property(_PROP_BASE_FONT))
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * text_scale / 100)
    else:
        font.setPixelSize(round(font.pixelSize() * text_scale / 100))
    QApplication.setFont(font)

    body_points = font.pointSizeF() if font.pointSizeF() > 0 else font.pixelSize() * 0.75
    app.setStyleSheet(build_stylesheet(theme, body_points, dark=_is_dark(app.palette())))
    _follow_color_scheme(app)


def current_theme(app: QApplication) -> Theme:
    """The theme last applied to ``app`` (SYSTEM if none was)."""
    return Theme.parse(app.property(_PROP_THEME))


def set_role(widget: QWidget, role: str | None) -> None:
    """Give a widget a style role (e.g. "hint", "error") and restyle it at once.

    Qt only re-evaluates property selectors on re-polish, so changing the property alone
    would leave an error label looking like a hint.
    """
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


# -- internals -----------------------------------------------------------------------------


def _theme_data(
    theme: Theme, dark: bool = False
) -> tuple[dict[QPalette.ColorRole, str] | None, _Tokens]:
    if theme is Theme.LIGHT:
        return _LIGHT_COLOURS, _LIGHT_TOKENS
    if theme is Theme.DARK:
        return _DARK_COLOURS, _DARK_TOKENS
    if theme is Theme.HIGH_CONTRAST:
        return _HIGH_CONTRAST_COLOURS, _HIGH_CONTRAST_TOKENS
    return None, _DARK_TOKENS if dark else _LIGHT_TOKENS


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _remember_platform_defaults(app: QApplication) -> None:
    if app.property(_PROP_SYSTEM_STYLE) is None:
        # While a style sheet is set, app.style() is Qt's anonymous style-sheet wrapper.
        sheet = app.styleSheet()
        if sheet:
            app.setStyleSheet("")
        app.setProperty(_PROP_SYSTEM_STYLE, app.style().name())
        if sheet:
            app.setStyleSheet(sheet)
    if app.property(_PROP_BASE_FONT) is None:
        app.setProperty(_PROP_BASE_FONT, QFont(app.font()))


def _follow_color_scheme(app: QApplication) -> None:
    """Re-apply the system theme when the desktop switches light/dark (connected once).

    Only the SYSTEM theme follows: the hint and error colours were picked for the old scheme.
    """
    if app.property(_PROP_FOLLOWING):
        return
    app.setProperty(_PROP_FOLLOWING, True)

    def on_scheme_changed(_scheme: Qt.ColorScheme) -> None:
        if app.property(_PROP_THEME) == Theme.SYSTEM.value:
            apply_theme(app, Theme.SYSTEM, clamp_text_scale(app.property(_PROP_TEXT_SCALE)))

    # Queued: re-applying from inside the platform's notification would re-enter it.
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        on_scheme_changed, type=Qt.ConnectionType.QueuedConnection
    )
