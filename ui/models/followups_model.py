"""Open follow-ups as a table: when raised, what to do, where it came from, and if it is late.

Follow-ups are few, so the model is reset with the whole list after each load. Overdue ones
stand out twice: the word "Overdue" in their own column (for screen readers and for print-
outs of the screen) and bold text. :meth:`FollowUpsModel.clear` drops the text on lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from ui.models.base import ColumnTableModel, Index
from ui.models.calls_model import time_text
from warmline.followups import FollowUp, Source


class Column(IntEnum):
    RAISED = 0
    TEXT = 1
    SOURCE = 2
    STATE = 3


FollowUpRole = Qt.ItemDataRole.UserRole + 1


class FollowUpsModel(ColumnTableModel):
    columns = Column
    Column = Column
    FollowUpRole = FollowUpRole

    def __init__(self, names: Callable[[str | None], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._rows: list[FollowUp] = []
        self._now: datetime | None = None

    def header_labels(self) -> dict[Any, str]:
        return {
            Column.RAISED: self.tr("Raised"),
            Column.TEXT: self.tr("To do"),
            Column.SOURCE: self.tr("From"),
            Column.STATE: self.tr("State"),
        }

    def set_rows(self, rows: Iterable[FollowUp], now: datetime) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._now = now
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], self._now or datetime.now().astimezone())

    def followup_at(self, row: int) -> FollowUp | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def overdue_count(self) -> int:
        return sum(1 for f in self._rows if self._overdue(f))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def _overdue(self, followup: FollowUp) -> bool:
        return self._now is not None and followup.is_overdue(self._now)

    def _source(self, followup: FollowUp) -> str:
        who = self._names(followup.raised_by)
        if followup.source == Source.HANDOVER.value:
            return self.tr("{who}'s handover").format(who=who)
        return self.tr("A call taken by {who}").format(who=who)

    def _state(self, followup: FollowUp) -> str:
        if not followup.is_open:
            return self.tr("Done by {who}").format(who=self._names(followup.done_by))
        return self.tr("Overdue") if self._overdue(followup) else self.tr("Open")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        followup = self.followup_at(index.row()) if index.isValid() else None
        if followup is None:
            return None
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column is Column.RAISED:
                return time_text(followup.raised_at)
            if column is Column.TEXT:
                return followup.text
            if column is Column.SOURCE:
                return self._source(followup)
            return self._state(followup)
        if role == Qt.ItemDataRole.FontRole and self._overdue(followup):
            font = QFont()
            font.setBold(True)
            return font
        if role == FollowUpRole:
            return followup
        return None
