"""An account row, checked from the file: where each wrapped key lives and what the row says.

Every key an account holds is sealed bound to its place (docs/architecture.md, "Keys"): table
``accounts``, row = the account's UUID, field = the column's name, and an owner. The owner is
the account's UUID for what only that person's keys reach: the personal key, the X25519 and
Ed25519 private halves (fields ``box_private`` and ``sign_private``), the anchor (the roster
pin), the recovery key and the recovery wrap. It is empty for the user key, the code's wrap
(``recovery_user_key``) and the team key of the format before key generations (``team_key``).

The reading and the writing code share one function per place, so a consistent mistake there
(a wrong field, an owner left out) still reads its own writes back; only contexts built here by
hand from that layout see it. Each blob opens at its own place and fails at another field,
row or owner.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from tests.core.conftest import PASSPHRASE
from warmline import crypto
from warmline import db as dbmod
from warmline.accounts import (
    MAX_NAME_LENGTH,
    Role,
    clean_display_name,
    founder_enrolment,
    kek_for,
    list_accounts,
    open_anchor,
    open_key_pairs,
    open_user_key,
)
from warmline.crypto import (
    KdfParams,
    Key,
    SealContext,
    Tampered,
    derive_kek,
    normalise_recovery_code,
    open_key_pair,
    open_sealed,
    unwrap_key,
    wrap_key,
)
from warmline.errors import InvalidInput, WrongPassphrase
from warmline.session import Session
from warmline.timeutil import utcnow
from warmline.vault import Vault

SAM = "sam's own passphrase"


def raw_row(data_dir: Path, uuid: str) -> dict[str, Any]:
    """The account row as a person with sqlite3 reads it from the file."""
    db = Database(sqlite3.connect(str(data_dir / "warmline.db")))
    try:
        return dict(next(db.query("select * from accounts where uuid = ?", [uuid])))
    finally:
        db.conn.close()


def write_raw(data_dir: Path, sql: str, params: list[Any]) -> None:
    """A change made to the file by hand, outside Warmline."""
    conn = sqlite3.connect(str(data_dir / "warmline.db"))
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


def at(uuid: str, field: str, owner: str) -> SealContext:
    """A place in the accounts table, built from the documented layout."""
    return SealContext(table="accounts", row=uuid, field=field, owner=owner)


def opens_only_at(
    open_at: Callable[[SealContext], Any], uuid: str, field: str, owner: str, elsewhere: str
) -> Any:
    """What ``open_at`` gives at the blob's own place; it must fail at every neighbour: another
    field, another account's row, the other owner, another table."""
    got = open_at(at(uuid, field, owner))
    other_field = "personal_key" if field != "personal_key" else "user_key"
    neighbours = [
        at(uuid, other_field, owner),
        at(elsewhere, field, owner),
        at(uuid, field, "" if owner else uuid),
        SealContext(table="debriefs", row=uuid, field=field, owner=owner),
    ]
    for wrong in neighbours:
        with pytest.raises(Tampered):
            open_at(wrong)
    return got


def test_every_key_in_an_account_row_opens_only_at_its_documented_place(
    vault: Vault, session: Session, data_dir: Path
) -> None:
    code = session.team.create_recovery_code(PASSPHRASE)  # every column filled in
    me = session.account.uuid
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER).uuid
    row = raw_row(data_dir, me)

    kek = derive_kek(PASSPHRASE, KdfParams.from_json(row["kdf"]))
    user = opens_only_at(lambda c: unwrap_key(kek, row["user_key"], c), me, "user_key", "", sam)
    assert user.material() == session._ctx.keys.user.material()

    personal = opens_only_at(
        lambda c: unwrap_key(user, row["personal_key"], c), me, "personal_key", me, sam
    )
    assert personal.material() == session._ctx.keys.personal.material()
    for kind in ("box", "sign"):
        field = f"{kind}_private"
        pair = opens_only_at(
            lambda c, k=kind, f=field: open_key_pair(user, k, row[f], c), me, field, me, sam
        )
        assert pair.public == row[f"{kind}_public"]
    anchor = opens_only_at(lambda c: open_sealed(user, row["anchor"], c), me, "anchor", me, sam)
    assert anchor == open_anchor(row, session._ctx.keys.user)

    recovery = opens_only_at(
        lambda c: unwrap_key(user, row["recovery_key"], c), me, "recovery_key", me, sam
    )
    again = opens_only_at(
        lambda c: unwrap_key(recovery, row["recovery_wrap"], c), me, "recovery_wrap", me, sam
    )
    assert again.material() == user.material()
    code_kek = derive_kek(normalise_recovery_code(code), KdfParams.from_json(row["recovery_kdf"]))
    from_code = opens_only_at(
        lambda c: unwrap_key(code_kek, row["recovery_user_key"], c),
        me, "recovery_user_key", "", sam,
    )  # fmt: skip
    assert from_code.material() == recovery.material()


# --- the format before key generations: a team key in the row --------------------------------


def write_line_before_generations(data_dir: Path, team: Key) -> str:
    """One coordinator's line as Warmline wrote it before key pairs and generations: the
    team key wrapped in the account row. Every context built here by hand."""
    data_dir.mkdir(mode=0o700)
    db = Database(sqlite3.connect(str(data_dir / "warmline.db")))
    dbmod.migrations.apply(db, stop_before="m003_key_pairs_generations_roster")
    dbmod.set_meta(db, "schema_version", "2")
    dbmod.set_meta(db, "line_name", "Old Line")
    dbmod.set_meta(db, "vault_uuid", str(uuidlib.uuid4()))
    dbmod.set_meta(db, "team_key_id", team.key_id.hex())
    uuid = str(uuidlib.uuid4())
    params = crypto.cheap_test_params()
    kek = derive_kek(PASSPHRASE, params)
    user, personal = Key.generate(), Key.generate()
    db.table("accounts").insert(
        {
            "uuid": uuid, "display_name": "Alex", "role": Role.COORDINATOR.value,
            "disabled": 0, "created_at": "2026-01-01T00:00:00+00:00", "revision": 1,
            "kdf": params.to_json(),
            "user_key": wrap_key(kek, user, at(uuid, "user_key", "")),
            "team_key": wrap_key(user, team, at(uuid, "team_key", "")),
            "personal_key": wrap_key(user, personal, at(uuid, "personal_key", uuid)),
            "recovery_kdf": None, "recovery_user_key": None,
        }
    )  # fmt: skip
    db.close()
    return uuid


def test_the_old_team_key_column_is_read_at_its_place_and_left_empty_after_a_renewal(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "old"
    team = Key.generate()
    me = write_line_before_generations(data_dir, team)
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        session = vault.unlock(me, PASSPHRASE)  # carries the team key over into generation 1
        assert session._ctx.keys.ring.generations()[1].material() == team.material()
        assert raw_row(data_dir, me)["team_key"]  # carrying over does not touch the column
        session.team.change_my_passphrase(PASSPHRASE, "lantern orbit meadow quietly")
        # The old format's wrapped team key must not linger once the row is rewritten.
        assert raw_row(data_dir, me)["team_key"] == b""
        session.lock()
    finally:
        vault.close()


# --- recovery codes from before recovery keys ---------------------------------------------------


def test_an_old_style_code_opens_its_own_row_only(
    vault: Vault, session: Session, data_dir: Path
) -> None:
    """Before recovery keys, the code's KEK wrapped the user key itself (no recovery_wrap).
    Such a code still opens its account; copied into another row it opens nothing."""
    me = session.account.uuid
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER).uuid
    code = crypto.new_recovery_code()
    params = crypto.cheap_test_params()
    code_kek = derive_kek(normalise_recovery_code(code), params)
    wrap = wrap_key(code_kek, session._ctx.keys.user, at(me, "recovery_user_key", ""))
    assert raw_row(data_dir, me)["recovery_wrap"] is None
    for uuid in (me, sam):
        write_raw(
            data_dir,
            "update accounts set recovery_kdf = ?, recovery_user_key = ?, recovery_key = null, "
            "recovery_wrap = null where uuid = ?",
            [params.to_json(), wrap, uuid],
        )
    with pytest.raises(WrongPassphrase):
        vault.unlock_with_recovery_code(sam, code, "lantern orbit meadow quietly")
    recovered = vault.unlock_with_recovery_code(me, code, "lantern orbit meadow quietly")
    assert recovered.account.uuid == me
    recovered.lock()
    assert vault.unlock(me, "lantern orbit meadow quietly").account.uuid == me


# --- reading rows ---------------------------------------------------------------------------------


def test_a_row_missing_either_private_half_counts_as_from_before_key_pairs(
    session: Session, data_dir: Path
) -> None:
    row = raw_row(data_dir, session.account.uuid)
    user = session._ctx.keys.user
    assert open_key_pairs(row, user) is not None
    for missing in ("box_private", "sign_private"):
        assert open_key_pairs({**row, missing: None}, user) is None


def test_a_damaged_anchor_is_named_as_part_of_an_account(session: Session, data_dir: Path) -> None:
    row = raw_row(data_dir, session.account.uuid)
    damaged = row["anchor"][:-1] + bytes([row["anchor"][-1] ^ 1])
    with pytest.raises(Tampered) as refused:
        open_anchor({**row, "anchor": damaged}, session._ctx.keys.user)
    assert str(refused.value).startswith("Part of an account could not be opened")


def test_switched_off_accounts_are_listed_unless_left_out(vault: Vault, session: Session) -> None:
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER).uuid
    session.team.set_disabled(sam, True)
    me = session.account.uuid
    everyone = {a.uuid: a.disabled for a in list_accounts(vault.db)}
    assert everyone == {me: False, sam: True}
    assert [a.uuid for a in list_accounts(vault.db, include_disabled=False)] == [me]
    assert {a.uuid for a in vault.accounts()} == {me, sam}


def test_a_role_typed_into_the_file_shows_as_the_least(
    vault: Vault, session: Session, data_dir: Path
) -> None:
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER).uuid
    write_raw(data_dir, "update accounts set role = 'overlord' where uuid = ?", [sam])
    assert vault.account(sam).role is Role.VOLUNTEER
    assert {a.uuid: a.role for a in vault.accounts()}[sam] is Role.VOLUNTEER


def test_when_an_account_was_made_is_kept_and_read_back(data_dir: Path) -> None:
    before = utcnow()
    vault, session = Vault.create(
        data_dir, "Test Line", "Alex", PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    try:
        sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER).uuid
        after = utcnow()
        for uuid in (session.account.uuid, sam):
            made = vault.account(uuid).created_at
            assert made is not None
            assert before - timedelta(seconds=1) <= made <= after + timedelta(seconds=1)
    finally:
        vault.close()


@pytest.mark.parametrize("stored", ["x'00ff'", "'not a time'", "''", "NULL"])
def test_when_an_account_was_made_is_unknown_when_changed_by_hand(
    vault: Vault, session: Session, stored: str
) -> None:
    """Bytes, text that is no time, nothing: the account is still listed and opens, made
    at an unknown time."""
    sam = session.team.add_account("Sam", SAM, Role.VOLUNTEER).uuid
    vault.db.execute(f"update accounts set created_at = {stored} where uuid = ?", [sam])
    assert vault.account(sam).created_at is None
    assert sam in {a.uuid for a in session.team.accounts()}
    assert vault.unlock(sam, SAM).account.uuid == sam


# --- making rows ----------------------------------------------------------------------------------


def test_every_account_gets_a_random_uuid_of_its_own(tmp_path: Path) -> None:
    founders = []
    for name in ("one", "two"):
        vault, session = Vault.create(
            tmp_path / name, "Test Line", "Alex", PASSPHRASE,
            kdf_factory=crypto.cheap_test_params,
        )  # fmt: skip
        try:
            founders.append(session.account.uuid)
            added = [
                session.team.add_account(who, SAM, Role.VOLUNTEER).uuid for who in ("Sam", "Kit")
            ]
            every = [session.account.uuid, *added]
            assert len(set(every)) == 3
            assert all(uuidlib.UUID(u).version == 4 for u in every)
        finally:
            vault.close()
    assert founders[0] != founders[1]


def test_the_founders_passphrase_may_not_be_their_name_or_the_lines() -> None:
    name, line = "Zorvathkin Quillowmere", "Bramwellquistrop Harlowfenn"
    params = crypto.cheap_test_params()
    for guessable in (name, line):
        with pytest.raises(InvalidInput):
            founder_enrolment(name, guessable, params, user_inputs=(line,))
        # The same words are a fine passphrase for someone else on another line.
        _made, signer = founder_enrolment("Kit", guessable, params, user_inputs=("Old Line",))
        signer.wipe()


def test_the_founders_enrolment_names_the_public_halves_its_row_holds() -> None:
    made, signer = founder_enrolment(
        "Alex", PASSPHRASE, crypto.cheap_test_params(), user_inputs=("Test Line",)
    )
    try:
        assert made.sign_public == signer.public == made.row["sign_public"]
        assert made.box_public == made.row["box_public"]
        user = open_user_key(made.row, kek_for(PASSPHRASE, made.row["kdf"]))
        pairs = open_key_pairs(made.row, user)
        assert pairs is not None
        assert pairs[1].public == signer.public
    finally:
        signer.wipe()


# --- names ---------------------------------------------------------------------------------------


def test_a_name_may_be_as_long_as_the_limit_and_no_longer() -> None:
    longest = "A" * MAX_NAME_LENGTH
    assert clean_display_name(f"  {longest}  ") == longest
    with pytest.raises(InvalidInput) as refused:
        clean_display_name(longest + "B")
    assert str(refused.value).startswith("Please ")


def test_an_empty_name_is_refused_in_plain_words() -> None:
    for empty in ("", "   ", "\t\n"):
        with pytest.raises(InvalidInput) as refused:
            clean_display_name(empty)
        assert str(refused.value).startswith("Please ")
