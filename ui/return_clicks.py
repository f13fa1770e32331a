"""Keys on a focused button, on pages: Return presses it, plain letters do nothing.

Qt presses a focused push button with Space everywhere, but with Return only inside
dialogs. Someone working by keyboard, Tab-ing to "Add a person…" or "Start the shift" and
pressing Return, found nothing happened. This filter on the application makes Return do on
pages what it does in dialogs; dialogs keep Qt's own handling (their default button).

And on X11 a plain letter typed while a push button has focus can set off another button
whose underlined letter it is, as if Alt were held: someone typing a note, one hand on the
phone, who had not noticed the cursor was on a button, ended and saved a call that way. On
pages a focused push button now keeps plain letters to itself (and ignores them); Alt+letter
works as before, and radio buttons keep choosing each other by letter.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QPushButton

_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


class ReturnClicksButtons(QObject):
    """Install once on the QApplication (see :func:`install`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QPushButton)
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
