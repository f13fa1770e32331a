"""Calls: one record per contact, its notes framed by the four IPS tasks.

In clear: the UUID, the revision and the coarse day (``YYYY-MM-DD``, UTC) the call started,
so lists can page newest-first without opening every row. Everything else is sealed with
the team key: what was typed or chosen about the caller, and also the exact start and end,
the duration, who took it, in which shift and which regular it was (record format 3; see
warmline/moved_columns.py for why those left the clear columns).

Questions about those sealed facts ("this regular's calls", "this shift's calls", "how many
since midnight") are answered from the unlocked view (:class:`~warmline.search.SearchIndex`),
which holds them for every call after unlock and is dropped on lock. The newest page and
date ranges need no view: the day column finds the rows, and only those are opened.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from warmline.errors import InvalidInput
from warmline.moved_columns import MOVED
from warmline.records import Record, Unlocked
from warmline.sealed_meta import SealedTimesRepository, coarse_day
from warmline.timeutil import to_iso, utcnow

if TYPE_CHECKING:
    from warmline.search import SearchIndex


def sort_iso(started_iso: str | None, day: str | None) -> str:
    """A call's start as ISO text for ordering; the start of its day when the exact time
    is unknown (its body did not open), in the same shape so comparisons stay simple."""
    if started_iso:
        return started_iso
    return f"{day}T00:00:00.000000+00:00" if day else ""


_FLIP = str.maketrans("0123456789", "9876543210")

#: Walking every call: the (day, uuid) index backwards, and the keyset after a row of it.
WALK_ORDER = "day desc, uuid desc"
WALK_AFTER = "day is not null and (day, uuid) < (?, ?)"


def order_key(started_iso: str, call_uuid: str) -> tuple[str, str]:
    """Ascending order of this key is the calls list's order: newest first (every digit of
    the time flipped), then by UUID."""
    return started_iso.translate(_FLIP), call_uuid


class CallerKind(enum.StrEnum):
    NEW = "new"
    ANONYMOUS = "anonymous"
    REGULAR = "regular"


@dataclass
class Call(Record):
    day: str = ""  # the only clear column: the UTC day it started
    # sealed
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_s: int | None = None
    author_uuid: str = ""
    shift_uuid: str | None = None
    caller_uuid: str | None = None
    updated_at: datetime | None = None
    caller_kind: str = CallerKind.ANONYMOUS.value
    channel: str = "phone"
    contact_kind: str = "conversation"
    connection: str = ""
    worldview: str = ""
    mutuality: str = ""
    moving_towards: str = ""
    topics: list[str] = field(default_factory=list)
    resources_shared: str = ""
    crisis_offered: bool = False
    crisis_connected: bool = False
    follow_up: str = ""

    IPS_FIELDS: ClassVar[tuple[str, ...]] = (
        "connection",
        "worldview",
        "mutuality",
        "moving_towards",
    )

    @property
    def has_follow_up(self) -> bool:
        return bool(self.follow_up.strip())

    def sort_key(self) -> tuple[str, str]:
        """Where the call sits in the calls list: its start as ISO text and its UUID (the
        list is newest first, then by UUID; see :func:`order_key`)."""
        return sort_iso(to_iso(self.started_at), self.day), self.uuid

    def note_text(self) -> str:
        """All free text of the call, for the in-memory search index."""
        return "\n".join(
            [getattr(self, f) for f in self.IPS_FIELDS]
            + [self.resources_shared, self.follow_up, " ".join(self.topics)]
        )


class CallRepository(SealedTimesRepository[Call]):
    table = "calls"
    record_type = Call
    clear_fields = ("day",)
    sealed_fields = (
        *MOVED["calls"],  # the facts record format 3 moved out of the clear columns
        "caller_kind",
        "channel",
        "contact_kind",
        "connection",
        "worldview",
        "mutuality",
        "moving_towards",
        "topics",
        "resources_shared",
        "crisis_offered",
        "crisis_connected",
        "follow_up",
    )
    sealed_times = ("started_at", "ended_at", "updated_at")
    stamps_updated_at = True
    label = "A call record"
    default_order = "day desc, uuid"

    def __init__(self, ctx: Unlocked, view: SearchIndex | None = None) -> None:
        super().__init__(ctx)
        if view is None:
            from warmline.search import SearchIndex

            view = SearchIndex()
        #: The unlocked view over every call's sealed facts (the session's; see the module doc).
        self.view = view

    # --- writing ---------------------------------------------------------------------------

    def _prepare(self, rec: Call) -> Call:
        if not rec.author_uuid:
            rec.author_uuid = self._ctx.account.uuid
        if rec.started_at is None:
            rec.started_at = utcnow()
        if rec.started_at and rec.ended_at:
            if rec.ended_at < rec.started_at:
                raise InvalidInput("The call cannot end before it starts.")
            rec.duration_s = int((rec.ended_at - rec.started_at).total_seconds())
        rec.day = coarse_day(rec.started_at)
        return rec

    def _prepare_new(self, rec: Call) -> Call:
        return self._prepare(rec)

    def add_many(self, records: Sequence[Call]) -> list[Call]:
        saved = super().add_many(records)
        if self.view.ready or self.view.building:  # else its build will read them anyway
            self.view.add_many(saved)
        return saved

    def update(self, rec: Call) -> Call:
        saved = super().update(self._prepare(rec))
        if self.view.ready or self.view.building:
            self.view.add_or_update(saved)
        return saved

    def rewrite_forgetting_history(self, records: Sequence[Call]) -> list[Call]:
        saved = super().rewrite_forgetting_history([self._prepare(rec) for rec in records])
        self.view.refresh_text(saved)
        return saved

    def delete(self, record_uuid: str) -> None:
        super().delete(record_uuid)
        self.view.remove(record_uuid)

    # --- reading by day (no view needed) ------------------------------------------------------

    def page(self, offset: int = 0, limit: int = 100) -> list[Call]:
        """Newest first, one page at a time. The first page opens only the newest days'
        rows, so a list of 100,000 calls opens at once; later offsets use the view."""
        if offset == 0:
            return self.newest(limit)
        return self.load(self._view().search(limit=limit, offset=offset).uuids)

    def newest(self, limit: int = 100, after: tuple[str, str] | None = None) -> list[Call]:
        """Up to ``limit`` calls in newest-first order, after the sort key ``after``
        (:meth:`Call.sort_key` of the last call already shown), or from the newest.

        Rows are picked by their clear day: the rest of ``after``'s day, then whole older
        days until ``limit`` rows are in hand (a day is opened whole, because the order
        within a day is sealed). So a page opens ``limit`` rows plus at most one day more.
        """
        found: list[Call] = []
        upper: str | None = None
        if after is not None:
            upper = after[0][:10]
            last = order_key(*after)
            found = [c for c in self.select("day = ?", [upper]) if _newest_first(c) > last]
        need = limit - len(found)
        if need > 0:
            if upper is None:
                where, args = "day is not null", []
            else:
                where, args = "day < ?", [upper]
            cut = list(
                self._db.query(
                    f"select day from calls where {where} order by day desc limit 1 offset ?",
                    [*args, need - 1],
                )
            )
            if cut:
                found += self.select(f"{where} and day >= ?", [*args, cut[0]["day"]])
            else:
                found += self.select(where, args)
        found.sort(key=_newest_first)
        return found[:limit]

    def between(self, start: datetime, end: datetime) -> list[Call]:
        """Calls that started in [start, end), newest first: the days it spans are opened
        and the exact times checked."""
        first, last = coarse_day(start - timedelta(days=1)), coarse_day(end + timedelta(days=1))
        calls = [
            c
            for c in self.select("day >= ? and day <= ?", [first, last])
            if c.started_at is not None and start <= c.started_at < end
        ]
        return sorted(calls, key=_newest_first)

    def iter_all(self, batch: int = 2000) -> Iterator[list[Call]]:
        """Every call in batches, by day, newest day first (within a day, by UUID, last
        first: the (day, uuid) index read backwards, so SQLite never sorts).

        Keyset paging (after the last row seen) keeps every batch equally cheap. Rows
        without a day (damaged by hand) come last.
        """
        page = self.select("day is not null", order_by=WALK_ORDER, limit=batch)
        while page:
            yield page
            if len(page) < batch:  # the last (and see retention's _older: never ask again)
                break
            last = page[-1]
            page = self.select(WALK_AFTER, [last.day, last.uuid], order_by=WALK_ORDER, limit=batch)
        yield from _batched(self.select("day is null", order_by="uuid"), batch)

    # --- reading through the view -----------------------------------------------------------

    def _view(self) -> SearchIndex:
        """The unlocked view, finished first if a build is still under way (worker thread)."""
        self.view.complete(self)
        return self.view

    def for_caller(
        self, caller_uuid: str, limit: int | None = None, before: datetime | None = None
    ) -> list[Call]:
        """A regular's calls, newest first; with ``before``, only those that started earlier."""
        found = self._view().search(caller=caller_uuid, end=before, limit=limit)
        return self.load(found.uuids)

    def for_shift(self, shift_uuid: str) -> list[Call]:
        """A shift's calls, newest first. From the view, not from the shift's days: a call
        can be logged in a shift with a start time from before it began."""
        return self.load(self._view().search(shift=shift_uuid, limit=None).uuids)

    def count_for_caller(self, caller_uuid: str) -> int:
        return self._view().search(caller=caller_uuid, limit=0).total

    def count_for_caller_since(
        self, caller_uuid: str, since: datetime, before: datetime | None = None
    ) -> int:
        """How many calls a regular made from ``since`` (and, with ``before``, until then)."""
        return self._view().search(caller=caller_uuid, start=since, end=before, limit=0).total

    def last_for_caller(self, caller_uuid: str) -> Call | None:
        calls = self.for_caller(caller_uuid, limit=1)
        return calls[0] if calls else None

    def data_version(self) -> int:
        """SQLite's count of commits by other connections (see :meth:`SearchIndex.refresh`)."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def revisions(self) -> list[tuple[str, int]]:
        """(uuid, revision) of every stored call: clear columns only, nothing opened."""
        return list(self._db.execute("select uuid, revision from calls").fetchall())

    def load(self, uuids: Iterable[str]) -> list[Call]:
        """The calls with these UUIDs, in the order given (missing ones are left out).

        One query per 500 rather than one ``get`` per row.
        """
        wanted = list(uuids)
        found: dict[str, Call] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for call in self.select(f"uuid in ({marks})", chunk):
                found[call.uuid] = call
        return [found[u] for u in wanted if u in found]


def _newest_first(call: Call) -> tuple[str, str]:
    return order_key(*call.sort_key())


def _batched(calls: list[Call], size: int) -> Iterator[list[Call]]:
    for start in range(0, len(calls), size):
        yield calls[start : start + size]


def day_start(moment: datetime) -> datetime:
    """Midnight (local to ``moment``'s zone) that starts its day; agreements reset then."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
