"""Shifts: who was on, who led, and when. The people are account UUIDs, kept in clear."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from warmline.records import Record, Repository
from warmline.timeutil import utcnow


@dataclass
class Shift(Record):
    started_at: datetime | None = None
    ended_at: datetime | None = None
    lead_uuid: str | None = None
    members: list[str] = field(default_factory=list)
    # sealed
    notes: str = ""

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class ShiftRepository(Repository[Shift]):
    table = "shifts"
    record_type = Shift
    clear_fields = ("started_at", "ended_at", "lead_uuid", "members")
    sealed_fields = ("notes",)
    label = "A shift record"
    default_order = "started_at desc"

    def start(self, members: list[str] | None = None, lead_uuid: str | None = None) -> Shift:
        me = self._ctx.account.uuid
        people = list(dict.fromkeys([me, *(members or [])]))
        return self.add(Shift(started_at=utcnow(), members=people, lead_uuid=lead_uuid))

    def end(self, shift: Shift) -> Shift:
        shift.ended_at = utcnow()
        return self.update(shift)

    def current(self) -> Shift | None:
        """The newest shift still open that includes the unlocked person, if any."""
        me = self._ctx.account.uuid
        for shift in self.select("ended_at is null"):
            if me in shift.members:
                return shift
        return None

    def recent(self, limit: int = 20) -> list[Shift]:
        return self.select(limit=limit)
