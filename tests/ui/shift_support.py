"""What the shift tests share: a line with Ann, Ben (volunteers) and Lee (a shift lead), an
app controller to drive through the real screens, and a few small helpers.

Kept out of the test modules so no test module imports another (a second copy of a test
module would hold its string constants twice, which the lock tests' heap scan would see).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import UI_PASSPHRASE, wait_idle
from ui.clock import FakeClock
from ui.controller import AppController
from ui.screens.on_shift import OnShiftPage
from warmline import crypto
from warmline.accounts import Role
from warmline.callers import Caller
from warmline.session import Session
from warmline.vault import Vault


@pytest.fixture
def shift_app(
    qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock
) -> Iterator[Callable[[Path], AppController]]:
    """Make app controllers on a data folder (shut down at the end of the test)."""
    made: list[AppController] = []

    def make(data_dir: Path) -> AppController:
        controller = AppController(data_dir, clock=fake_clock, kdf_factory=crypto.cheap_test_params)
        qtbot.addWidget(controller.window)
        controller.window.show()
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.shutdown()


def unlock_as(qtbot: QtBot, controller: AppController, name: str, passphrase: str) -> None:
    qtbot.waitUntil(lambda: controller.vault is not None)
    screen = controller.unlock_screen
    screen.account_box.setCurrentIndex(screen.account_box.findText(name))
    screen.passphrase.setFocus()
    qtbot.keyClicks(screen.passphrase, passphrase)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)


PASS = {"Ann": "anns own passphrase", "Ben": "bens own passphrase", "Lee": "lees passphrase"}


def make_line(tmp_path: Path) -> Path:
    data_dir = tmp_path / "line"
    vault, session = Vault.create(
        data_dir, "Riverside Warmline", "Alex", UI_PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    session.team.add_account("Ann", PASS["Ann"], Role.VOLUNTEER)
    session.team.add_account("Ben", PASS["Ben"], Role.VOLUNTEER)
    session.team.add_account("Lee", PASS["Lee"], Role.SHIFT_LEAD)
    session.callers.add(Caller(alias="Robin", calls_per_day=3))
    vault.close()
    return data_dir


def ask(qtbot: QtBot, controller: AppController, fn: Callable[[Session], Any]) -> Any:
    """Run ``fn`` on the worker through the app's own backend and return its answer."""
    box: list[Any] = []
    assert controller.backend is not None
    controller.backend.run(fn, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def page_of(controller: AppController, key: str) -> Any:
    workspace = controller.window.workspace
    assert workspace is not None
    return workspace.pages[key]


def sign_in(qtbot: QtBot, controller: AppController, name: str) -> OnShiftPage:
    unlock_as(qtbot, controller, name, PASS[name])
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    controller.window.activateWindow()
    workspace = controller.window.workspace
    assert workspace is not None
    current = workspace.current_page()
    assert current is not None and current.key == "on-shift"  # where everyone lands
    page = page_of(controller, "on-shift")
    assert isinstance(page, OnShiftPage)
    return page
