"""Buttons Qt tucks inside fields (a search field's clear button) have names a screen reader
can say, on every screen and dialog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.pages import page_types, wire_pages
from ui.screens.first_run import FirstRunScreen
from ui.screens.unlock import UnlockScreen
from ui.tasks import TaskRunner
from ui.widgets.add_person_dialog import AddPersonDialog
from ui.widgets.line_edits import named_clear_button
from ui.widgets.recovery_unlock_dialog import RecoveryUnlockDialog
from ui.workspace import Workspace


@pytest.fixture
def roots(qtbot: QtBot, backend: Backend, runner: TaskRunner) -> Iterator[list[QWidget]]:
    workspace = Workspace(backend, page_types())
    wire_pages(workspace, None)
    qtbot.addWidget(workspace)
    workspace.show()
    for key in list(workspace.pages):
        workspace.show_page(key)
        wait_idle(qtbot, runner)
    yield [
        workspace,
        UnlockScreen(),
        FirstRunScreen(),
        AddPersonDialog(backend, workspace),
        RecoveryUnlockDialog("Alex", parent=workspace),
    ]


def unnamed_inner_buttons(root: QWidget) -> list[str]:
    missing = []
    for edit in root.findChildren(QLineEdit):
        where = f"{root.objectName()}/{edit.objectName() or type(edit).__name__}"
        for action in edit.findChildren(QAction):
            if not action.text().strip():
                missing.append(f"{where}: action {action.objectName()!r}")
        for button in edit.findChildren(QToolButton):
            if not (button.accessibleName().strip() or button.text().strip()):
                missing.append(f"{where}: button {button.objectName()!r}")
    return missing


def test_every_button_inside_a_field_has_a_name(roots: list[QWidget]) -> None:
    assert [m for root in roots for m in unnamed_inner_buttons(root)] == []


def test_the_calls_search_clear_button_says_what_it_clears(roots: list[QWidget]) -> None:
    search = roots[0].findChild(QLineEdit, "calls-search")
    assert isinstance(search, QLineEdit) and search.isClearButtonEnabled()
    names = [b.accessibleName() for b in search.findChildren(QToolButton)]
    assert names == ["Clear the search"]


def test_the_check_finds_an_unnamed_clear_button(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    edit = QLineEdit(holder)
    edit.setClearButtonEnabled(True)
    assert len(unnamed_inner_buttons(holder)) == 2  # the action and its button
    named_clear_button(edit, "Clear the name")
    assert unnamed_inner_buttons(holder) == []
