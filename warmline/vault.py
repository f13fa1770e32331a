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

from warmline import db as dbmod
from warmline.accounts import (
    Account,
    AccountKeys,
    Role,
    check_new_passphrase,
    clean_display_name,
    enrol,
    kek_for,
    load_row,
    recovery_ctx,
    unwrap_account,
)
from warmline.crypto import (
    FLOOR,
    KdfParams,
    Key,
    calibrate,
    derive_kek,
    new_recovery_code,
    normalise_recovery_code,
    wrap_key,
)
from warmline.errors import (
    AccountDisabled,
    UnknownAccount,
    VaultExists,
    VaultInUse,
    VaultMissing,
    WrongPassphrase,
)
from warmline.paths import LOCK_FILENAME, VAULT_FILENAME, ensure_private_dir
from warmline.records import Unlocked, new_uuid
from warmline.session import Session
from warmline.timeutil import to_iso, utcnow

KdfFactory = Callable[[], KdfParams]


@functools.cache
def _calibrated() -> KdfParams:
    return calibrate().params


def default_kdf_factory() -> KdfParams:
    """Argon2id tuned to about half a second on this machine (measured once per run)."""
    return _calibrated().with_new_salt()


def recovery_kdf_params() -> KdfParams:
    """Recovery codes carry ~123 bits of their own, so the floor settings are plenty."""
    return KdfParams(b"", FLOOR.memory_kib, FLOOR.iterations, 4).with_new_salt()


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
        check_new_passphrase(passphrase)
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
        team_key = Key.generate()
        try:
            row = enrol(coordinator_name, Role.COORDINATOR, passphrase, factory(), team_key)
            with dbmod.writing(database, str(path)):
                dbmod.set_meta(database, "line_name", line_name)
                dbmod.set_meta(database, "vault_uuid", new_uuid())
                dbmod.set_meta(database, "created_at", to_iso(utcnow()) or "")
                dbmod.set_meta(database, "team_key_id", team_key.key_id.hex())
                if demo:
                    dbmod.set_meta(database, "demo", "1")
                database.table("accounts").insert(row)
        except BaseException:
            vault.close()
            path.unlink(missing_ok=True)
            raise
        finally:
            team_key.wipe()
        return vault, vault.unlock(row["uuid"], passphrase)

    @classmethod
    def open(cls, data_dir: Path, *, kdf_factory: KdfFactory | None = None) -> Vault:
        data_dir = Path(data_dir)
        path = cls.path_in(data_dir)
        if not cls.exists(data_dir):
            raise VaultMissing(str(data_dir))
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
        rows = self.db.query("select * from accounts order by display_name collate nocase")
        accounts = [Account.from_row(r) for r in rows]
        return [a for a in accounts if include_disabled or not a.disabled]

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

    def _session(self, row: dict[str, Any], keys: AccountKeys) -> Session:
        ctx = Unlocked(self.db, str(self.path), Account.from_row(row), keys)
        session = Session(self, ctx)
        self._sessions = [s for s in self._sessions if not s.locked] + [session]
        return session

    def unlock(self, account_uuid: str, passphrase: str) -> Session:
        """Check the passphrase by unwrapping the account's keys; slow on purpose (Argon2id)."""
        row = self._row_for_unlock(account_uuid)
        keys = unwrap_account(row, kek_for(passphrase, row["kdf"]))
        return self._session(row, keys)

    def unlock_with_recovery_code(
        self, account_uuid: str, code: str, new_passphrase: str
    ) -> Session:
        """Use a one-time recovery code: sets a new passphrase and uses the code up."""
        check_new_passphrase(new_passphrase)
        row = self._row_for_unlock(account_uuid)
        if not row["recovery_user_key"]:
            raise WrongPassphrase()
        kek = kek_for(normalise_recovery_code(code), row["recovery_kdf"])
        keys = unwrap_account(row, kek, via_recovery=True)
        session = self._session(row, keys)
        try:
            session.team.change_my_passphrase_after_recovery(new_passphrase)
        except BaseException:
            session.lock()  # no half-recovered session may stay unlocked
            raise
        return session

    # --- helpers for Session -----------------------------------------------------------------

    def new_recovery_columns(self, account_uuid: str, user_key: Key) -> tuple[str, dict[str, Any]]:
        code = new_recovery_code()
        params = recovery_kdf_params()
        kek = derive_kek(code, params)
        try:
            blob = wrap_key(kek, user_key, recovery_ctx(account_uuid))
        finally:
            kek.wipe()
        return code, {"recovery_kdf": params.to_json(), "recovery_user_key": blob}
