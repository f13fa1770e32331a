"""Autosaved, sealed drafts of unfinished notes, so a crash or a lock loses at most seconds.

Drafts belong to the person writing them and are sealed with their personal key (stricter
than the team key: an unfinished note is nobody else's business until it is saved). The
form's fields travel as one JSON object in the sealed body.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from warmline.errors import NotFound
from warmline.records import Record, Repository


@dataclass
class Draft(Record):
    kind: str = "call"
    updated_at: datetime | None = None
    # sealed
    target_uuid: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


class DraftRepository(Repository[Draft]):
    table = "drafts"
    record_type = Draft
    clear_fields = ("kind", "updated_at")
    sealed_fields = ("target_uuid", "fields")
    personal = True
    label = "An unfinished note"
    default_order = "updated_at desc"

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
        if kind:
            return self.select("kind = ?", [kind])
        return self.select()

    def discard(self, draft_uuid: str) -> None:
        with contextlib.suppress(NotFound):
            self.delete(draft_uuid)
