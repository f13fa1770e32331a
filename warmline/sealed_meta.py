"""Record kinds whose exact times and people travel inside the sealed body.

The shared :class:`~warmline.records.Repository` seals the fields a record kind lists as
``sealed_fields`` as plain JSON; times there would not survive the trip as datetimes. The
record kinds added for shifts and handovers keep only UUIDs and a coarse day in clear (see
issue 9, record format 2): who wrote something and exactly when are facts about a
volunteer's pattern, so they are sealed and therefore bound to the row like the text is.

:class:`SealedTimesRepository` adds that one thing: datetimes listed in ``sealed_times``
are written as ISO text inside the body and read back as datetimes. The coarse ``day``
column (``YYYY-MM-DD`` in UTC) lets lists sort and page without opening every row; it
reveals no more than the day something happened.

Rows written before format 3 may still hold some of these facts in clear columns (the
"moved" columns, see warmline/moved_columns.py) until the background re-seal moves them;
while they do, they are read from there, so nothing disappears in between.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from warmline.records import R, Repository
from warmline.timeutil import from_iso, to_iso


def coarse_day(moment: datetime | None) -> str:
    """The UTC day of ``moment`` as ``YYYY-MM-DD`` (the only time kept in clear)."""
    iso = to_iso(moment)
    return iso[:10] if iso else ""


def newest_first(moment: datetime | None) -> float:
    """Sort key putting the latest sealed time first (records without one last)."""
    return -moment.timestamp() if moment is not None else 0.0


class SealedTimesRepository(Repository[R]):
    """A repository whose ``sealed_times`` fields are datetimes kept inside the sealed body
    (read back as datetimes by :meth:`Repository._records` itself, in its one pass)."""

    def _body(self, rec: R) -> dict[str, Any]:
        body = super()._body(rec)
        for name in self.sealed_times:
            value = body.get(name)
            body[name] = to_iso(value) if isinstance(value, datetime) else value
        return body

    def _records(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        clears: Sequence[bytes] | None = None,
    ) -> list[R]:
        legacy = [(name, columns.index(name)) for name in self._moved if name in columns]
        if not legacy:
            return super()._records(columns, rows, clears)
        rows = rows if isinstance(rows, list) else list(rows)  # read twice
        records = super()._records(columns, rows, clears)
        for rec, row in zip(records, rows, strict=True):
            for name, i in legacy:
                if row[i] is not None and not rec.damaged:
                    setattr(rec, name, self._legacy_value(name, row[i]))
        return records

    def _legacy_value(self, name: str, value: Any) -> Any:
        """A value as a pre-format-3 row kept it in clear, as the record holds it."""
        if not isinstance(value, str):
            return value
        if name in self.sealed_times:
            return from_iso(value)
        if self._kinds.get(name) == "list":
            return json.loads(value)
        return value
