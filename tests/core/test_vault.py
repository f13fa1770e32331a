"""Creating, opening and unlocking a vault; accounts and team management."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.conftest import PASSPHRASE
from warmline import crypto
from warmline.accounts import Role
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.errors import (
    AccountDisabled,
    InvalidInput,
    Locked,
    NotAllowed,
    UnknownAccount,
    VaultExists,
    VaultInUse,
    VaultMissing,
    WeakKdfParameters,
    WrongPassphrase,
)
from warmline.session import Session
from warmline.vault import Vault

CHEAP = crypto.cheap_test_params


def reopen(vault: Vault) -> Vault:
    data_dir = vault.data_dir
    vault.close()
    return Vault.open(data_dir, kdf_factory=CHEAP)


def test_create_lists_the_first_coordinator(vault: Vault, session: Session) -> None:
    accounts = vault.accounts()
    assert [(a.display_name, a.role) for a in accounts] == [("Alex", Role.COORDINATOR)]
    assert vault.line_name == "Test Line"
    assert session.account.uuid == accounts[0].uuid


def test_folder_and_files_are_private(vault: Vault) -> None:
    assert stat.S_IMODE(os.stat(vault.data_dir).st_mode) == 0o700
    for path in vault.data_dir.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name


def test_unlock_after_reopen(vault: Vault) -> None:
    account = vault.accounts()[0]
    vault = reopen(vault)
    session = vault.unlock(account.uuid, PASSPHRASE)
    assert session.account.display_name == "Alex"
    vault.close()


def test_wrong_passphrase(vault: Vault) -> None:
    with pytest.raises(WrongPassphrase) as info:
        vault.unlock(vault.accounts()[0].uuid, "not it at all")
    assert "not the passphrase" in str(info.value)


def test_unknown_account(vault: Vault) -> None:
    with pytest.raises(UnknownAccount):
        vault.unlock("no-such-uuid", PASSPHRASE)


def test_disabled_account_is_refused_with_who_to_ask(vault: Vault, session: Session) -> None:
    sam = session.team.add_account("Sam", "sams passphrase", Role.VOLUNTEER)
    session.team.set_disabled(sam.uuid, True)
    with pytest.raises(AccountDisabled) as info:
        vault.unlock(sam.uuid, "sams passphrase")
    assert "coordinator" in str(info.value)
    # Switching back on needs a new passphrase: the old keys are gone.
    with pytest.raises(InvalidInput):
        session.team.set_disabled(sam.uuid, False)
    session.team.reset_passphrase(sam.uuid, "sams new passphrase", switch_on=True)
    assert vault.unlock(sam.uuid, "sams new passphrase").account.uuid == sam.uuid


def test_a_switched_off_account_cannot_be_opened_even_around_the_app(
    vault: Vault, session: Session
) -> None:
    """Switching off removes the wrapped keys: the old passphrase unwraps nothing, and
    flipping the clear 'disabled' flag back by hand does not help."""
    from warmline.accounts import kek_for, load_row, open_user_key
    from warmline.errors import WarmlineError

    sam = session.team.add_account("Sam", "sams passphrase", Role.VOLUNTEER)
    sam_session = vault.unlock(sam.uuid, "sams passphrase")
    sam_session.debriefs.add(Debrief(feeling="mine"))
    session.team.set_disabled(sam.uuid, True)
    row = load_row(vault.db, sam.uuid)
    assert row is not None and row["user_key"] == b"" and row["team_key"] == b""
    with pytest.raises(WarmlineError):
        open_user_key(row, kek_for("sams passphrase", row["kdf"]))
    vault.db.execute("update accounts set disabled = 0 where uuid = ?", [sam.uuid])
    with pytest.raises(WarmlineError):
        vault.unlock(sam.uuid, "sams passphrase")
    left = next(vault.db.query("select count(*) as n from debriefs"))
    assert left["n"] == 0


def test_create_twice_is_refused(data_dir: Path) -> None:
    vault, _ = Vault.create(data_dir, "Line", "Alex", PASSPHRASE, kdf_factory=CHEAP)
    vault.close()
    with pytest.raises(VaultExists):
        Vault.create(data_dir, "Line", "Alex", PASSPHRASE, kdf_factory=CHEAP)


def test_open_missing(tmp_path: Path) -> None:
    with pytest.raises(VaultMissing):
        Vault.open(tmp_path / "nothing")


def test_short_passphrase_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        Vault.create(tmp_path / "x", "Line", "Alex", "short", kdf_factory=CHEAP)


def test_a_second_process_cannot_open_the_same_folder(vault: Vault) -> None:
    code = (
        "import sys; from warmline.vault import Vault; from warmline.errors import VaultInUse\n"
        "try:\n    Vault.open(sys.argv[1])\nexcept VaultInUse as e:\n    print(e); sys.exit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(vault.data_dir)], capture_output=True, text=True
    )
    assert result.returncode == 3, result.stderr
    assert "already open" in result.stdout


def test_same_process_second_open_is_refused_too(vault: Vault) -> None:
    with pytest.raises(VaultInUse):
        Vault.open(vault.data_dir, kdf_factory=CHEAP)


def test_lock_drops_keys_and_refuses_work(session: Session) -> None:
    keys = session._ctx.keys
    held = [keys.user, keys.personal, *keys.ring.generations().values()]
    pairs = [keys.box, keys.signer]
    assert all(any(k._material) for k in held) and all(any(p._private) for p in pairs)
    session.lock()
    assert session.locked
    # The outcome, not the flag: every key byte the session held is zero now.
    assert all(bytes(k._material) == bytes(32) for k in held)
    assert all(bytes(p._private) == bytes(32) for p in pairs)
    assert len(keys.ring) == 0
    with pytest.raises(Locked):
        session.calls.count()
    session.lock()  # twice is fine


def test_weakened_kdf_params_in_file_are_refused(vault: Vault) -> None:
    account = vault.accounts()[0]
    weak = crypto.KdfParams(b"s" * 16, 1024, 1, 1).to_json()
    vault.db.execute("update accounts set kdf = ? where uuid = ?", [weak, account.uuid])
    vault.db.conn.commit()
    with pytest.raises(WeakKdfParameters):
        vault.unlock(account.uuid, PASSPHRASE)


# --- team management ------------------------------------------------------------------------


def test_coordinator_adds_and_changes_roles(vault: Vault, session: Session) -> None:
    sam = session.team.add_account("Sam", "sams passphrase", Role.VOLUNTEER)
    assert sam.role is Role.VOLUNTEER
    assert session.team.set_role(sam.uuid, Role.SHIFT_LEAD).role is Role.SHIFT_LEAD
    with pytest.raises(InvalidInput):
        session.team.add_account("sam", "another passphrase", Role.VOLUNTEER)


def test_volunteer_cannot_manage_the_team(volunteer: Session) -> None:
    with pytest.raises(NotAllowed):
        volunteer.team.add_account("Kit", "kits passphrase", Role.VOLUNTEER)
    with pytest.raises(NotAllowed):
        volunteer.team.set_role(volunteer.account.uuid, Role.COORDINATOR)


def test_last_coordinator_cannot_be_removed(session: Session) -> None:
    me = session.account.uuid
    with pytest.raises(InvalidInput):
        session.team.set_role(me, Role.VOLUNTEER)
    with pytest.raises(InvalidInput):
        session.team.set_disabled(me, True)


def test_new_volunteer_reads_team_records(session: Session, volunteer: Session) -> None:
    from warmline.calls import Call

    call = session.calls.add(Call(connection="we laughed about the weather"))
    assert volunteer.calls.get(call.uuid).connection == "we laughed about the weather"


def test_change_own_passphrase(vault: Vault, session: Session) -> None:
    with pytest.raises(WrongPassphrase):
        session.team.change_my_passphrase("wrong one", "a brand new passphrase")
    session.team.change_my_passphrase(PASSPHRASE, "a brand new passphrase")
    me = session.account.uuid
    with pytest.raises(WrongPassphrase):
        vault.unlock(me, PASSPHRASE)
    assert vault.unlock(me, "a brand new passphrase").account.uuid == me


def test_reset_passphrase_reports_and_loses_private_records(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    volunteer.debriefs.add(Debrief(feeling="tired but okay"))
    volunteer.debriefs.add(Debrief(feeling="glad"))
    volunteer.drafts.save(Draft(kind="call", fields={"connection": "half a note"}))
    uuid = volunteer.account.uuid
    assert session.team.personal_record_count(uuid) == 3
    assert session.team.personal_records(uuid) == (2, 1)
    lost = session.team.reset_passphrase(uuid, "a fresh start passphrase")
    assert lost == 3
    with pytest.raises(WrongPassphrase):
        vault.unlock(uuid, "sam's own passphrase")
    again = vault.unlock(uuid, "a fresh start passphrase")
    assert again.debriefs.mine() == []
    assert again.calls.count() == 0  # still holds the team key
    with pytest.raises(InvalidInput):
        session.team.reset_passphrase(session.account.uuid, "whatever passphrase")


def test_recovery_code_is_one_time(vault: Vault, session: Session) -> None:
    code = session.team.create_recovery_code(PASSPHRASE)
    me = session.account.uuid
    assert vault.account(me).has_recovery_code
    with pytest.raises(WrongPassphrase):
        vault.unlock_with_recovery_code(me, crypto.new_recovery_code(), "new passphrase here")
    recovered = vault.unlock_with_recovery_code(me, code.lower(), "new passphrase here")
    assert recovered.account.uuid == me
    assert vault.unlock(me, "new passphrase here").account.uuid == me
    assert not vault.account(me).has_recovery_code
    with pytest.raises(WrongPassphrase):
        vault.unlock_with_recovery_code(me, code, "another passphrase")


def test_debriefs_stay_private_even_from_a_coordinator(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    from warmline.crypto import SealContext, open_json
    from warmline.errors import NotFound, Tampered

    mine = volunteer.debriefs.add(Debrief(answers={"learn": "I wanted to fix it"}))
    assert volunteer.debriefs.get(mine.uuid).answers == {"learn": "I wanted to fix it"}
    # Through the repository: the coordinator does not even see the row.
    assert session.debriefs.mine() == []
    with pytest.raises(NotFound):
        session.debriefs.get(mine.uuid)
    # Directly: reading the row and trying every key the coordinator holds fails.
    row = next(vault.db.query("select * from debriefs where uuid = ?", [mine.uuid]))
    keys = session._ctx.keys
    for key in (keys.team, keys.personal, keys.user):
        for owner in (volunteer.account.uuid, session.account.uuid, ""):
            ctx = SealContext("debriefs", mine.uuid, "record", owner, row["revision"])
            with pytest.raises(Tampered):
                open_json(key, row["body"], ctx)
    # Moving the row into the coordinator's name does not help either.
    vault.db.execute(
        "update debriefs set owner_uuid = ? where uuid = ?", [session.account.uuid, mine.uuid]
    )
    assert session.debriefs.get(mine.uuid).damaged


def test_reset_also_removes_the_sealed_history_of_private_records(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    note = volunteer.debriefs.add(Debrief(feeling="first"))
    note.feeling = "second"
    volunteer.debriefs.update(note)
    session.team.reset_passphrase(volunteer.account.uuid, "a fresh start passphrase")
    left = next(vault.db.query("select count(*) as n from revisions where table_name = 'debriefs'"))
    assert left["n"] == 0


def test_only_a_coordinator_may_count_someone_elses_private_records(
    session: Session, volunteer: Session
) -> None:
    assert volunteer.team.personal_record_count(volunteer.account.uuid) == 0
    with pytest.raises(NotAllowed):
        volunteer.team.personal_record_count(session.account.uuid)


def test_absurd_kdf_settings_are_refused_not_run(vault: Vault) -> None:
    account = vault.accounts()[0]
    for m, t, p in ((10**9, 3, 4), (65536, 10**6, 4), (65536, 3, 100000)):
        huge = crypto.KdfParams(b"s" * 16, m, t, p).to_json()
        vault.db.execute("update accounts set kdf = ? where uuid = ?", [huge, account.uuid])
        with pytest.raises(WeakKdfParameters):
            vault.unlock(account.uuid, PASSPHRASE)


def test_a_failed_recovery_leaves_nothing_unlocked(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warmline.errors import StorageFull
    from warmline.team import TeamAdmin

    code = session.team.create_recovery_code(PASSPHRASE)
    me = session.account.uuid

    def full(self: TeamAdmin, new: str) -> None:
        raise StorageFull()

    monkeypatch.setattr(TeamAdmin, "change_my_passphrase_after_recovery", full)
    with pytest.raises(StorageFull):
        vault.unlock_with_recovery_code(me, code, "new passphrase here")
    assert all(s.locked for s in vault._sessions if s is not session)
    monkeypatch.undo()
    assert vault.unlock_with_recovery_code(me, code, "new passphrase here").account.uuid == me


@pytest.mark.parametrize(
    ("stored", "minutes"),
    [(float("inf"), 5), (float("-inf"), 5), (float("nan"), 5), (1e308, 60), (0, 1), (-4, 1),
     ("12", 12), ("soon", 5), (None, 5), (True, 5), (7.4, 7)],
)
def test_idle_lock_minutes_are_clamped_where_applied(stored: object, minutes: int) -> None:
    from warmline.team_settings import idle_lock_minutes

    assert idle_lock_minutes(stored) == minutes
