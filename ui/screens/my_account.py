"""My account: who I am here, my passphrase, and my one-time recovery code.

Everyone has this page. Changing my passphrase re-wraps my keys only, so nothing I wrote is
touched; the core checks the current passphrase by unwrapping (slow on purpose), so the work
runs on the background worker with a busy line, and a wrong current passphrase is said
inline, next to the field, with everything else still typed.

A recovery code is shown exactly once (see :mod:`ui.widgets.recovery_code_dialog`). Making
a new one replaces the old one, and removing it means a forgotten passphrase needs a
coordinator's reset, which loses private reflections: the page says both before doing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.models.accounts_model import role_text
from ui.prompts import Prompts
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.busy_indicator import BusyIndicator
from ui.widgets.fit import room_for_mnemonic
from ui.widgets.new_passphrase import NewPassphraseFields, mismatch_message
from ui.widgets.recovery_code_dialog import PrintFn, RecoveryCodeDialog
from warmline.session import Session

T = TypeVar("T")


class MyAccountPage(Page):
    """My name and role, passphrase change, recovery code."""

    title = "My account"
    key = "account"

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        #: The print seam handed to recovery code dialogs (None: the real print dialog).
        self.recovery_printer: PrintFn | None = None

        heading = QLabel(self.tr("My account"))
        set_role(heading, "title")
        self.name_label = QLabel()
        self.name_label.setObjectName("account-name")
        set_role(self.name_label, "subtitle")
        self.role_label = QLabel()
        self.role_label.setObjectName("account-role")

        # -- passphrase -------------------------------------------------------------------------
        pass_card = QFrame()
        pass_card.setObjectName("account-passphrase-card")
        set_role(pass_card, "card")
        pass_title = QLabel(self.tr("Change my passphrase"))
        set_role(pass_title, "subtitle")
        pass_about = QLabel(
            self.tr(
                "This changes only what opens your account: everything you and the team "
                "wrote stays as it is. Use the new passphrase next time you unlock."
            )
        )
        pass_about.setWordWrap(True)
        set_role(pass_about, "hint")
        self.current_edit = QLineEdit()
        self.current_edit.setObjectName("account-current-passphrase")
        self.current_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.current_edit.setAccessibleName(self.tr("Current passphrase"))
        current_caption = QLabel(self.tr("&Current passphrase"))
        current_caption.setBuddy(self.current_edit)
        self.fields = NewPassphraseFields()
        self.fields.set_user_inputs([*backend.account.display_name.split(), backend.line_name])
        self.change_button = QPushButton(self.tr("Change &passphrase"))
        self.change_button.setObjectName("account-change-passphrase")
        set_role(self.change_button, "primary")
        self.change_button.clicked.connect(self.change_passphrase)
        self.pass_error = QLabel()
        self.pass_error.setObjectName("account-passphrase-error")
        self.pass_error.setWordWrap(True)
        set_role(self.pass_error, "error")
        self.pass_error.setVisible(False)
        self.pass_status = QLabel()
        self.pass_status.setObjectName("account-passphrase-status")
        self.pass_status.setWordWrap(True)
        self.pass_status.setVisible(False)
        self.pass_busy = BusyIndicator()
        pass_layout = QVBoxLayout(pass_card)
        pass_layout.addWidget(pass_title)
        pass_layout.addWidget(pass_about)
        pass_layout.addWidget(current_caption)
        pass_layout.addWidget(self.current_edit)
        pass_layout.addWidget(self.fields)
        pass_layout.addWidget(self.pass_error)
        pass_layout.addWidget(self.pass_busy)
        pass_layout.addWidget(self.pass_status)
        pass_buttons = QHBoxLayout()
        pass_buttons.addStretch(1)
        pass_buttons.addWidget(self.change_button)
        pass_layout.addLayout(pass_buttons)
        # Enter in the last field changes the passphrase, as in a dialog.
        self.fields.repeat_edit.returnPressed.connect(self.change_passphrase)

        # -- recovery code ----------------------------------------------------------------------
        code_card = QFrame()
        code_card.setObjectName("account-recovery-card")
        set_role(code_card, "card")
        code_title = QLabel(self.tr("Recovery code"))
        set_role(code_title, "subtitle")
        code_about = QLabel(
            self.tr(
                "A recovery code lets you choose a new passphrase if you forget yours, without "
                "losing your private reflections. It is shown once, for you to print or keep "
                "somewhere private, and works once. Without one, a coordinator can reset your "
                "passphrase, but your private reflections would be lost."
            )
        )
        code_about.setWordWrap(True)
        set_role(code_about, "hint")
        self.code_state = QLabel()
        self.code_state.setObjectName("account-recovery-state")
        self.code_state.setWordWrap(True)
        self.create_code_button = QPushButton(self.tr("Make a &recovery code…"))
        self.create_code_button.setObjectName("account-create-recovery")
        self.create_code_button.clicked.connect(self.create_recovery_code)
        self._fit_create_button = room_for_mnemonic(self.create_code_button)
        self.remove_code_button = QPushButton(self.tr("Re&move my recovery code"))
        self.remove_code_button.setObjectName("account-remove-recovery")
        self.remove_code_button.clicked.connect(self.remove_recovery_code)
        self.code_error = QLabel()
        self.code_error.setObjectName("account-recovery-error")
        self.code_error.setWordWrap(True)
        set_role(self.code_error, "error")
        self.code_error.setVisible(False)
        self.code_busy = BusyIndicator()
        code_buttons = QHBoxLayout()
        code_buttons.addWidget(self.create_code_button)
        code_buttons.addWidget(self.remove_code_button)
        code_buttons.addStretch(1)
        code_layout = QVBoxLayout(code_card)
        code_layout.addWidget(code_title)
        code_layout.addWidget(code_about)
        code_layout.addWidget(self.code_state)
        code_layout.addLayout(code_buttons)
        code_layout.addWidget(self.code_error)
        code_layout.addWidget(self.code_busy)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.name_label)
        layout.addWidget(self.role_label)
        layout.addWidget(pass_card)
        layout.addWidget(code_card)
        layout.addStretch(1)

        self.setTabOrder(self.current_edit, self.fields.new_edit)
        self.setTabOrder(self.fields.new_edit, self.fields.repeat_edit)
        self.setTabOrder(self.fields.repeat_edit, self.change_button)
        self.setTabOrder(self.change_button, self.create_code_button)
        self.setTabOrder(self.create_code_button, self.remove_code_button)

        backend.records_changed.connect(self._records_changed)
        self._show_me()

    def activated(self) -> None:
        self._show_me()

    # -- passphrase ------------------------------------------------------------------------------

    def change_passphrase(self) -> None:
        if self.pass_busy.busy:
            return
        self.pass_status.setVisible(False)
        if not self.fields.matches():
            self._pass_error(mismatch_message())
            self.fields.repeat_edit.setFocus()
            return
        current, new = self.current_edit.text(), self.fields.passphrase()
        self.pass_error.setVisible(False)
        self._set_pass_busy(True)
        handle = self.backend.run(
            lambda s: s.team.change_my_passphrase(current, new),
            on_done=self._passphrase_changed,
            on_error=self._passphrase_failed,
        )
        if handle is None:
            self._set_pass_busy(False)

    def _passphrase_changed(self, _result: object) -> None:
        self._set_pass_busy(False)
        self.current_edit.clear()
        self.fields.clear()
        message = self.tr("Your passphrase has been changed. Use the new one next time you unlock.")
        self.pass_status.setText(message)
        self.pass_status.setVisible(True)
        self.backend.status_message.emit(message)

    def _passphrase_failed(self, exc: BaseException) -> None:
        self._set_pass_busy(False)
        self._pass_error(describe(exc))
        self.current_edit.setFocus()
        self.current_edit.selectAll()

    def _pass_error(self, text: str) -> None:
        self.pass_error.setText(text)
        self.pass_error.setVisible(True)

    def _set_pass_busy(self, busy: bool) -> None:
        if busy:
            self.pass_busy.start(
                self.tr("Checking your passphrase and setting the new one. A moment…")
            )
        else:
            self.pass_busy.stop()
        self.current_edit.setEnabled(not busy)
        self.fields.set_fields_enabled(not busy)
        self.change_button.setEnabled(not busy)

    # -- recovery code ---------------------------------------------------------------------------

    def create_recovery_code(self) -> None:
        if self.code_busy.busy:
            return
        if self.backend.account.has_recovery_code and not Prompts.confirm(
            self,
            self.tr("Make a new recovery code?"),
            self.tr(
                "Your old recovery code will stop working as soon as the new one is made. "
                "If you printed it, you can throw that page away afterwards."
            ),
            self.tr("Make a new code"),
            self.tr("Keep the old one"),
        ):
            return
        current = self._ask_current_passphrase()
        if current is None:
            return
        self._code_call(lambda s: s.team.create_recovery_code(current), self._show_code)

    def remove_recovery_code(self) -> None:
        if self.code_busy.busy or not Prompts.confirm(
            self,
            self.tr("Remove your recovery code?"),
            self.tr(
                "The code will stop working. If you then forget your passphrase, a "
                "coordinator can reset it, but your private reflections would be lost. "
                "You can make a new code at any time."
            ),
            self.tr("Remove the code"),
            self.tr("Keep it"),
        ):
            return
        current = self._ask_current_passphrase()
        if current is None:
            return
        self._code_call(lambda s: s.team.remove_recovery_code(current), self._code_removed)

    def _ask_current_passphrase(self) -> str | None:
        """Recovery codes are a way in: only the person who knows the passphrase may make or
        remove one, not whoever finds the screen unlocked."""
        return Prompts.passphrase(
            self,
            self.tr("Your passphrase, please"),
            self.tr("To change your recovery code, type your current passphrase."),
        )

    def _code_call(self, fn: Callable[[Session], T], done: Callable[[T], None]) -> None:
        self.code_error.setVisible(False)
        self.code_busy.start(self.tr("Working on it…"))
        self._update_code_buttons()
        handle = self.backend.run(fn, on_done=done, on_error=self._code_failed)
        if handle is None:
            self.code_busy.stop()
            self._update_code_buttons()

    def _show_code(self, code: str) -> None:
        self.code_busy.stop()
        self._update_code_buttons()
        self.backend.changed("accounts")
        self.backend.refresh_accounts()
        dialog = RecoveryCodeDialog(
            code,
            self.backend.account.display_name,
            self.backend.line_name,
            clipboard=self.backend.clipboard,
            issued=self.backend.clock.now().astimezone().date(),
            printer=self.recovery_printer,
            parent=self,
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _code_removed(self, _result: object) -> None:
        self.code_busy.stop()
        self.backend.status_message.emit(self.tr("Your recovery code has been removed."))
        self.backend.changed("accounts")
        self.backend.refresh_accounts()
        self._update_code_buttons()

    def _code_failed(self, exc: BaseException) -> None:
        self.code_busy.stop()
        self.code_error.setText(describe(exc))
        self.code_error.setVisible(True)
        self._update_code_buttons()

    # -- showing me ------------------------------------------------------------------------------

    def _records_changed(self, kind: str) -> None:
        if kind == "accounts":
            self._show_me()

    def _show_me(self) -> None:
        account = self.backend.account
        self.name_label.setText(account.display_name)
        self.role_label.setText(self.tr("Your role: {role}").format(role=role_text(account.role)))
        if account.has_recovery_code:
            self.code_state.setText(self.tr("You have a recovery code."))
            self.create_code_button.setText(self.tr("Make a new &recovery code…"))
        else:
            self.code_state.setText(self.tr("You have no recovery code."))
            self.create_code_button.setText(self.tr("Make a &recovery code…"))
        self._fit_create_button()
        self._update_code_buttons()

    def _update_code_buttons(self) -> None:
        idle = not self.code_busy.busy
        self.create_code_button.setEnabled(idle)
        self.remove_code_button.setEnabled(idle and self.backend.account.has_recovery_code)
