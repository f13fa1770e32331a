"""The SQLite file: safe opening, pragmas and migrations.

Only ciphertext and a few clear facts (UUIDs, times, roles, display names) are ever written
here, so the WAL, the journal and free pages can hold nothing a person typed. We still turn
on ``secure_delete`` so deleted ciphertext is overwritten too.

A file that looks damaged is never written to: the header and size are checked from raw
bytes before SQLite opens it, so a truncated or foreign file is refused untouched.
"""

from __future__ import annotations

import errno
import functools
import os
import secrets
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations
from sqlite_utils.db import Table

from warmline.errors import StorageFull, VaultCorrupt, VaultFromNewerVersion

SCHEMA_VERSION = 10
#: Stored in the SQLite header (offset 68) of every Warmline file: "WLIN". A file that does
#: not carry it, and is not an older Warmline file, is another program's and is never
#: written to.
APPLICATION_ID = 0x574C494E
_SQLITE_MAGIC = b"SQLite format 3\x00"

migrations = Migrations("warmline")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("accounts").create(
        {
            "uuid": str,
            "display_name": str,
            "role": str,
            "disabled": int,
            "created_at": str,
            "revision": int,
            "kdf": str,
            "user_key": bytes,
            "team_key": bytes,
            "personal_key": bytes,
            "recovery_kdf": str,
            "recovery_user_key": bytes,
        },
        pk="uuid",
        not_null={"display_name", "role", "kdf", "user_key", "team_key", "personal_key"},
    )
    db.table("callers").create(
        {"uuid": str, "revision": int, "created_at": str, "updated_at": str, "body": bytes},
        pk="uuid",
    )
    db.table("shifts").create(
        {
            "uuid": str,
            "revision": int,
            "started_at": str,
            "ended_at": str,
            "lead_uuid": str,
            "members": str,
            "body": bytes,
        },
        pk="uuid",
    )
    db.table("shifts").create_index(["started_at"])
    db.table("calls").create(
        {
            "uuid": str,
            "revision": int,
            "started_at": str,
            "ended_at": str,
            "duration_s": int,
            "author_uuid": str,
            "shift_uuid": str,
            "caller_uuid": str,
            "updated_at": str,
            "body": bytes,
        },
        pk="uuid",
    )
    db.table("calls").create_index(["started_at"])
    db.table("calls").create_index(["caller_uuid", "started_at"])
    db.table("calls").create_index(["shift_uuid"])
    db.table("handovers").create(
        {
            "uuid": str,
            "revision": int,
            "shift_uuid": str,
            "author_uuid": str,
            "created_at": str,
            "updated_at": str,
            "body": bytes,
        },
        pk="uuid",
    )
    db.table("handovers").create_index(["created_at"])
    db.table("acknowledgements").create(
        {"handover_uuid": str, "account_uuid": str, "acknowledged_at": str},
        pk=("handover_uuid", "account_uuid"),
    )
    db.table("debriefs").create(
        {
            "uuid": str,
            "revision": int,
            "owner_uuid": str,
            "call_uuid": str,
            "created_at": str,
            "updated_at": str,
            "body": bytes,
        },
        pk="uuid",
    )
    db.table("debriefs").create_index(["owner_uuid", "created_at"])
    db.table("drafts").create(
        {
            "uuid": str,
            "revision": int,
            "owner_uuid": str,
            "kind": str,
            "updated_at": str,
            "body": bytes,
        },
        pk="uuid",
    )
    db.table("drafts").create_index(["owner_uuid"])
    db.table("revisions").create(
        {
            "id": int,
            "table_name": str,
            "record_uuid": str,
            "revision": int,
            "edited_at": str,
            "edited_by": str,
            "body": bytes,
        },
        pk="id",
    )
    db.table("revisions").create_index(["table_name", "record_uuid"])
    db.table("settings").create({"key": str, "revision": int, "body": bytes}, pk="key")


@migrations()
def m002_calls_updated_at_index(db: Database) -> None:
    """Finding calls saved since a moment (to keep the search index current) without a scan."""
    db.table("calls").create_index(["updated_at"])


@migrations()
def m003_key_pairs_generations_roster(db: Database) -> None:
    """Keys that can be replaced (see warmline/keyring.py, roster.py, own_keys.py).

    Accounts gain an X25519 and an Ed25519 key pair (public halves in clear, private halves
    sealed under the user key), a sealed trust anchor, a recovery key and a flag asking for
    new keys at the next unlock. The team key moves out of each account row into numbered
    generations, each sealed to each member's X25519 key. The roster is the signed history
    of who is on the team with which role. Existing accounts keep their old ``team_key``
    column until their next unlock moves it into generation 1.
    """
    accounts = db.table("accounts")
    for column in (
        "box_public",
        "sign_public",
        "box_private",
        "sign_private",
        "anchor",
        "recovery_key",
        "recovery_wrap",
    ):
        accounts.add_column(column, bytes)
    accounts.add_column("renew_keys", int, not_null_default=0)
    db.table("team_keys").create(
        {"generation": int, "account_uuid": str, "wrap": bytes},
        pk=("generation", "account_uuid"),
    )
    db.table("roster").create(
        {"seq": int, "body": bytes, "signature": bytes},
        pk="seq",
        not_null={"body", "signature"},
    )


@migrations()
def m004_shift_handover_acks_and_followups(db: Database) -> None:
    """Handovers keep their author and times sealed: a coarse day is all that stays in clear.
    Acknowledgements (with a short reply) and follow-ups become sealed records of their own.
    """
    db.table("handovers").add_column("day", str)
    db.execute("create index if not exists idx_handovers_day on handovers (day)")
    for table in ("handover_acks", "followups"):
        db.table(table).create({"uuid": str, "revision": int, "day": str, "body": bytes}, pk="uuid")
        db.table(table).create_index(["day"])


@migrations()
def m005_revision_clear_columns(db: Database) -> None:
    """Record format 2 binds a row's clear columns into its body's associated data; an
    earlier version keeps, beside its body, the clear columns it was bound to."""
    db.table("revisions").add_column("clear", str)


@migrations()
def m006_sealed_reflection_times_and_word_requests(db: Database) -> None:
    """Reflections keep their call link and exact times sealed: a coarse day stays in clear.
    Requests for a word with the shift lead become a team-sealed record kind of their own.

    No screen wrote reflections before this; any row a tool made keeps its day, and its old
    clear link and times are cleared (they said which call a worker reflected on).
    """
    debriefs = db.table("debriefs")
    debriefs.add_column("day", str)
    db.execute("update debriefs set day = substr(created_at, 1, 10) where created_at is not null")
    db.execute("update debriefs set call_uuid = null, created_at = null, updated_at = null")
    db.execute("create index if not exists idx_debriefs_owner_day on debriefs (owner_uuid, day)")
    db.table("word_requests").create(
        {"uuid": str, "revision": int, "day": str, "body": bytes}, pk="uuid"
    )
    db.table("word_requests").create_index(["day"])


@migrations()
def m007_drafts_keep_only_a_day(db: Database) -> None:
    """Drafts keep their kind and time sealed; a coarse day stays in clear. Earlier private
    history rows (who edited a draft or reflection, and when) go: nobody else could read the
    bodies, and the times said when a person was writing."""
    db.table("drafts").add_column("day", str)
    db.execute("delete from revisions where table_name in ('drafts', 'debriefs')")


@migrations()
def m008_mark_demo_lines_made_before_the_mark(db: Database) -> None:
    """Demo lines made before demo lines were marked (Warmline 0.1) get their mark, so
    ``--demo`` opens them again instead of taking them for a real line. Recognised by what
    the demo maker always wrote: its line name and its coordinator's name. (At worst a real
    line so named would show the demo passphrase notice, which opens nothing of it.)"""
    if get_meta(db, "line_name") != "Demo line (fictional)":
        return
    names = {r["display_name"] for r in db.query("select display_name from accounts")}
    if "Demo Coordinator" in names:
        set_meta(db, "demo", "1")


#: Tables of sealed records (a UUID, a revision, a body) that get revision ids in m009.
_RECORD_TABLES = (
    "calls", "callers", "shifts", "handovers", "handover_acks", "followups", "debriefs",
    "drafts", "word_requests",
)  # fmt: skip


@migrations()
def m009_days_revision_ids_sealed_edits(db: Database) -> None:
    """Record format 3 (see warmline/moved_columns.py). Calls and shifts get the coarse day
    they started in clear, taken here from the exact time still in clear; the background
    re-seal at the next unlock moves the exact time (and the other facts) into the body and
    empties those columns. Every record gets a revision id and its parent's (docs/sync.md);
    an earlier version gets a sealed ``edit`` (who replaced it, when) instead of clear
    columns. This data folder gets its random device id.
    """
    for table in ("calls", "shifts"):
        db.table(table).add_column("day", str)
        db.execute(f"update [{table}] set day = substr(started_at, 1, 10) where day is null")
    db.execute("create index if not exists idx_calls_day_uuid on calls (day, uuid)")
    db.execute("create index if not exists idx_shifts_day on shifts (day)")
    for name in (
        "idx_calls_started_at",
        "idx_calls_caller_uuid_started_at",
        "idx_calls_shift_uuid",
        "idx_calls_updated_at",
        "idx_shifts_started_at",
    ):
        db.execute(f"drop index if exists [{name}]")  # fmt: skip
    for table in _RECORD_TABLES:
        db.table(table).add_column("rev_id", str)
        db.table(table).add_column("rev_parent", str)
    revisions = db.table("revisions")
    revisions.add_column("edit", bytes)
    revisions.add_column("rev_id", str)
    revisions.add_column("rev_parent", str)
    # 1 for a version kept beside the current one because both grew from the same parent
    # (only sync makes those): the record "needs a look" until someone saves over both.
    revisions.add_column("head", int, not_null_default=0)
    if get_meta(db, "device_id") is None:
        set_meta(db, "device_id", secrets.token_hex(8))


@migrations()
def m010_record_of_activity(db: Database) -> None:
    """The record of activity (see warmline/audit.py): sealed, chained entries with only a
    number and a coarse day in clear, the sealed marker of the newest entry, and the clear
    count of failed unlocks waiting for the next unlock to record them."""
    db.table("audit").create(
        {"uuid": str, "revision": int, "seq": int, "day": str, "body": bytes}, pk="uuid"
    )
    db.execute("create unique index if not exists idx_audit_seq on audit (seq)")
    db.table("audit_head").create({"uuid": str, "revision": int, "body": bytes}, pk="uuid")
    db.table("audit_pending").create({"account_uuid": str, "failed": int}, pk="account_uuid")


def _check_file(path: Path) -> None:
    """Refuse a file that is not a whole SQLite database, reading raw bytes only."""
    size = path.stat().st_size
    if size < 100:
        raise VaultCorrupt(str(path))
    with open(path, "rb") as f:
        header = f.read(100)
    if header[:16] != _SQLITE_MAGIC:
        raise VaultCorrupt(str(path))
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise VaultCorrupt(str(path))
    change_counter, pages, _, _ = struct.unpack(">IIII", header[24:40])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if size % page_size:
        raise VaultCorrupt(str(path))
    # A crash in the middle of a checkpoint can leave page 1 (with the new page count)
    # written before the file grew; SQLite completes it from the WAL, so only a file
    # without a WAL beside it is judged by its header's page count.
    wal = Path(str(path) + "-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    if not has_wal and valid_for == change_counter and pages and pages * page_size > size:
        raise VaultCorrupt(str(path))
    (application_id,) = struct.unpack(">I", header[68:72])
    if application_id != APPLICATION_ID and (
        application_id != 0 or not _looks_like_an_older_warmline_file(path)
    ):
        raise VaultCorrupt(str(path))


#: For readers of the file other than the vault (the backup): the same refusal, from raw bytes.
check_file = _check_file


def _looks_like_an_older_warmline_file(path: Path) -> bool:
    """Files made before the application id was set: read (never written) to see whether
    they hold Warmline's own tables. ``immutable=1`` makes SQLite open the file without
    creating a journal, a WAL or a lock, so another program's database stays as it was."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            names = {r[0] for r in conn.execute("select name from sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return {"meta", "accounts", "_sqlite_migrations"} <= names


def _create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 before SQLite ever writes to it.

    SQLite gives the -wal and -shm files the same mode as the main file.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _lenient_text(raw: bytes) -> str:
    """TEXT that is not UTF-8, as text: each bad byte becomes U+FFFD (see :func:`_rows`)."""
    return raw.decode("utf-8", "replace")


def _rows(cursor: _Cursor) -> Iterator[Any]:
    """The cursor's rows; a row holding TEXT that is not UTF-8 is read leniently.

    A tool can leave bytes that are not UTF-8 in a TEXT column (``x'ff' || body`` does).
    sqlite3 then fails the whole read, so one edited row would hide every row of a list.
    Instead that one row is fetched again with a lenient decoder: its text reads with
    U+FFFD where the bad bytes were, so a sealed row bound to that text fails to open and
    shows as damaged. (sqlite3 fetches a row before stepping past it, so the failed row is
    the next one fetched.) U+FFFD rather than ``surrogateescape``: such text is valid, so
    putting it back into a query or on screen cannot fail in turn. Other rows pay nothing:
    a decoder set on the connection for good would run for every text value read.
    """
    fetch = super(_Cursor, cursor).fetchone  # sqlite3's own, in C
    while True:
        try:
            yield from iter(fetch, None)
            return
        except sqlite3.OperationalError as exc:
            if "could not decode" not in str(exc).lower():
                raise
            conn = cursor.connection
            usual = conn.text_factory
            conn.text_factory = _lenient_text
            try:
                row = fetch()
            finally:
                conn.text_factory = usual
            if row is None:
                return
            yield row


class _Cursor(sqlite3.Cursor):
    """A cursor whose rows come through :func:`_rows`."""

    # An iterator of rows rather than the cursor itself, as sqlite3's is.
    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return _rows(self)

    def fetchone(self) -> Any:
        return next(_rows(self), None)

    def fetchall(self) -> list[Any]:
        return list(_rows(self))


class _Connection(sqlite3.Connection):
    """Every query's cursor is a :class:`_Cursor` (sqlite-utils reads through ``execute``)."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor(_Cursor).execute(sql, parameters)


class _KnownTable(Table):
    """One of Warmline's own tables: a write to it never creates it.

    sqlite-utils creates a missing table on insert, guessing its columns from the row. For
    our tables that would hide a table dropped with another tool (and a guessed table holds
    none of the rows before), so the write fails as SQLite's reads do, and
    :func:`writing` says the file is damaged.
    """

    def insert_all(self, *args: Any, **kwargs: Any) -> Table:
        if not self.exists():
            raise sqlite3.OperationalError(f"no such table: {self.name}")
        return super().insert_all(*args, **kwargs)


class _Database(Database):
    """sqlite-utils' database whose tables made by the migrations are :class:`_KnownTable`."""

    def table(self, table_name: str, **kwargs: Any) -> Table:
        if table_name in _expected_shape():
            kwargs.setdefault("strict", self.strict)
            return _KnownTable(self, table_name, **kwargs)
        return super().table(table_name, **kwargs)


def connect(path: Path, *, create: bool = False) -> Database:
    """Open (or create) the vault database with Warmline's pragmas and migrations applied.

    The connection may be used from one worker thread other than the one that opened it;
    the UI serialises all database work on a single worker.
    """
    if create:
        _create_private_file(path)
    else:
        _check_file(path)
    conn = sqlite3.connect(str(path), check_same_thread=False, factory=_Connection)
    db = _Database(conn)
    try:
        if create:  # before WAL mode, so the header on disk carries it from the start
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        _prepare(db)
    except BaseException as exc:
        conn.close()  # a refused file (newer, damaged, full disk) leaves no connection open
        if isinstance(exc, UnicodeDecodeError):  # a changed byte in a clear text field
            raise VaultCorrupt(str(path)) from exc
        if not isinstance(exc, sqlite3.DatabaseError):
            raise
        mapped = DatabaseErrorMapper.map(exc, str(path))
        raise (mapped if mapped is not exc else VaultCorrupt(str(path))) from exc
    if os.name == "posix":
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                os.chmod(p, 0o600)
    return db


def _prepare(db: Database) -> None:
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    # Read the version before anything that writes (switching to WAL does), so a file
    # from a newer Warmline is left exactly as it was.
    found = stored_schema_version(db)
    if found > SCHEMA_VERSION:
        raise VaultFromNewerVersion(found, SCHEMA_VERSION)
    known = {m.name for m in migrations._migrations}
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        raise VaultFromNewerVersion(found or SCHEMA_VERSION + 1, SCHEMA_VERSION)
    # Walk every page's structure once (read-only) before trusting the file. A sound header
    # over a damaged page (a torn copy, a flipped byte) would otherwise open and unlock, then
    # fail later in SQLite's own words. About 0.2 s for a 130 MB file.
    problem = next(db.query("PRAGMA quick_check(1)"))["quick_check"]
    if problem != "ok":
        raise sqlite3.DatabaseError(f"database disk image is malformed: {problem}")
    with db.ensure_autocommit_on():
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    if migrations.pending(db):
        migrations.apply(db)
        with db.atomic():
            db.table("meta").upsert(
                {"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key"
            )
    _check_shape(db)
    if next(db.query("PRAGMA application_id"))["application_id"] != APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # an older Warmline file


@functools.cache
def _expected_shape() -> dict[str, frozenset[str]]:
    """Every table and its columns as the migrations make them (on an empty database)."""
    fresh = Database(memory=True)
    migrations.apply(fresh)
    return {name: frozenset(fresh[name].columns_dict) for name in fresh.table_names()}


def _check_shape(db: Database) -> None:
    """Every table the migrations made is there with every column they gave it.

    ``quick_check`` walks the pages, but a changed byte in the text of a ``CREATE TABLE``
    (kept in ``sqlite_schema``) can rename a column and still parse; every read of that
    column would then fail in Python's words. Columns a newer Warmline added are allowed.
    """
    for table, columns in _expected_shape().items():
        found = {row["name"] for row in db.query(f"PRAGMA table_info([{table}])")}
        if not columns <= found:
            raise sqlite3.DatabaseError(f"database disk image is malformed: {table} changed")


def checkpoint(db: Database) -> None:
    """Copy the WAL into the file and empty it.

    Called right after key material or private records are removed: until a checkpoint the
    WAL still holds the pages as they were (old wrapped keys, deleted ciphertext), and an
    ordinary checkpoint leaves the WAL's bytes behind. TRUNCATE cuts it to nothing.
    """
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def stored_schema_version(db: Database) -> int:
    if not db.table("meta").exists():
        return 0
    rows = list(db.query("select value from meta where key = 'schema_version'"))
    return int(rows[0]["value"]) if rows else 0


def get_meta(db: Database, key: str) -> str | None:
    rows = list(db.query("select value from meta where key = ?", [key]))
    return rows[0]["value"] if rows else None


def set_meta(db: Database, key: str, value: str) -> None:
    db.table("meta").upsert({"key": key, "value": value}, pk="key")


#: Write errors that mean "no room here": a full disk, a full quota, a file-size limit.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
#: SQLITE_IOERR_WRITE, the extended result code Python's sqlite3 reports (3.11+).
_SQLITE_IOERR_WRITE = 778


#: SQLite's words for a table or column our own statements expect that is not there.
_TAKEN_AWAY = ("no such table", "no such column", "has no column named")


class DatabaseErrorMapper:
    """Turns low-level SQLite failures into errors a person can read."""

    @staticmethod
    def map(exc: BaseException, path: str) -> BaseException:
        text = str(exc).lower()
        if isinstance(exc, OSError) and exc.errno in _NO_ROOM:
            return StorageFull()
        if isinstance(exc, sqlite3.DatabaseError):
            if "full" in text:
                return StorageFull()
            # SQLite reports ENOSPC as "full" but every other refused write (a quota, a
            # file-size limit: EDQUOT, EFBIG) as this I/O error; the person's remedy is
            # the same, so is the message.
            if getattr(exc, "sqlite_errorcode", None) == _SQLITE_IOERR_WRITE:
                return StorageFull()
            # "could not decode": a clear text column whose bytes were changed on disk.
            if "malformed" in text or "not a database" in text or "could not decode" in text:
                return VaultCorrupt(path)
            # Opening checked every table has the columns the migrations gave it, so one
            # missing now was taken away with another tool while the line was open.
            if any(gone in text for gone in _TAKEN_AWAY):
                return VaultCorrupt(path)
        return exc


@contextmanager
def writing(db: Database, path: str) -> Iterator[Database]:
    """``db.atomic()`` that reports a full disk or a damaged file in plain words."""
    try:
        with db.atomic():
            yield db
    except (sqlite3.DatabaseError, OSError) as exc:
        mapped = DatabaseErrorMapper.map(exc, path)
        if mapped is exc:
            raise
        raise mapped from exc


@contextmanager
def reading(path: str) -> Iterator[None]:
    """Reads that meet a damaged file say so in plain words (VaultCorrupt), not SQLite's.

    Opening walks every page (``quick_check``), but a changed byte inside a row, or an index
    that no longer matches its table, is only met when that row is read.
    """
    try:
        yield
    except UnicodeDecodeError as exc:  # a clear text field whose bytes were changed
        raise VaultCorrupt(path) from exc
    except sqlite3.DatabaseError as exc:
        mapped = DatabaseErrorMapper.map(exc, path)
        if mapped is not exc:
            raise mapped from exc
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise
        # The file opened with Warmline's own schema, so a table or column that is now
        # missing, or any other refusal on reading, means it was damaged since.
        raise VaultCorrupt(path) from exc
