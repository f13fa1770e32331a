"""Regular callers, known by an alias they chose, never by a phone number.

A call agreement (how many calls a day, about how long) is something a regular and the
line worked out together; showing it helps the next volunteer keep to it kindly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warmline.records import Record
from warmline.sealed_meta import SealedTimesRepository
from warmline.timeutil import utcnow


@dataclass
class Caller(Record):
    alias: str = ""
    calls_per_day: int | None = None
    usual_minutes: int | None = None
    agreement_notes: str = ""
    notes: str = ""
    # sealed too (record format 3): when a regular first called says something about them
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def agreement_text(self) -> str:
        """A short plain sentence such as "up to 3 calls a day, about 20 minutes"."""
        parts = []
        if self.calls_per_day:
            noun = "call" if self.calls_per_day == 1 else "calls"
            parts.append(f"up to {self.calls_per_day} {noun} a day")
        if self.usual_minutes:
            parts.append(f"about {self.usual_minutes} minutes")
        text = ", ".join(parts)
        if self.agreement_notes:
            text = f"{text}. {self.agreement_notes}" if text else self.agreement_notes
        return text


class CallerRepository(SealedTimesRepository[Caller]):
    table = "callers"
    record_type = Caller
    clear_fields = ()
    sealed_fields = (
        "alias", "calls_per_day", "usual_minutes", "agreement_notes", "notes",
        "created_at", "updated_at",
    )  # fmt: skip
    sealed_times = ("created_at", "updated_at")
    stamps_updated_at = True
    label = "A regular caller's record"
    default_order = "rowid"

    def _prepare_new(self, rec: Caller) -> Caller:
        if rec.created_at is None:
            rec.created_at = utcnow()
        return rec

    def all(self) -> list[Caller]:
        """Every regular, sorted by alias. Regulars are few, so all are opened at once."""
        return sorted(self.select(), key=lambda c: c.alias.casefold())
