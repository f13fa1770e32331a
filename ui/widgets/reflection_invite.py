"""The gentle invitation after a call is saved: take a quiet moment, later, or not this time.

A banner on the Call page, never a dialog: the next call must be one key away (Ctrl+N starts
it at once, and starting it keeps the invitation for later rather than dropping it). Esc, a
single key, declines while the banner shows. "Later" keeps a quiet reminder on the On shift
page until the shift ends (as an empty sealed reflection draft, so it outlives a lock).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui import reflection_work as work
from ui.backend import Backend
from ui.theme import set_role
from ui.widgets.call_drafts import while_alive
from warmline.drafts import Draft


class ReflectionInvite(QFrame):
    """ "Would you like a quiet moment?" after a saved call."""

    #: The person chose to reflect now on this call (its UUID).
    accepted = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setObjectName("reflection-invite")
        self.setAccessibleName(self.tr("Invitation to a private reflection"))
        set_role(self, "card")
        self._call_uuid: str | None = None
        self.text = QLabel(
            self.tr(
                "Call saved. Would you like a quiet moment to reflect on it? It is for you "
                "alone, and every question is optional."
            )
        )
        self.text.setObjectName("reflection-invite-text")
        self.text.setWordWrap(True)
        self.take_button = QPushButton(self.tr("Take a &moment"))
        self.take_button.setObjectName("reflection-invite-take")
        self.take_button.setAccessibleName(self.tr("Take a moment to reflect now"))
        set_role(self.take_button, "primary")
        self.take_button.clicked.connect(self.take)
        self.later_button = QPushButton(self.tr("Later"))
        self.later_button.setObjectName("reflection-invite-later")
        self.later_button.setAccessibleName(self.tr("Later: keep a reminder on the On shift page"))
        self.later_button.clicked.connect(self.later)
        self.decline_button = QPushButton(self.tr("Not this time (Esc)"))
        self.decline_button.setObjectName("reflection-invite-decline")
        self.decline_button.setAccessibleName(self.tr("Not this time"))
        self.decline_button.clicked.connect(self.decline)
        # One key declines. The shortcut lives on the banner, so Qt only matches it while
        # the banner shows; a popup (the caller list) still takes its own Esc first.
        self.decline_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.decline_shortcut.setObjectName("shortcut-decline-reflection")
        self.decline_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.decline_shortcut.activated.connect(self.decline)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.take_button)
        row.addWidget(self.later_button)
        row.addWidget(self.decline_button)
        self.hide()

    @property
    def call_uuid(self) -> str | None:
        """The call the invitation is about, while it shows."""
        return self._call_uuid if self.isVisibleTo(self.parentWidget() or self) else None

    def offer(self, call_uuid: str) -> None:
        self._call_uuid = call_uuid
        self.show()

    def take(self) -> None:
        call_uuid = self._call_uuid
        self._close()
        if call_uuid:
            self.accepted.emit(call_uuid)

    def later(self) -> None:
        """Keep a reminder until the shift ends; nothing else changes."""
        call_uuid = self._call_uuid
        self._close()
        if not call_uuid:
            return

        def kept(_draft: Draft) -> None:
            self.backend.changed("drafts")
            self.backend.status_message.emit(
                self.tr("It will wait for you on the On shift page until the shift ends.")
            )

        self.backend.run(lambda s: work.keep_for_later(s, call_uuid), while_alive(self, kept))

    def decline(self) -> None:
        if self._call_uuid is not None:
            self._close()
            self.backend.status_message.emit(self.tr("No reflection this time. That is fine."))

    def _close(self) -> None:
        self._call_uuid = None
        self.hide()
