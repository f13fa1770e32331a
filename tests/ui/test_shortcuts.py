"""Help › Keyboard shortcuts: reachable by F1 and from the Help menu, listing every shortcut
the window really has (and nothing it does not), locked or unlocked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QTreeWidget, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import UI_PASSPHRASE, wait_idle
from ui.controller import AppController
from ui.shortcuts import catalogue, keys_of, live_shortcuts, matches
from ui.widgets.shortcuts_dialog import ShortcutsDialog


def unlock(qtbot: QtBot, controller: AppController) -> None:
    screen = controller.unlock_screen
    screen.passphrase.setFocus()
    qtbot.keyClicks(screen.passphrase, UI_PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)


def press_f1(qtbot: QtBot, controller: AppController) -> ShortcutsDialog:
    controller.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    dialog = controller.window.findChild(ShortcutsDialog, "shortcuts-dialog")
    assert isinstance(dialog, ShortcutsDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def listed_rows(dialog: ShortcutsDialog) -> list[tuple[str, str, str]]:
    tree = dialog.findChild(QTreeWidget, "shortcuts-list")
    assert isinstance(tree, QTreeWidget)
    rows = []
    for g in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(g)
        for r in range(group.childCount()):
            row = group.child(r)
            rows.append((group.text(0), row.text(0), row.text(1)))
    return rows


def test_every_window_shortcut_is_listed_and_every_listed_one_exists(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    window = controller.window
    live = live_shortcuts(window)
    entries = [e for e in catalogue() if e.names]
    unlisted = [
        f"{type(item).__name__} {item.objectName()!r} {keys_of(item)}"
        for item in live
        if not any(matches(e, item) for e in entries)
    ]
    assert unlisted == []
    missing = [e.what for e in entries if not any(matches(e, item) for item in live)]
    assert missing == []
    wrong_keys = [
        f"{item.objectName()}: window {keys_of(item)}, list {e.keys}"
        for e in entries
        for item in live
        if matches(e, item) and "*" not in "".join(e.names) and keys_of(item) != e.keys
    ]
    assert wrong_keys == []


def test_f1_opens_the_list_with_each_section_by_name(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    dialog = press_f1(qtbot, controller)
    rows = listed_rows(dialog)
    keys = {(k, what) for _group, k, what in rows}
    sections = list(controller.window.workspace.pages.values())  # type: ignore[union-attr]
    for number, page in enumerate(sections[:10], start=1):
        assert (f"Alt+{number % 10}", f"Go to {page.title}") in keys  # the tenth is Alt+0
    # An eleventh (a coordinator's Activity) has no number key left: it is not promised one.
    assert not any(what == f"Go to {page.title}" for page in sections[10:] for _k, what in keys)
    for expected in ("Ctrl+N", "Ctrl+E", "Ctrl+S", "Ctrl+1", "Ctrl+4", "Ctrl+L", "Ctrl+Q", "F1"):
        assert expected in {k for _g, k, _w in rows}, expected
    assert ("Ctrl+F", "Go to the search field") in keys
    assert ("Ctrl+S", "Save the regular you are changing") in keys
    tree = dialog.findChild(QTreeWidget, "shortcuts-list")
    assert tree is not None
    qtbot.waitUntil(tree.hasFocus)  # arrow keys read it line by line
    qtbot.keyClick(tree, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_list_is_there_on_the_lock_screen_too(qtbot: QtBot, controller: AppController) -> None:
    dialog = press_f1(qtbot, controller)
    rows = listed_rows(dialog)
    assert ("Anywhere", "Ctrl+L", "Lock Warmline now, when you step away") in rows
    assert any(k == "Ctrl+N" for _g, k, _w in rows)  # what the keys will do once unlocked


def test_the_help_menu_offers_it_with_the_standard_key(controller: AppController) -> None:
    action = controller.window.findChild(QAction, "action-shortcuts")
    assert isinstance(action, QAction)
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    menus = [a.menu() for a in controller.window.menuBar().actions() if a.menu() is not None]
    help_menu = next(m for m in menus if m.title().replace("&", "") == "Help")
    assert action in help_menu.actions()
    action.trigger()
    dialog = controller.window.findChild(QWidget, "shortcuts-dialog")
    assert dialog is not None and dialog.isVisible()


def test_the_list_passes_the_language_lens(controller: AppController) -> None:
    from warmline.language import LanguageLens

    lens = LanguageLens.default()
    dialog = ShortcutsDialog(controller.window)
    flagged = [(what, h.phrase) for _g, _k, what in listed_rows(dialog) for h in lens.scan(what)]
    assert flagged == []
