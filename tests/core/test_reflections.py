"""Private reflections after a call: readable by their author alone, whatever anyone tries.

The attacks go around the repositories the way someone with the file would: sqlite3 for the
rows, the crypto functions for the keys their own passphrase reaches.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from tests.core.conftest import PASSPHRASE
from tests.core.test_keys import opens_any, personal_key_by_hand, team_keys_by_hand
from warmline.accounts import Role
from warmline.calls import Call
from warmline.debriefs import Debrief, check_in_points
from warmline.errors import InvalidInput, NotFound
from warmline.search import SearchIndex
from warmline.session import Session
from warmline.shift_summary import summarise, summary_lines
from warmline.vault import Vault

SAM = "sam's own passphrase"
LEE = "lee leads the evening shift"
SECRET = "zebrawillow"  # a word that appears nowhere else


@pytest.fixture
def sam(vault: Vault, session: Session) -> Session:
    account = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    return vault.unlock(account.uuid, SAM)


@pytest.fixture
def lee(vault: Vault, session: Session) -> Session:
    account = session.team.add_account("Lee", LEE, Role.SHIFT_LEAD)
    return vault.unlock(account.uuid, LEE)


def a_call(who: Session) -> Call:
    start = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
    return who.calls.add(
        Call(started_at=start, ended_at=start + timedelta(minutes=20), connection="kettle")
    )


def reflect(who: Session, call: Call, check_in: int = 2) -> Debrief:
    return who.debriefs.add(
        Debrief(
            call_uuid=call.uuid,
            answers={"learn_or_fix": f"I wanted to fix it {SECRET}"},
            check_in=check_in,
            feeling=f"tired {SECRET}",
            need="break",
        )
    )


def raw(data_dir: Path) -> Database:
    return Database(sqlite3.connect(str(data_dir / "warmline.db")))


def test_a_reflection_is_saved_and_reread_by_its_author(sam: Session) -> None:
    call = a_call(sam)
    saved = reflect(sam, call, check_in=4)
    again = sam.debriefs.get(saved.uuid)
    assert again.call_uuid == call.uuid
    assert again.check_in == 4 and again.need == "break"
    assert again.answers == {"learn_or_fix": f"I wanted to fix it {SECRET}"}
    assert again.created_at is not None and again.day == again.created_at.date().isoformat()
    assert sam.debriefs.for_call(call.uuid).uuid == saved.uuid
    assert [d.uuid for d in sam.debriefs.mine()] == [saved.uuid]


def test_only_a_day_is_in_clear_the_call_link_and_times_are_sealed(
    sam: Session, data_dir: Path
) -> None:
    call = a_call(sam)
    saved = reflect(sam, call)
    row = next(raw(data_dir).query("select * from debriefs where uuid = ?", [saved.uuid]))
    assert row["call_uuid"] is None and row["created_at"] is None and row["updated_at"] is None
    assert row["day"] == saved.day and len(row["day"]) == 10
    assert call.uuid.encode() not in row["body"]


def test_edits_keep_the_link_and_move_the_update_time(sam: Session) -> None:
    saved = reflect(sam, a_call(sam))
    saved.note_to_self = "rest first"
    changed = sam.debriefs.update(saved)
    again = sam.debriefs.get(changed.uuid)
    assert again.note_to_self == "rest first" and again.revision == 2
    assert again.call_uuid == saved.call_uuid
    assert again.updated_at is not None and again.created_at is not None
    assert again.updated_at >= again.created_at


def test_no_other_account_reads_it_through_the_repository(
    session: Session, sam: Session, lee: Session
) -> None:
    saved = reflect(sam, a_call(sam))
    for other in (session, lee):  # the coordinator and a shift lead
        assert other.debriefs.mine() == []
        assert other.debriefs.select() == []
        with pytest.raises(NotFound):
            other.debriefs.get(saved.uuid)
        assert other.debriefs.count() == 0


def test_no_other_account_opens_it_by_reading_the_file(
    vault: Vault, session: Session, sam: Session, lee: Session, data_dir: Path
) -> None:
    reflect(sam, a_call(sam))
    sam_uuid = sam.account.uuid
    db = raw(data_dir)
    assert opens_any([personal_key_by_hand(db, sam_uuid, SAM)], db, "debriefs", sam_uuid)
    for other, passphrase in ((session, PASSPHRASE), (lee, LEE)):
        me = other.account.uuid
        keys = [personal_key_by_hand(db, me, passphrase), *team_keys_by_hand(db, me, passphrase)]
        # With the author's UUID bound in or not, nothing they hold opens it.
        assert not opens_any(keys, db, "debriefs", sam_uuid)
        assert not opens_any(keys, db, "debriefs", me)
        assert not opens_any(keys, db, "debriefs")
    for name in ("warmline.db", "warmline.db-wal"):
        path = data_dir / name
        if path.exists():
            assert SECRET.encode() not in path.read_bytes()


def test_reflections_survive_a_change_of_passphrase(vault: Vault, sam: Session) -> None:
    call = a_call(sam)
    saved = reflect(sam, call)
    new = "a quiet heron by the reservoir"
    sam.team.change_my_passphrase(SAM, new)
    again = vault.unlock(sam.account.uuid, new)
    got = again.debriefs.get(saved.uuid)
    assert got.call_uuid == call.uuid and got.feeling == f"tired {SECRET}"


def test_a_reset_says_how_many_first_then_leaves_nothing_readable(
    vault: Vault, session: Session, sam: Session, data_dir: Path
) -> None:
    call = a_call(sam)
    reflect(sam, call)
    reflect(sam, call, check_in=5)
    sam_uuid = sam.account.uuid
    old_personal = personal_key_by_hand(raw(data_dir), sam_uuid, SAM)
    assert session.team.personal_records(sam_uuid).reflections == 2
    lost = session.team.reset_passphrase(sam_uuid, "new start for sam by the river")
    assert lost == 2
    after = vault.unlock(sam_uuid, "new start for sam by the river")
    assert after.debriefs.mine() == []
    assert not opens_any([old_personal], raw(data_dir), "debriefs", sam_uuid)


def test_the_chart_points_are_the_saved_check_ins(sam: Session) -> None:
    call = a_call(sam)
    values = [3, 0, 1, 5, 4]
    for value in values:
        reflect(sam, call, check_in=value)
    points = check_in_points(sam.debriefs.mine())
    assert [v for _, v in points] == [v for v in values if v]  # oldest first, unanswered out
    moments = [m for m, _ in points]
    assert moments == sorted(moments)


def test_a_check_in_outside_the_scale_is_kept_as_unanswered(sam: Session) -> None:
    saved = sam.debriefs.add(Debrief(check_in=9))
    assert sam.debriefs.get(saved.uuid).check_in == 0


def test_my_own_search_finds_my_words(sam: Session) -> None:
    reflect(sam, a_call(sam))
    sam.debriefs.add(Debrief(note_to_self="Call my sister"))
    found = [d for d in sam.debriefs.mine() if d.matches("SISTER call")]
    assert [d.note_to_self for d in found] == ["Call my sister"]
    assert len([d for d in sam.debriefs.mine() if d.matches(SECRET)]) == 1


def test_reflections_are_in_no_team_search_or_shift_summary(session: Session) -> None:
    shift = session.shifts.start()
    call = a_call(session)
    call.shift_uuid = shift.uuid
    call = session.calls.update(call)
    reflect(session, call)
    index = SearchIndex()
    assert index.build(session, batch=3)
    assert index.search(SECRET).total == 0
    assert index.search("kettle").total == 1
    ended = session.shifts.end(session.shifts.get(shift.uuid))
    assert SECRET not in "\n".join(summary_lines(summarise(session, ended)))


# -- a word with the lead -------------------------------------------------------------------


def test_the_lead_sees_a_name_and_a_time_and_nothing_else(
    sam: Session, lee: Session, data_dir: Path
) -> None:
    shift = sam.shifts.start(members=[lee.account.uuid], lead_uuid=lee.account.uuid)
    reflect(sam, a_call(sam))
    asked = sam.word_requests.ask(lee.account.uuid, shift.uuid)
    waiting = lee.word_requests.waiting_for_me()
    assert [r.uuid for r in waiting] == [asked.uuid]
    request = waiting[0]
    assert request.asked_by == sam.account.uuid and request.asked_at is not None
    # What the record can hold: who, whom, when, which shift; no words, no link to a call.
    assert set(vars(request)) == {
        "uuid", "revision", "damaged", "day", "asked_by", "asked_at", "lead_uuid",
        "shift_uuid", "answered_at",
    }  # fmt: skip
    row = next(raw(data_dir).query("select * from word_requests"))
    assert set(row) == {"uuid", "revision", "day", "body", "rev_id", "rev_parent"}
    assert sam.account.uuid.encode() not in row["body"]
    assert SECRET.encode() not in row["body"]
    # Someone who is not the lead it was sent to does not see it on their page.
    assert sam.word_requests.waiting_for_me() == []
    with pytest.raises(InvalidInput):
        sam.word_requests.answer(asked.uuid)
    lee.word_requests.answer(asked.uuid)
    assert lee.word_requests.waiting_for_me() == []


def test_nobody_to_ask_when_i_lead_myself(sam: Session) -> None:
    with pytest.raises(InvalidInput):
        sam.word_requests.ask(sam.account.uuid, None)
    with pytest.raises(InvalidInput):
        sam.word_requests.ask("", None)


def test_a_reflection_draft_says_nothing_in_clear_about_when_or_what(
    vault: Vault, session: Session
) -> None:
    """A clear kind and time beside the worker's UUID once pointed at the call they were
    reflecting on (joined with the calls' times, by plain sqlite3, no keys)."""
    from warmline.drafts import Draft

    draft = session.drafts.save(Draft(kind="reflection", fields={"feeling": "shaken"}))
    draft = session.drafts.save(Draft(uuid=draft.uuid, kind="reflection", fields={"x": "y"}))
    session.drafts.save(draft)
    rows = list(vault.db.query("select * from drafts"))
    assert len(rows) == 1
    clear = {k: v for k, v in rows[0].items() if k != "body" and v is not None}
    assert set(clear) <= {"uuid", "revision", "owner_uuid", "day", "rev_id", "rev_parent"}
    assert len(str(clear["day"])) == 10  # YYYY-MM-DD, no time of day
    history = list(vault.db.query("select * from revisions where table_name = 'drafts'"))
    assert history == []
    back = session.drafts.mine("reflection")
    assert [d.fields for d in back] == [{"x": "y"}] and back[0].updated_at is not None
