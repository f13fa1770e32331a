"""A new passphrase re-seals a person's private records under their new personal key.

Changing a passphrase makes new own keys (warmline/own_keys.py): every private reflection and
unfinished note of that person, and each earlier version of them, must then open with the new
personal key only, at its own place (owner, revision, clear columns, checked here with a
context built by hand from the documented layout). A body already damaged on disk stays
damaged rather than being made to look whole, and nothing of anyone else changes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from tests.core.conftest import PASSPHRASE
from warmline.callers import Caller
from warmline.crypto import Key, SealContext, Tampered, open_sealed, seal
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.records import canonical_clear
from warmline.session import Session
from warmline.vault import Vault

NEW_PASSPHRASE = "tangerine kettle drifts over hills"
PRIVATE = ("debriefs", "drafts")
#: Where the change is expected to write: the person's account, the signed roster that
#: announces their new public keys, and the team key generations wrapped to those keys.
KEY_TABLES = {"accounts", "roster", "team_keys"}


def raw(data_dir: Path) -> Database:
    return Database(sqlite3.connect(str(data_dir / "warmline.db")))


def snapshot(data_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, read from the file."""
    db = raw(data_dir)
    try:
        return {
            name: list(db.query(f"select * from [{name}] order by rowid"))
            for name in db.table_names()
            if not name.startswith(("sqlite_", "search"))  # the FTS shadow tables
        }
    finally:
        db.conn.close()


def copy_of(key: Key) -> Key:
    """A copy that outlives the change (which wipes the key the session held)."""
    return Key(key.material(), key.key_id)


def open_row(key: Key, table: str, row: dict[str, Any], owner: str) -> bytes:
    ctx = SealContext(table, row["uuid"], "record", owner, row["revision"], canonical_clear(row))
    return open_sealed(key, row["body"], ctx)


def open_history(key: Key, row: dict[str, Any], owner: str) -> bytes:
    """An earlier version, bound to the clear columns it had (kept beside it as text)."""
    clear = (row["clear"] or "").encode("utf-8", "surrogateescape")
    ctx = SealContext(
        row["table_name"], row["record_uuid"], "record", owner, row["revision"], clear
    )
    return open_sealed(key, row["body"], ctx)


def damage(data_dir: Path, table: str, uuid: str) -> bytes:
    """Flip the last byte of a row's body on disk (as a bad sector or a careless edit would)."""
    db = raw(data_dir)
    try:
        body = bytearray(
            next(db.query(f"select body from [{table}] where uuid = ?", [uuid]))["body"]
        )
        body[-1] ^= 0x01
        db.execute(f"update [{table}] set body = ? where uuid = ?", [bytes(body), uuid])
        db.conn.commit()
    finally:
        db.conn.close()
    return bytes(body)


def keep_earlier_version(data_dir: Path, key: Key, uuid: str, owner: str) -> None:
    """An earlier version of a reflection in the history table, sealed at revision 1.

    The app keeps no history of private records now (it would say when someone was
    writing), but a file may hold such rows from before, and the re-seal covers them.
    """
    clear = canonical_clear({"day": "2026-11-30"})
    ctx = SealContext("debriefs", uuid, "record", owner, 1, clear)
    db = raw(data_dir)
    try:
        db.table("revisions").insert(
            {
                "table_name": "debriefs",
                "record_uuid": uuid,
                "revision": 1,
                "body": seal(key, json.dumps({"feeling": "shaky"}).encode(), ctx),
                "clear": clear.decode("utf-8", "surrogateescape"),
            }
        )
        db.conn.commit()
    finally:
        db.conn.close()


def test_a_passphrase_change_reseals_every_private_record_and_nothing_else(
    vault: Vault, session: Session, volunteer: Session, data_dir: Path
) -> None:
    me, sam = session.account.uuid, volunteer.account.uuid
    first = session.debriefs.add(Debrief(feeling="shaky", note_to_self="ring Jo tomorrow"))
    session.debriefs.update(replace(first, feeling="steadier now"))  # an earlier version too
    session.debriefs.add(Debrief(feeling="tired but glad"))
    session.drafts.add(Draft(fields={"summary": "half a note"}))
    broken = session.drafts.add(Draft(fields={"summary": "a note the disk spoiled"}))
    volunteer.debriefs.add(Debrief(feeling="Sam's own evening"))
    volunteer.drafts.add(Draft(fields={"summary": "Sam's half note"}))
    robin = session.callers.add(Caller(alias="Robin", notes="likes the quiet hour"))
    session.callers.update(replace(robin, notes="asks for Sam"))  # team history, left alone
    broken_body = damage(data_dir, "drafts", broken.uuid)

    old_key = copy_of(session._ctx.keys.personal)
    keep_earlier_version(data_dir, old_key, first.uuid, me)
    before = snapshot(data_dir)
    mine = {t: [r for r in before[t] if r["owner_uuid"] == me] for t in PRIVATE}
    assert [len(mine[t]) for t in PRIVATE] == [2, 2]
    plain_before = {
        (t, r["uuid"]): open_row(old_key, t, r, me)
        for t in PRIVATE
        for r in mine[t]
        if r["uuid"] != broken.uuid
    }
    history = [
        r
        for r in before["revisions"]
        if r["table_name"] in PRIVATE
        and r["record_uuid"] in {row["uuid"] for t in PRIVATE for row in mine[t]}
    ]
    history_before = {r["id"]: open_history(old_key, r, me) for r in history}
    assert len(history_before) == 1  # the earlier version put there by hand

    session.team.change_my_passphrase(PASSPHRASE, NEW_PASSPHRASE)

    new_key = copy_of(session._ctx.keys.personal)
    assert new_key.key_id != old_key.key_id
    after = snapshot(data_dir)

    # Nothing outside the person's keys and private records changed at all.
    # The audit log only grows (the change itself is noted there; its sealed head moves on).
    for table in set(before) - KEY_TABLES - set(PRIVATE) - {"revisions", "audit", "audit_head"}:
        assert after[table] == before[table], table
    assert after["audit"][: len(before["audit"])] == before["audit"]

    for table in PRIVATE:
        assert [r["uuid"] for r in after[table]] == [r["uuid"] for r in before[table]]
        for old_row, new_row in zip(before[table], after[table], strict=True):
            # Only the body may change: the same revision, owner and clear columns.
            assert {k: v for k, v in new_row.items() if k != "body"} == {
                k: v for k, v in old_row.items() if k != "body"
            }
            if old_row["owner_uuid"] == sam or old_row["uuid"] == broken.uuid:
                assert new_row["body"] == old_row["body"]  # someone else's, or damaged
                continue
            assert new_row["body"] != old_row["body"]
            assert open_row(new_key, table, new_row, me) == plain_before[(table, new_row["uuid"])]
            with pytest.raises(Tampered):
                open_row(old_key, table, new_row, me)
            for wrong_owner in ("", sam):
                with pytest.raises(Tampered):
                    open_row(new_key, table, new_row, wrong_owner)

    # The damaged note is still damaged, under either key: not re-sealed to look whole.
    spoiled = next(r for r in after["drafts"] if r["uuid"] == broken.uuid)
    assert spoiled["body"] == broken_body
    for key in (old_key, new_key):
        with pytest.raises(Tampered):
            open_row(key, "drafts", spoiled, me)

    # Earlier versions of private records follow the new key; everything else in the
    # history stays as it was.
    after_history = {r["id"]: r for r in after["revisions"]}
    for row in before["revisions"]:
        new_row = after_history[row["id"]]
        assert {k: v for k, v in new_row.items() if k != "body"} == {
            k: v for k, v in row.items() if k != "body"
        }
        if row["id"] not in history_before:
            assert new_row["body"] == row["body"]
            continue
        assert open_history(new_key, new_row, me) == history_before[row["id"]]
        with pytest.raises(Tampered):
            open_history(old_key, new_row, me)

    # And the person reads them all through the app, the spoiled one shown as damaged.
    feelings = {d.feeling for d in session.debriefs.select()}
    assert feelings == {"steadier now", "tired but glad"}
    drafts = {d.uuid: d for d in session.drafts.select()}
    assert drafts[broken.uuid].damaged
    assert [d.fields for u, d in drafts.items() if u != broken.uuid] == [{"summary": "half a note"}]
    assert json.loads(plain_before[("debriefs", first.uuid)])["note_to_self"] == "ring Jo tomorrow"
