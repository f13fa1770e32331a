"""What the backup and restore dialogs share: a path with a Choose button, and a progress line
that says in words what is happening."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role
from ui.widgets.fit import show_whole_text
from warmline.backup import Contents


class PathRow(QWidget):
    """A caption, a path field and a Choose… button that asks through ``choose``."""

    def __init__(
        self,
        caption: str,
        accessible: str,
        name: str,
        choose: Callable[[str], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName(name)
        self.edit.setAccessibleName(accessible)
        show_whole_text(self.edit, "/media/usb-stick/warmline-backups")
        label = QLabel(caption)
        label.setBuddy(self.edit)
        label.setWordWrap(True)
        self.button = QPushButton(self.tr("Choose…"))
        self.button.setObjectName(f"{name}-choose")
        self.button.setAutoDefault(False)  # Return in a field means the dialog's main action
        self.button.setAccessibleName(self.tr("Choose: {what}").format(what=accessible))
        self._choose = choose
        self.button.clicked.connect(self._chosen)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addLayout(row)

    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def _chosen(self) -> None:
        chosen = self._choose(self.text())
        if chosen:
            self.edit.setText(chosen)

    def set_enabled(self, enabled: bool) -> None:
        self.edit.setEnabled(enabled)
        self.button.setEnabled(enabled)


def stage_words(stage: str) -> str:
    words = {
        "copying": QCoreApplication.translate("Backup", "Copying the line…"),
        "sealing": QCoreApplication.translate("Backup", "Locking the copy and writing it…"),
        "checking": QCoreApplication.translate("Backup", "Checking every part of the backup…"),
        "writing": QCoreApplication.translate("Backup", "Writing the line into the new folder…"),
    }
    return words.get(stage, "")


class ProgressLine(QWidget):
    """A progress bar and a sentence; hidden until the work starts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setObjectName("backup-progress")
        self.bar.setAccessibleName(self.tr("How far the work has gone"))
        self.bar.setRange(0, 100)
        self.label = QLabel()
        self.label.setObjectName("backup-progress-text")
        self.label.setWordWrap(True)
        set_role(self.label, "hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self.setVisible(False)

    def start(self, text: str) -> None:
        self.bar.setRange(0, 0)  # the key derivation comes first, and says nothing
        self.label.setText(text)
        self.setVisible(True)

    def show_stage(self, stage: str, done: int, total: int) -> None:
        self.bar.setRange(0, 100)
        self.bar.setValue(100 * done // total if total else 0)
        words = stage_words(stage)
        if words:
            self.label.setText(words)

    def stop(self) -> None:
        self.setVisible(False)


def counted(contents: Contents) -> str:
    """ "1,204 records (812 calls)", as the command line says it."""
    return QCoreApplication.translate("Backup", "{records} records ({calls} calls)").format(
        records=f"{contents.records:,}", calls=f"{contents.calls:,}"
    )
