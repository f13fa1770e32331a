"""My account: changing my passphrase, and the recovery code shown once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import UI_PASSPHRASE, wait_idle
from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.prompts import Prompts
from ui.screens.my_account import MyAccountPage
from ui.tasks import TaskRunner
from ui.widgets.recovery_code_dialog import RecoveryCodeDialog, recovery_document
from warmline.errors import WrongPassphrase
from warmline.session import Session
from warmline.vault import Vault

NEW_PASSPHRASE = "tangerine kettle drifts over hills"
CODE_PATTERN = re.compile(r"^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$")


def child(parent: QWidget, kind: type, name: str) -> QWidget:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def text_of(parent: QWidget, name: str) -> str:
    label = child(parent, QLabel, name)
    assert isinstance(label, QLabel)
    return label.text()


def click(qtbot: QtBot, parent: QWidget, name: str) -> None:
    button = child(parent, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


class FakePrinter:
    """Stands in for the print dialog: keeps what would have been printed."""

    def __init__(self) -> None:
        self.printed: list[str] = []

    def __call__(self, document: QTextDocument, parent: QWidget | None) -> bool:
        self.printed.append(document.toPlainText())
        return True


@pytest.fixture
def page(qtbot: QtBot, runner: TaskRunner, backend: Backend) -> Iterator[MyAccountPage]:
    account = MyAccountPage(backend)
    qtbot.addWidget(account)
    account.show()
    account.activated()
    yield account


def type_passphrases(qtbot: QtBot, page: MyAccountPage, current: str, new: str, again: str) -> None:
    qtbot.keyClicks(child(page, QLineEdit, "account-current-passphrase"), current)
    qtbot.keyClicks(child(page, QLineEdit, "passphrase-new"), new)
    qtbot.keyClicks(child(page, QLineEdit, "passphrase-repeat"), again)


def test_shows_my_name_and_role(page: MyAccountPage) -> None:
    assert text_of(page, "account-name") == "Alex"
    assert "Coordinator" in text_of(page, "account-role")
    assert text_of(page, "account-recovery-state") == "You have no recovery code."


def test_wrong_current_passphrase_is_said_inline(
    qtbot: QtBot, runner: TaskRunner, page: MyAccountPage, ui_vault: tuple[Vault, Session]
) -> None:
    vault, session = ui_vault
    type_passphrases(qtbot, page, "not my passphrase", NEW_PASSPHRASE, NEW_PASSPHRASE)
    click(qtbot, page, "account-change-passphrase")
    wait_idle(qtbot, runner)
    assert text_of(page, "account-passphrase-error") == str(WrongPassphrase())
    assert child(page, QLineEdit, "passphrase-new").text() == NEW_PASSPHRASE
    vault.unlock(session.account.uuid, UI_PASSPHRASE).lock()


def test_right_passphrase_changes_it(
    qtbot: QtBot, runner: TaskRunner, page: MyAccountPage, ui_vault: tuple[Vault, Session]
) -> None:
    vault, session = ui_vault
    type_passphrases(qtbot, page, UI_PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    click(qtbot, page, "account-change-passphrase")
    wait_idle(qtbot, runner)
    assert "has been changed" in text_of(page, "account-passphrase-status")
    assert child(page, QLineEdit, "account-current-passphrase").text() == ""
    vault.unlock(session.account.uuid, NEW_PASSPHRASE).lock()
    with pytest.raises(WrongPassphrase):
        vault.unlock(session.account.uuid, UI_PASSPHRASE)


def test_mismatched_new_passphrases_never_reach_the_core(
    qtbot: QtBot, runner: TaskRunner, page: MyAccountPage
) -> None:
    type_passphrases(qtbot, page, UI_PASSPHRASE, NEW_PASSPHRASE, "something else entirely")
    click(qtbot, page, "account-change-passphrase")
    assert not runner.busy
    assert "not the same" in text_of(page, "account-passphrase-error")


def test_short_new_passphrase_shows_the_core_message(
    qtbot: QtBot, runner: TaskRunner, page: MyAccountPage
) -> None:
    type_passphrases(qtbot, page, UI_PASSPHRASE, "short", "short")
    click(qtbot, page, "account-change-passphrase")
    wait_idle(qtbot, runner)
    assert "at least 8 characters" in text_of(page, "account-passphrase-error")


def test_recovery_document_holds_everything_needed() -> None:
    document = recovery_document(
        "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2", "Sam", "Riverside", date(2025, 3, 4)
    )
    text = document.toPlainText()
    assert "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2" in text
    assert "Sam" in text and "Riverside" in text and "2025-03-04" in text
    assert "works once" in text
    assert "does not keep a copy" in text


def test_names_are_never_read_as_markup() -> None:
    document = recovery_document("CODE", "<b>Sam</b>", "Line & Co", date(2025, 1, 1))
    assert "<b>Sam</b>" in document.toPlainText()
    assert "Line & Co" in document.toPlainText()


def test_dialog_prints_through_the_seam_copies_and_forgets(qtbot: QtBot) -> None:
    printer = FakePrinter()
    clipboard = SafeClipboard()
    dialog = RecoveryCodeDialog(
        "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2",
        "Sam",
        "Riverside",
        clipboard=clipboard,
        issued=date(2025, 3, 4),
        printer=printer,
    )
    qtbot.addWidget(dialog)
    dialog.open()
    assert "never saves this code" in text_of(dialog, "recovery-never-saved")
    assert text_of(dialog, "recovery-code") == "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2"

    click(qtbot, dialog, "recovery-print")
    assert len(printer.printed) == 1 and "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2" in printer.printed[0]
    click(qtbot, dialog, "recovery-copy")
    assert QGuiApplication.clipboard().text() == "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2"
    assert clipboard.holds_ours()

    click(qtbot, dialog, "recovery-close")
    assert dialog.code() == ""
    assert text_of(dialog, "recovery-code") == ""
    clipboard.clear_if_ours()


def test_dialog_without_clipboard_has_no_copy_button(qtbot: QtBot) -> None:
    dialog = RecoveryCodeDialog("CODE", "Sam", "Riverside")
    qtbot.addWidget(dialog)
    assert dialog.findChild(QPushButton, "recovery-copy") is None


def test_create_recovery_code_shows_it_once_and_it_works(
    qtbot: QtBot,
    runner: TaskRunner,
    page: MyAccountPage,
    backend: Backend,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, session = ui_vault
    printer = FakePrinter()
    page.recovery_printer = printer
    prompts.set_next_answers([UI_PASSPHRASE])
    click(qtbot, page, "account-create-recovery")
    assert prompts.asked[-1].kind == "passphrase"
    wait_idle(qtbot, runner)

    dialog = child(page, RecoveryCodeDialog, "recovery-code-dialog")
    assert isinstance(dialog, RecoveryCodeDialog)
    qtbot.waitUntil(dialog.isVisible)
    code = dialog.code()
    assert CODE_PATTERN.match(code)
    assert code in dialog.document().toPlainText()
    assert "Alex" in dialog.document().toPlainText()
    click(qtbot, dialog, "recovery-print")
    assert code in printer.printed[0]
    click(qtbot, dialog, "recovery-close")
    qtbot.waitUntil(lambda: page.findChild(QDialog, "recovery-code-dialog") is None)

    wait_idle(qtbot, runner)
    assert backend.account.has_recovery_code
    assert text_of(page, "account-recovery-state") == "You have a recovery code."
    vault.unlock_with_recovery_code(session.account.uuid, code.lower(), NEW_PASSPHRASE).lock()


def test_a_new_code_replaces_the_old_one_after_asking(
    qtbot: QtBot,
    runner: TaskRunner,
    page: MyAccountPage,
    backend: Backend,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    _vault, session = ui_vault
    session.team.create_recovery_code(UI_PASSPHRASE)
    backend.refresh_accounts()
    wait_idle(qtbot, runner)

    prompts.set_next_answers([False])
    click(qtbot, page, "account-create-recovery")
    wait_idle(qtbot, runner)
    assert prompts.asked[-1].title == "Make a new recovery code?"
    assert page.findChild(QDialog, "recovery-code-dialog") is None

    prompts.set_next_answers([True, UI_PASSPHRASE])
    click(qtbot, page, "account-create-recovery")
    wait_idle(qtbot, runner)
    assert page.findChild(QDialog, "recovery-code-dialog") is not None


@pytest.mark.parametrize("typed", [None, "not my passphrase at all"])
def test_recovery_code_needs_the_current_passphrase(
    qtbot: QtBot,
    runner: TaskRunner,
    page: MyAccountPage,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
    typed: str | None,
) -> None:
    """A minute at someone's unlocked screen must not become a lasting way in."""
    vault, session = ui_vault
    prompts.set_next_answers([typed])
    click(qtbot, page, "account-create-recovery")
    wait_idle(qtbot, runner)
    assert page.findChild(QDialog, "recovery-code-dialog") is None
    assert not vault.account(session.account.uuid).has_recovery_code
    if typed is not None:
        assert "not the passphrase" in text_of(page, "account-recovery-error")


def test_remove_my_recovery_code(
    qtbot: QtBot,
    runner: TaskRunner,
    page: MyAccountPage,
    backend: Backend,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, session = ui_vault
    session.team.create_recovery_code(UI_PASSPHRASE)
    backend.refresh_accounts()
    wait_idle(qtbot, runner)
    assert child(page, QPushButton, "account-remove-recovery").isEnabled()

    prompts.set_next_answers([True, UI_PASSPHRASE])
    click(qtbot, page, "account-remove-recovery")
    wait_idle(qtbot, runner)
    assert not vault.account(session.account.uuid).has_recovery_code
    assert text_of(page, "account-recovery-state") == "You have no recovery code."
    assert not child(page, QPushButton, "account-remove-recovery").isEnabled()


def test_volunteer_sees_their_own_account(
    qtbot: QtBot, runner: TaskRunner, volunteer_backend: Backend
) -> None:
    account = MyAccountPage(volunteer_backend)
    qtbot.addWidget(account)
    assert MyAccountPage.available_to(volunteer_backend)
    assert text_of(account, "account-name") == "Sam"
    assert "Volunteer" in text_of(account, "account-role")


def test_page_text_passes_the_language_lens(page: MyAccountPage, qtbot: QtBot) -> None:
    from warmline.language import LanguageLens

    dialog = RecoveryCodeDialog("CODE", "Sam", "Riverside", clipboard=SafeClipboard())
    qtbot.addWidget(dialog)
    lens = LanguageLens.default()
    texts = [w.text() for root in (page, dialog) for w in root.findChildren(QLabel)]
    texts.append(dialog.document().toPlainText())
    flagged = [(t, h.phrase) for t in texts for h in lens.scan(t)]
    assert flagged == []


def test_escape_on_the_recovery_code_asks_before_the_code_is_gone(
    qtbot: QtBot, prompts: type[Prompts]
) -> None:
    from ui.widgets.recovery_code_dialog import RecoveryCodeDialog

    dialog = RecoveryCodeDialog("ABCDE-FGHJK-MNPQR-STVWX-YZ234", "Alex", "Line")
    qtbot.addWidget(dialog)
    dialog.show()
    prompts.set_next_answers([False])  # "Go back"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.code()
    prompts.set_next_answers([True])  # "Close it"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.code() == ""
