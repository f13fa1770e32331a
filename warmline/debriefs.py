"""Private post-call debriefs: a worker's own reflection, readable by that worker alone.

Debriefs are sealed with the author's personal key and bound to the author's UUID, so no
other account (a coordinator included) can open them, even by reading rows directly. If a
coordinator resets someone's passphrase, that person's old debriefs cannot be opened by
anyone any more; the vault deletes them and says how many first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from warmline.records import Record, Repository
from warmline.timeutil import utcnow


@dataclass
class Debrief(Record):
    call_uuid: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # sealed
    answers: dict[str, str] = field(default_factory=dict)
    feeling: str = ""
    note_to_self: str = ""

    def text(self) -> str:
        return "\n".join([*self.answers.values(), self.feeling, self.note_to_self])


class DebriefRepository(Repository[Debrief]):
    table = "debriefs"
    record_type = Debrief
    clear_fields = ("call_uuid", "created_at", "updated_at")
    sealed_fields = ("answers", "feeling", "note_to_self")
    personal = True
    label = "A reflection"
    default_order = "created_at desc"

    def _prepare_new(self, rec: Debrief) -> Debrief:
        rec.created_at = rec.created_at or utcnow()
        return rec

    def mine(self, limit: int | None = None) -> list[Debrief]:
        return self.select(limit=limit)
