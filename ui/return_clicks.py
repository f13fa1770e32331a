"""Keys on a focused button, on pages: Return presses it, plain letters do nothing.

Qt presses a focused push button with Space everywhere, but with Return only inside
dialogs. Someone working by keyboard, Tab-ing to "Add a person…" or "Start the shift" and
pressing Return, found nothing happened. This filter on the application makes Return do on
pages what it does in dialogs; dialogs keep Qt's own handling (their default button).

And on X11 a plain letter typed while the focus is not in a text field can set off a button
whose underlined letter it is, as if Alt were held: someone typing a note, one hand on the
phone, who had not noticed the cursor had left the note, started and ended a shift that way.
On pages, a plain letter is now left to the focused widget itself (a list still jumps to the
item typed); Alt+letter works as before, and radio buttons and check boxes keep choosing
each other by letter.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTextEdit,
    QWidget,
)

_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
#: Widgets whose own use of plain letters is wanted: typing, and radio buttons and check
#: boxes, which choose one another by letter within their group.
_KEEP_LETTERS = (
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
    QAbstractSpinBox,
    QComboBox,
    QRadioButton,
    QCheckBox,
)


class ReturnClicksButtons(QObject):
    """Install once on the QApplication (see :func:`install`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QWidget)
            and not isinstance(watched, _KEEP_LETTERS)
            and event.modifiers() in _PLAIN
            and event.text().isprintable()
            and event.text().strip()
            and not isinstance(watched.window(), QDialog)
        ):
            event.accept()  # "this key is mine": no shortcut or mnemonic runs for it
            return True
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _KEYS
            and event.modifiers() in _PLAIN
            and isinstance(watched, QPushButton)
            and watched.isEnabled()
            and not isinstance(watched.window(), QDialog)
        ):
            watched.animateClick()
            return True
        return False


def install(app: QApplication) -> ReturnClicksButtons:
    """Make Return press focused buttons in every window of ``app`` (once per app)."""
    keeper = app.findChild(ReturnClicksButtons, "return-clicks-buttons")
    if keeper is None:
        keeper = ReturnClicksButtons(app)
        keeper.setObjectName("return-clicks-buttons")
        app.installEventFilter(keeper)
    return keeper
