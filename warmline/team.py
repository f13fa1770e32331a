"""Managing the team from an unlocked session: accounts, roles, passphrases, recovery codes.

Coordinators add people (who type their own passphrase at the workstation), change roles,
switch accounts off and reset passphrases. Each of these is an entry in the signed roster
(:mod:`warmline.roster`), written in the same transaction as the account row, and checked
against the roster as it stands when the action runs: a role typed into the file by hand
gives no one coordinator powers here.

Switching someone off or resetting their passphrase also replaces the team key
(:mod:`warmline.rotation`): the new generation is sealed to everyone else, and older records
are re-sealed to it in the background. A reset wraps a new account for the same person; their
old personal key is gone with the old passphrase, so their private reflections and drafts can
never be opened again. :meth:`TeamAdmin.personal_records` lets the screen say how many
before it happens, and the reset deletes them.

Team administration needs the database, the unlocked keys and a KDF factory; it does not
need (or import) the vault, so the core reads top-down: vault -> session -> team.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import NamedTuple

from sqlite_utils import Database

from warmline import roster as rostermod
from warmline.accounts import (
    Account,
    Role,
    clean_display_name,
    enrol,
    kek_for,
    list_accounts,
    load_row,
    open_anchor,
    open_user_key,
)
from warmline.crypto import KdfParams, Key, derive_kek
from warmline.db import checkpoint, get_meta, writing
from warmline.errors import InvalidInput, NotAllowed, Tampered, UnknownAccount
from warmline.keyring import seal_generation_to
from warmline.own_keys import Recovery, renew
from warmline.records import Unlocked
from warmline.rotation import start_generation

KdfFactory = Callable[[], KdfParams]


@dataclass(frozen=True)
class RosterProblem:
    """A difference between the account list in the file and the signed roster."""

    account_uuid: str
    display_name: str
    what: str
    #: "unconfirmed": carried over after an update, waiting for a coordinator to vouch.
    kind: str = "mismatch"


class PersonalRecords(NamedTuple):
    """What only one person's passphrase can open, counted by kind so a screen can say
    "2 private reflections and 1 unfinished note" rather than an unexplained total."""

    reflections: int
    unfinished_notes: int

    @property
    def total(self) -> int:
        return self.reflections + self.unfinished_notes


class TeamAdmin:
    def __init__(self, ctx: Unlocked, kdf_factory: KdfFactory) -> None:
        self._ctx = ctx
        self._kdf_factory = kdf_factory

    # --- the roster as it stands ---------------------------------------------------------------

    def _roster(self, db: Database | None = None) -> rostermod.RosterState:
        """The signed roster, checked from this person's own trust anchor, right now."""
        self._ctx.check()
        db = db or self._ctx.db
        row = load_row(db, self._ctx.account.uuid)
        if row is None:
            raise rostermod.RosterTampered()
        pin = rostermod.read_pin(open_anchor(row, self._ctx.keys.user))
        state = rostermod.verify_roster(db, self._ctx.line_uuid, pin, self._gen1())
        if state is None:
            raise NotAllowed(
                "The team list has not been set up in this file yet: a coordinator needs to "
                "unlock Warmline once first."
            )
        return state

    def _gen1(self) -> Key | None:
        return self._ctx.keys.ring.generations().get(1)

    def _require_coordinator(self, db: Database | None = None) -> rostermod.RosterState:
        state = self._roster(db)
        me = state.members.get(self._ctx.account.uuid)
        if me is None or me.disabled or me.role is not Role.COORDINATOR or not me.confirmed:
            raise NotAllowed("Only a coordinator can change the team.")
        return state

    def _sign(
        self, db: Database, state: rostermod.RosterState, kind: str, **fields: object
    ) -> rostermod.RosterState:
        """Append a roster entry signed by me, and move my pin to it (same transaction)."""
        keys = self._ctx.keys
        state = rostermod.sign_and_pin(
            db, state, keys.signer, self._ctx.account.uuid, keys.user, self._gen1(), kind,
            **fields,
        )  # fmt: skip
        if self._ctx.on_change is not None:  # the record of activity, same transaction
            what = "on" if fields.get("switch_on") else kind
            self._ctx.on_change("accounts", str(fields.get("account", "")), what)
        return state

    def _pin_me(self, db: Database, state: rostermod.RosterState) -> None:
        rostermod.store_pin(db, state, self._ctx.account.uuid, self._ctx.keys.user)

    def _other(self, account_uuid: str) -> Account:
        row = load_row(self._ctx.db, account_uuid)
        if row is None:
            raise UnknownAccount()
        return Account.from_row(row)

    @staticmethod
    def _would_leave_no_coordinator(state: rostermod.RosterState, account_uuid: str) -> bool:
        others = [m for m in state.active_coordinators() if m.uuid != account_uuid]
        return not others

    def _write(self) -> AbstractContextManager[Database]:
        return writing(self._ctx.db, self._ctx.path)

    def _line_name(self) -> str:
        return get_meta(self._ctx.db, "line_name") or ""

    def _wrap_generations_for(self, db: Database, account_uuid: str, box_public: bytes) -> None:
        """Seal every team-key generation this session holds to a (new or reset) member."""
        db.execute("delete from team_keys where account_uuid = ?", [account_uuid])
        for generation, key in self._ctx.keys.ring.generations().items():
            db.table("team_keys").insert(
                {
                    "generation": generation,
                    "account_uuid": account_uuid,
                    "wrap": seal_generation_to(
                        self._ctx.line_uuid, account_uuid, box_public, generation, key
                    ),
                }
            )

    # --- coordinator actions -----------------------------------------------------------------

    def accounts(self) -> list[Account]:
        """Everyone in the file, with the role and state the signed roster gives them (a
        role typed into the file by hand is not shown as if it were real)."""
        self._ctx.check()
        accounts = list_accounts(self._ctx.db)
        try:
            state = self._roster()
        except NotAllowed:  # no roster yet (a file from before it): the file is all there is
            return accounts
        out = []
        for account in accounts:
            member = state.members.get(account.uuid)
            if member is None:
                out.append(replace(account, disabled=True))
            else:
                out.append(replace(account, role=member.role, disabled=member.disabled))
        return out

    def add_account(self, display_name: str, passphrase: str, role: Role) -> Account:
        """Add a person. They type their own passphrase; nobody else needs to know it."""
        state = self._require_coordinator()
        name = clean_display_name(display_name)
        if any(a.display_name.casefold() == name.casefold() for a in self.accounts()):
            raise InvalidInput("Someone on the team already has that name. Please add an initial.")
        made = enrol(
            name,
            role,
            passphrase,
            self._kdf_factory(),
            state.pin().to_bytes(),
            user_inputs=(self._line_name(),),
        )
        uuid = made.row["uuid"]
        with self._write() as db:
            state = self._require_coordinator(db)
            self._sign(
                db, state, "add",
                account=uuid, role=role.value, sign=made.sign_public, box=made.box_public,
            )  # fmt: skip
            db.table("accounts").insert(made.row)
            self._wrap_generations_for(db, uuid, made.box_public)
        return Account.from_row(made.row)

    def set_role(self, account_uuid: str, role: Role) -> Account:
        state = self._require_coordinator()
        member = state.members.get(account_uuid)
        if member is None:
            raise UnknownAccount()
        demoting = member.role is Role.COORDINATOR and role is not Role.COORDINATOR
        if demoting and self._would_leave_no_coordinator(state, account_uuid):
            raise InvalidInput("The team needs at least one coordinator.")
        with self._write() as db:
            state = self._require_coordinator(db)
            self._sign(
                db, state, "role",
                account=account_uuid, role=role.value,
            )  # fmt: skip
            db.execute(
                "update accounts set role = ?, revision = revision + 1 where uuid = ?",
                [role.value, account_uuid],
            )
        return self._other(account_uuid)

    def set_disabled(self, account_uuid: str, disabled: bool) -> Account:
        """Switch an account off, or back on.

        Switching off removes the account's keys (and recovery code) from the file, not only
        a flag, and replaces the team key: the new generation goes to everyone else, and once
        the background re-seal has finished, nothing in the current file opens with the
        departed person's old keys or passphrase. Their private records go too, since only
        their keys could open them. Switching back on is a re-enrolment with a new
        passphrase (:meth:`reset_passphrase` with ``switch_on=True``).
        """
        state = self._require_coordinator()
        other = self._other(account_uuid)
        if not disabled:
            if other.disabled:
                raise InvalidInput(
                    f"To switch {other.display_name} back on, set a new passphrase for them."
                )
            return other
        # Only an active coordinator gets here, and never for their own account, so the team
        # always keeps that coordinator: switching anyone else off cannot leave it without one.
        if account_uuid == self._ctx.account.uuid:
            raise InvalidInput("You cannot switch off your own account while using it.")
        with self._write() as db:
            state = self._require_coordinator(db)
            if account_uuid in state.members:
                state = self._sign(
                    db, state, "off",
                    account=account_uuid,
                )  # fmt: skip
            _delete_personal_records(db, account_uuid)
            db.execute("delete from team_keys where account_uuid = ?", [account_uuid])
            db.execute(
                "update accounts set disabled = 1, user_key = x'', team_key = x'', "
                "personal_key = x'', box_private = null, sign_private = null, anchor = null, "
                "box_public = null, sign_public = null, recovery_key = null, "
                "recovery_wrap = null, recovery_kdf = null, recovery_user_key = null, "
                "revision = revision + 1 where uuid = ?",
                [account_uuid],
            )
            self._new_generation(db, state)
        checkpoint(self._ctx.db)  # the removed keys must not linger in the WAL
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
        whose account was switched off), and replace the team key. Returns how many private
        records were lost (they could never be opened again, so they are deleted)."""
        state = self._require_coordinator()
        if account_uuid == self._ctx.account.uuid:
            raise InvalidInput("To change your own passphrase, use My account.")
        other = self._other(account_uuid)
        member = state.members.get(account_uuid)
        role = member.role if member is not None else other.role
        fresh = enrol(
            other.display_name,
            role,
            new_passphrase,
            self._kdf_factory(),
            state.pin().to_bytes(),
            account_uuid=account_uuid,
            user_inputs=(self._line_name(),),
        )
        lost = self.personal_record_count(account_uuid)
        columns = {k: v for k, v in fresh.row.items() if k not in ("uuid", "display_name")}
        columns.pop("created_at", None)
        columns.pop("revision", None)
        columns["disabled"] = 0 if switch_on else int(other.disabled)
        with self._write() as db:
            state = self._require_coordinator(db)
            if account_uuid in state.members:
                state = self._sign(
                    db, state, "reset",
                    account=account_uuid, sign=fresh.sign_public, box=fresh.box_public,
                    switch_on=switch_on,
                )  # fmt: skip
            else:  # carried over from before the roster and never seen: add them now
                state = self._sign(
                    db, state, "add",
                    account=account_uuid, role=role.value, sign=fresh.sign_public,
                    box=fresh.box_public,
                )  # fmt: skip
            _delete_personal_records(db, account_uuid)
            sets = ", ".join(f"[{k}] = ?" for k in columns)
            db.execute(
                f"update accounts set {sets}, revision = revision + 1 where uuid = ?",
                [*columns.values(), account_uuid],
            )
            if not state.members[account_uuid].disabled:
                self._wrap_generations_for(db, account_uuid, fresh.box_public)
            self._new_generation(db, state)
        checkpoint(self._ctx.db)
        return lost

    def replace_team_key(self) -> int:
        """A new team-key generation for everyone on the team now; returns its number."""
        self._require_coordinator()
        with self._write() as db:
            return self._new_generation(db, self._require_coordinator(db))

    def _new_generation(self, db: Database, state: rostermod.RosterState) -> int:
        generation, state = start_generation(db, self._ctx, state)
        self._pin_me(db, state)
        if self._ctx.on_change is not None:
            self._ctx.on_change("team_keys", "", "rotate")
        return generation

    def roster_problems(self) -> list[RosterProblem]:
        """Where the account rows in the file differ from the signed roster (hand edits)."""
        state = self._require_coordinator()
        problems: list[RosterProblem] = []
        for row in self._ctx.db.query("select * from accounts"):
            member = state.members.get(row["uuid"])
            name = row["display_name"]
            if member is None:
                problems.append(RosterProblem(row["uuid"], name, "not on the signed team list"))
                continue
            if row["role"] != member.role.value:
                problems.append(
                    RosterProblem(
                        row["uuid"],
                        name,
                        f"the file says {row['role']!r}, the signed team list says "
                        f"{member.role.label.lower()}",
                    )
                )
            if not member.confirmed and not member.disabled:
                problems.append(
                    RosterProblem(
                        row["uuid"],
                        name,
                        "set up their account again after an update; a coordinator confirms "
                        "it is them by setting their role",
                        "unconfirmed",
                    )
                )
            if bool(row["disabled"]) != member.disabled:
                on_off = "switched off" if member.disabled else "switched on"
                problems.append(
                    RosterProblem(row["uuid"], name, f"the signed team list says {on_off}")
                )
        return problems

    # --- anyone, for themselves -----------------------------------------------------------

    def _check_current(self, current: str) -> None:
        """The current passphrase, checked by unwrapping (never compared with a stored hash)."""
        self._ctx.check()
        row = load_row(self._ctx.db, self._ctx.account.uuid)
        if row is None:
            raise Tampered("Your account")
        kek = kek_for(current, row["kdf"])
        try:
            open_user_key(row, kek).wipe()
        finally:
            kek.wipe()

    def _new_kek(self, passphrase: str) -> tuple[Key, str]:
        params = self._kdf_factory()
        return derive_kek(passphrase, params), params.to_json()

    def change_my_passphrase(self, current: str, new: str) -> None:
        """A new passphrase, and with it new keys of my own (see :mod:`warmline.own_keys`)."""
        self._check_current(current)
        self._set_passphrase(new, Recovery.KEEP)
        if self._ctx.on_change is not None:
            self._ctx.on_change("accounts", self._ctx.account.uuid, "own-passphrase")

    def change_my_passphrase_after_recovery(self, new: str) -> None:
        """After a recovery code was used: new passphrase, new keys, the code used up, in one
        transaction, so the code can never outlive the passphrase it replaced."""
        self._set_passphrase(new, Recovery.DROP)

    def _set_passphrase(self, new: str, recovery: Recovery) -> None:
        from warmline.accounts import check_new_passphrase

        self._ctx.check()
        check_new_passphrase(new, (self._ctx.account.display_name, self._line_name()))
        kek, kdf_json = self._new_kek(new)
        try:
            renew(self._ctx, kek, kdf_json, recovery=recovery, new_pairs=True)
        finally:
            kek.wipe()

    def create_recovery_code(self, current_passphrase: str) -> str:
        """A new one-time recovery code for me, replacing any earlier one. Shown once.

        Needs the current passphrase: a minute at someone's unlocked screen must not become
        a lasting way in. My keys are made new at the same time.
        """
        code = self._renew_with_current(current_passphrase, Recovery.NEW)
        assert code is not None
        return code

    def remove_recovery_code(self, current_passphrase: str) -> None:
        self._renew_with_current(current_passphrase, Recovery.DROP)

    def _renew_with_current(self, current: str, recovery: Recovery) -> str | None:
        self._ctx.check()
        row = load_row(self._ctx.db, self._ctx.account.uuid)
        if row is None:
            raise Tampered("Your account")
        kek = kek_for(current, row["kdf"])
        try:
            open_user_key(row, kek).wipe()  # WrongPassphrase if it is not the current one
            return renew(self._ctx, kek, row["kdf"], recovery=recovery, new_pairs=True)
        finally:
            kek.wipe()


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
