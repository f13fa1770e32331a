"""Small things Qt's line edit leaves unnamed.

``setClearButtonEnabled`` adds a little button inside the field with no name at all, so a
screen reader announces "button" and nothing else. :func:`named_clear_button` turns it on
and names it (text, tooltip and accessible name), so it says what it clears.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QToolButton

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
