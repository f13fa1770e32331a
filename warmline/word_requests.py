"""A word with the lead: a worker asks the current shift lead for a chat, and nothing more.

Choosing "a word with the shift lead" in a private reflection may (if the worker agrees)
tell the lead only *that*: who would like a word and when they asked. It never carries, and
never points to, anything the worker wrote; the reflection stays sealed with the worker's own
key and this record holds no link to it.

The lead must be able to read it, so it is sealed with the **team key** like follow-ups:
only the UUID, revision and the coarse day are in clear; who asked, whom, when and when it
was answered are in the sealed body, bound to the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warmline.errors import InvalidInput
from warmline.records import Record
from warmline.sealed_meta import SealedTimesRepository, coarse_day
from warmline.timeutil import utcnow


@dataclass
class WordRequest(Record):
    day: str = ""
    # sealed
    asked_by: str = ""
    asked_at: datetime | None = None
    lead_uuid: str = ""
    shift_uuid: str | None = None
    answered_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class WordRequestRepository(SealedTimesRepository[WordRequest]):
    table = "word_requests"
    record_type = WordRequest
    clear_fields = ("day",)
    sealed_fields = ("asked_by", "asked_at", "lead_uuid", "shift_uuid", "answered_at")
    sealed_times = ("asked_at", "answered_at")
    label = "A request for a word"
    default_order = "day desc, rowid desc"

    def ask(self, lead_uuid: str, shift_uuid: str | None) -> WordRequest:
        """Let ``lead_uuid`` know the unlocked person would like a word (name and time only)."""
        me = self._ctx.account.uuid
        if not lead_uuid or lead_uuid == me:
            raise InvalidInput("There is no one else leading this shift to ask.")
        now = utcnow()
        return self.add(
            WordRequest(
                day=coarse_day(now),
                asked_by=me,
                asked_at=now,
                lead_uuid=lead_uuid,
                shift_uuid=shift_uuid,
            )
        )

    def waiting_for_me(self) -> list[WordRequest]:
        """Open requests addressed to the unlocked person, oldest first."""
        me = self._ctx.account.uuid
        found = [r for r in self.select() if not r.damaged and r.lead_uuid == me and r.is_open]
        return sorted(found, key=lambda r: r.asked_at.timestamp() if r.asked_at else 0.0)

    def answer(self, request_uuid: str) -> WordRequest:
        """The lead has had the word: the request leaves their page."""
        request = self.get(request_uuid)
        if request.lead_uuid != self._ctx.account.uuid:
            raise InvalidInput("Only the lead it was sent to can mark this.")
        request.answered_at = utcnow()
        return self.update(request)
