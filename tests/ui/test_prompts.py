"""Prompts: scripted answers for tests, real dialogs in production."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ui.prompts import Asked, Prompts


def test_scripted_answers_are_taken_in_order(prompts: type[Prompts]) -> None:
    prompts.set_next_answers([True, "/tmp/out.csv", False, None])

    assert Prompts.confirm(None, "Discard draft?", "It cannot be recovered.", "Discard", "Keep")
    assert Prompts.save_file(None, "Export", "CSV files (*.csv)") == "/tmp/out.csv"
    assert not Prompts.confirm(None, "Lock now?", "", "Lock", "Stay")
    assert Prompts.save_file(None, "Export", "CSV files (*.csv)") is None

    assert [a.kind for a in prompts.asked] == ["confirm", "save_file", "confirm", "save_file"]
    assert prompts.asked[0] == Asked("confirm", "Discard draft?", "It cannot be recovered.")


def test_info_and_warn_are_recorded_without_taking_answers(prompts: type[Prompts]) -> None:
    prompts.set_next_answers([True])

    Prompts.info(None, "Saved", "Your handover was saved.")
    Prompts.warn(None, "Backup failed", "The disk is full.")

    assert Prompts.confirm(None, "Sure?", "", "Yes", "No") is True
    assert prompts.asked[:2] == [
        Asked("info", "Saved", "Your handover was saved."),
        Asked("warn", "Backup failed", "The disk is full."),
    ]


def test_unexpected_prompt_raises_instead_of_blocking(prompts: type[Prompts]) -> None:
    with pytest.raises(LookupError, match="Delete"):
        Prompts.confirm(None, "Delete", "", "Delete", "Keep")
    with pytest.raises(LookupError):
        Prompts.save_file(None, "Export", "*.csv")


def test_wrongly_typed_answers_are_rejected(prompts: type[Prompts]) -> None:
    prompts.set_next_answers(["yes", 3])
    with pytest.raises(TypeError):
        Prompts.confirm(None, "Sure?", "", "Yes", "No")
    with pytest.raises(TypeError):
        Prompts.save_file(None, "Export", "*.csv")


def test_reset_returns_to_production_mode(prompts: type[Prompts]) -> None:
    prompts.set_next_answers([True])
    prompts.info(None, "t", "x")
    prompts.reset()
    assert prompts.asked == []
    assert prompts._script is None


# -- production dialogs, answered by a timer firing inside their modal loop ----------------


def _when_modal(action: Callable[[QWidget], object]) -> None:
    """Run ``action`` on the active modal dialog once its event loop is running."""

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, attempt)
        else:
            action(widget)

    QTimer.singleShot(0, attempt)


def _click_button(text: str) -> Callable[[QWidget], None]:
    def click(widget: QWidget) -> None:
        for button in widget.findChildren(QPushButton):
            if button.text() == text:
                button.click()
                return
        raise AssertionError(f"no button {text!r}")

    return click


@pytest.fixture
def real_dialogs(prompts: type[Prompts]) -> type[Prompts]:
    prompts.reset()
    return prompts


def test_real_confirm_uses_the_given_verbs(qtbot: QtBot, real_dialogs: type[Prompts]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: dict[str, object] = {}

    def inspect_and_accept(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        seen["buttons"] = sorted(b.text() for b in widget.findChildren(QPushButton))
        seen["default"] = widget.defaultButton().text()
        _click_button("Discard draft")(widget)

    _when_modal(inspect_and_accept)
    assert real_dialogs.confirm(parent, "Discard?", "Gone for good.", "Discard draft", "Keep")
    assert seen == {"buttons": ["Discard draft", "Keep"], "default": "Keep"}


def test_real_confirm_cancel_and_escape_say_no(qtbot: QtBot, real_dialogs: type[Prompts]) -> None:
    _when_modal(_click_button("Keep"))
    assert not real_dialogs.confirm(None, "Discard?", "", "Discard draft", "Keep")

    _when_modal(lambda w: qtbot.keyClick(w, Qt.Key.Key_Escape))
    assert not real_dialogs.confirm(None, "Discard?", "", "Discard draft", "Keep")


def test_real_info_and_warn_open_message_boxes(real_dialogs: type[Prompts]) -> None:
    titles: list[str] = []

    def record_and_close(widget: QWidget) -> None:
        titles.append(widget.windowTitle())
        assert isinstance(widget, QMessageBox)
        widget.accept()

    _when_modal(record_and_close)
    real_dialogs.info(None, "Saved", "Done.")
    _when_modal(record_and_close)
    real_dialogs.warn(None, "Careful", "Check this.")
    assert titles == ["Saved", "Careful"]


def test_real_save_file_returns_path_or_none(tmp_path: Path, real_dialogs: type[Prompts]) -> None:
    target = tmp_path / "figures.csv"

    def choose(widget: QWidget) -> None:
        assert isinstance(widget, QFileDialog)
        widget.selectFile(str(target))
        widget.accept()

    _when_modal(choose)
    chosen = real_dialogs.save_file(None, "Export", "CSV files (*.csv)", str(tmp_path))
    assert chosen is not None
    assert Path(chosen) == target

    _when_modal(lambda w: w.close())
    assert real_dialogs.save_file(None, "Export", "CSV files (*.csv)", str(tmp_path)) is None
