"""The re-seal's passes (warmline/rotation.py), checked from the file.

A re-seal walks every kind of row a batch at a time, keeping a cursor per table so that a
row left alone (damaged) is not read again, and counting what is left once per pass. This
file checks that bookkeeping by what a coordinator sees and what the file holds:

* the progress after every step is what is truly left, whatever the batch size, with damaged
  rows found part-way through a pass;
* a row written behind the cursors meanwhile (a change from another workstation sealed with
  the older key) is found on the next pass, and the older keys are not deleted before;
* a damaged row of each kind (a record, an earlier version, a setting, a private record) is
  counted once, however small the batches, and everything around it still moves on;
* private rows from both private tables move in batches no larger than asked;
* an earlier version from format 2, whose clear columns still hold the exact times, author
  and regular, has them moved into its sealed body like the current row;
* the first key replacement empties the team key kept from before generations;
* the format floor is not signed onto a roster holding a forged carried-over member.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid as uuidlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.core.conftest import PASSPHRASE
from tests.core.test_record_paths import (
    CALL_BODY,
    ISO0,
    T0,
    clear_bytes,
    layout,
    open_by_hand,
    seal_in_format,
)
from tests.core.test_rotation_steps import TEAM_TABLES, Usage, busy_line, key_id, older_by_hand
from warmline import crypto
from warmline.calls import Call
from warmline.crypto import Key, SealContext
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.errors import NotEnoughSpace, VaultCorrupt
from warmline.rotation import Reseal, ResealProgress
from warmline.session import Session
from warmline.vault import Vault

MiB = 1024 * 1024
#: Far more steps than any line here needs: a re-seal that never ends fails, not hangs.
STEPS = 300
PRIVATE_TABLES = ("debriefs", "drafts")
#: Tables whose format-3 rows carry a day that format 2 never bound (docs/architecture.md).
DAY_ADDED_BY_FORMAT3 = ("calls", "shifts")


def private_older(vault: Vault, owner: str) -> int:
    """This person's private rows not yet in format 3, counted from the format byte."""
    return sum(
        row["body"][2] != crypto.FORMAT_VERSION
        for table in PRIVATE_TABLES
        for row in vault.db.query(f"select body from [{table}] where owner_uuid = ?", [owner])
    )


def still_older(vault: Vault, session: Session) -> int:
    """Everything this person's re-seal has to move, counted by hand from the bytes."""
    return older_by_hand(vault, session._ctx.keys.team.key_id) + private_older(
        vault, session.account.uuid
    )


def spoil(vault: Vault, table: str, where: str, params: list[Any], column: str = "body") -> bytes:
    """Flip one bit at the end of a sealed value, as a bad sector would; the new bytes."""
    [row] = vault.db.query(f"select {column} from [{table}] where {where}", params)
    blob: bytes = row[column]
    spoiled = blob[:-1] + bytes([blob[-1] ^ 1])
    vault.db.execute(f"update [{table}] set {column} = ? where {where}", [spoiled, *params])
    return spoiled


def back_to_format2(vault: Vault, table: str, uuid: str, key: Key, owner: str = "") -> None:
    """Re-seal one stored record as format 2 wrote it: the same body, bound to its clear
    columns less the day format 3 added (built by hand from the documented layout)."""
    [row] = vault.db.query(f"select * from [{table}] where uuid = ?", [uuid])
    now = SealContext(table, uuid, "record", owner, row["revision"], layout(row))
    body = open_by_hand(key, row["body"], now)
    older = {k: v for k, v in row.items() if not (k == "day" and table in DAY_ADDED_BY_FORMAT3)}
    ctx = SealContext(table, uuid, "record", owner, row["revision"], layout(older))
    blob = seal_in_format(2, key, body, ctx)
    vault.db.execute(f"update [{table}] set body = ? where uuid = ?", [blob, uuid])


def private_rows_in_format2(vault: Vault, session: Session, debriefs: int, drafts: int) -> None:
    me, key = session.account.uuid, session._ctx.keys.personal
    for i in range(debriefs):
        made = session.debriefs.add(Debrief(feeling=f"steady {i}"))
        back_to_format2(vault, "debriefs", made.uuid, key, me)
    for i in range(drafts):
        draft = session.drafts.save(Draft(kind="call", fields={"connection": f"half {i}"}))
        back_to_format2(vault, "drafts", draft.uuid, key, me)


@pytest.fixture
def floor2(session: Session) -> Iterator[Session]:
    """A line whose rows are not all in format 3 yet (its signed floor is still 2)."""
    session._ctx.min_format = 2
    yield session


# --- progress --------------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [1, 2, 3, 5, 8])
def test_the_progress_after_every_step_is_what_is_left_to_do(
    vault: Vault, session: Session, batch: int
) -> None:
    """Left (not yet moved, not known damaged) plus stuck is every older row, after every
    step, with settings, private rows and damaged rows met part-way through a pass."""
    calls = busy_line(session)
    session.settings.set("greeting", "hello")
    session.settings.set("closing", "goodbye")
    private_rows_in_format2(vault, session, debriefs=2, drafts=3)
    session.team.replace_team_key()
    spoil(vault, "calls", "uuid = ?", [calls[3].uuid])  # found late in the first pass
    spoil(vault, "settings", "key = ?", ["closing"])
    reseal = session.reseal(batch=batch)
    seen = []
    progress = ResealProgress(0, 0, False)
    for _ in range(200):
        before = still_older(vault, session)
        progress = reseal.step()
        now = still_older(vault, session)
        seen.append((progress.left, progress.stuck, now))
        assert progress.left + progress.stuck == now, seen
        assert before - now <= batch + 3  # a batch, and the few settings all at once
        if progress.finished or (progress.left == 0 and progress.stuck):
            break
    assert progress.stuck == 2 and progress.left == 0 and not progress.finished
    assert still_older(vault, session) == 2
    assert reseal.run(max_steps=STEPS) == progress  # nothing more to do: it says the same again


def test_running_no_steps_says_what_is_left_and_writes_nothing(
    vault: Vault, session: Session
) -> None:
    busy_line(session)
    session.team.replace_team_key()
    left = still_older(vault, session)
    assert left > 5
    size = Path(vault.path).stat().st_size
    assert session.reseal().run(max_steps=0) == ResealProgress(0, left, False, 0)
    assert still_older(vault, session) == left and Path(vault.path).stat().st_size == size


# --- cursors ---------------------------------------------------------------------------------


def test_a_row_put_back_behind_the_cursors_is_found_on_the_next_pass(
    vault: Vault, session: Session
) -> None:
    """A change from a workstation that has not met the new key yet lands behind the
    cursors: the re-seal looks again from the start, and deletes the older keys only
    once that row is moved too."""
    calls = busy_line(session)
    [first] = vault.db.query("select body from calls where uuid = ?", [calls[2].uuid])
    session.team.replace_team_key()
    newest = session._ctx.keys.team.key_id
    reseal = session.reseal(batch=2)
    while True:  # until the first call is moved
        assert not reseal.step().finished
        [row] = vault.db.query("select body from calls where uuid = ?", [calls[2].uuid])
        if key_id(row["body"]) == newest:
            break
    vault.db.execute("update calls set body = ? where uuid = ?", [first["body"], calls[2].uuid])
    assert reseal.left() >= 1
    progress = reseal.run(max_steps=STEPS)
    assert progress.finished and progress.stuck == 0 and progress.left == 0
    assert older_by_hand(vault, newest) == 0
    generations = {r["generation"] for r in vault.db.query("select generation from team_keys")}
    assert generations == {2}
    fresh = vault.unlock(session.account.uuid, PASSPHRASE)
    assert fresh.calls.get(calls[2].uuid).connection == calls[2].connection


def test_a_damaged_row_of_each_kind_is_counted_once_over_many_small_batches(
    vault: Vault, session: Session
) -> None:
    """One batch at a time, a damaged call, earlier version, setting and private record
    are each met once (the cursors step past them) and everything else moves on."""
    busy_line(session)
    session.settings.set("greeting", "hello")
    private_rows_in_format2(vault, session, debriefs=2, drafts=2)
    session.team.replace_team_key()
    damaged = {
        "calls": spoil(vault, "calls", "rowid = (select min(rowid) from calls)", []),
        "revisions": spoil(vault, "revisions", "id = (select min(id) from revisions)", []),
        "settings": spoil(vault, "settings", "key = ?", ["greeting"]),
        "debriefs": spoil(vault, "debriefs", "rowid = (select min(rowid) from debriefs)", []),
    }
    progress = session.reseal(batch=1).run(max_steps=STEPS)
    assert (progress.stuck, progress.left, progress.finished) == (4, 0, False)
    assert still_older(vault, session) == 4
    for table, blob in damaged.items():  # left exactly as they were
        assert blob in {r["body"] for r in vault.db.query(f"select body from [{table}]")}


def test_earlier_versions_of_another_type_are_left_alone_and_counted(
    vault: Vault, session: Session
) -> None:
    """Columns changed with another tool to another type: each such version is counted
    once as stuck and kept as it is; the other versions still move."""
    calls = busy_line(session)
    for call in calls[2:4]:
        session.calls.update(session.calls.get(call.uuid))
    ids = [r["id"] for r in vault.db.query("select id from revisions order by id")]
    assert len(ids) == 4
    vault.db.execute("update revisions set record_uuid = 7 where id = ?", [ids[0]])
    vault.db.execute("update revisions set revision = 'one' where id = ?", [ids[1]])
    vault.db.execute("update revisions set table_name = 3 where id = ?", [ids[2]])
    before = {r["id"]: dict(r) for r in vault.db.query("select * from revisions")}
    session.team.replace_team_key()
    progress = session.reseal().run(max_steps=STEPS)
    assert (progress.stuck, progress.left, progress.finished) == (3, 0, False)
    after = {r["id"]: dict(r) for r in vault.db.query("select * from revisions")}
    assert [after[i] for i in ids[:3]] == [before[i] for i in ids[:3]]
    assert key_id(after[ids[3]]["body"]) == session._ctx.keys.team.key_id


# --- batches of private rows -----------------------------------------------------------------


def test_private_rows_from_both_tables_move_in_batches_no_larger_than_asked(
    vault: Vault, session: Session
) -> None:
    me = session.account.uuid
    private_rows_in_format2(vault, session, debriefs=1, drafts=5)
    assert private_older(vault, me) == 6
    reseal = session.reseal(batch=3)
    moved = []
    progress = ResealProgress(0, 6, False)
    while not progress.finished:
        before = private_older(vault, me)
        progress = reseal.step()
        moved.append(before - private_older(vault, me))
        assert progress.left == private_older(vault, me)
        assert len(moved) < 10
    assert moved[:2] == [3, 3] and sum(moved) == 6 and private_older(vault, me) == 0
    assert [d.feeling for d in session.debriefs.select()] == ["steady 0"]
    assert sorted(d.fields["connection"] for d in session.drafts.mine()) == [
        f"half {i}" for i in range(5)
    ]


# --- disk space ------------------------------------------------------------------------------


@pytest.mark.parametrize("needed", [7 * MiB, 7 * MiB + 3, 7 * MiB - 1, 3000 * MiB + 1])
def test_the_megabytes_asked_for_are_rounded_up_never_down(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch, needed: int
) -> None:
    monkeypatch.setattr(Reseal, "space_needed", lambda self: needed)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**13, 0, needed - 1))
    with pytest.raises(NotEnoughSpace) as refused:
        session.reseal().check_space()
    [asked] = [int(w) for w in str(refused.value).split() if w.isdigit()]
    assert (asked - 1) * MiB <= needed <= asked * MiB


def test_the_space_asked_for_grows_with_the_largest_body_and_the_batch(
    vault: Vault, session: Session
) -> None:
    """Twice the batch of the largest body (its WAL copy and the checkpoint), at least."""
    busy_line(session)
    vault.db.execute(
        "update calls set body = ? where rowid = (select min(rowid) from calls)", [bytes(MiB)]
    )
    for batch in (1, 10, 40):
        assert session.reseal(batch=batch).space_needed() >= 2 * batch * MiB


# --- an earlier version from format 2 --------------------------------------------------------


@dataclass
class OldHistory:
    uuid: str
    author: str
    regular: str
    shift: str
    edited_at: str


def format2_call_with_an_earlier_version(vault: Vault, session: Session) -> OldHistory:
    """A call edited under format 2, as the format-3 migration left it: both versions
    sealed in format 2, each bound to clear columns holding its exact times, author, shift
    and regular; who replaced the first, and when, in clear beside it."""
    later = (T0 + timedelta(hours=2)).isoformat(timespec="microseconds")
    old = OldHistory(*(str(uuidlib.uuid4()) for _ in range(4)), edited_at=later)
    key = session._ctx.keys.team
    earlier: dict[str, Any] = {
        "started_at": ISO0, "ended_at": (T0 + timedelta(seconds=1777)).isoformat(),
        "duration_s": 1777, "author_uuid": old.author, "shift_uuid": old.shift,
        "caller_uuid": old.regular, "updated_at": ISO0,
    }  # fmt: skip
    clear = layout(earlier)
    first = SealContext("calls", old.uuid, "record", "", 1, clear)
    vault.db.table("revisions").insert(
        {
            "table_name": "calls", "record_uuid": old.uuid, "revision": 1, "clear": clear.decode(),
            "body": seal_in_format(2, key, {**CALL_BODY, "connection": "first words"}, first),
            "edited_by": old.author, "edited_at": old.edited_at,
        }
    )  # fmt: skip
    now = {**earlier, "updated_at": old.edited_at}
    second = SealContext("calls", old.uuid, "record", "", 2, layout(now))
    body = seal_in_format(2, key, {**CALL_BODY, "connection": "second words"}, second)
    vault.db.table("calls").insert(
        {"uuid": old.uuid, "revision": 2, **now, "body": body, "day": ISO0[:10]}
    )
    return old


def test_an_earlier_version_from_format_2_has_its_clear_facts_moved_into_its_body(
    vault: Vault, floor2: Session
) -> None:
    session = floor2
    old = format2_call_with_an_earlier_version(vault, session)
    [earlier] = session.calls.history(old.uuid)
    assert earlier.started_at == T0 and earlier.connection == "first words"
    assert session.reseal(batch=1).run(max_steps=STEPS).finished

    # The earlier version keeps only the day in clear; the rest is in its sealed body.
    [kept] = vault.db.query("select * from revisions where record_uuid = ?", [old.uuid])
    for secret in (ISO0[11:19], old.author, old.regular, old.shift, "1777", old.edited_at):
        assert secret not in (kept["clear"] or "")
    clear = clear_bytes(kept["clear"])
    assert clear == layout({"day": ISO0[:10]})
    assert kept["body"][2] == 3 and (kept["edited_by"], kept["edited_at"]) == (None, None)
    key = session._ctx.keys.team
    body = open_by_hand(key, kept["body"], SealContext("calls", old.uuid, "record", "", 1, clear))
    assert body["connection"] == "first words"
    assert (body["started_at"], body["duration_s"]) == (ISO0, 1777)
    assert (body["author_uuid"], body["caller_uuid"], body["shift_uuid"]) == (
        old.author, old.regular, old.shift,
    )  # fmt: skip
    edit = open_by_hand(key, kept["edit"], SealContext("revisions", old.uuid, "edit:calls", "", 1))
    assert edit == {"by": old.author, "at": old.edited_at}

    # The current row: the same, with the day it already had.
    [now] = vault.db.query("select * from calls where uuid = ?", [old.uuid])
    assert (now["started_at"], now["author_uuid"], now["caller_uuid"]) == (None, None, None)
    assert now["day"] == ISO0[:10] and now["body"][2] == 3

    # And the app reads both as before, now that the floor is format 3.
    assert session._ctx.min_format == 3
    call = session.calls.get(old.uuid)
    assert (call.connection, call.started_at, call.caller_uuid) == (
        "second words", T0, old.regular,
    )  # fmt: skip
    [earlier] = session.calls.history(old.uuid)
    assert not earlier.damaged and earlier.started_at == T0
    assert (earlier.author_uuid, earlier.shift_uuid, earlier.duration_s) == (
        old.author, old.shift, 1777,
    )  # fmt: skip


def test_an_earlier_version_bound_to_clear_text_that_is_not_an_encoding_still_moves(
    vault: Vault, floor2: Session
) -> None:
    """Written by another tool holding the team key: the version opens under what it was
    bound to, nothing is moved out of that text, and it is sealed anew bound to nothing."""
    session = floor2
    call = session.calls.add(Call(connection="now"))
    key = session._ctx.keys.team
    odd = b"not=an encoding"
    ctx = SealContext("calls", call.uuid, "record", "", 1, odd)
    vault.db.table("revisions").insert(
        {"table_name": "calls", "record_uuid": call.uuid, "revision": 1, "clear": odd.decode(),
         "body": seal_in_format(2, key, {**CALL_BODY, "connection": "odd words"}, ctx)}
    )  # fmt: skip
    assert session.reseal().run(max_steps=STEPS).finished
    [kept] = vault.db.query("select * from revisions where record_uuid = ?", [call.uuid])
    assert kept["clear"] == "" and kept["body"][2] == 3
    body = open_by_hand(key, kept["body"], SealContext("calls", call.uuid, "record", "", 1, b""))
    assert body["connection"] == "odd words"


# --- the key from before generations, and the floor ------------------------------------------


def test_the_first_replacement_empties_the_team_key_kept_from_before_generations(
    tmp_path: Path,
) -> None:
    from tests.core.test_key_migration import PASSPHRASES, write_old_line

    line = write_old_line(tmp_path / "old")
    vault = Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        alex = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        vault.unlock(line.uuids["Sam"], PASSPHRASES["Sam"]).lock()
        assert alex.reseal().run(max_steps=STEPS).finished  # moved to format 3 under generation 1
        kept = [
            r["uuid"] for r in vault.db.query("select uuid from accounts where team_key != x''")
        ]
        assert kept  # still needed while generation 1 is the newest
        assert alex.team.replace_team_key() == 2
        assert alex.reseal().run(max_steps=STEPS).finished
        assert [
            dict(r) for r in vault.db.query("select uuid from accounts where team_key != x''")
        ] == []
        alex.calls.add(Call(connection="after the change"))
        sam = vault.unlock(line.uuids["Sam"], PASSPHRASES["Sam"])
        assert sam.team_generation == 2 and len(sam.calls.select()) == len(line.calls) + 1
    finally:
        vault.close()


def test_the_format_floor_is_not_signed_onto_a_roster_with_a_forged_carried_over_member(
    tmp_path: Path,
) -> None:
    """Someone with the file but not the first team key adds a ``keys`` entry for a member
    carried over from before the roster, with a made-up proof, while the re-seal runs. The
    floor's entry checks that proof against the first team key and signs nothing."""
    from tests.core.test_key_migration import PASSPHRASES, forge_carry_over_entry, write_old_line
    from warmline.roster import RosterTampered, verify_roster

    line = write_old_line(tmp_path / "old")
    vault = Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        alex = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        state = verify_roster(vault.db, vault.line_uuid, None)
        assert state is not None
        forge_carry_over_entry(vault.db, state, line.uuids["Sam"])
        entries = vault.db.execute("select count(*) from roster").fetchone()[0]
        with pytest.raises(RosterTampered):
            alex.reseal().run(max_steps=STEPS)
        assert vault.db.execute("select count(*) from roster").fetchone()[0] == entries
        assert alex._ctx.min_format < crypto.FORMAT_VERSION
    finally:
        vault.close()


def test_team_tables_here_are_the_documented_ones(vault: Vault) -> None:
    """The hand counts above walk TEAM_TABLES; the re-seal walks team_tables()."""
    from warmline.rotation import team_tables

    assert tuple(team_tables(vault.db)) == TEAM_TABLES


# --- a file changed underneath ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "steps"),
    [("revisions", 1), ("settings", 1), ("team_keys", 1), ("calls", 1), ("revisions", STEPS)],
)
def test_a_table_taken_away_during_the_re_seal_names_the_file_as_damaged(
    vault: Vault, session: Session, table: str, steps: int
) -> None:
    """Another tool drops a table while the re-seal runs: whether it is met while moving
    rows, counting what is left or deleting the older keys, the re-seal stops with the
    plain message naming the file, not SQLite's words."""
    busy_line(session)
    session.team.replace_team_key()
    other = sqlite3.connect(vault.path)
    other.execute(f"drop table {table}")
    other.commit()
    other.close()
    reseal = session.reseal()
    with pytest.raises(VaultCorrupt) as refused:
        if steps == 1:  # one step does it all: rows, the count, the older keys deleted
            reseal.step()
        else:  # counts what is left first
            reseal.run(max_steps=steps)
    assert f"file at {vault.path} is damaged" in str(refused.value)


def test_running_stops_when_steps_change_nothing(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line's run gives up once three steps in a row changed nothing (some
    fault keeps rows from moving), rather than spin through a million steps; what it
    returns says the work is not finished."""
    busy_line(session)
    session.team.replace_team_key()
    reseal = session.reseal()
    calls = []

    def stalled(left: int) -> Any:
        def step() -> ResealProgress:
            calls.append(1)
            return ResealProgress(0, left, False, 0)

        return step

    monkeypatch.setattr(reseal, "step", stalled(4))
    assert reseal.run() == ResealProgress(0, 4, False, 0) and len(calls) == 4
    # The first step already the same as what run() counted before it: three steps.
    calls.clear()
    monkeypatch.setattr(reseal, "step", stalled(reseal.left()))
    assert reseal.run().left == reseal.left() and len(calls) == 3
    # A step that changes something starts the count again.
    moving = iter([ResealProgress(0, 4, False), ResealProgress(0, 4, False),
                   ResealProgress(1, 3, False), *[ResealProgress(1, 3, False)] * 5])  # fmt: skip
    calls.clear()
    monkeypatch.setattr(reseal, "step", lambda: calls.append(1) or next(moving))
    assert reseal.run() == ResealProgress(1, 3, False) and len(calls) == 6
    # Finished, or nothing left but damaged rows: no further step.
    for last in (ResealProgress(9, 0, True), ResealProgress(9, 0, False, 2)):
        calls.clear()
        monkeypatch.setattr(reseal, "step", lambda last=last: calls.append(1) or last)
        assert reseal.run() == last and len(calls) == 1


def test_a_format_2_call_with_nothing_to_move_is_bound_to_its_day_once_moved(
    vault: Vault, floor2: Session
) -> None:
    """A format-2 call whose clear facts had already gone (only the day the format-3
    migration filled in): its body was never bound to that day; the new one must be."""
    session = floor2
    call = session.calls.add(Call(connection="kept words"))
    back_to_format2(vault, "calls", call.uuid, session._ctx.keys.team)
    [row] = vault.db.query("select * from calls where uuid = ?", [call.uuid])
    assert row["body"][2] == 2 and row["day"] and row["started_at"] is None
    assert session.reseal().run(max_steps=STEPS).finished
    [row] = vault.db.query("select * from calls where uuid = ?", [call.uuid])
    assert row["body"][2] == 3
    ctx = SealContext("calls", call.uuid, "record", "", row["revision"], layout(row))
    assert open_by_hand(session._ctx.keys.team, row["body"], ctx)["connection"] == "kept words"
    got = vault.unlock(session.account.uuid, PASSPHRASE).calls.get(call.uuid)
    assert not got.damaged and got.connection == "kept words"


def test_a_call_without_a_start_loses_its_empty_day_and_still_opens(
    vault: Vault, session: Session
) -> None:
    """Written elsewhere with no start time (so an empty day in clear): after a key
    replacement the re-seal empties the day and binds the body to what the row then holds."""
    call = session.calls.add(Call(connection="no start"))
    key = session._ctx.keys.team
    [row] = vault.db.query("select * from calls where uuid = ?", [call.uuid])
    body = open_by_hand(key, row["body"], SealContext("calls", call.uuid, "record", "",
                                                      row["revision"], layout(row)))  # fmt: skip
    body["started_at"] = None
    row["day"] = ""
    ctx = SealContext("calls", call.uuid, "record", "", row["revision"], layout(row))
    vault.db.execute(
        "update calls set day = '', body = ? where uuid = ?",
        [crypto.seal_json(key, body, ctx), call.uuid],
    )
    session.team.replace_team_key()
    assert session.reseal().run(max_steps=STEPS).finished
    [row] = vault.db.query("select * from calls where uuid = ?", [call.uuid])
    assert row["day"] is None
    got = vault.unlock(session.account.uuid, PASSPHRASE).calls.get(call.uuid)
    assert not got.damaged and got.connection == "no start" and got.started_at is None
