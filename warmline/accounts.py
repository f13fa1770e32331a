"""Accounts, their roles, and how each account's own keys are kept.

Display names and roles are kept in clear so the unlock screen can list people before
anyone has unlocked; the signed roster (:mod:`warmline.roster`) is what is believed about
roles. Roles are workflow permissions inside one team: every member holds the team key, so a
role is not a cryptographic boundary. The personal key is: only its owner's passphrase (or
one-time recovery code) reaches it.

Per account, all sealed and bound to the account's row and field::

    passphrase --Argon2id--> KEK   wraps  user key (renewed on every passphrase change)
    user key   wraps  personal key (renewed with the user key), X25519 and Ed25519 private
                      halves, the roster pin (see warmline/roster.py), a recovery key
    recovery code --Argon2id--> wraps  the recovery key, which wraps the current user key

The team key is not in the account row any more: its generations are sealed to each
member's X25519 public key (:mod:`warmline.keyring`).
"""

from __future__ import annotations

import enum
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from warmline import passphrase_policy
from warmline.crypto import (
    KdfParams,
    Key,
    KeyPair,
    SealContext,
    derive_kek,
    open_key_pair,
    seal,
    seal_key_pair,
    unwrap_key,
    wrap_key,
)
from warmline.errors import InvalidInput, Tampered, WrongPassphrase
from warmline.keyring import TeamKeyring
from warmline.timeutil import stored_time, to_iso, utcnow

MIN_PASSPHRASE_LENGTH = passphrase_policy.MIN_PASSPHRASE_LENGTH
check_new_passphrase = passphrase_policy.check_new_passphrase
MAX_NAME_LENGTH = 60


class Role(enum.StrEnum):
    VOLUNTEER = "volunteer"
    SHIFT_LEAD = "shift_lead"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return {
            Role.VOLUNTEER: "Volunteer",
            Role.SHIFT_LEAD: "Shift lead",
            Role.COORDINATOR: "Coordinator",
        }[self]


@dataclass(frozen=True)
class Account:
    uuid: str
    display_name: str
    role: Role
    disabled: bool
    created_at: datetime | None
    has_recovery_code: bool = False

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Account:
        try:
            role = Role(row["role"])
        except ValueError:  # a hand-edited role: show the least, the roster decides anyway
            role = Role.VOLUNTEER
        return cls(
            uuid=row["uuid"],
            display_name=row["display_name"],
            role=role,
            disabled=bool(row["disabled"]),
            created_at=stored_time(row["created_at"]),
            has_recovery_code=bool(row.get("recovery_user_key")),
        )


@dataclass
class AccountKeys:
    """What an unlocked account holds in memory."""

    user: Key
    personal: Key
    box: KeyPair
    signer: KeyPair
    ring: TeamKeyring

    @property
    def team(self) -> Key:
        """The newest team-key generation: what new records are sealed with."""
        return self.ring.newest

    def wipe(self) -> None:
        for key in (self.user, self.personal):
            key.wipe()
        self.box.wipe()
        self.signer.wipe()
        self.ring.wipe()


def clean_display_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("Please type a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Please keep the name under {MAX_NAME_LENGTH} characters.")
    return cleaned


# --- where each wrapped key lives ------------------------------------------------------------


def _ctx(account_uuid: str, field: str, owner: str = "") -> SealContext:
    return SealContext(table="accounts", row=account_uuid, field=field, owner=owner)


def user_key_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "user_key")


def recovery_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "recovery_user_key")


def team_key_ctx(account_uuid: str) -> SealContext:
    """The team key as files before key generations kept it (read once, to carry it over)."""
    return _ctx(account_uuid, "team_key")


def personal_key_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "personal_key", owner=account_uuid)


def private_half_ctx(account_uuid: str, kind: str) -> SealContext:
    return _ctx(account_uuid, f"{kind}_private", owner=account_uuid)


def anchor_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "anchor", owner=account_uuid)


def recovery_key_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "recovery_key", owner=account_uuid)


def recovery_wrap_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "recovery_wrap", owner=account_uuid)


# --- reading rows ------------------------------------------------------------------------------


def load_row(db: Database, account_uuid: str) -> dict[str, Any] | None:
    rows = list(db.query("select * from accounts where uuid = ?", [account_uuid]))
    return rows[0] if rows else None


def list_accounts(db: Database, *, include_disabled: bool = True) -> list[Account]:
    rows = db.query("select * from accounts order by display_name collate nocase")
    accounts = [Account.from_row(r) for r in rows]
    return [a for a in accounts if include_disabled or not a.disabled]


def kek_for(passphrase: str, kdf_json: str) -> Key:
    return derive_kek(passphrase, KdfParams.from_json(kdf_json))


def open_user_key(row: dict[str, Any], kek: Key) -> Key:
    """The user key, if ``kek`` came from the right passphrase; the KEK is not wiped here."""
    try:
        return unwrap_key(kek, row["user_key"], user_key_ctx(row["uuid"]))
    except Tampered:
        raise WrongPassphrase() from None


def open_user_key_with_code(row: dict[str, Any], code_kek: Key) -> Key:
    """The user key through a recovery code: code -> recovery key -> user key.

    Rows from before recovery keys wrapped the user key under the code directly.
    """
    uuid = row["uuid"]
    try:
        if not row.get("recovery_wrap"):
            return unwrap_key(code_kek, row["recovery_user_key"], recovery_ctx(uuid))
        recovery = unwrap_key(code_kek, row["recovery_user_key"], recovery_ctx(uuid))
    except Tampered:
        raise WrongPassphrase() from None
    try:
        return unwrap_key(recovery, row["recovery_wrap"], recovery_wrap_ctx(uuid))
    finally:
        recovery.wipe()


def open_personal_key(row: dict[str, Any], user: Key) -> Key:
    uuid = row["uuid"]
    return unwrap_key(user, row["personal_key"], personal_key_ctx(uuid))


def open_key_pairs(row: dict[str, Any], user: Key) -> tuple[KeyPair, KeyPair] | None:
    """The account's X25519 and Ed25519 pairs; None for a row from before key pairs."""
    uuid = row["uuid"]
    if not row.get("box_private") or not row.get("sign_private"):
        return None
    box = open_key_pair(user, "box", row["box_private"], private_half_ctx(uuid, "box"))
    signer = open_key_pair(user, "sign", row["sign_private"], private_half_ctx(uuid, "sign"))
    return box, signer


def open_anchor(row: dict[str, Any], user: Key) -> bytes | None:
    from warmline.crypto import open_sealed

    if not row.get("anchor"):
        return None
    return open_sealed(user, row["anchor"], anchor_ctx(row["uuid"]), "Part of an account")


def open_recovery_key(row: dict[str, Any], user: Key) -> Key | None:
    if not row.get("recovery_key"):
        return None
    return unwrap_key(user, row["recovery_key"], recovery_key_ctx(row["uuid"]))


# --- writing rows ------------------------------------------------------------------------------


def own_key_columns(
    account_uuid: str,
    kek: Key,
    user: Key,
    personal: Key,
    box: KeyPair,
    signer: KeyPair,
    anchor: bytes,
    recovery: Key | None,
) -> dict[str, Any]:
    """Every column that holds this account's own keys, sealed for the given user key."""
    columns: dict[str, Any] = {
        "user_key": wrap_key(kek, user, user_key_ctx(account_uuid)),
        "personal_key": wrap_key(user, personal, personal_key_ctx(account_uuid)),
        "box_public": box.public,
        "sign_public": signer.public,
        "box_private": seal_key_pair(user, box, private_half_ctx(account_uuid, "box")),
        "sign_private": seal_key_pair(user, signer, private_half_ctx(account_uuid, "sign")),
        "anchor": seal(user, anchor, anchor_ctx(account_uuid)),
        "team_key": b"",
    }
    if recovery is not None:
        columns["recovery_key"] = wrap_key(user, recovery, recovery_key_ctx(account_uuid))
        columns["recovery_wrap"] = wrap_key(recovery, user, recovery_wrap_ctx(account_uuid))
    else:
        columns.update(
            {"recovery_key": None, "recovery_wrap": None, "recovery_kdf": None,
             "recovery_user_key": None}
        )  # fmt: skip
    return columns


@dataclass
class Enrolment:
    """A new account row, and the public halves the roster and key wraps need."""

    row: dict[str, Any]
    box_public: bytes
    sign_public: bytes


def enrol(
    display_name: str,
    role: Role,
    passphrase: str,
    params: KdfParams,
    anchor: bytes,
    *,
    account_uuid: str | None = None,
    user_inputs: tuple[str, ...] = (),
) -> Enrolment:
    """An account row with fresh keys of its own.

    Whoever enrols someone (a coordinator at their workstation) briefly holds that person's
    keys. The person's first unlock replaces all of them, so what the enrolling process could
    have kept opens nothing written after that unlock: the signed roster says so (an ``add``
    or ``reset`` entry leaves the member without keys of their own), not a column of this
    row, which anyone with the file could edit.
    """
    name = clean_display_name(display_name)
    check_new_passphrase(passphrase, (name, *user_inputs))
    account_uuid = account_uuid or str(uuidlib.uuid4())
    user, personal = Key.generate(), Key.generate()
    box, signer = KeyPair.generate("box"), KeyPair.generate("sign")
    kek = derive_kek(passphrase, params)
    try:
        row: dict[str, Any] = {
            "uuid": account_uuid,
            "display_name": name,
            "role": role.value,
            "disabled": 0,
            "created_at": to_iso(utcnow()),
            "revision": 1,
            "kdf": params.to_json(),
        }
        row.update(own_key_columns(account_uuid, kek, user, personal, box, signer, anchor, None))
        return Enrolment(row, box.public, signer.public)
    finally:
        for key in (kek, user, personal):
            key.wipe()
        box.wipe()
        signer.wipe()


def founder_enrolment(
    display_name: str, passphrase: str, params: KdfParams, user_inputs: tuple[str, ...] = ()
) -> tuple[Enrolment, KeyPair]:
    """The founding coordinator's row, with a placeholder pin: their first unlock, right
    after the roster is founded, pins its first entry.

    Returns the signing pair too (the caller signs the roster's first entry and wipes it).
    """
    name = clean_display_name(display_name)
    check_new_passphrase(passphrase, (name, *user_inputs))
    account_uuid = str(uuidlib.uuid4())
    user, personal = Key.generate(), Key.generate()
    box, signer = KeyPair.generate("box"), KeyPair.generate("sign")
    kek = derive_kek(passphrase, params)
    try:
        row: dict[str, Any] = {
            "uuid": account_uuid,
            "display_name": name,
            "role": Role.COORDINATOR.value,
            "disabled": 0,
            "created_at": to_iso(utcnow()),
            "revision": 1,
            "kdf": params.to_json(),
        }
        row.update(
            own_key_columns(
                account_uuid, kek, user, personal, box, signer, b'{"pending":true,"v":1}', None
            )
        )
        return Enrolment(row, box.public, signer.public), signer
    finally:
        for key in (kek, user, personal):
            key.wipe()
        box.wipe()
