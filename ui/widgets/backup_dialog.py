"""Back up this line by hand: a folder, how many backups to keep, a backup passphrase twice.

The passphrase is the backup's own, not anyone's account passphrase: whoever has the file and
that passphrase can restore the whole line, so it follows the same rules as an account's,
and nobody can find it again if it is lost. It is never stored. The folder and the number to
keep are remembered on this workstation (QSettings): a path says nothing about anyone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QSpinBox, QVBoxLayout, QWidget

from ui.backend import Backend, describe
from ui.backup_service import BackupService
from ui.prompts import Prompts
from ui.theme import set_role
from ui.widgets.backup_parts import PathRow, ProgressLine, counted
from ui.widgets.dialog_parts import error_label, ok_cancel
from ui.widgets.fit import fit_to_text, room_for_mnemonic
from ui.widgets.new_passphrase import NewPassphraseFields, mismatch_message
from warmline import auto_backup
from warmline.audit import Kind
from warmline.backup import DEFAULT_KEEP, BackupResult
from warmline.session import Session

FOLDER_SETTING = "backups/folder"
KEEP_SETTING = "backups/keep"
KEEP_MAX = 100


def _where_and_whether(session: Session) -> tuple[Path, object, bool]:
    """The vault file, the KDF settings, and whether automatic backups are on (worker)."""
    setting = auto_backup.load(session)
    if setting is not None:
        setting.key.wipe()
    return session.vault_path, session.kdf_factory, setting is not None


class BackupDialog(QDialog):
    """Make one backup now. Object names start with ``backup-``."""

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backup-dialog")
        self.setWindowTitle(self.tr("Back up this line"))
        self.setModal(True)
        self._backend = backend
        self._service = BackupService(self)
        self._service.progress.connect(self._progress)
        self._where: tuple[Path, object] | None = None
        self.made: BackupResult | None = None
        self._automatic_wanted: tuple[bool, str] = (False, "")
        self.automatic_changed = False

        intro = QLabel(
            self.tr(
                "A backup is a copy of everything on this line, locked with a passphrase of "
                "its own. Keep it away from this computer, such as on a USB stick in a locked "
                "drawer. Everyone can go on working while it is made."
            )
        )
        intro.setWordWrap(True)
        settings = QSettings()
        self.folder = PathRow(
            self.tr("&Folder for backups"), self.tr("Folder for backups"), "backup-folder",
            self._choose_folder,
        )  # fmt: skip
        self.folder.set_text(str(settings.value(FOLDER_SETTING, "") or ""))
        self.keep = QSpinBox()
        self.keep.setObjectName("backup-keep")
        self.keep.setAccessibleName(self.tr("How many of this line's backups to keep there"))
        self.keep.setRange(1, KEEP_MAX)
        try:
            self.keep.setValue(int(str(settings.value(KEEP_SETTING, DEFAULT_KEEP))))
        except ValueError:
            self.keep.setValue(DEFAULT_KEEP)
        keep_caption = QLabel(
            self.tr("&Keep this many of the line's newest backups there (older ones go):")
        )
        keep_caption.setWordWrap(True)
        keep_caption.setBuddy(self.keep)
        keep_row = QVBoxLayout()
        keep_row.addWidget(keep_caption)
        keep_row.addWidget(self.keep, 0, Qt.AlignmentFlag.AlignLeft)

        self.fields = NewPassphraseFields(
            new_label=self.tr("Backup &passphrase (at least 8 characters)"),
            repeat_label=self.tr("Type it &again"),
        )
        self.fields.set_user_inputs([backend.line_name])
        warning = QLabel(
            self.tr(
                "Nobody can open a backup without this passphrase, and nobody can find it "
                "again if it is forgotten. Write it down and keep it apart from the backup."
            )
        )
        warning.setWordWrap(True)
        set_role(warning, "hint")
        self.automatic = QCheckBox(self.tr("Also back up a&utomatically after each shift"))
        self.automatic.setObjectName("backup-automatic")
        self.automatic.setAccessibleName(self.tr("Back up automatically at the end of each shift"))
        room_for_mnemonic(self.automatic)
        self._automatic_was_on = False
        automatic_hint = QLabel(
            self.tr(
                "When a shift ends, Warmline then backs up to this folder with this passphrase, "
                "keeping the same number. Anyone on the team ending a shift starts it; the "
                "passphrase itself is not kept."
            )
        )
        automatic_hint.setWordWrap(True)
        set_role(automatic_hint, "hint")

        self.progress = ProgressLine()
        self.outcome = QLabel()
        self.outcome.setObjectName("backup-result")
        self.outcome.setWordWrap(True)
        self.outcome.setVisible(False)
        self.error = error_label("backup-error")
        buttons, self.start_button, self.close_button = ok_cancel(
            self, self.tr("&Back up"), "backup-start", self.start
        )
        self.close_button.setText(self.tr("Close"))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.folder)
        layout.addLayout(keep_row)
        layout.addWidget(self.fields)
        layout.addWidget(warning)
        layout.addWidget(self.automatic)
        layout.addWidget(automatic_hint)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setTabOrder(self.folder.button, self.keep)
        self.setTabOrder(self.keep, self.fields.new_edit)
        self.setTabOrder(self.fields.repeat_edit, self.automatic)
        self.setTabOrder(self.automatic, self.start_button)

        (self.fields.new_edit if self.folder.text() else self.folder.edit).setFocus()

        # Where the line's file is, how new passphrases are protected (clear facts), and
        # whether automatic backups are on (only that yes or no comes back from the worker).
        self.start_button.setEnabled(False)
        backend.run(_where_and_whether, self._located, self._failed)

    def showEvent(self, event: QShowEvent) -> None:
        fit_to_text(self)
        super().showEvent(event)

    @property
    def busy(self) -> bool:
        return self._service.busy

    def _located(self, found: tuple[Path, object, bool]) -> None:
        vault_path, kdf_factory, automatic = found
        self._where = (vault_path, kdf_factory)
        self._automatic_was_on = automatic
        self.automatic.setChecked(automatic)
        self.start_button.setEnabled(True)

    def _choose_folder(self, current: str) -> str | None:
        return Prompts.folder(self, self.tr("Choose the folder for backups"), current)

    def start(self) -> None:
        if self.busy or self._where is None:
            return
        self._show_error("")
        folder = self.folder.text()
        if not folder:
            self._show_error(self.tr("Please choose a folder for the backup first."))
            self.folder.button.setFocus()
            return
        if not self.fields.matches():
            self._show_error(mismatch_message())
            self.fields.repeat_edit.setFocus()
            return
        vault_path, kdf_factory = self._where
        self._automatic_wanted = (self.automatic.isChecked(), self.fields.passphrase())
        self._set_working(True)
        self.progress.start(self.tr("Protecting the backup with its passphrase…"))
        self._service.back_up(
            vault_path,
            Path(folder).expanduser(),
            self.fields.passphrase(),
            line_name=self._backend.line_name,
            keep=self.keep.value(),
            kdf_factory=kdf_factory,  # type: ignore[arg-type]
            on_done=self._done,
            on_error=self._failed,
        )

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.progress.show_stage(stage, done, total)

    def _done(self, result: BackupResult) -> None:
        self.made = result
        self._backend.note_activity(Kind.BACKUP_MADE)
        self._set_working(False)
        self.progress.stop()
        self.fields.clear()
        settings = QSettings()
        settings.setValue(FOLDER_SETTING, str(result.path.parent))
        settings.setValue(KEEP_SETTING, self.keep.value())
        text = self.tr("Backed up {what} to {path}.").format(
            what=counted(result.contents), path=str(result.path)
        )
        if result.removed:
            text += " " + self.tr("{n} older backup(s) were deleted.").format(
                n=len(result.removed)
            )
        self.outcome.setText(text)
        self.outcome.setVisible(True)
        self.close_button.setFocus()
        fit_to_text(self)
        self._apply_automatic(result)

    def _apply_automatic(self, result: BackupResult) -> None:
        """Switch automatic backups on (with this folder, number and passphrase) or off."""
        wanted, passphrase = self._automatic_wanted
        self._automatic_wanted = (False, "")
        folder, keep = result.path.parent, self.keep.value()
        if wanted:
            self._set_working(True)
            self.progress.start(self.tr("Setting up automatic backups…"))
            self._backend.run(
                lambda s: auto_backup.switch_on(s, folder, keep, passphrase).key.wipe(),
                lambda _none: self._automatic_done(True), self._failed,
            )  # fmt: skip
        elif self._automatic_was_on:
            self._backend.run(
                auto_backup.switch_off, lambda _none: self._automatic_done(False), self._failed
            )

    def _automatic_done(self, on: bool) -> None:
        self._set_working(False)
        self.progress.stop()
        self._automatic_was_on = on
        self.outcome.setText(
            self.outcome.text() + " " + (
                self.tr("From now on a backup is also made there at the end of each shift.")
                if on else self.tr("Automatic backups at the end of each shift are now off.")
            )
        )  # fmt: skip
        self.outcome.setVisible(True)
        self.automatic_changed = True
        self.close_button.setFocus()
        fit_to_text(self)

    def _failed(self, error: BaseException) -> None:
        self._set_working(False)
        self.progress.stop()
        self._show_error(describe(error))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if text:
            fit_to_text(self)

    def _set_working(self, working: bool) -> None:
        self.start_button.setEnabled(not working)
        self.close_button.setEnabled(not working)
        self.folder.set_enabled(not working)
        self.keep.setEnabled(not working)
        self.fields.set_fields_enabled(not working)
        self.automatic.setEnabled(not working)
        if working:
            self.outcome.setVisible(False)

    def reject(self) -> None:
        if self.busy:  # the backup is on its way: closing now would hide how it ended
            return
        self.fields.clear()
        self._service.shutdown()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)
