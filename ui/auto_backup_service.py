"""Automatic backups when a shift ends (if a coordinator switched them on).

Listens for ``records_changed("shift-ended")`` (the On shift page says so once a shift has
ended), reads the sealed setting on the shared worker, and backs up on a worker of its own
(:class:`~ui.backup_service.BackupService`) so the handover being written is never held up.
What happened is said in the status bar; a failure is said too, never silently dropped: a
stick left in a drawer must not mean a line without backups for weeks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject

from ui.backend import Backend, describe
from ui.backup_service import BackupService
from ui.widgets.backup_parts import counted
from warmline import auto_backup
from warmline.audit import Kind
from warmline.backup import BackupResult
from warmline.session import Session

SHIFT_ENDED = "shift-ended"


class AutoBackupService(QObject):
    def __init__(self, backend: Backend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._service = BackupService(self)
        self.last: BackupResult | BaseException | None = None
        backend.records_changed.connect(self._changed)

    @property
    def busy(self) -> bool:
        return self._service.busy

    def _changed(self, kind: str) -> None:
        if kind == SHIFT_ENDED:
            self.run()

    def run(self) -> None:
        def setting(session: Session) -> tuple[object, auto_backup.AutoBackup | None]:
            return session.vault_path, auto_backup.load(session)

        self._backend.run(setting, self._start, self._failed)

    def _start(self, found: tuple[object, auto_backup.AutoBackup | None]) -> None:
        vault_path, setting = found
        if setting is None or self._service.busy:
            return
        self._service.back_up_with_key(
            Path(str(vault_path)), setting.folder, setting.key, keep=setting.keep,
            on_done=self._done, on_error=self._failed,
        )  # fmt: skip

    def _done(self, result: BackupResult) -> None:
        self.last = result
        self._backend.note_activity(Kind.BACKUP_MADE)
        self._backend.status_message.emit(
            QCoreApplication.translate(
                "AutoBackup", "Backed up automatically at the end of the shift: {what} to {path}."
            ).format(what=counted(result.contents), path=str(result.path))
        )

    def _failed(self, error: BaseException) -> None:
        self.last = error
        self._backend.error_reported.emit(
            QCoreApplication.translate(
                "AutoBackup", "The automatic backup at the end of the shift was not made. {why}"
            ).format(why=describe(error))
        )

    def close(self) -> None:
        """On lock: let a backup already running finish, then stop."""
        self._service.shutdown()
