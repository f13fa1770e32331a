"""The recovery code on screen: typed in hidden unless the person asks to see it, and the
dialog that shows a new code says printing leaves a copy behind."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from ui.widgets.recovery_code_dialog import RecoveryCodeDialog
from ui.widgets.recovery_unlock_dialog import RecoveryUnlockDialog

CODE = "ABCDE-FGHJK-LMNPQ-RSTVW-XYZ23"


def test_the_recovery_code_is_typed_in_hidden_with_a_way_to_see_it(qtbot: QtBot) -> None:
    dialog = RecoveryUnlockDialog("Alex")
    qtbot.addWidget(dialog)
    dialog.show()
    code = dialog.findChild(QLineEdit, "recovery-code")
    assert isinstance(code, QLineEdit)
    assert code.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(code, CODE)
    assert code.displayText() != CODE

    show = dialog.findChild(QCheckBox, "recovery-code-show")
    assert isinstance(show, QCheckBox) and not show.isChecked()
    assert show.text().replace("&", "") and show.focusPolicy() & Qt.FocusPolicy.TabFocus
    show.setFocus()
    qtbot.keyClick(show, Qt.Key.Key_Space)  # by keyboard
    assert code.echoMode() == QLineEdit.EchoMode.Normal
    assert code.displayText() == CODE
    # Shown or not, input methods are told not to learn or suggest it.
    hints = code.inputMethodHints()
    assert hints & Qt.InputMethodHint.ImhSensitiveData
    assert hints & Qt.InputMethodHint.ImhNoPredictiveText
    qtbot.keyClick(show, Qt.Key.Key_Space)
    assert code.echoMode() == QLineEdit.EchoMode.Password

    submitted: list[tuple[str, str]] = []
    dialog.submitted.connect(lambda c, p: submitted.append((c, p)))
    new = dialog.findChild(QLineEdit, "recovery-new-passphrase")
    again = dialog.findChild(QLineEdit, "recovery-new-passphrase-again")
    assert isinstance(new, QLineEdit) and isinstance(again, QLineEdit)
    qtbot.keyClicks(new, "a brand new passphrase")
    qtbot.keyClicks(again, "a brand new passphrase")
    ok = dialog.findChild(QAbstractButton, "recovery-ok")
    assert ok is not None
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert submitted == [(CODE, "a brand new passphrase")]  # hiding it changes nothing typed


def test_the_code_dialog_warns_that_printing_leaves_a_copy(qtbot: QtBot) -> None:
    dialog = RecoveryCodeDialog(CODE, "Alex", "Line", printer=lambda _doc, _parent: True)
    qtbot.addWidget(dialog)
    dialog.show()
    note = dialog.findChild(QLabel, "recovery-print-note")
    assert isinstance(note, QLabel) and note.isVisible()
    text = note.text()
    assert "print queue" in text and "PDF" in text
    printed = dialog.findChild(QAbstractButton, "recovery-print")
    assert printed is not None
    qtbot.mouseClick(printed, Qt.MouseButton.LeftButton)
    status = dialog.findChild(QLabel, "recovery-status")
    assert isinstance(status, QLabel)
    assert "PDF" in status.text()  # said again right after printing
    dialog.accept()
