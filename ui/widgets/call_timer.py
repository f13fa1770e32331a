"""The running call timer: when the call started and ended, and how long it has been going.

Two clocks, on purpose: the start and end stored on the call are wall time (``clock.now()``,
UTC), while the mm:ss on screen is measured with ``clock.monotonic()``, so a clock change or
a time-sync mid-call never makes the display jump. Both come from the injected
:class:`~ui.clock.Clock`, so tests move time by hand instead of sleeping.

:class:`PastCallTimes` is the other way to time a call: typed in afterwards, in local time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDate, QDateTime, QObject, QTime, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QDateTimeEdit, QLabel, QTimeEdit, QWidget

from ui.clock import Clock
from ui.widgets.flow_layout import FlowLayout
from warmline.calls import Call

TICK_MS = 1000


def format_elapsed(seconds: float) -> str:
    """mm:ss for the timer display; minutes keep counting past an hour (75:03)."""
    total = max(0, int(seconds))
    minutes, secs = divmod(total, 60)
    return f"{minutes:02d}:{secs:02d}"


class CallTimer(QObject):
    """Start, end and elapsed time of the call being logged live."""

    #: The display text ("04:17"), on every tick and every start, end or reset.
    changed = Signal(str)

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._started_at: datetime | None = None
        self._ended_at: datetime | None = None
        self._monotonic_start = 0.0
        self._final_seconds = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.refresh)

    @property
    def started_at(self) -> datetime | None:
        """Wall time (UTC) the call started, or None before Start."""
        return self._started_at

    @property
    def ended_at(self) -> datetime | None:
        """Wall time (UTC) the call ended, or None while running or before Start."""
        return self._ended_at

    @property
    def running(self) -> bool:
        """True between Start and End."""
        return self._started_at is not None and self._ended_at is None

    @property
    def started(self) -> bool:
        """True once Start was pressed (running or ended)."""
        return self._started_at is not None

    def elapsed_seconds(self) -> float:
        """Seconds on the timer: live while running, frozen once ended."""
        if self.running:
            return max(0.0, self._clock.monotonic() - self._monotonic_start)
        return self._final_seconds

    def text(self) -> str:
        """What the display shows now."""
        return format_elapsed(self.elapsed_seconds())

    def start(self) -> None:
        """Start timing now."""
        self.restore(self._clock.now(), None)

    def end(self) -> None:
        """Stop timing now (a no-op unless running)."""
        if not self.running:
            return
        self._final_seconds = self.elapsed_seconds()
        self._ended_at = self._clock.now()
        self._tick.stop()
        self.refresh()

    def reset(self) -> None:
        """Back to 00:00, not started."""
        self._started_at = self._ended_at = None
        self._final_seconds = 0.0
        self._tick.stop()
        self.refresh()

    def restore(self, started_at: datetime | None, ended_at: datetime | None) -> None:
        """Pick up a call from a draft: running on if it has no end, keeping its start.

        Monotonic time does not survive a restart, so the time already elapsed is taken from
        the wall clock once and counted on monotonically from there.
        """
        self._started_at = started_at
        self._ended_at = ended_at if started_at is not None else None
        if started_at is None:
            self.reset()
            return
        if ended_at is None:
            so_far = max(0.0, (self._clock.now() - started_at).total_seconds())
            self._monotonic_start = self._clock.monotonic() - so_far
            self._tick.start()
        else:
            self._final_seconds = max(0.0, (ended_at - started_at).total_seconds())
            self._tick.stop()
        self.refresh()

    def refresh(self) -> None:
        """Emit the current display text (the tick calls this every second)."""
        self.changed.emit(self.text())


def to_local_qdatetime(moment: datetime) -> QDateTime:
    """A UTC moment as a local QDateTime, to the minute (what the time edits show)."""
    local = moment.astimezone()
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def from_local(date: QDate, time: QTime) -> datetime:
    """A local date and time typed into the form, as an aware UTC datetime."""
    naive = datetime(date.year(), date.month(), date.day(), time.hour(), time.minute())
    return naive.astimezone(UTC)  # a naive datetime is taken as local time


class PastCallTimes(QWidget):
    """Start (date and time) and end (time) of a call logged afterwards, in local time.

    Only the end's time is asked for: calls rarely last a day, and an end earlier than the
    start is read as after midnight, which covers night shifts without a second date field.
    """

    #: The typed times changed.
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call-past-row")
        self.start_edit = QDateTimeEdit(self)
        self.start_edit.setObjectName("call-past-start")
        self.start_edit.setAccessibleName(self.tr("Call began"))
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd  HH:mm")
        self.end_edit = QTimeEdit(self)
        self.end_edit.setObjectName("call-past-end")
        self.end_edit.setAccessibleName(self.tr("Call ended"))
        self.end_edit.setDisplayFormat("HH:mm")
        self.end_edit.setToolTip(
            self.tr("An end earlier than the start is taken as after midnight")
        )
        start_label = QLabel(self.tr("Call &began"), self)
        start_label.setBuddy(self.start_edit)
        end_label = QLabel(self.tr("Ca&ll ended"), self)
        end_label.setBuddy(self.end_edit)
        # Wraps at large text sizes rather than widening the bar it sits in.
        layout = FlowLayout(self, spacing=8)
        for widget in (start_label, self.start_edit, end_label, self.end_edit):
            layout.addWidget(widget)
        self.start_edit.dateTimeChanged.connect(self.changed)
        self.end_edit.timeChanged.connect(self.changed)

    def set_times(self, start: datetime, end: datetime | None) -> None:
        """Show a call's times (an unknown end shows as the start)."""
        self.start_edit.setDateTime(to_local_qdatetime(start))
        self.end_edit.setTime(to_local_qdatetime(end or start).time())

    def shown(self) -> tuple[QDateTime, QTime]:
        """Exactly what the edits show, to tell whether someone changed them."""
        return self.start_edit.dateTime(), self.end_edit.time()

    def times(self) -> tuple[datetime, datetime]:
        """The typed start and end as UTC; an end before the start is the next day."""
        start_qt = self.start_edit.dateTime()
        start = from_local(start_qt.date(), start_qt.time())
        end = from_local(start_qt.date(), self.end_edit.time())
        if end < start:
            end = from_local(start_qt.date().addDays(1), self.end_edit.time())
        return start, end


class CallTiming(QObject):
    """The times of the open note: the live timer, typed-in times, or a saved call's own.

    Why one object: three sources of truth (the running timer, the "Log a past call" times,
    and a saved call's exact stored times) must agree on what is shown and what is stored.
    """

    #: The display text and whether the call is still running, whenever either may change.
    display = Signal(str, bool)

    def __init__(
        self, clock: Clock, toggle: QCheckBox, past: PastCallTimes, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.toggle = toggle
        self.past = past
        self.timer = CallTimer(clock, self)
        self._loaded: tuple[QDateTime, QTime] | None = None
        self._loaded_call: Call | None = None
        self.timer.changed.connect(self.refresh)

    @property
    def past_mode(self) -> bool:
        """True when the times are typed in rather than timed."""
        return self.toggle.isChecked()

    def reset(self) -> None:
        """Not started, not a past call, no saved call's times."""
        self._loaded = None
        self._loaded_call = None
        self.timer.reset()
        self.toggle.setChecked(False)

    def remember_loaded(self, call: Call) -> None:
        """Show a saved call's times and remember them, to tell later if they were changed."""
        self.past.set_times(call.started_at or self._clock.now(), call.ended_at)
        self._loaded = self.past.shown()
        self._loaded_call = call

    def _untouched_call(self) -> Call | None:
        """The saved call whose times are shown unchanged, if any."""
        if self._loaded_call is not None and self._loaded == self.past.shown():
            return self._loaded_call
        return None

    def show_past(self, start: datetime | None, end: datetime | None) -> None:
        """Switch to typed-in times, showing these."""
        self.past.set_times(start or self._clock.now(), end)
        self.toggle.setChecked(True)
        self.past.show()

    def past_toggled(self, checked: bool, by_person: bool) -> None:
        """Follow the "Log a past call" box; ticked by hand, it starts from the timer's times."""
        if checked and by_person:
            now = self._clock.now()
            self.past.set_times(self.timer.started_at or now, self.timer.ended_at or now)
        self.past.setVisible(checked)
        self.refresh()

    def times(self, editing: Call | None) -> tuple[datetime, datetime | None]:
        """When the call started and ended, from the timer or the typed-in times.

        An edited call whose times were not touched keeps its exact stored times (the edits
        only show minutes, and opening a call must not quietly round them).
        """
        if editing is not None and self._untouched_call() is not None:
            return editing.started_at or self._clock.now(), editing.ended_at
        if self.past_mode:
            return self.past.times()
        if self.timer.started_at is not None:
            return self.timer.started_at, self.timer.ended_at
        return self._clock.now(), None

    def text(self) -> str:
        """What the timer display shows now (a saved call's exact length, to the second)."""
        saved = self._untouched_call()
        if saved is not None and saved.started_at is not None and saved.ended_at is not None:
            return format_elapsed((saved.ended_at - saved.started_at).total_seconds())
        if self.past_mode:
            start, end = self.past.times()
            return format_elapsed((end - start).total_seconds())
        return self.timer.text()

    def refresh(self, *_args: object) -> None:
        """Emit the display now (the timer also ticks by itself every second)."""
        self.display.emit(self.text(), self.timer.running)
