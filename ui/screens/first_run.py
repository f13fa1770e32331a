"""First run: name the line, then the first coordinator sets up their own account.

Two short steps with Back and Next, every field reachable by keyboard and Enter moving on.
The screen only gathers answers; the controller creates the vault on the worker thread
(the key derivation takes about a second) and shows the optional recovery code once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role
from ui.widgets.fit import at_most_chars, show_whole_text
from ui.widgets.passphrase_strength import PassphraseStrength
from warmline.accounts import MIN_PASSPHRASE_LENGTH


class FirstRunScreen(QWidget):
    create_requested = Signal(str, str, str, bool)  # line, name, passphrase, recovery code?

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first-run")
        self.steps = QStackedWidget()
        self.steps.addWidget(self._line_step())
        self.steps.addWidget(self._person_step())

        self.message = QLabel()
        self.message.setObjectName("first-run-message")
        self.message.setWordWrap(True)
        set_role(self.message, "error")
        self.message.hide()
        self.busy = QProgressBar()
        self.busy.setObjectName("first-run-busy")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.setAccessibleName(self.tr("Setting up"))
        self.busy.hide()

        self.back_button = QPushButton(self.tr("&Back"))
        self.back_button.setObjectName("first-run-back")
        self.back_button.setAccessibleName(self.tr("Back"))
        self.back_button.clicked.connect(self._back)
        self.next_button = QPushButton(self.tr("&Next"))
        self.next_button.setObjectName("first-run-next")
        self.next_button.setAccessibleName(self.tr("Next"))
        set_role(self.next_button, "primary")
        self.next_button.clicked.connect(self._next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)

        card = QFrame()
        card.setObjectName("first-run-card")
        set_role(card, "card")
        at_most_chars(card, 90)
        inner = QVBoxLayout(card)
        inner.setSpacing(14)
        inner.addWidget(self.steps)
        inner.addWidget(self.busy)
        inner.addWidget(self.message)
        inner.addLayout(buttons)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        # The card scrolls when it is taller than the window (200 % text with strength
        # advice showing) instead of squeezing its fields.
        content = QWidget()
        outer = QVBoxLayout(content)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(content)
        page_layout = QVBoxLayout(self)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(scroll)
        self._show_step(0)

    # --- steps -----------------------------------------------------------------------------

    def _line_step(self) -> QWidget:
        page = QWidget()
        title = QLabel(self.tr("Welcome to Warmline"))
        set_role(title, "title")
        text = QLabel(
            self.tr(
                "Warmline keeps your line's call notes, handovers and private reflections on "
                "this computer, locked with each person's passphrase. It works without the "
                "internet.\n\nFirst, what is your line called?"
            )
        )
        text.setWordWrap(True)
        self.line_name = QLineEdit()
        self.line_name.setObjectName("first-run-line-name")
        self.line_name.setAccessibleName(self.tr("Name of the line"))
        self.line_name.setPlaceholderText(self.tr("for example, Riverside Warmline"))
        show_whole_text(self.line_name)
        self.line_name.returnPressed.connect(self._next)
        label = QLabel(self.tr("&Line name"))
        label.setBuddy(self.line_name)
        form = QFormLayout()
        form.addRow(label, self.line_name)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _person_step(self) -> QWidget:
        page = QWidget()
        title = QLabel(self.tr("Your account"))
        set_role(title, "title")
        text = QLabel(
            self.tr(
                "You will be the line's first coordinator: you can add the rest of the team "
                "afterwards. Choose a passphrase only you know — a few ordinary words strung "
                "together are easy to remember and hard to guess. Nobody can recover it for "
                "you, so keep it safe."
            )
        )
        text.setWordWrap(True)
        self.person_name = QLineEdit()
        self.person_name.setObjectName("first-run-person-name")
        self.person_name.setAccessibleName(self.tr("Your name"))
        self.person_name.setPlaceholderText(self.tr("the name the team knows you by"))
        show_whole_text(self.person_name)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("first-run-passphrase")
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_again = QLineEdit()
        self.passphrase_again.setObjectName("first-run-passphrase-again")
        self.passphrase_again.setAccessibleName(self.tr("Passphrase again"))
        self.passphrase_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_again.returnPressed.connect(self._next)
        self.strength = PassphraseStrength()
        self.strength.setObjectName("first-run-strength")
        self.passphrase.textChanged.connect(self.strength.set_passphrase)
        for edit in (self.person_name, self.passphrase, self.passphrase_again):
            edit.textChanged.connect(self._edited)
        self.recovery = QCheckBox(self.tr("Make me a one-time &recovery code to print"))
        self.recovery.setObjectName("first-run-recovery")
        self.recovery.setAccessibleName(self.tr("Make a recovery code"))
        self.recovery.setChecked(True)
        recovery_hint = QLabel(
            self.tr(
                "If you ever forget your passphrase, the printed code lets you back in once. "
                "Warmline shows it one time and never saves it."
            )
        )
        recovery_hint.setWordWrap(True)
        set_role(recovery_hint, "hint")

        form = QFormLayout()
        for text_label, field in (
            (self.tr("Your n&ame"), self.person_name),
            (self.tr("&Passphrase"), self.passphrase),
            (self.tr("Passphrase a&gain"), self.passphrase_again),
        ):
            label = QLabel(text_label)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow("", self.strength)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.recovery)
        layout.addWidget(recovery_hint)
        layout.addStretch(1)
        return page

    # --- navigation ------------------------------------------------------------------------

    def _show_step(self, index: int) -> None:
        self.steps.setCurrentIndex(index)
        self.back_button.setVisible(index > 0)
        self.next_button.setText(self.tr("&Next") if index == 0 else self.tr("&Create my account"))
        self.show_message("")
        target = self.line_name if index == 0 else self.person_name
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _back(self) -> None:
        self._show_step(0)

    def _next(self) -> None:
        if self.busy.isVisible():
            return
        if self.steps.currentIndex() == 0:
            if not self.line_name.text().strip():
                self.show_message(self.tr("Please type the name of your line."))
                return
            self._show_step(1)
            return
        problem = self.problem()
        if problem:
            self.show_message(problem)
            return
        self.create_requested.emit(
            self.line_name.text().strip(),
            self.person_name.text().strip(),
            self.passphrase.text(),
            self.recovery.isChecked(),
        )

    def problem(self) -> str:
        """What stops the account from being created, in plain words ('' if nothing)."""
        if not self.person_name.text().strip():
            return self.tr("Please type your name.")
        if len(self.passphrase.text()) < MIN_PASSPHRASE_LENGTH:
            return self.tr("Please choose a passphrase of at least {n} characters.").format(
                n=MIN_PASSPHRASE_LENGTH
            )
        if self.passphrase.text() != self.passphrase_again.text():
            return self.tr("The two passphrases are not the same. Please type them again.")
        return ""

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def focus_after_refusal(self) -> None:
        """After the core refused the passphrase: the cursor goes back into it, selected,
        so typing a better one replaces it (focus was lost while the form was busy)."""
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        self.passphrase.selectAll()

    def _edited(self) -> None:
        """A complaint about what was typed goes once the person types again."""
        if not self.busy.isVisible():
            self.show_message("")

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        if busy:
            self.show_message(
                self.tr(
                    "Setting up your line and locking it with your passphrase. "
                    "This takes a few seconds…"
                )
            )
            set_role(self.message, "hint")
        else:
            set_role(self.message, "error")
        for widget in (self.next_button, self.back_button, self.steps):
            widget.setEnabled(not busy)

    def clear_secrets(self) -> None:
        self.passphrase.clear()
        self.passphrase_again.clear()
