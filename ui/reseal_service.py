"""Moving older notes to the team's newest key, in the background, after it is replaced.

When a coordinator switches someone off, resets a passphrase or replaces the team key, new
notes are sealed with a new key at once; older ones are re-sealed a batch at a time
(:class:`warmline.rotation.Reseal`). Like the search index, each batch is its own task on the
one worker thread, so a save or a page load waits behind at most one batch, and the GUI
thread only sees a small callback. A lock or a crash loses nothing: whatever is left is found
again after the next unlock, which is when this service starts.

Any member's session can do the work (it needs only the keys they hold), so it finishes on
whichever workstation is unlocked next.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Signal

from ui.backend import Backend, describe
from warmline.session import Session


class Progress(Protocol):
    done: int
    left: int
    finished: bool


class StepJob(Protocol):
    """A job worked through in batches on the worker: Reseal, Retention."""

    def left(self) -> int: ...

    def step(self) -> Progress: ...


class ResealService(QObject):
    """Runs re-seal batches for one unlocked session until nothing older is left.

    Other batch jobs (retention) reuse it by overriding :meth:`_make_job` and
    :attr:`triggers`."""

    #: records_changed kinds after which the job looks for work again.
    triggers: tuple[str, ...] = ("accounts", "team-key")

    progress = Signal(int, int)  # re-sealed so far, left
    finished = Signal()
    failed = Signal(str)

    def __init__(self, backend: Backend, parent: QObject | None = None, batch: int = 500) -> None:
        super().__init__(parent)
        self._backend: Backend | None = backend
        self._batch = batch
        self._job: StepJob | None = None
        #: How many records the current job has changed so far.
        self.done = 0
        self._running = False
        backend.records_changed.connect(self._records_changed)

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Check for older rows and, if there are any, work through them batch by batch."""
        backend = self._backend
        if backend is None or self._running:
            return
        self._running = True

        def begin(session: Session) -> int:
            job = self._job = self._make_job(session)
            return job.left()

        backend.run(begin, self._began, self._failed)

    def _began(self, left: int) -> None:
        if left == 0:
            self._running = False
            return
        self.progress.emit(0, left)
        self._next()

    def _next(self) -> None:
        backend, job = self._backend, self._job
        if backend is None or job is None:
            self._running = False
            return
        if backend.run(lambda _session: job.step(), self._stepped, self._failed) is None:
            self._running = False

    def _make_job(self, session: Session) -> StepJob:
        return session.reseal(self._batch)

    def _stepped(self, progress: Progress) -> None:
        self.done = progress.done
        self.progress.emit(progress.done, progress.left)
        if progress.finished or progress.left == 0:
            self._running = False
            self.finished.emit()
            return
        self._next()

    def _failed(self, error: BaseException) -> None:
        self._running = False
        self.failed.emit(describe(error))

    def _records_changed(self, kind: str) -> None:
        if kind in self.triggers:
            self.start()

    def clear(self) -> None:
        """On lock: forget the job (its session is gone); the rest resumes next unlock."""
        self._backend = None
        self._job = None
        self._running = False
