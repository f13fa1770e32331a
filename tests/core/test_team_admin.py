"""What a coordinator's team actions leave in the file, and what they refuse.

Each test checks an outcome someone could see with the file and the cryptography library:
which passphrase opens which row, whose key wraps are there, what the signed roster says,
what the record of activity says, and that a refused action changed nothing. States the app
never makes by itself (a row added, edited or put back by hand, a roster cut short, an
account carried over from before the roster) are built by hand in the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.conftest import PASSPHRASE
from tests.core.test_key_migration import PASSPHRASES, open_vault, write_old_line
from tests.core.test_keys import SAM, copy_folder, row_of, team_keys_by_hand, wrap_of
from warmline import crypto
from warmline import roster as rostermod
from warmline.accounts import Role, enrol, kek_for, open_key_pairs, open_user_key
from warmline.audit import Kind
from warmline.calls import Call
from warmline.crypto import KeyPair
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.errors import (
    InvalidInput,
    NotAllowed,
    Tampered,
    VaultCorrupt,
    WrongPassphrase,
)
from warmline.keyring import wrap_context
from warmline.session import Session
from warmline.vault import Vault

NEW = "lantern orbit meadow quietly"
KIT = "kit keeps a lantern lit"


def signed(vault: Vault) -> rostermod.RosterState:
    """The roster as the file holds it, checked from its first entry (no pin needed)."""
    state = rostermod.verify_roster(vault.db, vault.line_uuid, None)
    assert state is not None
    return state


def roster_length(vault: Vault) -> int:
    return int(next(vault.db.query("select count(*) as n from roster"))["n"])


def wrapped_generations(vault: Vault, account_uuid: str) -> set[int]:
    rows = vault.db.query("select generation from team_keys where account_uuid = ?", [account_uuid])
    return {r["generation"] for r in rows}


def add_by_hand(vault: Vault, name: str, role: Role = Role.VOLUNTEER) -> str:
    """An account row written into the file around the app (never on the signed roster)."""
    made = enrol(name, role, NEW, crypto.cheap_test_params(), b"x" * 32)
    vault.db.table("accounts").insert(made.row)
    return str(made.row["uuid"])


def plant_earlier_version(vault: Vault, table: str, record_uuid: str) -> None:
    """An earlier sealed version, as versions before private records kept no history did."""
    vault.db.table("revisions").insert(
        {"table_name": table, "record_uuid": record_uuid, "revision": 1, "body": b"sealed"}
    )


def revisions_of(vault: Vault, table: str, record_uuid: str) -> int:
    rows = vault.db.query(
        "select count(*) as n from revisions where table_name = ? and record_uuid = ?",
        [table, record_uuid],
    )
    return int(next(rows)["n"])


def coordinator_kit(vault: Vault, session: Session) -> Session:
    kit = session.team.add_account("Kit", KIT, Role.COORDINATOR)
    return vault.unlock(kit.uuid, KIT)


# --- resetting someone's passphrase ------------------------------------------------------------


def test_a_reset_gives_new_keys_removes_private_records_and_wraps_every_generation(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    session.calls.add(Call(connection="under the first key"))
    session.team.replace_team_key()  # generation 2; the call above is not re-sealed yet
    reflection = volunteer.debriefs.add(Debrief(feeling="only mine"))
    draft = volunteer.drafts.save(Draft(kind="call", fields={"connection": "half a note"}))
    plant_earlier_version(vault, "debriefs", reflection.uuid)
    plant_earlier_version(vault, "drafts", draft.uuid)
    team_call = session.calls.add(Call(connection="team words"))
    session.calls.update(Call(**{**team_call.__dict__, "connection": "team words, edited"}))
    created = row_of(vault.db, sam)["created_at"]
    volunteer.lock()

    lost = session.team.reset_passphrase(sam, NEW)

    assert lost == 2
    row = row_of(vault.db, sam)
    with pytest.raises(WrongPassphrase):
        open_user_key(row, kek_for(SAM, row["kdf"]))
    user = open_user_key(row, kek_for(NEW, row["kdf"]))
    pairs = open_key_pairs(row, user)
    assert pairs is not None
    box, signer = pairs
    assert row["created_at"] == created  # the same person, the same account
    assert row["disabled"] == 0 and row["role"] == Role.VOLUNTEER.value
    # Their private records and every earlier version of them are gone; the team's stay.
    for table in ("debriefs", "drafts"):
        assert not list(vault.db.query(f"select 1 from {table} where owner_uuid = ?", [sam]))
    assert revisions_of(vault, "debriefs", reflection.uuid) == 0
    assert revisions_of(vault, "drafts", draft.uuid) == 0
    assert revisions_of(vault, "calls", team_call.uuid) == 1
    # Every generation the team still uses is wrapped to the new box key, and opens with it.
    assert wrapped_generations(vault, sam) == {1, 2, 3}
    for wrap in vault.db.query("select * from team_keys where account_uuid = ?", [sam]):
        context = wrap_context(vault.line_uuid, sam, wrap["generation"])
        crypto.open_key_from(box, wrap["wrap"], context)
    assert len(team_keys_by_hand(vault.db, sam, NEW)) == 3
    # The signed roster names the new keys, so Sam opens and reads the older call too.
    member = signed(vault).members[sam]
    assert (member.sign, member.box, member.disabled) == (signer.public, box.public, False)
    assert session.team.roster_problems() == []
    again = vault.unlock(sam, NEW)
    assert {c.connection for c in again.calls.select()} == {
        "under the first key",
        "team words, edited",
    }


def test_a_reset_is_refused_for_yourself_and_for_anyone_not_a_coordinator(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    alex, sam = session.account.uuid, volunteer.account.uuid
    before = roster_length(vault)
    with pytest.raises(InvalidInput, match=r"^To change your own passphrase"):
        session.team.reset_passphrase(alex, NEW)  # the last coordinator, too
    with pytest.raises(NotAllowed, match=r"^Only a coordinator"):
        volunteer.team.reset_passphrase(alex, NEW)
    with pytest.raises(InvalidInput):  # the line's own name is easy to guess
        session.team.reset_passphrase(sam, "Test Line 2024")
    assert roster_length(vault) == before
    assert vault.unlock(alex, PASSPHRASE).account.uuid == alex
    assert vault.unlock(sam, SAM).account.uuid == sam


def test_a_switched_off_coordinator_with_an_old_row_put_back_can_change_nothing(
    vault: Vault, session: Session, volunteer: Session, data_dir: Path, tmp_path: Path
) -> None:
    """Kit's session was open when Alex switched Kit off; putting Kit's old row back (so
    the session still finds its keys) gives Kit no coordinator powers."""
    kit = coordinator_kit(vault, session)
    old = copy_folder(data_dir, tmp_path / "kits-copy")
    session.team.set_disabled(kit.account.uuid, True)
    vault.db.table("accounts").upsert(row_of(old, kit.account.uuid), pk="uuid")
    before = roster_length(vault)
    with pytest.raises(NotAllowed, match=r"^Only a coordinator"):
        kit.team.reset_passphrase(volunteer.account.uuid, NEW)
    with pytest.raises(NotAllowed):
        kit.team.set_role(volunteer.account.uuid, Role.COORDINATOR)
    assert roster_length(vault) == before
    assert signed(vault).members[kit.account.uuid].disabled


def test_a_reset_writes_the_role_the_signed_roster_gives_not_the_rows(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    volunteer.lock()
    vault.db.execute("update accounts set role = 'coordinator' where uuid = ?", [sam])
    session.team.reset_passphrase(sam, NEW)
    assert row_of(vault.db, sam)["role"] == Role.VOLUNTEER.value
    assert session.team.roster_problems() == []
    again = vault.unlock(sam, NEW)
    assert again.account.role is Role.VOLUNTEER


def test_a_reset_leaves_a_switched_off_row_switched_off_until_switched_on(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    volunteer.lock()
    session.team.set_disabled(sam, True)
    session.team.reset_passphrase(sam, NEW)
    assert row_of(vault.db, sam)["disabled"] == 1
    assert wrapped_generations(vault, sam) == set()
    assert session.team.roster_problems() == []
    session.team.reset_passphrase(sam, "another fine long passphrase", switch_on=True)
    assert row_of(vault.db, sam)["disabled"] == 0
    assert session.team.roster_problems() == []
    assert vault.unlock(sam, "another fine long passphrase").account.uuid == sam


def test_a_reset_puts_an_account_missing_from_the_signed_roster_on_it(
    vault: Vault, session: Session
) -> None:
    robin = add_by_hand(vault, "Robin", Role.SHIFT_LEAD)
    assert [(p.account_uuid, p.kind) for p in session.team.roster_problems()] == [
        (robin, "mismatch")
    ]
    session.team.reset_passphrase(robin, "robin sings by the harbour wall")
    member = signed(vault).members[robin]
    row = row_of(vault.db, robin)
    assert (member.role, member.sign, member.box) == (
        Role.SHIFT_LEAD, row["sign_public"], row["box_public"],
    )  # fmt: skip
    assert session.team.roster_problems() == []
    added = [e for e in session.audit.entries() if e.record == robin]
    assert [e.kind for e in added] == [Kind.ACCOUNT_ADDED]
    again = vault.unlock(robin, "robin sings by the harbour wall")
    assert again.account.role is Role.SHIFT_LEAD
    session.calls.add(Call(connection="for Robin too"))
    assert [c.connection for c in again.calls.select()] == ["for Robin too"]


# --- switching off, roles ---------------------------------------------------------------------


def test_switching_off_takes_the_wraps_and_marks_the_roster_and_is_refused_for_yourself(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    alex, sam = session.account.uuid, volunteer.account.uuid
    volunteer.lock()
    with pytest.raises(InvalidInput, match=r"^You cannot switch off your own account"):
        session.team.set_disabled(alex, True)  # the only coordinator, too
    before = roster_length(vault)
    assert session.team.set_disabled(sam, False).disabled is False  # already on: nothing
    assert roster_length(vault) == before
    session.team.set_disabled(sam, True)
    assert wrapped_generations(vault, sam) == set()
    assert signed(vault).members[sam].disabled
    assert [a.disabled for a in session.team.accounts() if a.uuid == sam] == [True]
    with pytest.raises(InvalidInput, match=r"^To switch Sam back on"):
        session.team.set_disabled(sam, False)
    assert signed(vault).members[alex].disabled is False


def test_the_last_coordinator_cannot_be_demoted_but_may_stay_a_coordinator(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    alex = session.account.uuid
    before = roster_length(vault)
    with pytest.raises(InvalidInput, match=r"^The team needs at least one coordinator"):
        session.team.set_role(alex, Role.SHIFT_LEAD)
    assert roster_length(vault) == before
    assert session.team.set_role(alex, Role.COORDINATOR).role is Role.COORDINATOR
    assert signed(vault).members[alex].role is Role.COORDINATOR
    # With a second coordinator, the first may step back.
    session.team.set_role(volunteer.account.uuid, Role.COORDINATOR)
    session.team.set_role(alex, Role.VOLUNTEER)
    assert signed(vault).members[alex].role is Role.VOLUNTEER


# --- what the roster says, against the file -----------------------------------------------------


def test_a_healthy_team_has_no_roster_problems(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    kit = coordinator_kit(vault, session)
    session.team.set_role(volunteer.account.uuid, Role.SHIFT_LEAD)
    session.team.set_disabled(kit.account.uuid, True)
    assert session.team.roster_problems() == []


def test_roster_problems_name_each_hand_edit(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    kit = coordinator_kit(vault, session).account.uuid
    session.team.set_disabled(kit, True)
    vault.db.execute("update accounts set role = 'coordinator', disabled = 1 where uuid = ?", [sam])
    vault.db.execute("update accounts set disabled = 0 where uuid = ?", [kit])
    mallory, eve = add_by_hand(vault, "Mallory"), add_by_hand(vault, "Eve")

    found = {(p.account_uuid, p.what.split(",")[0]): p for p in session.team.roster_problems()}
    assert len(found) == 5
    role = found[(sam, "the file says 'coordinator'")]
    off = found[(sam, "the signed team list says switched on")]
    on = found[(kit, "the signed team list says switched off")]
    hand = [found[(who, "not on the signed team list")] for who in (mallory, eve)]
    assert [p.display_name for p in (role, off, on, *hand)] == ["Sam", "Sam", "Kit", "Mallory",
                                                               "Eve"]  # fmt: skip
    assert {p.kind for p in found.values()} == {"mismatch"}
    # The app shows the roster's word, not the file's.
    shown = {a.uuid: a for a in session.team.accounts()}
    assert (shown[sam].role, shown[sam].disabled) == (Role.VOLUNTEER, False)
    assert (shown[kit].role, shown[kit].disabled) == (Role.COORDINATOR, True)
    assert shown[mallory].disabled is True and shown[eve].disabled is True
    assert shown[session.account.uuid].disabled is False


def test_accounts_come_in_name_order_with_the_switched_off_ones(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    kit = coordinator_kit(vault, session).account.uuid
    session.team.set_disabled(kit, True)
    session.team.add_account("bea", "bea sings by the harbour wall", Role.SHIFT_LEAD)
    listed = [(a.display_name, a.role, a.disabled) for a in session.team.accounts()]
    assert listed == [
        ("Alex", Role.COORDINATOR, False),
        ("bea", Role.SHIFT_LEAD, False),
        ("Kit", Role.COORDINATOR, True),
        ("Sam", Role.VOLUNTEER, False),
    ]
    with pytest.raises(InvalidInput, match=r"^Someone on the team already has that name"):
        session.team.add_account("BEA", "another fine long passphrase", Role.VOLUNTEER)


def test_members_carried_over_from_before_the_roster_wait_for_a_coordinator(
    tmp_path: Path,
) -> None:
    line = write_old_line(tmp_path / "old", calls=1)
    uuids = line.uuids
    vault = open_vault(line)
    try:
        # Sam first: no roster yet, so the file is all there is.
        early = vault.unlock(uuids["Sam"], PASSPHRASES["Sam"])
        assert sorted(a.display_name for a in early.team.accounts()) == ["Alex", "Kit", "Sam"]
        with pytest.raises(NotAllowed, match=r"^The team list has not been set up"):
            early.team.roster_problems()
        early.lock()

        alex = vault.unlock(uuids["Alex"], PASSPHRASES["Alex"])  # founds the roster
        vault.unlock(uuids["Kit"], PASSPHRASES["Kit"]).lock()  # announces Kit's own keys
        problems = alex.team.roster_problems()
        assert sorted((p.display_name, p.kind) for p in problems) == [
            ("Kit", "unconfirmed"), ("Sam", "unconfirmed"),
        ]  # fmt: skip
        assert {p.account_uuid for p in problems} == {uuids["Kit"], uuids["Sam"]}
        assert all(p.what.startswith("set up their account again") for p in problems)

        alex.team.set_role(uuids["Kit"], Role.COORDINATOR)  # Alex vouches for Kit
        assert [p.account_uuid for p in alex.team.roster_problems()] == [uuids["Sam"]]
        alex.team.set_disabled(uuids["Sam"], True)  # never seen, now gone: nothing to confirm
        assert alex.team.roster_problems() == []
    finally:
        vault.close()


# --- the roster the session checks against ---------------------------------------------------


def test_a_roster_cut_short_behind_an_open_session_is_refused(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    session.team.set_role(sam, Role.SHIFT_LEAD)  # my pin moves past the 'add' entry
    vault.db.execute("delete from roster where seq >= 2")  # as if Sam had never been added
    with pytest.raises(rostermod.RosterTampered):
        session.team.roster_problems()
    with pytest.raises(rostermod.RosterTampered):
        session.team.accounts()
    with pytest.raises(rostermod.RosterTampered):
        session.team.set_role(sam, Role.VOLUNTEER)


def test_a_forged_key_announcement_for_a_carried_over_member_is_refused(
    tmp_path: Path,
) -> None:
    """Sam never unlocked after the update; someone without the old team key announces
    keys in Sam's name. The coordinator's open session checks the proof and refuses."""
    line = write_old_line(tmp_path / "old", calls=1)
    vault = open_vault(line)
    try:
        alex = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        sam = line.uuids["Sam"]
        mallory_sign, mallory_box = KeyPair.generate("sign"), KeyPair.generate("box")
        with vault.db.conn:
            rostermod.append(
                vault.db, signed(vault), mallory_sign, sam, "keys", None,
                account=sam, sign=mallory_sign.public, box=mallory_box.public,
                proof=b"\x00" * 32,
            )  # fmt: skip
        with pytest.raises(rostermod.RosterTampered):
            alex.team.roster_problems()
    finally:
        vault.close()


def test_a_damaged_file_during_a_team_change_names_the_file(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    vault.db.execute(
        "create trigger damaged before insert on roster "
        "begin select raise(abort, 'database disk image is malformed'); end"
    )
    with pytest.raises(VaultCorrupt) as info:
        session.team.set_role(volunteer.account.uuid, Role.SHIFT_LEAD)
    assert str(vault.data_dir / "warmline.db") in str(info.value)


# --- the record of activity ---------------------------------------------------------------------


def test_each_team_change_lands_in_the_record_of_activity(vault: Vault, session: Session) -> None:
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER).uuid
    session.team.set_role(sam, Role.SHIFT_LEAD)
    session.team.set_disabled(sam, True)
    session.team.reset_passphrase(sam, NEW, switch_on=True)
    session.team.reset_passphrase(sam, "another fine long passphrase")
    session.team.change_my_passphrase(PASSPHRASE, "tangerine kettle drifts over hills")
    done = [(e.kind, e.table, e.record) for e in reversed(session.audit.entries())][1:]
    rotate = (Kind.TEAM_LOCK_REPLACED, "", "")
    assert done == [
        (Kind.ACCOUNT_ADDED, "accounts", sam),
        (Kind.ROLE_CHANGED, "accounts", sam),
        (Kind.SWITCHED_OFF, "accounts", sam), rotate,
        (Kind.SWITCHED_ON, "accounts", sam), rotate,
        (Kind.PASSPHRASE_RESET, "accounts", sam), rotate,
        (Kind.OWN_PASSPHRASE, "accounts", session.account.uuid),
    ]  # fmt: skip


# --- a person's own passphrase and code ---------------------------------------------------------


def test_own_changes_refuse_when_the_own_row_is_gone(vault: Vault, session: Session) -> None:
    me = session.account.uuid
    vault.db.execute("delete from accounts where uuid = ?", [me])
    for change in (
        lambda: session.team.change_my_passphrase(PASSPHRASE, NEW),
        lambda: session.team.create_recovery_code(PASSPHRASE),
        lambda: session.team.remove_recovery_code(PASSPHRASE),
    ):
        with pytest.raises(Tampered, match=r"^Your account"):
            change()


@pytest.mark.parametrize("action", ["create", "remove"])
def test_a_recovery_code_change_makes_new_key_pairs_too(
    vault: Vault, session: Session, action: str
) -> None:
    me = session.account.uuid
    old_box = KeyPair("box", session._ctx.keys.box.private_bytes())
    if action == "create":
        session.team.create_recovery_code(PASSPHRASE)
    else:
        session.team.remove_recovery_code(PASSPHRASE)
    assert signed(vault).members[me].box != old_box.public
    generation = session.team.replace_team_key()
    wrap = wrap_of(vault, me, generation)
    with pytest.raises(Tampered):
        crypto.open_key_from(old_box, wrap, wrap_context(vault.line_uuid, me, generation))
    assert vault.unlock(me, PASSPHRASE).team_generation == generation
