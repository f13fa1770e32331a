"""The shared shape of Warmline's list models: a flat table whose columns are an IntEnum.

Each model declares its ``Column`` enum and the header label of each column; column count
and header data live here once, so every list answers Qt the same way.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar, TypeAlias

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index: TypeAlias = QModelIndex | QPersistentModelIndex


class ColumnTableModel(QAbstractTableModel):
    columns: ClassVar[type[IntEnum]]

    def header_labels(self) -> dict[Any, str]:
        """Column -> translated header text."""
        raise NotImplementedError

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.header_labels()[self.columns(section)]
