"""Managing the team from an unlocked session: accounts, roles, passphrases, recovery codes.

Coordinators add people (who type their own passphrase at the workstation), change roles,
switch accounts off and reset passphrases. A reset wraps the team key afresh for a new
user key; the old personal key is gone with the old passphrase, so that person's private
reflections and drafts can never be opened again. :meth:`TeamAdmin.personal_records`
lets the screen say how many before it happens, and the reset deletes them.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, NamedTuple

from sqlite_utils import Database

from warmline.accounts import (
    Account,
    Role,
    check_new_passphrase,
    clean_display_name,
    enrol,
    kek_for,
    load_row,
    user_key_ctx,
)
from warmline.crypto import derive_kek, unwrap_key, wrap_key
from warmline.db import writing
from warmline.errors import InvalidInput, NotAllowed, UnknownAccount, WrongPassphrase
from warmline.records import Unlocked

if TYPE_CHECKING:
    from warmline.vault import Vault


class PersonalRecords(NamedTuple):
    """What only one person's passphrase can open, counted by kind so a screen can say
    "2 private reflections and 1 unfinished note" rather than an unexplained total."""

    reflections: int
    unfinished_notes: int

    @property
    def total(self) -> int:
        return self.reflections + self.unfinished_notes


class TeamAdmin:
    def __init__(self, vault: Vault, ctx: Unlocked) -> None:
        self._vault = vault
        self._ctx = ctx

    # --- guards ---------------------------------------------------------------------------

    def _require_coordinator(self) -> None:
        self._ctx.check()
        if self._ctx.account.role is not Role.COORDINATOR:
            raise NotAllowed("Only a coordinator can change the team.")

    def _other(self, account_uuid: str) -> Account:
        row = load_row(self._ctx.db, account_uuid)
        if row is None:
            raise UnknownAccount()
        return Account.from_row(row)

    def _active_coordinators(self) -> list[Account]:
        return [a for a in self._vault.accounts() if a.role is Role.COORDINATOR and not a.disabled]

    def _would_leave_no_coordinator(self, account_uuid: str) -> bool:
        others = [a for a in self._active_coordinators() if a.uuid != account_uuid]
        return not others

    def _write(self) -> AbstractContextManager[Database]:
        return writing(self._ctx.db, self._ctx.path)

    # --- coordinator actions -----------------------------------------------------------------

    def accounts(self) -> list[Account]:
        self._ctx.check()
        return self._vault.accounts()

    def add_account(self, display_name: str, passphrase: str, role: Role) -> Account:
        """Add a person. They type their own passphrase; nobody else needs to know it."""
        self._require_coordinator()
        name = clean_display_name(display_name)
        if any(a.display_name.casefold() == name.casefold() for a in self._vault.accounts()):
            raise InvalidInput("Someone on the team already has that name. Please add an initial.")
        row = enrol(name, role, passphrase, self._vault.kdf_factory(), self._ctx.keys.team)
        with self._write() as db:
            db.table("accounts").insert(row)
        return Account.from_row(row)

    def set_role(self, account_uuid: str, role: Role) -> Account:
        self._require_coordinator()
        other = self._other(account_uuid)
        demoting = other.role is Role.COORDINATOR and role is not Role.COORDINATOR
        if demoting and self._would_leave_no_coordinator(account_uuid):
            raise InvalidInput("The team needs at least one coordinator.")
        with self._write() as db:
            db.execute("update accounts set role = ? where uuid = ?", [role.value, account_uuid])
        return self._other(account_uuid)

    def set_disabled(self, account_uuid: str, disabled: bool) -> Account:
        """Switch an account off, or back on.

        Switching off removes the account's wrapped keys (and recovery code) from the file,
        not only a flag: with the keys gone, the old passphrase opens nothing, even for
        someone going around the app. Their private records go too, since only those keys
        could open them. Switching back on therefore needs a new passphrase
        (:meth:`reset_passphrase` with ``switch_on=True``).
        """
        self._require_coordinator()
        other = self._other(account_uuid)
        if not disabled:
            if other.disabled:
                raise InvalidInput(
                    f"To switch {other.display_name} back on, set a new passphrase for them."
                )
            return other
        if account_uuid == self._ctx.account.uuid:
            raise InvalidInput("You cannot switch off your own account while using it.")
        losing = other.role is Role.COORDINATOR
        if losing and self._would_leave_no_coordinator(account_uuid):
            raise InvalidInput("The team needs at least one coordinator.")
        with self._write() as db:
            _delete_personal_records(db, account_uuid)
            db.execute(
                "update accounts set disabled = 1, user_key = x'', team_key = x'', "
                "personal_key = x'', recovery_kdf = null, recovery_user_key = null, "
                "revision = revision + 1 where uuid = ?",
                [account_uuid],
            )
        return self._other(account_uuid)

    def personal_records(self, account_uuid: str) -> PersonalRecords:
        """How many private records (reflections, drafts) a passphrase reset would lose."""
        self._ctx.check()
        if account_uuid != self._ctx.account.uuid:
            self._require_coordinator()
        counts = []
        for table in ("debriefs", "drafts"):
            row = next(
                self._ctx.db.query(
                    f"select count(*) as n from {table} where owner_uuid = ?", [account_uuid]
                )
            )
            counts.append(int(row["n"]))
        return PersonalRecords(*counts)

    def personal_record_count(self, account_uuid: str) -> int:
        """The total of :meth:`personal_records`."""
        return self.personal_records(account_uuid).total

    def reset_passphrase(
        self, account_uuid: str, new_passphrase: str, *, switch_on: bool = False
    ) -> int:
        """Re-enrol someone who forgot their passphrase (or, with ``switch_on``, someone
        whose account was switched off). Returns how many private records were lost (they
        could never be opened again, so they are deleted)."""
        self._require_coordinator()
        if account_uuid == self._ctx.account.uuid:
            raise InvalidInput("To change your own passphrase, use My account.")
        other = self._other(account_uuid)
        fresh = enrol(
            other.display_name,
            other.role,
            new_passphrase,
            self._vault.kdf_factory(),
            self._ctx.keys.team,
            account_uuid=account_uuid,
        )
        lost = self.personal_record_count(account_uuid)
        with self._write() as db:
            _delete_personal_records(db, account_uuid)
            db.execute(
                "update accounts set kdf = ?, user_key = ?, team_key = ?, personal_key = ?, "
                "recovery_kdf = null, recovery_user_key = null, revision = revision + 1"
                + (", disabled = 0" if switch_on else "")
                + " where uuid = ?",
                [
                    fresh["kdf"],
                    fresh["user_key"],
                    fresh["team_key"],
                    fresh["personal_key"],
                    account_uuid,
                ],
            )
        return lost

    # --- anyone, for themselves -----------------------------------------------------------

    def change_my_passphrase(self, current: str, new: str) -> None:
        """Re-wrap my user key under a new passphrase; nothing else changes."""
        self._ctx.check()
        check_new_passphrase(new)
        me = self._ctx.account.uuid
        row = load_row(self._ctx.db, me)
        assert row is not None
        kek = kek_for(current, row["kdf"])
        try:
            unwrap_key(kek, row["user_key"], user_key_ctx(me)).wipe()
        except Exception:
            raise WrongPassphrase() from None
        finally:
            kek.wipe()
        self._store_new_passphrase(new)

    def change_my_passphrase_after_recovery(self, new: str) -> None:
        """After a recovery code was used: set the new passphrase and use the code up,
        in one transaction, so the code can never outlive the passphrase it replaced."""
        self._store_new_passphrase(new, use_up_recovery_code=True)

    def _store_new_passphrase(self, new: str, *, use_up_recovery_code: bool = False) -> None:
        check_new_passphrase(new)
        params = self._vault.kdf_factory()
        kek = derive_kek(new, params)
        me = self._ctx.account.uuid
        try:
            blob = wrap_key(kek, self._ctx.keys.user, user_key_ctx(me))
        finally:
            kek.wipe()
        code = ", recovery_kdf = null, recovery_user_key = null" if use_up_recovery_code else ""
        with self._write() as db:
            db.execute(
                f"update accounts set kdf = ?, user_key = ?, revision = revision + 1{code} "
                "where uuid = ?",
                [params.to_json(), blob, me],
            )

    def create_recovery_code(self) -> str:
        """A new one-time recovery code for me, replacing any earlier one. Shown once."""
        self._ctx.check()
        me = self._ctx.account.uuid
        code, columns = self._vault.new_recovery_columns(me, self._ctx.keys.user)
        with self._write() as db:
            db.table("accounts").update(me, columns)
        return code

    def remove_recovery_code(self) -> None:
        self._ctx.check()
        with self._write() as db:
            db.execute(
                "update accounts set recovery_kdf = null, recovery_user_key = null where uuid = ?",
                [self._ctx.account.uuid],
            )


def _delete_personal_records(db: Database, account_uuid: str) -> None:
    """Delete someone's debriefs and drafts with their sealed history: once their personal
    key is gone, nobody can ever open them."""
    for table in ("debriefs", "drafts"):
        db.execute(
            "delete from revisions where table_name = ? and record_uuid in "
            f"(select uuid from {table} where owner_uuid = ?)",
            [table, account_uuid],
        )
        db.execute(f"delete from {table} where owner_uuid = ?", [account_uuid])
