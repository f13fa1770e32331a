"""Regular callers as a table: alias, call agreement, how many calls in total, the last one.

Regulars are a few dozen at most, so the model is reset with the whole list each time it
changes (opened on the worker, with their call counts). The counts and the last call's time
come from clear columns; the alias, agreement and notes are sealed and only held here while
the page is open: :meth:`CallersModel.clear` drops them on lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, TypeAlias

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from ui.models.base import ColumnTableModel
from ui.models.calls_model import time_text
from warmline.callers import Caller
from warmline.session import Session

_Index: TypeAlias = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    ALIAS = 0
    AGREEMENT = 1
    CALLS = 2
    LAST_CALL = 3


CallerUuidRole = Qt.ItemDataRole.UserRole + 1
CallerRowRole = Qt.ItemDataRole.UserRole + 2
DamagedRole = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True, slots=True)
class CallerRow:
    """One regular as the page shows and edits them, with counts from their calls."""

    uuid: str
    revision: int
    alias: str
    calls_per_day: int | None
    usual_minutes: int | None
    agreement_notes: str
    notes: str
    created_at: datetime | None
    agreement: str
    total_calls: int
    last_call: datetime | None
    damaged: bool

    @classmethod
    def from_caller(cls, caller: Caller, total_calls: int, last_call: datetime | None) -> CallerRow:
        return cls(
            uuid=caller.uuid,
            revision=caller.revision,
            alias=caller.alias,
            calls_per_day=caller.calls_per_day,
            usual_minutes=caller.usual_minutes,
            agreement_notes=caller.agreement_notes,
            notes=caller.notes,
            created_at=caller.created_at,
            agreement="" if caller.damaged else caller.agreement_text(),
            total_calls=total_calls,
            last_call=last_call,
            damaged=caller.damaged,
        )

    def to_caller(self) -> Caller:
        """The record this row was read from, at the revision it was read at."""
        return Caller(
            uuid=self.uuid,
            revision=self.revision,
            alias=self.alias,
            calls_per_day=self.calls_per_day,
            usual_minutes=self.usual_minutes,
            agreement_notes=self.agreement_notes,
            notes=self.notes,
            created_at=self.created_at,
            damaged=self.damaged,
        )


def load_caller_rows(session: Session) -> list[CallerRow]:
    """Every regular with their call count and last call, sorted by alias (worker)."""
    rows = []
    for caller in session.callers.all():
        total = session.calls.count_for_caller(caller.uuid)
        last = session.calls.last_for_caller(caller.uuid) if total else None
        rows.append(CallerRow.from_caller(caller, total, last.started_at if last else None))
    return rows


class CallersModel(ColumnTableModel):
    """Regular callers, sorted by alias. See the module docstring."""

    columns = Column

    Column = Column
    CallerUuidRole = CallerUuidRole
    CallerRowRole = CallerRowRole
    DamagedRole = DamagedRole

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CallerRow] = []

    # -- filling ---------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[CallerRow]) -> None:
        """Replace the whole list."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        """Forget every alias, agreement and note (on lock)."""
        self.set_rows([])

    def row_data(self, row: int) -> CallerRow | None:
        if 0 <= row < len(self._rows):
            return self._rows[row]
        return None

    def row_of(self, caller_uuid: str) -> int:
        for row, item in enumerate(self._rows):
            if item.uuid == caller_uuid:
                return row
        return -1

    def aliases(self) -> dict[str, str]:
        """Caller UUID -> alias, for the regulars whose record opened."""
        return {r.uuid: r.alias for r in self._rows if not r.damaged}

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        item = self.row_data(index.row())
        if item is None or not 0 <= index.column() < len(Column):
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.AGREEMENT and item.agreement:
            return item.agreement
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.CALLS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == CallerUuidRole:
            return item.uuid
        if role == CallerRowRole:
            return item
        if role == DamagedRole:
            return item.damaged
        return None

    def header_labels(self) -> dict[Any, str]:
        return {
            Column.ALIAS: self.tr("Alias"),
            Column.AGREEMENT: self.tr("Call agreement"),
            Column.CALLS: self.tr("Calls"),
            Column.LAST_CALL: self.tr("Last call"),
        }

    def _text(self, item: CallerRow, column: int) -> str:
        if column == Column.ALIAS:
            if item.damaged:
                return self.tr("This record could not be opened")
            return item.alias
        if column == Column.AGREEMENT:
            return "" if item.damaged else (item.agreement or self.tr("None agreed"))
        if column == Column.CALLS:
            return str(item.total_calls)
        return time_text(item.last_call) if item.last_call else self.tr("No calls yet")
