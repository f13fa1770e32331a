"""Calls: one record per contact, its notes framed by the four IPS tasks.

In clear: when it started and ended, how long it was, who logged it, in which shift, and
(for a regular) which caller record it belongs to, so lists page and count quickly without
decrypting. Everything typed or chosen about the caller is sealed with the team key.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from warmline.errors import InvalidInput
from warmline.records import Record, Repository
from warmline.timeutil import to_iso, utcnow


class CallerKind(enum.StrEnum):
    NEW = "new"
    ANONYMOUS = "anonymous"
    REGULAR = "regular"


@dataclass
class Call(Record):
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_s: int | None = None
    author_uuid: str = ""
    shift_uuid: str | None = None
    caller_uuid: str | None = None
    updated_at: datetime | None = None
    # sealed
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

    def note_text(self) -> str:
        """All free text of the call, for the in-memory search index."""
        return "\n".join(
            [getattr(self, f) for f in self.IPS_FIELDS]
            + [self.resources_shared, self.follow_up, " ".join(self.topics)]
        )


class CallRepository(Repository[Call]):
    table = "calls"
    record_type = Call
    clear_fields = (
        "started_at",
        "ended_at",
        "duration_s",
        "author_uuid",
        "shift_uuid",
        "caller_uuid",
        "updated_at",
    )
    sealed_fields = (
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
    label = "A call record"
    default_order = "started_at desc, uuid"

    def _prepare(self, rec: Call) -> Call:
        if not rec.author_uuid:
            rec.author_uuid = self._ctx.account.uuid
        if rec.started_at is None:
            rec.started_at = utcnow()
        if rec.started_at and rec.ended_at:
            if rec.ended_at < rec.started_at:
                raise InvalidInput("The call cannot end before it starts.")
            rec.duration_s = int((rec.ended_at - rec.started_at).total_seconds())
        return rec

    def _prepare_new(self, rec: Call) -> Call:
        return self._prepare(rec)

    def update(self, rec: Call) -> Call:
        return super().update(self._prepare(rec))

    def page(self, offset: int = 0, limit: int = 100) -> list[Call]:
        """Newest first, one page at a time, so a list of 100,000 calls opens instantly."""
        return self.select(limit=limit, offset=offset)

    def between(self, start: datetime, end: datetime) -> list[Call]:
        return self.select("started_at >= ? and started_at < ?", [to_iso(start), to_iso(end)])

    def for_caller(
        self, caller_uuid: str, limit: int | None = None, before: datetime | None = None
    ) -> list[Call]:
        """A regular's calls, newest first; with ``before``, only those that started earlier."""
        if before is None:
            return self.select("caller_uuid = ?", [caller_uuid], limit=limit)
        return self.select(
            "caller_uuid = ? and started_at < ?", [caller_uuid, to_iso(before)], limit=limit
        )

    def for_shift(self, shift_uuid: str) -> list[Call]:
        return self.select("shift_uuid = ?", [shift_uuid])

    def count_for_caller_since(
        self, caller_uuid: str, since: datetime, before: datetime | None = None
    ) -> int:
        """How many calls a regular made from ``since`` (and, with ``before``, until then)."""
        if before is None:
            return self.count("caller_uuid = ? and started_at >= ?", [caller_uuid, to_iso(since)])
        return self.count(
            "caller_uuid = ? and started_at >= ? and started_at < ?",
            [caller_uuid, to_iso(since), to_iso(before)],
        )

    def last_for_caller(self, caller_uuid: str) -> Call | None:
        calls = self.for_caller(caller_uuid, limit=1)
        return calls[0] if calls else None

    def iter_all(self, batch: int = 2000) -> Iterator[list[Call]]:
        """All calls, newest first, in batches (for building the search index).

        Keyset paging (after the last row seen) keeps every batch equally cheap.
        """
        page = self.select(limit=batch)
        while page:
            yield page
            last = page[-1]
            # Written as a range on started_at so SQLite walks its index instead of
            # collecting and sorting every older row for each batch.
            page = self.select(
                "started_at <= ? and (started_at < ? or uuid > ?)",
                [to_iso(last.started_at), to_iso(last.started_at), last.uuid],
                limit=batch,
            )


def day_start(moment: datetime) -> datetime:
    """Midnight (local to ``moment``'s zone) that starts its day; agreements reset then."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
