"""TEST-ONLY child process for test_quit.py: starts the real app, unlocks, then quits.

Never run this outside the test suite. It imports pytest first only because
``warmline.crypto.allow_cheap_kdf_for_tests()`` refuses to work without it, and the parent's
throwaway vault uses the cheap test KDF.

Usage: ``python quit_child.py DATA_DIR HOW`` with the passphrase on stdin and the repository
root on PYTHONPATH. ``HOW`` is ``locked`` (quit from the lock screen) or ``unlocked`` (unlock,
type into a new call, then quit). The quit goes through the real File › Quit action's
shortcut (Ctrl+Q) sent to the main window. Prints ``EXIT <code>`` when ``ui.app.main``
returns; if the app fails to quit, the parent's timeout catches it.
"""

from __future__ import annotations

import sys

import pytest  # noqa: F401  (see the module docstring)
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMainWindow, QWidget

from ui import app as app_module
from warmline import crypto

crypto.allow_cheap_kdf_for_tests()


def main_window() -> QMainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            return widget
    return None


def press_quit(window: QMainWindow) -> None:
    """Ctrl+Q as a person presses it: to whatever has the focus in the active window."""
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 5000)
    print("QUITTING", flush=True)
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def drive(how: str, passphrase: str) -> None:
    """Poll the real window until it reaches each state, then act like a person would."""
    state = {"step": "wait-unlock-screen"}

    def tick() -> None:
        window = main_window()
        if window is None:
            return
        if state["step"] == "wait-unlock-screen":
            field = window.findChild(QLineEdit, "unlock-passphrase")
            if field is None or not field.isVisible() or not field.isEnabled():
                return
            account = window.findChild(QComboBox, "unlock-account")
            if account is None or account.count() == 0:
                return
            if how == "locked":
                state["step"] = "done"
                press_quit(window)
                return
            field.setText(passphrase)
            QTest.keyClick(field, Qt.Key.Key_Return)
            state["step"] = "wait-unlocked"
        elif state["step"] == "wait-unlocked":
            lock = window.findChild(QWidget, "status-lock")
            if lock is None or not lock.isVisible():
                return
            print("UNLOCKED", flush=True)
            QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
            state["step"] = "wait-call"
        elif state["step"] == "wait-call":
            section = window.findChild(QWidget, "section-worldview")
            if section is None or not section.isVisible():
                return
            QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(QApplication.focusWidget() or section, "Kestrel")
            state["step"] = "done"
            press_quit(window)

    timer = QTimer()
    timer.setInterval(100)
    timer.timeout.connect(tick)
    timer.start()
    drive.timer = timer  # type: ignore[attr-defined]  # keep it alive


def main() -> int:
    data_dir, how = sys.argv[1], sys.argv[2]
    passphrase = sys.stdin.readline().rstrip("\n")
    QTimer.singleShot(0, lambda: drive(how, passphrase))
    code = app_module.main(["--data-dir", data_dir])
    print(f"EXIT {code}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
