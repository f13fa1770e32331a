"""Private post-call reflections ("debriefs"): a worker's own moment, readable by them alone.

A reflection follows a call and asks about the worker's own part in it, framed by the four
IPS tasks and three principles (the questions are data: ``ips.debrief_questions()``), with a
quick check-in on how the worker is now and what they need.

Reflections are sealed with the author's **personal key** and bound to the author's UUID,
so no other account (a coordinator or shift lead included) can open them, even by reading
rows directly. Only the UUID, revision, owner and a coarse UTC day are in clear: the link to
the call and the exact times are inside the sealed body, because an exact time beside a
worker's UUID would point at the call as surely as the link itself. If a coordinator resets
someone's passphrase, that person's old reflections cannot be opened by anyone any more;
the reset deletes them and says how many first (see ``warmline.team``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from warmline.errors import NotFound
from warmline.records import Record
from warmline.sealed_meta import SealedTimesRepository, coarse_day
from warmline.timeutil import utcnow

#: Check-in values run 1 (lowest) to this; 0 means "not answered".
CHECK_IN_MAX = 5
#: A few words on how the worker is, not an essay (the form's limit).
FEELING_LIMIT = 200


@dataclass
class Debrief(Record):
    day: str = ""
    # sealed
    call_uuid: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    answers: dict[str, str] = field(default_factory=dict)
    check_in: int = 0
    feeling: str = ""
    need: str = ""
    note_to_self: str = ""

    def text(self) -> str:
        """Everything the worker wrote, for their own search."""
        return "\n".join([*self.answers.values(), self.feeling, self.note_to_self])

    def matches(self, query: str) -> bool:
        """True when every word of ``query`` is somewhere in what the worker wrote."""
        haystack = self.text().casefold()
        return all(word in haystack for word in query.casefold().split())


class DebriefRepository(SealedTimesRepository[Debrief]):
    table = "debriefs"
    record_type = Debrief
    clear_fields = ("day",)
    sealed_fields = (
        "call_uuid",
        "created_at",
        "updated_at",
        "answers",
        "check_in",
        "feeling",
        "need",
        "note_to_self",
    )
    sealed_times = ("created_at", "updated_at")
    personal = True
    label = "A reflection"
    default_order = "day desc, rowid desc"

    def _prepare_new(self, rec: Debrief) -> Debrief:
        rec = _cleaned(rec)
        rec.created_at = rec.created_at or utcnow()
        rec.updated_at = rec.created_at
        rec.day = coarse_day(rec.created_at)
        return rec

    def update(self, rec: Debrief) -> Debrief:
        return super().update(replace(_cleaned(rec), updated_at=utcnow()))

    def mine(self, limit: int | None = None) -> list[Debrief]:
        """The unlocked person's reflections, newest first (damaged ones last)."""
        found = self.select()
        found.sort(key=_newest_first)
        return found[:limit] if limit is not None else found

    def for_call(self, call_uuid: str) -> Debrief:
        """The unlocked person's reflection on one call (NotFound if there is none)."""
        for rec in self.mine():
            if rec.call_uuid == call_uuid and not rec.damaged:
                return rec
        raise NotFound(self.label)


def check_in_points(reflections: Iterable[Debrief]) -> list[tuple[datetime, int]]:
    """(when, value) for every answered check-in, oldest first: what the chart draws."""
    points = [
        (rec.created_at, rec.check_in)
        for rec in reflections
        if not rec.damaged and rec.created_at is not None and rec.check_in
    ]
    return sorted(points, key=lambda point: point[0])


def _cleaned(rec: Debrief) -> Debrief:
    """A check-in inside the scale (0, "not answered", for anything else).

    What the worker wrote is kept exactly as written; the form trims it.
    """
    check_in = rec.check_in
    if isinstance(check_in, bool) or not isinstance(check_in, int):
        check_in = 0
    return replace(rec, check_in=check_in if 0 <= check_in <= CHECK_IN_MAX else 0)


def _newest_first(rec: Debrief) -> tuple[int, float]:
    stamp = rec.created_at.timestamp() if rec.created_at else 0.0
    return (1 if rec.damaged else 0, -stamp)
