"""The Team page's card about backups: back up now, or check and restore a backup."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.backend import Backend
from ui.theme import set_role
from ui.widgets.backup_dialog import BackupDialog
from ui.widgets.restore_dialog import RestoreDialog


class BackupPanel(QFrame):
    """Coordinators' backups. The dialogs do the work; the card only opens them."""

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setObjectName("backup-panel")
        set_role(self, "card")
        title = QLabel(self.tr("Backups"))
        set_role(title, "subtitle")
        about = QLabel(
            self.tr(
                "A backup is a locked copy of the whole line, for the day this computer is "
                "lost or broken. Make one to a USB stick now and then, and keep its passphrase "
                "apart from it."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")
        self.backup_button = QPushButton(self.tr("Back &up now…"))
        self.backup_button.setObjectName("team-backup")
        self.backup_button.setAccessibleName(self.tr("Back up now"))
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton(self.tr("Check or res&tore a backup…"))
        self.restore_button.setObjectName("team-restore")
        self.restore_button.setAccessibleName(self.tr("Check or restore a backup"))
        self.restore_button.clicked.connect(self.restore)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(about)
        layout.addLayout(row)
        if not backend.is_coordinator:
            self.hide()

    def back_up(self) -> BackupDialog:
        dialog = BackupDialog(self.backend, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def restore(self) -> RestoreDialog:
        dialog = RestoreDialog(self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog
