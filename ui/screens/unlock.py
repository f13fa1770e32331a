"""The unlock screen: pick your name, type your passphrase, press Enter.

The screen only collects input and shows outcomes; the controller runs the slow key
derivation on the worker thread. After each wrong passphrase the next try waits a little
longer (1, 2, 4 … up to 30 seconds), which makes guessing at the keyboard slow without
ever locking a person out for good.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role
from warmline.accounts import Account

MAX_DELAY_S = 30


def retry_delay_seconds(failures: int) -> int:
    """Wait after the n-th wrong passphrase in a row: 0, 1, 2, 4, 8, 16, 30, 30 …"""
    if failures <= 1:
        return 0
    return min(2 ** (failures - 2), MAX_DELAY_S)


class UnlockScreen(QWidget):
    unlock_requested = Signal(str, str)  # account uuid, passphrase
    recovery_requested = Signal(str)  # account uuid

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlock-screen")
        self._failures = 0
        self._wait_left = 0
        self._busy = False
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

        self.line_label = QLabel()
        self.line_label.setObjectName("unlock-line-name")
        set_role(self.line_label, "title")
        self.line_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        intro = QLabel(self.tr("Choose your name and type your passphrase to start."))
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        set_role(intro, "hint")

        self.account_box = QComboBox()
        self.account_box.setObjectName("unlock-account")
        self.account_box.setAccessibleName(self.tr("Your name"))
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("unlock-passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.returnPressed.connect(self._submit)
        self.unlock_button = QPushButton(self.tr("&Unlock"))
        self.unlock_button.setObjectName("unlock-button")
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        set_role(self.unlock_button, "primary")
        self.unlock_button.clicked.connect(self._submit)
        self.unlock_button.setAutoDefault(True)
        # Alt+I: Alt+F belongs to the File menu.
        self.forgot_button = QPushButton(self.tr("&I forgot my passphrase…"))
        self.forgot_button.setObjectName("unlock-forgot")
        self.forgot_button.setAccessibleName(self.tr("I forgot my passphrase"))
        self.forgot_button.setFlat(True)
        self.forgot_button.clicked.connect(self._forgot)

        self.busy = QProgressBar()
        self.busy.setObjectName("unlock-busy")
        self.busy.setAccessibleName(self.tr("Unlocking"))
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.hide()
        self.notice = QLabel()
        self.notice.setObjectName("unlock-notice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(self.notice, "hint")
        self.notice.hide()
        self.lock_reason = QLabel()
        self.lock_reason.setObjectName("unlock-reason")
        self.lock_reason.setWordWrap(True)
        self.lock_reason.setAccessibleName(self.tr("Why Warmline locked"))
        self.lock_reason.hide()
        self.message = QLabel()
        self.message.setObjectName("unlock-message")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Message"))
        set_role(self.message, "error")
        self.message.hide()

        name_label = QLabel(self.tr("&Name"))
        name_label.setBuddy(self.account_box)
        pass_label = QLabel(self.tr("&Passphrase"))
        pass_label.setBuddy(self.passphrase)
        form = QFormLayout()
        form.addRow(name_label, self.account_box)
        form.addRow(pass_label, self.passphrase)

        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)

        card = QFrame()
        card.setObjectName("unlock-card")
        set_role(card, "card")
        card.setMaximumWidth(560)
        inner = QVBoxLayout(card)
        inner.setSpacing(14)
        inner.addWidget(self.line_label)
        inner.addWidget(intro)
        inner.addWidget(self.lock_reason)
        inner.addLayout(form)
        inner.addWidget(self.notice)
        inner.addWidget(self.busy)
        inner.addWidget(self.message)
        inner.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setTabOrder(self.account_box, self.passphrase)
        self.setTabOrder(self.passphrase, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.forgot_button)

    # --- filled by the controller ------------------------------------------------------------

    def set_line_name(self, name: str) -> None:
        self.line_label.setText(name)

    def set_accounts(self, accounts: list[Account], preferred_uuid: str | None = None) -> None:
        self.account_box.clear()
        for account in accounts:
            if not account.disabled:
                self.account_box.addItem(account.display_name, account.uuid)
        for account in accounts:
            if account.disabled:
                label = self.tr("{name} (switched off)").format(name=account.display_name)
                self.account_box.addItem(label, account.uuid)
        if preferred_uuid:
            index = self.account_box.findData(preferred_uuid)
            if index >= 0:
                self.account_box.setCurrentIndex(index)
        self.focus_passphrase()

    def focus_passphrase(self) -> None:
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected_account(self) -> str | None:
        data = self.account_box.currentData()
        return str(data) if data else None

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        self._update_enabled()

    def set_lock_reason(self, text: str) -> None:
        """Why the app locked when nobody asked it to, and whether a note was kept."""
        self.lock_reason.setText(text)
        self.lock_reason.setVisible(bool(text))

    def set_notice(self, text: str) -> None:
        """A calm, lasting note under the form (for example, the demo line's passphrase)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def wrong_passphrase(self, text: str) -> None:
        """Count a failed try and make the next one wait a little longer."""
        self._failures += 1
        self.passphrase.clear()
        self._wait_left = retry_delay_seconds(self._failures)
        self.show_message(text)
        if self._wait_left:
            self._countdown.start()
            self._show_wait()
        self._update_enabled()
        self.focus_passphrase()

    def reset(self) -> None:
        """Forget failures and typed text; used after a successful unlock or a lock."""
        self._failures = 0
        self._wait_left = 0
        self._countdown.stop()
        self.passphrase.clear()
        self.show_message("")
        self.set_busy(False)

    @property
    def failures(self) -> int:
        return self._failures

    @property
    def waiting_seconds(self) -> int:
        return self._wait_left

    # --- internals -----------------------------------------------------------------------

    def _update_enabled(self) -> None:
        """While waiting after wrong tries only the Unlock button rests; the field stays
        usable (and focused), so focus never drifts to another button that Enter would
        press."""
        ready = not self._busy and self._wait_left == 0
        self.passphrase.setEnabled(not self._busy)
        self.unlock_button.setEnabled(ready)
        self.account_box.setEnabled(not self._busy)
        if not self._busy:
            self.focus_passphrase()

    def _tick(self) -> None:
        self._wait_left = max(0, self._wait_left - 1)
        if self._wait_left == 0:
            self._countdown.stop()
            first = self.message.text().split("\n")[0]
            self.show_message(f"{first}\n" + self.tr("You can try again now."))
        else:
            self._show_wait()
        self._update_enabled()

    def _show_wait(self) -> None:
        text = self.message.text().split("\n")[0]
        wait = self.tr("Please wait {n} s before the next try.").format(n=self._wait_left)
        self.show_message(f"{text}\n{wait}")

    def _submit(self) -> None:
        account = self.selected_account()
        if self._busy or self._wait_left or account is None:
            return
        if not self.passphrase.text():
            self.show_message(self.tr("Please type your passphrase."))
            return
        self.show_message("")
        passphrase = self.passphrase.text()
        self.passphrase.clear()  # do not keep it in the widget longer than needed
        self.unlock_requested.emit(account, passphrase)

    def _forgot(self) -> None:
        account = self.selected_account()
        if account:
            self.recovery_requested.emit(account)
