"""Keys that can be replaced: each promise attacked the way someone with the file would.

These tests go around the repositories on purpose: an attacker has the SQLite file (a
current one, an old copy, or both) and the cryptography library, not our API. Each test
failed before per-person key renewal, team-key generations and the signed roster existed.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from tests.core.conftest import PASSPHRASE
from warmline import crypto
from warmline.accounts import (
    Role,
    kek_for,
    open_key_pairs,
    open_personal_key,
    open_user_key,
    open_user_key_with_code,
)
from warmline.calls import Call
from warmline.crypto import Key, KeyPair, SealContext, open_sealed
from warmline.debriefs import Debrief
from warmline.errors import (
    AccountDisabled,
    InvalidInput,
    NotAllowed,
    Tampered,
    WarmlineError,
    WrongPassphrase,
)
from warmline.keyring import wrap_context
from warmline.roster import RosterTampered
from warmline.session import Session
from warmline.vault import Vault

SAM = "sam's own passphrase"


# --- what an attacker does by hand ----------------------------------------------------------


def copy_folder(data_dir: Path, dest: Path) -> Database:
    """A copy of the data folder as it is now (the database and its WAL), opened raw."""
    dest.mkdir()
    for name in ("warmline.db", "warmline.db-wal"):
        if (data_dir / name).exists():
            shutil.copy2(data_dir / name, dest / name)
    return Database(sqlite3.connect(str(dest / "warmline.db")))


def row_of(db: Database, account_uuid: str) -> dict[str, Any]:
    return next(db.query("select * from accounts where uuid = ?", [account_uuid]))


def personal_key_by_hand(db: Database, account_uuid: str, passphrase: str) -> Key:
    row = row_of(db, account_uuid)
    user = open_user_key(row, kek_for(passphrase, row["kdf"]))
    return open_personal_key(row, user)


def team_keys_by_hand(db: Database, account_uuid: str, passphrase: str) -> list[Key]:
    """Every team key this account's row and passphrase reach in ``db``."""
    row = row_of(db, account_uuid)
    user = open_user_key(row, kek_for(passphrase, row["kdf"]))
    found = []
    pairs = open_key_pairs(row, user)
    line = next(db.query("select value from meta where key = 'vault_uuid'"))["value"]
    if pairs is not None:
        box, _ = pairs
        for wrap in db.query("select * from team_keys where account_uuid = ?", [account_uuid]):
            context = wrap_context(line, account_uuid, wrap["generation"])
            found.append(crypto.open_key_from(box, wrap["wrap"], context))
    return found


def opens_any(keys: list[Key], db: Database, table: str, owner: str = "") -> bool:
    """Whether any of ``keys`` opens any row of ``table`` in ``db``."""
    from warmline.records import canonical_clear

    for row in db.query(f"select * from {table}"):
        bound = canonical_clear(row)
        ctx = SealContext(table, row["uuid"], "record", owner, row["revision"], bound)
        for key in keys:
            try:
                open_sealed(key, row["body"], ctx)
            except Tampered:
                continue
            return True
    return False


def count(db: Database, table: str) -> int:
    return int(next(db.query(f"select count(*) as n from {table}"))["n"])


# --- a person's own keys ---------------------------------------------------------------------


def wrap_of(vault: Vault, account: str, generation: int) -> bytes:
    """The team key of ``generation`` as sealed to ``account``, read from the file."""
    [row] = vault.db.query(
        "select wrap from team_keys where account_uuid = ? and generation = ?",
        [account, generation],
    )
    wrap: bytes = row["wrap"]
    return wrap


def test_an_old_copy_and_the_old_passphrase_open_nothing_after_a_change(
    vault: Vault, session: Session, data_dir: Path, tmp_path: Path
) -> None:
    me = session.account.uuid
    session.debriefs.add(Debrief(feeling="before the change"))
    old = copy_folder(data_dir, tmp_path / "old-copy")
    old_personal = personal_key_by_hand(old, me, PASSPHRASE)
    assert opens_any([old_personal], old, "debriefs", me)  # the old copy is what it was

    session.team.change_my_passphrase(PASSPHRASE, "tangerine kettle drifts over hills")
    session.debriefs.add(Debrief(feeling="after the change"))
    assert {d.feeling for d in session.debriefs.select()} == {
        "before the change",
        "after the change",
    }

    # The old keys open nothing in the current file: not the new reflection, and not the
    # old one either (it was re-sealed under the new personal key).
    assert not opens_any([old_personal], vault.db, "debriefs", me)
    current = row_of(vault.db, me)
    with pytest.raises(WrongPassphrase):
        open_user_key(current, kek_for(PASSPHRASE, current["kdf"]))
    old_user = open_user_key(row_of(old, me), kek_for(PASSPHRASE, row_of(old, me)["kdf"]))
    with pytest.raises(Tampered):
        open_personal_key(current, old_user)


def test_a_used_recovery_code_opens_nothing_written_after(
    vault: Vault, session: Session, data_dir: Path, tmp_path: Path
) -> None:
    me = session.account.uuid
    code = session.team.create_recovery_code(PASSPHRASE)
    old = copy_folder(data_dir, tmp_path / "old-copy")
    vault.unlock_with_recovery_code(me, code, "tangerine kettle drifts over hills")
    later = vault.unlock(me, "tangerine kettle drifts over hills")
    later.debriefs.add(Debrief(feeling="after the recovery"))

    # With the old copy's columns the code still opens the old user key…
    old_row = row_of(old, me)
    old_user = open_user_key_with_code(
        old_row, kek_for(crypto.normalise_recovery_code(code), old_row["recovery_kdf"])
    )
    # …which opens nothing in the current file.
    with pytest.raises(Tampered):
        open_personal_key(row_of(vault.db, me), old_user)
    assert not opens_any([open_personal_key(old_row, old_user)], vault.db, "debriefs", me)
    # And the current file has no way in for the code at all.
    with pytest.raises(WrongPassphrase):
        vault.unlock_with_recovery_code(me, code, "another fine long passphrase")


def test_an_unused_recovery_code_survives_a_passphrase_change(
    vault: Vault, session: Session
) -> None:
    me = session.account.uuid
    session.debriefs.add(Debrief(feeling="kept"))
    code = session.team.create_recovery_code(PASSPHRASE)
    session.team.change_my_passphrase(PASSPHRASE, "tangerine kettle drifts over hills")
    recovered = vault.unlock_with_recovery_code(me, code, "lantern orbit meadow quietly")
    assert [d.feeling for d in recovered.debriefs.select()] == ["kept"]


def test_a_user_key_captured_at_enrolment_opens_nothing_after_first_unlock(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Key] = []
    pairs: list[KeyPair] = []
    real_key, real_pair = Key.generate, KeyPair.generate

    def spy_key() -> Key:
        key = real_key()
        made.append(Key(key.material(), key.key_id))
        return key

    def spy_pair(kind: str) -> KeyPair:
        pair = real_pair(kind)
        pairs.append(KeyPair(kind, pair.private_bytes()))
        return pair

    monkeypatch.setattr(Key, "generate", staticmethod(spy_key))
    monkeypatch.setattr(KeyPair, "generate", staticmethod(spy_pair))
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    monkeypatch.undo()
    captured_keys, captured_pairs = list(made), list(pairs)

    sam_session = vault.unlock(sam.uuid, SAM)  # first unlock: everything made new
    sam_session.debriefs.add(Debrief(feeling="only mine"))
    row = row_of(vault.db, sam.uuid)
    assert row["renew_keys"] == 0
    for key in captured_keys:
        with pytest.raises(Tampered):
            open_personal_key(row, key)
    assert not opens_any(captured_keys, vault.db, "debriefs", sam.uuid)
    line = vault.line_uuid
    for wrap in vault.db.query("select * from team_keys where account_uuid = ?", [sam.uuid]):
        for pair in captured_pairs:
            if pair.kind == "box":
                with pytest.raises(Tampered):
                    crypto.open_key_from(
                        pair, wrap["wrap"], wrap_context(line, sam.uuid, wrap["generation"])
                    )
    # And Sam still reads everything the team wrote.
    session.calls.add(Call(connection="hello"))
    assert [c.connection for c in sam_session.calls.select()] == ["hello"]


def test_recovery_codes_need_the_current_passphrase(session: Session, vault: Vault) -> None:
    with pytest.raises(WrongPassphrase):
        session.team.create_recovery_code("not the passphrase at all")
    assert not vault.account(session.account.uuid).has_recovery_code
    session.team.create_recovery_code(PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        session.team.remove_recovery_code("not the passphrase at all")
    assert vault.account(session.account.uuid).has_recovery_code


@pytest.mark.parametrize(
    "weak",
    ["password", "12345678", "password1", "qwertyuiop", "iloveyou2024", "Test Line 2024",
     "Alex Alex Alex"],
)  # fmt: skip
def test_guessable_passphrases_are_refused_by_the_core(
    session: Session, vault: Vault, weak: str
) -> None:
    with pytest.raises(InvalidInput, match=r"easy to guess|at least"):
        session.team.add_account("Sam", weak, Role.VOLUNTEER)
    with pytest.raises(InvalidInput):
        session.team.change_my_passphrase(PASSPHRASE, weak)
    with pytest.raises(InvalidInput):
        Vault.create(
            vault.data_dir.parent / "other", "Test Line", "Alex", weak,
            kdf_factory=crypto.cheap_test_params,
        )  # fmt: skip


# --- switching someone off ---------------------------------------------------------------------


def test_a_switched_off_member_reads_nothing_written_after(
    vault: Vault, session: Session, volunteer: Session, data_dir: Path, tmp_path: Path
) -> None:
    sam = volunteer.account.uuid
    session.calls.add(Call(connection="before Sam left"))
    old = copy_folder(data_dir, tmp_path / "sams-copy")
    sams_old_keys = team_keys_by_hand(old, sam, SAM)
    assert opens_any(sams_old_keys, old, "calls")  # their copy stays as readable as it was

    volunteer.lock()
    session.team.set_disabled(sam, True)
    session.calls.add(Call(connection="after Sam left"))
    progress = session.reseal(batch=1).run()
    assert progress.finished and progress.left == 0

    # Nothing in the current file opens with any team key Sam ever held.
    assert not opens_any(sams_old_keys, vault.db, "calls")
    generations = {r["generation"] for r in vault.db.query("select generation from team_keys")}
    assert generations == {session.team_generation}
    assert all(r["team_key"] == b"" for r in vault.db.query("select team_key from accounts"))

    # Putting their old row (and their old key wraps) back gives them nothing.
    old_row = row_of(old, sam)
    vault.db.table("accounts").upsert(old_row, pk="uuid")
    for wrap in old.query("select * from team_keys where account_uuid = ?", [sam]):
        vault.db.table("team_keys").upsert(wrap, pk=("generation", "account_uuid"))
    with pytest.raises(AccountDisabled):
        vault.unlock(sam, SAM)
    assert not opens_any(team_keys_by_hand(vault.db, sam, SAM), vault.db, "calls")
    # The rest of the team reads everything.
    assert {c.connection for c in session.calls.select()} == {"before Sam left", "after Sam left"}


def test_a_reset_replaces_the_team_key_too(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    before = session.team_generation
    session.team.reset_passphrase(volunteer.account.uuid, "lantern orbit meadow quietly")
    assert session.team_generation == before + 1
    again = vault.unlock(volunteer.account.uuid, "lantern orbit meadow quietly")
    session.calls.add(Call(connection="new"))
    assert [c.connection for c in again.calls.select()] == ["new"]


def test_a_coordinator_can_replace_the_team_key_on_demand(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    session.calls.add(Call(connection="one"))
    generation = session.team.replace_team_key()
    session.calls.add(Call(connection="two"))
    assert session.reseal().run().finished
    fresh = vault.unlock(volunteer.account.uuid, SAM)
    assert fresh.team_generation == generation
    assert sorted(c.connection for c in fresh.calls.select()) == ["one", "two"]
    with pytest.raises(NotAllowed):
        fresh.team.replace_team_key()


def test_settings_and_earlier_versions_are_resealed_too(vault: Vault, session: Session) -> None:
    session.settings.set_topics(["Housing", "Sleep"])
    call = session.calls.add(Call(connection="first words"))
    session.calls.update(call.__class__(**{**call.__dict__, "connection": "second words"}))
    session.team.replace_team_key()
    assert session.reseal(batch=1).run().finished
    fresh = vault.unlock(session.account.uuid, PASSPHRASE)
    assert fresh.settings.topics() == ["Housing", "Sleep"]
    assert [c.connection for c in fresh.calls.history(call.uuid)] == ["first words"]


# --- the signed roster ---------------------------------------------------------------------------


def test_a_role_written_into_the_file_by_hand_is_refused(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    volunteer.lock()
    vault.db.execute("update accounts set role = 'coordinator' where uuid = ?", [sam])
    again = vault.unlock(sam, SAM)
    assert again.account.role is Role.VOLUNTEER
    assert not again.is_coordinator
    with pytest.raises(NotAllowed):
        again.team.reset_passphrase(session.account.uuid, "lantern orbit meadow quietly")
    problems = session.team.roster_problems()
    assert [p.account_uuid for p in problems] == [sam]
    assert "coordinator" in problems[0].what


def test_an_account_added_by_hand_cannot_unlock(vault: Vault, session: Session) -> None:
    from warmline.accounts import enrol
    from warmline.roster import NotOnRoster

    made = enrol("Mallory", Role.COORDINATOR, "lantern orbit meadow quietly",
                 crypto.cheap_test_params(), b"x" * 32)  # fmt: skip
    vault.db.table("accounts").insert(made.row)
    with pytest.raises((NotOnRoster, WarmlineError)):
        vault.unlock(made.row["uuid"], "lantern orbit meadow quietly")


@pytest.mark.parametrize("attack", ["edit", "forge", "delete-middle", "reorder"])
def test_a_changed_roster_is_refused_at_unlock(
    vault: Vault, session: Session, volunteer: Session, attack: str
) -> None:
    sam = volunteer.account.uuid
    session.team.set_role(sam, Role.SHIFT_LEAD)
    db = vault.db
    entries = list(db.query("select * from roster order by seq"))
    assert len(entries) >= 3
    if attack == "edit":
        body = entries[-1]["body"].replace(b"shift_lead", b"coordinator")
        db.execute("update roster set body = ? where seq = ?", [body, entries[-1]["seq"]])
    elif attack == "forge":  # Sam signs a promotion of himself with his own key
        from warmline import roster

        state = roster.verify_roster(db, vault.line_uuid, None)
        assert state is not None
        body = roster._canonical(
            {"v": 1, "line": vault.line_uuid, "seq": state.seq + 1, "prev": state.head,
             "kind": "role", "by": sam, "at": "2026-01-01T00:00:00+00:00", "account": sam,
             "role": "coordinator"}
        )  # fmt: skip
        signature = crypto.sign(volunteer._ctx.keys.signer, body)
        db.table("roster").insert({"seq": state.seq + 1, "body": body, "signature": signature})
    elif attack == "delete-middle":
        db.execute("delete from roster where seq = 2")
    else:
        db.execute("update roster set seq = 99 where seq = 2")
    volunteer.lock()
    with pytest.raises(RosterTampered):
        vault.unlock(sam, SAM)
    with pytest.raises(RosterTampered):
        vault.unlock(session.account.uuid, PASSPHRASE)


def test_a_swapped_public_key_in_the_row_does_not_receive_the_next_key(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    """Rotation seals to the keys the signed roster names, not to what the row says."""
    mallory = KeyPair.generate("box")
    sam = volunteer.account.uuid
    vault.db.execute("update accounts set box_public = ? where uuid = ?", [mallory.public, sam])
    generation = session.team.replace_team_key()
    wrap = wrap_of(vault, sam, generation)
    with pytest.raises(Tampered):
        crypto.open_key_from(mallory, wrap, wrap_context(vault.line_uuid, sam, generation))


def test_key_wraps_are_bound_to_account_and_generation(vault: Vault, session: Session) -> None:
    me = session.account.uuid
    row = next(vault.db.query("select * from team_keys where account_uuid = ?", [me]))
    box = session._ctx.keys.box
    with pytest.raises(Tampered):
        crypto.open_key_from(box, row["wrap"], wrap_context(vault.line_uuid, me, 2))
    with pytest.raises(Tampered):
        crypto.open_key_from(box, row["wrap"], wrap_context(vault.line_uuid, "someone", 1))
    with pytest.raises(Tampered):
        crypto.open_key_from(box, row["wrap"], wrap_context("another line", me, 1))


# --- a security review's attacks (each failed before its fix) --------------------------------


def test_a_generation_planted_in_the_file_is_never_used(vault: Vault, session: Session) -> None:
    """Sealing a key to members needs only their public keys: anyone can plant a wrap."""
    from warmline.keyring import seal_generation_to

    evil = Key.generate()
    for row in list(vault.db.query("select uuid, box_public from accounts")):
        vault.db.table("team_keys").insert({
            "generation": 99, "account_uuid": row["uuid"],
            "wrap": seal_generation_to(vault.line_uuid, row["uuid"], row["box_public"], 99, evil),
        })  # fmt: skip
    again = vault.unlock(session.account.uuid, PASSPHRASE)
    assert again.team_generation == 1
    again.calls.add(Call(connection="after the plant"))
    again.reseal().run()
    assert not opens_any([evil], vault.db, "calls")
    assert [c.connection for c in again.calls.select()] == ["after the plant"]


def test_a_member_missing_the_newest_wrap_is_refused_not_downgraded(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    volunteer.lock()
    generation = session.team.replace_team_key()
    vault.db.execute(
        "delete from team_keys where account_uuid = ? and generation = ?", [sam, generation]
    )
    from warmline.roster import NeedsReset

    with pytest.raises(NeedsReset):
        vault.unlock(sam, SAM)


def test_deleting_the_roster_is_refused_not_founded_again(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    volunteer.lock()
    vault.db.execute("update accounts set role = 'coordinator'")
    vault.db.execute("delete from roster")
    with pytest.raises(RosterTampered):
        vault.unlock(session.account.uuid, PASSPHRASE)
    with pytest.raises(RosterTampered):
        vault.unlock(volunteer.account.uuid, SAM)


def test_a_removed_pin_is_refused(vault: Vault, session: Session, volunteer: Session) -> None:
    volunteer.lock()
    vault.db.execute("update accounts set anchor = null where uuid = ?", [volunteer.account.uuid])
    with pytest.raises(RosterTampered):
        vault.unlock(volunteer.account.uuid, SAM)


def test_cutting_the_end_off_the_roster_does_not_undo_a_switch_off(
    vault: Vault, session: Session, volunteer: Session, data_dir: Path, tmp_path: Path
) -> None:
    sam = volunteer.account.uuid
    old = copy_folder(data_dir, tmp_path / "sams-copy")
    volunteer.lock()
    session.team.set_disabled(sam, True)
    import json

    rows = vault.db.query("select * from roster")
    kinds = {r["seq"]: json.loads(r["body"])["kind"] for r in rows}
    off = min(seq for seq, kind in kinds.items() if kind == "off")
    vault.db.execute("delete from roster where seq >= ?", [off])
    vault.db.table("accounts").upsert(row_of(old, sam), pk="uuid")
    with pytest.raises(RosterTampered):
        vault.unlock(session.account.uuid, PASSPHRASE)


def test_old_key_pairs_open_nothing_current_after_a_passphrase_change(
    vault: Vault, session: Session, data_dir: Path, tmp_path: Path
) -> None:
    me = session.account.uuid
    old = copy_folder(data_dir, tmp_path / "old-copy")
    old_row = row_of(old, me)
    old_user = open_user_key(old_row, kek_for(PASSPHRASE, old_row["kdf"]))
    pairs = open_key_pairs(old_row, old_user)
    assert pairs is not None
    old_box, _ = pairs
    session.team.change_my_passphrase(PASSPHRASE, "tangerine kettle drifts over hills")
    session.team.replace_team_key()
    for wrap in vault.db.query("select * from team_keys where account_uuid = ?", [me]):
        with pytest.raises(Tampered):
            crypto.open_key_from(
                old_box, wrap["wrap"], wrap_context(vault.line_uuid, me, wrap["generation"])
            )


def test_a_departed_founder_cannot_write_a_new_history(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    from warmline import roster

    alex, sam = session.account.uuid, volunteer.account.uuid
    session.team.set_role(sam, Role.COORDINATOR)
    volunteer.lock()
    fresh_sam = vault.unlock(sam, SAM)
    session_signer = KeyPair("sign", session._ctx.keys.signer.private_bytes())
    session.lock()
    fresh_sam.team.set_disabled(alex, True)
    fresh_sam.lock()
    # Alex, gone, signs a whole new roster with the signing key he still holds.
    vault.db.execute("delete from roster")
    members = [roster.Member(alex, Role.COORDINATOR, False, session_signer.public,
                             KeyPair.generate("box").public)]  # fmt: skip
    with vault.db.conn:
        roster.found(vault.db, vault.line_uuid, alex, session_signer, members, Key.generate())
    with pytest.raises(RosterTampered):
        vault.unlock(sam, SAM)


def test_editing_the_renewal_flag_does_not_skip_the_first_unlock_renewal(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Key] = []
    real = Key.generate

    def spy() -> Key:
        key = real()
        made.append(Key(key.material(), key.key_id))
        return key

    monkeypatch.setattr(Key, "generate", staticmethod(spy))
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    monkeypatch.undo()
    vault.db.execute("update accounts set renew_keys = 0 where uuid = ?", [sam.uuid])
    sam_session = vault.unlock(sam.uuid, SAM)
    sam_session.debriefs.add(Debrief(feeling="mine"))
    assert not opens_any(made, vault.db, "debriefs", sam.uuid)


def test_a_reset_does_not_switch_someone_back_on_by_itself(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    volunteer.lock()
    session.team.set_disabled(sam, True)
    session.team.reset_passphrase(sam, "lantern orbit meadow quietly")
    vault.db.execute("update accounts set disabled = 0 where uuid = ?", [sam])
    with pytest.raises(AccountDisabled):
        vault.unlock(sam, "lantern orbit meadow quietly")
    assert not list(vault.db.query("select 1 from team_keys where account_uuid = ?", [sam]))


def test_an_old_style_recovery_code_is_dropped_openly_on_renewal(
    vault: Vault, session: Session
) -> None:
    """A code from before recovery keys wrapped the user key itself: it cannot follow a new
    user key, so it is removed (and My account offers a new one), never left to fail later."""
    me = session.account.uuid
    code = crypto.new_recovery_code()
    params = crypto.cheap_test_params()
    kek = crypto.derive_kek(code, params)
    from warmline.accounts import recovery_ctx

    vault.db.execute(
        "update accounts set recovery_kdf = ?, recovery_user_key = ?, recovery_key = null, "
        "recovery_wrap = null where uuid = ?",
        [params.to_json(), crypto.wrap_key(kek, session._ctx.keys.user, recovery_ctx(me)), me],
    )
    assert vault.account(me).has_recovery_code
    session.team.change_my_passphrase(PASSPHRASE, "tangerine kettle drifts over hills")
    assert not vault.account(me).has_recovery_code


def test_a_refused_unlock_leaves_no_team_key_in_memory(
    vault: Vault, session: Session, volunteer: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warmline import keyring

    rings: list[keyring.TeamKeyring] = []
    real = keyring.load_keyring

    def spy(*args: Any) -> keyring.TeamKeyring:
        ring = real(*args)
        rings.append(ring)
        return ring

    import warmline.vault as vaultmod

    monkeypatch.setattr(vaultmod, "load_keyring", spy)
    vault.db.execute("update roster set signature = zeroblob(64) where seq = 2")
    with pytest.raises(RosterTampered):
        vault.unlock(volunteer.account.uuid, SAM)
    assert rings and all(key.wiped for ring in rings for key in ring.generations().values())
