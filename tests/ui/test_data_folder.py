"""Which folder the app opens: --data-dir at a folder of other files is refused before
anything is written; --demo never opens or fills a real line; the demo notice (with the
demo passphrase) shows only on the demo line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.conftest import UI_PASSPHRASE
from ui.app import EXIT_BAD_FOLDER, data_dir_for, parse_args
from ui.clock import FakeClock
from ui.controller import AppController
from warmline import crypto
from warmline.fiction import DEMO_PASSPHRASE
from warmline.vault import Vault

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.app", *args],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    folder = tmp_path / "Documents"
    folder.mkdir()
    (folder / "letter.odt").write_text("dear council")
    os.chmod(folder, 0o755)
    return folder


def listing(folder: Path) -> tuple[int, list[str]]:
    return stat.S_IMODE(folder.stat().st_mode), sorted(p.name for p in folder.iterdir())


@pytest.mark.slow
def test_data_dir_at_a_folder_of_other_files_is_refused(documents: Path) -> None:
    before = listing(documents)
    result = run_app("--data-dir", str(documents))
    assert result.returncode == EXIT_BAD_FOLDER == 2
    assert "not a Warmline folder" in result.stderr and str(documents) in result.stderr
    assert listing(documents) == before


@pytest.mark.slow
def test_the_environment_variable_is_held_to_the_same_rule(documents: Path) -> None:
    before = listing(documents)
    result = run_app(env={"WARMLINE_DATA_DIR": str(documents)})
    assert result.returncode == EXIT_BAD_FOLDER
    assert listing(documents) == before


def test_demo_ignores_the_real_lines_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("WARMLINE_DATA_DIR", str(tmp_path / "real-line"))
    assert data_dir_for(parse_args(["--demo"])) == tmp_path / "share" / "Warmline" / "demo"
    assert data_dir_for(parse_args([])) == tmp_path / "real-line"
    chosen = data_dir_for(parse_args(["--demo", "--data-dir", str(tmp_path / "try")]))
    assert chosen == tmp_path / "try"


@pytest.fixture
def start(qtbot: QtBot, fake_clock: FakeClock) -> Iterator[type[AppController]]:
    made: list[AppController] = []

    def make(data_dir: Path, demo: bool) -> AppController:
        controller = AppController(
            data_dir, clock=fake_clock, kdf_factory=crypto.cheap_test_params, demo=demo
        )
        qtbot.addWidget(controller.window)
        controller.window.show()
        controller.start()
        made.append(controller)
        return controller

    yield make  # type: ignore[misc]
    for controller in made:
        controller.shutdown()


def make_line(folder: Path, *, demo: bool) -> Path:
    vault, _ = Vault.create(
        folder, "Line", "Alex", UI_PASSPHRASE, kdf_factory=crypto.cheap_test_params, demo=demo
    )
    vault.close()
    return folder


def notice_of(controller: AppController) -> str:
    notice = controller.unlock_screen.notice
    return "" if notice.isHidden() else notice.text()


def test_demo_refuses_a_real_line_and_leaves_it_closed(qtbot: QtBot, start, tmp_path: Path) -> None:
    real = make_line(tmp_path / "real", demo=False)
    controller = start(real, demo=True)
    message = controller.window.message_screen
    qtbot.waitUntil(lambda: "not the demo" in message.title.text().lower())
    assert str(real) in message.text.text()
    assert controller.vault is None
    qtbot.waitUntil(lambda: not controller.runner.busy)
    Vault.open(real).close()  # the folder lock was given back
    assert DEMO_PASSPHRASE not in notice_of(controller)


def test_the_demo_notice_shows_on_the_demo_line_only(qtbot: QtBot, start, tmp_path: Path) -> None:
    real = start(make_line(tmp_path / "real", demo=False), demo=False)
    demo = start(make_line(tmp_path / "demo", demo=True), demo=False)
    qtbot.waitUntil(lambda: real.vault is not None and demo.vault is not None)
    real.window.show()
    demo.window.show()
    assert notice_of(real) == ""
    assert DEMO_PASSPHRASE in notice_of(demo)
