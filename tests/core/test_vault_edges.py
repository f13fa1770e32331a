"""The vault's edges, checked by what they leave behind: what a refused or failed creation
leaves on disk, which files count as a line, how fast a second copy is turned away, what a
person reads when the folder or file is wrong, what goes on the record of activity around an
unlock, and what an unlocked session is tied to (its file, its device, its format floor)."""

from __future__ import annotations

import secrets
import sqlite3
import time
from pathlib import Path

import pytest

from tests.core.conftest import PASSPHRASE
from tests.core.test_key_migration import PASSPHRASES as OLD
from tests.core.test_key_migration import OldLine, forge_carry_over_entry, write_old_line
from warmline import crypto
from warmline import vault as vault_mod
from warmline.accounts import Role, private_half_ctx
from warmline.audit import Kind
from warmline.calls import Call
from warmline.crypto import KdfParams, Key, KeyPair, seal_key_pair
from warmline.errors import (
    AccountDisabled,
    InvalidInput,
    VaultCorrupt,
    VaultExists,
    VaultInUse,
    VaultMissing,
    WrongPassphrase,
)
from warmline.keyring import seal_generation_to
from warmline.paths import VAULT_FILENAME
from warmline.records import bound_clear
from warmline.roster import NeedsReset, RosterTampered, verify_roster
from warmline.session import Session
from warmline.vault import Vault

CHEAP = crypto.cheap_test_params
SAM = "sam's own passphrase"


def zeroed(key: Key) -> bool:
    """Whether every byte the key held is zero (read past the guard a wipe sets)."""
    return len(key._material) == 32 and not any(key._material)


# --- making a line -------------------------------------------------------------------------------


@pytest.mark.parametrize("whose", ["line", "coordinator"])
def test_a_passphrase_made_of_the_lines_or_coordinators_name_is_refused_before_any_folder(
    tmp_path: Path, whose: str
) -> None:
    names = "Maplecourt Harbourlight"
    line, coordinator = (names, "Alex") if whose == "line" else ("Test Line", names)
    data_dir = tmp_path / "line"
    with pytest.raises(InvalidInput):
        Vault.create(data_dir, line, coordinator, names.lower(), kdf_factory=CHEAP)
    assert not data_dir.exists()


def test_a_second_create_names_the_data_it_left_alone(vault: Vault) -> None:
    data_dir = vault.data_dir
    vault.close()
    before = (data_dir / VAULT_FILENAME).read_bytes()
    with pytest.raises(VaultExists) as refused:
        Vault.create(data_dir, "Line", "Alex", PASSPHRASE, kdf_factory=CHEAP)
    assert str(data_dir) in str(refused.value)
    assert (data_dir / VAULT_FILENAME).read_bytes() == before


def test_opening_a_folder_without_a_line_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(VaultMissing) as missing:
        Vault.open(tmp_path / "nothing here", kdf_factory=CHEAP)
    assert str(tmp_path / "nothing here") in str(missing.value)


def test_an_empty_file_is_no_line_but_a_single_byte_is_someones_and_stays(tmp_path: Path) -> None:
    empty, one = tmp_path / "empty", tmp_path / "one"
    for folder, content in ((empty, b""), (one, b"x")):
        folder.mkdir()
        (folder / VAULT_FILENAME).write_bytes(content)
    assert not Vault.exists(empty)
    vault, _session = Vault.create(empty, "Line", "Alex", PASSPHRASE, kdf_factory=CHEAP)
    vault.close()
    assert Vault.exists(empty)
    assert Vault.exists(one)
    with pytest.raises(VaultExists):
        Vault.create(one, "Line", "Alex", PASSPHRASE, kdf_factory=CHEAP)
    assert (one / VAULT_FILENAME).read_bytes() == b"x"


def test_a_create_that_fails_before_writing_leaves_no_file_and_a_free_folder(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "line"

    def broken() -> KdfParams:
        raise MemoryError

    with pytest.raises(MemoryError):
        Vault.create(data_dir, "Line", "Alex", PASSPHRASE, kdf_factory=broken)
    assert not (data_dir / VAULT_FILENAME).exists()
    vault, session = Vault.create(data_dir, "Line", "Alex", PASSPHRASE, kdf_factory=CHEAP)
    assert session.account.display_name == "Alex"
    vault.close()


def test_a_create_that_meets_a_damaged_disk_says_which_file_and_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "line"

    def damaged(*args: object, **kwargs: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(vault_mod.rostermod, "found", damaged)
    with pytest.raises(VaultCorrupt) as refused:
        Vault.create(data_dir, "Line", "Alex", PASSPHRASE, kdf_factory=CHEAP)
    monkeypatch.undo()
    assert str(data_dir / VAULT_FILENAME) in str(refused.value)
    assert not (data_dir / VAULT_FILENAME).exists()
    vault, _session = Vault.create(data_dir, "Line", "Alex", PASSPHRASE, kdf_factory=CHEAP)
    vault.close()


def test_a_new_line_refuses_a_body_in_an_older_record_format(
    vault: Vault, session: Session
) -> None:
    """A new line never held an older format, so its signed floor is the current one: a
    format-2 body (sealed with the right team key, as an old copy would hold it) is
    refused, both by the session made with the line and by a later unlock."""
    call = session.calls.add(Call(connection="in today's format"))
    row = dict(next(vault.db.query("select * from calls where uuid = ?", [call.uuid])))
    team = session._ctx.keys.ring.generations()[1]
    blob = bytes(row["body"])
    plain = crypto.open_at(team, blob, "calls", call.uuid, "record", "", row["revision"],
                           clear=bound_clear("calls", row, 3))  # fmt: skip
    nonce = secrets.token_bytes(crypto.NONCE_LEN)
    aad = crypto.aad_for("calls", call.uuid, "record", team.key_id, "", row["revision"],
                         bound_clear("calls", row, 2), 2)  # fmt: skip
    older = crypto._HEADER.pack(crypto.MAGIC, 2, team.key_id, nonce) + team.aead.encrypt(
        nonce, plain, aad
    )
    vault.db.execute("update calls set body = ? where uuid = ?", [older, call.uuid])
    assert session.calls.get(call.uuid).damaged
    again = vault.unlock(session.account.uuid, PASSPHRASE)
    assert again.calls.get(call.uuid).damaged


# --- the folder lock -----------------------------------------------------------------------------


def test_a_second_copy_is_refused_at_once_not_after_a_wait(vault: Vault) -> None:
    started = time.monotonic()
    with pytest.raises(VaultInUse):
        Vault.open(vault.data_dir, kdf_factory=CHEAP)
    assert time.monotonic() - started < 0.5


# --- what the vault gives before and after unlocking ---------------------------------------------


def test_the_list_of_people_includes_those_switched_off_unless_asked_not_to(
    vault: Vault, session: Session
) -> None:
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    session.team.set_disabled(sam.uuid, True)
    assert {a.display_name for a in vault.accounts()} == {"Alex", "Sam"}
    assert {a.display_name for a in vault.accounts(include_disabled=False)} == {"Alex"}


def test_new_passphrases_after_opening_use_the_settings_it_was_opened_with(
    vault: Vault,
) -> None:
    data_dir, me = vault.data_dir, vault.accounts()[0].uuid
    vault.close()
    made: list[KdfParams] = []

    def factory() -> KdfParams:
        made.append(CHEAP())
        return made[-1]

    opened = Vault.open(data_dir, kdf_factory=factory)
    try:
        session = opened.unlock(me, PASSPHRASE)
        session.team.change_my_passphrase(PASSPHRASE, "a different passphrase entirely")
        row = next(opened.db.query("select kdf from accounts where uuid = ?", [me]))
        assert made and KdfParams.from_json(row["kdf"]) == made[-1]
    finally:
        opened.close()


def test_a_damaged_account_row_at_unlock_names_the_file(vault: Vault, session: Session) -> None:
    me = session.account.uuid
    # A table gone from the file (a text that is not UTF-8 no longer fails the read: it is
    # read leniently and refused for what it is, see test_column_types).
    vault.db.execute("alter table accounts rename to accounts_gone")
    with pytest.raises(VaultCorrupt) as damaged:
        vault.unlock(me, PASSPHRASE)
    assert str(vault.path) in str(damaged.value)


def test_a_session_is_tied_to_its_file_and_can_open_others_in_it(
    vault: Vault, session: Session
) -> None:
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    assert session.vault_path == vault.path
    other = session.unlock_other(sam.uuid, SAM)
    assert other.account.uuid == sam.uuid and not other.locked


def test_revisions_carry_this_folders_device_id(vault: Vault, session: Session) -> None:
    device = next(vault.db.query("select value from meta where key = 'device_id'"))["value"]
    call = session.calls.add(Call(connection="first"))
    row = next(vault.db.query("select rev_id from calls where uuid = ?", [call.uuid]))
    assert row["rev_id"].split(".")[1] == device


def test_closing_the_vault_locks_every_session_still_open(vault: Vault, session: Session) -> None:
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    first = vault.unlock(sam.uuid, SAM)
    second = vault.unlock(session.account.uuid, PASSPHRASE)
    vault.close()
    assert session.locked and first.locked and second.locked


def test_an_unlock_the_roster_refuses_wipes_the_keys_it_opened(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = session.account.uuid
    opened: list[Key] = []
    real_user, real_personal = vault_mod.open_user_key, vault_mod.open_personal_key

    def spy_user(*args: object) -> Key:
        opened.append(real_user(*args))  # type: ignore[arg-type]
        return opened[-1]

    def spy_personal(*args: object) -> Key:
        opened.append(real_personal(*args))  # type: ignore[arg-type]
        return opened[-1]

    monkeypatch.setattr(vault_mod, "open_user_key", spy_user)
    monkeypatch.setattr(vault_mod, "open_personal_key", spy_personal)
    vault.db.execute("delete from team_keys where account_uuid = ?", [me])
    with pytest.raises(Exception):  # noqa: B017 - which refusal is the roster's business
        vault.unlock(me, PASSPHRASE)
    assert len(opened) == 2 and all(zeroed(key) for key in opened)


# --- the record of activity around an unlock -----------------------------------------------------


def test_wrong_passphrases_are_counted_for_whom_they_were_tried_and_the_unlock_recorded(
    vault: Vault, session: Session
) -> None:
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            vault.unlock(sam.uuid, "not sam's passphrase")
    again = vault.unlock(session.account.uuid, PASSPHRASE)
    newest, failed = again.audit.entries(limit=2)
    assert (newest.kind, newest.who) == (Kind.UNLOCK, session.account.uuid)
    assert (failed.kind, failed.who, failed.count) == (Kind.UNLOCK_FAILED, sam.uuid, 2)


def test_wrong_recovery_codes_are_counted_for_whom_and_a_recovery_recorded_as_one(
    vault: Vault, session: Session
) -> None:
    me = session.account.uuid
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER)
    vault.unlock(sam.uuid, SAM).team.create_recovery_code(SAM)
    code = session.team.create_recovery_code(PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        vault.unlock_with_recovery_code(sam.uuid, crypto.new_recovery_code(), "a new one here")
    recovered = vault.unlock_with_recovery_code(me, code, "a new passphrase here")
    newest, failed = recovered.audit.entries(limit=2)
    assert (newest.kind, newest.who) == (Kind.UNLOCK_WITH_CODE, me)
    assert (failed.kind, failed.who, failed.count) == (Kind.UNLOCK_FAILED, sam.uuid, 1)


# --- a file from before the roster (see test_key_migration.py) ----------------------------------


def _old_vault(tmp_path: Path) -> tuple[Vault, OldLine]:
    line = write_old_line(tmp_path / "old", calls=2)
    return Vault.open(line.data_dir, kdf_factory=CHEAP), line


def test_a_carried_over_unlock_the_roster_refuses_wipes_the_key_pairs_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, line = _old_vault(tmp_path)
    try:
        vault.unlock(line.uuids["Alex"], OLD["Alex"]).lock()  # founds the roster
        first = next(vault.db.query("select signature from roster order by seq"))["signature"]
        vault.db.execute(
            "update roster set signature = ? where seq = 1", [bytes([first[0] ^ 1]) + first[1:]]
        )
        made: list[KeyPair] = []
        real_pair = KeyPair.generate

        def spy_pair(kind: str) -> KeyPair:
            made.append(real_pair(kind))
            return made[-1]

        monkeypatch.setattr(KeyPair, "generate", staticmethod(spy_pair))
        with pytest.raises(RosterTampered):
            vault.unlock(line.uuids["Sam"], OLD["Sam"])
        monkeypatch.undo()
        assert len(made) == 2 and all(not any(pair._private) for pair in made)
    finally:
        vault.close()


@pytest.mark.parametrize("step", ["carry-over", "founding", "pinning", "announcing"])
def test_a_damaged_disk_while_carrying_over_or_founding_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """Each write of a first unlock after the update: the key pairs carried over, the roster
    founded and its first entry pinned (first coordinator), a carried-over member's keys
    announced on it (the rest)."""
    vault, line = _old_vault(tmp_path)
    who = "Alex"

    def damaged(*args: object, **kwargs: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    if step == "carry-over":
        monkeypatch.setattr(vault_mod, "seal_generation_to", damaged)
    elif step in ("founding", "pinning"):
        monkeypatch.setattr(vault_mod.rostermod, "found" if step == "founding" else "store_pin",
                            damaged)  # fmt: skip
    else:
        vault.unlock(line.uuids["Alex"], OLD["Alex"]).lock()  # founds the roster
        monkeypatch.setattr(vault_mod.rostermod, "append", damaged)
        who = "Sam"
    try:
        with pytest.raises(VaultCorrupt) as refused:
            vault.unlock(line.uuids[who], OLD[who])
        assert str(vault.path) in str(refused.value)
    finally:
        monkeypatch.undo()
        vault.close()


def test_founding_reads_a_hand_edited_role_as_volunteer_and_keeps_switched_off_people_off(
    tmp_path: Path,
) -> None:
    vault, line = _old_vault(tmp_path)
    sam, kit = line.uuids["Sam"], line.uuids["Kit"]
    try:
        vault.db.execute("update accounts set role = 'superuser' where uuid = ?", [sam])
        vault.db.execute("update accounts set disabled = 1 where uuid = ?", [kit])
        vault.unlock(line.uuids["Alex"], OLD["Alex"]).lock()  # founds the roster
        assert vault.unlock(sam, OLD["Sam"]).account.role is Role.VOLUNTEER
        # Switched off in the file before the roster: the signed roster keeps it so, even
        # when the column is put back by hand.
        vault.db.execute("update accounts set disabled = 0 where uuid = ?", [kit])
        with pytest.raises(AccountDisabled):
            vault.unlock(kit, OLD["Kit"])
    finally:
        vault.close()


def test_a_new_team_key_is_sealed_to_no_one_whose_keys_the_roster_has_not_seen(
    tmp_path: Path,
) -> None:
    vault, line = _old_vault(tmp_path)
    try:
        alex = vault.unlock(line.uuids["Alex"], OLD["Alex"])  # founds the roster
        generation = alex.team.replace_team_key()
        rows = vault.db.query("select account_uuid from team_keys where generation = ?",
                              [generation])  # fmt: skip
        assert {r["account_uuid"] for r in rows} == {line.uuids["Alex"]}
    finally:
        vault.close()


def test_a_volunteer_before_the_roster_brings_notes_up_to_date_without_locking_anyone_out(
    tmp_path: Path,
) -> None:
    """Before the roster exists a volunteer holds generation 1 only, as generation 1: the
    re-seal they run must not take it for a replaced generation and clear everyone's."""
    vault, line = _old_vault(tmp_path)
    try:
        sam = vault.unlock(line.uuids["Sam"], OLD["Sam"])
        assert sam.reseal().run().finished
        sam.lock()
        alex = vault.unlock(line.uuids["Alex"], OLD["Alex"])  # founds the roster
        assert {c.connection for c in alex.calls.select()} == set(line.calls.values())
        kit = vault.unlock(line.uuids["Kit"], OLD["Kit"])
        assert {c.connection for c in kit.calls.select()} == set(line.calls.values())
    finally:
        vault.close()


def test_a_forged_carry_over_entry_is_refused_at_the_next_unlock(tmp_path: Path) -> None:
    """A carried-over member's first ``keys`` entry needs a proof made with the first team
    key; one forged by somebody with the file but without that key stops every unlock."""
    vault, line = _old_vault(tmp_path)
    kit = line.uuids["Kit"]
    try:
        vault.unlock(line.uuids["Alex"], OLD["Alex"]).lock()  # founds the roster
        state = verify_roster(vault.db, vault.line_uuid, None)
        assert state is not None and state.members[kit].sign is None
        forge_carry_over_entry(vault.db, state, kit)
        for name in ("Alex", "Sam"):
            with pytest.raises(RosterTampered):
                vault.unlock(line.uuids[name], OLD[name])
    finally:
        vault.close()


def test_someone_never_seen_since_a_key_replacement_hears_they_need_a_reset(
    tmp_path: Path,
) -> None:
    """Kit still holds the old team key (the re-seal has not finished), but the roster moved
    to a new generation before Kit's keys were announced: a reset, not a tampered list."""
    vault, line = _old_vault(tmp_path)
    try:
        alex = vault.unlock(line.uuids["Alex"], OLD["Alex"])  # founds the roster
        alex.team.replace_team_key()
        with pytest.raises(NeedsReset):
            vault.unlock(line.uuids["Kit"], OLD["Kit"])
    finally:
        vault.close()


def test_a_second_unlock_before_the_roster_exists_writes_no_new_keys(tmp_path: Path) -> None:
    """The carry-over gives a volunteer key pairs once; later unlocks before a coordinator
    founds the roster read them and leave the account as it is."""
    vault, line = _old_vault(tmp_path)
    sam = line.uuids["Sam"]
    try:
        vault.unlock(sam, OLD["Sam"]).lock()
        before = dict(next(vault.db.query("select * from accounts where uuid = ?", [sam])))
        vault.unlock(sam, OLD["Sam"]).lock()
        after = dict(next(vault.db.query("select * from accounts where uuid = ?", [sam])))
        assert after == before
    finally:
        vault.close()


def test_an_unlock_with_nothing_new_on_the_roster_leaves_the_account_as_it_was(
    vault: Vault, session: Session
) -> None:
    me = session.account.uuid
    session.lock()
    vault.unlock(me, PASSPHRASE).lock()
    before = dict(next(vault.db.query("select * from accounts where uuid = ?", [me])))
    vault.unlock(me, PASSPHRASE).lock()
    assert dict(next(vault.db.query("select * from accounts where uuid = ?", [me]))) == before


def test_an_encryption_key_pair_the_roster_does_not_list_is_refused(
    vault: Vault, session: Session
) -> None:
    """Whoever held someone's user key (the enrolling coordinator, before the first unlock
    renews it) could seal a key pair of their own choosing into the row and re-wrap the team
    key to it. The signing key still matches the roster, the encryption key does not."""
    me, line = session.account.uuid, vault.line_uuid
    keys = session._ctx.keys
    chosen = KeyPair.generate("box")
    vault.db.execute(
        "update accounts set box_public = ?, box_private = ? where uuid = ?",
        [chosen.public, seal_key_pair(keys.user, chosen, private_half_ctx(me, "box")), me],
    )
    for generation, key in keys.ring.generations().items():
        vault.db.execute(
            "update team_keys set wrap = ? where account_uuid = ? and generation = ?",
            [seal_generation_to(line, me, chosen.public, generation, key), me, generation],
        )
    session.lock()
    with pytest.raises(RosterTampered):
        vault.unlock(me, PASSPHRASE)
