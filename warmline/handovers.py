"""Handovers written at the end of a shift, and who has read and acknowledged them.

The shape follows what structured handovers in health care get right (a summary, people to
keep in mind, actions, and the receiver confirming), without the clinical frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warmline.records import Record, Repository
from warmline.timeutil import from_iso, to_iso, utcnow


@dataclass
class Handover(Record):
    shift_uuid: str | None = None
    author_uuid: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # sealed
    how_it_was: str = ""
    callers_to_keep_in_mind: str = ""
    follow_ups: str = ""
    team_and_phones: str = ""

    def text(self) -> str:
        return "\n".join(
            [self.how_it_was, self.callers_to_keep_in_mind, self.follow_ups, self.team_and_phones]
        )


@dataclass(frozen=True)
class Acknowledgement:
    handover_uuid: str
    account_uuid: str
    acknowledged_at: datetime


class HandoverRepository(Repository[Handover]):
    table = "handovers"
    record_type = Handover
    clear_fields = ("shift_uuid", "author_uuid", "created_at", "updated_at")
    sealed_fields = ("how_it_was", "callers_to_keep_in_mind", "follow_ups", "team_and_phones")
    label = "A handover"
    default_order = "created_at desc"

    def _prepare_new(self, rec: Handover) -> Handover:
        rec.author_uuid = rec.author_uuid or self._ctx.account.uuid
        rec.created_at = rec.created_at or utcnow()
        return rec

    def recent(self, limit: int = 20) -> list[Handover]:
        return self.select(limit=limit)

    def acknowledge(self, handover_uuid: str) -> Acknowledgement:
        """Record that the unlocked person has read this handover (idempotent)."""
        self.get(handover_uuid)
        ack = Acknowledgement(handover_uuid, self._ctx.account.uuid, utcnow())
        with self._writing() as db:
            db.table("acknowledgements").insert(
                {
                    "handover_uuid": ack.handover_uuid,
                    "account_uuid": ack.account_uuid,
                    "acknowledged_at": to_iso(ack.acknowledged_at),
                },
                pk=("handover_uuid", "account_uuid"),
                ignore=True,
            )
        return ack

    def acknowledgements(self, handover_uuid: str) -> list[Acknowledgement]:
        rows = self._db.query(
            "select * from acknowledgements where handover_uuid = ? order by acknowledged_at",
            [handover_uuid],
        )
        return [
            Acknowledgement(r["handover_uuid"], r["account_uuid"], from_iso(r["acknowledged_at"]))  # type: ignore[arg-type]
            for r in rows
        ]

    def unacknowledged(self, limit: int = 5) -> list[Handover]:
        """Recent handovers by others that the unlocked person has not acknowledged yet."""
        me = self._ctx.account.uuid
        return self.select(
            "author_uuid != ? and uuid not in "
            "(select handover_uuid from acknowledgements where account_uuid = ?)",
            [me, me],
            limit=limit,
        )

    def delete(self, record_uuid: str) -> None:
        with self._writing() as db:
            db.execute("delete from acknowledgements where handover_uuid = ?", [record_uuid])
            super().delete(record_uuid)
