"""Every keyboard shortcut, said in plain words, for Help › Keyboard shortcuts.

What the keys *do* is written here once; which keys they *are* is read from the real
QAction or QShortcut whenever it exists (matched by object name), so the page shows the
truth on this platform. A test builds the unlocked window and checks both ways: every
shortcut listed here exists, and every shortcut in the window is listed here.

Entries without names are habits, not shortcuts (Tab, the underlined letters): they are on
the page because a newcomer needs them, and the test leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QWidget

from warmline import ips


@dataclass(frozen=True)
class Shortcut:
    """One line of the page: keys, what they do, where they work.

    ``names`` are the object names (shell-style patterns) of the QActions/QShortcuts that
    carry it; empty for a habit such as Tab.
    """

    keys: str  # portable text, "Ctrl+N"
    what: str
    where: str
    names: tuple[str, ...] = ()


def _tr(text: str) -> str:
    return QCoreApplication.translate("Shortcuts", text)


def catalogue() -> list[Shortcut]:
    """Every shortcut and keyboard habit, grouped by where it works, in reading order."""
    anywhere = _tr("Anywhere")
    call = _tr("Logging a call")
    calls = _tr("Calls list")
    regulars = _tr("Regular callers")
    forms = _tr("In any form or window")
    entries = [
        Shortcut(
            QKeySequence(QKeySequence.StandardKey.HelpContents).toString() or "F1",
            _tr("Show this list of keyboard shortcuts"),
            anywhere,
            ("action-shortcuts",),
        ),
        Shortcut(
            "Ctrl+L", _tr("Lock Warmline now, when you step away"), anywhere, ("action-lock",)
        ),
        Shortcut(
            "Ctrl+Q",
            _tr("Quit Warmline (an unfinished note is kept for next time)"),
            anywhere,
            ("action-quit",),
        ),
        Shortcut(
            "Alt+1",
            _tr("Go to a section; the numbers follow the list on the left"),
            anywhere,
            ("shortcut-go-*", "action-go-*"),
        ),
        Shortcut(
            "Ctrl+N",
            _tr("Start a call from any section: the timer starts"),
            anywhere,
            ("shortcut-start", "shortcut-start-call-anywhere"),
        ),
        Shortcut("Ctrl+E", _tr("End the call: the timer stops"), call, ("shortcut-end",)),
        Shortcut("Ctrl+S", _tr("Save the call"), call, ("shortcut-save",)),
        Shortcut(
            "Esc",
            _tr("After saving a call: no private reflection this time"),
            call,
            ("shortcut-decline-reflection",),
        ),
    ]
    for number, task in enumerate(ips.tasks(), start=1):
        entries.append(
            Shortcut(
                f"Ctrl+{number}",
                _tr("Go to {section}").format(section=task.title),
                call,
                (f"shortcut-{task.id}",),
            )
        )
    entries += [
        Shortcut(
            QKeySequence(QKeySequence.StandardKey.Find).toString() or "Ctrl+F",
            _tr("Go to the search field"),
            calls,
            ("shortcut-find",),
        ),
        Shortcut(
            "Ctrl+S", _tr("Save the regular you are changing"), regulars, ("shortcut-save-regular",)
        ),
        Shortcut("Tab", _tr("Move to the next field or button (Shift+Tab: back)"), forms),
        Shortcut("Alt", _tr("With the underlined letter of a label or button: go there"), forms),
        Shortcut("Esc", _tr("Close a window without changing anything"), forms),
    ]
    return entries


def live_shortcuts(window: QWidget) -> list[QAction | QShortcut]:
    """Every QAction and QShortcut with keys in ``window`` (menus included)."""
    found: list[QAction | QShortcut] = []
    for action in window.findChildren(QAction):
        if not action.shortcut().isEmpty():
            found.append(action)
    for menu in window.findChildren(QMenu):
        for action in menu.actions():
            if not action.shortcut().isEmpty() and action not in found:
                found.append(action)
    for shortcut in window.findChildren(QShortcut):
        if not shortcut.key().isEmpty():
            found.append(shortcut)
    return found


def keys_of(item: QAction | QShortcut) -> str:
    return (item.shortcut() if isinstance(item, QAction) else item.key()).toString()


def matches(entry: Shortcut, item: QObject) -> bool:
    return any(fnmatchcase(item.objectName(), pattern) for pattern in entry.names)


def for_window(window: QWidget | None) -> list[Shortcut]:
    """The catalogue, with the keys read from ``window``'s real actions where they exist.

    Section shortcuts become one line per section ("Alt+2 Go to Calls") while someone is
    unlocked and the Go menu lists the sections; otherwise the catalogue's general line.
    """
    entries = catalogue()
    if window is None:
        return entries
    live = live_shortcuts(window)
    out: list[Shortcut] = []
    for entry in entries:
        if "action-go-*" in entry.names:
            go = [a for a in live if isinstance(a, QAction) and matches(entry, a)]
            go = [a for a in go if a.objectName().startswith("action-go-")]
            if go:
                out += [
                    replace(
                        entry,
                        keys=keys_of(a),
                        what=_tr("Go to {section}").format(section=a.text().replace("&", "")),
                    )
                    for a in go
                ]
                continue
        real = next((item for item in live if matches(entry, item)), None)
        out.append(replace(entry, keys=keys_of(real)) if real is not None else entry)
    return out
