"""A mistyped passphrase is ordinary use: nothing about it reaches the terminal as an error,
and no log line ever holds what was typed. Real failures are still reported."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.controller import AppController
from ui.tasks import TaskRunner

WRONG = "Marmalade9Wrong passphrase"


def test_a_wrong_passphrase_is_not_logged_as_an_error(
    qtbot: QtBot, controller: AppController, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    screen = controller.unlock_screen
    screen.passphrase.setFocus()
    qtbot.keyClicks(screen.passphrase, WRONG)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.failures == 1)
    wait_idle(qtbot, controller.runner)
    assert "not the passphrase" in screen.message.text()  # the person is told, on screen
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert loud == []
    assert all("Marmalade9" not in r.getMessage() for r in caplog.records)
    assert "Marmalade9" not in caplog.text


def test_a_real_failure_is_still_reported(
    qtbot: QtBot, runner: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise OSError("the disk went away")

    errors: list[BaseException] = []
    runner.submit(broken, on_error=errors.append)
    wait_idle(qtbot, runner)
    assert len(errors) == 1
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert "OSError" in caplog.records[0].getMessage()
