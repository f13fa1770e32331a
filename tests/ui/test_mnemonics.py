"""One key, one control: no window has two controls on the same Alt+letter, and no two
shortcuts or actions share a key sequence.

Alt+letter reaches every control in the window at once: the main window's menu titles
(File, Go, Help) and the page shown count together. When two match, Qt moves between them
instead of acting (or prints "Ambiguous shortcut overload"), which a keyboard user cannot
tell from a broken key. Walks the same stops as test_fit_everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabBar,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.fit_check import plain
from tests.ui.screen_tour import STOPS, Tour, appearance, copy_line, make_demo_line
from ui.theme import Theme


def mnemonic_of(text: str) -> str | None:
    """The Alt+letter a text with an ampersand offers ("Lo&gged by" -> "Alt+G")."""
    marked = text.replace("&&", "")
    at = marked.find("&")
    if at < 0 or at + 1 >= len(marked):
        return None
    return QKeySequence(f"Alt+{marked[at + 1].upper()}").toString(
        QKeySequence.SequenceFormat.PortableText
    )


def _in_window(widget: QWidget, window: QWidget) -> bool:
    return widget.window() is window and widget.isVisible()


def _action_is_live(action: QAction, window: QWidget) -> bool:
    """Whether Qt would match the action's shortcut while ``window`` is active."""
    if not action.isEnabled() or action.shortcutContext() == Qt.ShortcutContext.WidgetShortcut:
        return False
    for owner in action.associatedObjects():
        if isinstance(owner, QMenu):
            if _menu_is_live(owner, window):
                return True
        elif isinstance(owner, QWidget) and _in_window(owner, window):
            return True
    return False


def _menu_is_live(menu: QMenu, window: QWidget) -> bool:
    """A menu's actions answer their keys while the menu's title shows in the window."""
    title = menu.menuAction()
    return title.isVisible() and any(
        isinstance(o, QWidget) and o.window() is window for o in title.associatedObjects()
    )


def keys_in(window: QWidget) -> dict[str, list[str]]:
    """Key sequence -> what answers it in ``window`` (mnemonics, shortcuts and actions)."""
    owners: dict[str, list[str]] = defaultdict(list)
    portable = QKeySequence.SequenceFormat.PortableText

    def add(key: str | None, owner: str) -> None:
        if key:
            owners[key].append(owner)

    if isinstance(window, QMainWindow) and window.menuBar().isVisible():
        for action in window.menuBar().actions():
            if action.isVisible():
                add(mnemonic_of(action.text()), f"the {plain(action.text())} menu")
    for widget in window.findChildren(QWidget):
        if not _in_window(widget, window):
            continue
        if isinstance(widget, QLabel) and widget.buddy() is not None:
            add(mnemonic_of(widget.text()), f"label {plain(widget.text())!r}")
        elif isinstance(widget, QAbstractButton):
            add(mnemonic_of(widget.text()), f"{type(widget).__name__} {plain(widget.text())!r}")
        elif isinstance(widget, QGroupBox):
            add(mnemonic_of(widget.title()), f"group {plain(widget.title())!r}")
        elif isinstance(widget, QTabBar):
            for tab in range(widget.count()):
                add(mnemonic_of(widget.tabText(tab)), f"tab {plain(widget.tabText(tab))!r}")
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if (
            shortcut.isEnabled()
            and isinstance(parent, QWidget)
            and (_in_window(parent, window) or (parent is window and window.isVisible()))
            and shortcut.context() != Qt.ShortcutContext.WidgetShortcut
        ):
            for key in shortcut.keys():  # noqa: SIM118 (a QShortcut's key list, not a dict)
                name = parent.objectName() or type(parent).__name__
                add(key.toString(portable), f"shortcut on {name}")
    actions = {id(a): a for a in window.findChildren(QAction)}
    for widget in [window, *window.findChildren(QWidget)]:
        for action in widget.actions():
            actions[id(action)] = action
    for action in actions.values():
        if _action_is_live(action, window):
            for key in action.shortcuts():
                add(key.toString(portable), f"action {plain(action.text())!r}")
    return owners


def clashes(window: QWidget) -> list[str]:
    return [
        f"{key}: {' and '.join(names)}"
        for key, names in sorted(keys_in(window).items())
        if len(names) > 1
    ]


@pytest.fixture(scope="module")
def demo_line(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_line(tmp_path_factory.mktemp("mnemonic-demo"))


def test_mnemonic_reads_the_marked_letter() -> None:
    assert mnemonic_of("Lo&gged by") == "Alt+G"
    assert mnemonic_of("Rock && roll") is None
    assert mnemonic_of("&Add person") == "Alt+A"


def test_a_clash_is_found(qtbot: QtBot) -> None:
    """The checker itself: two buttons on Alt+A in one window are reported, one is not."""
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.addWidget(QPushButton("&Add person"))
    again = QLabel("Type it &again")
    again.setBuddy(QPushButton("buddy", host))
    layout.addWidget(again)
    host.show()
    qtbot.waitExposed(host)
    assert clashes(host) == ["Alt+A: QPushButton 'Add person' and label 'Type it again'"]


@pytest.mark.parametrize("stop", STOPS)
def test_one_control_per_key(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, demo_line: Path, stop: str
) -> None:
    found: list[str] = []

    def check(window: QWidget, where: str) -> None:
        found.extend(f"{where}: {line}" for line in clashes(window))

    fresh = stop.startswith("first-run")
    data_dir = tmp_path / "new-line" if fresh else copy_line(demo_line, tmp_path)
    with appearance(qapp, Theme.LIGHT, 100):
        # Keys do not depend on the window's size: one size is enough here.
        tour = Tour(qtbot, data_dir, Theme.LIGHT, 100, fresh=fresh, sizes=((1024, 700),))
        try:
            tour.visit(stop, check)
        finally:
            tour.close()
    unique = list(dict.fromkeys(line.split(": ", 1)[1] for line in found))
    assert unique == [], f"keys with more than one control ({stop}):\n" + "\n".join(unique)
