"""The app's states and the moves between them: opening, first run, locked, unlocked.

The controller owns the vault, the session and the task runner; screens only raise signals
and show what they are given. Every call into the core goes through the single worker
thread (``TaskRunner``), so the window never freezes on a slow key derivation or a big
query, and database work never happens in two places at once.

Locking (Ctrl+L, the Lock button, idle minutes, the session going to sleep) flushes
unfinished notes as sealed drafts first, then cancels every pending result, deletes the
workspace with all decrypted views and models, clears the clipboard if it still holds what
we put there, and finally drops the session's keys on the worker, after the drafts landed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

import warmline
from ui.auto_backup_service import AutoBackupService
from ui.backend import Backend, describe
from ui.clipboard import SafeClipboard
from ui.clock import Clock, SystemClock
from ui.idle import IdleWatcher
from ui.main_window import MainWindow
from ui.pages import page_types, wire_pages
from ui.preferences import Preferences, last_appearance
from ui.prompts import Prompts
from ui.reseal_service import ResealService
from ui.retention_service import RetentionService
from ui.return_clicks import install as install_return_clicks
from ui.screens.first_run import FirstRunScreen
from ui.screens.unlock import UnlockScreen
from ui.system_events import SystemEvents
from ui.tasks import TaskRunner
from ui.theme import apply_theme
from ui.widgets.recovery_code_dialog import RecoveryCodeDialog
from ui.widgets.recovery_unlock_dialog import RecoveryUnlockDialog
from ui.workspace import Workspace
from warmline.accounts import Account
from warmline.crypto import KdfParams
from warmline.errors import AccountDisabled, VaultMissing, WrongPassphrase
from warmline.session import Session
from warmline.team_settings import IDLE_LOCK_DEFAULT, idle_lock_minutes
from warmline.vault import Vault

log = logging.getLogger(__name__)

DEFAULT_IDLE_MINUTES = IDLE_LOCK_DEFAULT


class AppController(QObject):
    unlocked = Signal()
    locked = Signal()
    vault_ready = Signal()

    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        kdf_factory: Callable[[], KdfParams] | None = None,
        demo: bool = False,
        app: QApplication | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.clock: Clock = clock or SystemClock()
        self.kdf_factory = kdf_factory
        self.demo = demo
        self._app = app
        self.runner = TaskRunner(self)
        self.clipboard = SafeClipboard(parent=self)
        self.vault: Vault | None = None
        self.session: Session | None = None
        self.backend: Backend | None = None
        self.search: Any = None
        self.reseal: ResealService | None = None
        self.retention: RetentionService | None = None
        self.auto_backup: AutoBackupService | None = None
        self.accounts: list[Account] = []
        self._last_account: str | None = None
        self._closing = False
        self._demo_line = False  # set from the opened vault (Vault.is_demo)
        # What to put back when the same person unlocks again: the page they were on and
        # the notes that were open (page key -> draft uuid).
        self._resume: tuple[str, str | None, dict[str, str]] | None = None

        self.window = MainWindow()
        self.unlock_screen = UnlockScreen()
        self.first_run = FirstRunScreen()
        self.window.show_screen(self.unlock_screen)
        self.window.show_screen(self.first_run)

        self.idle = IdleWatcher(self.clock, DEFAULT_IDLE_MINUTES, parent=self, app=app)
        self.idle.idle_timeout.connect(self._lock_idle)
        self.idle.warning.connect(self.window.show_idle_warning)
        self.idle.warning_cancelled.connect(self.window.hide_idle_warning)
        self.window.lock_requested.connect(self.lock)
        self.window.about_requested.connect(self.show_about)
        self.window.quit_requested.connect(self.quit)
        self.unlock_screen.unlock_requested.connect(self.unlock)
        self.unlock_screen.recovery_requested.connect(self._forgot_passphrase)
        self.first_run.create_requested.connect(self._create_vault)
        self.runner.busy_changed.connect(self.window.set_working)
        self.runner.failed.connect(lambda exc: self._status(describe(exc)))
        application_for_keys = QApplication.instance()
        if isinstance(application_for_keys, QApplication):
            self._return_clicks = install_return_clicks(application_for_keys)
        self.system_events = SystemEvents(self)
        self.system_events.should_lock.connect(self._lock_system)
        self.system_events.connect_buses()
        application = QGuiApplication.instance()
        if isinstance(application, QGuiApplication):
            application.applicationStateChanged.connect(self._application_state_changed)

    # --- start ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the vault (on the worker) or begin first run; the window shows at once."""
        if self.demo and not Vault.exists(self.data_dir):
            self.window.show_message(
                self.tr("Making a demo line"),
                self.tr("Writing a few hundred fictional calls so you can look around…"),
                busy=True,
            )
            self._submit(self._make_demo, lambda _: self._open_vault(), self._open_failed)
            return
        if not Vault.exists(self.data_dir):
            self.window.set_line_name(self.tr("Welcome"))
            self.window.show_screen(self.first_run)
            self.first_run.line_name.setFocus()
            return
        self._open_vault()

    def _make_demo(self) -> None:
        from warmline.fiction import create_demo_vault

        vault, session, _ = create_demo_vault(self.data_dir, kdf_factory=self.kdf_factory)
        session.lock()
        vault.close()

    def _open_vault(self) -> None:
        self.window.show_message(self.tr("Opening Warmline…"), "", busy=True)
        data_dir, factory = self.data_dir, self.kdf_factory

        def work() -> tuple[Vault, str, list[Account], bool]:
            vault = Vault.open(data_dir, kdf_factory=factory)
            return vault, vault.line_name, vault.accounts(), vault.is_demo

        self._submit(work, self._vault_opened, self._open_failed)

    def _vault_opened(self, result: tuple[Vault, str, list[Account], bool]) -> None:
        vault, line_name, self.accounts, self._demo_line = result
        if self.demo and not self._demo_line:  # --demo never opens a real line
            self._submit(vault.close)
            self.window.show_message(
                self.tr("This is not the demo line"),
                self.tr(
                    "The folder {folder} holds a real line, so Warmline did not open it as a "
                    "demo. Start Warmline without --demo to use it, or give --demo a new folder."
                ).format(folder=str(self.data_dir)),
            )
            return
        self.vault = vault
        self.window.set_line_name(line_name)
        self.unlock_screen.set_line_name(line_name)
        self._show_unlock()
        self.vault_ready.emit()

    def _open_failed(self, error: BaseException) -> None:
        if isinstance(error, VaultMissing):
            self.window.show_screen(self.first_run)
            return
        self.window.show_message(self.tr("Warmline could not open"), describe(error))

    # --- first run -----------------------------------------------------------------------------

    def _create_vault(self, line: str, name: str, passphrase: str, want_code: bool) -> None:
        self.first_run.set_busy(True)
        self.first_run.show_message("")
        data_dir, factory = self.data_dir, self.kdf_factory

        def work() -> tuple[Vault, Session, str | None]:
            vault, session = Vault.create(data_dir, line, name, passphrase, kdf_factory=factory)
            code = session.team.create_recovery_code(passphrase) if want_code else None
            return vault, session, code

        def done(result: tuple[Vault, Session, str | None]) -> None:
            self.vault, session, code = result
            self.first_run.set_busy(False)
            self.first_run.clear_secrets()
            self.window.set_line_name(self.vault.line_name)
            self.unlock_screen.set_line_name(self.vault.line_name)
            # Keep the appearance the line was set up in (high contrast at 200 %, say)
            # rather than dropping the new coordinator back to the defaults.
            prefs = Preferences(session.account.uuid)
            prefs.theme, prefs.text_scale = last_appearance()
            prefs.save()
            self._became_unlocked(session)
            if code:
                dialog = RecoveryCodeDialog(
                    code,
                    session.account.display_name,
                    self.vault.line_name,
                    clipboard=self.clipboard,
                    parent=self.window,
                )
                dialog.setObjectName("first-run-recovery-dialog")
                dialog.open()

        def failed(error: BaseException) -> None:
            self.first_run.set_busy(False)
            self.first_run.show_message(describe(error))
            self.first_run.focus_after_refusal()

        self._submit(work, done, failed)

    # --- unlock ----------------------------------------------------------------------------

    def _show_unlock(self) -> None:
        self.unlock_screen.reset()
        self.unlock_screen.set_accounts(self.accounts, self._last_account)
        if self._demo_line:  # the vault's own mark, not the flag: never on a real line
            from warmline.fiction import DEMO_PASSPHRASE

            self.unlock_screen.set_notice(
                self.tr(
                    "This is a demo line: the people and calls are made up. "
                    "Every account's passphrase is: {p}"
                ).format(p=DEMO_PASSPHRASE)
            )
        self.window.show_screen(self.unlock_screen)
        self.unlock_screen.focus_passphrase()

    def unlock(self, account_uuid: str, passphrase: str) -> None:
        vault = self.vault
        if vault is None or self.session is not None:
            return
        self.unlock_screen.set_busy(True)
        self._last_account = account_uuid

        def failed(error: BaseException) -> None:
            self.unlock_screen.set_busy(False)
            if isinstance(error, WrongPassphrase):
                self.unlock_screen.wrong_passphrase(describe(error))
            elif isinstance(error, AccountDisabled):
                self.unlock_screen.show_message(describe(error))
            else:
                self.unlock_screen.show_message(describe(error))

        self._submit(lambda: vault.unlock(account_uuid, passphrase), self._became_unlocked, failed)

    def _forgot_passphrase(self, account_uuid: str) -> None:
        account = next((a for a in self.accounts if a.uuid == account_uuid), None)
        if account is None or self.vault is None:
            return
        if not account.has_recovery_code:
            Prompts.info(
                self.window,
                self.tr("Forgotten passphrase"),
                self.tr(
                    "Please ask a coordinator to set a new passphrase for you. Your call notes "
                    "and the team's records stay as they are. Your private reflections can only "
                    "be opened with your old passphrase, so they will be lost."
                ),
            )
            return
        dialog = RecoveryUnlockDialog(account.display_name, parent=self.window)
        vault = self.vault

        def submitted(code: str, new_passphrase: str) -> None:
            def failed(error: BaseException) -> None:
                dialog.set_busy(False)
                if isinstance(error, WrongPassphrase):
                    dialog.show_message(self.tr("That recovery code did not match."))
                else:
                    dialog.show_message(describe(error))

            def done(session: Session) -> None:
                dialog.accept()
                self._became_unlocked(session)

            dialog.set_busy(True)
            self._submit(
                lambda: vault.unlock_with_recovery_code(account_uuid, code, new_passphrase),
                done,
                failed,
            )

        dialog.submitted.connect(submitted)
        dialog.open()

    def _became_unlocked(self, session: Session) -> None:
        assert self.vault is not None
        self.session = session
        self.unlock_screen.reset()
        self._last_account = session.account.uuid
        backend = Backend(
            self.runner, session, self.clock, self.clipboard, self.vault.line_name, parent=self
        )
        backend.error_reported.connect(self._status)
        backend.status_message.connect(self._status)
        self.backend = backend
        backend.refresh_accounts()
        backend.records_changed.connect(self._records_changed)
        self.search = self._start_search(backend)
        self.reseal = self._start_reseal(backend)
        self.retention = self._start_retention(backend)
        self.auto_backup = AutoBackupService(backend, parent=self)
        prefs = Preferences(session.account.uuid)
        prefs.load()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, prefs.theme, prefs.text_scale)
        workspace = Workspace(backend, page_types(), parent=None)
        wire_pages(workspace, self.search)
        who = self.tr("{name} · {role}").format(
            name=session.account.display_name, role=session.account.role.label
        )
        self.window.set_workspace(workspace, who)
        self._resume_where_left(workspace, session.account.uuid)
        page = workspace.current_page()
        if page is not None:
            page.focus_first()
        self._load_idle_minutes()
        self.idle.reset()
        self.idle.start()
        self._status(self.tr("Unlocked. Press Ctrl+L to lock when you step away."))
        self.unlocked.emit()

    def _resume_where_left(self, workspace: Workspace, account_uuid: str) -> None:
        """After a lock, the same person finds the page and the open notes they left."""
        resume, self._resume = self._resume, None
        if resume is None or resume[0] != account_uuid:
            return
        _, page_key, notes = resume
        if page_key:
            workspace.show_page(page_key)
        for key, draft_uuid in notes.items():
            page = workspace.pages.get(key)
            again = getattr(page, "resume", None)
            if callable(again):
                again(draft_uuid)

    def _start_search(self, backend: Backend) -> Any:
        try:
            from ui.search_service import SearchService
        except ImportError:  # pragma: no cover - only while the search module is missing
            return None
        service = SearchService(backend)
        service.start()
        return service

    def _start_reseal(self, backend: Backend) -> ResealService:
        service = ResealService(backend, parent=self)
        service.progress.connect(self._reseal_progress)
        service.finished.connect(
            lambda: self._status(self.tr("All notes are up to date with the team's lock."))
        )
        service.failed.connect(self._status)
        service.start()
        return service

    def _start_retention(self, backend: Backend) -> RetentionService:
        """Erase notes older than the team chose (nothing, unless a coordinator chose)."""
        service = RetentionService(backend, parent=self)

        # Said only when something was erased: with a choice made, every unlock looks
        # through the old notes again and usually finds nothing left to do.
        def erasing(done: int, _left: int) -> None:
            if done:
                self._status(
                    self.tr("Erasing old notes as the team chose: {n} so far.").format(
                        n=f"{done:,}"
                    )
                )

        def erased() -> None:
            if service.done:
                self._status(self.tr("Old notes were erased as the team chose."))

        service.progress.connect(erasing)
        service.finished.connect(erased)
        service.failed.connect(self._status)
        service.start()
        return service

    def _reseal_progress(self, done: int, left: int) -> None:
        self._status(
            self.tr("Bringing older notes up to date with the team's lock: {left} to go.").format(
                left=f"{left:,}"
            )
        )

    def _load_idle_minutes(self) -> None:
        if self.backend is None:
            return

        def loaded(minutes: Any) -> None:
            self.idle.set_timeout_minutes(idle_lock_minutes(minutes))

        self.backend.run(
            lambda s: s.settings.get("idle_lock_minutes", DEFAULT_IDLE_MINUTES), loaded
        )

    def _records_changed(self, kind: str) -> None:
        if kind == "settings":
            self._load_idle_minutes()
        if kind == "accounts" and self.vault is not None:
            vault = self.vault
            self._submit(vault.accounts, self._set_accounts)

    def _set_accounts(self, accounts: list[Account]) -> None:
        self.accounts = accounts

    # --- lock ------------------------------------------------------------------------------

    @property
    def is_unlocked(self) -> bool:
        return self.session is not None

    def _lock_idle(self) -> None:
        minutes = round((self.idle.timeout_seconds or 0) / 60)
        if minutes == 1:
            why = self.tr("Warmline locked itself after a minute without use.")
        else:
            why = self.tr("Warmline locked itself after {n} minutes without use.").format(n=minutes)
        self.lock(why)

    def _lock_system(self) -> None:
        self.lock(
            self.tr("Warmline locked because the computer went to sleep or its screen locked.")
        )

    def lock(self, reason: str = "") -> None:
        """Lock now: keep unfinished notes as sealed drafts, then forget everything decrypted.

        ``reason`` says on the lock screen why it locked when the person did not ask for it
        (idle minutes, sleep); the lock screen also says when an unfinished note was kept.
        """
        session = self.session
        if session is None:
            return
        self.window.hide_idle_warning()
        workspace = self.window.workspace
        resume: dict[str, str] = {}
        if workspace is not None:
            for key, page in workspace.pages.items():
                flush = getattr(page, "flush_draft", None)
                if callable(flush):
                    flush()
                note = getattr(page, "note_to_resume", None)
                kept = note() if callable(note) else None
                if kept:
                    resume[key] = kept
            current = workspace.current_page()
            self._resume = (session.account.uuid, current.key if current else None, resume)
        if self.backend is not None:
            self.backend.close()
            self.backend.deleteLater()
            self.backend = None
        if self.search is not None:
            self.search.clear()
            self.search = None
        for service in (self.reseal, self.retention):
            if service is not None:
                service.clear()
                service.deleteLater()
        self.reseal = self.retention = None
        if self.auto_backup is not None:
            self.auto_backup.close()
            self.auto_backup.deleteLater()
            self.auto_backup = None
        self.window.clear_workspace()
        self.session = None
        # Queued behind the draft saves above, so they land before the keys are dropped.
        self.runner.submit(session.lock)
        self.clipboard.clear_if_ours()
        self.window.statusBar().clearMessage()
        self.idle.stop()
        if self.vault is not None and not self._closing:
            vault = self.vault
            self._submit(vault.accounts, self._accounts_after_lock)
            self._show_unlock()
            if resume:
                kept = self.tr("What you were writing is kept safe, sealed, for when you unlock.")
                reason = f"{reason} {kept}" if reason else kept
            self.unlock_screen.set_lock_reason(reason)
        self.locked.emit()

    def _accounts_after_lock(self, accounts: list[Account]) -> None:
        self.accounts = accounts
        if not self.is_unlocked:
            self.unlock_screen.set_accounts(accounts, self._last_account)

    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended:
            self._lock_system()

    # --- misc ------------------------------------------------------------------------------

    def show_about(self) -> None:
        Prompts.info(
            self.window,
            self.tr("About Warmline"),
            self.tr(
                "Warmline {version}\n\nCall notes, handovers and private reflections for "
                "peer-run warmlines, kept encrypted on this computer.\n\nData folder:\n{folder}"
            ).format(version=warmline.__version__, folder=str(self.data_dir)),
        )

    def raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    def _submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if not self._closing:
            self.runner.submit(fn, on_done, on_error)

    def quit(self) -> None:
        """File › Quit, Ctrl+Q or closing the window: shut down, then end the event loop.

        Shutting down alone used to leave the window and the process running with the vault
        closed under them, so nothing typed afterwards worked. ``QCoreApplication.quit`` is
        queued, so the window closes after this returns and ``main`` releases the folder.
        """
        self.shutdown()
        self.window.hide()
        app = self._app if self._app is not None else QCoreApplication.instance()
        if app is not None:
            app.quit()

    def shutdown(self) -> None:
        """Lock (keeping drafts), let the worker finish, close the vault. Safe to call twice."""
        if self._closing:
            return
        self.lock()
        self._closing = True
        self.window.save_geometry()
        vault = self.vault
        self.vault = None
        if vault is not None:
            self.runner.submit(vault.close)
        self.runner.shutdown(wait=True)
        self.idle.stop()
