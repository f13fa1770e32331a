"""The data folder: Warmline makes a new one or uses its own, and leaves anyone else's alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from warmline import crypto
from warmline.errors import FolderNotPrivate, NotAWarmlineFolder
from warmline.paths import folder_refusal
from warmline.vault import Vault


def snapshot(folder: Path) -> tuple[int, list[tuple[str, int]]]:
    mode = stat.S_IMODE(folder.stat().st_mode)
    return mode, sorted((p.name, stat.S_IMODE(p.stat().st_mode)) for p in folder.iterdir())


@pytest.fixture
def someone_elses(tmp_path: Path) -> Path:
    """An ordinary folder of documents, readable by others, as a home folder often is."""
    folder = tmp_path / "Documents"
    folder.mkdir()
    (folder / "letter.odt").write_text("dear council")
    (folder / "photos").mkdir()
    os.chmod(folder, 0o755)
    return folder


def test_a_folder_of_other_files_is_refused_and_left_as_it_was(someone_elses: Path) -> None:
    before = snapshot(someone_elses)
    refusal = folder_refusal(someone_elses)
    assert refusal is not None and str(someone_elses) in refusal
    with pytest.raises(NotAWarmlineFolder) as raised:
        Vault.create(
            someone_elses, "Line", "Alex", "a long passphrase", kdf_factory=crypto.cheap_test_params
        )
    assert "not a Warmline folder" in str(raised.value)
    assert snapshot(someone_elses) == before  # no chmod, no lock file, no database


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("x")
    assert folder_refusal(path) is not None


def test_new_empty_and_warmline_folders_are_fine(tmp_path: Path) -> None:
    assert folder_refusal(tmp_path / "new") is None
    (tmp_path / "empty").mkdir()
    assert folder_refusal(tmp_path / "empty") is None
    line = tmp_path / "line"
    vault, _ = Vault.create(
        line, "Line", "Alex", "a long passphrase", kdf_factory=crypto.cheap_test_params
    )
    assert folder_refusal(line) is None  # open, with its lock and journal
    vault.close()
    assert folder_refusal(line) is None
    # What an interrupted first run leaves, and the default folder holding only the demo.
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "warmline.lock").touch()
    assert folder_refusal(tmp_path / "half") is None
    (tmp_path / "default" / "demo").mkdir(parents=True)
    assert folder_refusal(tmp_path / "default") is None


def test_a_demo_line_says_so_and_a_real_one_does_not(tmp_path: Path) -> None:
    demo, _ = Vault.create(
        tmp_path / "demo",
        "Demo",
        "Alex",
        "a long passphrase",
        kdf_factory=crypto.cheap_test_params,
        demo=True,
    )
    real, _ = Vault.create(
        tmp_path / "real", "Real", "Alex", "a long passphrase", kdf_factory=crypto.cheap_test_params
    )
    assert demo.is_demo and not real.is_demo
    demo.close()
    real.close()


def _loosen(folder: Path) -> None:
    """What copying a folder back from a backup often leaves: readable by everyone."""
    os.chmod(folder, 0o755)
    for path in folder.iterdir():
        if path.is_file():
            os.chmod(path, 0o644)


def test_an_existing_empty_folder_is_closed_to_others(tmp_path: Path) -> None:
    folder = tmp_path / "line"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    vault, _ = Vault.create(
        folder, "Line", "Alex", "a long passphrase", kdf_factory=crypto.cheap_test_params
    )
    vault.close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_opening_closes_a_folder_restored_by_copying(tmp_path: Path) -> None:
    folder = tmp_path / "line"
    vault, _ = Vault.create(
        folder, "Line", "Alex", "a long passphrase", kdf_factory=crypto.cheap_test_params
    )
    vault.close()
    _loosen(folder)
    assert snapshot(folder)[0] == 0o755  # the check below can fail
    vault = Vault.open(folder, kdf_factory=crypto.cheap_test_params)
    try:
        mode, files = snapshot(folder)
        assert mode == 0o700
        assert files and all(m == 0o600 for _, m in files), files
    finally:
        vault.close()


def test_opening_says_so_when_the_folder_cannot_be_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "line"
    vault, _ = Vault.create(
        folder, "Line", "Alex", "a long passphrase", kdf_factory=crypto.cheap_test_params
    )
    vault.close()
    _loosen(folder)

    def refuse(path: object, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("warmline.paths.os.chmod", refuse)
    with pytest.raises(FolderNotPrivate) as raised:
        Vault.open(folder, kdf_factory=crypto.cheap_test_params)
    message = str(raised.value)
    assert str(folder) in message and "private" in message
    assert "Operation not permitted" in message
    monkeypatch.undo()
    Vault.open(folder, kdf_factory=crypto.cheap_test_params).close()  # nothing left locked


def test_connecting_closes_a_loose_database_file_and_its_journal(tmp_path: Path) -> None:
    """db.connect tightens the files on its own too, for callers that do not open a vault."""
    from warmline import db as dbmod

    folder = tmp_path / "line"
    vault, _ = Vault.create(
        folder, "Line", "Alex", "a long passphrase", kdf_factory=crypto.cheap_test_params
    )
    vault.close()
    path = folder / "warmline.db"
    os.chmod(path, 0o644)
    database = dbmod.connect(path)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        for suffix in ("-wal", "-shm"):
            journal = Path(f"{path}{suffix}")
            if journal.exists():
                assert stat.S_IMODE(journal.stat().st_mode) == 0o600, suffix
    finally:
        database.close()
