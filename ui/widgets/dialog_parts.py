"""Pieces every form dialog repeats: an error line and an OK/Cancel row."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton

from ui.theme import set_role


def error_label(name: str) -> QLabel:
    """A hidden, word-wrapped label in the error style, for the core's plain messages."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    set_role(label, "error")
    label.setVisible(False)
    return label


def ok_cancel(
    dialog: QDialog, ok_text: str, name: str, on_ok: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """A primary, default OK button named ``name`` and a Cancel button beside it.

    OK runs ``on_ok`` (which checks and submits; it closes the dialog itself when done),
    Cancel rejects the dialog.
    """
    box = QDialogButtonBox()
    ok = QPushButton(ok_text)
    ok.setObjectName(name)
    ok.setDefault(True)
    set_role(ok, "primary")
    cancel = QPushButton(dialog.tr("Cancel"))
    cancel.setObjectName(f"{name.rsplit('-', 1)[0]}-cancel")
    box.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
    box.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
    ok.clicked.connect(on_ok)
    cancel.clicked.connect(dialog.reject)
    return box, ok, cancel
