"""The calls list as an item model that fetches a page at a time, newest first.

Why pages: a line can hold 100,000 calls. Opening them all would take seconds and keep every
decrypted note in memory; the view asks for more (``canFetchMore``/``fetchMore``) only as the
person scrolls, 100 rows at a time, each page opened on the worker thread.

Two sources, one shape:

* no search and no filter: pages straight from the database (``calls.page``, then keyset
  pages after the last row shown, so a call saved meanwhile cannot shift rows twice);
* a search or filter: the search service returns every matching UUID (clear, cheap), and
  the model opens those calls a page at a time.

Rows keep only what the table shows (:class:`CallRow`: times, alias, channel, topics, who
logged it, whether there is a follow-up). The notes themselves never reach the GUI thread:
the conversion happens on the worker. A record whose sealed body will not open stays in the
list with its clear facts and the words "This record could not be opened", instead of
breaking the list.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, TypeAlias

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ui.backend import Backend, describe
from ui.models.base import ColumnTableModel
from ui.search_service import SearchService
from warmline.calls import Call, CallerKind, sort_iso
from warmline.ips import channels
from warmline.search import CallFilter, SearchResult, load_calls
from warmline.session import Session
from warmline.timeutil import to_iso

_Index: TypeAlias = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 100


def _tr(text: str) -> str:
    return QCoreApplication.translate("CallsModel", text)


class Column(IntEnum):
    TIME = 0
    DURATION = 1
    CALLER = 2
    CHANNEL = 3
    TOPICS = 4
    LOGGED_BY = 5
    FOLLOW_UP = 6


CallUuidRole = Qt.ItemDataRole.UserRole + 1
FollowUpRole = Qt.ItemDataRole.UserRole + 2
DamagedRole = Qt.ItemDataRole.UserRole + 3
StartedAtRole = Qt.ItemDataRole.UserRole + 4
CallerUuidRole = Qt.ItemDataRole.UserRole + 5


@dataclass(frozen=True, slots=True)
class CallRow:
    """What one line of the list shows; built on the worker, so notes stay off the GUI."""

    uuid: str
    revision: int
    started_at: datetime | None
    duration_s: int | None
    author_uuid: str
    shift_uuid: str | None
    caller_uuid: str | None
    caller_kind: str
    channel: str
    topics: tuple[str, ...]
    follow_up: bool
    damaged: bool
    day: str = ""

    @classmethod
    def from_call(cls, call: Call) -> CallRow:
        return cls(
            uuid=call.uuid,
            revision=call.revision,
            started_at=call.started_at,
            duration_s=call.duration_s,
            author_uuid=call.author_uuid,
            shift_uuid=call.shift_uuid,
            caller_uuid=call.caller_uuid,
            caller_kind="" if call.damaged else call.caller_kind,
            channel="" if call.damaged else call.channel,
            topics=() if call.damaged else tuple(call.topics),
            follow_up=False if call.damaged else call.has_follow_up,
            damaged=call.damaged,
            day=call.day,
        )


def rows_page(session: Session, after: CallRow | None, limit: int = PAGE_SIZE) -> list[CallRow]:
    """A page of rows, newest first: the first page, or the one after ``after`` (worker)."""
    key = None if after is None else (sort_iso(to_iso(after.started_at), after.day), after.uuid)
    return [CallRow.from_call(c) for c in session.calls.newest(limit, key)]


def rows_for(session: Session, uuids: Sequence[str]) -> list[CallRow]:
    """Rows for these calls, in this order; deleted ones are left out (worker)."""
    return [CallRow.from_call(c) for c in load_calls(session, uuids)]


def duration_text(seconds: int | None) -> str:
    """ "4 min", "45 s", or "" while a call has no end yet."""
    if seconds is None:
        return ""
    if seconds < 60:
        return _tr("{n} s").format(n=seconds)
    return _tr("{n} min").format(n=round(seconds / 60))


def time_text(moment: datetime | None) -> str:
    """A start time in the person's own time zone, as "Sat 28 Nov 2026, 21:05".

    A fixed pattern rather than the locale's short format: some locales' short format is bare
    numbers ("28 11 2026 21:05"), which reads as a mistake; month and day names still come
    from the locale.
    """
    if moment is None:
        return ""
    stamp = QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000)).toLocalTime()
    return QLocale().toString(stamp, "ddd d MMM yyyy, HH:mm")


class CallsModel(ColumnTableModel):
    """Calls, newest first, fetched a page at a time. See the module docstring."""

    columns = Column

    Column = Column
    CallUuidRole = CallUuidRole
    FollowUpRole = FollowUpRole
    DamagedRole = DamagedRole
    StartedAtRole = StartedAtRole
    CallerUuidRole = CallerUuidRole
    PAGE_SIZE = PAGE_SIZE

    #: Something about loading changed (rows arrived, a search started, finished or waits).
    status_changed = Signal()

    def __init__(
        self,
        backend: Backend,
        search: SearchService | None = None,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._search: SearchService | None = None
        self._page_size = page_size
        self._filter = CallFilter()
        self._rows: list[CallRow] = []
        self._seen: set[str] = set()
        self._uuids: list[str] | None = None  # search mode: every match, newest first
        self._consumed = 0  # how many of _uuids have been asked for
        self._exhausted = False  # page mode: the last page came back short
        self._total: int | None = None
        self._pending = False
        self._waiting = False  # a search waits for the index to be ready
        self._generation = 0
        self._aliases: dict[str, str] = {}
        self._channels = {c.id: c.label for c in channels()}
        if search is not None:
            self.set_search(search)

    # -- what the page asks ----------------------------------------------------------------

    def set_search(self, search: SearchService | None) -> None:
        """Use this search service for searches and filters."""
        if self._search is search:
            return
        self._search = search
        if search is not None:
            search.ready.connect(self._index_ready)
            search.changed.connect(self._index_changed)
            if self._waiting:
                self.reload()

    @property
    def filter(self) -> CallFilter:
        return self._filter

    def set_filter(self, query: CallFilter) -> None:
        """Show only the calls that match ``query`` (an empty filter shows every call)."""
        self._filter = query
        self.reload()

    @property
    def loading(self) -> bool:
        return self._pending

    @property
    def waiting_for_index(self) -> bool:
        """True while a search waits for the index to finish building."""
        return self._waiting

    @property
    def total(self) -> int | None:
        """How many calls match (None until known)."""
        return self._total

    def set_aliases(self, aliases: dict[str, str]) -> None:
        """Regulars' aliases by caller UUID, for the Caller column."""
        self._aliases = dict(aliases)
        self._column_changed(Column.CALLER)

    def names_changed(self) -> None:
        """Account names were (re)loaded: redraw the Logged by column."""
        self._column_changed(Column.LOGGED_BY)

    def row_data(self, row: int) -> CallRow | None:
        if 0 <= row < len(self._rows):
            return self._rows[row]
        return None

    def row_of(self, call_uuid: str) -> int:
        for row, item in enumerate(self._rows):
            if item.uuid == call_uuid:
                return row
        return -1

    def reload(self) -> None:
        """Start again from the first page (after a filter change or a save)."""
        self._reset()
        if self._filter.is_empty():
            self._fetch_page()
            return
        search = self._search
        if search is None or not search.is_ready:
            self._waiting = True
            self.status_changed.emit()
            return
        generation = self._generation
        self._pending = True
        started = search.search(
            self._filter,
            lambda result: self._matched(generation, result),
            on_error=lambda error: self._failed(generation, error),
        )
        if not started:
            self._pending = False
            self._waiting = True
        self.status_changed.emit()

    def clear(self) -> None:
        """Forget every row and alias (on lock): nothing decrypted stays in the model."""
        self._reset()
        self._aliases = {}
        self._filter = CallFilter()
        if self._search is not None:
            for signal, slot in (
                (self._search.ready, self._index_ready),
                (self._search.changed, self._index_changed),
            ):
                with contextlib.suppress(RuntimeError, TypeError):  # already gone
                    signal.disconnect(slot)
        self._search = None
        self.status_changed.emit()

    # -- fetching --------------------------------------------------------------------------

    def _reset(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._seen = set()
        self._uuids = None
        self._consumed = 0
        self._exhausted = False
        self._total = None
        self._pending = False
        self._waiting = False
        self.endResetModel()

    def _fetch_page(self) -> None:
        generation = self._generation
        after = self._rows[-1] if self._rows else None
        limit = self._page_size
        first = after is None

        def work(session: Session) -> tuple[list[CallRow], int | None]:
            rows = rows_page(session, after, limit)
            return rows, (session.calls.count() if first else None)

        self._pending = True
        handle = self._backend.run(
            work,
            lambda result: self._page_arrived(generation, *result),
            lambda error: self._failed(generation, error),
        )
        if handle is None:
            self._pending = False

    def _page_arrived(self, generation: int, rows: list[CallRow], total: int | None) -> None:
        if generation != self._generation:
            return
        self._pending = False
        if total is not None:
            self._total = total
        if len(rows) < self._page_size:
            self._exhausted = True
        self._append(rows)

    def _matched(self, generation: int, result: SearchResult) -> None:
        if generation != self._generation:
            return
        self._pending = False
        self._uuids = result.uuids
        self._total = result.total
        self.status_changed.emit()
        if self._uuids:
            self._fetch_matches()

    def _fetch_matches(self) -> None:
        assert self._uuids is not None
        generation = self._generation
        chunk = self._uuids[self._consumed : self._consumed + self._page_size]
        self._consumed += len(chunk)
        self._pending = True
        handle = self._backend.run(
            lambda session: rows_for(session, chunk),
            lambda rows: self._matches_arrived(generation, rows),
            lambda error: self._failed(generation, error),
        )
        if handle is None:
            self._pending = False

    def _matches_arrived(self, generation: int, rows: list[CallRow]) -> None:
        if generation != self._generation:
            return
        self._pending = False
        self._append(rows)

    def _append(self, rows: list[CallRow]) -> None:
        fresh = [r for r in rows if r.uuid not in self._seen]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self._seen.update(r.uuid for r in fresh)
            self.endInsertRows()
        self.status_changed.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._pending = False
        self._exhausted = True
        self._uuids = self._uuids[: self._consumed] if self._uuids is not None else None
        self._backend.error_reported.emit(describe(error))
        self.status_changed.emit()

    def _index_ready(self) -> None:
        if self._waiting:
            self.reload()

    def _index_changed(self) -> None:
        if not self._filter.is_empty() and not self._waiting:
            self.reload()

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: _Index) -> bool:
        if parent.isValid() or self._pending or self._waiting:
            return False
        if self._uuids is not None:
            return self._consumed < len(self._uuids)
        if self._filter.is_empty():
            return bool(self._rows) and not self._exhausted
        return False

    def fetchMore(self, parent: _Index) -> None:
        if not self.canFetchMore(parent):
            return
        if self._uuids is not None:
            self._fetch_matches()
        else:
            self._fetch_page()
        self.status_changed.emit()

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
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if item.damaged and column == Column.CALLER:
                return _tr(
                    "This call's notes look damaged or changed outside Warmline, so they "
                    "cannot be shown. Everything else is still available."
                )
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.DURATION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == CallUuidRole:
            return item.uuid
        if role == FollowUpRole:
            return item.follow_up
        if role == DamagedRole:
            return item.damaged
        if role == StartedAtRole:
            return item.started_at
        if role == CallerUuidRole:
            return item.caller_uuid
        return None

    def width_samples(self) -> dict[int, list[str]]:
        """The widest texts each column usually shows, for sizing the columns to them.

        Times vary with the day and month names of the locale, callers with the regulars'
        aliases and Logged by with the team's names; Topics takes whatever room is left.
        """
        months = [datetime(2026, month, 22, 23, 58) for month in range(1, 13)]
        days = [datetime(2026, 9, day, 23, 58) for day in range(21, 28)]
        times = [time_text(moment.astimezone()) for moment in months + days]
        names = [account.display_name for account in self._backend.accounts.values()]
        return {
            Column.TIME: times,
            Column.DURATION: [duration_text(59), duration_text(599 * 60)],
            Column.CALLER: [
                *self._aliases.values(),
                self.tr("A regular caller"),
                self.tr("First-time caller"),
                self.tr("Anonymous"),
            ],
            Column.CHANNEL: list(self._channels.values()),
            Column.LOGGED_BY: names,
            Column.FOLLOW_UP: [self.tr("Follow up")],
        }

    def header_labels(self) -> dict[Any, str]:
        return {
            Column.TIME: self.tr("Time"),
            Column.DURATION: self.tr("Length"),
            Column.CALLER: self.tr("Caller"),
            Column.CHANNEL: self.tr("Channel"),
            Column.TOPICS: self.tr("Topics"),
            Column.LOGGED_BY: self.tr("Logged by"),
            Column.FOLLOW_UP: self.tr("Follow-up"),
        }

    # -- internals -------------------------------------------------------------------------

    def _text(self, item: CallRow, column: int) -> str:
        if column == Column.TIME:
            return time_text(item.started_at)
        if column == Column.DURATION:
            return duration_text(item.duration_s)
        if column == Column.LOGGED_BY:
            return self._backend.display_name(item.author_uuid)
        if item.damaged:
            return self.tr("This record could not be opened") if column == Column.CALLER else ""
        if column == Column.CALLER:
            return self._caller_text(item)
        if column == Column.CHANNEL:
            return self._channels.get(item.channel, item.channel)
        if column == Column.TOPICS:
            return ", ".join(item.topics)
        return self.tr("Follow up") if item.follow_up else ""

    def _caller_text(self, item: CallRow) -> str:
        if item.caller_uuid:
            alias = self._aliases.get(item.caller_uuid)
            return alias if alias else self.tr("A regular caller")
        if item.caller_kind == CallerKind.NEW.value:
            return self.tr("First-time caller")
        return self.tr("Anonymous")

    def _accessible(self, item: CallRow, column: int) -> str:
        if column == Column.FOLLOW_UP:
            return self.tr("Follow up") if item.follow_up else self.tr("No follow-up")
        return self._text(item, column)

    def _column_changed(self, column: int) -> None:
        if self._rows:
            top = self.index(0, column)
            bottom = self.index(len(self._rows) - 1, column)
            self.dataChanged.emit(top, bottom)
