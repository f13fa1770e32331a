"""Finds text a window cuts off: what test_fit_everywhere asserts, screen by screen.

Each check measures with the widget's own font (after the style sheet polished it) and the
room the style really gives the text (the contents rectangle of a label or button, the edit
field of a combo box, the text area of a line edit), so it fails where a person would see
"Tc" for "To" or "ogged b" for "Logged by", and not on mere size-hint differences.

The rules:

* a label that does not wrap needs its text's width and height;
* a word-wrapped label may wrap, but needs the height its wrapped lines take, and room for
  its longest word;
* a button, check box or radio needs its text's width and height inside its contents;
* a combo box needs its current text inside its edit field;
* a line edit needs a line of text's height, its placeholder's width, and (in a spin box or
  date edit, where the value is all there is) its text's width;
* a header section needs its title's width plus the style's margins.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QToolButton,
    QWidget,
)

# QLineEdit keeps this much space beside its text inside the contents (qlineedit_p.h).
_LINE_EDIT_H_MARGIN = 2


def plain(text: str) -> str:
    """Text as drawn: mnemonic ampersands removed, a doubled one kept as one."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def describe(widget: QWidget) -> str:
    """A name a person can find the control by: object name, class and its words."""
    words = ""
    if isinstance(widget, (QLabel, QAbstractButton)):
        words = plain(widget.text())
    elif isinstance(widget, QComboBox):
        words = widget.currentText()
    elif isinstance(widget, QLineEdit):
        words = widget.placeholderText() or widget.text()
    name = widget.objectName() or (widget.parent().objectName() if widget.parent() else "")
    short = words if len(words) <= 40 else words[:37] + "…"
    return f"{type(widget).__name__} {name!r} {short!r}".replace(" ''", "")


def _text_size(fm: QFontMetrics, text: str, mnemonic: bool = False) -> tuple[int, int]:
    """Width and height of (possibly multi-line) unwrapped text, as Qt draws it.

    With ``mnemonic``, ``text`` still holds its ampersand: Qt draws the underlined letter as a
    piece of its own, which loses the kerning between it and its neighbours ("&To" is drawn
    wider than "To" measures), so the width is that of the three pieces side by side.
    """
    shown = plain(text) if mnemonic else text
    rect = fm.boundingRect(QRect(0, 0, 100_000, 100_000), int(Qt.TextFlag.TextExpandTabs), shown)
    width = rect.width()
    if mnemonic:
        width = max(width, sum(fm.horizontalAdvance(piece) for piece in mnemonic_pieces(text)))
    return width, rect.height()


def mnemonic_pieces(text: str) -> list[str]:
    """``text`` split where Qt splits it to underline the mnemonic letter."""
    marked = text.replace("&&", "\0")
    at = marked.find("&")
    if at < 0 or at + 1 >= len(marked):
        return [plain(text)]
    pieces = [marked[:at], marked[at + 1], marked[at + 2 :]]
    return [p.replace("\0", "&") for p in pieces if p]


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    mnemonic = label.buddy() is not None
    if mnemonic:
        text = plain(text)
    room = label.contentsRect().adjusted(
        label.margin(), label.margin(), -label.margin(), -label.margin()
    )
    fm = label.fontMetrics()
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    ):
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        if label.wordWrap():
            doc.setTextWidth(room.width())
        need_w, need_h = round(doc.idealWidth()), round(doc.size().height())
    elif label.wordWrap():
        flags = int(Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextExpandTabs)
        wrapped = fm.boundingRect(QRect(0, 0, max(room.width(), 1), 100_000), flags, text)
        need_w, need_h = wrapped.width(), wrapped.height()
        if need_h > room.height():
            return (
                f"wraps to {need_h}px of lines but is {room.height()}px tall "
                f"(at {room.width()}px wide)"
            )
        if need_w > room.width():
            return f"has a word {need_w}px wide in {room.width()}px"
        return None
    else:
        need_w, need_h = _text_size(fm, label.text() if mnemonic else text, mnemonic)
    if need_w > room.width():
        return f"needs {need_w}px wide, has {room.width()}px"
    if need_h > room.height():
        return f"needs {need_h}px tall, has {room.height()}px"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = button.text()
    if not plain(text) or isinstance(button, QToolButton):
        return None  # tool buttons (a field's clear button) show an icon, not words
    option = QStyleOptionButton()
    button.initStyleOption(option)  # type: ignore[attr-defined]
    element = {
        QCheckBox: QStyle.SubElement.SE_CheckBoxContents,
        QRadioButton: QStyle.SubElement.SE_RadioButtonContents,
        QPushButton: QStyle.SubElement.SE_PushButtonContents,
    }
    kind = next((e for cls, e in element.items() if isinstance(button, cls)), None)
    if kind is None:
        return None
    room = button.style().subElementRect(kind, option, button)
    if isinstance(button, QPushButton) and not button.icon().isNull():
        room.setLeft(room.left() + button.iconSize().width() + 4)
    need_w, need_h = _text_size(button.fontMetrics(), text, mnemonic=True)
    if need_w > room.width():
        return f"needs {need_w}px for its words, has {room.width()}px"
    if need_h > room.height():
        return f"needs {need_h}px tall, has {room.height()}px"
    return None


def _combo_problem(combo: QComboBox) -> str | None:
    if combo.isEditable():
        return None  # its line edit is checked as a line edit
    text = combo.currentText()
    if not text:
        return None
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    room = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    need_w, need_h = _text_size(combo.fontMetrics(), text)
    if need_w > room.width():
        return f"shows {need_w}px of text in {room.width()}px"
    if need_h > room.height():
        return f"needs {need_h}px tall, has {room.height()}px"
    return None


def _line_edit_problem(edit: QLineEdit) -> str | None:
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    # QLineEdit clips its text to the contents less its text margins, and keeps a small
    # margin on each side inside that (qlineedit.cpp, paintEvent).
    room = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    room = room.marginsRemoved(edit.textMargins())
    fm = edit.fontMetrics()
    if fm.height() > room.height():
        return f"has {room.height()}px for a {fm.height()}px line of text"
    room = room.adjusted(_LINE_EDIT_H_MARGIN, 0, -_LINE_EDIT_H_MARGIN, 0)
    in_spin_box = isinstance(edit.parent(), QAbstractSpinBox)
    if in_spin_box and edit.text():
        shown = edit.text()
    elif not edit.text() and edit.placeholderText():
        shown = edit.placeholderText()
    else:
        return None
    # The clear button, when there is one, sits inside the contents too.
    for action in edit.actions():
        if action.isVisible() and action.objectName() == "_q_qlineeditclearaction":
            room.setRight(room.right() - edit.height())
    need = fm.horizontalAdvance(shown)
    if need > room.width():
        return f"shows {shown!r} ({need}px) in {room.width()}px"
    return None


def _header_problems(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return []
    font = QFont(header.font())
    if header.highlightSections():
        font.setBold(True)  # the titles of the current row's cells are drawn bold
    fm = QFontMetrics(font)
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    problems = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        title = model.headerData(section, Qt.Orientation.Horizontal)
        if not title:
            continue
        need_w, need_h = _text_size(fm, str(title))
        need_w += 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            need_w += fm.height()
        if header.sectionSize(section) < need_w:
            problems.append(
                f"header section {str(title)!r} is {header.sectionSize(section)}px, its title "
                f"needs {need_w}px"
            )
        if header.height() < need_h:
            problems.append(f"header {header.height()}px tall for {need_h}px of text")
    return problems


def shown(widget: QWidget, root: QWidget) -> bool:
    """Visible on screen in ``root``'s window (not a hidden page or another window)."""
    return widget.isVisible() and widget.window() is root.window()


def clipped(root: QWidget) -> list[str]:
    """Every control under ``root`` whose text does not fit, as readable lines."""
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not shown(widget, root):
            continue
        found: list[str] = []
        problem: str | None = None
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QAbstractButton):
            problem = _button_problem(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo_problem(widget)
        elif isinstance(widget, QLineEdit):
            problem = _line_edit_problem(widget)
        elif isinstance(widget, QHeaderView):
            found = _header_problems(widget)
        if problem:
            found.append(problem)
        problems.extend(f"{describe(widget)}: {p}" for p in found)
    return problems
