"""The running app, used by keyboard, never lets what a person typed reach a file in clear:
not the data folder, not the settings file, not the temporary folder, not a log line.

A unique string goes into a call note, a private reflection (saved, and one left unfinished
at the lock), a regular caller's alias and notes, and searches;
then the app locks and quits, and every place it could have written is searched for it.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.core.test_canary import found_in, in_logs
from tests.ui.conftest import UI_PASSPHRASE, wait_idle
from ui.clock import FakeClock
from ui.controller import AppController
from warmline import crypto
from warmline.vault import Vault

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    for name in ("TMPDIR", "TEMP", "TMP", "SQLITE_TMPDIR"):
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def press(
    qtbot: QtBot, key: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, mod)


def test_nothing_typed_reaches_any_file_or_log(
    qtbot: QtBot,
    tmp_path: Path,
    temp_folder: Path,
    _isolated_qsettings: Path,
    fake_clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    canary = "Kestrel" + secrets.token_hex(6) + "Plum"
    data_dir = tmp_path / "line"
    vault, _ = Vault.create(
        data_dir, "Line", "Alex", UI_PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    vault.close()
    controller = AppController(data_dir, clock=fake_clock, kdf_factory=crypto.cheap_test_params)
    qtbot.addWidget(controller.window)
    controller.window.show()
    controller.start()
    try:
        qtbot.waitUntil(lambda: controller.vault is not None)
        screen = controller.unlock_screen
        screen.passphrase.setFocus()
        qtbot.keyClicks(screen.passphrase, UI_PASSPHRASE)
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: controller.is_unlocked)
        wait_idle(qtbot, controller.runner)
        window = controller.window
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)

        # A call, by keyboard from the On shift page: start, the first section, end, save.
        press(qtbot, Qt.Key.Key_N, CTRL)
        press(qtbot, Qt.Key.Key_1, CTRL)
        qtbot.keyClicks(QApplication.focusWidget(), f"We talked about {canary} and the garden")
        fake_clock.advance(600)
        press(qtbot, Qt.Key.Key_E, CTRL)
        press(qtbot, Qt.Key.Key_S, CTRL)
        wait_idle(qtbot, controller.runner)

        # The invitation after the call, by keyboard: take the moment (Alt+M), write in the
        # first question (Alt+Q) and a few words (Alt+W), wait for the sealed draft, save.
        invite = window.findChild(QWidget, "reflection-invite")
        assert invite is not None
        qtbot.waitUntil(invite.isVisible)
        press(qtbot, Qt.Key.Key_M, ALT)
        form = window.findChild(QWidget, "reflection-form")
        assert form is not None
        qtbot.waitUntil(form.isVisible)
        wait_idle(qtbot, controller.runner)
        press(qtbot, Qt.Key.Key_Q, ALT)
        qtbot.keyClicks(QApplication.focusWidget(), f"I wanted to fix {canary}")
        press(qtbot, Qt.Key.Key_W, ALT)
        qtbot.keyClicks(QApplication.focusWidget(), f"tired {canary}")
        qtbot.wait(3500)  # the autosave writes the reflection's draft with these words
        wait_idle(qtbot, controller.runner)
        press(qtbot, Qt.Key.Key_S, ALT)
        wait_idle(qtbot, controller.runner)
        # Searched by its author alone, in memory.
        mine = window.findChild(QLineEdit, "reflections-search")
        assert mine is not None
        qtbot.waitUntil(mine.isVisible)
        mine.setFocus()
        qtbot.keyClicks(mine, canary.lower())
        listed = window.findChild(QListWidget, "reflections-list")
        assert isinstance(listed, QListWidget)
        assert canary not in listed.item(0).text() and listed.count() == 1

        # A regular caller, saved with Ctrl+S.
        press(qtbot, Qt.Key.Key_4, ALT)
        alias = window.findChild(QLineEdit, "callers-alias")
        notes = window.findChild(QPlainTextEdit, "callers-notes")
        assert alias is not None and notes is not None
        alias.setFocus()
        qtbot.keyClicks(alias, f"Wren {canary}")
        notes.setFocus()
        qtbot.keyClicks(notes, f"Likes {canary}")
        qtbot.keyClick(notes, Qt.Key.Key_S, CTRL)
        wait_idle(qtbot, controller.runner)

        # A search for it (the index lives in memory only).
        press(qtbot, Qt.Key.Key_3, ALT)
        search = window.findChild(QLineEdit, "calls-search")
        assert search is not None
        search.setFocus()
        qtbot.keyClicks(search, canary.lower())
        table = window.findChild(QTableView, "calls-table")
        assert isinstance(table, QTableView)
        qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=5000)  # the call

        regulars = window.findChild(QTableView, "callers-table")
        assert isinstance(regulars, QTableView)
        assert regulars.model().rowCount() == 1  # the regular really was saved

        # A second call, and a reflection left unfinished when the lock comes: its last
        # words are kept as a sealed draft.
        press(qtbot, Qt.Key.Key_N, CTRL)
        press(qtbot, Qt.Key.Key_1, CTRL)
        qtbot.keyClicks(QApplication.focusWidget(), "A short one")
        fake_clock.advance(120)
        press(qtbot, Qt.Key.Key_E, CTRL)
        press(qtbot, Qt.Key.Key_S, CTRL)
        wait_idle(qtbot, controller.runner)
        qtbot.waitUntil(invite.isVisible)
        press(qtbot, Qt.Key.Key_M, ALT)  # a mnemonic clicks after a short animation
        qtbot.waitUntil(lambda: form.isVisible() and QApplication.focusWidget() is not None)
        wait_idle(qtbot, controller.runner)
        press(qtbot, Qt.Key.Key_Y, ALT)
        qtbot.keyClicks(QApplication.focusWidget(), f"Note to self {canary}")

        press(qtbot, Qt.Key.Key_L, CTRL)
        assert not controller.is_unlocked
    finally:
        controller.shutdown()

    places = [data_dir, _isolated_qsettings, temp_folder]
    assert any(p.is_file() for p in _isolated_qsettings.rglob("*")), "settings were written"
    assert found_in(places, canary) == []
    assert caplog.records, "log lines were captured"
    assert not in_logs(caplog, canary)
    # Sanity: the reflection and the unfinished one really were written (sealed).
    kept = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        alex = kept.unlock(kept.accounts()[0].uuid, UI_PASSPHRASE)
        assert [canary in d.text() for d in alex.debriefs.mine()] == [True]
        drafts = alex.drafts.mine("reflection")
        assert len(drafts) == 1 and canary in drafts[0].fields["note_to_self"]
    finally:
        kept.close()
