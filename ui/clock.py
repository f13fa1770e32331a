"""An injectable clock, so anything driven by time can be tested without sleeping.

The idle lock, call timers, autosave and retention all ask a :class:`Clock` instead of the
``time``/``datetime`` modules (KeePassXC does the same with its mockable Clock). Production
passes :class:`SystemClock`; tests pass :class:`FakeClock` and move time on by hand.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Two kinds of time: wall time for records, monotonic time for measuring intervals."""

    def now(self) -> datetime:
        """The current wall time, timezone-aware in UTC (what gets stored)."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start that never go backwards (for timeouts)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current wall time in UTC."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """``time.monotonic()``: immune to the user or NTP changing the wall clock."""
        return time.monotonic()


class FakeClock:
    """A clock for tests that only moves when told to.

    ``advance`` moves both kinds of time together, like real time passing. ``set_now`` moves
    only the wall clock, like a suspended laptop waking up (monotonic time does not count
    suspend on Linux or macOS) or someone changing the system time.
    """

    DEFAULT_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

    def __init__(self, start: datetime | None = None, monotonic_start: float = 1000.0) -> None:
        start = start if start is not None else self.DEFAULT_START
        _require_aware(start)
        self._now = start.astimezone(UTC)
        self._monotonic = monotonic_start

    def now(self) -> datetime:
        """The fake wall time, in UTC."""
        return self._now

    def monotonic(self) -> float:
        """The fake monotonic time."""
        return self._monotonic

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass on both clocks; negative values are refused."""
        if seconds < 0:
            raise ValueError("time does not run backwards; use set_now() for clock changes")
        self._monotonic += seconds
        self._now += timedelta(seconds=seconds)

    def set_now(self, when: datetime) -> None:
        """Jump the wall clock only (either direction), leaving monotonic time alone."""
        _require_aware(when)
        self._now = when.astimezone(UTC)


def _require_aware(when: datetime) -> None:
    """Refuse naive datetimes: a naive time is ambiguous once stored or compared."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("FakeClock needs a timezone-aware datetime")
