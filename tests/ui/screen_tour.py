"""Every screen and dialog of the running app, reached the way a person reaches it.

Used by the tests that walk the whole app (text that fits at 100 % and 200 %, one control
per mnemonic). Each stop is built through the real :class:`~ui.controller.AppController` on
a small fictional line, so the main window has its menus, the pages their data and the
dialogs their parent, as in use. A stop returns the top-level window to look at; the
window is shown at a realistic size and its layouts have settled.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui import theme as theme_module
from ui.clock import FakeClock
from ui.controller import AppController
from ui.preferences import LAST_GROUP, Preferences
from ui.prompts import Prompts
from ui.screens.base import Page
from ui.screens.call import CallPage
from ui.screens.callers import CallersPage
from ui.screens.calls import CallsPage
from ui.screens.my_account import MyAccountPage
from ui.screens.reflections import MyReflectionsPage
from ui.screens.reports import ReportsPage
from ui.screens.team import TeamPage
from ui.theme import Theme, apply_theme
from ui.widgets.add_person_dialog import AddPersonDialog
from ui.widgets.new_passphrase import NewPassphraseDialog
from ui.widgets.recovery_code_dialog import RecoveryCodeDialog
from ui.widgets.recovery_unlock_dialog import RecoveryUnlockDialog
from warmline import crypto
from warmline.fiction import DEMO_COORDINATOR, DEMO_PASSPHRASE, create_demo_vault

#: Window sizes every main-window screen is looked at in: a small laptop's, and the default.
WINDOW_SIZES: tuple[tuple[int, int] | None, ...] = ((1024, 700), None)

#: The pages a coordinator has, by key, in navigation order.
PAGES = (
    "on-shift", "call", "calls", "callers", "account", "settings", "reflections", "handovers",
    "team", "reports",
)

#: The other stops: screens before unlock and the dialogs.
OTHER_STOPS = (
    "message",
    "first-run-line",
    "first-run-person",
    "unlock",
    "add-person",
    "recovery-code",
    "recovery-unlock",
    "reset",
    "backup",
    "restore",
    "call-history",
    "csv-preview",
    "reflection-invite",
    "reflection-form",
    "confirm",
    "unlocked-again",
)

STOPS = (*OTHER_STOPS, *PAGES)

STRONG = "velvet harbour lantern quietly"


def make_demo_line(folder: Path) -> Path:
    """A small fictional line (a few dozen calls, the demo team and regulars), closed."""
    data_dir = folder / "line"
    vault, session, _ = create_demo_vault(
        data_dir, kdf_factory=crypto.cheap_test_params, calls=60, days=8
    )
    session.lock()
    vault.close()
    return data_dir


@contextmanager
def appearance(app: QApplication, theme: Theme, scale: int) -> Iterator[None]:
    """Apply ``theme`` at ``scale`` % as app start does, and put the app back afterwards."""
    saved = (app.styleSheet(), QFont(app.font()), QPalette(app.palette()), app.style().name())
    settings = QSettings()
    settings.beginGroup(LAST_GROUP)
    settings.setValue("theme", theme.value)
    settings.setValue("text_scale", scale)
    settings.endGroup()
    apply_theme(app, theme, scale)
    try:
        yield
    finally:
        apply_theme(app, Theme.SYSTEM, 100)
        app.setStyleSheet(saved[0])
        QApplication.setFont(saved[1])
        QApplication.setPalette(saved[2])
        QApplication.setStyle(saved[3])
        app.setProperty(theme_module._PROP_THEME, None)


def settle(qtbot: QtBot, window: QWidget) -> None:
    """Let the window be exposed and every layout run (some settle over a few passes)."""
    if not window.isVisible():
        window.show()
    qtbot.waitExposed(window)
    for _ in range(4):
        QApplication.processEvents()
        qtbot.wait(15)


class Tour:
    """One app on one line; ``visit(stop)`` goes to a stop and returns its window."""

    def __init__(
        self,
        qtbot: QtBot,
        data_dir: Path,
        theme: Theme,
        scale: int,
        fresh: bool = False,
        sizes: tuple[tuple[int, int] | None, ...] = WINDOW_SIZES,
    ) -> None:
        self.qtbot = qtbot
        self.theme = theme
        self.scale = scale
        self.controller = AppController(
            data_dir, clock=FakeClock(), kdf_factory=crypto.cheap_test_params
        )
        qtbot.addWidget(self.controller.window)
        self.window = self.controller.window
        self.window.resize(1024, 700)
        self.window.show()
        self.fresh = fresh
        self.sizes = sizes

    def close(self) -> None:
        for dialog in self.window.findChildren(QDialog):
            dialog.done(0)
        self.controller.shutdown()

    # -- getting somewhere -------------------------------------------------------------------

    def wait_idle(self) -> None:
        wait_idle(self.qtbot, self.controller.runner, timeout=15_000)

    def start(self) -> None:
        self.controller.start()
        if not self.fresh:
            self.qtbot.waitUntil(lambda: self.controller.vault is not None, timeout=15_000)
        self.wait_idle()

    def unlock(self) -> None:
        """Unlock as the demo coordinator, whose own look is the one under test."""
        if self.controller.vault is None:
            self.start()
        account = next(a for a in self.controller.accounts if a.display_name == DEMO_COORDINATOR)
        prefs = Preferences(account.uuid).load()
        prefs.theme = self.theme
        prefs.text_scale = self.scale
        prefs.save()
        self.controller.unlock(account.uuid, DEMO_PASSPHRASE)
        self.qtbot.waitUntil(lambda: self.window.workspace is not None, timeout=15_000)
        self.wait_idle()

    def page(self, key: str) -> Page:
        workspace = self.window.workspace
        assert workspace is not None
        page = workspace.show_page(key)
        assert page is not None, f"no {key} page for a coordinator"
        self.wait_idle()
        return page

    def dialog(self, kind: type[QDialog]) -> QDialog:
        """The dialog of ``kind`` that the last action opened, once it shows."""

        def found() -> QDialog | None:
            return next((d for d in self.window.findChildren(kind) if d.isVisible()), None)

        self.qtbot.waitUntil(lambda: found() is not None, timeout=15_000)
        dialog = found()
        assert dialog is not None
        return dialog

    # -- the stops ---------------------------------------------------------------------------

    def visit(self, stop: str, check: Callable[[QWidget, str], None]) -> None:
        """Go to ``stop`` and call ``check(window, where)`` for each way it is looked at."""
        if stop in PAGES:
            self.unlock()
            page = self.page(stop)
            self._prepare_page(page)
            self._each_size(check, stop)
            return
        getattr(self, "_" + stop.replace("-", "_"))(check)

    def _each_size(self, check: Callable[[QWidget, str], None], where: str) -> None:
        for size in self.sizes:
            if size is None:
                self.window.resize(1180, 780)  # MainWindow's own first size
                label = "default size"
            else:
                self.window.resize(*size)
                label = f"{size[0]}x{size[1]}"
            settle(self.qtbot, self.window)
            check(self.window, f"{where} at {label}")

    def _prepare_page(self, page: Page) -> None:
        """Put a page in the state people see most: a list filled, a row chosen."""
        if isinstance(page, CallsPage):
            self.qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=15_000)
            page.select_row(0)
        elif isinstance(page, CallersPage):
            self.qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=15_000)
            page.table.selectRow(0)
        elif isinstance(page, TeamPage):
            self.qtbot.waitUntil(lambda: page.model.rowCount() > 1, timeout=15_000)
            page.table.selectRow(1)
        elif isinstance(page, ReportsPage):
            self.qtbot.waitUntil(lambda: page.figures is not None, timeout=15_000)
        elif isinstance(page, MyReflectionsPage):  # the demo coordinator's own, with a chart
            self.qtbot.waitUntil(lambda: page.selected() is not None, timeout=15_000)
        self.wait_idle()

    def _unlocked_again(self, check: Callable[[QWidget, str], None]) -> None:
        """Lock and unlock again (the first workspace is gone, its shortcuts with it)."""
        self.unlock()
        self.page("team")
        self.controller.lock()
        self.wait_idle()
        settle(self.qtbot, self.window)
        self._each_size(check, "locked")
        self.unlock()
        self._each_size(check, "unlocked again")

    def _message(self, check: Callable[[QWidget, str], None]) -> None:
        self.window.show_message(
            "Making a demo line",
            "Writing a few hundred fictional calls so you can look around…",
            busy=True,
        )
        self._each_size(check, "message")

    def _first_run_line(self, check: Callable[[QWidget, str], None]) -> None:
        self.start()
        self._each_size(check, "first run, the line")

    def _first_run_person(self, check: Callable[[QWidget, str], None]) -> None:
        self.start()
        first = self.controller.first_run
        first.line_name.setText("Riverside Warmline")
        first.next_button.click()
        first.show_message("Please choose a passphrase of at least 8 characters.")
        self._each_size(check, "first run, the person")

    def _unlock(self, check: Callable[[QWidget, str], None]) -> None:
        self.start()
        self.controller.unlock_screen.wrong_passphrase("That passphrase did not match.")
        self._each_size(check, "unlock")

    def _add_person(self, check: Callable[[QWidget, str], None]) -> None:
        self.unlock()
        page = self.page("team")
        assert isinstance(page, TeamPage)
        dialog = page.add_person()
        settle(self.qtbot, dialog)
        check(dialog, "add a person, empty")
        assert isinstance(dialog, AddPersonDialog)
        dialog.name_edit.setText("Jordan")
        dialog.fields.new_edit.setText(STRONG)
        dialog.fields.repeat_edit.setText(STRONG)
        settle(self.qtbot, dialog)
        check(dialog, "add a person, passphrase typed")

    def _recovery_code(self, check: Callable[[QWidget, str], None]) -> None:
        self.unlock()
        page = self.page("account")
        assert isinstance(page, MyAccountPage)
        page.recovery_printer = lambda _document, _parent: True
        Prompts.set_next_answers([DEMO_PASSPHRASE])  # making a code asks for the passphrase
        page.create_recovery_code()
        dialog = self.dialog(RecoveryCodeDialog)
        settle(self.qtbot, dialog)
        check(dialog, "recovery code")
        assert isinstance(dialog, RecoveryCodeDialog)
        dialog.copy_code()
        settle(self.qtbot, dialog)
        check(dialog, "recovery code, after Copy")

    def _recovery_unlock(self, check: Callable[[QWidget, str], None]) -> None:
        self.start()
        dialog = RecoveryUnlockDialog(DEMO_COORDINATOR, parent=self.window)
        dialog.open()
        settle(self.qtbot, dialog)
        check(dialog, "recovery unlock")
        dialog.show_message("That recovery code did not match.")
        settle(self.qtbot, dialog)
        check(dialog, "recovery unlock, with a message")

    def _reset(self, check: Callable[[QWidget, str], None]) -> None:
        self.unlock()
        page = self.page("team")
        assert isinstance(page, TeamPage)
        self.qtbot.waitUntil(lambda: page.model.rowCount() > 1, timeout=15_000)
        volunteer = next(
            row for row in range(page.model.rowCount()) if self._is_other(page, row)
        )
        page.table.selectRow(volunteer)
        Prompts.set_next_answers([True])
        page.reset_passphrase()
        dialog = self.dialog(NewPassphraseDialog)
        settle(self.qtbot, dialog)
        check(dialog, "reset a passphrase")

    def _backup(self, check: Callable[[QWidget, str], None]) -> None:
        self.unlock()
        page = self.page("team")
        assert isinstance(page, TeamPage)
        dialog = page.backup_panel.back_up()
        settle(self.qtbot, dialog)
        check(dialog, "back up, empty")
        dialog.folder.set_text("/media/usb-stick/warmline-backups")
        dialog.fields.new_edit.setText(STRONG)
        dialog.fields.repeat_edit.setText(STRONG)
        dialog.progress.start("Protecting the backup with its passphrase…")
        dialog.outcome.setText(
            "Backed up 1,204 records (812 calls) to /media/usb-stick/warmline-backups/"
            "warmline-riverside-warmline-20261130-221549Z.wlbackup."
        )
        dialog.outcome.setVisible(True)
        settle(self.qtbot, dialog)
        check(dialog, "back up, done")
        dialog.progress.stop()

    def _restore(self, check: Callable[[QWidget, str], None]) -> None:
        self.unlock()
        page = self.page("team")
        assert isinstance(page, TeamPage)
        dialog = page.backup_panel.restore()
        settle(self.qtbot, dialog)
        check(dialog, "check or restore, empty")
        dialog.error.setText(
            "That is not the passphrase for this backup. Please check it and try again. "
            "Nothing was written."
        )
        dialog.error.setVisible(True)
        settle(self.qtbot, dialog)
        check(dialog, "check or restore, with a message")

    @staticmethod
    def _is_other(page: TeamPage, row: int) -> bool:
        page.table.selectRow(row)
        account = page.selected_account()
        return account is not None and account.display_name != DEMO_COORDINATOR

    def _call_history(self, check: Callable[[QWidget, str], None]) -> None:
        self.unlock()
        page = self.page("calls")
        assert isinstance(page, CallsPage)
        self.qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=15_000)
        page.select_row(0)
        dialog = page.show_history()
        assert dialog is not None
        self.wait_idle()
        settle(self.qtbot, dialog)
        check(dialog, "earlier versions of a call")

    def _csv_preview(self, check: Callable[[QWidget, str], None]) -> None:
        self.unlock()
        page = self.page("reports")
        assert isinstance(page, ReportsPage)
        self.qtbot.waitUntil(lambda: page.figures is not None and not page.running, timeout=15_000)
        dialog = page.csv_preview()
        assert dialog is not None
        dialog.open()
        settle(self.qtbot, dialog)
        check(dialog, "the CSV preview")
    def _saved_call(self) -> CallPage:
        """The Call page straight after a new call was saved: the invitation shows."""
        self.unlock()
        page = self.page("call")
        assert isinstance(page, CallPage)
        form = page.form
        form.start_call()
        form.sections["connection"].setPlainText("We talked about the allotment.")
        form.end_call()
        form.save()
        self.wait_idle()
        self.qtbot.waitUntil(page.invite.isVisible, timeout=15_000)
        return page

    def _reflection_invite(self, check: Callable[[QWidget, str], None]) -> None:
        self._saved_call()
        self._each_size(check, "the invitation to reflect")

    def _reflection_form(self, check: Callable[[QWidget, str], None]) -> None:
        page = self._saved_call()
        page.invite.take_button.click()
        workspace = self.window.workspace
        assert workspace is not None
        reflections = workspace.pages["reflections"]
        assert isinstance(reflections, MyReflectionsPage)
        self.qtbot.waitUntil(lambda: reflections.form.is_open, timeout=15_000)
        reflections.form.need_buttons["lead"].click()  # the longest state: the lead's note
        self.wait_idle()
        self._each_size(check, "the reflection")

    def _confirm(self, check: Callable[[QWidget, str], None]) -> None:
        """A real confirmation box (Prompts in production mode, its exec() answered here)."""
        self.unlock()
        page = self.page("team")
        assert isinstance(page, TeamPage)
        self.qtbot.waitUntil(lambda: page.model.rowCount() > 1, timeout=15_000)
        volunteer = next(
            row for row in range(page.model.rowCount()) if self._is_other(page, row)
        )
        page.table.selectRow(volunteer)
        seen: list[Any] = []

        def answer(box: QMessageBox) -> int:
            settle(self.qtbot, box)
            check(box, "a confirmation prompt")
            seen.append(box)
            return int(QMessageBox.StandardButton.Cancel)

        original = QMessageBox.exec
        Prompts.reset()
        QMessageBox.exec = answer  # type: ignore[method-assign, assignment]
        try:
            page.toggle_switched_off()
        finally:
            QMessageBox.exec = original  # type: ignore[method-assign]
            Prompts.set_next_answers([])
        assert seen, "switching a person off asked nothing"


def copy_line(template: Path, into: Path) -> Path:
    target = into / "line"
    shutil.copytree(template, target)
    return target
