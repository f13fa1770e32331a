"""The CSV preview: exactly the text that will be written, before anything is saved.

The dialog holds one string and shows it read-only; "Save" writes that same string, so what
a coordinator read is what the file holds, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.prompts import Prompts
from ui.theme import set_role
from ui.widgets.dialog_parts import error_label
from ui.widgets.fit import fit_to_text, lines_tall, on_text_size_change


class CsvPreviewDialog(QDialog):
    def __init__(self, text: str, suggested_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("csv-preview")
        self.setWindowTitle(self.tr("What the CSV file will hold"))
        self.text = text
        self.suggested_name = suggested_name
        self.saved_to: Path | None = None
        about = QLabel(
            self.tr(
                "This is exactly what will be written: counts only, small ones hidden, no "
                "notes, names or exact times. The file is not locked: anyone who finds it can "
                "read it."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")
        self.view = QPlainTextEdit()
        self.view.setObjectName("csv-preview-text")
        self.view.setAccessibleName(self.tr("The CSV file as it will be written"))
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setPlainText(text)
        lines_tall(self.view, 18)
        on_text_size_change(
            self.view,
            lambda: self.view.setMinimumWidth(self.view.fontMetrics().averageCharWidth() * 96),
        )
        self.error = error_label("csv-preview-error")
        self.save_button = QPushButton(self.tr("&Save the CSV…"))
        self.save_button.setObjectName("csv-preview-save")
        self.save_button.setAccessibleName(self.tr("Save the CSV file"))
        self.save_button.setDefault(True)
        set_role(self.save_button, "primary")
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("Close"))
        close.setObjectName("csv-preview-close")
        close.setAccessibleName(self.tr("Close without saving"))
        close.clicked.connect(self.reject)
        box = QDialogButtonBox()
        box.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addWidget(box)
        fit_to_text(self, 90)

    def save(self) -> bool:
        chosen = Prompts.save_file(
            self, self.tr("Save the CSV file"), "CSV (*.csv)", self.suggested_name
        )
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() != ".csv":
            path = path.with_suffix(".csv")
        try:
            # newline="" keeps the text exactly as previewed (the CSV writes its own endings).
            with path.open("w", encoding="utf-8", newline="") as out:
                out.write(self.text)
        except OSError:
            self.error.setText(
                self.tr("That file could not be written. Please choose another folder.")
            )
            self.error.setVisible(True)
            return False
        self.saved_to = path
        self.accept()
        return True
