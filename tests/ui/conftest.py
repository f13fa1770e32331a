"""UI fixtures: a real vault (cheap test KDF), the task runner and a Backend for pages."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.clock import FakeClock
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from ui.controller import AppController
from warmline import crypto
from warmline.accounts import Role
from warmline.session import Session
from warmline.vault import Vault

crypto.allow_cheap_kdf_for_tests()

UI_PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _app_look_restored(qapp: QApplication) -> Iterator[None]:
    """Give every test the application's look as it found it. A test that unlocks through
    the controller applies a theme and text size to the whole application (its style sheet
    sets fonts); left behind, it decided whether a later test's own font change showed."""
    sheet, font, palette = qapp.styleSheet(), qapp.font(), qapp.palette()
    yield
    if qapp.styleSheet() != sheet:
        qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(palette)


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def runner(qtbot: QtBot, ui_vault: tuple[Vault, Session]) -> Iterator[TaskRunner]:
    # Depends on ui_vault so it is torn down first: work still queued must finish before
    # the vault closes under it.
    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown(wait=True)


@pytest.fixture
def ui_vault(tmp_path: Path) -> Iterator[tuple[Vault, Session]]:
    vault, session = Vault.create(
        tmp_path / "line",
        "Test Line",
        "Alex",
        UI_PASSPHRASE,
        kdf_factory=crypto.cheap_test_params,
    )
    yield vault, session
    with contextlib.suppress(Exception):
        vault.close()


@pytest.fixture
def backend(
    qtbot: QtBot, runner: TaskRunner, ui_vault: tuple[Vault, Session], fake_clock: FakeClock
) -> Iterator[Backend]:
    """A coordinator's backend. Wait for work with ``wait_idle(qtbot, runner)``."""
    vault, session = ui_vault
    b = Backend(runner, session, fake_clock, SafeClipboard(), vault.line_name)
    b.refresh_accounts()
    wait_idle(qtbot, runner)
    yield b
    b.close()


@pytest.fixture
def volunteer_backend(
    qtbot: QtBot, runner: TaskRunner, ui_vault: tuple[Vault, Session], fake_clock: FakeClock
) -> Iterator[Backend]:
    vault, session = ui_vault
    account = session.team.add_account("Sam", "sams own passphrase", Role.VOLUNTEER)
    sam = vault.unlock(account.uuid, "sams own passphrase")
    b = Backend(runner, sam, fake_clock, SafeClipboard(), vault.line_name)
    b.refresh_accounts()
    wait_idle(qtbot, runner)
    yield b
    b.close()


def wait_idle(qtbot: QtBot, runner: TaskRunner, timeout: int = 5000) -> None:
    """Wait until every submitted task has been delivered on the GUI thread."""
    qtbot.waitUntil(lambda: not runner.busy, timeout=timeout)


@pytest.fixture
def controller(qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock) -> Iterator[AppController]:
    """The whole shell on a new line (Alex, a coordinator), opened and waiting at unlock.

    Modules with a ``controller`` fixture of their own keep theirs (pytest prefers it)."""
    from ui.controller import AppController

    data_dir = tmp_path / "line"
    vault, _session = Vault.create(
        data_dir, "Line", "Alex", UI_PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    vault.close()
    made = AppController(data_dir, clock=fake_clock, kdf_factory=crypto.cheap_test_params)
    qtbot.addWidget(made.window)
    made.window.show()
    made.start()
    qtbot.waitUntil(lambda: made.vault is not None)
    yield made
    made.shutdown()
