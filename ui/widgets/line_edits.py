"""Small helpers for line edits: a named clear button, and hidden entry with a show toggle.

``setClearButtonEnabled`` adds a little button inside the field with no name at all, so a
screen reader announces "button" and nothing else. :func:`named_clear_button` turns it on
and names it (text, tooltip and accessible name), so it says what it clears.

A recovery code is as good as a passphrase, so it is typed in hidden too; being long, it
comes with a "show" checkbox so the person can check it before unlocking.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QLineEdit, QToolButton

#: The object name Qt gives the clear button's action (stable since Qt 5.2).
CLEAR_ACTION = "_q_qlineeditclearaction"


def named_clear_button(edit: QLineEdit, name: str) -> None:
    """Show the field's clear button and call it ``name`` ("Clear the search")."""
    edit.setClearButtonEnabled(True)
    action = edit.findChild(QAction, CLEAR_ACTION)
    if action is None:  # a Qt without the private name: name every inner action instead
        actions = [a for a in edit.findChildren(QAction) if not a.text()]
    else:
        actions = [action]
    for each in actions:
        each.setText(name)
        each.setToolTip(name)
    for button in edit.findChildren(QToolButton):
        if button.defaultAction() in actions:
            button.setAccessibleName(name)


def hidden_entry(edit: QLineEdit) -> None:
    """Typing is shown as dots, and input methods neither learn nor suggest it, even when
    the person chooses to see what they typed (see :func:`show_toggle`)."""
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    _sensitive(edit)


def _sensitive(edit: QLineEdit) -> None:
    """Set after every echo change: Qt drops these hints when the echo mode goes Normal."""
    edit.setInputMethodHints(
        edit.inputMethodHints()
        | Qt.InputMethodHint.ImhSensitiveData
        | Qt.InputMethodHint.ImhNoPredictiveText
        | Qt.InputMethodHint.ImhNoAutoUppercase
    )


def show_toggle(edit: QLineEdit, text: str, name: str) -> QCheckBox:
    """A checkbox (off) that shows ``edit``'s text while ticked, for checking a long code.

    A checkbox rather than an eye icon inside the field: it is in the tab order, Space
    ticks it, and a screen reader says what it does.
    """
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(text.replace("&", ""))

    def toggled(on: bool) -> None:
        edit.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        _sensitive(edit)

    box.toggled.connect(toggled)
    return box
