"""Clock and IdleWatcher, driven by a FakeClock and direct check() calls: no sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ui.clock import Clock, FakeClock, SystemClock
from ui.idle import IdleWatcher

# -- clock ---------------------------------------------------------------------------------


def test_system_clock_is_utc_aware_and_monotonic() -> None:
    clock: Clock = SystemClock()
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    first = clock.monotonic()
    assert clock.monotonic() >= first


def test_fake_clock_advances_both_kinds_of_time() -> None:
    start = datetime(2025, 3, 1, 22, 0, tzinfo=UTC)
    clock = FakeClock(start, monotonic_start=50.0)
    clock.advance(90)
    assert clock.now() == start + timedelta(seconds=90)
    assert clock.monotonic() == 140.0


def test_fake_clock_refuses_naive_times_and_going_backwards() -> None:
    with pytest.raises(ValueError):
        FakeClock(datetime(2025, 1, 1))
    clock = FakeClock()
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.set_now(datetime(2025, 1, 1))


def test_fake_clock_normalises_to_utc_and_set_now_leaves_monotonic() -> None:
    plus_two = datetime(2025, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    clock = FakeClock(plus_two)
    assert clock.now() == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    mono = clock.monotonic()
    clock.set_now(clock.now() - timedelta(hours=1))
    assert clock.monotonic() == mono


# -- idle watcher --------------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def watcher(qapp: QApplication, clock: FakeClock) -> Iterator[IdleWatcher]:
    idle = IdleWatcher(clock, timeout_minutes=5)
    idle.start()
    yield idle
    idle.stop()


def test_fires_once_after_timeout(qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock) -> None:
    clock.advance(299)
    with qtbot.assertNotEmitted(watcher.idle_timeout):
        watcher.check()
    clock.advance(1)
    with qtbot.waitSignal(watcher.idle_timeout, timeout=100):
        watcher.check()
    clock.advance(600)
    with qtbot.assertNotEmitted(watcher.idle_timeout):
        watcher.check()


def test_reset_rearms(qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock) -> None:
    clock.advance(300)
    with qtbot.waitSignal(watcher.idle_timeout, timeout=100):
        watcher.check()
    watcher.reset()
    clock.advance(299)
    with qtbot.assertNotEmitted(watcher.idle_timeout):
        watcher.check()
    clock.advance(1)
    with qtbot.waitSignal(watcher.idle_timeout, timeout=100):
        watcher.check()


def test_key_press_counts_as_activity(qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    clock.advance(200)
    qtbot.keyClick(field, Qt.Key.Key_A)
    clock.advance(200)  # 400 s since start, but only 200 since the key press
    with qtbot.assertNotEmitted(watcher.idle_timeout):
        watcher.check()
    assert watcher.idle_seconds() == pytest.approx(200)


def test_mouse_click_move_and_wheel_count_as_activity(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    clock.advance(100)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert watcher.idle_seconds() == 0
    clock.advance(100)
    QApplication.sendEvent(field, _mouse_move_event())
    assert watcher.idle_seconds() == 0
    clock.advance(100)
    QApplication.sendEvent(field, _wheel_event())
    assert watcher.idle_seconds() == 0


def test_other_events_do_not_count(qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    clock.advance(100)
    field.show()
    field.resize(300, 40)
    field.setText("timer ticking, repaint")
    assert watcher.idle_seconds() == pytest.approx(100)


def test_event_filter_never_consumes_input(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    qtbot.keyClicks(field, "hello")
    assert field.text() == "hello"


def test_suspend_counts_as_idle(qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock) -> None:
    # Monotonic time stands still while a laptop sleeps; the wall clock does not.
    clock.set_now(clock.now() + timedelta(hours=1))
    with qtbot.waitSignal(watcher.idle_timeout, timeout=100):
        watcher.check()


def test_wall_clock_set_back_does_not_delay_lock(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    clock.set_now(clock.now() - timedelta(hours=3))
    clock.advance(300)
    with qtbot.waitSignal(watcher.idle_timeout, timeout=100):
        watcher.check()


def test_set_timeout_minutes_applies_to_time_already_idle(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    clock.advance(120)
    with qtbot.assertNotEmitted(watcher.idle_timeout):
        watcher.check()
    watcher.set_timeout_minutes(2)
    assert watcher.timeout_seconds == 120
    with qtbot.waitSignal(watcher.idle_timeout, timeout=100):
        watcher.check()


def test_timeout_none_turns_locking_off(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    watcher.set_timeout_minutes(None)
    clock.advance(86_400)
    with qtbot.assertNotEmitted(watcher.idle_timeout):
        watcher.check()
    with pytest.raises(ValueError):
        watcher.set_timeout_minutes(0)


def test_stopped_watcher_neither_fires_nor_listens(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    watcher.stop()
    assert not watcher.running
    clock.advance(400)
    qtbot.keyClick(field, Qt.Key.Key_A)  # not noticed: the filter is gone
    assert watcher.idle_seconds() == pytest.approx(400)
    with qtbot.assertNotEmitted(watcher.idle_timeout):
        watcher.check()
    watcher.start()  # starting again counts from now
    assert watcher.idle_seconds() == 0


def test_timer_drives_check_about_once_a_second(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    assert watcher.running
    assert watcher._timer.isActive()
    assert watcher._timer.interval() == 1000  # the shipped value, not the constant restated
    clock.advance(300)
    # Nobody calls check() here: the running timer must, within about a second.
    with qtbot.waitSignal(watcher.idle_timeout, timeout=3000):
        pass


def _mouse_move_event() -> QMouseEvent:
    return QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )


def _wheel_event() -> QWheelEvent:
    return QWheelEvent(
        QPointF(5, 5),
        QPointF(5, 5),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )


# -- the countdown before an idle lock -----------------------------------------------------


def test_countdown_in_the_last_seconds_then_lock(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    seen: list[int] = []
    watcher.warning.connect(seen.append)
    clock.advance(300 - IdleWatcher.WARNING_SECONDS - 1)
    watcher.check()
    assert seen == [] and not watcher.warning_active
    clock.advance(1)
    watcher.check()
    assert seen == [30] and watcher.warning_active
    clock.advance(12.5)
    watcher.check()
    assert seen[-1] == 18  # whole seconds left, rounded up
    clock.advance(17.5)
    with qtbot.waitSignal(watcher.idle_timeout, timeout=100):
        watcher.check()
    assert not watcher.warning_active


def test_any_key_during_the_countdown_cancels_it(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    clock.advance(290)
    watcher.check()
    assert watcher.warning_active
    with qtbot.waitSignal(watcher.warning_cancelled, timeout=100):
        qtbot.keyClick(field, Qt.Key.Key_Shift)
    assert not watcher.warning_active
    clock.advance(299)
    with qtbot.assertNotEmitted(watcher.idle_timeout):
        watcher.check()  # the lock was pushed back by a full timeout


def test_short_timeouts_warn_for_a_quarter_of_the_time(watcher: IdleWatcher) -> None:
    watcher.set_timeout_minutes(1)
    assert watcher.warning_seconds == 15
    watcher.set_timeout_minutes(None)
    assert watcher.warning_seconds is None


def test_waking_long_after_the_timeout_locks_without_a_countdown(
    qtbot: QtBot, watcher: IdleWatcher, clock: FakeClock
) -> None:
    clock.set_now(clock.now() + timedelta(hours=1))  # a suspended laptop: only wall time moved
    with qtbot.assertNotEmitted(watcher.warning), qtbot.waitSignal(
        watcher.idle_timeout, timeout=100
    ):
        watcher.check()


@pytest.mark.parametrize("minutes", [float("inf"), float("nan"), 0, -3])
def test_timeout_refuses_values_that_would_switch_it_off(
    watcher: IdleWatcher, minutes: float
) -> None:
    with pytest.raises(ValueError):
        watcher.set_timeout_minutes(minutes)


def test_a_new_watcher_belongs_to_its_parent_and_starts_quietly(
    qtbot: QtBot, qapp: QApplication, clock: FakeClock
) -> None:
    from PySide6.QtCore import QObject

    owner = QObject()
    idle = IdleWatcher(clock, timeout_minutes=5, parent=owner)
    assert idle.parent() is owner and idle._timer.parent() is idle
    clock.advance(7)
    assert idle.idle_seconds() == 7  # counted from when it was made, before start()
    with qtbot.assertNotEmitted(idle.warning_cancelled):
        idle.start()  # nothing was showing, so nothing is cancelled
    assert idle.warning_active is False and idle.running is True
    idle.stop()
    assert idle.running is False


def test_a_cancelled_countdown_reads_false(watcher: IdleWatcher, clock: FakeClock) -> None:
    clock.advance(290)
    watcher.check()
    assert watcher.warning_active is True
    watcher.reset()
    assert watcher.warning_active is False


def test_a_bad_timeout_says_what_is_allowed(watcher: IdleWatcher) -> None:
    said = r"^idle timeout must be positive, finite minutes, or None for off$"
    with pytest.raises(ValueError, match=said):
        watcher.set_timeout_minutes(0)
