"""Backups from the app: made, checked and restored on a worker of their own.

Why not the shared worker (ui/tasks.py's one thread for the session): a backup reads the
line's file through a connection of its own, in one read snapshot, so the app's saves go on
meanwhile; queued behind it on the shared worker they would wait for the whole copy and the
key derivation. A second :class:`TaskRunner` keeps the same rules (work off the GUI thread,
results back on it, nothing delivered after ``shutdown``) without that wait. Restoring does
not touch the open line at all.

The core reports progress from the worker thread; :class:`BackupService` re-emits it as a
queued signal, so widgets only ever hear it on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from ui.tasks import TaskRunner
from warmline import backup as backupmod
from warmline.crypto import KdfParams

T = TypeVar("T")


class BackupService(QObject):
    """One dialog's backup work. ``progress(stage, done, total)`` arrives on the GUI thread."""

    progress = Signal(str, int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner: TaskRunner | None = None  # its thread starts with the first piece of work
        self._last: dict[str, int] = {}
        # Not a Qt child: if this service goes with its dialog (a lock while a backup runs),
        # the work is let finish first, so a thread is never destroyed while it runs.
        holder: list[TaskRunner | None] = [None]
        self._holder = holder
        def let_work_finish(*_args: object) -> None:
            if holder[0] is not None:
                holder[0].shutdown()

        self.destroyed.connect(let_work_finish)

    @property
    def busy(self) -> bool:
        return self._runner is not None and self._runner.busy

    def _submit(
        self, work: Callable[[], T], on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:  # fmt: skip
        self._last = {}
        if self._runner is None:
            self._runner = self._holder[0] = TaskRunner()
        self._runner.submit(work, on_done, on_error)

    def _report(self, stage: str, done: int, total: int) -> None:
        """Called on the worker: at most about a hundred signals per stage."""
        step = max(1, total // 100)
        if done < total and done - self._last.get(stage, -step) < step:
            return
        self._last[stage] = done
        self.progress.emit(stage, done, total)

    def back_up(
        self,
        vault_path: Path,
        folder: Path,
        passphrase: str,
        *,
        line_name: str,
        keep: int | None,
        kdf_factory: Callable[[], KdfParams],
        on_done: Callable[[backupmod.BackupResult], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Check the passphrase, derive its key (slow on purpose), back up."""

        def work() -> backupmod.BackupResult:
            backupmod.check_backup_passphrase(passphrase, line_name)
            key = backupmod.BackupKey.from_passphrase(passphrase, kdf_factory)
            return self._make(vault_path, folder, key, keep)

        self._submit(work, on_done, on_error)

    def _make(
        self, vault_path: Path, folder: Path, key: backupmod.BackupKey, keep: int | None
    ) -> backupmod.BackupResult:
        """On the backup worker: the backup itself; the key is wiped however it ends."""
        try:
            return backupmod.make_backup(
                vault_path.parent, folder, key, keep=keep, progress=self._report
            )
        finally:
            key.wipe()

    def back_up_with_key(
        self,
        vault_path: Path,
        folder: Path,
        key: backupmod.BackupKey,
        *,
        keep: int | None,
        on_done: Callable[[backupmod.BackupResult], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Back up under a key already derived (automatic backups keep one); wiped after."""
        self._submit(lambda: self._make(vault_path, folder, key, keep), on_done, on_error)

    def check(
        self,
        path: Path,
        passphrase: str,
        *,
        on_done: Callable[[backupmod.CheckResult], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._submit(
            lambda: backupmod.verify(path, passphrase, progress=self._report), on_done, on_error
        )

    def restore(
        self,
        path: Path,
        passphrase: str,
        data_dir: Path,
        *,
        on_done: Callable[[backupmod.CheckResult], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._submit(
            lambda: backupmod.restore(path, passphrase, data_dir, progress=self._report),
            on_done,
            on_error,
        )

    def shutdown(self) -> None:
        """Let work already started finish (a half-written backup is never left: the core
        removes its temporary file), then stop the worker; no callback runs afterwards."""
        if self._runner is not None:
            self._runner.shutdown(wait=True)
