"""The one helper for background work: a single worker thread, results back on the GUI thread.

Why one thread and not a pool: the vault's SQLite connection and session are not meant to be
used from several threads at once, and ordering matters (a save submitted before a load must
land before it). Serialising every database task on one QThread gives both for free, the way
Anki's collection ops do. Why callbacks on the GUI thread: widgets may only be touched there,
so a task's result is handed over through a queued signal and the callbacks run in the GUI
event loop — workers never touch widgets, widgets never wait on the database.

Usage::

    handle = runner.submit(lambda: calls.page(session, 0), on_done=self._show_page)
    ...
    handle.cancel()  # e.g. on lock: this result must never reach the screen
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")


class TaskHandle(Generic[T]):
    """What ``submit`` returns: lets the caller drop the task's callbacks.

    Cancelling does not stop or skip the work itself: a draft save submitted just before the
    app locks must still reach the disk. It only guarantees the result is never delivered.
    """

    def __init__(self, task_id: int, name: str) -> None:
        self.task_id = task_id
        self.name = name
        self._cancelled = False
        self._delivered = False

    def cancel(self) -> None:
        """Drop the callbacks if the task has not delivered yet (a no-op afterwards)."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called (before or after delivery)."""
        return self._cancelled

    @property
    def delivered(self) -> bool:
        """True once the task finished and its outcome was handled on the GUI thread."""
        return self._delivered

    def __repr__(self) -> str:
        return f"<TaskHandle #{self.task_id} {self.name} cancelled={self._cancelled}>"


class _Task:
    """One unit of work in flight; carries the outcome from the worker back to the GUI."""

    __slots__ = ("error", "fn", "handle", "on_done", "on_error", "result")

    def __init__(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        handle: TaskHandle[Any],
    ) -> None:
        self.fn: Callable[[], Any] | None = fn
        self.on_done = on_done
        self.on_error = on_error
        self.handle = handle
        self.result: Any = None
        self.error: BaseException | None = None


def _where(exc: BaseException) -> str:
    """Where an exception came from: file, line and function of each frame, nothing else.

    Neither the message nor the source lines: either can quote what someone typed.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    return " <- ".join(
        f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in reversed(frames)
    )


class _Worker(QObject):
    """Lives on the worker thread; runs tasks in the order their requests arrive."""

    finished = Signal(object)  # _Task, with result or error filled in

    @Slot(object)
    def run(self, task: _Task) -> None:
        """Run one task, catching everything so one bad task never kills the thread."""
        fn = task.fn
        task.fn = None  # let the closure (and whatever it captured) go as soon as it ran
        assert fn is not None
        try:
            task.result = fn()
        except BaseException as exc:  # the thread must survive any task
            task.error = exc
            # A mistyped passphrase or a name already taken is ordinary use, told on screen:
            # at most a debug line. Either way: the type and where, never the message.
            routine = getattr(exc, "routine", False) is True
            log.log(
                logging.DEBUG if routine else logging.ERROR,
                "Background task %s %s with %s at %s",
                task.handle.name,
                "ended" if routine else "failed",
                type(exc).__name__,
                _where(exc),
            )
        self.finished.emit(task)

    @Slot()
    def stop(self) -> None:
        """Quit the thread's loop; queued behind every task submitted before shutdown."""
        thread = self.thread()
        thread.quit()


class TaskRunner(QObject):
    """Owns the one worker thread and delivers task outcomes on the GUI thread.

    Create it on the GUI thread (it must live there, since that is where it delivers), call
    ``submit`` from the GUI thread, and call ``shutdown()`` when the app quits.
    """

    busy_changed = Signal(bool)
    failed = Signal(object)  # BaseException from a task submitted without on_error

    _run_requested = Signal(object)
    _stop_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Task] = {}
        self._closed = False

        self._thread = QThread()
        self._thread.setObjectName("warmline-tasks")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        # Explicitly queued: each hop crosses threads, and queued delivery to one receiver
        # keeps submission order.
        self._run_requested.connect(self._worker.run, Qt.ConnectionType.QueuedConnection)
        self._stop_requested.connect(self._worker.stop, Qt.ConnectionType.QueuedConnection)
        self._worker.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread.finished.connect(self._worker.deleteLater)
        self._thread.start()

    # -- public API ------------------------------------------------------------------------

    def submit(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> TaskHandle[T]:
        """Queue ``fn`` to run on the worker thread after every task submitted before it.

        ``on_done(result)`` or ``on_error(exc)`` then runs on the GUI thread. Without
        ``on_error`` a failure is emitted as ``failed(exc)`` instead, so none goes unseen.
        """
        if self._closed:
            raise RuntimeError("TaskRunner is shut down; no more work can be submitted")
        task_id = next(self._ids)
        handle: TaskHandle[T] = TaskHandle(task_id, getattr(fn, "__qualname__", repr(fn)))
        task = _Task(fn, on_done, on_error, handle)
        self._pending[task_id] = task
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._run_requested.emit(task)
        return handle

    def cancel_all(self) -> None:
        """Cancel every task not yet delivered (the work still runs; see TaskHandle)."""
        for task in self._pending.values():
            task.handle.cancel()

    @property
    def busy(self) -> bool:
        """True while any submitted task has not been delivered yet."""
        return bool(self._pending)

    @property
    def pending_count(self) -> int:
        """How many submitted tasks have not been delivered yet."""
        return len(self._pending)

    def shutdown(self, wait: bool = True) -> None:
        """Stop the worker thread after the tasks already queued have run.

        Queued work still runs, so nothing submitted (a last draft save) is lost; but once
        this call returns no callback runs and no signal is emitted, because at quit the
        widgets that would receive them are going away (``busy_changed(False)`` is emitted
        during the call if work was pending). With ``wait`` the call blocks until the thread
        has finished. Safe to call more than once.
        """
        if not self._closed:
            self._closed = True
            was_busy = bool(self._pending)
            for task in self._pending.values():
                task.handle.cancel()
            self._pending.clear()
            self._stop_requested.emit()
            if was_busy:
                self.busy_changed.emit(False)
        if wait:
            self._thread.wait()

    def is_running(self) -> bool:
        """True until the worker thread has finished after shutdown()."""
        return self._thread.isRunning()

    # -- delivery (GUI thread) -------------------------------------------------------------

    @Slot(object)
    def _deliver(self, task: _Task) -> None:
        """Hand a finished task's outcome to its callbacks, unless it was cancelled."""
        if self._closed:
            return
        self._pending.pop(task.handle.task_id, None)
        handle = task.handle
        result, error = task.result, task.error
        # Drop references first: the task object must not keep decrypted results alive.
        task.result = task.error = None
        on_done, on_error = task.on_done, task.on_error
        task.on_done = task.on_error = None
        try:
            if handle.cancelled:
                return
            handle._delivered = True
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    self.failed.emit(error)
            elif on_done is not None:
                on_done(result)
        finally:
            if not self._pending:
                self.busy_changed.emit(False)
