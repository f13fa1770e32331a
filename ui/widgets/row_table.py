"""A table read as a list of whole rows: the keyboard moves between rows, never sideways.

QTableView's End and Home move to the last and first *column* of the current row. In a
list of people that put the cursor on the role cell, one key away from what looked like a
role change. Here End and Home go to the last and first row, the arrow keys left and right
stay put, and the current cell is always in the row's key column (the name), so a screen
reader reads the person, not a single cell of them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

_Move = QAbstractItemView.CursorAction


class RowTableView(QTableView):
    """Whole-row selection, read-only, keyboard moves by row only (see module docstring)."""

    def __init__(self, key_column: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key_column = key_column
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return super().moveCursor(cursorAction, modifiers)
        current = self.currentIndex()
        row = current.row() if current.isValid() else 0
        if cursorAction == _Move.MoveHome:
            row = 0
        elif cursorAction == _Move.MoveEnd:
            row = model.rowCount() - 1
        elif cursorAction not in (_Move.MoveLeft, _Move.MoveRight):
            moved = super().moveCursor(cursorAction, modifiers)
            row = moved.row() if moved.isValid() else row
        return model.index(row, self.key_column)
