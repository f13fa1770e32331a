"""The vault: one data folder holding one line's SQLite file, and the door into it.

``Vault.create`` makes a new line with its first coordinator; ``Vault.open`` opens an
existing one (refusing a damaged file, a file from a newer Warmline, or a folder another
running copy already holds); ``unlock`` turns an account and passphrase into a
:class:`~warmline.session.Session`, the only way to reach sealed records.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import filelock
from sqlite_utils import Database

from warmline import audit
from warmline import db as dbmod
from warmline import roster as rostermod
from warmline.accounts import (
    Account,
    AccountKeys,
    Role,
    anchor_ctx,
    check_new_passphrase,
    clean_display_name,
    founder_enrolment,
    kek_for,
    list_accounts,
    load_row,
    open_anchor,
    open_key_pairs,
    open_personal_key,
    open_user_key,
    open_user_key_with_code,
    private_half_ctx,
    team_key_ctx,
)
from warmline.crypto import (
    FORMAT_VERSION,
    KdfParams,
    Key,
    KeyPair,
    calibrate,
    normalise_recovery_code,
    seal,
    seal_key_pair,
    unwrap_key,
)
from warmline.errors import (
    AccountDisabled,
    UnknownAccount,
    VaultExists,
    VaultInUse,
    VaultMissing,
    WrongPassphrase,
)
from warmline.keyring import TeamKeyring, keep_committed, load_keyring, seal_generation_to
from warmline.own_keys import Recovery, renew
from warmline.paths import LOCK_FILENAME, VAULT_FILENAME, ensure_private_dir, make_private
from warmline.records import Unlocked, new_uuid
from warmline.session import Session

KdfFactory = Callable[[], KdfParams]


@functools.cache
def _calibrated() -> KdfParams:
    return calibrate().params


def default_kdf_factory() -> KdfParams:
    """Argon2id tuned to about half a second on this machine (measured once per run)."""
    return _calibrated().with_new_salt()


class Vault:
    """An open data folder. Holds the folder lock for as long as it is open."""

    def __init__(
        self,
        data_dir: Path,
        database: Database,
        lock: filelock.BaseFileLock,
        kdf_factory: KdfFactory,
    ) -> None:
        self.data_dir = data_dir
        self.db = database
        self._lock = lock
        self.kdf_factory = kdf_factory
        self._sessions: list[Session] = []

    # --- opening ---------------------------------------------------------------------------

    @staticmethod
    def path_in(data_dir: Path) -> Path:
        return Path(data_dir) / VAULT_FILENAME

    @staticmethod
    def exists(data_dir: Path) -> bool:
        """Whether the folder holds a vault. An empty file is what a first run killed before
        its first write leaves; it holds nothing, so it does not count."""
        path = Vault.path_in(data_dir)
        return path.exists() and path.stat().st_size > 0

    @staticmethod
    def _take_lock(data_dir: Path) -> filelock.BaseFileLock:
        lock = filelock.FileLock(str(Path(data_dir) / LOCK_FILENAME), timeout=0, mode=0o600)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise VaultInUse() from None
        return lock

    @classmethod
    def create(
        cls,
        data_dir: Path,
        line_name: str,
        coordinator_name: str,
        passphrase: str,
        *,
        kdf_factory: KdfFactory | None = None,
        demo: bool = False,
    ) -> tuple[Vault, Session]:
        """Make a new line with its first coordinator, and return it unlocked.

        ``demo`` marks a line of made-up people (see :attr:`is_demo`)."""
        data_dir = Path(data_dir)
        line_name = clean_display_name(line_name)
        clean_display_name(coordinator_name)
        check_new_passphrase(passphrase, (coordinator_name, line_name))
        ensure_private_dir(data_dir)
        lock = cls._take_lock(data_dir)
        try:
            path = cls.path_in(data_dir)
            if cls.exists(data_dir):
                raise VaultExists(str(path))
            path.unlink(missing_ok=True)  # an empty leftover of an interrupted first run
            database = dbmod.connect(path, create=True)
        except BaseException:
            lock.release()
            raise
        factory = kdf_factory or default_kdf_factory
        vault = cls(data_dir, database, lock, factory)
        try:
            made, signer = founder_enrolment(
                coordinator_name, passphrase, factory(), user_inputs=(line_name,)
            )
        except BaseException:
            vault.close()
            path.unlink(missing_ok=True)
            raise
        team_key = Key.generate()
        line_uuid = new_uuid()
        founder = made.row["uuid"]
        try:
            with dbmod.writing(database, str(path)):
                dbmod.set_meta(database, "line_name", line_name)
                dbmod.set_meta(database, "vault_uuid", line_uuid)
                if demo:
                    dbmod.set_meta(database, "demo", "1")
                database.table("accounts").insert(made.row)
                database.table("team_keys").insert(
                    {
                        "generation": 1,
                        "account_uuid": founder,
                        "wrap": seal_generation_to(
                            line_uuid, founder, made.box_public, 1, team_key
                        ),
                    }
                )
                rostermod.found(
                    database,
                    line_uuid,
                    founder,
                    signer,
                    [rostermod.Member(founder, Role.COORDINATOR, False, signer.public,
                                      made.box_public)],
                    team_key,
                    FORMAT_VERSION,  # a new line never held an older format
                )  # fmt: skip
        except BaseException:
            vault.close()
            path.unlink(missing_ok=True)
            raise
        finally:
            team_key.wipe()
            signer.wipe()
        return vault, vault.unlock(founder, passphrase)

    @classmethod
    def open(cls, data_dir: Path, *, kdf_factory: KdfFactory | None = None) -> Vault:
        data_dir = Path(data_dir)
        path = cls.path_in(data_dir)
        if not cls.exists(data_dir):
            raise VaultMissing(str(data_dir))
        make_private(data_dir)  # a folder restored by copying arrives open to everyone
        lock = cls._take_lock(data_dir)
        try:
            database = dbmod.connect(path)
        except BaseException:
            lock.release()
            raise
        return cls(data_dir, database, lock, kdf_factory or default_kdf_factory)

    def close(self) -> None:
        for session in self._sessions:
            session.lock()
        self._sessions.clear()
        self.db.close()
        self._lock.release()

    # --- what anyone can see before unlocking -----------------------------------------------

    @property
    def path(self) -> Path:
        return self.path_in(self.data_dir)

    @property
    def line_name(self) -> str:
        return dbmod.get_meta(self.db, "line_name") or "Warmline"

    @property
    def is_demo(self) -> bool:
        """A demo line, made up from start to end: its passphrase may be shown on screen."""
        return dbmod.get_meta(self.db, "demo") == "1"

    def accounts(self, *, include_disabled: bool = True) -> list[Account]:
        return list_accounts(self.db, include_disabled=include_disabled)

    @property
    def line_uuid(self) -> str:
        return dbmod.get_meta(self.db, "vault_uuid") or ""

    def account(self, account_uuid: str) -> Account:
        row = load_row(self.db, account_uuid)
        if row is None:
            raise UnknownAccount()
        return Account.from_row(row)

    # --- unlocking -------------------------------------------------------------------------

    def _row_for_unlock(self, account_uuid: str) -> dict[str, Any]:
        row = load_row(self.db, account_uuid)
        if row is None:
            raise UnknownAccount()
        if row["disabled"]:
            raise AccountDisabled()
        return row

    def unlock(self, account_uuid: str, passphrase: str) -> Session:
        """Check the passphrase by unwrapping the account's keys; slow on purpose (Argon2id)."""
        with dbmod.reading(str(self.path)):  # a damaged file says so in plain words
            return self._unlock(account_uuid, passphrase)

    def _unlock(self, account_uuid: str, passphrase: str) -> Session:
        row = self._row_for_unlock(account_uuid)
        kek = kek_for(passphrase, row["kdf"])
        try:
            try:
                user = open_user_key(row, kek)
            except WrongPassphrase:
                audit.note_failed_unlock(self.db, str(self.path), account_uuid)
                raise
            session, renew_now = self._open(row, user)
            if renew_now:
                self._renew_after_enrolment(session, kek, row["kdf"])
            self._record_unlock(session, audit.Kind.UNLOCK)
            return session
        finally:
            kek.wipe()

    @staticmethod
    def _record_unlock(session: Session, kind: str) -> None:
        """The unlock goes on the record of activity, or the session does not open."""
        try:
            session.audit.unlocked(kind)
        except BaseException:
            session.lock()
            raise

    def unlock_with_recovery_code(
        self, account_uuid: str, code: str, new_passphrase: str
    ) -> Session:
        """Use a one-time recovery code: sets a new passphrase, makes new keys and uses the
        code up (its recovery key is dropped, so it opens nothing in this file again)."""
        check_new_passphrase(new_passphrase)
        row = self._row_for_unlock(account_uuid)
        if not row["recovery_user_key"]:
            raise WrongPassphrase()
        code_kek = kek_for(normalise_recovery_code(code), row["recovery_kdf"])
        try:
            user = open_user_key_with_code(row, code_kek)
        except WrongPassphrase:
            audit.note_failed_unlock(self.db, str(self.path), account_uuid)
            raise
        finally:
            code_kek.wipe()
        session, _renew = self._open(row, user)  # recovery makes every key new anyway
        try:
            session.team.change_my_passphrase_after_recovery(new_passphrase)
        except BaseException:
            session.lock()  # no half-recovered session may stay unlocked
            raise
        self._record_unlock(session, audit.Kind.UNLOCK_WITH_CODE)
        return session

    def _renew_after_enrolment(self, session: Session, kek: Key, kdf_json: str) -> None:
        """Whoever enrolled this person held their first keys: replace them all now."""
        try:
            renew(session._ctx, kek, kdf_json, recovery=Recovery.KEEP, new_pairs=True)
        except BaseException:
            session.lock()
            raise

    def _open(self, row: dict[str, Any], user: Key) -> tuple[Session, bool]:
        """From an unwrapped user key to a session whose role the signed roster gives.

        The second value says whether this person's keys must be made new now: true while
        they are the keys someone else enrolled them with (the roster knows, not a column).
        """
        uuid = row["uuid"]
        line = self.line_uuid
        held: list[Key | KeyPair | TeamKeyring] = [user]
        try:
            personal = open_personal_key(row, user)
            held.append(personal)
            pairs = open_key_pairs(row, user)
            if pairs is None:  # a row from before key pairs: carry it over now
                box, signer, ring = self._carry_over(row, user, line, held)
            else:
                box, signer = pairs
                held += [box, signer]
                ring = load_keyring(self.db, line, uuid, box)
                held.append(ring)
            keys = AccountKeys(user=user, personal=personal, box=box, signer=signer, ring=ring)
            role, renew_now, min_format = self._check_roster(row, keys, line)
        except BaseException:
            for thing in held:
                thing.wipe()
            raise
        account = Account.from_row({**row, "role": role.value})
        ctx = Unlocked(
            self.db, str(self.path), account, keys, line, min_format=min_format,
            device_id=dbmod.get_meta(self.db, "device_id") or "local",
        )  # fmt: skip
        session = Session(ctx, self.kdf_factory, self.unlock)
        self._sessions = [s for s in self._sessions if not s.locked] + [session]
        return session, renew_now

    def _carry_over(
        self, row: dict[str, Any], user: Key, line: str, held: list[Key | KeyPair | TeamKeyring]
    ) -> tuple[KeyPair, KeyPair, TeamKeyring]:
        """Give an account from before key generations its key pairs, and move the team key
        it held into generation 1, sealed to its new X25519 key. Its pin starts as a
        placeholder ("no roster seen yet"), so a missing pin is never taken for a new one."""
        uuid = row["uuid"]
        if not row["team_key"]:  # its generation was replaced and cleared before it came back
            raise rostermod.NeedsReset()
        team = unwrap_key(user, row["team_key"], team_key_ctx(uuid))
        box, signer = KeyPair.generate("box"), KeyPair.generate("sign")
        ring = TeamKeyring()
        ring.add(1, team)
        held += [box, signer, ring]
        with dbmod.writing(self.db, str(self.path)) as db:
            db.execute(
                "update accounts set box_public = ?, sign_public = ?, box_private = ?, "
                "sign_private = ?, anchor = ? where uuid = ?",
                [
                    box.public,
                    signer.public,
                    seal_key_pair(user, box, private_half_ctx(uuid, "box")),
                    seal_key_pair(user, signer, private_half_ctx(uuid, "sign")),
                    seal(user, rostermod.PENDING_PIN, anchor_ctx(uuid)),
                    uuid,
                ],
            )
            db.execute("delete from team_keys where account_uuid = ?", [uuid])
            db.table("team_keys").insert(
                {
                    "generation": 1,
                    "account_uuid": uuid,
                    "wrap": seal_generation_to(line, uuid, box.public, 1, team),
                },
            )
        return box, signer, ring

    def _check_roster(
        self, row: dict[str, Any], keys: AccountKeys, line: str
    ) -> tuple[Role, bool, int]:
        """The role the signed roster gives, and whether this person's keys must be made new.

        Checks the chain against this member's pin, keeps only the team-key generations the
        roster committed to, moves the pin forward, and founds the roster on a file from
        before it (first coordinator to unlock).
        """
        uuid = row["uuid"]
        fresh = load_row(self.db, uuid) or row
        pin = rostermod.read_pin(open_anchor(fresh, keys.user))
        first = keys.ring.generations().get(1)
        state = rostermod.verify_roster(self.db, line, pin, first)
        if state is None:
            if Role(row["role"]) is not Role.COORDINATOR:
                # Before the roster exists, the file is all there is; only generation 1 can
                # be real, since replacing the key needs the roster.
                keys.ring = rostermod_only_first(keys.ring)
                return Role(row["role"]), False, 1
            state = self._found_roster(uuid, keys, line)
        member = state.members.get(uuid)
        if member is None:
            raise rostermod.NotOnRoster()
        if member.disabled:
            raise AccountDisabled()
        if member.sign is None:  # carried over after the roster was founded
            if state.generation != 1 or first is None:
                raise rostermod.NeedsReset()
            with dbmod.writing(self.db, str(self.path)) as db:
                state = rostermod.append(
                    db, state, keys.signer, uuid, "keys", first,
                    **rostermod.legacy_keys_entry_fields(
                        line, uuid, keys.signer.public, keys.box.public, first
                    ),
                )  # fmt: skip
            member = state.members[uuid]
        if member.sign != keys.signer.public or member.box != keys.box.public:
            raise rostermod.RosterTampered()
        keys.ring = keep_committed(keys.ring, line, state.commitments, state.generation)
        if pin is None or state.seq > pin.seq:
            with dbmod.writing(self.db, str(self.path)) as db:
                rostermod.store_pin(db, state, uuid, keys.user)
        return member.role, not member.own_keys, state.min_format

    def _found_roster(self, uuid: str, keys: AccountKeys, line: str) -> rostermod.RosterState:
        """A file from before the roster: the first coordinator to unlock signs the team as
        the file lists it (the trust the file had until then). Only the founder's own keys
        go in: everyone else announces theirs at their next unlock, unconfirmed until a
        coordinator confirms them, so no public key is taken from a row anyone could edit."""
        members = []
        for other in self.db.query("select * from accounts"):
            try:
                role = Role(other["role"])
            except ValueError:
                role = Role.VOLUNTEER
            mine = other["uuid"] == uuid
            members.append(
                rostermod.Member(
                    other["uuid"],
                    role,
                    bool(other["disabled"]),
                    keys.signer.public if mine else None,
                    keys.box.public if mine else None,
                )
            )
        first = keys.ring.generations().get(1)
        if first is None:
            raise rostermod.NeedsReset()
        with dbmod.writing(self.db, str(self.path)) as db:
            return rostermod.found(db, line, uuid, keys.signer, members, first)


def rostermod_only_first(ring: TeamKeyring) -> TeamKeyring:
    """Keep generation 1 only (see :meth:`Vault._check_roster`)."""
    kept = TeamKeyring()
    for generation, key in ring.generations().items():
        if generation == 1:
            kept.add(1, key)
        else:
            key.wipe()
    if not len(kept):
        raise rostermod.NeedsReset()
    return kept
