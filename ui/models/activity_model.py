"""The record of activity as a table: when, who, and what they did, newest first.

Entries arrive already opened from the worker (:meth:`warmline.audit.AuditTrail.entries`);
this model only words them. Each kind of event has its own plain sentence here rather than
in the core, so it can be translated. Filters (a person, a group of kinds) are applied in
the model: a team's record is thousands of rows at most, so a reset is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import Any, TypeAlias

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from ui.models.base import ColumnTableModel
from ui.models.calls_model import time_text
from warmline.audit import Entry, Kind

_Index: TypeAlias = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("Activity", text)


#: Groups offered in the "What" filter, in order: (label, kinds).
GROUPS: list[tuple[str, frozenset[str]]] = [
    (
        "Unlocking and locking",
        frozenset({Kind.UNLOCK, Kind.UNLOCK_WITH_CODE, Kind.UNLOCK_FAILED, Kind.LOCK}),
    ),
    ("Passphrases that did not match", frozenset({Kind.UNLOCK_FAILED})),
    (
        "Changes to the team",
        frozenset(
            {
                Kind.ACCOUNT_ADDED,
                Kind.ROLE_CHANGED,
                Kind.SWITCHED_OFF,
                Kind.SWITCHED_ON,
                Kind.PASSPHRASE_RESET,
                Kind.OWN_PASSPHRASE,
                Kind.TEAM_LOCK_REPLACED,
            }
        ),
    ),
    ("Edits and deletions", frozenset({Kind.RECORD_EDITED, Kind.RECORD_DELETED})),
    (
        "Printing and saving to files",
        frozenset(
            {
                Kind.REPORT_SAVED,
                Kind.REPORT_PRINTED,
                Kind.HANDOVER_PRINTED,
                Kind.HANDOVER_SAVED,
                Kind.REFLECTIONS_SAVED,
            }
        ),
    ),
    (
        "Backups and clearing old notes",
        frozenset({Kind.BACKUP_MADE, Kind.BACKUP_RESTORED, Kind.RETENTION_RUN}),
    ),
]

#: What each kind of team record is called in a sentence ("Edited a call").
_RECORDS = {
    "calls": "a call",
    "callers": "a regular caller",
    "handovers": "a handover",
    "handover_acks": "a reply to a handover",
    "followups": "a follow-up",
    "shifts": "a shift",
    "word_requests": "a request for a word",
}

_PLAIN = {
    Kind.UNLOCK: "Unlocked Warmline",
    Kind.UNLOCK_WITH_CODE: "Unlocked with a recovery code",
    Kind.LOCK: "Locked Warmline",
    Kind.OWN_PASSPHRASE: "Changed their own passphrase",
    Kind.TEAM_LOCK_REPLACED: "Changed the team's lock",
    Kind.REPORT_SAVED: "Saved a report to a file",
    Kind.REPORT_PRINTED: "Printed a report",
    Kind.HANDOVER_PRINTED: "Printed a handover",
    Kind.HANDOVER_SAVED: "Saved a handover as a PDF",
    Kind.REFLECTIONS_SAVED: "Saved their own reflections to a file",
    Kind.BACKUP_MADE: "Made a backup",
    Kind.BACKUP_RESTORED: "Restored a backup",
}

_ABOUT_SOMEONE = {
    Kind.ACCOUNT_ADDED: "Added {name} to the team",
    Kind.ROLE_CHANGED: "Changed the role of {name}",
    Kind.SWITCHED_OFF: "Switched off the account of {name}",
    Kind.SWITCHED_ON: "Switched the account of {name} back on",
    Kind.PASSPHRASE_RESET: "Set a new passphrase for {name}",
}


def what_text(entry: Entry, name_of: Callable[[str], str]) -> str:
    """What happened, in a short plain sentence (never anything a person typed)."""
    kind = entry.kind
    if kind in _PLAIN:
        return _tr(_PLAIN[Kind(kind)])
    if kind in _ABOUT_SOMEONE:
        return _tr(_ABOUT_SOMEONE[Kind(kind)]).format(name=name_of(entry.record))
    if kind == Kind.UNLOCK_FAILED:
        if entry.count and entry.count > 1:
            return _tr("A passphrase that did not match was typed {n} times").format(n=entry.count)
        return _tr("A passphrase that did not match was typed")
    if kind in (Kind.RECORD_EDITED, Kind.RECORD_DELETED):
        thing = _tr(_RECORDS.get(entry.table, "a record"))
        verb = _tr("Edited {thing}") if kind == Kind.RECORD_EDITED else _tr("Deleted {thing}")
        return verb.format(thing=thing)
    if kind == Kind.RETENTION_RUN:
        if entry.count is not None:
            return _tr("Cleared the text of {n} old records, as the team chose").format(
                n=entry.count
            )
        return _tr("Cleared the text of old records, as the team chose")
    return _tr("Something a newer Warmline recorded")


class Column(IntEnum):
    WHEN = 0
    WHO = 1
    WHAT = 2


class ActivityModel(ColumnTableModel):
    """Entries newest first, filtered by person and group; ``ENTRY_ROLE`` gives the Entry."""

    columns = Column
    Column = Column
    ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, name_of: Callable[[str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name_of = name_of
        self._all: list[Entry] = []
        self._shown: list[Entry] = []
        self._person = ""
        self._kinds: frozenset[str] | None = None

    # -- filling and filtering --------------------------------------------------------------------

    def set_entries(self, entries: Iterable[Entry]) -> None:
        self._all = sorted(entries, key=lambda e: e.seq, reverse=True)
        self._apply()

    def set_filter(self, person: str = "", kinds: frozenset[str] | None = None) -> None:
        """Only ``person``'s entries ("" for everyone), of ``kinds`` (None for every kind)."""
        self._person, self._kinds = person, kinds
        self._apply()

    def people(self) -> list[str]:
        """Everyone the record mentions as the one who acted (for the person filter)."""
        return sorted(
            {e.who for e in self._all if e.who}, key=lambda u: self._name_of(u).casefold()
        )

    def entry(self, row: int) -> Entry | None:
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _apply(self) -> None:
        self.beginResetModel()
        self._shown = [
            e
            for e in self._all
            if (not self._person or e.who == self._person)
            and (self._kinds is None or e.kind in self._kinds)
        ]
        self.endResetModel()

    # -- QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        entry = self.entry(index.row())
        if entry is None or not 0 <= index.column() < len(Column):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(entry, Column(index.column()))
        if role == self.ENTRY_ROLE:
            return entry
        return None

    def header_labels(self) -> dict[Any, str]:
        return {
            Column.WHEN: self.tr("When"),
            Column.WHO: self.tr("Who"),
            Column.WHAT: self.tr("What"),
        }

    def _text(self, entry: Entry, column: int) -> str:
        if column == Column.WHEN:
            return time_text(entry.at)
        if column == Column.WHO:
            return self._name_of(entry.who)
        return what_text(entry, self._name_of)
