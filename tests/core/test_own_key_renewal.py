"""Renewing a person's own keys (warmline/own_keys.py), checked from the file and the key bytes.

test_keys.py attacks the promises with old copies of the folder; test_own_key_reseal.py checks
every private record re-sealed. This file checks the renewal itself, step by step, by its
outcome: what the account row says afterwards, what the signed roster announces, which team-key
wraps exist and what opens them, which key bytes are zero, what the WAL still holds, and that a
renewal that fails part-way leaves the person exactly as they were.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from tests.core.conftest import PASSPHRASE
from tests.core.test_key_migration import PASSPHRASES, forge_carry_over_entry, write_old_line
from warmline import crypto, own_keys
from warmline import roster as rostermod
from warmline.accounts import Role, kek_for, open_anchor, open_key_pairs, open_user_key
from warmline.crypto import FLOOR, KdfParams, Key, KeyPair
from warmline.debriefs import Debrief
from warmline.errors import Locked, StorageFull, Tampered, VaultCorrupt
from warmline.keyring import wrap_context
from warmline.own_keys import Recovery, personal_tables, recovery_kdf_params, renew
from warmline.session import Session
from warmline.vault import Vault

NEW = "tangerine kettle drifts over hills"


def row_of(db: Database, account_uuid: str) -> dict[str, Any]:
    return dict(next(db.query("select * from accounts where uuid = ?", [account_uuid])))


def raw(data_dir: Path) -> Database:
    return Database(sqlite3.connect(str(data_dir / "warmline.db")))


def roster_now(vault: Vault, session: Session) -> rostermod.RosterState:
    """The roster as verified from the person's own anchor in the file (as an unlock does)."""
    ctx = session._ctx
    row = row_of(vault.db, ctx.account.uuid)
    anchor = open_anchor(row, ctx.keys.user)
    assert anchor is not None
    gen1 = ctx.keys.ring.generations().get(1)
    state = rostermod.verify_roster(vault.db, ctx.line_uuid, rostermod.read_pin(anchor), gen1)
    assert state is not None
    return state


def pair_copy(pair: KeyPair) -> KeyPair:
    return KeyPair(pair.kind, pair.private_bytes())


def zeroed(key: Key | KeyPair) -> bool:
    """Whether every byte the object held is zero (read past the guard a wipe sets)."""
    held = key._private if isinstance(key, KeyPair) else key._material
    return len(held) == 32 and not any(held)


# --- the settings a recovery code is stretched with ---------------------------------------------


def test_recovery_codes_are_stretched_at_the_floor_with_four_lanes_and_a_fresh_salt() -> None:
    first, second = recovery_kdf_params(), recovery_kdf_params()
    assert (first.memory_kib, first.iterations, first.lanes) == (64 * 1024, 3, 4)
    assert (first.memory_kib, first.iterations) == (FLOOR.memory_kib, FLOOR.iterations)
    assert len(first.salt) == 16 and first.salt != second.salt
    crypto.check_params(first)  # never under the floor the production factory keeps


def test_a_new_recovery_code_is_stored_with_those_settings(vault: Vault, session: Session) -> None:
    code = session.team.create_recovery_code(PASSPHRASE)
    row = row_of(vault.db, session.account.uuid)
    stored = KdfParams.from_json(row["recovery_kdf"])
    assert (stored.memory_kib, stored.iterations, stored.lanes) == (64 * 1024, 3, 4)
    # The code itself opens the wrap those settings describe (checked by the unlock).
    recovered = vault.unlock_with_recovery_code(session.account.uuid, code, NEW)
    assert recovered.account.uuid == session.account.uuid


# --- which tables hold private records ----------------------------------------------------------


def test_personal_tables_are_exactly_those_with_an_owner_column(vault: Vault) -> None:
    assert personal_tables(vault.db) == ["debriefs", "drafts"]
    # A table made later with the four columns counts; one missing any of them does not.
    vault.db.execute(
        "create table zz_later (uuid text, revision integer, owner_uuid text, body blob)"
    )
    vault.db.execute("create table aa_partial (uuid text, revision integer, body blob)")
    vault.db.execute("create table ab_partial (uuid text, owner_uuid text, body blob)")
    assert personal_tables(vault.db) == ["debriefs", "drafts", "zz_later"]


# --- what one renewal writes -------------------------------------------------------------------


def test_a_renewal_writes_the_new_settings_clears_the_flag_and_moves_the_revision(
    vault: Vault, session: Session
) -> None:
    me = session.account.uuid
    vault.db.execute("update accounts set renew_keys = 1 where uuid = ?", [me])
    before = row_of(vault.db, me)
    params = crypto.cheap_test_params()
    kek = crypto.derive_kek(NEW, params)
    assert renew(session._ctx, kek, params.to_json(), recovery=Recovery.KEEP) is None
    after = row_of(vault.db, me)
    assert after["kdf"] == params.to_json()
    assert after["renew_keys"] == 0
    assert after["revision"] == before["revision"] + 1
    user = open_user_key(after, kek_for(NEW, after["kdf"]))
    assert user.material() == session._ctx.keys.user.material()
    # Without new_pairs the key pairs stay as they were (only a passphrase change needs new
    # ones), and the same team-key wraps still open with them.
    assert after["box_public"] == before["box_public"]
    assert after["sign_public"] == before["sign_public"]


def test_extra_columns_land_in_the_same_update(vault: Vault, session: Session) -> None:
    me = session.account.uuid
    params = crypto.cheap_test_params()
    kek = crypto.derive_kek(NEW, params)
    renew(session._ctx, kek, params.to_json(), recovery=Recovery.KEEP, extra={"renew_keys": 0,
          "display_name": "Alex R"})  # fmt: skip
    assert row_of(vault.db, me)["display_name"] == "Alex R"


def test_a_passphrase_change_announces_new_pairs_and_rewraps_every_generation(
    vault: Vault, session: Session, data_dir: Path
) -> None:
    me = session.account.uuid
    session.team.replace_team_key()  # two generations to carry over
    ctx = session._ctx
    old_box, old_signer = pair_copy(ctx.keys.box), pair_copy(ctx.keys.signer)
    held_box, held_signer = ctx.keys.box, ctx.keys.signer
    generations = {g: k.material() for g, k in ctx.keys.ring.generations().items()}
    assert sorted(generations) == [1, 2]
    seq_before = roster_now(vault, session).seq

    session.team.change_my_passphrase(PASSPHRASE, NEW)

    # The session holds new pairs; the pairs it held before are zero.
    assert ctx.keys.box.public != old_box.public
    assert ctx.keys.signer.public != old_signer.public
    assert zeroed(held_box) and zeroed(held_signer)
    # The file's own row opens to the same new pairs with the new passphrase.
    row = row_of(vault.db, me)
    user = open_user_key(row, kek_for(NEW, row["kdf"]))
    pairs = open_key_pairs(row, user)
    assert pairs is not None
    assert (pairs[0].public, pairs[1].public) == (ctx.keys.box.public, ctx.keys.signer.public)

    # The roster has one more entry, and it names the new public keys as this person's own.
    state = roster_now(vault, session)
    assert state.seq == seq_before + 1
    member = state.members[me]
    assert (member.box, member.sign) == (ctx.keys.box.public, ctx.keys.signer.public)
    assert member.own_keys
    # The pin in the anchor moved with it: a later unlock verifies the roster.
    assert vault.unlock(me, NEW).account.uuid == me

    # One wrap per generation, each opening with the new box key to the same team key and
    # not with the old one.
    wraps = list(vault.db.query("select * from team_keys where account_uuid = ?", [me]))
    assert sorted(w["generation"] for w in wraps) == [1, 2]
    for wrap in wraps:
        context = wrap_context(vault.line_uuid, me, wrap["generation"])
        key = crypto.open_key_from(pairs[0], wrap["wrap"], context)
        assert key.material() == generations[wrap["generation"]]
        with pytest.raises(Tampered):
            crypto.open_key_from(old_box, wrap["wrap"], context)


def test_the_old_user_and_personal_keys_are_zeroed_and_the_new_ones_held(
    vault: Vault, session: Session
) -> None:
    keys = session._ctx.keys
    held_user, held_personal = keys.user, keys.personal
    old_user, old_personal = held_user.material(), held_personal.material()
    session.debriefs.add(Debrief(feeling="before"))
    session.team.change_my_passphrase(PASSPHRASE, NEW)
    assert zeroed(held_user) and zeroed(held_personal)
    assert keys.user.material() not in (old_user, bytes(32))
    assert keys.personal.material() not in (old_personal, bytes(32))
    session.debriefs.add(Debrief(feeling="after"))
    assert {d.feeling for d in session.debriefs.select()} == {"before", "after"}


def test_no_old_wrapped_key_is_left_in_the_file_or_the_wal_after_a_renewal(
    vault: Vault, session: Session, data_dir: Path
) -> None:
    me = session.account.uuid
    old_row = row_of(vault.db, me)
    wal = data_dir / "warmline.db-wal"
    assert wal.exists() and old_row["user_key"] in wal.read_bytes()  # where it was written
    params = crypto.cheap_test_params()
    renew(session._ctx, crypto.derive_kek(NEW, params), params.to_json(),
          recovery=Recovery.KEEP, new_pairs=True)  # fmt: skip
    assert not wal.exists() or wal.stat().st_size == 0  # emptied, not only overwritten
    held = (data_dir / "warmline.db").read_bytes()
    for column in ("user_key", "personal_key", "box_private", "sign_private", "anchor"):
        assert old_row[column] and old_row[column] not in held, column


# --- what is refused, and what a failed renewal leaves ------------------------------------------


def test_a_locked_session_cannot_renew(session: Session) -> None:
    ctx = session._ctx
    params = crypto.cheap_test_params()
    kek = crypto.derive_kek(NEW, params)
    session.lock()
    with pytest.raises(Locked):
        renew(ctx, kek, params.to_json(), recovery=Recovery.KEEP)


def test_an_account_missing_from_the_file_is_refused(session: Session) -> None:
    account = dataclasses.replace(session._ctx.account, uuid="not-in-this-file")
    ctx = dataclasses.replace(session._ctx, account=account)
    params = crypto.cheap_test_params()
    with pytest.raises(Tampered) as refused:
        renew(ctx, crypto.derive_kek(NEW, params), params.to_json(), recovery=Recovery.KEEP)
    assert str(refused.value).startswith("Your account could not be opened")


def test_an_account_without_its_anchor_is_refused_and_left_alone(
    vault: Vault, session: Session
) -> None:
    me = session.account.uuid
    vault.db.execute("update accounts set anchor = null where uuid = ?", [me])
    before = row_of(vault.db, me)
    with pytest.raises(rostermod.RosterTampered):
        session.team.change_my_passphrase(PASSPHRASE, NEW)
    assert row_of(vault.db, me) == before


def test_a_renewal_that_fails_part_way_changes_nothing_and_wipes_what_it_made(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = session.account.uuid
    session.debriefs.add(Debrief(feeling="kept safe"))
    keys = session._ctx.keys
    held = {
        "user": keys.user.material(),
        "personal": keys.personal.material(),
        "box": keys.box.public,
        "sign": keys.signer.public,
    }
    made: list[Key] = []
    pairs: list[KeyPair] = []
    real_key, real_pair = Key.generate, KeyPair.generate

    def spy_key() -> Key:
        made.append(real_key())
        return made[-1]

    def spy_pair(kind: str) -> KeyPair:
        pairs.append(real_pair(kind))
        return pairs[-1]

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    before = {t: list(vault.db.query(f"select * from [{t}]")) for t in ("accounts", "debriefs",
              "team_keys", "roster")}  # fmt: skip
    monkeypatch.setattr(Key, "generate", staticmethod(spy_key))
    monkeypatch.setattr(KeyPair, "generate", staticmethod(spy_pair))
    monkeypatch.setattr(own_keys, "own_key_columns", fail)
    with pytest.raises(StorageFull):  # in plain words, as any full disk is
        session.team.change_my_passphrase(PASSPHRASE, NEW)
    monkeypatch.undo()

    after = {t: list(vault.db.query(f"select * from [{t}]")) for t in before}
    assert after == before
    # The user and personal keys it made, and both pairs, are zero; the session's are intact.
    assert len(made) >= 2 and len(pairs) == 2
    assert all(zeroed(key) for key in made[:2])
    assert all(zeroed(pair) for pair in pairs)
    assert keys.user.material() == held["user"]
    assert keys.personal.material() == held["personal"]
    assert (keys.box.public, keys.signer.public) == (held["box"], held["sign"])
    assert [d.feeling for d in session.debriefs.select()] == ["kept safe"]
    assert vault.unlock(me, PASSPHRASE).account.uuid == me


def test_a_recovery_key_is_wiped_after_use_whatever_happens(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Key] = []
    real_key = Key.generate

    def spy_key() -> Key:
        made.append(real_key())
        return made[-1]

    monkeypatch.setattr(Key, "generate", staticmethod(spy_key))
    code = session.team.create_recovery_code(PASSPHRASE)
    monkeypatch.undo()
    # user, personal, then the recovery key: none of them may stay readable in memory except
    # the two the session now holds.
    recovery_key = made[2]
    assert zeroed(recovery_key)
    assert code and json.loads(row_of(vault.db, session.account.uuid)["recovery_kdf"])


def test_a_damaged_file_met_while_renewing_names_the_file(
    vault: Vault, session: Session, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def malformed(*args: object, **kwargs: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(own_keys, "own_key_columns", malformed)
    with pytest.raises(VaultCorrupt) as refused:
        session.team.change_my_passphrase(PASSPHRASE, NEW)
    assert str(data_dir / "warmline.db") in str(refused.value)


def test_a_roster_rolled_back_under_a_renewal_is_refused(vault: Vault, session: Session) -> None:
    """The new ``keys`` entry is appended only to a roster that reaches the pin this person
    holds: one with its newest entries taken away (an older copy put back) is refused."""
    session.team.add_account("Sam", "sam's own passphrase", Role.VOLUNTEER)
    newest = max(r["seq"] for r in vault.db.query("select seq from roster"))
    vault.db.execute("delete from roster where seq = ?", [newest])
    before = row_of(vault.db, session.account.uuid)
    params = crypto.cheap_test_params()
    with pytest.raises(rostermod.RosterTampered):
        renew(session._ctx, crypto.derive_kek(NEW, params), params.to_json(),
              recovery=Recovery.KEEP, new_pairs=True)  # fmt: skip
    assert row_of(vault.db, session.account.uuid) == before


def test_someone_carried_over_from_before_the_roster_can_change_their_passphrase(
    tmp_path: Path,
) -> None:
    """Their first keys entry was vouched for by the first team key (gen 1), which the roster
    check needs to accept the new entry on top of it."""
    line = write_old_line(tmp_path / "old")
    vault = Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"]).lock()  # founds the roster
        sam = vault.unlock(line.uuids["Sam"], PASSPHRASES["Sam"])
        sam.team.change_my_passphrase(PASSPHRASES["Sam"], NEW)
        box = sam._ctx.keys.box.public
        sam.lock()
        again = vault.unlock(line.uuids["Sam"], NEW)
        assert [d.feeling for d in again.debriefs.select()] == ["Sam's own"]
        alex = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        assert roster_now(vault, alex).members[line.uuids["Sam"]].box == box
    finally:
        vault.close()


def test_a_forged_carry_over_entry_slipped_in_while_unlocked_stops_a_renewal(
    tmp_path: Path,
) -> None:
    """A carried-over member's first ``keys`` entry needs a proof made with the first team
    key. One forged by somebody with the file but without that key, written while Sam is
    unlocked, is refused when Sam's renewal checks the roster before adding to it."""
    line = write_old_line(tmp_path / "old")
    vault = Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"]).lock()  # founds the roster
        sam = vault.unlock(line.uuids["Sam"], PASSPHRASES["Sam"])
        state = roster_now(vault, sam)
        kit = line.uuids["Kit"]
        assert state.members[kit].sign is None  # Kit has not unlocked since the update
        forge_carry_over_entry(vault.db, state, kit)
        before = row_of(vault.db, line.uuids["Sam"])
        with pytest.raises(rostermod.RosterTampered):
            sam.team.change_my_passphrase(PASSPHRASES["Sam"], NEW)
        assert row_of(vault.db, line.uuids["Sam"]) == before
    finally:
        vault.close()
