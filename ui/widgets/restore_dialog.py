"""Check a backup, or restore it into a new folder, from inside the app.

Checking opens every part of the file with its passphrase and writes nothing. Restoring does
the same check first and only then writes the line into a new, empty folder: the line open
now is never touched, so a restore can be tried without risk. The restored line is opened by
starting Warmline on that folder (the dialog says how).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.backend import describe
from ui.backup_service import BackupService
from ui.prompts import Prompts
from ui.theme import set_role
from ui.widgets.backup_dialog import FOLDER_SETTING
from ui.widgets.backup_parts import PathRow, ProgressLine, counted
from ui.widgets.dialog_parts import error_label
from ui.widgets.fit import fit_to_text
from warmline.backup import EXTENSION, CheckResult


class RestoreDialog(QDialog):
    """Check or restore one backup file. Object names start with ``restore-``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restore-dialog")
        self.setWindowTitle(self.tr("Check or restore a backup"))
        self.setModal(True)
        self._service = BackupService(self)
        self.last: CheckResult | None = None

        intro = QLabel(
            self.tr(
                "Choose a backup and type its passphrase. Warmline checks every part of it "
                "first. Restoring puts the line into a new, empty folder: the line open now "
                "stays exactly as it is."
            )
        )
        intro.setWordWrap(True)
        self.file = PathRow(
            self.tr("&Backup file"), self.tr("Backup file"), "restore-file", self._choose_file
        )
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("restore-passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("The backup's passphrase"))
        caption = QLabel(self.tr("The backup's &passphrase"))
        caption.setBuddy(self.passphrase)
        self.folder = PathRow(
            self.tr("New, empty &folder to restore into"),
            self.tr("New, empty folder to restore into"),
            "restore-folder",
            self._choose_folder,
        )
        self.progress = ProgressLine()
        self._service.progress.connect(self.progress.show_stage)
        self.outcome = QLabel()
        self.outcome.setObjectName("restore-result")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.setVisible(False)
        self.error = error_label("restore-error")

        self.check_button = QPushButton(self.tr("C&heck only"))
        self.check_button.setObjectName("restore-check")
        self.restore_button = QPushButton(self.tr("&Restore"))
        self.restore_button.setObjectName("restore-start")
        self.restore_button.setDefault(True)
        set_role(self.restore_button, "primary")
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("restore-close")
        buttons = QDialogButtonBox()
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.check_button.clicked.connect(self.check)
        self.restore_button.clicked.connect(self.restore)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.file)
        layout.addWidget(caption)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.folder)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setTabOrder(self.file.button, self.passphrase)
        self.setTabOrder(self.passphrase, self.folder.edit)
        self.setTabOrder(self.folder.button, self.restore_button)
        self.setTabOrder(self.restore_button, self.check_button)
        self.setTabOrder(self.check_button, self.close_button)
        self.check_button.setAutoDefault(False)
        self.close_button.setAutoDefault(False)
        self.file.edit.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        fit_to_text(self)
        super().showEvent(event)

    @property
    def busy(self) -> bool:
        return self._service.busy

    def _choose_file(self, current: str) -> str | None:
        start = current or str(QSettings().value(FOLDER_SETTING, "") or "")
        return Prompts.open_file(
            self, self.tr("Choose a backup"),
            self.tr("Warmline backups (*{ext})").format(ext=EXTENSION), start,
        )  # fmt: skip

    def _choose_folder(self, current: str) -> str | None:
        return Prompts.folder(self, self.tr("Choose a new, empty folder"), current)

    def _ready(self, *, need_folder: bool) -> bool:
        self._show_error("")
        if not self.file.text():
            self._show_error(self.tr("Please choose a backup file first."))
            self.file.button.setFocus()
            return False
        if not self.passphrase.text():
            self._show_error(self.tr("Please type the backup's passphrase."))
            self.passphrase.setFocus()
            return False
        if need_folder and not self.folder.text():
            self._show_error(self.tr("Please choose a new, empty folder to restore into."))
            self.folder.button.setFocus()
            return False
        return True

    def check(self) -> None:
        if self.busy or not self._ready(need_folder=False):
            return
        self._set_working(True, self.tr("Checking the backup…"))
        self._service.check(
            Path(self.file.text()).expanduser(), self.passphrase.text(),
            on_done=self._checked, on_error=self._failed,
        )  # fmt: skip

    def restore(self) -> None:
        if self.busy or not self._ready(need_folder=True):
            return
        self._set_working(True, self.tr("Checking the backup…"))
        self._service.restore(
            Path(self.file.text()).expanduser(), self.passphrase.text(),
            Path(self.folder.text()).expanduser(),
            on_done=self._restored, on_error=self._failed,
        )  # fmt: skip

    def _checked(self, result: CheckResult) -> None:
        self._finish(
            result,
            self.tr("The backup is whole: {what} of the line “{line}”. Nothing was written.")
            .format(what=counted(result.contents), line=result.contents.line_name),
        )  # fmt: skip

    def _restored(self, result: CheckResult) -> None:
        folder = str(result.data_dir)
        self._finish(
            result,
            self.tr(
                "Restored {what} of the line “{line}” into {folder}. To open it, start "
                "Warmline with that folder: warmline --data-dir \"{folder}\""
            ).format(
                what=counted(result.contents), line=result.contents.line_name, folder=folder
            ),
        )

    def _finish(self, result: CheckResult, text: str) -> None:
        self.last = result
        self._set_working(False)
        self.passphrase.clear()
        self.outcome.setText(text)
        self.outcome.setVisible(True)
        self.close_button.setFocus()
        fit_to_text(self)

    def _failed(self, error: BaseException) -> None:
        self._set_working(False)
        self._show_error(describe(error))
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if text:
            fit_to_text(self)

    def _set_working(self, working: bool, text: str = "") -> None:
        for widget in (self.check_button, self.restore_button, self.close_button,
                       self.passphrase):  # fmt: skip
            widget.setEnabled(not working)
        self.file.set_enabled(not working)
        self.folder.set_enabled(not working)
        if working:
            self.outcome.setVisible(False)
            self.progress.start(text)
        else:
            self.progress.stop()

    def reject(self) -> None:
        if self.busy:
            return
        self.passphrase.clear()
        self._service.shutdown()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)
