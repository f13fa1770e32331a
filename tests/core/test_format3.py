"""Record format 3: nothing about a caller or a volunteer's hours readable without a key.

The attacks are a person's own tools on the file: read every table and column with
sqlite3 (and the raw bytes, WAL included) looking for an exact time, a duration, a
regular's UUID, an author or a shift's members; change or swap the clear columns that are
left (the day, the revision ids); put back a row from before. And two workstations: two
revisions grown from the same parent are both kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warmline import crypto
from warmline.accounts import Role
from warmline.callers import Caller
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.handovers import Handover
from warmline.revision_merge import Received, receive
from warmline.session import Session
from warmline.shifts import Shift
from warmline.vault import Vault

T0 = datetime(2026, 11, 3, 19, 47, 31, 123456, tzinfo=UTC)
#: Tables whose job is the account list for the unlock screen and the signed team roster:
#: account UUIDs there are expected (they are who may unlock, not who did what when).
ACCOUNT_TABLES = {"accounts", "team_keys", "roster"}


def _every_clear_value(path: Path) -> list[tuple[str, str, str]]:
    """(table, column, text) of every value in the file, read as a person with sqlite3."""
    conn = sqlite3.connect(path)
    out = []
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            cursor = conn.execute(f"select * from [{table}]")
            names = [d[0] for d in cursor.description]
            for row in cursor:
                for name, value in zip(names, row, strict=True):
                    if value is None:
                        continue
                    text = value.hex() if isinstance(value, bytes) else str(value)
                    out.append((table, name, text))
    finally:
        conn.close()
    return out


@pytest.fixture
def busy_line(vault: Vault, session: Session, volunteer: Session) -> dict[str, object]:
    """A line with a regular's calls in a shift with two members, edits, a handover and
    a reflection on one of the calls."""
    robin = session.callers.add(Caller(alias="Robin", calls_per_day=2))
    shift = volunteer.shifts.start(members=[session.account.uuid], lead_uuid=session.account.uuid)
    calls = volunteer.calls.add_many(
        [
            Call(
                started_at=T0 + timedelta(minutes=40 * i),
                ended_at=T0 + timedelta(minutes=40 * i, seconds=1777 + i),
                shift_uuid=shift.uuid,
                caller_uuid=robin.uuid,
                caller_kind="regular",
                connection=f"call {i}",
            )
            for i in range(3)
        ]
    )
    edited = volunteer.calls.update(replace(calls[0], connection="edited"))
    session.callers.update(replace(robin, notes="likes gardening"))
    shift = volunteer.shifts.end(shift)
    volunteer.handovers.add(Handover(shift_uuid=shift.uuid, how_it_was="steady"))
    volunteer.debriefs.add(Debrief(call_uuid=calls[1].uuid, feeling="tired"))
    return {"calls": [edited, *calls[1:]], "robin": robin, "shift": shift}


def test_a_raw_read_finds_no_exact_time_duration_link_author_or_members(
    vault: Vault, session: Session, volunteer: Session, busy_line: dict[str, object]
) -> None:
    calls = busy_line["calls"]
    assert isinstance(calls, list)
    shift = busy_line["shift"]
    robin = busy_line["robin"]
    assert isinstance(robin, Caller)
    secrets_in_clear: dict[str, str] = {
        "a regular's UUID": robin.uuid,
        "a shift's UUID": shift.uuid,  # type: ignore[attr-defined]
        "a call's UUID": calls[1].uuid,  # the reflection's link
    }
    durations = {str(call.duration_s) for call in calls}
    for call in calls:
        iso = call.started_at.isoformat(timespec="microseconds")
        secrets_in_clear[f"start {iso}"] = iso[11:19]  # the time of day, in any format
    found = []
    for table, column, text in _every_clear_value(vault.path):
        if table in ACCOUNT_TABLES or column in {"body", "edit"}:
            continue
        if column == "uuid" or (table, column) == ("revisions", "record_uuid"):
            continue  # a record's own UUID names its row (and its history's); links nothing
        if (table, column) == ("debriefs", "owner_uuid"):
            continue  # whose private rows these are: how they are found (docs/architecture)
        for what, needle in secrets_in_clear.items():
            if needle in text:
                found.append((table, column, what))
        if text in durations:
            found.append((table, column, "a duration"))
        for person in (session.account.uuid, volunteer.account.uuid):
            if person in text:
                found.append((table, column, "an account's UUID"))
    assert found == [], found
    # The days are all that is left of the times.
    days = {r[0] for r in sqlite3.connect(vault.path).execute("select day from calls")}
    assert days == {T0.date().isoformat()}


def test_the_file_bytes_hold_no_time_or_link_even_in_the_wal(
    vault: Vault, busy_line: dict[str, object]
) -> None:
    raw = vault.path.read_bytes() + Path(str(vault.path) + "-wal").read_bytes()
    assert T0.isoformat()[11:19].encode() not in raw
    assert b"2026-11-03T19" not in raw


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("day", "2020-01-01"),  # re-dated
        ("rev_id", "9.ffffffffffffffff.0000000000000000"),
        ("rev_parent", "something-else"),
        ("caller_uuid", "moved-to-another-regular"),  # an old clear column filled in
        ("author_uuid", "someone-else"),
        ("started_at", "2020-01-01T10:00:00.000000+00:00"),
    ],
)
def test_changing_or_adding_a_clear_column_makes_that_call_damaged(
    vault: Vault, session: Session, busy_line: dict[str, object], column: str, value: str
) -> None:
    calls = busy_line["calls"]
    assert isinstance(calls, list)
    target, other = calls[1], calls[2]
    vault.db.execute(f"update calls set [{column}] = ? where uuid = ?", [value, target.uuid])
    by_uuid = {c.uuid: c for c in session.calls.select()}
    assert by_uuid[target.uuid].damaged
    assert not by_uuid[other.uuid].damaged and by_uuid[other.uuid].connection == "call 2"


def test_swapping_two_calls_days_is_detected(vault: Vault, session: Session) -> None:
    a, b = session.calls.add_many(
        [Call(started_at=T0, connection="a"), Call(started_at=T0 + timedelta(days=3))]
    )
    vault.db.execute(
        "update calls set day = case uuid when ? then ? else ? end where uuid in (?, ?)",
        [a.uuid, b.day, a.day, a.uuid, b.uuid],
    )
    assert all(c.damaged for c in session.calls.select())


def test_a_malformed_day_costs_one_call_not_the_list(vault: Vault, session: Session) -> None:
    a, b = session.calls.add_many([Call(started_at=T0), Call(started_at=T0, connection="b")])
    vault.db.execute("update calls set day = x'00ff' where uuid = ?", [a.uuid])
    listed = {c.uuid: c for c in session.calls.select()}
    assert listed[a.uuid].damaged and listed[b.uuid].connection == "b"


def test_the_history_of_an_edit_keeps_its_exact_times_sealed(
    vault: Vault, session: Session, busy_line: dict[str, object]
) -> None:
    calls = busy_line["calls"]
    assert isinstance(calls, list)
    history = session.calls.history(calls[0].uuid)
    assert [c.connection for c in history] == ["call 0"]
    assert history[0].started_at == T0 and history[0].caller_uuid == calls[0].caller_uuid
    edits = session.calls.edits(calls[0].uuid)
    assert len(edits) == 1 and edits[0].edited_by and edits[0].edited_at is not None
    row = next(vault.db.query("select * from revisions where table_name = 'calls'"))
    assert row["edited_by"] is None and row["edited_at"] is None and row["edit"]
    assert "T19" not in (row["clear"] or "")


def test_a_forged_edit_is_not_believed(vault: Vault, session: Session) -> None:
    a, b = session.calls.add_many([Call(started_at=T0), Call(started_at=T0)])
    session.calls.update(replace(a, connection="x"))
    session.calls.update(replace(b, connection="y"))
    rows = list(vault.db.query("select id, edit from revisions order by id"))
    vault.db.execute("update revisions set edit = ? where id = ?", [rows[1]["edit"], rows[0]["id"]])
    assert session.calls.edits(a.uuid)[0].edited_by == ""  # moved from b's history: refused


def test_shifts_members_and_times_are_sealed_yet_work(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    shift = volunteer.shifts.start(members=[session.account.uuid])
    row = next(vault.db.query("select * from shifts"))
    assert row["members"] is None and row["started_at"] is None and row["lead_uuid"] is None
    assert volunteer.shifts.current() == shift
    assert set(shift.members) == {volunteer.account.uuid, session.account.uuid}
    ended = volunteer.shifts.end(shift)
    assert volunteer.shifts.current() is None
    assert volunteer.shifts.recent(5)[0].ended_at == ended.ended_at


def test_regulars_and_shifts_are_answered_from_the_view(
    session: Session, busy_line: dict[str, object]
) -> None:
    robin = busy_line["robin"]
    shift = busy_line["shift"]
    assert isinstance(robin, Caller)
    assert not session.view.ready
    assert session.calls.count_for_caller(robin.uuid) == 3  # finishes the view first
    assert session.view.ready
    newest = session.calls.last_for_caller(robin.uuid)
    assert newest is not None and newest.connection == "call 2"
    since = session.calls.count_for_caller_since(robin.uuid, T0 + timedelta(minutes=30))
    assert since == 2
    assert isinstance(shift, Shift)
    in_shift = [c.connection for c in session.calls.for_shift(shift.uuid)]
    assert in_shift == ["call 2", "call 1", "edited"]


def test_newest_pages_follow_the_exact_order_across_days(session: Session) -> None:
    """Within a day the order is sealed; a page opens whole days and sorts them."""
    import random

    rng = random.Random(7)
    moments = [T0 - timedelta(hours=rng.randrange(0, 24 * 20)) for _ in range(60)]
    session.calls.add_many([Call(started_at=m, connection=str(i)) for i, m in enumerate(moments)])

    def exact(call: Call) -> tuple[float, str]:
        assert call.started_at is not None
        return -call.started_at.timestamp(), call.uuid

    expected = [c.uuid for c in sorted(session.calls.select(), key=exact)]
    got: list[str] = []
    after = None
    while True:
        page = session.calls.newest(7, after)
        if not page:
            break
        got += [c.uuid for c in page]
        after = page[-1].sort_key()
    assert got == expected
    assert [c.uuid for c in session.calls.page(0, 10)] == expected[:10]
    assert [c.uuid for c in session.calls.page(10, 10)] == expected[10:20]


def test_two_revisions_with_the_same_parent_are_both_kept(vault: Vault, session: Session) -> None:
    """What sync will do: the same call edited on two workstations from one version."""
    call = session.calls.add(Call(started_at=T0, connection="first"))
    base = next(vault.db.query("select * from calls where uuid = ?", [call.uuid]))
    mine = session.calls.update(replace(call, connection="edited here"))
    # The other workstation's edit of the same version, as its file stored it.
    other_row = edited_elsewhere(vault, session, base, "edited there")
    assert receive(session.calls, other_row) is Received.BESIDE
    assert receive(session.calls, other_row) is Received.KNOWN  # a second delivery
    assert session.calls.get(call.uuid).connection == "edited here"
    texts = sorted(c.connection for c in session.calls.history(call.uuid))
    assert texts == ["edited there", "first"]
    assert session.calls.needs_look() == {call.uuid}
    # Someone looks and saves: that settles it, naming both versions as parents.
    merged = session.calls.update(replace(mine, connection="both, merged"))
    assert session.calls.needs_look() == set()
    row = next(vault.db.query("select rev_parent from calls where uuid = ?", [merged.uuid]))
    assert row["rev_parent"].count(",") == 1 and other_row["rev_id"] in row["rev_parent"]


def test_a_revision_on_top_of_the_current_one_moves_the_record_forward(
    vault: Vault, session: Session
) -> None:
    call = session.calls.add(Call(started_at=T0, connection="first"))
    base = next(vault.db.query("select * from calls where uuid = ?", [call.uuid]))
    row = edited_elsewhere(vault, session, base, "carried on there")
    assert receive(session.calls, row) is Received.FORWARD
    assert session.calls.get(call.uuid).connection == "carried on there"
    assert [c.connection for c in session.calls.history(call.uuid)] == ["first"]
    assert session.calls.needs_look() == set()


def test_a_tampered_incoming_revision_is_refused_with_nothing_written(
    vault: Vault, session: Session
) -> None:
    from warmline.errors import Tampered

    call = session.calls.add(Call(started_at=T0, connection="first"))
    base = next(vault.db.query("select * from calls where uuid = ?", [call.uuid]))
    row = edited_elsewhere(vault, session, base, "there")
    row["day"] = "2020-01-01"
    before = list(vault.db.query("select * from revisions"))
    with pytest.raises(Tampered):
        receive(session.calls, row)
    assert list(vault.db.query("select * from revisions")) == before


def test_racing_edits_on_one_workstation_still_meet_the_conflict_message(
    session: Session,
) -> None:
    from warmline.errors import Conflict

    call = session.calls.add(Call(started_at=T0, connection="first"))
    session.calls.update(replace(call, connection="one"))
    with pytest.raises(Conflict):
        session.calls.update(replace(call, connection="two"))


def edited_elsewhere(
    vault: Vault, session: Session, base: dict[str, object], text: str
) -> dict[str, object]:
    """The row another workstation would store after editing ``base``: sealed by a
    repository over a scratch copy of the file with its own device id."""
    import shutil
    import tempfile

    from sqlite_utils import Database

    from warmline.calls import CallRepository

    folder = Path(tempfile.mkdtemp())
    try:
        vault.db.execute("PRAGMA wal_checkpoint(FULL)")
        copy = folder / "copy.db"
        shutil.copy(vault.path, copy)
        db = Database(sqlite3.connect(copy))
        db.execute("update calls set body = ?, revision = ?, rev_id = ?, rev_parent = ? "
                   "where uuid = ?",
                   [base["body"], base["revision"], base["rev_id"], base["rev_parent"],
                    base["uuid"]])  # fmt: skip
        ctx = replace(session._ctx, db=db, device_id="elsewhere", on_change=None)
        repo = CallRepository(ctx)
        call = repo.get(str(base["uuid"]))
        repo.update(replace(call, connection=text))
        row = dict(next(db.query("select * from calls where uuid = ?", [base["uuid"]])))
        db.conn.close()
        return row
    finally:
        shutil.rmtree(folder)


def test_a_format_2_line_is_moved_and_its_clear_facts_emptied(tmp_path: Path) -> None:
    """Warmline 0.1's file (format 1, clear times and authors): after the re-seal no row
    keeps a moved fact in clear, the records read the same, and the floor is format 3."""
    from tests.core.test_key_migration import PASSPHRASES, write_old_line

    line = write_old_line(tmp_path / "old", calls=9)
    vault = Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        alex = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        before = {c.uuid: (c.started_at, c.author_uuid, c.connection) for c in alex.calls.select()}
        assert all(s is not None for s, _, _ in before.values())
        assert alex.reseal(batch=4).run().finished
        rows = list(vault.db.query("select * from calls"))
        assert all(r["started_at"] is None and r["author_uuid"] is None for r in rows)
        assert all(r["day"] for r in rows)
        after = {c.uuid: (c.started_at, c.author_uuid, c.connection) for c in alex.calls.select()}
        assert after == before
        alex.lock()
        again = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        assert again._ctx.min_format == crypto.FORMAT_VERSION == 3
    finally:
        vault.close()


def test_a_volunteer_unlocks_a_line_made_before_roles_were_signed(
    vault: Vault, session: Session
) -> None:
    """Smoke: a second member works with the sealed facts too."""
    sam = session.team.add_account("Sam", "sams passphrase long", Role.VOLUNTEER)
    other = vault.unlock(sam.uuid, "sams passphrase long")
    call = other.calls.add(Call(started_at=T0))
    assert session.calls.get(call.uuid).author_uuid == sam.uuid
