"""Each record kind round-trips, edits bump revisions, racing edits conflict."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warmline.callers import Caller
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.errors import Conflict, InvalidInput, NotFound
from warmline.handovers import Handover
from warmline.session import Session

T0 = datetime(2026, 11, 1, 18, 30, tzinfo=UTC)


def test_call_round_trip_and_duration(session: Session) -> None:
    call = session.calls.add(
        Call(
            started_at=T0,
            ended_at=T0 + timedelta(minutes=17, seconds=5),
            channel="text",
            contact_kind="brief check-in",
            connection="We both like long walks",
            topics=["loneliness", "sleep"],
            crisis_offered=True,
            follow_up="Robin may call back after 9",
        )
    )
    got = session.calls.get(call.uuid)
    assert got.duration_s == 17 * 60 + 5
    assert got.author_uuid == session.account.uuid
    assert got.topics == ["loneliness", "sleep"]
    assert got.crisis_offered and not got.crisis_connected
    assert got.has_follow_up
    assert got.started_at == T0


def test_call_cannot_end_before_it_starts(session: Session) -> None:
    with pytest.raises(InvalidInput):
        session.calls.add(Call(started_at=T0, ended_at=T0 - timedelta(minutes=1)))


def test_edit_bumps_revision_and_keeps_history(session: Session) -> None:
    call = session.calls.add(Call(started_at=T0, worldview="first"))
    call.worldview = "second"
    call = session.calls.update(call)
    call.worldview = "third"
    call = session.calls.update(call)
    assert call.revision == 3
    assert [c.worldview for c in session.calls.history(call.uuid)] == ["first", "second"]


def test_edits_say_who_made_each_version_and_when(session: Session, volunteer: Session) -> None:
    call = session.calls.add(Call(started_at=T0, worldview="first"))
    assert session.calls.edits(call.uuid) == []
    mine = volunteer.calls.get(call.uuid)
    mine.worldview = "second"
    mine = volunteer.calls.update(mine)
    mine.worldview = "third"
    session.calls.update(mine)
    edits = session.calls.edits(call.uuid)
    assert [(e.revision, e.edited_by) for e in edits] == [
        (2, volunteer.account.uuid),
        (3, session.account.uuid),
    ]
    assert all(e.edited_at is not None and e.edited_at.tzinfo is not None for e in edits)
    assert edits[0].edited_at <= edits[1].edited_at


def test_racing_edits_give_the_second_a_conflict(session: Session, volunteer: Session) -> None:
    call = session.calls.add(Call(started_at=T0, mutuality="original"))
    mine = session.calls.get(call.uuid)
    theirs = volunteer.calls.get(call.uuid)
    mine.mutuality = "mine"
    session.calls.update(mine)
    theirs.mutuality = "theirs"
    with pytest.raises(Conflict):
        volunteer.calls.update(theirs)
    assert session.calls.get(call.uuid).mutuality == "mine"


def test_delete_removes_record_and_history(session: Session) -> None:
    call = session.calls.add(Call(started_at=T0))
    session.calls.update(call)
    session.calls.delete(call.uuid)
    with pytest.raises(NotFound):
        session.calls.get(call.uuid)
    assert session.calls.count() == 0
    with pytest.raises(NotFound):
        session.calls.delete(call.uuid)


def test_paging_newest_first_and_iter_all(session: Session) -> None:
    session.calls.add_many([Call(started_at=T0 + timedelta(minutes=i)) for i in range(25)])
    first = session.calls.page(0, 10)
    assert [c.started_at for c in first] == [T0 + timedelta(minutes=24 - i) for i in range(10)]
    assert len(session.calls.page(20, 10)) == 5
    batches = list(session.calls.iter_all(batch=7))
    assert sum(len(b) for b in batches) == 25
    assert len({c.uuid for b in batches for c in b}) == 25


def test_caller_agreement_and_counts(session: Session) -> None:
    robin = session.callers.add(Caller(alias="Robin", calls_per_day=3, usual_minutes=20))
    assert robin.agreement_text() == "up to 3 calls a day, about 20 minutes"
    for i in range(2):
        session.calls.add(
            Call(
                started_at=T0 + timedelta(hours=i),
                caller_uuid=robin.uuid,
                caller_kind="regular",
                moving_towards=f"try the garden group {i}",
            )
        )
    assert session.calls.count_for_caller_since(robin.uuid, T0) == 2
    # Seen from the second call: one call before it, and that one is the last before it.
    second = T0 + timedelta(hours=1)
    assert session.calls.count_for_caller_since(robin.uuid, T0, before=second) == 1
    (earlier,) = session.calls.for_caller(robin.uuid, before=second)
    assert earlier.moving_towards == "try the garden group 0"
    last = session.calls.last_for_caller(robin.uuid)
    assert last is not None and last.moving_towards == "try the garden group 1"
    assert [c.alias for c in session.callers.all()] == ["Robin"]


def test_shift_and_handover_with_acknowledgements(session: Session, volunteer: Session) -> None:
    shift = volunteer.shifts.start(lead_uuid=session.account.uuid)
    assert volunteer.shifts.current() == shift
    shift = volunteer.shifts.end(shift)
    assert not shift.is_open and volunteer.shifts.current() is None
    handover = volunteer.handovers.add(
        Handover(shift_uuid=shift.uuid, how_it_was="Quiet evening", follow_ups="Call Robin")
    )
    assert [h.uuid for h in session.handovers.unacknowledged()] == [handover.uuid]
    assert volunteer.handovers.unacknowledged() == []  # your own needs no acknowledging
    session.handovers.acknowledge(handover.uuid)
    session.handovers.acknowledge(handover.uuid)  # idempotent
    acks = volunteer.handovers.acknowledgements(handover.uuid)
    assert [a.account_uuid for a in acks] == [session.account.uuid]
    assert session.handovers.unacknowledged() == []


def test_drafts_save_overwrite_discard(session: Session) -> None:
    draft = session.drafts.save(Draft(kind="call", fields={"connection": "half"}))
    draft.fields["connection"] = "half a sentence more"
    draft = session.drafts.save(draft)
    assert [d.fields for d in session.drafts.mine("call")] == [
        {"connection": "half a sentence more"}
    ]
    session.drafts.discard(draft.uuid)
    session.drafts.discard(draft.uuid)
    assert session.drafts.mine() == []


def test_team_settings_topics(session: Session) -> None:
    from warmline.ips import default_topics

    assert session.settings.topics() == list(default_topics())
    session.settings.set_topics(["Housing", " Housing ", "Sleep", ""])
    assert session.settings.topics() == ["Housing", "Sleep"]
    session.settings.set("idle_lock_minutes", 10)
    assert session.settings.get("idle_lock_minutes") == 10


def test_tampered_row_reports_damaged_and_others_still_open(session: Session) -> None:
    good = session.calls.add(Call(started_at=T0, connection="fine"))
    bad = session.calls.add(Call(started_at=T0 + timedelta(minutes=1), connection="x"))
    db = session._ctx.db
    blob = bytearray(next(db.query("select body from calls where uuid = ?", [bad.uuid]))["body"])
    blob[-1] ^= 0x01
    db.execute("update calls set body = ? where uuid = ?", [bytes(blob), bad.uuid])
    page = session.calls.page()
    states = {c.uuid: c.damaged for c in page}
    assert states == {good.uuid: False, bad.uuid: True}
    assert session.calls.get(good.uuid).connection == "fine"


def test_blob_copied_to_another_row_reports_damaged(session: Session) -> None:
    a = session.calls.add(Call(started_at=T0, connection="a's note"))
    b = session.calls.add(Call(started_at=T0, connection="b's note"))
    db = session._ctx.db
    body = next(db.query("select body from calls where uuid = ?", [a.uuid]))["body"]
    db.execute("update calls set body = ? where uuid = ?", [body, b.uuid])
    assert session.calls.get(b.uuid).damaged
    assert session.calls.get(a.uuid).connection == "a's note"


texts = st.text(max_size=300)
FIXTURE_OK = [HealthCheck.function_scoped_fixture]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    connection=texts,
    worldview=texts,
    topics=st.lists(st.text(max_size=30), max_size=5),
    crisis=st.booleans(),
    minutes=st.integers(min_value=0, max_value=600),
)
def test_property_call_round_trip(
    session: Session, connection: str, worldview: str, topics: list[str], crisis: bool, minutes: int
) -> None:
    call = Call(
        started_at=T0,
        ended_at=T0 + timedelta(minutes=minutes),
        connection=connection,
        worldview=worldview,
        topics=topics,
        crisis_offered=crisis,
    )
    saved = session.calls.add(call)
    got = session.calls.get(saved.uuid)
    assert replace(got, updated_at=None) == replace(saved, updated_at=None)
    assert got.updated_at is not None


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    alias=st.text(min_size=1, max_size=40),
    per_day=st.one_of(st.none(), st.integers(0, 20)),
    notes=texts,
)
def test_property_caller_round_trip(
    session: Session, alias: str, per_day: int | None, notes: str
) -> None:
    saved = session.callers.add(Caller(alias=alias, calls_per_day=per_day, notes=notes))
    got = session.callers.get(saved.uuid)
    assert (got.alias, got.calls_per_day, got.notes) == (alias, per_day, notes)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=st.dictionaries(st.text(max_size=10), texts, max_size=4), feeling=texts)
def test_property_debrief_round_trip(
    session: Session, answers: dict[str, str], feeling: str
) -> None:
    saved = session.debriefs.add(Debrief(answers=answers, feeling=feeling))
    got = session.debriefs.get(saved.uuid)
    assert (got.answers, got.feeling) == (answers, feeling)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(how=texts, follow=texts)
def test_property_handover_round_trip(session: Session, how: str, follow: str) -> None:
    saved = session.handovers.add(Handover(how_it_was=how, follow_ups=follow))
    got = session.handovers.get(saved.uuid)
    assert (got.how_it_was, got.follow_ups) == (how, follow)


def test_a_damaged_topics_setting_falls_back_to_the_defaults(session: Session) -> None:
    from warmline.ips import default_topics

    session.settings.set_topics(["Housing"])
    db = session._ctx.db
    db.execute("update settings set body = ? where key = 'topics'", [b"WL\x01" + b"\x00" * 60])
    assert session.settings.topics() == list(default_topics())


# -- the clear columns kept beside an earlier version ------------------------------------------


@given(st.binary(max_size=600).filter(lambda b: not b.startswith(b"~")))
@settings(max_examples=200, deadline=None)
def test_kept_clear_columns_survive_a_round_trip_through_sqlite(clear: bytes) -> None:
    """Any canonical clear encoding (length prefixes of 128 and over are not UTF-8) can be
    stored in ``revisions.clear`` and read back byte for byte. (Every canonical encoding
    starts with a column name, so never with "~", the mark of the base64 form.)"""
    import sqlite3

    from warmline.records import clear_from_text, clear_to_text

    conn = sqlite3.connect(":memory:")
    conn.execute("create table revisions (clear text)")
    conn.execute("insert into revisions values (?)", [clear_to_text(clear)])
    [(text,)] = conn.execute("select clear from revisions").fetchall()
    assert clear_from_text(text) == clear


def test_a_record_with_long_clear_values_can_be_edited_again_and_again(
    session: Session,
) -> None:
    """Revision ids made elsewhere can be long (another workstation's device id), and a
    version settling several waiting ones names them all: a clear value over 127 bytes
    must not stop the next edit."""
    session._ctx.device_id = "workstation-" + "f" * 120
    call = session.calls.add(Call(connection="first words"))
    for words in ("second words", "third words"):
        call = session.calls.update(replace(session.calls.get(call.uuid), connection=words))
    assert session.calls.get(call.uuid).connection == "third words"
    earlier = session.calls.history(call.uuid)
    assert sorted(c.connection for c in earlier) == ["first words", "second words"]
    assert not any(c.damaged for c in earlier)
