"""Notice when nobody has touched the app for a while, so it can lock itself.

An event filter on the QApplication sees every key press, click, mouse move and wheel turn in
every window (KeePassXC's inactivity timer works the same way), so no screen has to report
activity. A coarse QTimer calls :meth:`IdleWatcher.check` about once a second; ``check``
compares the injected clock with the last activity, which lets tests drive it with a
``FakeClock`` and direct ``check()`` calls instead of sleeping.

Idle time is the larger of two measures: monotonic time (immune to someone setting the clock
back) and wall time (which, unlike monotonic time on Linux and macOS, keeps counting while a
laptop is suspended). A laptop closed mid-shift and opened an hour later therefore locks at
once instead of staying unlocked for whoever opens it.

Before it locks, the watcher gives a warning: for the last ``WARNING_SECONDS`` (or the last
quarter of a very short timeout) it emits ``warning`` with the seconds left, once a second, so
the window can show a countdown. Any input during the countdown cancels it
(``warning_cancelled``), because someone mid-call who simply stopped typing to listen should
not lose the page in front of them without a chance to say "still here". A long sleep skips the
countdown: idle time already past the timeout locks at once.
"""

from __future__ import annotations

import math
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot

from ui.clock import Clock

_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle_timeout`` once after ``timeout_seconds`` without user input.

    After firing it stays quiet (input does not re-arm it) until :meth:`reset` is called,
    typically on unlock: typing a passphrase on the lock screen must not start a second lock.
    """

    idle_timeout = Signal()
    #: Seconds left before the lock; emitted each check during the countdown.
    warning = Signal(int)
    #: Input arrived during the countdown (or idle locking was switched off or stopped).
    warning_cancelled = Signal()

    CHECK_INTERVAL_MS = 1000
    WARNING_SECONDS = 30.0

    def __init__(
        self,
        clock: Clock,
        timeout_minutes: float | None,
        parent: QObject | None = None,
        app: QCoreApplication | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._app = app
        self._timeout_seconds: float | None = None
        self.set_timeout_minutes(timeout_minutes)
        self._last_monotonic = clock.monotonic()
        self._last_wall: datetime = clock.now()
        self._fired = False
        self._warning = False
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(self.CHECK_INTERVAL_MS)
        # Precision is irrelevant for a lock measured in minutes; a coarse timer saves wakeups.
        self._timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._timer.timeout.connect(self.check)

    # -- configuration ---------------------------------------------------------------------

    @property
    def timeout_seconds(self) -> float | None:
        """The idle time that triggers ``idle_timeout``; None when idle locking is off."""
        return self._timeout_seconds

    @property
    def warning_seconds(self) -> float | None:
        """How long the countdown before a lock lasts; None when idle locking is off."""
        if self._timeout_seconds is None:
            return None
        return min(self.WARNING_SECONDS, self._timeout_seconds / 4)

    @property
    def warning_active(self) -> bool:
        """True while a countdown is showing."""
        return self._warning

    def set_timeout_minutes(self, minutes: float | None) -> None:
        """Change the timeout; None turns idle locking off. Activity so far still counts."""
        if minutes is not None and not 0 < minutes < float("inf"):
            raise ValueError("idle timeout must be positive, finite minutes, or None for off")
        self._timeout_seconds = None if minutes is None else minutes * 60.0
        if minutes is None:
            self._end_warning()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Install the event filter, start the timer and count idle time from now."""
        app = self._application()
        if not self._running:
            app.installEventFilter(self)
            self._timer.start()
            self._running = True
        self.reset()

    def stop(self) -> None:
        """Remove the event filter and stop checking (e.g. while locked or at quit)."""
        if self._running:
            self._application().removeEventFilter(self)
            self._timer.stop()
            self._running = False
        self._end_warning()

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._running

    @Slot()
    def reset(self) -> None:
        """Count idle time from now and re-arm the signal."""
        self._note_activity()
        self._fired = False
        self._end_warning()

    def idle_seconds(self) -> float:
        """Seconds since the last input, by whichever clock says longer (see module doc)."""
        monotonic = self._clock.monotonic() - self._last_monotonic
        wall = (self._clock.now() - self._last_wall).total_seconds()
        return max(monotonic, wall)

    @Slot()
    def check(self) -> None:
        """Warn, cancel the warning or emit ``idle_timeout``; driven by the timer or tests."""
        if not self._running or self._fired or self._timeout_seconds is None:
            return
        idle = self.idle_seconds()
        left = self._timeout_seconds - idle
        if left <= 0:
            self._warning = False
            self._fired = True
            self.idle_timeout.emit()
        elif left <= (self.warning_seconds or 0):
            self._warning = True
            self.warning.emit(max(1, math.ceil(left)))
        else:
            self._end_warning()

    # -- input -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note user input anywhere in the app; never consume the event."""
        if event.type() in _ACTIVITY_EVENTS:
            self._note_activity()
        return False

    def _note_activity(self) -> None:
        self._last_monotonic = self._clock.monotonic()
        self._last_wall = self._clock.now()
        self._end_warning()

    def _end_warning(self) -> None:
        if self._warning:
            self._warning = False
            self.warning_cancelled.emit()

    def _application(self) -> QCoreApplication:
        app = self._app if self._app is not None else QCoreApplication.instance()
        if app is None:
            raise RuntimeError("IdleWatcher needs a running QApplication")
        return app
