"""Files from before key generations (schema 2) carry over at each person's next unlock.

The old format is written here by hand, the way Warmline 0.1 wrote it: per account, the
passphrase wraps a user key, which wraps the one team key and a personal key. Nobody may
lose access on the way, and the signed roster is founded by the first coordinator to unlock.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlite_utils import Database

from warmline import crypto
from warmline import db as dbmod
from warmline.accounts import (
    Account,
    AccountKeys,
    Role,
    personal_key_ctx,
    team_key_ctx,
    user_key_ctx,
)
from warmline.calls import Call
from warmline.crypto import Key, KeyPair, SealContext, seal_json
from warmline.keyring import TeamKeyring
from warmline.records import Unlocked
from warmline.roster import NeedsReset, RosterState, append, verify_roster
from warmline.vault import Vault

PASSPHRASES = {
    "Alex": "correct horse battery staple",
    "Sam": "sam's own passphrase",
    "Kit": "kit keeps a lantern lit",
}
ROLES = {"Alex": Role.COORDINATOR, "Sam": Role.VOLUNTEER, "Kit": Role.COORDINATOR}


@dataclass
class OldLine:
    data_dir: Path
    uuids: dict[str, str]
    calls: dict[str, str]
    debrief: str


def write_old_line(data_dir: Path, calls: int = 20) -> OldLine:
    """The file as Warmline 0.1 wrote it, sealed in record format 1."""
    saved = crypto.FORMAT_VERSION
    crypto.FORMAT_VERSION = 1
    try:
        return _write_old_line(data_dir, calls)
    finally:
        crypto.FORMAT_VERSION = saved


def _write_old_line(data_dir: Path, calls_wanted: int) -> OldLine:
    data_dir.mkdir(mode=0o700)
    path = data_dir / "warmline.db"
    db = Database(sqlite3.connect(str(path)))
    dbmod.migrations.apply(db, stop_before="m003_key_pairs_generations_roster")
    team = Key.generate()
    dbmod.set_meta(db, "schema_version", "2")
    dbmod.set_meta(db, "line_name", "Old Line")
    dbmod.set_meta(db, "vault_uuid", str(uuidlib.uuid4()))
    dbmod.set_meta(db, "team_key_id", team.key_id.hex())
    uuids: dict[str, str] = {}
    personal_keys: dict[str, Key] = {}
    for name, passphrase in PASSPHRASES.items():
        uuid = str(uuidlib.uuid4())
        params = crypto.cheap_test_params()
        kek = crypto.derive_kek(passphrase, params)
        user, personal = Key.generate(), Key.generate()
        db.table("accounts").insert(
            {
                "uuid": uuid, "display_name": name, "role": ROLES[name].value, "disabled": 0,
                "created_at": "2026-01-01T00:00:00+00:00", "revision": 1,
                "kdf": params.to_json(),
                "user_key": crypto.wrap_key(kek, user, user_key_ctx(uuid)),
                "team_key": crypto.wrap_key(user, team, team_key_ctx(uuid)),
                "personal_key": crypto.wrap_key(user, personal, personal_key_ctx(uuid)),
                "recovery_kdf": None, "recovery_user_key": None,
            }
        )  # fmt: skip
        uuids[name] = uuid
        personal_keys[name] = personal

    def old_ctx(name: str) -> Unlocked:
        ring = TeamKeyring()
        ring.add(1, team)
        keys = AccountKeys(Key.generate(), personal_keys[name], KeyPair.generate("box"),
                           KeyPair.generate("sign"), ring)  # fmt: skip
        account = Account(uuids[name], name, ROLES[name], False, None)
        return Unlocked(db, str(path), account, keys, "")

    calls = [old_call(db, team, uuids["Alex"], i, f"old note {i}") for i in range(calls_wanted)]
    # A reflection as that version wrote it: call link and times in clear columns.
    debrief_uuid = str(uuidlib.uuid4())
    body = {"answers": {}, "feeling": "Sam's own", "note_to_self": ""}
    context = SealContext("debriefs", debrief_uuid, "record", uuids["Sam"], 1)
    db.table("debriefs").insert(
        {
            "uuid": debrief_uuid, "revision": 1, "owner_uuid": uuids["Sam"],
            "call_uuid": calls[0].uuid, "created_at": "2026-01-02T10:00:00+00:00",
            "updated_at": "2026-01-02T10:00:00+00:00",
            "body": seal_json(personal_keys["Sam"], body, context),
        }
    )  # fmt: skip
    db.close()
    return OldLine(data_dir, uuids, {c.uuid: c.connection for c in calls}, debrief_uuid)


@dataclass
class OldCall:
    uuid: str
    connection: str
    started_at: str


def old_call(db: Database, team: Key, author: str, i: int, note: str) -> OldCall:
    """A call row as Warmline 0.1 wrote it: exact times, duration and author in clear
    columns, only what was typed in the body (format 1: bound to its place, not its
    columns)."""
    uuid = str(uuidlib.uuid4())
    started = f"2026-01-{1 + i % 28:02d}T{8 + i % 12:02d}:{i % 60:02d}:00.000000+00:00"
    ended = started.replace(":00.000000", ":30.000000")
    body = {
        "caller_kind": "anonymous", "channel": "phone", "contact_kind": "conversation",
        "connection": note, "worldview": "", "mutuality": "", "moving_towards": "",
        "topics": [], "resources_shared": "", "crisis_offered": False,
        "crisis_connected": False, "follow_up": "",
    }  # fmt: skip
    db.table("calls").insert(
        {
            "uuid": uuid, "revision": 1, "started_at": started, "ended_at": ended,
            "duration_s": 30, "author_uuid": author, "shift_uuid": None, "caller_uuid": None,
            "updated_at": started,
            "body": seal_json(team, body, SealContext("calls", uuid, "record", "", 1)),
        }
    )  # fmt: skip
    return OldCall(uuid, note, started)


def forge_carry_over_entry(db: Database, state: RosterState, account: str) -> None:
    """What someone with the file but without the first team key can write: a carried-over
    member's first ``keys`` entry under a key of their own, its proof made up."""
    forger = KeyPair.generate("sign")
    with db.atomic():
        append(
            db, state, forger, account, "keys", None, account=account, sign=forger.public,
            box=KeyPair.generate("box").public, proof=bytes(32),
        )  # fmt: skip


@pytest.fixture
def old_line(tmp_path: Path) -> OldLine:
    return write_old_line(tmp_path / "old")


def open_vault(line: OldLine) -> Vault:
    return Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)


def test_coordinator_first_then_volunteer_nobody_loses_access(old_line: OldLine) -> None:
    vault = open_vault(old_line)
    try:
        alex = vault.unlock(old_line.uuids["Alex"], PASSPHRASES["Alex"])
        assert alex.is_coordinator
        assert {c.uuid: c.connection for c in alex.calls.select()} == old_line.calls
        state = verify_roster(vault.db, vault.line_uuid, None)
        assert state is not None and set(state.members) == set(old_line.uuids.values())

        sam = vault.unlock(old_line.uuids["Sam"], PASSPHRASES["Sam"])
        assert {c.connection for c in sam.calls.select()} == set(old_line.calls.values())
        assert [d.feeling for d in sam.debriefs.select()] == ["Sam's own"]
        # The update left only the day of that reflection in clear, not its call or time.
        row = next(vault.db.query("select * from debriefs"))
        assert (row["day"], row["call_uuid"], row["created_at"]) == ("2026-01-02", None, None)
        state = verify_roster(vault.db, vault.line_uuid, None)
        assert state is not None
        assert state.members[old_line.uuids["Sam"]].sign is not None  # Sam's keys are known

        # Everyone now uses the new format: the old team-key column is no longer needed.
        alex.calls.add(Call(connection="new note"))
        assert "new note" in {c.connection for c in sam.calls.select()}
        sam.lock()
        again = vault.unlock(old_line.uuids["Sam"], PASSPHRASES["Sam"])
        assert again.account.role is Role.VOLUNTEER
    finally:
        vault.close()


def test_volunteer_first_works_before_the_roster_exists(old_line: OldLine) -> None:
    vault = open_vault(old_line)
    try:
        sam = vault.unlock(old_line.uuids["Sam"], PASSPHRASES["Sam"])
        assert {c.connection for c in sam.calls.select()} == set(old_line.calls.values())
        sam.lock()
        vault.unlock(old_line.uuids["Alex"], PASSPHRASES["Alex"]).lock()  # founds the roster
        sam = vault.unlock(old_line.uuids["Sam"], PASSPHRASES["Sam"])
        assert [d.feeling for d in sam.debriefs.select()] == ["Sam's own"]
    finally:
        vault.close()


def test_after_a_key_replacement_a_never_seen_member_needs_a_reset(old_line: OldLine) -> None:
    vault = open_vault(old_line)
    try:
        alex = vault.unlock(old_line.uuids["Alex"], PASSPHRASES["Alex"])
        alex.team.set_disabled(old_line.uuids["Sam"], True)  # replaces the team key
        assert alex.reseal().run().finished
        with pytest.raises(NeedsReset):
            vault.unlock(old_line.uuids["Kit"], PASSPHRASES["Kit"])
        alex.team.reset_passphrase(old_line.uuids["Kit"], "lantern orbit meadow quietly")
        kit = vault.unlock(old_line.uuids["Kit"], "lantern orbit meadow quietly")
        assert {c.connection for c in kit.calls.select()} == set(old_line.calls.values())
    finally:
        vault.close()


def test_a_carried_over_coordinator_acts_as_one_only_once_confirmed(old_line: OldLine) -> None:
    """The proof a carried-over member gives shows they were on the team, not who they are
    (every member held the old key): until a coordinator confirms them, no coordinator
    powers. Otherwise a volunteer could claim a coordinator's identity first."""
    from warmline.errors import NotAllowed

    vault = open_vault(old_line)
    try:
        alex = vault.unlock(old_line.uuids["Alex"], PASSPHRASES["Alex"])  # founds the roster
        kit = vault.unlock(old_line.uuids["Kit"], PASSPHRASES["Kit"])
        with pytest.raises(NotAllowed):
            kit.team.add_account("Robin", "lantern orbit meadow quietly", Role.VOLUNTEER)
        alex.team.set_role(old_line.uuids["Kit"], Role.COORDINATOR)  # Alex vouches for Kit
        kit.team.add_account("Robin", "lantern orbit meadow quietly", Role.VOLUNTEER)
    finally:
        vault.close()


def test_a_demo_line_made_before_the_demo_mark_is_still_the_demo(tmp_path: Path) -> None:
    """``--demo`` refuses a line without the demo mark; a 0.1 demo line gets its mark."""
    from warmline.fiction import DEMO_COORDINATOR, DEMO_LINE_NAME

    line = write_old_line(tmp_path / "old")
    conn = sqlite3.connect(str(line.data_dir / "warmline.db"))
    with conn:
        conn.execute("update meta set value = ? where key = 'line_name'", [DEMO_LINE_NAME])
        conn.execute(
            "update accounts set display_name = ? where uuid = ?",
            [DEMO_COORDINATOR, line.uuids["Alex"]],
        )
    conn.close()
    vault = open_vault(line)
    try:
        assert vault.is_demo
    finally:
        vault.close()
    plain = write_old_line(tmp_path / "real")
    vault = open_vault(plain)
    try:
        assert not vault.is_demo  # a real line stays real
    finally:
        vault.close()
