"""The summary a handover starts from, worked out from the shift's own records.

Why generated: the figures (how many calls, how long, which regulars, what was offered) are
already in the call records, and copying them by hand at the end of a tiring shift is where
mistakes creep in. The person writing the handover adds what only they know.

Built only from call records, regular callers' aliases and follow-ups — never from anyone's
private reflections, which this module does not read and could not open for others anyway.
The result is a plain JSON-friendly dict, so the handover can keep it (sealed) exactly as it
was when written, and :func:`summary_lines` turns it into sentences for screens and paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from warmline import ips
from warmline.callers import Caller
from warmline.calls import Call
from warmline.followups import FollowUp
from warmline.shifts import Shift
from warmline.timeutil import to_iso

if TYPE_CHECKING:
    from warmline.session import Session

Summary = dict[str, Any]


def _minutes(seconds: int) -> int:
    return round(seconds / 60)


def _tally(calls: Iterable[Call], key: str, choices: Sequence[ips.Choice]) -> list[dict[str, Any]]:
    """Calls and minutes per value of ``key``, in the order the choices are listed."""
    counts: dict[str, list[int]] = {}
    for call in calls:
        slot = counts.setdefault(getattr(call, key), [0, 0])
        slot[0] += 1
        slot[1] += call.duration_s or 0
    labels = {c.id: c.label for c in choices}
    order = [c.id for c in choices] + sorted(k for k in counts if k not in labels)
    return [
        {
            "id": k,
            "label": labels.get(k, k),
            "calls": counts[k][0],
            "minutes": _minutes(counts[k][1]),
        }
        for k in order
        if k in counts
    ]


def build_summary(
    shift: Shift | None,
    calls: Sequence[Call],
    callers: Mapping[str, Caller],
    raised: Sequence[FollowUp] = (),
    carried: Sequence[FollowUp] = (),
) -> Summary:
    """The figures of one shift.

    ``calls`` are the shift's calls; ``callers`` maps caller UUIDs to regulars (for their
    aliases); ``raised`` are the follow-ups raised during the shift and ``carried`` the
    ones still open from earlier shifts.
    """
    taken = [c for c in calls if not c.damaged]
    regulars: dict[str, list[Call]] = {}
    for call in taken:
        if call.caller_uuid and call.caller_uuid in callers:
            regulars.setdefault(call.caller_uuid, []).append(call)
    regular_rows: list[dict[str, Any]] = []
    for caller_uuid, theirs in regulars.items():
        latest = max(theirs, key=lambda c: c.started_at.timestamp() if c.started_at else 0.0)
        regular_rows.append(
            {
                "alias": callers[caller_uuid].alias,
                "calls": len(theirs),
                "moving_towards": latest.moving_towards.strip(),
            }
        )
    regular_rows.sort(key=lambda r: (-r["calls"], r["alias"].casefold()))
    return {
        "started_at": to_iso(shift.started_at) if shift else None,
        "ended_at": to_iso(shift.ended_at) if shift else None,
        "calls": len(taken),
        "minutes": _minutes(sum(c.duration_s or 0 for c in taken)),
        "by_channel": _tally(taken, "channel", ips.channels()),
        "by_kind": _tally(taken, "contact_kind", ips.contact_kinds()),
        "regulars": regular_rows,
        "followups_raised": [f.text for f in raised if not f.damaged],
        "followups_carried": len([f for f in carried if not f.damaged and f.is_open]),
        "crisis_offered": sum(1 for c in taken if c.crisis_offered),
        "crisis_connected": sum(1 for c in taken if c.crisis_connected),
    }


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def summary_lines(summary: Mapping[str, Any]) -> list[str]:
    """The summary as short plain sentences, one per line."""
    if not summary:
        return ["No summary was made for this handover."]
    calls = int(summary.get("calls", 0))
    lines = [f"{_count(calls, 'call')}, {_count(int(summary.get('minutes', 0)), 'minute')} in all."]
    for title, key in (("By channel", "by_channel"), ("By kind of contact", "by_kind")):
        parts = [
            f"{row['label']} {row['calls']} ({_count(int(row['minutes']), 'min', 'min')})"
            for row in summary.get(key, [])
        ]
        if parts:
            lines.append(f"{title}: " + ", ".join(parts) + ".")
    regulars = summary.get("regulars", [])
    if regulars:
        lines.append("Regulars who rang:")
        for row in regulars:
            times = "once" if row["calls"] == 1 else f"{row['calls']} times"
            towards = row.get("moving_towards") or ""
            lines.append(
                f"  {row['alias']} ({times})" + (f", moving towards: {towards}" if towards else "")
            )
    else:
        lines.append("No regulars rang.")
    raised = summary.get("followups_raised", [])
    if raised:
        lines.append(f"{_count(len(raised), 'follow-up')} raised:")
        lines.extend(f"  - {text}" for text in raised)
    else:
        lines.append("No follow-ups raised.")
    carried = int(summary.get("followups_carried", 0))
    if carried:
        lines.append(f"{_count(carried, 'follow-up')} still open from earlier shifts.")
    offered = int(summary.get("crisis_offered", 0))
    connected = int(summary.get("crisis_connected", 0))
    if offered or connected:
        lines.append(
            f"A crisis resource was offered {_count(offered, 'time')}; "
            f"a caller was connected {_count(connected, 'time')}."
        )
    else:
        lines.append("No crisis resource was offered.")
    return lines


def summarise(session: Session, shift: Shift) -> Summary:
    """The summary of ``shift`` from the unlocked session's records (run on the worker)."""
    calls = session.calls.for_shift(shift.uuid)
    callers = {c.uuid: c for c in session.callers.select() if not c.damaged}
    followups = session.followups.all()
    raised = [f for f in followups if f.shift_uuid == shift.uuid]
    carried = [f for f in followups if f.shift_uuid != shift.uuid and f.is_open]
    return build_summary(shift, calls, callers, raised, carried)
