"""Re-sealing after a team-key replacement (warmline/rotation.py), checked from the file.

test_keys.py shows the promises (a switched-off member reads nothing new, everything still
opens); this file checks the re-seal's own bookkeeping by its outcome: how much it says is
left and done, what it leaves alone and counts as stuck, the batches it works in, the disk
space it asks for, every active member getting the new generation, and who-edited-what
surviving the move to the newest key.
"""

from __future__ import annotations

import shutil
from collections import namedtuple
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.core.conftest import PASSPHRASE
from warmline import crypto
from warmline.accounts import Role
from warmline.callers import Caller
from warmline.calls import Call
from warmline.crypto import KEY_ID_LEN
from warmline.debriefs import Debrief
from warmline.errors import NotEnoughSpace
from warmline.rotation import Reseal, team_tables
from warmline.session import Session
from warmline.vault import Vault

KIT = "kit keeps a lantern lit"
SAM = "sam's own passphrase"
Usage = namedtuple("Usage", "total used free")
#: Every table sealed with the team key (docs/architecture.md), the record of activity too.
TEAM_TABLES = ("audit", "audit_head", "callers", "calls", "followups", "handover_acks",
               "handovers", "shifts", "word_requests")  # fmt: skip


def key_id(blob: bytes) -> bytes:
    """The key id in a sealed blob's header (bytes 3 to 19)."""
    return bytes(blob[3 : 3 + KEY_ID_LEN])


def older_by_hand(vault: Vault, newest: bytes) -> int:
    """Team rows, earlier versions and their edits, and settings not sealed with ``newest``,
    counted in Python from the raw bytes."""
    n = 0
    for table in TEAM_TABLES:
        for row in vault.db.query(f"select body from [{table}]"):
            n += key_id(row["body"]) != newest
    for row in vault.db.query("select body, edit from revisions"):
        edit = row["edit"]
        n += key_id(row["body"]) != newest or (edit is not None and key_id(edit) != newest)
    for row in vault.db.query("select body from settings"):
        n += key_id(row["body"]) != newest
    return n


def busy_line(session: Session) -> list[Call]:
    session.settings.set_topics(["Housing", "Sleep"])
    robin = session.callers.add(Caller(alias="Robin"))
    calls = [session.calls.add(Call(connection=f"call {i}", caller_uuid=robin.uuid))
             for i in range(5)]  # fmt: skip
    for call in calls[:2]:
        session.calls.update(replace(call, connection=call.connection + ", edited"))
    return calls


def test_left_counts_every_older_row_version_and_setting(vault: Vault, session: Session) -> None:
    busy_line(session)
    assert session.reseal().left() == 0
    session.team.replace_team_key()
    newest = session._ctx.keys.team.key_id
    reseal = session.reseal()
    expected = older_by_hand(vault, newest)
    assert expected > 1 + 1 + 5 + 2  # settings, Robin, five calls, two versions, activity
    assert reseal.left() == expected
    progress = reseal.run()
    # ``done`` counts each sealed value opened: an earlier version's body and its edit are two.
    assert progress.finished and progress.done == expected + 2 and progress.left == 0
    assert older_by_hand(vault, newest) == 0 and reseal.left() == 0


def test_batches_never_exceed_their_size_and_cover_everything(
    vault: Vault, session: Session
) -> None:
    busy_line(session)
    session.team.replace_team_key()
    newest = session._ctx.keys.team.key_id
    left = [older_by_hand(vault, newest)]
    reseal = session.reseal(batch=2)
    done = [0]
    for _ in range(left[0] + 3):
        progress = reseal.step()
        left.append(older_by_hand(vault, newest))
        assert 0 <= left[-2] - left[-1] <= 2  # at most one batch of rows each step
        # What it says after each step (the progress a coordinator sees) is what is true.
        assert progress.left == left[-1] and progress.stuck == 0
        assert progress.done > done[-1] or progress.finished
        done.append(progress.done)
        if progress.finished:
            break
        assert progress.finished is False
    assert progress.finished and left[-1] == 0
    assert len(left) - 1 >= left[0] // 2  # it took as many steps as the batches need


def test_damaged_rows_are_left_alone_and_counted_once_each(vault: Vault, session: Session) -> None:
    calls = busy_line(session)
    session.team.replace_team_key()
    for call in calls[2:4]:  # two calls whose body a bad sector spoiled
        body = next(vault.db.query("select body from calls where uuid = ?", [call.uuid]))["body"]
        spoiled = body[:-1] + bytes([body[-1] ^ 1])
        vault.db.execute("update calls set body = ? where uuid = ?", [spoiled, call.uuid])
    vault.db.execute("update calls set revision = 'two' where uuid = ?", [calls[4].uuid])
    newest = session._ctx.keys.team.key_id
    total = session.reseal().left()
    progress = session.reseal().run()
    assert progress.stuck == 3
    assert not progress.finished  # older generations stay while anything still needs them
    assert progress.left == 0
    assert older_by_hand(vault, newest) == 3 and session.reseal().left() == 3 < total
    generations = {r["generation"] for r in vault.db.query("select generation from team_keys")}
    assert generations == {1, 2}


def test_every_active_member_gets_the_new_generation_whoever_is_switched_off(
    vault: Vault, session: Session
) -> None:
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    kit = session.team.add_account("Kit", KIT, Role.VOLUNTEER)
    vault.unlock(kit.uuid, KIT).lock()  # Kit's own keys announced
    session.team.set_disabled(sam.uuid, True)  # listed before Kit, and switched off
    generation = session.team.replace_team_key()
    holders = {
        r["account_uuid"]
        for r in vault.db.query(
            "select account_uuid from team_keys where generation = ?", [generation]
        )
    }
    assert holders == {session.account.uuid, kit.uuid}
    session.calls.add(Call(connection="after the change"))
    kit_now = vault.unlock(kit.uuid, KIT)
    assert kit_now.team_generation == generation
    assert "after the change" in {c.connection for c in kit_now.calls.select()}


def test_who_edited_and_when_survives_the_move_to_the_newest_key(
    vault: Vault, session: Session
) -> None:
    call = session.calls.add(Call(connection="first words"))
    session.calls.update(replace(call, connection="second words"))
    before = session.calls.edits(call.uuid)
    assert [e.edited_by for e in before] == [session.account.uuid]
    assert before[0].edited_at is not None
    session.team.replace_team_key()
    assert session.reseal(batch=1).run().finished  # older wraps deleted: only newest opens
    newest = session._ctx.keys.team.key_id
    [row] = vault.db.query("select edit, edited_by, edited_at from revisions")
    assert key_id(row["edit"]) == newest
    assert (row["edited_by"], row["edited_at"]) == (None, None)
    fresh = vault.unlock(session.account.uuid, PASSPHRASE)
    assert fresh.calls.edits(call.uuid) == before


def test_an_edit_kept_in_clear_by_an_older_version_is_sealed_and_cleared(
    vault: Vault, session: Session
) -> None:
    """Files from before format 3 kept who replaced a version (and when) in clear columns
    beside it; the re-seal moves them into a sealed edit and empties the columns."""
    call = session.calls.add(Call(connection="first words"))
    session.calls.update(replace(call, connection="second words"))
    at = "2026-03-04T05:06:07+00:00"
    vault.db.execute(
        "update revisions set edit = null, edited_by = ?, edited_at = ?", ["someone", at]
    )
    session.team.replace_team_key()
    assert session.reseal().run().finished
    [row] = vault.db.query("select edit, edited_by, edited_at from revisions")
    assert (row["edited_by"], row["edited_at"]) == (None, None)
    assert key_id(row["edit"]) == session._ctx.keys.team.key_id
    [edit] = vault.unlock(session.account.uuid, PASSPHRASE).calls.edits(call.uuid)
    assert edit.edited_by == "someone"
    assert edit.edited_at is not None and edit.edited_at.isoformat() == at


def test_private_rows_in_an_older_format_count_as_left(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = session.debriefs.add(Debrief(feeling="steady"))
    body = next(vault.db.query("select body from debriefs where uuid = ?", [mine.uuid]))["body"]
    older = body[:2] + b"\x02" + body[3:]  # the format byte of an older body
    vault.db.execute("update debriefs set body = ? where uuid = ?", [older, mine.uuid])
    assert session.reseal().left() == 1
    # Someone else's private rows are theirs to move, at their own unlock.
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    assert vault.unlock(sam.uuid, SAM).reseal().left() == 0


def test_a_full_disk_is_refused_before_anything_is_written_and_says_how_much(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_line(session)
    session.team.replace_team_key()
    reseal = session.reseal(batch=10)
    needed = reseal.space_needed()
    largest = next(vault.db.query("select max(length(body)) as n from calls"))["n"]
    # A batch rewritten in the WAL, twice over for the checkpoint, and some headroom.
    assert needed >= 2 * 10 * largest + 1024 * 1024
    assert session.reseal(batch=20).space_needed() > needed
    real = shutil.disk_usage

    def free(n: int) -> Any:
        monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**12, 0, n))

    free(needed - 1)
    before = older_by_hand(vault, session._ctx.keys.team.key_id)
    with pytest.raises(NotEnoughSpace) as refused:
        reseal.step()
    mib = needed // (1024 * 1024) + 1
    assert f"{mib} MB" in str(refused.value) or f"{mib}" in str(refused.value).split()
    assert older_by_hand(vault, session._ctx.keys.team.key_id) == before
    free(needed)
    assert reseal.step().done > 0
    monkeypatch.setattr(shutil, "disk_usage", real)


def test_team_tables_are_exactly_those_sealed_with_the_team_key(vault: Vault) -> None:
    tables = team_tables(vault.db)
    assert {"calls", "callers", "shifts", "handovers"} <= set(tables)
    assert "debriefs" not in tables and "drafts" not in tables and "accounts" not in tables
    vault.db.execute("create table zz_exact (uuid text, revision integer, body blob)")
    assert "zz_exact" in team_tables(vault.db)
    assert isinstance(Reseal, type)


def test_the_format_floor_is_not_signed_onto_a_roster_rolled_back_underneath(
    tmp_path: Path,
) -> None:
    """When every record is moved on, the re-seal signs a ``format`` entry raising the floor.
    It adds it only to a roster that reaches the pin its signer holds: one whose newest entry
    was taken away (an older copy put back) is refused, and nothing is signed."""
    from tests.core.test_key_migration import PASSPHRASES, write_old_line
    from warmline.roster import RosterTampered

    line = write_old_line(tmp_path / "old")
    vault = Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        alex = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])  # founds the roster
        vault.unlock(line.uuids["Sam"], PASSPHRASES["Sam"]).lock()  # Sam's keys entry
        alex_again = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])  # pins it
        alex.lock()
        newest = max(r["seq"] for r in vault.db.query("select seq from roster"))
        vault.db.execute("delete from roster where seq = ?", [newest])
        entries = vault.db.execute("select count(*) from roster").fetchone()[0]
        with pytest.raises(RosterTampered):
            alex_again.reseal().run()
        assert vault.db.execute("select count(*) from roster").fetchone()[0] == entries
    finally:
        vault.close()
