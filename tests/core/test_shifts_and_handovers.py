"""The shift summary, follow-ups carried until done, acknowledgements, and forged rows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from warmline.callers import Caller
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.errors import InvalidInput
from warmline.followups import OVERDUE_AFTER, FollowUp
from warmline.handovers import Handover
from warmline.session import Session
from warmline.shift_summary import build_summary, summarise, summary_lines
from warmline.vault import Vault

T0 = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)


def _call(session: Session, minutes: int, **fields: object) -> Call:
    start = fields.pop("started_at", T0)
    assert isinstance(start, datetime)
    return session.calls.add(
        Call(started_at=start, ended_at=start + timedelta(minutes=minutes), **fields)  # type: ignore[arg-type]
    )


def test_summary_figures_equal_the_calls(session: Session) -> None:
    shift = session.shifts.start()
    robin = session.callers.add(Caller(alias="Robin"))
    calls = [
        _call(session, 12, shift_uuid=shift.uuid, channel="phone", contact_kind="conversation"),
        _call(
            session,
            20,
            shift_uuid=shift.uuid,
            channel="phone",
            caller_uuid=robin.uuid,
            caller_kind="regular",
            moving_towards="the Thursday walking group",
            crisis_offered=True,
        ),
        _call(
            session,
            3,
            shift_uuid=shift.uuid,
            channel="text",
            contact_kind="check_in",
            follow_up="Ring the library about the group times",
            crisis_offered=True,
            crisis_connected=True,
        ),
        _call(session, 40, channel="phone"),  # another shift's call: not counted
    ]
    for call in calls:
        session.followups.sync_from_call(call)
    older = session.followups.add(FollowUp(text="Check the spare headset", raised_at=T0))

    summary = summarise(session, shift)

    mine = [c for c in calls if c.shift_uuid == shift.uuid]
    assert summary["calls"] == len(mine) == 3
    assert summary["minutes"] == 35
    assert summary["by_channel"] == [
        {"id": "phone", "label": "Phone", "calls": 2, "minutes": 32},
        {"id": "text", "label": "Text message", "calls": 1, "minutes": 3},
    ]
    assert {r["id"]: r["calls"] for r in summary["by_kind"]} == {"conversation": 2, "check_in": 1}
    assert summary["regulars"] == [
        {"alias": "Robin", "calls": 1, "moving_towards": "the Thursday walking group"}
    ]
    assert summary["followups_raised"] == ["Ring the library about the group times"]
    assert summary["followups_carried"] == 1 and older.is_open
    assert (summary["crisis_offered"], summary["crisis_connected"]) == (2, 1)
    text = "\n".join(summary_lines(summary))
    assert "3 calls, 35 minutes in all." in text
    assert "Robin (once), moving towards: the Thursday walking group" in text
    assert "offered 2 times; a caller was connected 1 time" in text


def test_summary_of_a_quiet_shift(session: Session) -> None:
    shift = session.shifts.start()
    summary = summarise(session, shift)
    assert summary["calls"] == 0 and summary["by_channel"] == []
    assert "No regulars rang." in summary_lines(summary)
    assert "No crisis resource was offered." in summary_lines(summary)


def test_no_reflection_reaches_a_summary_or_a_handover(session: Session) -> None:
    secret = "MyPrivateReflection42"
    shift = session.shifts.start()
    call = _call(session, 5, shift_uuid=shift.uuid, connection="an ordinary note")
    session.debriefs.add(Debrief(call_uuid=call.uuid, feeling=secret, note_to_self=secret))
    summary = build_summary(shift, session.calls.for_shift(shift.uuid), {})
    handover = session.handovers.add(Handover(shift_uuid=shift.uuid, summary=summary))
    stored = session.handovers.get(handover.uuid)
    assert secret not in repr(stored.summary) and secret not in stored.text()
    assert secret not in "\n".join(summary_lines(stored.summary))


def test_follow_up_from_a_call_once_and_kept_in_step(session: Session) -> None:
    call = _call(session, 5, follow_up="Robin may ring back after nine")
    first = session.followups.sync_from_call(call)
    assert first is not None and first.source == "call" and first.source_uuid == call.uuid
    assert first.raised_by == session.account.uuid
    again = session.followups.sync_from_call(call)
    assert again is not None and again.uuid == first.uuid
    call.follow_up = "Robin may ring back after ten"
    session.followups.sync_from_call(call)
    assert [f.text for f in session.followups.open()] == ["Robin may ring back after ten"]
    assert session.followups.sync_from_call(_call(session, 2)) is None


def test_follow_ups_are_carried_until_done_with_who_when_and_a_note(
    session: Session, volunteer: Session
) -> None:
    first = session.shifts.start()
    raised = session.followups.add(FollowUp(text="Post the rota", shift_uuid=first.uuid))
    session.shifts.end(first)
    for _ in range(2):  # two more shifts come and go: it is still there for each
        shift = volunteer.shifts.start()
        assert [f.uuid for f in volunteer.followups.open()] == [raised.uuid]
        volunteer.shifts.end(shift)
    done = volunteer.followups.mark_done(volunteer.followups.get(raised.uuid), "Posted on Tuesday")
    got = session.followups.get(raised.uuid)
    assert not got.is_open and got.done_by == volunteer.account.uuid
    assert got.done_note == "Posted on Tuesday" and got.done_at == done.done_at
    assert session.followups.open() == []
    with pytest.raises(InvalidInput):
        session.followups.mark_done(session.followups.get(raised.uuid), "x" * 301)
    with pytest.raises(InvalidInput):
        session.followups.add(FollowUp(text="   "))


def test_overdue_by_date_or_by_age(session: Session) -> None:
    now = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    fresh = session.followups.add(FollowUp(text="fresh", raised_at=now - timedelta(hours=3)))
    old = session.followups.add(FollowUp(text="old", raised_at=now - OVERDUE_AFTER))
    dated = session.followups.add(
        FollowUp(text="dated", raised_at=now - timedelta(hours=1), due_on="2026-11-09")
    )
    later = session.followups.add(
        FollowUp(text="later", raised_at=now - timedelta(days=9), due_on="2026-11-10")
    )
    overdue = {f.uuid for f in session.followups.overdue(now)}
    assert overdue == {old.uuid, dated.uuid}
    assert fresh.uuid not in overdue and later.uuid not in overdue
    session.followups.mark_done(session.followups.get(old.uuid))
    assert {f.uuid for f in session.followups.overdue(now)} == {dated.uuid}


def test_acknowledgement_with_a_reply_is_recorded_once(
    session: Session, volunteer: Session
) -> None:
    handover = volunteer.handovers.add(Handover(how_it_was="Quiet evening"))
    assert [h.uuid for h in session.handovers.unacknowledged()] == [handover.uuid]
    ack = session.handovers.acknowledge(handover.uuid, "  Thanks, will ring Robin  ")
    session.handovers.acknowledge(handover.uuid, "a second go")
    acks = volunteer.handovers.acknowledgements(handover.uuid)
    assert len(acks) == 1 and acks[0].account_uuid == session.account.uuid
    assert (
        acks[0].reply == "Thanks, will ring Robin"
        and acks[0].acknowledged_at == ack.acknowledged_at
    )
    assert session.handovers.unacknowledged() == []


def test_unacknowledged_within_a_span(session: Session, volunteer: Session) -> None:
    old = volunteer.handovers.add(Handover(created_at=datetime.now(UTC) - timedelta(days=9)))
    new = volunteer.handovers.add(Handover())
    recent = session.handovers.unacknowledged(within=timedelta(days=7))
    assert [h.uuid for h in recent] == [new.uuid]
    assert {h.uuid for h in session.handovers.unacknowledged()} == {old.uuid, new.uuid}


def test_edits_after_reading_keep_the_earlier_text(session: Session, volunteer: Session) -> None:
    handover = volunteer.handovers.add(Handover(how_it_was="first words"))
    session.handovers.acknowledge(handover.uuid)
    handover.how_it_was = "second words"
    edited = volunteer.handovers.update(handover)
    assert edited.revision == 2 and edited.updated_at is not None
    assert [h.how_it_was for h in session.handovers.history(handover.uuid)] == ["first words"]


def test_nothing_identifying_is_in_clear(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    handover = volunteer.handovers.add(Handover(how_it_was="x"))
    session.handovers.acknowledge(handover.uuid, "read it")
    session.followups.add(FollowUp(text="y"))
    me, them = session.account.uuid, volunteer.account.uuid
    for table in ("handovers", "handover_acks", "followups"):
        for row in vault.db.query(f"select * from [{table}]"):
            clear = {k: v for k, v in row.items() if k != "body"}
            assert me not in repr(clear) and them not in repr(clear), table
            assert not any(isinstance(v, str) and "T" in v and ":" in v for v in clear.values())


def _raw(vault: Vault) -> sqlite3.Connection:
    return sqlite3.connect(str(vault.path))


def test_a_forged_handover_author_is_detected(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    theirs = volunteer.handovers.add(Handover(how_it_was="by Sam"))
    mine = session.handovers.add(Handover(how_it_was="by Alex"))
    with _raw(vault) as conn:
        # Writing an author into the old clear column changes what the body is bound to
        # (record format 2): the record shows as damaged rather than re-attributed...
        conn.execute(
            "update handovers set author_uuid = ? where uuid = ?",
            [session.account.uuid, theirs.uuid],
        )
    assert session.handovers.get(theirs.uuid).damaged
    with _raw(vault) as conn:
        conn.execute("update handovers set author_uuid = null where uuid = ?", [theirs.uuid])
    assert session.handovers.get(theirs.uuid).author_uuid == volunteer.account.uuid
    with _raw(vault) as conn:
        # ...and putting another person's sealed body under this row does not open.
        conn.execute(
            "update handovers set body = (select body from handovers where uuid = ?) "
            "where uuid = ?",
            [mine.uuid, theirs.uuid],
        )
    forged = session.handovers.get(theirs.uuid)
    assert forged.damaged and forged.author_uuid == ""
    assert not session.handovers.get(mine.uuid).damaged


def test_a_forged_acknowledgement_is_detected(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    first = volunteer.handovers.add(Handover(how_it_was="one"))
    second = volunteer.handovers.add(Handover(how_it_was="two"))
    session.handovers.acknowledge(first.uuid)
    ack_row = next(vault.db.query("select * from handover_acks"))
    with _raw(vault) as conn:
        # A copy of Alex's acknowledgement under a new row, and a clear row in the old table.
        conn.execute(
            "insert into handover_acks (uuid, revision, day, body) values (?, 1, ?, ?)",
            ["0b5c2f8e-0000-4000-8000-000000000001", ack_row["day"], ack_row["body"]],
        )
        conn.execute(
            "insert into acknowledgements values (?, ?, ?)",
            [second.uuid, session.account.uuid, "2026-11-03T18:00:00.000000+00:00"],
        )
    assert session.handovers.damaged_acknowledgements() == 1
    assert [h.uuid for h in session.handovers.unacknowledged()] == [second.uuid]
    assert len(volunteer.handovers.acknowledgements(first.uuid)) == 1
    with _raw(vault) as conn:  # an acknowledgement tampered with in place
        body = bytearray(ack_row["body"])
        body[40] ^= 0x01
        conn.execute(
            "update handover_acks set body = ? where uuid = ?", [bytes(body), ack_row["uuid"]]
        )
    assert volunteer.handovers.acknowledgements(first.uuid) == []
    assert session.handovers.damaged_acknowledgements() == 2


def test_a_forged_follow_up_closing_is_detected(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    open_one = session.followups.add(FollowUp(text="still to do"))
    closed = session.followups.mark_done(session.followups.add(FollowUp(text="done")), "ok")
    with _raw(vault) as conn:
        conn.execute(
            "update followups set body = (select body from followups where uuid = ?), "
            "revision = ? where uuid = ?",
            [closed.uuid, closed.revision, open_one.uuid],
        )
    got = volunteer.followups.get(open_one.uuid)
    assert got.damaged
    assert volunteer.followups.open() == []  # a damaged one is not silently shown as open


def test_every_waiting_handover_counts_and_the_oldest_shows_first(
    session: Session, volunteer: Session
) -> None:
    """Seven unread handovers: all seven are waiting, and each one read leaves the rest
    (a cap of the newest five once hid the older ones and the count stuck at five)."""
    written = [volunteer.handovers.add(Handover(how_it_was=f"shift {i}")) for i in range(7)]
    waiting = session.handovers.unacknowledged(limit=None)
    assert len(waiting) == 7
    oldest = waiting[-1]
    assert oldest.uuid == written[0].uuid
    session.handovers.acknowledge(oldest.uuid)
    after = session.handovers.unacknowledged(limit=None)
    assert len(after) == 6 and after[-1].uuid == written[1].uuid
