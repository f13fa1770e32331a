"""Reports: every figure against counts worked out here from the fictional data itself,
small counts hidden, nothing written by a person in the CSV, and who may see reports."""

from __future__ import annotations

import csv
import io
import secrets
import statistics
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from warmline.accounts import Role
from warmline.calls import Call
from warmline.errors import Locked, NotAllowed
from warmline.fiction import FictionGenerator
from warmline.handovers import Handover
from warmline.report_export import HIDDEN, csv_text, protect, report_tables
from warmline.reports import LEADS_SETTING, Period, ReportRun, build_report, quick_periods
from warmline.session import Session
from warmline.shifts import Shift
from warmline.vault import Vault

ZONE = timezone(timedelta(hours=-5))  # the line's own zone: not UTC, so hours must convert
NOW = datetime(2026, 10, 20, 23, 30, tzinfo=ZONE)
DAYS = 45


class Line:
    """A fictional line written into the vault, with the records kept here to count."""

    def __init__(self, session: Session, canary: str) -> None:
        gen = FictionGenerator(seed=11, now=NOW)
        me = session.account.uuid
        callers = gen.callers(6)
        callers[0] = replace(callers[0], alias=f"Robin {canary}", notes=canary)
        self.callers = session.callers.add_many(callers)
        shifts = gen.shifts(DAYS, [me], [me])
        shifts[0] = replace(shifts[0], notes=f"shift {canary}")
        self.shifts: list[Shift] = session.shifts.add_many(shifts)
        calls = list(gen.calls(500, self.callers, DAYS, [me], self.shifts))
        calls[3] = replace(calls[3], connection=canary, follow_up=f"ring {canary}")
        calls[4] = replace(calls[4], topics=[canary, "Housing"])
        self.calls: list[Call] = session.calls.add_many(calls)
        self.followups = []
        for i, call in enumerate(self.calls):
            followup = session.followups.sync_from_call(call) if call.has_follow_up else None
            if followup is not None and i % 3 == 0:
                followup = session.followups.mark_done(followup, f"done {canary}")
            if followup is not None:
                self.followups.append(followup)
        session.handovers.add(
            Handover(how_it_was=f"quiet {canary}", callers_to_keep_in_mind=canary)
        )


@pytest.fixture
def canary() -> str:
    return "Canary" + secrets.token_hex(6) + "Zeta"


@pytest.fixture
def line(session: Session, canary: str) -> Line:
    return Line(session, canary)


def in_period(moment: datetime | None, period: Period) -> bool:
    if moment is None:
        return False
    local = moment.astimezone(ZONE).date()
    return period.first <= local <= period.last


def expected(line: Line, period: Period, topics: list[str]) -> dict[str, Any]:
    """The figures, counted here in the plainest way from the records the test wrote."""
    calls = [c for c in line.calls if in_period(c.started_at, period)]
    local = [c.started_at.astimezone(ZONE) for c in calls if c.started_at]
    topic_counts: Counter[str] = Counter()
    for c in calls:
        for t in set(c.topics):
            topic_counts[t if t in topics else "other"] += 1
    lengths = [c.duration_s for c in calls if c.duration_s is not None]
    shifts = [s for s in line.shifts if in_period(s.started_at, period) and s.ended_at]
    hours = 0.0
    for s in shifts:
        assert s.started_at is not None and s.ended_at is not None
        hours += (s.ended_at - s.started_at).total_seconds() / 3600 * len(s.members)
    raised = [f for f in line.followups if in_period(f.raised_at, period)]
    return {
        "calls": len(calls),
        "hours_3": Counter(t.hour // 3 for t in local),
        "weekday_part": Counter((t.weekday(), t.hour // 6) for t in local),
        "weeks": Counter((t.date() - timedelta(days=t.weekday())) for t in local),
        "channel": Counter(c.channel for c in calls),
        "kind": Counter(c.contact_kind for c in calls),
        "caller": Counter(c.caller_kind for c in calls),
        "regulars": len({c.caller_uuid for c in calls if c.caller_kind == "regular"}),
        "topics": topic_counts,
        "offered": sum(c.crisis_offered for c in calls),
        "connected": sum(c.crisis_connected for c in calls),
        "talk": sum(lengths),
        "median": statistics.median(lengths),
        "under_5": sum(1 for s in lengths if s < 300),
        "hour_plus": sum(1 for s in lengths if s >= 3600),
        "shifts": len(shifts),
        "hours": round(hours, 1),
        "raised": len(raised),
        "done": sum(1 for f in raised if f.done_at is not None),
    }


def test_every_figure_matches_an_independent_count(session: Session, line: Line) -> None:
    topics = session.settings.topics()
    for period in (
        Period(date(2026, 9, 1), date(2026, 9, 30)),  # cuts through the data at both ends
        Period(date(2026, 1, 1), date(2026, 12, 31)),  # all of it, counted per month
    ):
        fig = build_report(session, period, ZONE, batch=64)
        want = expected(line, period, topics)
        assert fig.calls == want["calls"] > 50
        assert fig.by_band == [want["hours_3"][b] for b in range(8)]
        assert fig.by_weekday_part == [
            [want["weekday_part"][(d, p)] for p in range(4)] for d in range(7)
        ]
        assert {k: v for k, v in fig.by_channel.items() if v} == dict(want["channel"])
        assert {k: v for k, v in fig.by_kind.items() if v} == dict(want["kind"])
        assert {k: v for k, v in fig.by_caller.items() if v} == dict(want["caller"])
        assert fig.regulars == want["regulars"]
        got_topics = {k: v for k, v in fig.by_topic.items() if v}
        want_topics = dict(want["topics"])
        if "other" in want_topics:
            want_topics["Other topics (no longer in the list)"] = want_topics.pop("other")
        assert got_topics == want_topics
        assert (fig.crisis_offered, fig.crisis_connected) == (want["offered"], want["connected"])
        assert fig.talk_seconds == want["talk"] and fig.median_seconds == want["median"]
        assert fig.by_length["under_5"] == want["under_5"]
        assert fig.by_length["60_up"] == want["hour_plus"]
        assert sum(fig.by_length.values()) == want["calls"]
        assert (fig.shifts, fig.volunteer_hours) == (want["shifts"], want["hours"])
        assert (fig.followups_raised, fig.followups_done) == (want["raised"], want["done"])
        assert fig.damaged == 0
        if period.time_unit == "week":
            assert {d: n for d, n in fig.per_time.items() if n} == dict(want["weeks"])
        else:
            months = Counter(
                c.started_at.astimezone(ZONE).date().replace(day=1)
                for c in line.calls
                if c.started_at is not None and in_period(c.started_at, period)
            )
            assert {d: n for d, n in fig.per_time.items() if n} == dict(months)


def test_a_record_that_will_not_open_is_counted_apart(session: Session, line: Line) -> None:
    victim = line.calls[10]
    session.calls._ctx.db.execute(
        "update calls set body = ? where uuid = ?", [b"WL" + b"\x00" * 60, victim.uuid]
    )
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    fig = build_report(session, period, ZONE)
    assert fig.damaged == 1
    assert fig.calls == expected(line, period, session.settings.topics())["calls"] - 1


def test_reflections_are_never_read(session: Session, line: Line) -> None:
    class Untouchable:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"reports read reflections ({name})")

    session.debriefs = Untouchable()  # type: ignore[assignment]
    fig = build_report(session, Period(date(2026, 9, 1), date(2026, 10, 20)), ZONE)
    assert fig.calls > 0


def test_the_csv_holds_no_written_text_names_or_exact_times(
    session: Session, line: Line, canary: str
) -> None:
    session.team.add_account(f"Morgan {canary}", "a fine long passphrase", Role.VOLUNTEER)
    fig = build_report(session, Period(date(2026, 9, 1), date(2026, 10, 20)), ZONE)
    text = csv_text(fig, "Riverside warmline")
    assert canary.casefold() not in text.casefold()
    for caller in line.callers:
        assert caller.alias not in text
    assert session.account.display_name not in text
    for call in line.calls[:50]:
        assert call.started_at is not None
        assert call.started_at.isoformat()[:16] not in text
        assert call.started_at.astimezone(ZONE).strftime("%H:%M") not in text
    lines = text.splitlines()
    assert lines[0] == "# Warmline report for Riverside warmline: 1 Sep 2026 to 20 Oct 2026"
    about = " ".join(x[2:] for x in lines if x.startswith("# "))
    assert "This file is not locked" in about
    assert "Left out on purpose" in about and "aliases" in about and "names" in about
    assert "shown as <5" in about
    assert all(len(x) <= 90 for x in lines if x.startswith("#"))
    rows = list(csv.reader(io.StringIO("\n".join(x for x in lines if not x.startswith("#")))))
    assert rows[0] == ["table", "row", "column", "value"]
    assert ["Summary", "Calls", "", str(fig.calls)] in rows


def test_small_counts_are_hidden_in_the_csv(session: Session, line: Line) -> None:
    fig = build_report(session, Period(date(2026, 10, 14), date(2026, 10, 16)), ZONE)
    text = csv_text(fig, "Riverside warmline")
    body = [x for x in text.splitlines() if not x.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(body))))[1:]
    counted = [r for r in rows if r[0] != "Volunteer hours by shift" and r[0] != "Summary"]
    values = [r[3] for r in counted]
    assert "<5" in values
    assert not {"1", "2", "3", "4"} & set(values)
    # The raw figures do hold small counts: they were hidden, not absent.
    assert any(0 < n < 5 for n in fig.by_band)


def test_protect_hides_small_cells_and_one_more_where_a_total_gives_them_away() -> None:
    assert protect([[20], [3], [0], [9]]) == [["20"], ["<5"], ["0"], [HIDDEN]]
    assert protect([[20], [3], [2], [9]]) == [["20"], ["<5"], ["<5"], ["9"]]
    assert protect([[7], [3]], totals_known=False) == [["7"], ["<5"]]
    grid = protect([[10, 2, 8], [6, 9, 12], [7, 7, 30]])
    assert grid[0][1] == "<5"
    hidden = sum(cell == HIDDEN for row in grid for cell in row)
    assert hidden >= 2
    for row in grid:  # no row and no column with exactly one cell held back
        assert sum(not c.isdigit() for c in row) != 1
    for col in range(3):
        column = [grid[r][col] for r in range(3)]
        assert sum(not c.isdigit() for c in column) != 1


def test_tables_show_what_the_csv_shows(session: Session, line: Line) -> None:
    fig = build_report(session, Period(date(2026, 10, 14), date(2026, 10, 16)), ZONE)
    tables = {t.key: t for t in report_tables(fig)}
    bands = tables["time_of_day"]
    for raw, shown, value in zip(fig.by_band, bands.shown, bands.values, strict=True):
        if 0 < raw < 5:
            assert shown == ["<5"] and value == [None]
    assert all(t.reading for t in tables.values())


def test_only_coordinators_and_allowed_leads_see_reports(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    with pytest.raises(NotAllowed):
        build_report(volunteer, period, ZONE)
    lead_account = session.team.add_account("Lee", "lees own passphrase", Role.SHIFT_LEAD)
    lead = vault.unlock(lead_account.uuid, "lees own passphrase")
    with pytest.raises(NotAllowed):
        build_report(lead, period, ZONE)
    session.settings.set(LEADS_SETTING, True)
    assert build_report(lead, period, ZONE).calls == 0
    with pytest.raises(NotAllowed):
        build_report(volunteer, period, ZONE)


def test_quick_periods_are_whole_months_quarters_and_years() -> None:
    quick = quick_periods(date(2026, 5, 14))
    assert quick["30_days"] == Period(date(2026, 4, 15), date(2026, 5, 14))
    assert quick["month"] == Period(date(2026, 4, 1), date(2026, 4, 30))
    assert quick["quarter"] == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert quick["year"] == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert quick_periods(date(2026, 1, 3))["month"] == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert Period(date(2026, 1, 1), date(2026, 3, 31)).time_unit == "week"
    assert Period(date(2026, 1, 1), date(2026, 6, 30)).time_unit == "month"


def test_calls_outside_the_day_bounds_use_the_lines_zone(session: Session) -> None:
    # 23:30 on 30 Sep where the line is = 04:30 UTC on 1 Oct: it belongs to September.
    late = datetime(2026, 9, 30, 23, 30, tzinfo=ZONE)
    session.calls.add(Call(started_at=late, ended_at=late + timedelta(minutes=7)))
    september = build_report(session, Period(date(2026, 9, 1), date(2026, 9, 30)), ZONE)
    october = build_report(session, Period(date(2026, 10, 1), date(2026, 10, 31)), ZONE)
    assert (september.calls, october.calls) == (1, 0)
    assert september.by_band[7] == 1 and september.by_weekday_part[2][3] == 1
    assert september.by_length["5_15"] == 1
    utc = build_report(session, Period(date(2026, 10, 1), date(2026, 10, 1)), UTC)
    assert utc.calls == 1


def test_a_report_stops_when_the_session_locks(session: Session, line: Line) -> None:
    run = ReportRun(Period(date(2026, 1, 1), date(2026, 12, 31)), ZONE, batch=50)
    run.begin(session)
    assert run.step(session)
    session.lock()
    with pytest.raises(Locked):
        run.step(session)


def test_a_hidden_time_band_cannot_be_worked_out_from_the_weekday_table() -> None:
    """Two 3-hour bands make one part of the day, and the weekday table can show that part's
    total in full: so when one band of a pair is hidden, its partner is hidden too."""
    from warmline.report_export import _band_pairs, protect

    bands = [[3], [20], [10], [12], [9], [15], [30], [25]]  # midnight–3 am is small
    shown = protect(bands, 5, extra_lines=_band_pairs(len(bands)))
    assert shown[0] == ["<5"]
    assert shown[1] != ["20"]  # "3–6 am" no longer gives the night's small band away
    without = protect(bands, 5)
    assert without[1] == ["20"]  # (what the old rule showed: night total − 20 = 3)


def test_only_a_coordinator_changes_team_settings(session: Session, volunteer: Session) -> None:
    from warmline.errors import NotAllowed
    from warmline.reports import LEADS_SETTING

    with pytest.raises(NotAllowed):
        volunteer.settings.set(LEADS_SETTING, True)
    session.settings.set(LEADS_SETTING, True)
    assert volunteer.settings.get(LEADS_SETTING) is True


def test_a_week_or_month_only_partly_in_the_period_says_so() -> None:
    from warmline.report_export import _bucket_label

    assert _bucket_label(date(2026, 10, 26), "week", date(2026, 11, 1), date(2026, 11, 30)) == (
        "Week of 26 Oct 2026 (part: 1 day)"
    )
    assert _bucket_label(date(2026, 11, 2), "week", date(2026, 11, 1), date(2026, 11, 30)) == (
        "Week of 2 Nov 2026"
    )
    assert _bucket_label(date(2026, 12, 1), "month", date(2026, 9, 15), date(2026, 12, 10)) == (
        "December 2026 (part: 10 days)"
    )
