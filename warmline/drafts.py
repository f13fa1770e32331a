"""Autosaved, sealed drafts of unfinished notes, so a crash or a lock loses at most seconds.

Drafts belong to the person writing them and are sealed with their personal key (stricter
than the team key: an unfinished note is nobody else's business until it is saved). The
form's fields travel as one JSON object in the sealed body.

What kind of note a draft is (a call, a handover, a reflection) and exactly when it was last
saved are sealed too; only a coarse day stays in clear. A clear kind and time beside the
worker's UUID pointed at the call they were reflecting on, which no one else may know.
Drafts are few, so lists open them all and sort and filter in memory.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from warmline.errors import NotFound
from warmline.records import Record
from warmline.sealed_meta import SealedTimesRepository, coarse_day, newest_first
from warmline.timeutil import utcnow


@dataclass
class Draft(Record):
    kind: str = "call"
    updated_at: datetime | None = None
    day: str = ""
    # sealed
    target_uuid: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


class DraftRepository(SealedTimesRepository[Draft]):
    table = "drafts"
    record_type = Draft
    clear_fields = ("day",)
    sealed_fields = ("kind", "updated_at", "target_uuid", "fields")
    sealed_times = ("updated_at",)
    personal = True
    label = "An unfinished note"
    default_order = "rowid desc"

    def _prepare_new(self, rec: Draft) -> Draft:
        rec.updated_at = utcnow()
        rec.day = coarse_day(rec.updated_at)
        return rec

    def update(self, rec: Draft) -> Draft:
        rec.updated_at = utcnow()
        rec.day = coarse_day(rec.updated_at)
        return super().update(rec)

    def select(self, *args: Any, **kwargs: Any) -> list[Draft]:
        """Newest first, by the sealed time (the clear columns no longer say)."""
        drafts = super().select(*args, **kwargs)
        return sorted(drafts, key=_newest_first)

    def save(self, draft: Draft) -> Draft:
        """Create or overwrite a draft. Drafts are last-writer-wins: only their owner writes."""
        if not draft.uuid:
            return self.add(draft)
        try:
            current = self.get(draft.uuid)
        except NotFound:
            return self.add(draft)
        draft.revision = current.revision
        draft.damaged = False
        return self.update(draft)

    def mine(self, kind: str | None = None) -> list[Draft]:
        drafts = self.select()
        return [d for d in drafts if d.kind == kind] if kind else drafts

    def discard(self, draft_uuid: str) -> None:
        with contextlib.suppress(NotFound):
            self.delete(draft_uuid)


def _newest_first(draft: Draft) -> float:
    return newest_first(draft.updated_at)
