"""Encrypted backups: make one while the app keeps working, check one, restore one.

A backup is a consistent copy of the vault file taken with SQLite's online backup API from a
read-only connection of its own, holding one read transaction (in WAL mode that snapshot
never blocks the app's writers, and the copy cannot restart halfway), into memory only.
The copy is then sealed as a whole (see :mod:`warmline.backup_format`) under a backup
passphrase, so not even the file's clear columns (the line's name, people's display names,
days) can be read from it. It is written as a private temporary file in the chosen folder,
flushed to disk and renamed, so the folder never holds half a backup under a backup's name.

Making a backup needs only the vault file and the new backup passphrase, never a member's
passphrase, and it does not take the data folder's lock: it works beside a running app.

Restoring checks the whole file first (every chunk, in memory), and only then writes the
vault into a new, empty data folder: a damaged, cut, reordered or wrong-passphrase backup
leaves the disk exactly as it was.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warmline import backup_format
from warmline import db as dbmod
from warmline.crypto import KdfParams, Key, derive_kek
from warmline.errors import (
    BackupDamaged,
    BackupNotWritten,
    BackupWrongPassphrase,
    NotAWarmlineFolder,
    RestoreFolderNotEmpty,
    VaultMissing,
)
from warmline.passphrase_policy import check_new_passphrase
from warmline.paths import VAULT_FILENAME, ensure_private_dir, folder_refusal
from warmline.vault import Vault, default_kdf_factory

EXTENSION = ".wlbackup"
#: Tables whose rows are counted as "records" in what a person is told.
RECORD_TABLES = (
    "calls",
    "callers",
    "shifts",
    "handovers",
    "handover_acks",
    "followups",
    "debriefs",
    "word_requests",
    "drafts",
)
#: Pages copied per online-backup step (4 KiB pages: about 4 MiB a step).
STEP_PAGES = 1024
DEFAULT_KEEP = 10

#: ``progress(stage, done, total)``; stage is "copying", "sealing", "checking" or "writing".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Contents:
    """What a vault image holds, counted from its clear structure (nothing is opened)."""

    line_name: str
    counts: dict[str, int]
    size: int

    @property
    def records(self) -> int:
        return sum(self.counts.get(t, 0) for t in RECORD_TABLES)

    @property
    def calls(self) -> int:
        return self.counts.get("calls", 0)


@dataclass(frozen=True)
class BackupResult:
    """What a backup made: for the screen, the command line and (later) the audit trail."""

    path: Path
    contents: Contents
    file_size: int
    seconds: float
    removed: tuple[Path, ...] = field(default=())

    @property
    def records(self) -> int:
        return self.contents.records


@dataclass(frozen=True)
class CheckResult:
    """A backup that checked out (``verify``) or was put back (``restore``)."""

    path: Path
    contents: Contents
    seconds: float
    data_dir: Path | None = None

    @property
    def records(self) -> int:
        return self.contents.records


@dataclass
class BackupKey:
    """The passphrase key of backups and the Argon2id parameters that made it.

    Kept so automatic backups need no passphrase typed at the end of a shift; whoever holds
    it (sealed with the team key, see docs/architecture.md) can make and open backups."""

    kdf: KdfParams
    kek: Key

    @classmethod
    def from_passphrase(
        cls, passphrase: str, kdf_factory: Callable[[], KdfParams] = default_kdf_factory
    ) -> BackupKey:
        params = kdf_factory()
        return cls(params, derive_kek(passphrase, params))

    def wipe(self) -> None:
        self.kek.wipe()


def check_backup_passphrase(passphrase: str, line_name: str = "") -> None:
    """The same rules as an account's passphrase: a backup is a copy of the whole line."""
    check_new_passphrase(passphrase, (line_name,) if line_name else ())


# --- taking the copy ----------------------------------------------------------------------------


#: The consistent copy a backup seals is made beside the vault, in the private data folder
#: (the vault's own name with a suffix, which the folder checks count as Warmline's own).
COPY_PREFIX = f"{VAULT_FILENAME}-backup-"
#: A copy left behind by a backup that was killed is removed by a later one after this long.
STALE_COPY_SECONDS = 24 * 3600


@contextlib.contextmanager
def snapshot(
    vault_path: Path,
    *,
    step_pages: int = STEP_PAGES,
    progress: Progress | None = None,
    between_steps: Callable[[], None] | None = None,
) -> Iterator[tuple[Path, Contents]]:
    """A consistent copy of the vault file, taken while the app may be writing, and what it
    holds; the copy is removed when the ``with`` block ends.

    Why a file and not memory: turning an in-memory copy into bytes is one long copy that
    holds Python's interpreter lock, which froze the app's window for a quarter of a second
    at 100,000 calls; a file is read a chunk at a time instead. It holds exactly what the
    vault file holds (ciphertext and the same few clear columns), in the same private
    folder (0700), as a 0600 file, for the seconds the backup takes.

    ``between_steps`` runs after each step (tests save records there, to show the app keeps
    working and the copy stays the moment it began).
    """
    vault_path = Path(vault_path)
    if not vault_path.exists() or vault_path.stat().st_size == 0:
        raise VaultMissing(str(vault_path.parent))
    dbmod.check_file(vault_path)  # a foreign or damaged file is refused before SQLite opens it
    _remove_stale_copies(vault_path.parent)
    fd, name = tempfile.mkstemp(dir=vault_path.parent, prefix=COPY_PREFIX)  # 0600
    os.close(fd)
    copy = Path(name)
    uri = f"{vault_path.resolve().as_uri()}?mode=ro"
    try:
        source = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)
        target = sqlite3.connect(copy, isolation_level=None)
        try:
            # One read transaction for the whole copy: every step sees the same moment.
            source.execute("begin")
            source.execute("select count(*) from sqlite_master").fetchone()

            def step(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress("copying", total - remaining, total)
                if between_steps is not None:
                    between_steps()

            source.backup(target, pages=step_pages, progress=step)
            source.execute("commit")
            contents = _count(target, 0)
        except sqlite3.DatabaseError as exc:
            mapped = dbmod.DatabaseErrorMapper.map(exc, str(vault_path))
            raise mapped from exc
        finally:
            source.close()
            target.close()
        size = copy.stat().st_size
        yield copy, Contents(contents.line_name, contents.counts, size)
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)


def _remove_stale_copies(data_dir: Path) -> None:
    cutoff = time.time() - STALE_COPY_SECONDS
    for leftover in data_dir.glob(COPY_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def line_name_of(data_dir: Path) -> str:
    """The line's name, read from the vault file (a clear column), without its lock."""
    path = Vault.path_in(data_dir)
    if not Vault.exists(data_dir):
        raise VaultMissing(str(data_dir))
    dbmod.check_file(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute("select value from meta where key = 'line_name'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise dbmod.DatabaseErrorMapper.map(exc, str(path)) from exc
    finally:
        conn.close()
    return str(row[0]) if row else "Warmline"


def _count(conn: sqlite3.Connection, size: int) -> Contents:
    tables = [
        r[0]
        for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        )
    ]
    counts = {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    row = conn.execute("select value from meta where key = 'line_name'").fetchone()
    return Contents(row[0] if row else "Warmline", counts, size)


def contents_of(image: bytearray) -> Contents:
    """Count the rows of every table in a vault image, in memory.

    Bytes 18-19 of the image say "WAL", which an in-memory database cannot be: they are read
    as a rollback-journal file for the count and put back afterwards (no second copy of a
    large image is made; the restored file keeps its WAL mark)."""
    conn = sqlite3.connect(":memory:")
    saved = bytes(image[18:20])
    try:
        image[18:20] = b"\x01\x01"
        conn.deserialize(memoryview(image))
        return _count(conn, len(image))
    except sqlite3.DatabaseError:
        raise BackupDamaged("", "what it holds is not a Warmline line") from None
    finally:
        image[18:20] = saved
        conn.close()


# --- naming and keeping ---------------------------------------------------------------------------


def slug(line_name: str) -> str:
    """A line's name as a file-name part: lower-case letters, digits and hyphens."""
    text = re.sub(r"[^a-z0-9]+", "-", line_name.lower()).strip("-")
    return text[:40].strip("-") or "line"


_STAMP = "%Y%m%d-%H%M%SZ"


def backup_name(line_name: str, when: datetime) -> str:
    return f"warmline-{slug(line_name)}-{when.astimezone(UTC).strftime(_STAMP)}{EXTENSION}"


def backups_in(folder: Path, line_name: str) -> list[Path]:
    """This line's backups in ``folder``, oldest first (their names sort by time)."""
    pattern = re.compile(
        rf"warmline-{re.escape(slug(line_name))}-\d{{8}}-\d{{6}}Z{re.escape(EXTENSION)}"
    )
    return sorted(p for p in Path(folder).iterdir() if pattern.fullmatch(p.name) and p.is_file())


def keep_last(folder: Path, line_name: str, keep: int) -> tuple[Path, ...]:
    """Delete this line's oldest backups beyond the newest ``keep``; returns what went.
    Other files in the folder, and other lines' backups, are never touched."""
    keep = max(1, keep)
    old = backups_in(folder, line_name)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return tuple(old)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):  # some file systems (FAT sticks) refuse: best effort
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_atomically(
    folder: Path, name_for: Callable[[int], str], write: Callable[[io.BufferedWriter], None]
) -> Path:
    """Write through a private temporary file in ``folder``, fsync, then rename into place
    under the first free name ``name_for(0)``, ``name_for(1)``… ."""
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".warmline-", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        attempt = 0
        while (folder / name_for(attempt)).exists():
            attempt += 1
        final = folder / name_for(attempt)
        os.replace(temp, final)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    return final


# --- making, checking and restoring ----------------------------------------------------------


def make_backup(
    data_dir: Path,
    folder: Path,
    key: BackupKey,
    *,
    keep: int | None = DEFAULT_KEEP,
    chunk_size: int = backup_format.CHUNK_SIZE,
    step_pages: int = STEP_PAGES,
    progress: Progress | None = None,
    between_steps: Callable[[], None] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BackupResult:
    """Back the line in ``data_dir`` up into ``folder`` under ``key``, keeping the newest
    ``keep`` of this line's backups there (None keeps them all)."""
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupNotWritten(str(folder))
    when = now()
    written = 0

    def sealed(done: int, total: int) -> None:
        if progress is not None:
            progress("sealing", done, total)

    with snapshot(
        Vault.path_in(data_dir), step_pages=step_pages, progress=progress,
        between_steps=between_steps,
    ) as (copy, contents):  # fmt: skip

        def write(out: io.BufferedWriter) -> None:
            nonlocal written
            with open(copy, "rb") as source:
                written = backup_format.seal_stream(
                    out, source, contents.size, key.kek, key.kdf, chunk_size=chunk_size,
                    progress=sealed,
                )  # fmt: skip

        def name_for(attempt: int) -> str:
            stamp = when.replace(microsecond=0) + _seconds(attempt)
            return backup_name(contents.line_name, stamp)

        try:
            path = _write_atomically(folder, name_for, write)
            removed = keep_last(folder, contents.line_name, keep) if keep else ()
        except OSError as exc:
            raise BackupNotWritten(str(folder)) from exc
    return BackupResult(path, contents, written, time.perf_counter() - started, removed)


def _seconds(n: int) -> timedelta:
    return timedelta(seconds=n)


def _open_backup(
    path: Path, key_for: Callable[[KdfParams], Key], progress: Progress | None
) -> list[bytes]:
    """The whole payload of a backup in its chunks, every one checked; nothing is written.
    (Kept in chunks: joining them would be one long copy holding the interpreter lock.)"""
    path = Path(path)

    def checked(done: int, total: int) -> None:
        if progress is not None:
            progress("checking", done, total)

    try:
        size = path.stat().st_size
        with open(path, "rb") as stream:
            parts = backup_format.open_stream(stream, str(path), key_for, size=size,
                                              progress=checked)  # fmt: skip
    except IsADirectoryError:
        raise BackupDamaged(str(path), "it is a folder") from None
    first = parts[0]
    if len(first) < 100 or first[:16] != b"SQLite format 3\x00":
        raise BackupDamaged(str(path), "what it holds is not a Warmline line")
    if int.from_bytes(first[68:72], "big") != dbmod.APPLICATION_ID:
        raise BackupDamaged(str(path), "what it holds is not a Warmline line")
    return parts


def _key_for(secret: str | BackupKey) -> Callable[[KdfParams], Key]:
    """From a backup's Argon2id parameters to its passphrase key: derived from a typed
    passphrase, or a kept key (automatic backups) when the backup was made with it."""

    def key_for(params: KdfParams) -> Key:
        if isinstance(secret, str):
            return derive_kek(secret, params)
        if params != secret.kdf:
            raise BackupWrongPassphrase()
        return Key(secret.kek.material(), secret.kek.key_id)

    return key_for


def verify(
    path: Path, passphrase: str | BackupKey, *, progress: Progress | None = None
) -> CheckResult:
    """Check every chunk of a backup under ``passphrase`` without writing anything."""
    started = time.perf_counter()
    parts = _open_backup(path, _key_for(passphrase), progress)
    image = bytearray().join(parts)
    parts.clear()
    return CheckResult(Path(path), contents_of(image), time.perf_counter() - started)


def restore(
    path: Path, passphrase: str | BackupKey, data_dir: Path, *, progress: Progress | None = None
) -> CheckResult:
    """Check the whole backup, then put its line into ``data_dir``, which must be new or
    empty (a folder already holding a line is refused, and so is a folder of other files).
    """
    started = time.perf_counter()
    data_dir = Path(data_dir)
    _check_restore_target(data_dir)
    parts = _open_backup(path, _key_for(passphrase), progress)
    contents = _write_vault(parts, data_dir, progress)
    return CheckResult(Path(path), contents, time.perf_counter() - started, data_dir)


def _check_restore_target(data_dir: Path) -> None:
    refusal = folder_refusal(data_dir)
    if refusal is not None:
        raise NotAWarmlineFolder(str(data_dir), is_file=not data_dir.is_dir())
    if Vault.exists(data_dir):
        raise RestoreFolderNotEmpty(str(data_dir))


def _only_the_vault_name(data_dir: Path) -> Callable[[int], str]:
    def name_for(attempt: int) -> str:
        if attempt:  # someone made a vault here while we held the lock: never replace it
            raise RestoreFolderNotEmpty(str(data_dir))
        return VAULT_FILENAME

    return name_for


def _write_vault(parts: list[bytes], data_dir: Path, progress: Progress | None) -> Contents:
    """Write a checked image as the vault of a new data folder (0700 folder, 0600 file),
    holding the folder's lock so no app opens it halfway; undo everything on failure.
    Returns what it holds, counted once it opened as a vault."""
    created = not data_dir.exists()
    ensure_private_dir(data_dir)
    lock = Vault._take_lock(data_dir)
    vault_path = Vault.path_in(data_dir)
    placed = False
    try:
        if Vault.exists(data_dir):
            raise RestoreFolderNotEmpty(str(data_dir))
        # Leftovers of an interrupted first run belong to no line; a stale WAL would even be
        # replayed into the restored file.
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(vault_path) + suffix).unlink(missing_ok=True)

        total = sum(len(part) for part in parts)

        def write(out: io.BufferedWriter) -> None:
            done = 0
            for part in parts:
                out.write(part)
                done += len(part)
                if progress is not None:
                    progress("writing", done, total)

        _write_atomically(data_dir, _only_the_vault_name(data_dir), write)
        placed = True
        os.chmod(vault_path, 0o600)
        opened = dbmod.connect(vault_path)  # it opens as a vault (older formats brought up)
        try:
            return _count(opened.conn, total)
        finally:
            opened.close()
    except BaseException:
        if placed:
            for suffix in ("", "-wal", "-shm"):
                Path(str(vault_path) + suffix).unlink(missing_ok=True)
        raise
    finally:
        lock.release()
        if not placed and created:
            with contextlib.suppress(OSError):
                for leftover in data_dir.iterdir():
                    leftover.unlink()
                data_dir.rmdir()
