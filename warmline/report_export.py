"""What a report may show or share: tables with small counts hidden, their readings, the CSV.

Every way a report leaves the figures (the tables under the charts, the charts themselves,
the printed summary and the CSV) goes through :func:`report_tables`, so they all hide the
same cells.

**Small counts.** A count from 1 to ``threshold - 1`` (1 to 4 by default) is shown as
``<5``: in a small group, a count like "2 calls about housing on Tuesday nights" can point
at one person. Zero is shown as it is: it says nothing about anyone who called.

**Complementary suppression.** Hiding one cell is not enough when the table's total is
known (it is published, or it is the total number of calls printed at the top): the total
minus the cells shown gives the hidden one back. So in every table whose cells add up to a
known total, a row or column with exactly one hidden cell has its smallest other non-zero
count hidden too (shown as ``hidden``), repeated until no row or column gives a cell away.
Tables whose cells do not add up to anything published (topics: one call may have several)
need only the first rule. Hours volunteered are not counts of people and are shown as they
are.

**What is never in the CSV**: free text of any kind (notes, follow-up text, handovers,
shift notes), callers' aliases, anyone's name, exact times and dates of calls (only weeks
or months, three-hour bands and weekdays), and reflections, which reports never read.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from warmline import ips
from warmline.reports import (
    DAY_PARTS,
    LENGTH_BANDS,
    NO_LENGTH,
    OTHER,
    TIME_BANDS,
    WEEKDAYS,
    ReportFigures,
)

DEFAULT_THRESHOLD = 5
HIDDEN = "hidden"

CALLER_LABELS = {
    "new": "First-time callers",
    "anonymous": "Anonymous callers",
    "regular": "Regular callers",
}


@dataclass
class ReportTable:
    """One chart's numbers: rows of counts under named columns, with hidden cells marked.

    ``values`` keeps the counts that may be shown (None where hidden), for charts;
    ``shown`` the same as text (``<5``, ``hidden`` or the number), for tables, paper and CSV.
    """

    key: str
    title: str
    row_header: str
    columns: list[str]
    row_labels: list[str]
    values: list[list[int | float | None]]
    shown: list[list[str]]
    reading: str = ""
    chart: str = "bar"  # "bar", "grouped" or "hbar"
    csv_labels: list[str] = field(default_factory=list)  # row labels for the CSV, if different

    @property
    def any_hidden(self) -> bool:
        return any(cell in (HIDDEN,) or cell.startswith("<") for row in self.shown for cell in row)


# --- hiding small counts ---------------------------------------------------------------------


def small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def protect(
    matrix: Sequence[Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    totals_known: bool = True,
    extra_lines: Sequence[Sequence[tuple[int, int]]] = (),
) -> list[list[str]]:
    """The cells as they may be shown: numbers, ``<N`` for small ones, ``hidden`` for
    cells held back so a known row or column total cannot give a small one away.

    ``extra_lines`` are other groups of cells whose sum another table shows (two 3-hour
    bands make one 6-hour part of the day in the weekday table): one hidden cell in such a
    group hides another too."""
    state = [["small" if small(v, threshold) else "shown" for v in row] for row in matrix]
    if totals_known:
        _complement(matrix, state, extra_lines)
    out = []
    for row, states in zip(matrix, state, strict=True):
        out.append(
            [
                f"<{threshold}" if s == "small" else HIDDEN if s == "hidden" else str(v)
                for v, s in zip(row, states, strict=True)
            ]
        )
    return out


def _band_pairs(bands: int) -> list[list[tuple[int, int]]]:
    """Band rows 0+1, 2+3, …: each pair is one part of the day in the weekday table."""
    return [[(2 * p, 0), (2 * p + 1, 0)] for p in range(bands // 2)]


def _complement(
    matrix: Sequence[Sequence[int]],
    state: list[list[str]],
    extra_lines: Sequence[Sequence[tuple[int, int]]] = (),
) -> None:
    """Hide a second cell in any row, column or extra group with exactly one hidden cell."""
    lines: list[list[tuple[int, int]]] = [
        [(r, c) for c in range(len(row))] for r, row in enumerate(matrix)
    ]
    if len(matrix) > 1 and matrix and len(matrix[0]) > 1:
        lines += [[(r, c) for r in range(len(matrix))] for c in range(len(matrix[0]))]
    elif len(matrix) > 1:  # a single column: its cells add up to the known total
        lines = [[(r, 0) for r in range(len(matrix))]]
    lines += [list(line) for line in extra_lines]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if state[cell[0]][cell[1]] != "shown"]
            if len(hidden) != 1:
                continue
            visible = [
                cell
                for cell in line
                if state[cell[0]][cell[1]] == "shown" and matrix[cell[0]][cell[1]] > 0
            ]
            if not visible:
                continue
            r, c = min(visible, key=lambda cell: matrix[cell[0]][cell[1]])
            state[r][c] = "hidden"
            changed = True


def _values(
    matrix: Sequence[Sequence[int | float]], shown: list[list[str]]
) -> list[list[int | float | None]]:
    return [
        [v if s.replace(".", "", 1).isdigit() else None for v, s in zip(row, srow, strict=True)]
        for row, srow in zip(matrix, shown, strict=True)
    ]


def _table(
    key: str,
    title: str,
    row_header: str,
    columns: list[str],
    labels: list[str],
    matrix: list[list[int]],
    threshold: int,
    *,
    totals_known: bool = True,
    chart: str = "bar",
    extra_lines: Sequence[Sequence[tuple[int, int]]] = (),
) -> ReportTable:
    shown = protect(matrix, threshold, totals_known=totals_known, extra_lines=extra_lines)
    return ReportTable(
        key, title, row_header, columns, labels, _values(matrix, shown), shown, chart=chart
    )


# --- the tables ------------------------------------------------------------------------------


def _bucket_label(start: date, unit: str, first: date | None = None, last: date | None = None
                  ) -> str:  # fmt: skip
    """The week's or month's name, saying so when the period covers only part of it: a
    week of one day read as a quiet week to a funder."""
    if unit == "week":
        label = f"Week of {start.day} {start.strftime('%b')} {start.year}"
        end = start + timedelta(days=6)
    else:
        label = f"{start.strftime('%B')} {start.year}"
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        end = following - timedelta(days=1)
    from_day = max(start, first) if first is not None else start
    to_day = min(end, last) if last is not None else end
    if (from_day, to_day) != (start, end):
        days = (to_day - from_day).days + 1
        label += f" (part: {days} day{'s' if days != 1 else ''})"
    return label


def _biggest(table: ReportTable, column: int = 0) -> tuple[str, str] | None:
    """The row with the largest count that may be shown, as (label, shown text)."""
    best: tuple[float, int] | None = None
    for i, row in enumerate(table.values):
        value = row[column]
        if value is not None and value > 0 and (best is None or value > best[0]):
            best = (value, i)
    if best is None:
        return None
    return table.row_labels[best[1]], table.shown[best[1]][column]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def report_tables(fig: ReportFigures, threshold: int = DEFAULT_THRESHOLD) -> list[ReportTable]:
    """Every table of the report, in the order the page and the paper show them."""
    calls_word = "Calls"
    tables: list[ReportTable] = []
    unit = fig.time_unit
    none = fig.calls == 0

    # Calls per week or month.
    labels = [_bucket_label(d, unit, fig.period.first, fig.period.last) for d in fig.per_time]
    per = _table(
        "per_time",
        f"Calls per {unit}",
        unit.capitalize(),
        [calls_word],
        labels,
        [[n] for n in fig.per_time.values()],
        threshold,
    )
    per.csv_labels = [d.isoformat() for d in fig.per_time]
    top = _biggest(per)
    per.reading = (
        "No calls in this period."
        if none
        else f"The busiest {unit} was the {_lower_first(top[0])}, with {top[1]} calls."
        if top and unit == "week"
        else f"The busiest month was {top[0]}, with {top[1]} calls."
        if top
        else "Too few calls to say which was busiest."
    )
    tables.append(per)

    # Time of day.
    bands = _table(
        "time_of_day",
        "Calls by time of day",
        "Time of day",
        [calls_word],
        [label for _h, label in TIME_BANDS],
        [[n] for n in fig.by_band],
        threshold,
        # Two 3-hour bands make one part of the day, whose total the weekday table shows.
        extra_lines=_band_pairs(len(fig.by_band)),
    )
    top = _biggest(bands)
    bands.reading = (
        "No calls in this period."
        if none
        else f"Most calls come between {top[0].replace('–', ' and ')}."
        if top
        else "Too few calls to say when most come."
    )
    tables.append(bands)

    # Weekday and part of day.
    parts = [label for _h, label in DAY_PARTS]
    week = _table(
        "weekday",
        "Calls by day of the week and part of the day",
        "Day",
        parts,
        list(WEEKDAYS),
        [list(row) for row in fig.by_weekday_part],
        threshold,
        chart="grouped",
    )
    day_totals = [sum(row) for row in fig.by_weekday_part]
    busiest = max(range(7), key=lambda d: day_totals[d]) if not none else 0
    week.reading = (
        "No calls in this period."
        if none
        else f"{WEEKDAYS[busiest]} is the busiest day."
        if day_totals[busiest] >= threshold
        else "Too few calls to say which day is busiest."
    )
    tables.append(week)

    # Length.
    length_ids = [b[0] for b in LENGTH_BANDS] + [NO_LENGTH]
    length_labels = [b[1] for b in LENGTH_BANDS] + ["Length not recorded"]
    length = _table(
        "length",
        "Length of calls",
        "Length",
        [calls_word],
        length_labels,
        [[fig.by_length.get(i, 0)] for i in length_ids],
        threshold,
    )
    top = _biggest(length)
    minutes = round(fig.median_seconds / 60) if fig.median_seconds is not None else None
    length.reading = (
        "No calls in this period."
        if none
        else f"Most calls last {_lower_first(top[0])}; the middle length is about "
        f"{minutes} minutes."
        if top and minutes is not None and fig.calls >= threshold
        else "Too few calls to say how long they usually last."
    )
    tables.append(length)

    # Channels and kinds of contact.
    channel_names = {c.id: c.label for c in ips.channels()}
    channel_names[OTHER] = "Other"
    channels = _table(
        "channels",
        "How people got in touch",
        "Channel",
        [calls_word],
        [channel_names[k] for k in fig.by_channel],
        [[n] for n in fig.by_channel.values()],
        threshold,
    )
    top = _biggest(channels)
    channels.reading = (
        "No calls in this period."
        if none
        else f"Most contacts came by {_lower_first(top[0])}."
        if top
        else "Too few contacts to say."
    )
    tables.append(channels)

    kind_names = {k.id: k.label for k in ips.contact_kinds()}
    kind_names[OTHER] = "Other"
    kinds = _table(
        "kinds",
        "Kinds of contact",
        "Kind of contact",
        [calls_word],
        [kind_names[k] for k in fig.by_kind],
        [[n] for n in fig.by_kind.values()],
        threshold,
    )
    top = _biggest(kinds)
    kinds.reading = (
        "No calls in this period."
        if none
        else f"The most common kind of contact was: {_lower_first(top[0])} ({top[1]})."
        if top
        else "Too few contacts to say."
    )
    tables.append(kinds)

    # Topics (a call may have several: no total to protect).
    topic_rows = [(t, n) for t, n in fig.by_topic.items() if n or not t.startswith("Other")]
    topics = _table(
        "topics",
        "Topics talked about",
        "Topic",
        [calls_word],
        [t for t, _n in topic_rows],
        [[n] for _t, n in topic_rows],
        threshold,
        totals_known=False,
        chart="hbar",
    )
    top = _biggest(topics)
    topics.reading = (
        "No calls in this period."
        if none
        else f"The topic that came up most was “{top[0]}”, on {top[1]} calls."
        if top
        else "Too few calls to say which topics came up most."
    )
    tables.append(topics)

    # Callers.
    callers = _table(
        "callers",
        "First-time, anonymous and regular callers",
        "Caller",
        [calls_word],
        [CALLER_LABELS[k] for k in fig.by_caller],
        [[n] for n in fig.by_caller.values()],
        threshold,
    )
    regular_calls = callers.shown[list(fig.by_caller).index("regular")][0]
    regulars = protect([[fig.regulars]], threshold, totals_known=False)[0][0]
    total = protect([[fig.calls]], threshold, totals_known=False)[0][0]
    callers.reading = (
        "No calls in this period."
        if none
        else f"Regular callers made {regular_calls} of the {total} calls; "
        f"{regulars} different regulars called."
    )
    tables.append(callers)

    # Crisis resources: offered and connected are separate counts, not parts of a total.
    crisis = _table(
        "crisis",
        "Crisis resources",
        "What happened",
        [calls_word],
        ["A crisis resource was offered", "The caller connected with it"],
        [[fig.crisis_offered], [fig.crisis_connected]],
        threshold,
        totals_known=False,
    )
    crisis.reading = (
        f"A crisis resource was offered on {crisis.shown[0][0]} calls; callers connected "
        f"with one on {crisis.shown[1][0]}."
    )
    tables.append(crisis)

    # Follow-ups: done and still open add up to those raised.
    still_open = fig.followups_raised - fig.followups_done
    follow = _table(
        "followups",
        "Follow-ups raised in this period",
        "Follow-ups",
        ["Follow-ups"],
        ["Done", "Still open"],
        [[fig.followups_done], [still_open]],
        threshold,
    )
    raised = protect([[fig.followups_raised]], threshold, totals_known=False)[0][0]
    follow.reading = (
        f"{raised} follow-ups were raised; {follow.shown[0][0]} of them are done."
        if fig.followups_raised
        else "No follow-ups were raised in this period."
    )
    tables.append(follow)

    # Volunteer hours by shift: hours, not people; shown as they are.
    slots = fig.shift_slots
    hours = ReportTable(
        "hours",
        "Volunteer hours by shift",
        "Shift",
        ["Shifts", "Volunteer hours"],
        [s.label for s in slots],
        [[s.shifts, s.hours] for s in slots],
        [[str(s.shifts), _hours_text(s.hours)] for s in slots],
        chart="hbar",
    )
    hours.reading = (
        f"Volunteers gave {_hours_text(fig.volunteer_hours)} hours over {fig.shifts} shifts."
        if fig.shifts
        else "No finished shifts in this period."
    )
    tables.append(hours)
    return tables


def _hours_text(hours: float) -> str:
    return f"{hours:,.0f}" if hours == int(hours) else f"{hours:,.1f}"


def headline(fig: ReportFigures, threshold: int = DEFAULT_THRESHOLD) -> list[tuple[str, str]]:
    """The few numbers at the top of the page and the paper, small ones hidden."""
    calls = protect([[fig.calls]], threshold, totals_known=False)[0][0]
    minutes = protect([[round(fig.talk_seconds / 60)]], threshold, totals_known=False)[0][0]
    return [
        ("Calls", calls),
        # With few calls the minutes say too much about them; with none there is nothing
        # to hide, and "<5" beside "0 calls" only confused.
        (
            "Minutes of talking",
            minutes if fig.calls >= threshold or fig.calls == 0 else f"<{threshold}",
        ),
        ("Volunteer hours", _hours_text(fig.volunteer_hours)),
        ("Shifts", str(fig.shifts)),
    ]


# --- the CSV ---------------------------------------------------------------------------------


def csv_preamble(fig: ReportFigures, line_name: str, threshold: int) -> list[str]:
    """The first lines of the file, each starting with #: what it is, and what was left out.

    Long sentences are wrapped so the preview and a text editor show them whole.
    """
    sentences = [
        f"Warmline report for {line_name}: {fig.period.text()}",
        "Counts of calls, follow-ups and volunteer hours only. This file is not locked: "
        "anyone who finds it can read it.",
        "Left out on purpose: all notes and other written text, callers' aliases, "
        "everyone's names, exact times and dates of calls (only weeks or months, "
        "three-hour bands and weekdays), and volunteers' private reflections.",
        f"Counts from 1 to {threshold - 1} are shown as <{threshold}. A cell shown as "
        f"{HIDDEN} was held back so that a total cannot give a small count away.",
        f"Calls whose record could not be opened: {fig.damaged} (not counted).",
    ]
    return [f"# {part}" for sentence in sentences for part in textwrap.wrap(sentence, 84)]


def csv_text(fig: ReportFigures, line_name: str, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The whole de-identified CSV as text: exactly what the preview shows and the file holds.

    One row per number: table, row, column, value. A long, narrow layout reads the same in
    any spreadsheet and never needs a column per week.
    """
    out = io.StringIO()
    for line in csv_preamble(fig, line_name, threshold):
        out.write(line + "\r\n")
    writer = csv.writer(out)
    writer.writerow(["table", "row", "column", "value"])
    for name, value in headline(fig, threshold):
        writer.writerow(["Summary", name, "", value])
    for table in report_tables(fig, threshold):
        labels = table.csv_labels or table.row_labels
        for label, row in zip(labels, table.shown, strict=True):
            for column, value in zip(table.columns, row, strict=True):
                writer.writerow([table.title, label, column, value])
    return out.getvalue()
