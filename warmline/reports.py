"""Figures for funders and the team: how many calls, when, how long, about what, and by whom.

Everything here is counted from **opened records obtained through the repositories**
(``session.calls.iter_all``, ``session.shifts``, ``session.followups``), never from SQL over
clear columns, so the figures stay right when record format 2 moves calls' exact times and
links into the sealed body. Reflections (debriefs) are never read: no figure, not even a
count per person, can come from them.

The counting itself is pure (:class:`Tally`, :func:`compute_figures`): it takes records and
a period and returns :class:`ReportFigures`, exact counts with nothing hidden. What may be
shown or shared, with small counts hidden, is decided in :mod:`warmline.report_export`.

:class:`ReportRun` walks the calls a batch at a time so the app can run it step by step on
its worker thread with progress, the way the search index is built.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from warmline import ips
from warmline.calls import Call, CallerKind
from warmline.errors import Locked, NotAllowed
from warmline.followups import FollowUp
from warmline.gc_pause import collector_paused
from warmline.shifts import Shift
from warmline.timeutil import to_iso

if TYPE_CHECKING:
    from warmline.session import Session

#: The team setting that lets shift leads see reports (coordinators always can).
LEADS_SETTING = "reports_for_leads"

#: Periods longer than this are counted per month rather than per week.
WEEKS_UP_TO_DAYS = 92

#: Three-hour bands of the day: (first hour, label). Used on screen, on paper and in the CSV.
TIME_BANDS: tuple[tuple[int, str], ...] = (
    (0, "midnight–3 am"),
    (3, "3–6 am"),
    (6, "6–9 am"),
    (9, "9 am–noon"),
    (12, "noon–3 pm"),
    (15, "3–6 pm"),
    (18, "6–9 pm"),
    (21, "9 pm–midnight"),
)
#: Broad parts of the day, for the weekday chart: (first hour, label).
DAY_PARTS: tuple[tuple[int, str], ...] = (
    (0, "Night (midnight–6 am)"),
    (6, "Morning (6 am–noon)"),
    (12, "Afternoon (noon–6 pm)"),
    (18, "Evening (6 pm–midnight)"),
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Call lengths: (id, label, up to this many seconds, exclusive; None = no limit).
LENGTH_BANDS: tuple[tuple[str, str, int | None], ...] = (
    ("under_5", "Under 5 minutes", 5 * 60),
    ("5_15", "5 to 15 minutes", 15 * 60),
    ("15_30", "15 to 30 minutes", 30 * 60),
    ("30_60", "30 minutes to an hour", 60 * 60),
    ("60_up", "An hour or more", None),
)
NO_LENGTH = "not_recorded"
#: Where a call falls: (week or month, time band, weekday, part of day).
_Place = tuple[date | None, int, int, int]
#: Length of a time as to_iso writes it: 2026-11-30T20:25:33.000000+00:00.
_ISO_WIDTH = 32
#: Calls come newest first; counting stops at the first call this long before the period
#: (the margin keeps it right if the order is ever only by coarse day).
STOP_AFTER = timedelta(days=2)
#: Calls whose channel or kind is not one the line offers (written by a newer version).
OTHER = "other"
#: Topics saved on calls that are no longer in the team's list.
OTHER_TOPICS = "Other topics (no longer in the list)"


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A run of whole days, first and last included, in the line's own time zone."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period cannot end before it starts")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self, zone: tzinfo | None) -> tuple[datetime, datetime]:
        """Midnight starting the first day, and midnight after the last, in ``zone``
        (None: this computer's own zone, summer time included)."""
        after = self.last + timedelta(days=1)
        if zone is None:
            return (
                datetime.combine(self.first, time(0)).astimezone(),
                datetime.combine(after, time(0)).astimezone(),
            )
        return datetime.combine(self.first, time(0), zone), datetime.combine(after, time(0), zone)

    def text(self) -> str:
        """ "1 Oct 2026 to 31 Dec 2026": how the period is named on paper and in the CSV."""
        return f"{_day_text(self.first)} to {_day_text(self.last)}"

    @property
    def time_unit(self) -> str:
        """ "week" for periods up to about a quarter, "month" beyond (52 bars say little)."""
        return "week" if self.days <= WEEKS_UP_TO_DAYS else "month"


def _day_text(day: date) -> str:
    return f"{day.day} {day.strftime('%b')} {day.year}"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quick_periods(today: date) -> dict[str, Period]:
    """The quick choices: the last 30 days, and the last whole month, quarter and year."""
    this_month = _month_start(today)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return {
        "30_days": Period(today - timedelta(days=29), today),
        "month": Period(_add_months(this_month, -1), this_month - timedelta(days=1)),
        "quarter": Period(_add_months(quarter_start, -3), quarter_start - timedelta(days=1)),
        "year": Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    }


def bucket_start(day: date, unit: str) -> date:
    """The Monday starting ``day``'s week, or the first of its month."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return _month_start(day)


def buckets(period: Period) -> list[date]:
    """Every week (or month) the period touches, oldest first, as its first day."""
    unit = period.time_unit
    out = []
    current = bucket_start(period.first, unit)
    while current <= period.last:
        out.append(current)
        current = current + timedelta(days=7) if unit == "week" else _add_months(current, 1)
    return out


# --- the figures -------------------------------------------------------------------------------


@dataclass
class ShiftSlot:
    """Shifts that ran at the same time of day, and the volunteer hours they took."""

    label: str
    shifts: int = 0
    hours: float = 0.0


@dataclass
class ReportFigures:
    """Exact counts for one period. Show or share them only through report_export."""

    period: Period
    calls: int = 0
    talk_seconds: int = 0
    median_seconds: float | None = None
    damaged: int = 0
    per_time: dict[date, int] = field(default_factory=dict)
    by_band: list[int] = field(default_factory=lambda: [0] * len(TIME_BANDS))
    by_weekday_part: list[list[int]] = field(
        default_factory=lambda: [[0] * len(DAY_PARTS) for _ in WEEKDAYS]
    )
    by_length: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_topic: dict[str, int] = field(default_factory=dict)
    by_caller: dict[str, int] = field(default_factory=dict)
    regulars: int = 0
    crisis_offered: int = 0
    crisis_connected: int = 0
    followups_raised: int = 0
    followups_done: int = 0
    shift_slots: list[ShiftSlot] = field(default_factory=list)
    shifts: int = 0
    volunteer_hours: float = 0.0

    @property
    def time_unit(self) -> str:
        return self.period.time_unit


def _length_id(seconds: int | None) -> str:
    if seconds is None or seconds < 0:
        return NO_LENGTH
    for band_id, _label, limit in LENGTH_BANDS:
        if limit is None or seconds < limit:
            return band_id
    return LENGTH_BANDS[-1][0]  # pragma: no cover - the last band has no limit


class Tally:
    """Counts records into :class:`ReportFigures`; pure, so plain tests can drive it.

    ``zone`` is the line's local time zone (hours of the day and weeks are the line's, not
    UTC's); ``topics`` the team's topics list, so only the team's own words become labels.
    """

    def __init__(self, period: Period, zone: tzinfo | None, topics: Sequence[str]) -> None:
        self.period = period
        self.zone = zone
        self.start, self.end = period.bounds(zone)
        self._topics = list(dict.fromkeys(topics))
        self._known_topics = set(self._topics)
        self._channels = [c.id for c in ips.channels()]
        self._kinds = [k.id for k in ips.contact_kinds()]
        self._lengths: list[int] = []
        self._regulars: set[str] = set()
        fig = ReportFigures(period)
        fig.per_time = dict.fromkeys(buckets(period), 0)
        fig.by_length = dict.fromkeys([b[0] for b in LENGTH_BANDS] + [NO_LENGTH], 0)
        fig.by_channel = dict.fromkeys([*self._channels, OTHER], 0)
        fig.by_kind = dict.fromkeys([*self._kinds, OTHER], 0)
        fig.by_topic = dict.fromkeys([*self._topics, OTHER_TOPICS], 0)
        fig.by_caller = dict.fromkeys([k.value for k in CallerKind], 0)
        self.figures = fig
        self._slots: dict[tuple[int, int, int], ShiftSlot] = {}
        self._hours: dict[str, _Place] = {}

    def _place(self, moment: datetime, *, whole_hour: bool) -> _Place:
        """Where a moment falls: its week or month, time band, weekday and part of day.

        With ``whole_hour`` the answer stands for the whole UTC hour (cached by the caller);
        in a zone whose offset is not a whole number of hours it cannot, so it says so with
        a None bucket and the caller works each call out on its own.
        """
        if whole_hour:
            moment = moment.replace(minute=0, second=0, microsecond=0)
        local = moment.astimezone(self.zone)
        if whole_hour and local.minute:
            return (None, 0, 0, 0)
        day = local.date()
        hour = local.hour
        return (bucket_start(day, self.period.time_unit), hour // 3, day.weekday(), hour // 6)

    def add_calls(self, calls: Iterable[Mapping[str, Any] | None]) -> bool:
        """Count the calls that started in the period; False once the calls have gone well
        past its start (calls come newest first, so none still to come can count).

        Each call is a mapping of its fields as the repository opened them (clear columns
        and sealed body together; times as ISO text or datetimes), or None for a record that
        would not open (counted as damaged, never guessed at). Reading by field name, not
        by column, is what keeps this working when record format 2 moves fields into the
        sealed body.
        """
        fig, start, end = self.figures, self.start, self.end
        channels, kinds, topics, callers = (
            fig.by_channel,
            fig.by_kind,
            fig.by_topic,
            fig.by_caller,
        )
        known_topics, lengths, per_time = self._known_topics, self._lengths, fig.per_time
        by_band, by_part, by_length = fig.by_band, fig.by_weekday_part, fig.by_length
        too_old = start - STOP_AFTER
        # Times stored by to_iso are UTC text of one fixed width, so they compare as text;
        # the local hour and week are looked up once per UTC hour rather than per call.
        start_text, end_text, old_text = _utc_text(start), _utc_text(end), _utc_text(too_old)
        hours = self._hours
        fromiso = datetime.fromisoformat
        anonymous, regular = CallerKind.ANONYMOUS.value, CallerKind.REGULAR.value
        for call in calls:
            if call is None:
                fig.damaged += 1
                continue
            started = call.get("started_at")
            if not started:
                continue
            where = None
            if isinstance(started, str) and len(started) == _ISO_WIDTH and started[-6:] == "+00:00":
                if started < start_text:
                    if started < old_text:
                        return False
                    continue
                if started >= end_text:
                    continue
                where = hours.get(started[:13])
                if where is None:
                    where = hours[started[:13]] = self._place(fromiso(started), whole_hour=True)
            else:
                moment = fromiso(started) if isinstance(started, str) else started
                if moment < start:
                    if moment < too_old:
                        return False
                    continue
                if moment >= end:
                    continue
            if where is None or where[0] is None:
                moment = fromiso(started) if isinstance(started, str) else started
                where = self._place(moment, whole_hour=False)
            bucket, band, weekday, part = where
            assert bucket is not None
            fig.calls += 1
            per_time[bucket] += 1
            by_band[band] += 1
            by_part[weekday][part] += 1
            seconds = call.get("duration_s")
            if isinstance(seconds, int) and seconds >= 0:
                fig.talk_seconds += seconds
                lengths.append(seconds)
                by_length[_length_id(seconds)] += 1
            else:
                by_length[NO_LENGTH] += 1
            channel = call.get("channel")
            channels[channel if channel in channels else OTHER] += 1
            kind = call.get("contact_kind")
            kinds[kind if kind in kinds else OTHER] += 1
            named = call.get("topics") or ()
            if named:
                for topic in {t if t in known_topics else OTHER_TOPICS for t in named}:
                    topics[topic] += 1
            caller = call.get("caller_kind")
            if caller not in callers:
                caller = anonymous
            callers[caller] += 1
            if caller == regular and call.get("caller_uuid"):
                self._regulars.add(call["caller_uuid"])
            if call.get("crisis_offered"):
                fig.crisis_offered += 1
            if call.get("crisis_connected"):
                fig.crisis_connected += 1
        return True

    def add_shifts(self, shifts: Iterable[Shift]) -> None:
        """Finished shifts that started in the period: hours times the people on them."""
        for shift in shifts:
            if shift.damaged or shift.started_at is None or shift.ended_at is None:
                continue
            if not self.start <= shift.started_at < self.end:
                continue
            began = shift.started_at.astimezone(self.zone)
            ended = shift.ended_at.astimezone(self.zone)
            hours = max(0.0, (shift.ended_at - shift.started_at).total_seconds() / 3600)
            people = max(1, len(shift.members))
            key = (began.hour, ended.hour, round(hours))
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = ShiftSlot(
                    f"{_hour_text(began.hour)}–{_hour_text(ended.hour)}"
                )
            slot.shifts += 1
            slot.hours += hours * people
            self.figures.shifts += 1
            self.figures.volunteer_hours += hours * people

    def add_followups(self, followups: Iterable[FollowUp]) -> None:
        """Follow-ups raised in the period, and how many of those are done by now."""
        for followup in followups:
            raised = followup.raised_at
            if followup.damaged or raised is None or not self.start <= raised < self.end:
                continue
            self.figures.followups_raised += 1
            if not followup.is_open:
                self.figures.followups_done += 1

    def result(self) -> ReportFigures:
        fig = self.figures
        fig.median_seconds = statistics.median(self._lengths) if self._lengths else None
        fig.regulars = len(self._regulars)
        fig.shift_slots = [self._slots[k] for k in sorted(self._slots)]
        fig.volunteer_hours = round(fig.volunteer_hours, 1)
        for slot in fig.shift_slots:
            slot.hours = round(slot.hours, 1)
        return fig


def _utc_text(moment: datetime) -> str:
    text = to_iso(moment)
    assert text is not None
    return text


def _hour_text(hour: int) -> str:
    if hour == 0:
        return "midnight"
    if hour == 12:
        return "noon"
    return f"{hour % 12} {'am' if hour < 12 else 'pm'}"


def call_fields(call: Call) -> dict[str, Any] | None:
    """A call record as the mapping :meth:`Tally.add_calls` reads (None when damaged)."""
    return None if call.damaged else asdict(call)


def _opened(
    rows: Iterable[tuple[dict[str, Any], dict[str, Any] | None]],
) -> Iterator[dict[str, Any] | None]:
    """Clear columns and opened body as one mapping per call, None for a damaged one."""
    for clear, body in rows:
        if body is None:
            yield None
        else:
            clear.update(body)
            yield clear


def compute_figures(
    period: Period,
    zone: tzinfo | None,
    topics: Sequence[str],
    calls: Iterable[Call],
    shifts: Iterable[Shift] = (),
    followups: Iterable[FollowUp] = (),
) -> ReportFigures:
    """All figures at once, from records already opened (for tests and small lines)."""
    tally = Tally(period, zone, topics)
    newest_first = sorted(
        (c for c in calls),
        key=lambda c: c.started_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    tally.add_calls(call_fields(c) for c in newest_first)
    tally.add_shifts(shifts)
    tally.add_followups(followups)
    return tally.result()


# --- from a session ------------------------------------------------------------------------------


def may_see_reports(session: Session) -> bool:
    """Coordinators always; shift leads only while the team setting allows it."""
    if session.is_coordinator:
        return True
    return bool(session.is_lead and session.settings.get(LEADS_SETTING, False) is True)


def check_allowed(session: Session) -> None:
    """Refuse a locked session (a step queued just before a lock opens nothing more) and
    anyone reports are not for."""
    if session.locked:
        raise Locked()
    if not may_see_reports(session):
        raise NotAllowed(
            "Reports are for coordinators. A coordinator can let shift leads see them in Settings."
        )


class ReportRun:
    """One report, counted a batch of calls at a time (see the module docstring).

    ``begin`` reads the small record kinds (shifts, follow-ups, the topics list) and returns
    ``(done, total)``; each ``step`` opens one batch of calls; ``result`` gives the figures.
    All three take the session, so the app runs each on its worker thread.
    """

    def __init__(self, period: Period, zone: tzinfo | None, batch: int = 2000) -> None:
        self.period = period
        self.zone = zone
        self.batch = batch
        self.done = 0
        self.total = 0
        self._tally: Tally | None = None
        self._rows: Iterator[dict[str, Any] | None] | None = None
        self.finished = False

    def begin(self, session: Session) -> tuple[int, int]:
        check_allowed(session)
        self._tally = Tally(self.period, self.zone, session.settings.topics())
        with collector_paused():  # thousands of shifts, opened, counted and dropped
            self._tally.add_shifts(session.shifts.select())
            self._tally.add_followups(session.followups.all())
        self.total = session.calls.count()
        # One walk over the opened calls, newest first, held between steps. Opened rows
        # rather than Call objects: building 100,000 dataclasses costs more than counting.
        self._rows = _opened(session.calls.open_rows())
        return self.done, self.total

    def step(self, session: Session) -> bool:
        """Count one batch; False when every call in the period has been counted."""
        if self._tally is None or self._rows is None:
            raise RuntimeError("begin() first")
        check_allowed(session)
        with collector_paused():
            page = list(itertools.islice(self._rows, self.batch))
            counting = bool(page) and self._tally.add_calls(page)
        if not counting or len(page) < self.batch:
            self.finished = True
            self.done = self.total
            self._rows = None  # closes the walk
            return False
        self.done = min(self.total, self.done + len(page))
        return True

    def result(self) -> ReportFigures:
        if self._tally is None or not self.finished:
            raise RuntimeError("the report is not finished")
        return self._tally.result()


def build_report(
    session: Session, period: Period, zone: tzinfo | None, batch: int = 2000
) -> ReportFigures:
    """The whole report in one go (benchmarks, scripts)."""
    run = ReportRun(period, zone, batch)
    run.begin(session)
    while run.step(session):
        pass
    return run.result()
