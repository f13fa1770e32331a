"""Backups from the Team page, as a coordinator makes and restores them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.conftest import UI_PASSPHRASE, wait_idle
from tests.ui.shift_support import make_line, shift_app, sign_in  # noqa: F401 (fixture)
from ui.backend import Backend
from ui.controller import AppController
from ui.prompts import Prompts
from ui.screens.team import TeamPage
from ui.tasks import TaskRunner
from ui.widgets.backup_dialog import FOLDER_SETTING, BackupDialog
from ui.widgets.restore_dialog import RestoreDialog
from warmline.backup import backups_in
from warmline.calls import Call
from warmline.session import Session
from warmline.vault import Vault

BACKUP_PASSPHRASE = "lantern meadow copper violin"


@pytest.fixture
def page(qtbot: QtBot, runner: TaskRunner, backend: Backend) -> Iterator[TeamPage]:
    team = TeamPage(backend)
    qtbot.addWidget(team)
    team.show()
    team.activated()
    wait_idle(qtbot, runner)
    yield team


def click(qtbot: QtBot, parent: object, name: str) -> None:
    button = parent.findChild(QPushButton, name)  # type: ignore[attr-defined]
    assert button is not None and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_backup_dialog(qtbot: QtBot, runner: TaskRunner, page: TeamPage) -> BackupDialog:
    click(qtbot, page, "team-backup")
    dialog = page.window().findChild(BackupDialog) or next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, BackupDialog)
    )
    wait_idle(qtbot, runner)
    return dialog


def back_up(qtbot: QtBot, dialog: BackupDialog, folder: Path, prompts: type[Prompts]) -> None:
    prompts.set_next_answers([str(folder)])
    click(qtbot, dialog, "backup-folder-choose")
    qtbot.keyClicks(dialog.fields.new_edit, BACKUP_PASSPHRASE)
    qtbot.keyClicks(dialog.fields.repeat_edit, BACKUP_PASSPHRASE)
    click(qtbot, dialog, "backup-start")


def test_a_coordinator_backs_up_to_a_folder_and_is_told_what_was_saved(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage, ui_vault: tuple[Vault, Session],
    prompts: type[Prompts], tmp_path: Path,
) -> None:  # fmt: skip
    _vault, session = ui_vault
    session.calls.add_many([Call(connection=f"note {i}") for i in range(12)])
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = open_backup_dialog(qtbot, runner, page)
    back_up(qtbot, dialog, stick, prompts)
    qtbot.waitUntil(lambda: dialog.made is not None, timeout=20_000)
    assert dialog.made is not None
    [made] = backups_in(stick, "Test Line")
    result = dialog.findChild(QLabel, "backup-result")
    assert result is not None and result.isVisible()
    assert result.text().startswith("Backed up ") and "(12 calls)" in result.text()
    assert str(made) in result.text()
    assert dialog.fields.passphrase() == ""  # no widget keeps the passphrase
    assert QSettings().value(FOLDER_SETTING) == str(stick)
    assert prompts.asked[0].kind == "folder"
    click(qtbot, dialog, "backup-cancel")  # Close
    assert not dialog.isVisible()


def test_a_weak_or_mistyped_backup_passphrase_is_refused_on_screen(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage, prompts: type[Prompts], tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = open_backup_dialog(qtbot, runner, page)
    prompts.set_next_answers([str(stick)])
    click(qtbot, dialog, "backup-folder-choose")
    qtbot.keyClicks(dialog.fields.new_edit, "password1")
    qtbot.keyClicks(dialog.fields.repeat_edit, "password2")
    click(qtbot, dialog, "backup-start")
    error = dialog.findChild(QLabel, "backup-error")
    assert error is not None and "not the same" in error.text()
    dialog.fields.repeat_edit.clear()
    qtbot.keyClicks(dialog.fields.repeat_edit, "password1")
    click(qtbot, dialog, "backup-start")
    qtbot.waitUntil(lambda: "easy to guess" in error.text(), timeout=10_000)
    assert list(stick.iterdir()) == []
    click(qtbot, dialog, "backup-cancel")


def test_a_backup_is_checked_then_restored_into_a_new_folder(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage, ui_vault: tuple[Vault, Session],
    prompts: type[Prompts], tmp_path: Path,
) -> None:  # fmt: skip
    _vault, session = ui_vault
    session.calls.add_many([Call(connection=f"note {i}") for i in range(5)])
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = open_backup_dialog(qtbot, runner, page)
    back_up(qtbot, dialog, stick, prompts)
    qtbot.waitUntil(lambda: dialog.made is not None, timeout=20_000)
    click(qtbot, dialog, "backup-cancel")
    [made] = backups_in(stick, "Test Line")

    click(qtbot, page, "team-restore")
    restore = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RestoreDialog)
                   and w.isVisible())  # fmt: skip
    target = tmp_path / "restored"
    prompts.set_next_answers([str(made), str(target)])
    click(qtbot, restore, "restore-file-choose")
    click(qtbot, restore, "restore-folder-choose")
    error = restore.findChild(QLabel, "restore-error")
    assert error is not None

    qtbot.keyClicks(restore.passphrase, "lantern meadow copper viola")
    click(qtbot, restore, "restore-start")
    qtbot.waitUntil(lambda: "not the passphrase" in error.text(), timeout=20_000)
    assert not target.exists()

    restore.passphrase.clear()
    qtbot.keyClicks(restore.passphrase, BACKUP_PASSPHRASE)
    click(qtbot, restore, "restore-check")
    qtbot.waitUntil(lambda: restore.last is not None, timeout=20_000)
    outcome = restore.findChild(QLabel, "restore-result")
    assert outcome is not None and "The backup is whole" in outcome.text()
    assert "(5 calls)" in outcome.text() and not target.exists()

    qtbot.keyClicks(restore.passphrase, BACKUP_PASSPHRASE)
    restore.last = None
    click(qtbot, restore, "restore-start")
    qtbot.waitUntil(lambda: restore.last is not None, timeout=20_000)
    assert outcome.text().startswith("Restored ") and str(target) in outcome.text()
    assert Vault.exists(target)
    assert restore.passphrase.text() == ""
    click(qtbot, restore, "restore-close")


def test_automatic_backups_are_switched_on_and_run_when_a_shift_ends(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage, backend: Backend,
    ui_vault: tuple[Vault, Session], prompts: type[Prompts], tmp_path: Path,
) -> None:  # fmt: skip
    from ui.auto_backup_service import SHIFT_ENDED, AutoBackupService
    from warmline import auto_backup

    _vault, session = ui_vault
    service = AutoBackupService(backend)
    backend.changed(SHIFT_ENDED)  # switched off: nothing happens
    wait_idle(qtbot, runner)
    assert service.last is None and not service.busy

    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = open_backup_dialog(qtbot, runner, page)
    assert not dialog.automatic.isChecked()
    dialog.automatic.setChecked(True)
    back_up(qtbot, dialog, stick, prompts)
    qtbot.waitUntil(lambda: dialog.automatic_changed, timeout=20_000)
    result = dialog.findChild(QLabel, "backup-result")
    assert result is not None and "at the end of each shift" in result.text()
    assert result.isVisible() and result.text().startswith("Backed up ")
    setting = auto_backup.load(session)
    assert setting is not None and setting.folder == stick
    click(qtbot, dialog, "backup-cancel")

    messages: list[str] = []
    backend.status_message.connect(messages.append)
    session.calls.add(Call(connection="after the first backup"))
    backend.changed(SHIFT_ENDED)
    qtbot.waitUntil(lambda: service.last is not None, timeout=20_000)
    assert messages and messages[-1].startswith("Backed up automatically")
    made = backups_in(stick, "Test Line")
    assert len(made) == 2  # a second file, even within the same second
    from warmline.backup import verify

    assert verify(made[-1], BACKUP_PASSPHRASE).contents.calls == 1
    service.close()

    reopened = open_backup_dialog(qtbot, runner, page)
    assert reopened.automatic.isChecked()  # shown as it is
    click(qtbot, reopened, "backup-cancel")


def test_a_volunteer_ending_a_shift_in_the_app_makes_the_automatic_backup(
    shift_app: Callable[[Path], AppController],  # noqa: F811
    qtbot: QtBot, tmp_path: Path, prompts: type[Prompts],
) -> None:  # fmt: skip
    from warmline import auto_backup, crypto

    data_dir = make_line(tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    alex = next(a for a in vault.accounts() if a.display_name == "Alex")
    auto_backup.switch_on(vault.unlock(alex.uuid, UI_PASSPHRASE), stick, 5, BACKUP_PASSPHRASE)
    vault.close()

    controller = shift_app(data_dir)
    controller.start()
    page = sign_in(qtbot, controller, "Ann")
    page.start_button.click()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.end_button.isVisible())
    assert backups_in(stick, "Riverside Warmline") == []
    prompts.set_next_answers([True])
    page.end_shift()
    qtbot.waitUntil(lambda: len(backups_in(stick, "Riverside Warmline")) == 1, timeout=20_000)
    qtbot.waitUntil(
        lambda: "Backed up automatically" in controller.window.statusBar().currentMessage(),
        timeout=5000,
    )
