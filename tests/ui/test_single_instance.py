"""One running copy per data folder, through a socket nobody else can reach: it lives in the
person's private runtime folder (or the data folder), never under a guessable name in a
shared temporary folder."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.single_instance import SingleInstance

ROOT = Path(__file__).resolve().parents[2]
POSIX = pytest.mark.skipif(os.name != "posix", reason="Unix sockets live in folders")


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A runtime folder like /run/user/<uid>: short (socket paths have a length limit)."""
    folder = Path(tempfile.mkdtemp(prefix="wl-run-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def is_private_folder(folder: Path) -> bool:
    info = folder.lstat()
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and stat.S_IMODE(info.st_mode) & 0o077 == 0
    )


@POSIX
def test_the_socket_lives_in_a_private_per_user_folder(
    qtbot: QtBot, tmp_path: Path, runtime: Path
) -> None:
    first = SingleInstance(tmp_path / "line")
    assert first.claim()
    try:
        path = Path(first.name)
        assert path.is_absolute()
        assert runtime in path.parents
        assert path.parent != Path(tempfile.gettempdir())
        assert is_private_folder(path.parent)
        assert stat.S_ISSOCK(path.lstat().st_mode)
    finally:
        first.release()
    assert not path.exists()  # cleaned up on the way out


@POSIX
@pytest.mark.skipif(os.name == "posix" and os.getuid() != 0, reason="needs root to chown")
def test_a_runtime_folder_someone_else_owns_is_not_used(
    qtbot: QtBot, tmp_path: Path, runtime: Path
) -> None:
    planted = runtime / "Warmline"
    planted.mkdir(mode=0o777)
    os.chown(planted, 4242, 4242)
    first = SingleInstance(tmp_path / "line")
    assert first.claim()
    try:
        path = Path(first.name)
        assert planted not in path.parents
        assert is_private_folder(path.parent)
        assert path.parent == tmp_path / "line"  # the data folder itself, made private
    finally:
        first.release()


@POSIX
def test_a_loose_folder_of_our_own_is_made_private(
    qtbot: QtBot, tmp_path: Path, runtime: Path
) -> None:
    (runtime / "Warmline").mkdir(mode=0o755)
    os.chmod(runtime / "Warmline", 0o755)
    first = SingleInstance(tmp_path / "line")
    assert first.claim()
    try:
        assert is_private_folder(Path(first.name).parent)
    finally:
        first.release()


def test_a_second_process_on_the_same_folder_raises_the_first(
    qtbot: QtBot, tmp_path: Path, runtime: Path
) -> None:
    data_dir = tmp_path / "line"
    first = SingleInstance(data_dir)
    assert first.claim()
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from PySide6.QtCore import QCoreApplication
        app = QCoreApplication([])
        from ui.single_instance import SingleInstance
        print(SingleInstance(Path({str(data_dir)!r})).claim(timeout_ms=3000))
        """
    )
    try:
        with qtbot.waitSignal(first.raise_requested, timeout=15000):
            second = subprocess.Popen(
                [sys.executable, "-c", script],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
        assert out.strip() == "False"
    finally:
        first.release()
