"""Every screen: each control can be named by a screen reader, nothing is out of keyboard
reach, and the app's own words pass its own language lens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.pages import page_types, wire_pages
from ui.screens.first_run import FirstRunScreen
from ui.screens.unlock import UnlockScreen
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme
from ui.workspace import Workspace
from warmline.language import LanguageLens


@pytest.fixture
def workspace(qtbot: QtBot, backend: Backend, runner: TaskRunner) -> Iterator[Workspace]:
    ws = Workspace(backend, page_types())
    wire_pages(ws, None)
    qtbot.addWidget(ws)
    ws.resize(1200, 800)
    ws.show()
    for key in list(ws.pages):
        ws.show_page(key)
        wait_idle(qtbot, runner)
    yield ws


def screens(workspace: Workspace) -> list[QWidget]:
    return [*workspace.pages.values(), UnlockScreen(), FirstRunScreen()]


def focusable(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not isinstance(w, QGroupBox)
        # Qt's own inner parts of composite widgets (a spin box's line edit, a scroll
        # area's viewport) are named through their parent.
        and not w.objectName().startswith("qt_")
        and w.window() is root.window()  # popups (completers, combo lists) are their own
        and w.parent() is not None
        and not isinstance(w.parent(), (QComboBox,))
        and type(w).__module__.startswith(("PySide6", "ui"))
    ]


def has_name(widget: QWidget) -> bool:
    if widget.accessibleName().strip():
        return True
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return True
    # A label pointing at it (QLabel.setBuddy) names it for assistive technology.
    root = widget.window()
    return any(label.buddy() is widget for label in root.findChildren(QLabel))


def test_every_control_has_an_accessible_name(workspace: Workspace) -> None:
    missing = []
    for screen in screens(workspace):
        for widget in focusable(screen):
            if not has_name(widget) and not widget.objectName().startswith("qt_"):
                inner = isinstance(widget.parent(), (QLineEdit, QPlainTextEdit, QTextEdit))
                if not inner:
                    missing.append(
                        f"{screen.objectName()}: {type(widget).__name__} {widget.objectName()!r}"
                    )
    assert missing == []


def visible_words(root: QWidget) -> list[str]:
    texts: list[str] = [root.toolTip()]
    for widget in root.findChildren(QWidget):
        texts.append(widget.toolTip())
        texts.append(widget.accessibleName())
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
            texts.append(widget.placeholderText())
        if isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
    return [t.replace("&", "") for t in texts if t]


def test_the_apps_own_words_pass_the_language_lens(workspace: Workspace) -> None:
    lens = LanguageLens.default()
    flagged = []
    for screen in screens(workspace):
        for text in visible_words(screen):
            for hit in lens.scan(text):
                flagged.append(f"{screen.objectName()}: {hit.phrase!r} in {text[:60]!r}")
    assert flagged == []


@pytest.mark.parametrize("theme", [Theme.HIGH_CONTRAST, Theme.DARK])
def test_screens_build_at_double_text_size_in_every_theme(
    workspace: Workspace, theme: Theme, qtbot: QtBot
) -> None:
    """At 200 % text the pages still lay out: no field squeezed below the height its own
    text needs (its minimum size hint), which is what clips letters."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = (app.styleSheet(), app.font(), app.palette(), app.style().name())
    try:
        apply_theme(app, theme, 200)
        squeezed = []
        for screen in workspace.pages.values():
            workspace.show_page(screen.key)
            qtbot.wait(20)  # let the layouts settle at the new size
            for widget in screen.findChildren(QLineEdit) + screen.findChildren(QComboBox):
                if widget.objectName().startswith("qt_") or not widget.isVisible():
                    continue
                needed = widget.minimumSizeHint().height()
                if widget.height() < needed:
                    squeezed.append(
                        f"{screen.key}: {widget.objectName()} {widget.height()}px < {needed}px"
                    )
        assert squeezed == []
    finally:  # leave the shared QApplication as other tests expect it
        apply_theme(app, Theme.SYSTEM, 100)
        app.setStyleSheet(saved[0])
        QApplication.setFont(saved[1])
        QApplication.setPalette(saved[2])
        QApplication.setStyle(saved[3])
