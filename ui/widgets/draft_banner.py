"""The banner that offers back an unfinished note after a crash, a lock or a parked note.

Why a banner and not a dialog: a volunteer may come back to the Call page with someone
already on the line. A modal question would stand between them and the Start button; a
banner waits quietly until they have a moment.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QLocale, QTime, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.theme import set_role


def local_when(moment: datetime, today: datetime) -> str:
    """A moment as people say it: "10:42" today, otherwise with the date ("Mon 6 Jan 10:42")."""
    local = moment.astimezone()
    locale = QLocale()
    time_text = locale.toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)
    if local.date() == today.astimezone().date():
        return time_text
    date_text = locale.toString(
        QDate(local.year, local.month, local.day), QLocale.FormatType.ShortFormat
    )
    return f"{date_text} {time_text}"


class DraftBanner(QFrame):
    """'You have an unfinished note from …' with Restore and Discard."""

    restore_requested = Signal()
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draft-banner")
        self.setAccessibleName(self.tr("Unfinished note"))
        set_role(self, "card")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.message = QLabel(self)
        self.message.setObjectName("draft-banner-text")
        self.message.setWordWrap(True)
        self.restore_button = QPushButton(self.tr("Restore &it"), self)
        self.restore_button.setObjectName("draft-restore")
        self.restore_button.setAccessibleName(self.tr("Restore the unfinished note"))
        set_role(self.restore_button, "primary")
        self.discard_button = QPushButton(self.tr("&Discard"), self)
        self.discard_button.setObjectName("draft-discard")
        self.discard_button.setAccessibleName(self.tr("Discard the unfinished note"))
        self.restore_button.clicked.connect(self.restore_requested)
        self.discard_button.clicked.connect(self.discard_requested)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.discard_button)
        self.hide()

    def offer(self, when: str, others: int = 0) -> None:
        """Show the banner for a note last kept safe at ``when``; ``others`` more wait behind."""
        text = self.tr("You have an unfinished note from {when}.").format(when=when)
        if others == 1:
            text += " " + self.tr("There is one more after it.")
        elif others > 1:
            text += " " + self.tr("There are {n} more after it.").format(n=others)
        self.message.setText(text)
        self.setAccessibleDescription(text)
        self.show()
