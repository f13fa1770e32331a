"""Record format 3: the facts older formats kept in clear columns move into the sealed body.

Formats 1 and 2 kept a call's exact start and end, its duration, its author, its shift and
its regular's UUID in clear columns (and a shift's times, lead and members, a regular's
dates, a revision's editor). Without any key, a copy of the file then told each regular's
whole history: how often, when, how long, who answered. Exact times and durations can be
matched with phone records, which gives the number back. Format 3 seals all of it; what
stays in clear is listed in docs/architecture.md ("Every clear column").

This module is the one place that knows which columns moved, so the background re-seal
(warmline/rotation.py), an edit of a row not yet moved (warmline/records.py) and the tests
agree. A moved column is emptied (NULL) in the same write that seals its value, so a row
is either wholly old or wholly new; once every row is new the signed format floor rises to
3 and an old row put back from a copy is refused.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from typing import Any, Final

#: Format 3 moved these columns of each table into the sealed body.
MOVED: Final[dict[str, tuple[str, ...]]] = {
    "calls": (
        "started_at",
        "ended_at",
        "duration_s",
        "author_uuid",
        "shift_uuid",
        "caller_uuid",
        "updated_at",
    ),
    "shifts": ("started_at", "ended_at", "lead_uuid", "members"),
    "callers": ("created_at", "updated_at"),
    # Rows only the 0.1 demo maker wrote (later versions seal these already).
    "handovers": ("shift_uuid", "author_uuid", "created_at", "updated_at"),
    "drafts": ("kind", "updated_at"),
    "debriefs": ("call_uuid", "created_at", "updated_at"),
}

#: Columns that format 3 added in clear (bound from format 3 on, never before): the
#: coarse day, taken from the moved time named here.
DAY_FROM: Final[dict[str, str]] = {"calls": "started_at", "shifts": "started_at"}

#: Moved columns whose clear text was JSON, or a whole number.
_JSON: Final = frozenset({"members"})
_INT: Final = frozenset({"duration_s"})

_LEN = struct.Struct(">I")


def moved(table: str) -> tuple[str, ...]:
    return MOVED.get(table, ())


def unbound_before_format3(table: str) -> frozenset[str]:
    """Clear columns an older blob of ``table`` was never bound to (added by format 3)."""
    return frozenset({"day"}) if table in DAY_FROM else frozenset()


def is_old(table: str, row: Mapping[str, Any]) -> bool:
    """True while a row still keeps a moved fact in clear."""
    return any(row.get(name) is not None for name in moved(table))


def move_into_body(
    table: str, row: Mapping[str, Any], body: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The body with the row's moved clear values in it, and the column changes to store.

    A value already in the body wins (the body is the newer truth). The changes empty
    every moved column and, where the table has one, fill the coarse day from the time.
    """
    body = dict(body)
    changes: dict[str, Any] = {}
    for name in moved(table):
        if name not in row:
            continue
        value = row[name]
        if value is not None and body.get(name) in (None, "", []):
            if isinstance(value, str) and name in _JSON:
                value = json.loads(value)
            elif isinstance(value, str) and name in _INT:
                value = int(value)
            body[name] = value
        changes[name] = None
    source = DAY_FROM.get(table)
    if source is not None and not row.get("day"):
        moment = body.get(source)
        changes["day"] = moment[:10] if isinstance(moment, str) and moment else None
    return body, changes


def parse_clear(text: bytes) -> dict[str, str]:
    """Read back a canonical clear encoding (see records.canonical_clear) as name -> text.

    Earlier versions of a record keep the clear columns their body was bound to in this
    form; moving them into the body needs the values back. Raises ValueError when the
    text is not such an encoding.
    """
    out: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        eq = text.index(b"=", pos)
        name = text[pos:eq].decode()
        (length,) = _LEN.unpack_from(text, eq + 1)
        start = eq + 1 + _LEN.size
        value = text[start : start + length]
        if len(value) != length:
            raise ValueError("cut short")
        out[name] = value.decode()
        pos = start + length
    return out
