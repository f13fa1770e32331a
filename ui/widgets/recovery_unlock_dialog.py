"""Unlock with a one-time recovery code and choose a new passphrase in the same step."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role
from ui.widgets.fit import fit_to_text, show_whole_text
from ui.widgets.line_edits import hidden_entry, show_toggle
from warmline.accounts import MIN_PASSPHRASE_LENGTH


class RecoveryUnlockDialog(QDialog):
    submitted = Signal(str, str)  # code, new passphrase

    def showEvent(self, event: QShowEvent) -> None:
        """Fit the window to its text at the current text size (see ui.widgets.fit)."""
        fit_to_text(self)
        super().showEvent(event)

    def __init__(self, person: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery-unlock-dialog")
        self.setWindowTitle(self.tr("Use your recovery code"))
        intro = QLabel(
            self.tr(
                "{person}, type the recovery code you printed, then choose a new passphrase. "
                "The code works once: afterwards you can make a new one under My account."
            ).format(person=person)
        )
        intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setObjectName("recovery-code")
        self.code.setAccessibleName(self.tr("Recovery code"))
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        hidden_entry(self.code)  # as good as a passphrase: not on screen unless asked
        show_whole_text(self.code)  # a whole code, as printed, at any text size
        self.show_code = show_toggle(self.code, self.tr("&Show the code"), "recovery-code-show")
        self.new_passphrase = QLineEdit()
        self.new_passphrase.setObjectName("recovery-new-passphrase")
        self.new_passphrase.setAccessibleName(self.tr("New passphrase"))
        self.new_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("recovery-new-passphrase-again")
        self.again.setAccessibleName(self.tr("New passphrase again"))
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for text, field in (
            (self.tr("Recovery &code"), self.code),
            (self.tr("&New passphrase"), self.new_passphrase),
            (self.tr("New passphrase &again"), self.again),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
            if field is self.code:
                form.addRow("", self.show_code)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.hide()
        self.message = QLabel()
        self.message.setObjectName("recovery-message")
        self.message.setWordWrap(True)
        set_role(self.message, "error")
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("&Unlock"))
        ok.setObjectName("recovery-ok")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _submit(self) -> None:
        if len(self.new_passphrase.text()) < MIN_PASSPHRASE_LENGTH:
            self.show_message(
                self.tr("Please choose a passphrase of at least {n} characters.").format(
                    n=MIN_PASSPHRASE_LENGTH
                )
            )
            return
        if self.new_passphrase.text() != self.again.text():
            self.show_message(self.tr("The two passphrases are not the same."))
            return
        self.show_message("")
        self.submitted.emit(self.code.text(), self.new_passphrase.text())

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.buttons.setEnabled(not busy)
