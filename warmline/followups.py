"""Follow-ups: something the line said it would do, carried from shift to shift until done.

A follow-up is raised from a call (the call form's follow-up field becomes one when the call
is saved) or from a handover. It stays open, shown to every shift, until someone marks it
done, saying who, when and (briefly) how. Each one keeps a link back to where it came from.

Only the UUID, revision and the coarse day it was raised are in clear. The text, who raised
it and when, its source, and who closed it and when are sealed and bound to the row, like
call notes. Follow-ups are few (a handful a shift), so lists open them all.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from warmline.calls import Call
from warmline.errors import InvalidInput
from warmline.records import Record
from warmline.sealed_meta import SealedTimesRepository, coarse_day
from warmline.timeutil import utcnow

#: An open follow-up with no date of its own stands out once it is this old.
OVERDUE_AFTER = timedelta(days=2)
#: A "done" note is a line, not a report.
DONE_NOTE_LIMIT = 300


class Source(enum.StrEnum):
    CALL = "call"
    HANDOVER = "handover"


@dataclass
class FollowUp(Record):
    day: str = ""
    # sealed
    text: str = ""
    raised_by: str = ""
    raised_at: datetime | None = None
    source: str = Source.CALL.value
    source_uuid: str = ""
    shift_uuid: str | None = None
    due_on: str = ""  # an ISO date, or "" for "as soon as someone can"
    done_at: datetime | None = None
    done_by: str = ""
    done_note: str = ""

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def due_by(self) -> datetime | None:
        """When it counts as late: the end of its date, or a while after it was raised."""
        if self.due_on:
            day = date.fromisoformat(self.due_on)
            end = datetime(day.year, day.month, day.day, tzinfo=(self.raised_at or utcnow()).tzinfo)
            return end + timedelta(days=1)
        return self.raised_at + OVERDUE_AFTER if self.raised_at else None

    def is_overdue(self, now: datetime) -> bool:
        due = self.due_by()
        return self.is_open and due is not None and now >= due


class FollowUpRepository(SealedTimesRepository[FollowUp]):
    table = "followups"
    record_type = FollowUp
    clear_fields = ("day",)
    sealed_fields = (
        "text",
        "raised_by",
        "raised_at",
        "source",
        "source_uuid",
        "shift_uuid",
        "due_on",
        "done_at",
        "done_by",
        "done_note",
    )
    sealed_times = ("raised_at", "done_at")
    label = "A follow-up"
    default_order = "day, rowid"

    def _prepare_new(self, rec: FollowUp) -> FollowUp:
        if not rec.text.strip():
            raise InvalidInput("A follow-up needs a few words about what to do.")
        rec.raised_by = rec.raised_by or self._ctx.account.uuid
        rec.raised_at = rec.raised_at or utcnow()
        rec.day = coarse_day(rec.raised_at)
        return rec

    def all(self) -> list[FollowUp]:
        """Every follow-up, oldest first."""
        return sorted(self.select(), key=_raised)

    def open(self) -> list[FollowUp]:
        """Still to do, oldest first: what every shift carries until someone closes it."""
        return [f for f in self.all() if f.is_open and not f.damaged]

    def for_shift(self, shift_uuid: str) -> list[FollowUp]:
        """Raised during this shift (from its calls or its handover)."""
        return [f for f in self.all() if f.shift_uuid == shift_uuid]

    def from_source(self, source_uuid: str) -> list[FollowUp]:
        return [f for f in self.all() if f.source_uuid == source_uuid]

    def overdue(self, now: datetime | None = None) -> list[FollowUp]:
        moment = now or utcnow()
        return [f for f in self.open() if f.is_overdue(moment)]

    def raise_from_handover(
        self, handover_uuid: str, text: str, shift_uuid: str | None = None, due_on: str = ""
    ) -> FollowUp:
        return self.add(
            FollowUp(
                text=text.strip(),
                source=Source.HANDOVER.value,
                source_uuid=handover_uuid,
                shift_uuid=shift_uuid,
                due_on=due_on,
            )
        )

    def sync_from_call(self, call: Call) -> FollowUp | None:
        """Make the call's follow-up field a follow-up of its own (once per call).

        Saving the call again with different words updates an open follow-up; one already
        marked done is left as it was (what was done stays on record).
        """
        text = call.follow_up.strip()
        existing = [f for f in self.from_source(call.uuid) if not f.damaged]
        if existing:
            current = existing[0]
            if text and current.is_open and current.text != text:
                current.text = text
                return self.update(current)
            return current
        if not text:
            return None
        return self.add(
            FollowUp(
                text=text,
                raised_by=call.author_uuid,
                raised_at=call.ended_at or call.started_at,
                source=Source.CALL.value,
                source_uuid=call.uuid,
                shift_uuid=call.shift_uuid,
            )
        )

    def mark_done(self, followup: FollowUp, note: str = "") -> FollowUp:
        """Close it: the unlocked person, now, and a short note on what happened."""
        note = note.strip()
        if len(note) > DONE_NOTE_LIMIT:
            raise InvalidInput(
                f"Please keep the note short (up to {DONE_NOTE_LIMIT} characters); "
                "the details belong in a call note."
            )
        followup.done_at = utcnow()
        followup.done_by = self._ctx.account.uuid
        followup.done_note = note
        return self.update(followup)


def _raised(followup: FollowUp) -> float:
    return followup.raised_at.timestamp() if followup.raised_at else 0.0
