"""Return presses the focused button on pages (Qt only does it in dialogs)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.return_clicks import install


def test_return_presses_a_focused_button_on_a_page(qtbot: QtBot, qapp: QApplication) -> None:
    install(qapp)
    page = QWidget()
    button = QPushButton("Add a person…", page)
    QVBoxLayout(page).addWidget(button)
    qtbot.addWidget(page)
    page.show()
    button.setFocus()
    with qtbot.waitSignal(button.clicked, timeout=1000):
        qtbot.keyClick(button, Qt.Key.Key_Return)


def test_dialogs_keep_their_own_return(qtbot: QtBot, qapp: QApplication) -> None:
    install(qapp)
    install(qapp)  # once per application, however often it is asked
    assert len(qapp.findChildren(type(install(qapp)))) == 1
    dialog = QDialog()
    ok = QPushButton("OK", dialog)
    other = QPushButton("Other", dialog)
    other.setAutoDefault(False)
    ok.setDefault(True)
    QVBoxLayout(dialog).addWidget(other)
    qtbot.addWidget(dialog)
    dialog.show()
    other.setFocus()
    with qtbot.assertNotEmitted(other.clicked), qtbot.waitSignal(ok.clicked, timeout=1000):
        qtbot.keyClick(other, Qt.Key.Key_Return)


def test_a_plain_letter_on_a_focused_page_button_sets_off_nothing(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """On X11 a plain letter can act as Alt+letter while a button has focus."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    keeper = install(qapp)
    page = QWidget()
    here = QPushButton("&Save call", page)
    QVBoxLayout(page).addWidget(here)
    qtbot.addWidget(page)
    override = QEvent.Type.ShortcutOverride
    letter = QKeyEvent(override, Qt.Key.Key_V, Qt.KeyboardModifier.NoModifier, "v")
    assert keeper.eventFilter(here, letter) and letter.isAccepted()
    alt = QKeyEvent(override, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier, "v")
    alt.ignore()
    assert not keeper.eventFilter(here, alt)  # Alt+letter is left to Qt's shortcuts
