"""Choosing a new passphrase: typed twice, with the strength meter, and a dialog around it.

:class:`NewPassphraseFields` is the pair of fields every "choose a passphrase" form shares
(adding a person, a reset, changing my own, the first-run wizard), so they all look and
behave alike. Typed twice because nobody can show a forgotten passphrase again: a typo
here would lock a person out of their own private reflections.

:class:`NewPassphraseDialog` wraps the fields for a person choosing their passphrase at
someone else's workstation (a coordinator's reset): it runs the slow, key-deriving work on
the background worker, shows that it is busy, and keeps the core's message inline so
nothing typed is lost when something needs fixing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.theme import set_role
from ui.widgets.busy_indicator import BusyIndicator
from ui.widgets.dialog_parts import error_label, ok_cancel
from ui.widgets.fit import fit_to_text
from ui.widgets.passphrase_strength import PassphraseStrength
from warmline.session import Session


def mismatch_message() -> str:
    """What to say when the two typed passphrases differ (shared by every form)."""
    return QCoreApplication.translate(
        "NewPassphrase", "The two passphrases are not the same. Please type them again."
    )


class NewPassphraseFields(QWidget):
    """A new passphrase, typed twice, with a live strength meter under the first field.

    Object names: ``passphrase-new``, ``passphrase-repeat``, ``passphrase-strength``,
    ``passphrase-match``.
    """

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        new_label: str | None = None,
        repeat_label: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new-passphrase-fields")

        self.new_edit = QLineEdit()
        self.new_edit.setObjectName("passphrase-new")
        self.new_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_edit.setAccessibleName(self.tr("New passphrase"))
        new_caption = QLabel(new_label or self.tr("&New passphrase (at least 8 characters)"))
        new_caption.setBuddy(self.new_edit)
        new_caption.setWordWrap(True)

        self.strength = PassphraseStrength()

        self.repeat_edit = QLineEdit()
        self.repeat_edit.setObjectName("passphrase-repeat")
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName(self.tr("New passphrase, again"))
        repeat_caption = QLabel(repeat_label or self.tr("&Type it again"))
        repeat_caption.setBuddy(self.repeat_edit)

        self._match = QLabel()
        self._match.setObjectName("passphrase-match")
        self._match.setWordWrap(True)
        set_role(self._match, "hint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(new_caption)
        layout.addWidget(self.new_edit)
        layout.addWidget(self.strength)
        layout.addSpacing(6)
        layout.addWidget(repeat_caption)
        layout.addWidget(self.repeat_edit)
        layout.addWidget(self._match)
        self.setTabOrder(self.new_edit, self.repeat_edit)

        self.new_edit.textChanged.connect(self._edited)
        self.repeat_edit.textChanged.connect(self._edited)
        self._edited()

    def passphrase(self) -> str:
        """The first field's text (check :meth:`matches` before using it)."""
        return self.new_edit.text()

    def matches(self) -> bool:
        """True when both fields hold the same, non-empty text."""
        return bool(self.new_edit.text()) and self.new_edit.text() == self.repeat_edit.text()

    def set_user_inputs(self, inputs: Sequence[str]) -> None:
        """Names the strength meter should treat as easy to guess."""
        self.strength.set_user_inputs(inputs)

    def set_fields_enabled(self, enabled: bool) -> None:
        self.new_edit.setEnabled(enabled)
        self.repeat_edit.setEnabled(enabled)

    def clear(self) -> None:
        """Empty both fields and the meter, so no widget keeps the passphrase."""
        self.new_edit.clear()
        self.repeat_edit.clear()
        self.strength.clear()

    def _edited(self) -> None:
        self.strength.set_passphrase(self.new_edit.text())
        repeat = self.repeat_edit.text()
        if not repeat:
            self._match.clear()
        elif self.matches():
            self._match.setText(self.tr("Both match."))
        else:
            self._match.setText(self.tr("Not the same yet."))
        self._match.setVisible(bool(self._match.text()))
        self.changed.emit()


class NewPassphraseDialog(QDialog):
    """A person types a new passphrase twice; ``work(session, passphrase)`` then stores it.

    The dialog accepts only once the work succeeded; its return value is in ``result_value``.
    On failure the core's message shows inline and the fields stay as typed. While the work
    runs the dialog cannot be closed: its result is on its way.
    """

    def showEvent(self, event: QShowEvent) -> None:
        """Fit the window to its text at the current text size (see ui.widgets.fit)."""
        fit_to_text(self)
        super().showEvent(event)

    def __init__(
        self,
        backend: Backend,
        *,
        title: str,
        intro: str,
        action_label: str,
        busy_text: str,
        work: Callable[[Session, str], Any],
        user_inputs: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new-passphrase-dialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self._backend = backend
        self._work = work
        self._busy_text = busy_text
        self.result_value: Any = None

        intro_label = QLabel(intro)
        intro_label.setObjectName("new-passphrase-intro")
        intro_label.setWordWrap(True)

        self.fields = NewPassphraseFields()
        self.fields.set_user_inputs(user_inputs)

        self._error = error_label("new-passphrase-error")
        self._busy = BusyIndicator()
        buttons, self._ok, self._cancel = ok_cancel(
            self, action_label, "new-passphrase-ok", self._submit
        )

        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(self.fields)
        layout.addWidget(self._error)
        layout.addWidget(self._busy)
        layout.addWidget(buttons)
        self.setTabOrder(self.fields.repeat_edit, self._ok)
        self.setTabOrder(self._ok, self._cancel)
        self.fields.new_edit.setFocus()

    @property
    def busy(self) -> bool:
        return self._busy.busy

    def _submit(self) -> None:
        if self.busy:
            return
        if not self.fields.matches():
            self._show_error(mismatch_message())
            self.fields.repeat_edit.setFocus()
            return
        passphrase = self.fields.passphrase()
        work = self._work
        self._set_busy(True)
        handle = self._backend.run(
            lambda s: work(s, passphrase), on_done=self._done, on_error=self._failed
        )
        if handle is None:  # the app locked meanwhile
            self._set_busy(False)

    def _done(self, value: object) -> None:
        self.result_value = value
        self._set_busy(False)
        self.fields.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._show_error(describe(exc))
        self.fields.new_edit.setFocus()

    def _show_error(self, text: str) -> None:
        self._error.setText(text)
        self._error.setVisible(True)

    def _set_busy(self, busy: bool) -> None:
        if busy:
            self._error.setVisible(False)
            self._busy.start(self._busy_text)
        else:
            self._busy.stop()
        self.fields.set_fields_enabled(not busy)
        self._ok.setEnabled(not busy)
        self._cancel.setEnabled(not busy)

    def reject(self) -> None:
        """Escape and Cancel do nothing while the work runs; otherwise close and forget."""
        if self.busy:
            return
        self.fields.clear()
        super().reject()
