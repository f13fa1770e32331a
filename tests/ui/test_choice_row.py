"""The reflection's check-in and needs rows, by keyboard: moving there chooses nothing;
the arrows choose as they move."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.tasks import TaskRunner
from ui.widgets.choice_row import ChoiceRow


def _row(qtbot: QtBot) -> tuple[QWidget, QLabel, list[QRadioButton]]:
    page = QWidget()
    buttons = [QRadioButton(text) for text in ("1 Drained", "2 Low", "3 Steady")]
    group = QButtonGroup(page)
    for number, button in enumerate(buttons):
        group.addButton(button, number)
    row = ChoiceRow(buttons)
    caption = QLabel("How are you n&ow?")
    caption.setBuddy(row)
    layout = QVBoxLayout(page)
    layout.addWidget(caption)
    layout.addWidget(row)
    qtbot.addWidget(page)
    page.show()
    return page, caption, buttons


def test_the_caption_goes_to_the_row_without_choosing(qtbot: QtBot) -> None:
    _page, caption, buttons = _row(qtbot)
    row = caption.buddy()
    # A label whose buddy is a button clicks it on Alt+letter; a row only takes the focus.
    assert isinstance(row, ChoiceRow) and not isinstance(row, QRadioButton)
    assert row.focusProxy() is buttons[0]
    row.setFocus(Qt.FocusReason.ShortcutFocusReason)  # what Alt+O does
    assert not any(b.isChecked() for b in buttons)
    buttons[2].setChecked(True)
    assert row.focusProxy() is buttons[2]  # coming back lands on the choice made


def test_the_arrows_choose_as_they_move(qtbot: QtBot) -> None:
    _page, _caption, buttons = _row(qtbot)
    buttons[0].setFocus()
    qtbot.keyClick(buttons[0], Qt.Key.Key_Right)
    assert buttons[1].isChecked()
    qtbot.keyClick(buttons[1], Qt.Key.Key_Right)
    assert buttons[2].isChecked()
    qtbot.keyClick(buttons[2], Qt.Key.Key_Left)
    assert buttons[1].isChecked() and not buttons[2].isChecked()


def test_the_reflection_form_uses_it(
    qtbot: QtBot, backend: Backend, runner: TaskRunner
) -> None:
    from ui.widgets.reflection_form import ReflectionForm

    form = ReflectionForm(backend)
    qtbot.addWidget(form)
    wait_idle(qtbot, runner)
    rows = form.findChildren(ChoiceRow)
    assert {r.objectName() for r in rows} == {"reflection-check-in", "reflection-needs"}
    for label in form.findChildren(QLabel):
        if label.buddy() is not None:
            assert not isinstance(label.buddy(), QRadioButton), label.text()
