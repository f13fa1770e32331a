"""Every handover for the shift leads' page: when, by whom, who has read it and who not yet.

The rows are worked out on the worker (:func:`load_handover_rows`) from the opened records;
the model only shows them. Filtering by date and author happens here, over the opened rows,
because the author and exact time are sealed and not in any clear column to query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from ui.models.base import ColumnTableModel, Index
from ui.models.calls_model import time_text
from warmline.accounts import Account
from warmline.followups import FollowUp
from warmline.handovers import Acknowledgement, Handover
from warmline.session import Session


class Column(IntEnum):
    WRITTEN = 0
    BY = 1
    READ_BY = 2
    NOT_YET = 3


HandoverRowRole = Qt.ItemDataRole.UserRole + 1


@dataclass
class HandoverRow:
    handover: Handover
    acks: list[Acknowledgement]
    #: Account UUIDs of people on the team (switched on, not the author) yet to read it.
    not_yet: list[str]
    followups: list[FollowUp] = field(default_factory=list)

    @property
    def written(self) -> datetime | None:
        return self.handover.created_at


def load_handover_rows(session: Session) -> tuple[list[HandoverRow], int]:
    """All handovers, newest first, with their acknowledgements and follow-ups (worker).

    The second value is how many acknowledgement rows could not be opened (changed or
    slipped into the file outside Warmline), so the page can say so.
    """
    acks = session.handovers.all_acknowledgements()
    team: list[Account] = [a for a in session.team.accounts() if not a.disabled]
    followups = session.followups.all()
    rows = []
    for handover in session.handovers.all():
        read = acks.get(handover.uuid, [])
        readers = {a.account_uuid for a in read}
        not_yet = [a.uuid for a in team if a.uuid != handover.author_uuid and a.uuid not in readers]
        theirs = [
            f
            for f in followups
            if (handover.shift_uuid and f.shift_uuid == handover.shift_uuid)
            or f.source_uuid == handover.uuid
        ]
        rows.append(HandoverRow(handover, read, not_yet, theirs))
    return rows, session.handovers.damaged_acknowledgements()


class HandoversModel(ColumnTableModel):
    columns = Column
    Column = Column
    HandoverRowRole = HandoverRowRole

    def __init__(self, names: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._all: list[HandoverRow] = []
        self._rows: list[HandoverRow] = []
        self._since: date | None = None
        self._until: date | None = None
        self._author: str | None = None

    def header_labels(self) -> dict[Any, str]:
        return {
            Column.WRITTEN: self.tr("Written"),
            Column.BY: self.tr("By"),
            Column.READ_BY: self.tr("Read by"),
            Column.NOT_YET: self.tr("Not read yet by"),
        }

    def set_rows(self, rows: Iterable[HandoverRow]) -> None:
        self._all = list(rows)
        self._apply()

    def clear(self) -> None:
        self.set_rows([])

    def set_filter(self, since: date | None, until: date | None, author: str | None) -> None:
        """Only handovers written on or after ``since``, on or before ``until`` (local days),
        by ``author`` (an account UUID); None means no limit."""
        self._since, self._until, self._author = since, until, author
        self._apply()

    def authors(self) -> list[str]:
        return list(dict.fromkeys(r.handover.author_uuid for r in self._all))

    def _keep(self, row: HandoverRow) -> bool:
        if self._author and row.handover.author_uuid != self._author:
            return False
        when = row.written
        day = when.astimezone().date() if when is not None else None
        if self._since and (day is None or day < self._since):
            return False
        return not (self._until and (day is None or day > self._until))

    def _apply(self) -> None:
        self.beginResetModel()
        self._rows = [r for r in self._all if self._keep(r)]
        self.endResetModel()

    def row_at(self, row: int) -> HandoverRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column is Column.WRITTEN:
                if row.handover.damaged:
                    return self.tr("Could not be opened")
                return time_text(row.written)
            if column is Column.BY:
                return self._names(row.handover.author_uuid)
            if column is Column.READ_BY:
                return ", ".join(self._names(a.account_uuid) for a in row.acks) or self.tr(
                    "Nobody yet"
                )
            return ", ".join(self._names(u) for u in row.not_yet) or self.tr("Everyone has")
        if role == HandoverRowRole:
            return row
        return None
