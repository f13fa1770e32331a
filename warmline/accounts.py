"""Accounts, their roles, and how each account's keys are wrapped.

Display names and roles are kept in clear so the unlock screen can list people before
anyone has unlocked. Roles are workflow permissions inside one team: every account holds
the team key, so a role is not a cryptographic boundary. The personal key is: only its
owner's passphrase (or one-time recovery code) unwraps it.
"""

from __future__ import annotations

import enum
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from warmline.crypto import (
    KdfParams,
    Key,
    SealContext,
    derive_kek,
    unwrap_key,
    wrap_key,
)
from warmline.errors import InvalidInput, Tampered, WrongPassphrase
from warmline.timeutil import from_iso, to_iso, utcnow

MIN_PASSPHRASE_LENGTH = 8
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
        return cls(
            uuid=row["uuid"],
            display_name=row["display_name"],
            role=Role(row["role"]),
            disabled=bool(row["disabled"]),
            created_at=from_iso(row["created_at"]),
            has_recovery_code=row.get("recovery_user_key") is not None,
        )


@dataclass
class AccountKeys:
    """What an unlocked account holds in memory."""

    user: Key
    team: Key
    personal: Key

    def wipe(self) -> None:
        for key in (self.user, self.team, self.personal):
            key.wipe()


def clean_display_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("Please type a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Please keep the name under {MAX_NAME_LENGTH} characters.")
    return cleaned


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InvalidInput(
            f"Please choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters. "
            "A few ordinary words strung together work well."
        )


def _ctx(account_uuid: str, field: str, owner: str = "") -> SealContext:
    return SealContext(table="accounts", row=account_uuid, field=field, owner=owner)


def user_key_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "user_key")


def recovery_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "recovery_user_key")


def team_key_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "team_key")


def personal_key_ctx(account_uuid: str) -> SealContext:
    return _ctx(account_uuid, "personal_key", owner=account_uuid)


def wrapped_columns(
    account_uuid: str,
    kek: Key,
    user_key: Key,
    team_key: Key,
    personal_key: Key,
) -> dict[str, bytes]:
    return {
        "user_key": wrap_key(kek, user_key, user_key_ctx(account_uuid)),
        "team_key": wrap_key(user_key, team_key, team_key_ctx(account_uuid)),
        "personal_key": wrap_key(user_key, personal_key, personal_key_ctx(account_uuid)),
    }


def unwrap_account(row: dict[str, Any], kek: Key, *, via_recovery: bool = False) -> AccountKeys:
    """Unwrap an account's keys. A passphrase is checked by unwrapping, not by a stored hash."""
    uuid = row["uuid"]
    try:
        if via_recovery:
            user = unwrap_key(kek, row["recovery_user_key"], recovery_ctx(uuid))
        else:
            user = unwrap_key(kek, row["user_key"], user_key_ctx(uuid))
    except Tampered:
        raise WrongPassphrase() from None
    finally:
        kek.wipe()
    try:
        team = unwrap_key(user, row["team_key"], team_key_ctx(uuid))
    except BaseException:
        user.wipe()
        raise
    try:
        personal = unwrap_key(user, row["personal_key"], personal_key_ctx(uuid))
    except BaseException:
        user.wipe()
        team.wipe()
        raise
    return AccountKeys(user=user, team=team, personal=personal)


def kek_for(passphrase: str, kdf_json: str) -> Key:
    return derive_kek(passphrase, KdfParams.from_json(kdf_json))


def load_row(db: Database, account_uuid: str) -> dict[str, Any] | None:
    rows = list(db.query("select * from accounts where uuid = ?", [account_uuid]))
    return rows[0] if rows else None


def enrol(
    display_name: str,
    role: Role,
    passphrase: str,
    params: KdfParams,
    team_key: Key,
    account_uuid: str | None = None,
) -> dict[str, Any]:
    """An account row with fresh user and personal keys and the team key wrapped for it.

    With ``account_uuid`` it re-enrols an existing person (a passphrase reset).
    """
    check_new_passphrase(passphrase)
    account_uuid = account_uuid or str(uuidlib.uuid4())
    user_key, personal_key = Key.generate(), Key.generate()
    kek = derive_kek(passphrase, params)
    try:
        row: dict[str, Any] = {
            "uuid": account_uuid,
            "display_name": clean_display_name(display_name),
            "role": role.value,
            "disabled": 0,
            "created_at": to_iso(utcnow()),
            "revision": 1,
            "kdf": params.to_json(),
            "recovery_kdf": None,
            "recovery_user_key": None,
        }
        row.update(wrapped_columns(account_uuid, kek, user_key, team_key, personal_key))
        return row
    finally:
        for key in (kek, user_key, personal_key):
            key.wipe()
