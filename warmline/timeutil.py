"""Times are stored as ISO 8601 UTC strings, which sort correctly as text in SQLite."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("times must carry a time zone")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text)


def stored_time(value: object) -> datetime | None:
    """A time read back from a clear column: ISO text as :func:`from_iso` reads it; anything
    else a tool could leave there (bytes, a number, text that is no time) is unknown."""
    try:
        return from_iso(value) if isinstance(value, str) else None
    except ValueError:
        return None
