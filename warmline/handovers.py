"""Handovers written at the end of a shift, and who has read and acknowledged them.

The shape follows what structured handovers in health care get right (a summary, people to
keep in mind, actions, and the receiver confirming), without the clinical frame.

Everything but the row's UUID, revision and coarse day is sealed, the author and the exact
times included: a handover's author cannot be changed by editing the file without the
handover failing to open. Acknowledgements are records of their own (``handover_acks``),
sealed the same way, with the reader, the moment and an optional short reply inside; a row
slipped into the file without the team key opens as damaged and never counts as "read".

The older ``acknowledgements`` table (clear reader and time, never shown by any screen) is
no longer read: an acknowledgement that anyone could forge with a text editor is not one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from warmline.errors import NotFound
from warmline.records import Record, Unlocked
from warmline.sealed_meta import SealedTimesRepository, coarse_day, newest_first
from warmline.timeutil import utcnow

#: The sections a person writes, in the order the composer and a print show them.
SECTIONS: tuple[str, ...] = (
    "how_it_was",
    "callers_to_keep_in_mind",
    "follow_ups",
    "team_and_phones",
    "anything_else",
)


@dataclass
class Handover(Record):
    day: str = ""
    # sealed
    shift_uuid: str | None = None
    author_uuid: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    how_it_was: str = ""
    callers_to_keep_in_mind: str = ""
    follow_ups: str = ""
    team_and_phones: str = ""
    anything_else: str = ""
    #: The generated shift summary at the time of writing (see warmline.shift_summary).
    summary: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return "\n".join(getattr(self, name) for name in SECTIONS)


@dataclass
class HandoverAck(Record):
    """One person's "I have read this", with an optional short reply."""

    day: str = ""
    # sealed
    handover_uuid: str = ""
    account_uuid: str = ""
    acknowledged_at: datetime | None = None
    reply: str = ""


@dataclass(frozen=True)
class Acknowledgement:
    handover_uuid: str
    account_uuid: str
    acknowledged_at: datetime
    reply: str = ""


class HandoverAckRepository(SealedTimesRepository[HandoverAck]):
    table = "handover_acks"
    record_type = HandoverAck
    clear_fields = ("day",)
    sealed_fields = ("handover_uuid", "account_uuid", "acknowledged_at", "reply")
    sealed_times = ("acknowledged_at",)
    label = "An acknowledgement"
    default_order = "day, rowid"


class HandoverRepository(SealedTimesRepository[Handover]):
    table = "handovers"
    record_type = Handover
    clear_fields = ("day",)
    sealed_fields = ("shift_uuid", "author_uuid", "created_at", "updated_at", *SECTIONS, "summary")
    sealed_times = ("created_at", "updated_at")
    label = "A handover"
    default_order = "day desc, rowid desc"

    def __init__(self, ctx: Unlocked) -> None:
        super().__init__(ctx)
        self.acks = HandoverAckRepository(ctx)

    # --- writing ---------------------------------------------------------------------------

    def _prepare_new(self, rec: Handover) -> Handover:
        rec.author_uuid = rec.author_uuid or self._ctx.account.uuid
        rec.created_at = rec.created_at or utcnow()
        rec.day = coarse_day(rec.created_at)
        return rec

    def update(self, rec: Handover) -> Handover:
        """Save an edit. Allowed after someone has read it: the earlier text stays in the
        history (``history()``), so a reader can see what changed since they read it."""
        rec.updated_at = utcnow()
        return super().update(rec)

    def recent(self, limit: int = 20) -> list[Handover]:
        return self.select(limit=limit)

    def all(self) -> list[Handover]:
        """Every handover, newest first. Handovers are a few a day, so all are opened."""
        return sorted(self.select(), key=_newest_first)

    def for_shift(self, shift_uuid: str) -> list[Handover]:
        return [h for h in self.select() if h.shift_uuid == shift_uuid]

    # --- acknowledgements ------------------------------------------------------------------

    def acknowledge(self, handover_uuid: str, reply: str = "") -> Acknowledgement:
        """Record that the unlocked person has read this handover (once; a second call
        returns the first acknowledgement unchanged)."""
        self.get(handover_uuid)
        me = self._ctx.account.uuid
        for ack in self.acknowledgements(handover_uuid):
            if ack.account_uuid == me:
                return ack
        now = utcnow()
        self.acks.add(
            HandoverAck(
                day=coarse_day(now),
                handover_uuid=handover_uuid,
                account_uuid=me,
                acknowledged_at=now,
                reply=reply.strip(),
            )
        )
        return Acknowledgement(handover_uuid, me, now, reply.strip())

    def all_acknowledgements(self) -> dict[str, list[Acknowledgement]]:
        """Handover UUID -> who read it and when, oldest first. Damaged rows are left out."""
        out: dict[str, list[Acknowledgement]] = {}
        for ack in self.acks.select():
            if ack.damaged or ack.acknowledged_at is None:
                continue
            out.setdefault(ack.handover_uuid, []).append(
                Acknowledgement(ack.handover_uuid, ack.account_uuid, ack.acknowledged_at, ack.reply)
            )
        for acks in out.values():
            acks.sort(key=lambda a: a.acknowledged_at)
        return out

    def damaged_acknowledgements(self) -> int:
        """How many acknowledgement rows failed to open (changed or slipped in outside)."""
        return sum(1 for ack in self.acks.select() if ack.damaged)

    def acknowledgements(self, handover_uuid: str) -> list[Acknowledgement]:
        return self.all_acknowledgements().get(handover_uuid, [])

    def unacknowledged(
        self, limit: int | None = 5, within: timedelta | None = None
    ) -> list[Handover]:
        """Handovers by others that the unlocked person has not acknowledged yet, newest
        first; with ``within``, only those written in that span before now; all of them
        when ``limit`` is None."""
        me = self._ctx.account.uuid
        read = {
            uuid
            for uuid, acks in self.all_acknowledgements().items()
            if any(a.account_uuid == me for a in acks)
        }
        since = utcnow() - within if within is not None else None
        waiting = [
            h
            for h in self.all()
            if not h.damaged
            and h.author_uuid != me
            and h.uuid not in read
            and (since is None or (h.created_at is not None and h.created_at >= since))
        ]
        return waiting if limit is None else waiting[:limit]

    def delete(self, record_uuid: str) -> None:
        handover_acks = [a.uuid for a in self.acks.select() if a.handover_uuid == record_uuid]
        if not any(h.uuid == record_uuid for h in self.select("uuid = ?", [record_uuid])):
            raise NotFound(self.label)
        for ack_uuid in handover_acks:
            self.acks.delete(ack_uuid)
        super().delete(record_uuid)


def _newest_first(handover: Handover) -> float:
    return newest_first(handover.created_at)
