"""Helpers shared by the Call page's test files: build a shown page, find its parts."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.screens.call import CallPage
from ui.tasks import TaskRunner
from ui.widgets.call_form import CallForm
from ui.widgets.lens_edit import LensTextEdit


def make_call_page(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    *,
    size: tuple[int, int] = (1100, 800),
    autosave_interval_ms: int = 60_000,
) -> CallPage:
    """A shown, active Call page with its first lookups done."""
    page = CallPage(backend, autosave_interval_ms=autosave_interval_ms)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=2000)
    page.activated()
    wait_idle(qtbot, runner)
    return page


def form_of(page: QWidget) -> CallForm:
    form = page.findChild(CallForm, "call-form")
    assert form is not None
    return form


def child(page: QWidget, kind: type, name: str) -> QWidget:
    widget = page.findChild(kind, name)
    assert widget is not None, name
    return widget


def section(page: QWidget, task_id: str) -> LensTextEdit:
    widget = page.findChild(LensTextEdit, f"section-{task_id}")
    assert widget is not None
    return widget


def label_text(page: QWidget, name: str) -> str:
    label = page.findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press a key wherever focus is, the way a person would."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def in_view(area: QScrollArea, widget: QWidget) -> bool:
    """Whether ``widget`` shows in the scroll area: all of it, or as much as fits from its top."""
    viewport = area.viewport()
    top = widget.mapTo(viewport, QPoint(0, 0)).y()
    if top < 0 or top >= viewport.height():
        return False
    return top + widget.height() <= viewport.height() or top + 80 <= viewport.height()
