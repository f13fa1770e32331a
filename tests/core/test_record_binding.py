"""A record written through a repository is bound to its place: its revision and its owner.

The crypto tests show that a blob sealed for one context does not open under another. These
show the repositories seal with the right context: a blob read from the file opens only
with the associated data built here by hand from the documented layout (docs/architecture.md,
record formats 2 and 3: table, row UUID, field "record", owner for private records, the
row's revision, and the canonical clear columns) and fails under any other revision or owner.
A repository that sealed every record at revision 0, or a private record with an empty owner,
would still read its own writes back; only a check from outside its own code sees it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from warmline.callers import Caller
from warmline.crypto import KEY_ID_LEN, Key, SealContext, Tampered, open_at, open_sealed
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.records import canonical_clear
from warmline.session import Session


def raw_row(data_dir: Path, table: str, uuid: str) -> dict[str, Any]:
    """The row as a person with sqlite3 reads it from the file."""
    db = Database(sqlite3.connect(str(data_dir / "warmline.db")))
    try:
        return next(db.query(f"select * from [{table}] where uuid = ?", [uuid]))
    finally:
        db.conn.close()


def key_for(session: Session, blob: bytes) -> Key:
    """The key the blob's header names, among those the session holds."""
    held = session._ctx.keys
    keys = {**held.ring.by_id(), held.personal.key_id: held.personal}
    return keys[blob[3 : 3 + KEY_ID_LEN]]  # after b"WL" and the format byte


def opens(key: Key, table: str, row: dict[str, Any], owner: str, revision: int) -> dict[str, Any]:
    """The row's body opened with a context built by hand; raises Tampered when it does not."""
    ctx = SealContext(table, row["uuid"], "record", owner, revision, canonical_clear(row))
    plain = open_sealed(key, row["body"], ctx)
    # The list's fast path must agree with the general one.
    fast = open_at(key, row["body"], table, row["uuid"], "record", owner, revision, "x", ctx.clear)
    assert fast == plain
    loaded: dict[str, Any] = json.loads(plain)
    return loaded


def test_a_team_record_opens_at_its_own_revision_only(session: Session, data_dir: Path) -> None:
    robin = session.callers.add(Caller(alias="Robin", notes="likes the quiet hour"))
    row = raw_row(data_dir, "callers", robin.uuid)
    assert row["revision"] == 1
    key = key_for(session, row["body"])
    assert opens(key, "callers", row, "", 1)["notes"] == "likes the quiet hour"
    for wrong in (0, 2):
        with pytest.raises(Tampered):
            opens(key, "callers", row, "", wrong)

    session.callers.update(replace(robin, notes="asks for Sam"))
    row = raw_row(data_dir, "callers", robin.uuid)
    assert row["revision"] == 2
    assert opens(key, "callers", row, "", 2)["notes"] == "asks for Sam"
    for wrong in (0, 1, 3):
        with pytest.raises(Tampered):
            opens(key, "callers", row, "", wrong)
    # A team record has no owner: sealed with one, it would not open for the rest of the team.
    with pytest.raises(Tampered):
        opens(key, "callers", row, session.account.uuid, 2)


@pytest.mark.parametrize("kind", ["debriefs", "drafts"])
def test_a_private_record_opens_only_under_its_owner_and_revision(
    session: Session, volunteer: Session, data_dir: Path, kind: str
) -> None:
    me, other = session.account.uuid, volunteer.account.uuid
    if kind == "debriefs":
        rec: Debrief | Draft = session.debriefs.add(Debrief(feeling="tired but glad"))
    else:
        rec = session.drafts.add(Draft(fields={"summary": "half a note"}))
    row = raw_row(data_dir, kind, rec.uuid)
    assert row["owner_uuid"] == me and row["revision"] == 1
    key = key_for(session, row["body"])
    assert key.key_id == session._ctx.keys.personal.key_id
    body = opens(key, kind, row, me, 1)
    assert "tired but glad" in json.dumps(body) or "half a note" in json.dumps(body)
    for owner in ("", other):
        with pytest.raises(Tampered):
            opens(key, kind, row, owner, 1)
    for wrong in (0, 2):
        with pytest.raises(Tampered):
            opens(key, kind, row, me, wrong)


def test_an_edited_reflection_is_sealed_at_its_new_revision_with_its_owner(
    session: Session, data_dir: Path
) -> None:
    me = session.account.uuid
    first = session.debriefs.add(Debrief(feeling="shaky"))
    session.debriefs.update(replace(first, feeling="steadier now"))
    row = raw_row(data_dir, "debriefs", first.uuid)
    assert row["revision"] == 2
    key = session._ctx.keys.personal
    assert opens(key, "debriefs", row, me, 2)["feeling"] == "steadier now"
    for owner, revision in (("", 2), (me, 1), (me, 0)):
        with pytest.raises(Tampered):
            opens(key, "debriefs", row, owner, revision)
