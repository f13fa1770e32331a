"""The app shell end to end: first run, unlock, lock, idle lock, one running copy."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import UI_PASSPHRASE, wait_idle
from ui.clock import FakeClock
from ui.controller import AppController
from ui.prompts import Prompts
from ui.screens.unlock import retry_delay_seconds
from ui.single_instance import SingleInstance
from warmline import crypto
from warmline.accounts import Role
from warmline.calls import Call
from warmline.crypto import KdfParams
from warmline.vault import Vault

CANARY = "Pelican7Quartz"


@pytest.fixture
def make_controller(
    qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock
) -> Iterator[type[AppController]]:
    made: list[AppController] = []

    def make(data_dir: Path | None = None, **kwargs: object) -> AppController:
        controller = AppController(
            data_dir or tmp_path / "line",
            clock=fake_clock,
            kdf_factory=kwargs.pop("kdf_factory", crypto.cheap_test_params),  # type: ignore[arg-type]
            **kwargs,  # type: ignore[arg-type]
        )
        qtbot.addWidget(controller.window)
        controller.window.show()
        made.append(controller)
        return controller

    yield make  # type: ignore[misc]
    for controller in made:
        controller.shutdown()


def existing_vault(tmp_path: Path) -> tuple[Path, str]:
    """A closed vault with Alex (coordinator), Sam (volunteer) and a call holding the canary."""
    data_dir = tmp_path / "line"
    vault, session = Vault.create(
        data_dir, "Riverside Warmline", "Alex", UI_PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    session.team.add_account("Sam", "sams own passphrase", Role.VOLUNTEER)
    session.calls.add(
        Call(started_at=datetime(2026, 11, 20, 20, 0, tzinfo=UTC), connection=f"{CANARY} note")
    )
    alex = session.account.uuid
    vault.close()
    return data_dir, alex


def unlock_as(qtbot: QtBot, controller: AppController, name: str, passphrase: str) -> None:
    qtbot.waitUntil(lambda: controller.vault is not None)
    screen = controller.unlock_screen
    screen.account_box.setCurrentIndex(screen.account_box.findText(name))
    screen.passphrase.setFocus()
    qtbot.keyClicks(screen.passphrase, passphrase)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)


def unlocked_with_idle_minutes(
    make_controller, qtbot: QtBot, tmp_path: Path, minutes: object
) -> AppController:
    """The shell unlocked as Alex on a line whose team idle-lock setting is ``minutes``."""
    data_dir, _ = existing_vault(tmp_path)
    vault = Vault.open(data_dir)
    session = vault.unlock(vault.accounts()[0].uuid, UI_PASSPHRASE)
    session.settings.set("idle_lock_minutes", minutes)
    vault.close()
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    return controller


def test_first_run_ends_unlocked_on_the_main_window(make_controller, qtbot: QtBot) -> None:
    controller = make_controller()
    controller.start()
    first = controller.first_run
    assert controller.window.stack.currentWidget() is first
    qtbot.keyClicks(first.line_name, "Riverside Warmline")
    qtbot.keyClick(first.line_name, Qt.Key.Key_Return)
    qtbot.keyClicks(first.person_name, "Alex")
    qtbot.keyClicks(first.passphrase, UI_PASSPHRASE)
    qtbot.keyClicks(first.passphrase_again, "typo")
    qtbot.keyClick(first.passphrase_again, Qt.Key.Key_Return)
    assert "not the same" in first.message.text()
    first.passphrase_again.clear()
    qtbot.keyClicks(first.passphrase_again, UI_PASSPHRASE)
    first.recovery.setChecked(False)
    qtbot.keyClick(first.passphrase_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.is_unlocked, timeout=5000)
    assert controller.window.workspace is not None
    assert "Riverside Warmline" in controller.window.windowTitle()
    assert "Alex" in controller.window.who.text()
    assert first.passphrase.text() == ""


def test_first_run_shows_recovery_code_once(make_controller, qtbot: QtBot) -> None:
    controller = make_controller()
    controller.start()
    first = controller.first_run
    qtbot.keyClicks(first.line_name, "Line")
    qtbot.keyClick(first.line_name, Qt.Key.Key_Return)
    qtbot.keyClicks(first.person_name, "Alex")
    qtbot.keyClicks(first.passphrase, UI_PASSPHRASE)
    qtbot.keyClicks(first.passphrase_again, UI_PASSPHRASE)
    qtbot.keyClick(first.passphrase_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.is_unlocked, timeout=5000)
    dialog = controller.window.findChild(QWidget, "first-run-recovery-dialog")
    assert dialog is not None and dialog.isVisible()
    assert controller.vault is not None
    assert controller.vault.accounts()[0].has_recovery_code


def test_lock_by_shortcut_then_unlock(make_controller, qtbot: QtBot, tmp_path: Path) -> None:
    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    qtbot.keyClick(controller.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not controller.is_unlocked
    assert controller.window.workspace is None
    assert controller.window.stack.currentWidget() is controller.unlock_screen
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)


def test_lock_button_is_visible_and_locks(make_controller, qtbot: QtBot, tmp_path: Path) -> None:
    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    assert controller.window.lock_button.isVisible()
    qtbot.mouseClick(controller.window.lock_button, Qt.MouseButton.LeftButton)
    assert not controller.is_unlocked


def test_idle_lock_after_configured_minutes(
    make_controller, qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock
) -> None:
    controller = unlocked_with_idle_minutes(make_controller, qtbot, tmp_path, 2)
    qtbot.waitUntil(lambda: controller.idle.timeout_seconds == 120)
    fake_clock.advance(119)
    controller.idle.check()
    assert controller.is_unlocked
    fake_clock.advance(2)
    controller.idle.check()
    assert not controller.is_unlocked


def _two_wrong_passphrases(make_controller, qtbot: QtBot, tmp_path: Path) -> Any:
    """A started controller whose unlock screen has just refused two wrong passphrases;
    returns the controller (the first refusal's wording is checked on the way)."""
    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    screen = controller.unlock_screen
    unlock_as(qtbot, controller, "Alex", "not my passphrase")
    qtbot.waitUntil(lambda: screen.failures == 1)
    assert "not the passphrase" in screen.message.text()
    assert screen.waiting_seconds == 0 and screen.unlock_button.isEnabled()
    unlock_as(qtbot, controller, "Alex", "still not it")
    qtbot.waitUntil(lambda: screen.failures == 2)
    return controller


def test_wrong_passphrase_says_so_and_waits_longer_each_time(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _two_wrong_passphrases(make_controller, qtbot, tmp_path)
    screen = controller.unlock_screen
    assert screen.waiting_seconds == 1
    assert not screen.unlock_button.isEnabled()
    # The field keeps focus while waiting, and Enter there does nothing yet.
    assert screen.passphrase.isEnabled() and screen.passphrase.hasFocus()
    qtbot.keyClicks(screen.passphrase, UI_PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert screen.failures == 2 and not controller.is_unlocked
    assert "wait 1 s" in screen.message.text()
    assert [retry_delay_seconds(n) for n in range(1, 9)] == [0, 1, 2, 4, 8, 16, 30, 30]
    assert not controller.is_unlocked


def test_disabled_account_is_refused(make_controller, qtbot: QtBot, tmp_path: Path) -> None:
    data_dir, _ = existing_vault(tmp_path)
    vault = Vault.open(data_dir)
    session = vault.unlock(vault.accounts()[0].uuid, UI_PASSPHRASE)
    sam = next(a for a in vault.accounts() if a.display_name == "Sam")
    session.team.set_disabled(sam.uuid, True)
    vault.close()
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Sam (switched off)", "sams own passphrase")
    qtbot.waitUntil(lambda: "coordinator" in controller.unlock_screen.message.text())
    assert not controller.is_unlocked


def test_second_instance_is_refused_and_raises_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    first = SingleInstance(tmp_path / "line")
    second = SingleInstance(tmp_path / "line")
    other_line = SingleInstance(tmp_path / "other")
    assert first.claim()
    with qtbot.waitSignal(first.raise_requested, timeout=3000):
        assert not second.claim()
    assert other_line.claim()
    first.release()
    other_line.release()


def test_second_controller_on_same_folder_gets_a_clear_message(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    data_dir, _ = existing_vault(tmp_path)
    first = make_controller(data_dir)
    first.start()
    qtbot.waitUntil(lambda: first.vault is not None)
    second = make_controller(data_dir)
    second.start()
    qtbot.waitUntil(lambda: "already open" in second.window.message_screen.text.text())


def test_corrupt_file_gets_a_clear_message(make_controller, qtbot: QtBot, tmp_path: Path) -> None:
    data_dir, _ = existing_vault(tmp_path)
    path = Vault.path_in(data_dir)
    path.write_bytes(path.read_bytes()[:1000])
    controller = make_controller(data_dir)
    controller.start()
    qtbot.waitUntil(lambda: "damaged" in controller.window.message_screen.text.text())


def _strings_in_models() -> list[str]:
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, QAbstractItemModel):
            try:
                rows = obj.rowCount(QModelIndex())
            except RuntimeError:  # C++ side already deleted
                continue
            try:
                cols = obj.columnCount(QModelIndex())
            except TypeError:  # list models keep columnCount private: one column
                cols = 1
            try:
                for r in range(rows):
                    for c in range(cols):
                        value = obj.index(r, c).data()
                        if isinstance(value, str):
                            found.append(value)
            except RuntimeError:  # deleted on the C++ side; the heap scan covers it
                continue
    return found


def _python_heap_holds(text: str) -> bool:
    """Whether any live Python container (dict, list, tuple, set) holds a string with text,
    in any case (the search index keeps words case-folded)."""
    folded = text.casefold()
    folded_bytes = folded.encode()
    for obj in gc.get_objects():
        if isinstance(obj, dict):
            values: object = list(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            values = list(obj)
        else:
            continue
        # (the constant itself sits in this module; look for text built around it)
        for v in values:  # type: ignore[attr-defined]
            if isinstance(v, str) and folded in v.casefold() and v != text:
                return True
            if isinstance(v, bytes) and folded_bytes in v.lower():  # the index keeps bytes
                return True
    return False


def test_nothing_decrypted_is_left_after_lock(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    workspace = controller.window.workspace
    assert workspace is not None
    workspace.show_page("calls")
    wait_idle(qtbot, controller.runner)
    # While unlocked the decrypted note is really held somewhere (the search index at least),
    # so the checks below can fail.
    qtbot.waitUntil(lambda: _python_heap_holds(CANARY))
    controller.lock()
    wait_idle(qtbot, controller.runner)
    for _ in range(3):  # let deleteLater run
        QCoreApplication.sendPostedEvents(None, 0)
        QApplication.processEvents()
    gc.collect()
    assert not any(CANARY in s for s in _strings_in_models())
    leftovers = [o for o in gc.get_objects() if isinstance(o, Call)]
    assert leftovers == []
    assert not _python_heap_holds(CANARY)
    assert controller.session is None and controller.backend is None


def test_unlock_never_blocks_the_gui_thread(make_controller, qtbot: QtBot, tmp_path: Path) -> None:
    """With a real (floor-strength) Argon2id, the event loop keeps ticking during unlock."""
    data_dir = tmp_path / "line"
    floor = crypto.FLOOR

    def real_kdf() -> KdfParams:
        return KdfParams(b"", floor.memory_kib * 4, floor.iterations, 1).with_new_salt()

    vault, _ = Vault.create(data_dir, "Line", "Alex", UI_PASSPHRASE, kdf_factory=real_kdf)
    vault.close()
    controller = make_controller(data_dir, kdf_factory=real_kdf)
    controller.start()
    qtbot.waitUntil(lambda: controller.vault is not None)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    original = controller._became_unlocked
    kdf_done: list[float] = []

    def became_unlocked(session: object) -> None:
        # Stop measuring once the key derivation is over; building the screens comes after.
        timer.stop()
        kdf_done.append(time.perf_counter())
        original(session)  # type: ignore[arg-type]

    controller._became_unlocked = became_unlocked  # type: ignore[method-assign]
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    started = last[0] = time.perf_counter()
    gaps.clear()
    timer.start()
    qtbot.waitUntil(lambda: controller.is_unlocked, timeout=10000)
    took = kdf_done[0] - started
    assert took > 0.15, "the KDF should take a noticeable time for this test to mean anything"
    assert len(gaps) > 10
    # Had the KDF run on the GUI thread, one gap would be as long as the KDF itself. The
    # bound is half of that rather than a fixed 50 ms, so a busy CI machine's scheduling
    # noise cannot fail the test while a blocked event loop still would.
    assert max(gaps) < took / 2, f"KDF {took:.3f} s; longest stalls: {sorted(gaps)[-3:]}"


def test_about_shows_version_and_folder(make_controller, prompts: type[Prompts]) -> None:
    controller = make_controller()
    controller.show_about()
    asked = prompts.asked[-1]
    assert "Warmline" in asked.text and str(controller.data_dir) in asked.text


def test_system_sleep_or_screen_lock_locks(make_controller, qtbot: QtBot, tmp_path: Path) -> None:
    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    controller.system_events.on_state(False)  # waking up / screensaver off: nothing happens
    assert controller.is_unlocked
    controller.system_events.on_state(True)
    assert not controller.is_unlocked


def _press(
    qtbot: QtBot, key: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, mod)


def test_keyboard_only_a_call_is_logged_then_found_by_search(
    make_controller, qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock
) -> None:
    """The whole path a volunteer takes, keyboard only, from the lock screen to the list."""
    from PySide6.QtWidgets import QLineEdit, QTableView

    from ui.widgets.lens_edit import LensTextEdit
    from warmline.callers import Caller

    data_dir, _ = existing_vault(tmp_path)
    vault = Vault.open(data_dir)
    session = vault.unlock(vault.accounts()[0].uuid, UI_PASSPHRASE)
    session.callers.add(Caller(alias="Robin", calls_per_day=3, usual_minutes=20))
    vault.close()
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    window = controller.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    ctrl, alt = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
    _press(qtbot, Qt.Key.Key_2, alt)  # the Call section
    _press(qtbot, Qt.Key.Key_N, ctrl)  # start the call
    _press(qtbot, Qt.Key.Key_R, alt)  # regular caller
    alias = window.findChild(QLineEdit, "caller-alias")
    assert alias is not None
    qtbot.waitUntil(lambda: alias.isVisible() and alias.isEnabled())
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is alias
    qtbot.keyClicks(alias, "Rob")
    popup = alias.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    # Offscreen, the hidden completer popup stays the "active window"; a window manager
    # would hand activation back. Do that by hand.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is alias)
    _press(qtbot, Qt.Key.Key_Tab)  # channel
    _press(qtbot, Qt.Key.Key_Tab)  # kind of contact
    for words in (
        "We talked about her garden and the heron she saw",
        "She sees the move as a fresh start",
        "I shared that I find mornings slow too",
        "She wants to try the Thursday walking group",
    ):
        _press(qtbot, Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), words)
    fake_clock.advance(12 * 60)
    _press(qtbot, Qt.Key.Key_E, ctrl)
    _press(qtbot, Qt.Key.Key_S, ctrl)
    wait_idle(qtbot, controller.runner)

    _press(qtbot, Qt.Key.Key_3, alt)  # the Calls section
    search = window.findChild(QLineEdit, "calls-search")
    assert search is not None
    search.setFocus()
    qtbot.keyClicks(search, "heron")
    table = window.findChild(QTableView, "calls-table")
    assert table is not None

    def shows_robins_call() -> bool:
        model = table.model()
        return model.rowCount() == 1 and "Robin" in [
            model.index(0, c).data() for c in range(model.columnCount())
        ]

    qtbot.waitUntil(shows_robins_call, timeout=5000)
    # Enter moves to the results with the first row chosen; Enter again opens it.
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.selectionModel().hasSelection())
    qtbot.keyClick(table, Qt.Key.Key_Return)
    current = controller.window.workspace.current_page()
    assert current is not None and current.key == "call"
    qtbot.waitUntil(
        lambda: "heron" in (window.findChild(LensTextEdit, "section-connection").toPlainText())
    )
    # An opened call is read-only until "Edit this call" (Alt+E).
    connection = window.findChild(LensTextEdit, "section-connection")
    assert connection.isReadOnly()
    _press(qtbot, Qt.Key.Key_E, alt)
    qtbot.waitUntil(lambda: not connection.isReadOnly())
    _press(qtbot, Qt.Key.Key_S, ctrl)  # save the (unchanged) edit: back to the list
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: controller.window.workspace.current_page().key == "calls")
    _press(qtbot, Qt.Key.Key_3, alt)
    search.clear()
    qtbot.keyClicks(search, "walking grou")  # the last word is matched as it is typed
    qtbot.waitUntil(shows_robins_call, timeout=5000)
    search.clear()
    qtbot.keyClicks(search, "Pelican7Quartz heron")  # words from two different calls
    qtbot.waitUntil(lambda: table.model().rowCount() == 0, timeout=5000)


def test_an_unfinished_note_survives_a_lock(make_controller, qtbot: QtBot, tmp_path: Path) -> None:
    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    controller.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    _press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # the Call section
    _press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # the Connection section
    qtbot.keyClicks(QApplication.focusWidget(), "half a thought about the heron")
    _press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not controller.is_unlocked
    reason = controller.unlock_screen.findChild(QLabel, "unlock-reason")
    assert reason is not None  # asked for, so only what was kept is said, in these words
    assert reason.text() == "What you were writing is kept safe, sealed, for when you unlock."
    wait_idle(qtbot, controller.runner)
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    window = controller.window

    def note_is_back() -> bool:
        from ui.widgets.lens_edit import LensTextEdit

        edit = window.findChild(LensTextEdit, "section-connection")
        return edit is not None and edit.toPlainText() == "half a thought about the heron"

    qtbot.waitUntil(note_is_back, timeout=5000)


def test_locking_mid_call_brings_the_call_back_on_unlock(
    make_controller, qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock
) -> None:
    """Ctrl+L while on the phone, unlock: the same call, timer still running, text intact."""
    from ui.screens.call import CallPage
    from ui.widgets.lens_edit import LensTextEdit

    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    workspace = controller.window.workspace
    assert workspace is not None
    page = workspace.show_page("call")
    assert isinstance(page, CallPage)
    page.form.start_call()
    started = page.form.timer.started_at
    worldview = page.findChild(LensTextEdit, "section-worldview")
    assert worldview is not None
    qtbot.keyClicks(worldview, "she sees the new flat as a fresh start")
    workspace.show_page("settings")  # wander off to another page, then lock
    workspace.show_page("call")
    controller.lock()
    wait_idle(qtbot, controller.runner)
    fake_clock.advance(90)
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    workspace = controller.window.workspace
    assert workspace is not None
    page = workspace.current_page()
    assert isinstance(page, CallPage)

    def back() -> bool:
        edit = page.findChild(LensTextEdit, "section-worldview")
        return edit is not None and "fresh start" in edit.toPlainText()

    qtbot.waitUntil(back, timeout=5000)
    assert page.form.timer.running
    assert page.form.timer.started_at == started


def test_idle_lock_warns_first_and_says_why_on_the_lock_screen(
    make_controller, qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock
) -> None:
    """Mid-call, the countdown shows; a key cancels it; the lock screen then says what happened."""
    from PySide6.QtWidgets import QLabel, QPushButton

    from ui.widgets.lens_edit import LensTextEdit

    controller = unlocked_with_idle_minutes(make_controller, qtbot, tmp_path, 2)
    qtbot.waitUntil(lambda: controller.idle.timeout_seconds == 120)
    workspace = controller.window.workspace
    assert workspace is not None
    page = workspace.show_page("call")
    start = page.findChild(QPushButton, "call-start")
    assert start is not None
    start.click()
    worldview = page.findChild(LensTextEdit, "section-worldview")
    assert worldview is not None
    qtbot.keyClicks(worldview, "she wants the garden back")
    banner = controller.window.findChild(QLabel, "idle-warning")
    assert banner is not None and banner.isHidden()

    fake_clock.advance(100)
    controller.idle.check()
    assert banner.isVisible()
    assert "20 seconds" in banner.text()
    qtbot.keyClick(worldview, Qt.Key.Key_Shift)  # "still here"
    assert banner.isHidden()
    fake_clock.advance(89)
    controller.idle.check()
    assert controller.is_unlocked and banner.isHidden()  # a full two minutes again

    fake_clock.advance(1)
    controller.idle.check()
    assert banner.isVisible()
    assert "30 seconds" in banner.text()
    fake_clock.advance(30)
    controller.idle.check()
    assert not controller.is_unlocked
    assert banner.isHidden()
    reason = controller.unlock_screen.findChild(QLabel, "unlock-reason")
    assert reason is not None and reason.isVisible()
    assert "2 minutes without use" in reason.text()
    assert "kept safe" in reason.text()

    # A lock the person asked for, with nothing open, needs no explanation.
    wait_idle(qtbot, controller.runner)
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    workspace = controller.window.workspace
    assert workspace is not None
    workspace.show_page("calls")
    controller.lock()
    if reason.isVisible():  # the resumed call may still be open: then it says so, nothing else
        assert "without use" not in reason.text()


def test_stored_idle_minutes_out_of_range_are_clamped(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = unlocked_with_idle_minutes(make_controller, qtbot, tmp_path, float("inf"))
    qtbot.waitUntil(lambda: controller.idle.timeout_seconds is not None)
    assert controller.idle.timeout_seconds == 5 * 60  # the default, not "never"


def test_first_run_refusing_a_guessable_passphrase_puts_the_cursor_back(
    make_controller, qtbot: QtBot
) -> None:
    controller = make_controller()
    controller.start()
    first = controller.first_run
    qtbot.keyClicks(first.line_name, "Riverside Warmline")
    qtbot.keyClick(first.line_name, Qt.Key.Key_Return)
    qtbot.keyClicks(first.person_name, "Alex")
    qtbot.keyClicks(first.passphrase, "password1")
    qtbot.keyClicks(first.passphrase_again, "password1")
    qtbot.keyClick(first.passphrase_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "easy to guess" in first.message.text(), timeout=5000)
    assert first.message.isVisible()
    assert first.passphrase.hasFocus() or QApplication.focusWidget() is first.passphrase
    assert first.passphrase.selectedText() == "password1"
    qtbot.keyClicks(first.passphrase, "kettle orbit lantern meadow")
    assert not first.message.isVisible()  # the complaint goes once they type again


def test_alt_number_goes_into_the_page_even_from_the_list(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    """Typing after Alt+3 went nowhere while the focus stayed in the section list."""
    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    workspace = controller.window.workspace
    assert workspace is not None
    workspace.nav.setFocus()
    shortcut = workspace.findChild(QObject, "shortcut-go-calls")
    assert shortcut is not None
    shortcut.activated.emit()
    page = workspace.current_page()
    assert page is not None and page.key == "calls"
    focus = QApplication.focusWidget()
    assert focus is not workspace.nav and (focus is None or page.isAncestorOf(focus))


# --- what a lock really does (outcomes, not flags) ---------------------------------------------


def _unlocked_alex(make_controller, qtbot: QtBot, tmp_path: Path) -> AppController:
    data_dir, _ = existing_vault(tmp_path)
    controller = make_controller(data_dir)
    controller.start()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    return controller


def test_a_lock_zeroes_every_key_and_clears_what_the_app_copied(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _unlocked_alex(make_controller, qtbot, tmp_path)
    session = controller.session
    assert session is not None
    keys = session._ctx.keys
    held = [keys.user, keys.personal, *keys.ring.generations().values()]
    pairs = [keys.box, keys.signer]
    assert all(any(k._material) for k in held) and all(any(p._private) for p in pairs)
    clipboard = QGuiApplication.clipboard()
    controller.clipboard.copy(f"{CANARY} said to call back")
    assert clipboard.text() == f"{CANARY} said to call back"

    qtbot.keyClick(controller.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not controller.is_unlocked
    assert clipboard.text() == ""
    wait_idle(qtbot, controller.runner)  # the session's lock runs behind the draft saves
    assert session.locked
    assert all(bytes(k._material) == bytes(32) for k in held)
    assert all(bytes(p._private) == bytes(32) for p in pairs)


def test_a_lock_stops_every_background_service_that_held_the_session(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    """The re-seal, retention and automatic-backup services work with the unlocked session;
    after a lock none of them may still run or be reachable from the app."""
    import shiboken6

    controller = _unlocked_alex(make_controller, qtbot, tmp_path)
    services = [controller.reseal, controller.retention, controller.auto_backup]
    assert all(s is not None and shiboken6.isValid(s) for s in services)
    reseal, retention = controller.reseal, controller.retention
    assert reseal is not None and retention is not None
    controller.lock()
    # Each was told to let go of the session before it goes.
    assert reseal._backend is None and retention._backend is None
    assert (controller.reseal, controller.retention, controller.auto_backup) == (None,) * 3
    assert controller.backend is None and controller.search is None
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not any(shiboken6.isValid(s) for s in services)


def test_a_lock_leaves_the_persons_own_copy_alone(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _unlocked_alex(make_controller, qtbot, tmp_path)
    clipboard = QGuiApplication.clipboard()
    controller.clipboard.copy("an alias")
    clipboard.setText("my own shopping list")
    controller.lock()
    assert clipboard.text() == "my own shopping list"


def test_qt_saying_the_app_is_suspended_locks(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _unlocked_alex(make_controller, qtbot, tmp_path)
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)
    assert controller.is_unlocked  # another window in front is not a reason to lock
    app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationSuspended)
    assert not controller.is_unlocked
    reason = controller.unlock_screen.findChild(QLabel, "unlock-reason")
    assert reason is not None and "went to sleep" in reason.text()


def test_the_wait_after_wrong_passphrases_ends(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _two_wrong_passphrases(make_controller, qtbot, tmp_path)
    screen = controller.unlock_screen
    assert not screen.unlock_button.isEnabled()
    qtbot.waitUntil(screen.unlock_button.isEnabled, timeout=4000)  # a one-second wait
    assert screen.waiting_seconds == 0
    assert "try again now" in screen.message.text()
    unlock_as(qtbot, controller, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: controller.is_unlocked)


def test_the_open_note_autosaves_every_three_seconds_in_the_running_app(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _unlocked_alex(make_controller, qtbot, tmp_path)
    workspace = controller.window.workspace
    assert workspace is not None
    page = workspace.show_page("call")
    timers = page.findChildren(QTimer, "draft-autosave")
    assert len(timers) == 1
    assert timers[0].interval() == 3000  # the shipped promise: at most 3 s of typing lost
    assert timers[0].isActive()


def test_the_idle_check_runs_every_second_in_the_running_app(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _unlocked_alex(make_controller, qtbot, tmp_path)
    timer = controller.idle._timer
    assert timer.interval() == 1000 and timer.isActive()


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (1, "Warmline locked itself after a minute without use."),
        (60, "Warmline locked itself after 60 minutes without use."),
    ],
)
def test_an_idle_lock_says_how_long_in_plain_words(
    make_controller, qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock, minutes: int, said: str
) -> None:
    controller = unlocked_with_idle_minutes(make_controller, qtbot, tmp_path, minutes)
    qtbot.waitUntil(lambda: controller.idle.timeout_seconds == minutes * 60)
    fake_clock.advance(minutes * 60 + 1)
    controller.idle.check()
    assert not controller.is_unlocked
    reason = controller.unlock_screen.findChild(QLabel, "unlock-reason")
    assert reason is not None and reason.text().startswith(said)


def test_a_lock_for_sleep_says_why_in_plain_words(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _unlocked_alex(make_controller, qtbot, tmp_path)
    controller.system_events.on_state(True)
    reason = controller.unlock_screen.findChild(QLabel, "unlock-reason")
    assert reason is not None and reason.text().startswith(
        "Warmline locked because the computer went to sleep or its screen locked."
    )


def test_a_lock_asked_for_drops_every_service_and_shows_the_people_as_they_are_now(
    make_controller, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = _unlocked_alex(make_controller, qtbot, tmp_path)
    assert controller.backend is not None and controller.reseal is not None
    session = controller.session
    assert session is not None
    wait_idle(qtbot, controller.runner)
    session.team.add_account("Jo", "jos own long passphrase", Role.VOLUNTEER)  # while idle
    controller.window.lock_requested.emit()  # the Lock button / Ctrl+L: no reason given
    assert controller.backend is None and controller.search is None
    assert controller.reseal is None
    reason = controller.unlock_screen.findChild(QLabel, "unlock-reason")
    assert reason is not None and reason.text() == "" and reason.isHidden()
    wait_idle(qtbot, controller.runner)
    names = controller.unlock_screen.account_box
    qtbot.waitUntil(lambda: names.findText("Jo") >= 0)  # the list was read again after the lock
