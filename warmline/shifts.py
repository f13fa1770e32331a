"""Shifts: who was on, who led, and when.

Only the coarse day stays in clear; the exact times, the lead and the members are sealed
(record format 3): a shift's people and hours are facts about volunteers' lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from warmline.records import Record
from warmline.sealed_meta import SealedTimesRepository, coarse_day, newest_first
from warmline.timeutil import utcnow


@dataclass
class Shift(Record):
    day: str = ""  # the only clear column: the UTC day it started
    # sealed
    started_at: datetime | None = None
    ended_at: datetime | None = None
    lead_uuid: str | None = None
    members: list[str] = field(default_factory=list)
    notes: str = ""

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class ShiftRepository(SealedTimesRepository[Shift]):
    table = "shifts"
    record_type = Shift
    clear_fields = ("day",)
    sealed_fields = ("started_at", "ended_at", "lead_uuid", "members", "notes")
    sealed_times = ("started_at", "ended_at")
    label = "A shift record"
    default_order = "day desc, rowid desc"

    def _prepare_new(self, rec: Shift) -> Shift:
        rec.started_at = rec.started_at or utcnow()
        rec.day = coarse_day(rec.started_at)
        return rec

    def select(self, *args: Any, **kwargs: Any) -> list[Shift]:
        """Newest first by the sealed start (the day column only orders by day)."""
        return sorted(super().select(*args, **kwargs), key=_newest_first)

    def start(self, members: list[str] | None = None, lead_uuid: str | None = None) -> Shift:
        me = self._ctx.account.uuid
        people = list(dict.fromkeys([me, *(members or [])]))
        return self.add(Shift(started_at=utcnow(), members=people, lead_uuid=lead_uuid))

    def end(self, shift: Shift) -> Shift:
        shift.ended_at = utcnow()
        return self.update(shift)

    def current(self) -> Shift | None:
        """The newest shift still open that includes the unlocked person, if any.

        Whether a shift is open is sealed, so every shift is opened: a few thousand rows, a
        few tens of milliseconds, on the worker thread.
        """
        me = self._ctx.account.uuid
        for shift in self.select():
            if shift.ended_at is None and me in shift.members:
                return shift
        return None

    def recent(self, limit: int = 20) -> list[Shift]:
        """The newest ``limit`` shifts: the newest days' rows, then the exact order."""
        cut = list(
            self._db.query(
                "select day from shifts where day is not null order by day desc limit 1 offset ?",
                [max(0, limit - 1)],
            )
        )
        found = self.select("day >= ?", [cut[0]["day"]]) if cut else self.select()
        return found[:limit]


def _newest_first(shift: Shift) -> float:
    return newest_first(shift.started_at)
