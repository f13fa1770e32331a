"""Adding a person to the team: the coordinator picks a role, then hands over the keyboard.

The new person types their own name and their own passphrase, so nobody else ever knows
it (a passphrase told to someone is a passphrase that can be used by them). The dialog says
so in plain words. Enrolling takes a deliberate moment (the key derivation that protects
the passphrase), so it runs on the background worker with a busy line, and any problem the
core reports (a name already taken, a passphrase too short) shows inline with everything
still typed.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.models.accounts_model import role_text
from ui.theme import set_role
from ui.widgets.busy_indicator import BusyIndicator
from ui.widgets.dialog_parts import error_label, ok_cancel
from ui.widgets.fit import fit_to_text
from ui.widgets.new_passphrase import NewPassphraseFields, mismatch_message
from warmline.accounts import Account, Role
from warmline.errors import InvalidInput


class AddPersonDialog(QDialog):
    """Collects name, role and passphrase and adds the account; ``added`` holds it after.

    Accepts only once the core has stored the account. Object names: ``add-person-role``,
    ``add-person-name``, ``passphrase-new``, ``passphrase-repeat``, ``add-person-error``,
    ``add-person-add``, ``add-person-cancel``.
    """

    def showEvent(self, event: QShowEvent) -> None:
        """Fit the window to its text at the current text size (see ui.widgets.fit)."""
        fit_to_text(self)
        super().showEvent(event)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add-person-dialog")
        self.setWindowTitle(self.tr("Add a person"))
        self.setModal(True)
        self._backend = backend
        self.added: Account | None = None

        self.role_combo = QComboBox()
        self.role_combo.setObjectName("add-person-role")
        self.role_combo.setAccessibleName(self.tr("Role"))
        for role in Role:
            self.role_combo.addItem(role_text(role), role.value)
        role_caption = QLabel(self.tr("&Role on the team"))
        role_caption.setBuddy(self.role_combo)

        handover = QLabel(
            self.tr(
                "Now please hand the keyboard to the new person. They type their own name and "
                "choose their own passphrase. Nobody else needs to know it, and it is best "
                "that nobody does, the coordinator included."
            )
        )
        handover.setObjectName("add-person-handover")
        handover.setWordWrap(True)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("add-person-name")
        self.name_edit.setAccessibleName(self.tr("Your name"))
        self.name_edit.setMaxLength(60)
        name_caption = QLabel(self.tr("Your &name, as the team will see it"))
        name_caption.setBuddy(self.name_edit)

        self.fields = NewPassphraseFields(
            new_label=self.tr("Choose a &passphrase (at least 8 characters)")
        )
        hint = QLabel(
            self.tr(
                "A few ordinary words strung together are easy to remember and hard to guess. "
                "If you forget it, a coordinator can set up a new one, but your private "
                "reflections would be lost."
            )
        )
        hint.setWordWrap(True)
        set_role(hint, "hint")

        self._error = error_label("add-person-error")
        self._busy = BusyIndicator()
        buttons, self._add, self._cancel = ok_cancel(
            self, self.tr("&Add person"), "add-person-add", self._submit
        )

        layout = QVBoxLayout(self)
        layout.addWidget(role_caption)
        layout.addWidget(self.role_combo)
        layout.addSpacing(8)
        layout.addWidget(handover)
        layout.addSpacing(4)
        layout.addWidget(name_caption)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.fields)
        layout.addWidget(hint)
        layout.addWidget(self._error)
        layout.addWidget(self._busy)
        layout.addWidget(buttons)

        self.setTabOrder(self.role_combo, self.name_edit)
        self.setTabOrder(self.name_edit, self.fields.new_edit)
        self.setTabOrder(self.fields.new_edit, self.fields.repeat_edit)
        self.setTabOrder(self.fields.repeat_edit, self._add)
        self.setTabOrder(self._add, self._cancel)

        self.name_edit.textChanged.connect(self._update_user_inputs)
        self._update_user_inputs()
        self.role_combo.setFocus()

    @property
    def busy(self) -> bool:
        return self._busy.busy

    def selected_role(self) -> Role:
        return Role(self.role_combo.currentData())

    def choose_role(self, role: Role) -> None:
        self.role_combo.setCurrentIndex(self.role_combo.findData(role.value))

    def _update_user_inputs(self) -> None:
        self.fields.set_user_inputs([*self.name_edit.text().split(), self._backend.line_name])

    def _submit(self) -> None:
        if self.busy:
            return
        if not self.fields.matches():
            self._show_error(mismatch_message())
            self.fields.repeat_edit.setFocus()
            return
        name = self.name_edit.text()
        passphrase = self.fields.passphrase()
        role = self.selected_role()
        self._set_busy(True)
        handle = self._backend.run(
            lambda s: s.team.add_account(name, passphrase, role),
            on_done=self._done,
            on_error=self._failed,
        )
        if handle is None:  # the app locked meanwhile
            self._set_busy(False)

    def _done(self, account: Account) -> None:
        self.added = account
        self._set_busy(False)
        self.fields.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._show_error(describe(exc))
        # Back where the fix is typed: a refused passphrase is far more likely than a name.
        if isinstance(exc, InvalidInput) and "passphrase" in str(exc):
            self.fields.new_edit.setFocus()
            self.fields.new_edit.selectAll()
        else:
            self.name_edit.setFocus()

    def _show_error(self, text: str) -> None:
        self._error.setText(text)
        self._error.setVisible(True)

    def _set_busy(self, busy: bool) -> None:
        if busy:
            self._error.setVisible(False)
            self._busy.start(self.tr("Setting up the new account with its passphrase. A moment…"))
        else:
            self._busy.stop()
        for widget in (self.role_combo, self.name_edit, self._add, self._cancel):
            widget.setEnabled(not busy)
        self.fields.set_fields_enabled(not busy)

    def reject(self) -> None:
        """Escape and Cancel do nothing while the account is being stored."""
        if self.busy:
            return
        self.fields.clear()
        super().reject()
