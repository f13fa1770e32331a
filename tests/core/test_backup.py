"""Encrypted backups: a consistent copy made while the app saves, sealed as a whole, refused
whole when anything about it changed, and restored only into a new folder."""

from __future__ import annotations

import os
import random
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from backup_support import (
    BACKUP_PASSPHRASE,
    COORDINATOR,
    LINE_NAME,
    add_call,
    all_rows,
    cheap_key,
    populate,
)

from warmline import crypto
from warmline.backup import (
    BackupResult,
    backups_in,
    check_backup_passphrase,
    make_backup,
    restore,
    verify,
)
from warmline.errors import (
    BackupDamaged,
    BackupFromNewerVersion,
    BackupNotWritten,
    BackupWrongPassphrase,
    InvalidInput,
    NotABackup,
    NotAWarmlineFolder,
    RestoreFolderNotEmpty,
    VaultInUse,
)
from warmline.session import Session
from warmline.vault import Vault

PASSPHRASE = "correct horse battery staple"
SMALL_CHUNK = 16 * 1024


@pytest.fixture
def line(tmp_path: Path) -> tuple[Vault, Session]:
    vault, session = Vault.create(
        tmp_path / "line", LINE_NAME, COORDINATOR, PASSPHRASE,
        kdf_factory=crypto.cheap_test_params,
    )  # fmt: skip
    populate(vault, session)
    yield vault, session
    vault.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "stick"
    path.mkdir()
    return path


def backup(vault: Vault, folder: Path, **kw: object) -> BackupResult:
    return make_backup(vault.data_dir, folder, cheap_key(), chunk_size=SMALL_CHUNK, **kw)  # type: ignore[arg-type]


def test_restore_gives_every_row_of_every_table_as_it_was_when_the_backup_began(
    line: tuple[Vault, Session], folder: Path, tmp_path: Path
) -> None:
    vault, session = line
    before = all_rows(vault.path)
    saved_during: list[str] = []
    result = make_backup(
        vault.data_dir, folder, cheap_key(), chunk_size=SMALL_CHUNK, step_pages=4,
        between_steps=lambda: len(saved_during) < 10 and saved_during.append(add_call(session)),
    )  # fmt: skip
    assert len(saved_during) > 3  # the app kept saving between the copy's steps
    assert sorted(p.name for p in vault.data_dir.iterdir()) == [
        "warmline.db", "warmline.db-shm", "warmline.db-wal", "warmline.lock",
    ]  # the copy made for the backup is gone  # fmt: skip
    with pytest.raises(VaultInUse):  # the running app still holds its folder
        Vault.open(vault.data_dir, kdf_factory=crypto.cheap_test_params)

    target = tmp_path / "restored"
    restored = restore(result.path, BACKUP_PASSPHRASE, target)
    after = all_rows(Vault.path_in(target))
    assert after == before
    kinds = ("calls", "revisions", "handovers", "handover_acks", "followups", "debriefs",
             "drafts", "word_requests", "team_keys", "roster", "accounts", "settings")  # fmt: skip
    for table in kinds:
        assert after[table], table
    assert restored.records == result.records == result.contents.records
    assert result.contents.calls == len(before["calls"])
    assert len(all_rows(vault.path)["calls"]) == len(before["calls"]) + len(saved_during)

    # And the restored line opens with the coordinator's own passphrase.
    copy = Vault.open(target, kdf_factory=crypto.cheap_test_params)
    try:
        alex = next(a for a in copy.accounts() if a.display_name == COORDINATOR)
        opened = copy.unlock(alex.uuid, PASSPHRASE)
        assert {c.uuid for c in opened.calls.select()} == {r[0] for r in before["calls"]}
        assert opened.settings.topics() == ["Housing", "Sleep"]
    finally:
        copy.close()


def test_a_backup_taken_while_another_thread_saves_opens_whole(
    line: tuple[Vault, Session], folder: Path, tmp_path: Path
) -> None:
    vault, session = line
    stop = threading.Event()
    saved: list[str] = []

    def writer() -> None:
        while not stop.is_set():
            saved.append(add_call(session, f"writer {len(saved)}"))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(saved) < 5:
            stop.wait(0.01)
        result = make_backup(vault.data_dir, folder, cheap_key(), chunk_size=SMALL_CHUNK,
                             step_pages=2)  # fmt: skip
    finally:
        stop.set()
        thread.join()
    target = tmp_path / "restored"
    restore(result.path, BACKUP_PASSPHRASE, target)
    copy = Vault.open(target, kdf_factory=crypto.cheap_test_params)
    try:
        alex = next(a for a in copy.accounts() if a.display_name == COORDINATOR)
        calls = copy.unlock(alex.uuid, PASSPHRASE).calls.select()  # every one opens
        in_backup = {c.uuid for c in calls}
        assert 5 <= len(in_backup & set(saved)) <= len(saved)
        assert len(calls) == result.contents.calls
    finally:
        copy.close()


def test_nothing_of_the_line_can_be_read_in_the_backup_file(
    line: tuple[Vault, Session], folder: Path
) -> None:
    vault, _ = line
    result = backup(vault, folder)
    data = result.path.read_bytes()
    clear = [LINE_NAME, COORDINATOR, "Samwise Oddly", vault.line_uuid, "coordinator",
             "SQLite format 3", "2026-11-02", "calls"]  # fmt: skip
    for text in clear:
        for variant in {text, text.lower(), text.upper()}:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert variant.encode(encoding) not in data, text
    # Sanity: the same check finds them in the vault file itself.
    vault_bytes = vault.path.read_bytes() + Path(str(vault.path) + "-wal").read_bytes()
    assert COORDINATOR.encode() in vault_bytes and b"SQLite format 3" in vault_bytes


def test_wrong_passphrase_is_refused_and_nothing_is_written(
    line: tuple[Vault, Session], folder: Path, tmp_path: Path
) -> None:
    result = backup(line[0], folder)
    target = tmp_path / "new"
    with pytest.raises(BackupWrongPassphrase):
        verify(result.path, "lantern meadow copper viola")
    with pytest.raises(BackupWrongPassphrase):
        restore(result.path, "lantern meadow copper viola", target)
    assert not target.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BackupWrongPassphrase):
        restore(result.path, "", empty)
    assert list(empty.iterdir()) == []


def _refused(path: Path, target: Path) -> BaseException:
    refusals = (BackupDamaged, BackupWrongPassphrase, NotABackup, BackupFromNewerVersion)
    with pytest.raises(refusals) as caught:
        restore(path, BACKUP_PASSPHRASE, target)
    assert not target.exists(), "nothing may be written"
    return caught.value


def _chunk_starts(data: bytes) -> list[int]:
    """Where each sealed chunk's length field begins."""
    header_len = int.from_bytes(data[9:13], "big")
    at = 13 + header_len + 16 + 32
    starts = []
    while at < len(data):
        starts.append(at)
        at += 4 + int.from_bytes(data[at : at + 4], "big")
    assert at == len(data)
    return starts


def test_changed_bytes_anywhere_are_refused_with_nothing_written(
    line: tuple[Vault, Session], folder: Path, tmp_path: Path
) -> None:
    result = backup(line[0], folder)
    data = result.path.read_bytes()
    starts = _chunk_starts(data)
    assert len(starts) > 4
    rng = random.Random(13)
    positions = set(range(starts[0] + 8))  # the whole opening part and the first length
    for start in starts:
        positions |= set(range(max(0, start - 6), min(len(data), start + 10)))
    positions |= {rng.randrange(len(data)) for _ in range(150)}
    positions.add(len(data) - 1)
    bad = tmp_path / "bad.wlbackup"
    target = tmp_path / "target"
    for at in sorted(positions):
        changed = bytearray(data)
        changed[at] ^= 1 << rng.randrange(8)
        bad.write_bytes(changed)
        error = _refused(bad, target)
        if at >= starts[0]:  # past the opening part, it is always reported as damage
            assert isinstance(error, BackupDamaged), at
    bad.write_bytes(data)
    assert restore(bad, BACKUP_PASSPHRASE, target).records == result.records  # sanity


def test_a_cut_at_any_chunk_boundary_or_anywhere_else_is_refused(
    line: tuple[Vault, Session], folder: Path, tmp_path: Path
) -> None:
    result = backup(line[0], folder)
    data = result.path.read_bytes()
    starts = _chunk_starts(data)
    rng = random.Random(7)
    cuts = set(starts) | {s + 4 for s in starts} | {rng.randrange(1, len(data)) for _ in range(60)}
    bad = tmp_path / "cut.wlbackup"
    target = tmp_path / "target"
    for cut in sorted(cuts):
        bad.write_bytes(data[:cut])
        with pytest.raises(BackupDamaged):
            verify(bad, BACKUP_PASSPHRASE)
        assert isinstance(_refused(bad, target), BackupDamaged)
    bad.write_bytes(data + b"\0")
    assert isinstance(_refused(bad, target), BackupDamaged)


def test_swapped_dropped_or_borrowed_chunks_are_refused(
    line: tuple[Vault, Session], folder: Path, tmp_path: Path
) -> None:
    result = backup(line[0], folder)
    data = result.path.read_bytes()
    starts = _chunk_starts(data)
    chunks = [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]
    head = data[: starts[0]]
    other = backup(line[0], folder, now=lambda: datetime.now(UTC) + timedelta(hours=1))
    other_data = other.path.read_bytes()
    other_chunks = [other_data[s:] for s in _chunk_starts(other_data)]
    variants = {
        "swapped": head + chunks[1] + chunks[0] + b"".join(chunks[2:]),
        "dropped": head + chunks[0] + b"".join(chunks[2:]),
        "last dropped": head + b"".join(chunks[:-1]),
        "repeated": head + chunks[0] + b"".join(chunks),
        "borrowed": head + other_chunks[1][: len(chunks[1])] + b"".join(chunks[1:]),
        "last moved up": head + chunks[0] + chunks[-1],
    }
    bad = tmp_path / "bad.wlbackup"
    for name, variant in variants.items():
        bad.write_bytes(variant)
        assert isinstance(_refused(bad, tmp_path / "target"), BackupDamaged), name


def test_restore_wants_a_new_folder(
    line: tuple[Vault, Session], folder: Path, tmp_path: Path
) -> None:
    vault, _ = line
    result = backup(vault, folder)
    with pytest.raises(RestoreFolderNotEmpty):
        restore(result.path, BACKUP_PASSPHRASE, vault.data_dir)
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "letter.txt").write_text("mine")
    with pytest.raises(NotAWarmlineFolder):
        restore(result.path, BACKUP_PASSPHRASE, mine)
    assert [p.name for p in mine.iterdir()] == ["letter.txt"]

    target = tmp_path / "new" / "line"
    restore(result.path, BACKUP_PASSPHRASE, target)
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o700
        assert stat.S_IMODE(Vault.path_in(target).stat().st_mode) == 0o600
    assert not [p for p in target.iterdir() if p.name.endswith(".partial")]
    with pytest.raises(RestoreFolderNotEmpty):
        restore(result.path, BACKUP_PASSPHRASE, target)


def test_the_last_n_backups_are_kept_and_nothing_else_is_touched(
    line: tuple[Vault, Session], folder: Path
) -> None:
    vault, _ = line
    (folder / "holiday.jpg").write_bytes(b"photo")
    (folder / "warmline-another-line-20200101-000000Z.wlbackup").write_bytes(b"theirs")
    start = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
    made = [
        backup(vault, folder, keep=2, now=lambda i=i: start + timedelta(hours=i))
        for i in range(4)
    ]
    kept = backups_in(folder, LINE_NAME)
    assert kept == [made[2].path, made[3].path]
    assert made[3].removed == (made[1].path,)
    assert made[3].path.name == "warmline-riverside-evening-line-20261201-010000Z.wlbackup"
    assert (folder / "holiday.jpg").exists()
    assert (folder / "warmline-another-line-20200101-000000Z.wlbackup").exists()
    assert not list(folder.glob(".*"))  # no temporary file left behind
    if os.name == "posix":
        assert stat.S_IMODE(made[3].path.stat().st_mode) == 0o600
    # Two backups in the same second get two names.
    again = backup(vault, folder, keep=None, now=lambda: start + timedelta(hours=3))
    assert again.path != made[3].path and made[3].path.exists()


def test_a_folder_that_cannot_take_the_backup_is_said_so(
    line: tuple[Vault, Session], tmp_path: Path
) -> None:
    with pytest.raises(BackupNotWritten):
        backup(line[0], tmp_path / "unplugged")


def test_the_backup_passphrase_follows_the_passphrase_rules() -> None:
    with pytest.raises(InvalidInput):
        check_backup_passphrase("backup1")
    with pytest.raises(InvalidInput):
        check_backup_passphrase("Riverside Evening Line", LINE_NAME)
    check_backup_passphrase(BACKUP_PASSPHRASE, LINE_NAME)


def test_a_kept_key_opens_its_own_backups_only(
    line: tuple[Vault, Session], folder: Path
) -> None:
    key = cheap_key()
    made = make_backup(line[0].data_dir, folder, key, chunk_size=SMALL_CHUNK)
    assert verify(made.path, key).records == made.records
    assert verify(made.path, BACKUP_PASSPHRASE).records == made.records
    with pytest.raises(BackupWrongPassphrase):
        verify(made.path, cheap_key())  # the same passphrase, another salt: another key
