"""The search index's Qt face: builds it in the background after unlock and answers searches.

One ``SearchService`` exists per unlock (the controller makes it, ``start()``s it and
``clear()``s it on lock). It drives the session's unlocked view (a
:class:`~warmline.search.SearchIndex`, ``session.view``) and only ever touches it through
``backend.run``, so the index lives on the one worker thread like the session does.

Why one build step per task: each step opens about a thousand calls (tens of milliseconds),
then hands the worker back. A page load or a save the person asks for mid-build waits behind
at most one step instead of the whole build, and the GUI thread only sees a small callback per
step, so it never stalls. ``progress(done, total)`` after each step drives the "Getting search
ready… 43%" bar; ``ready()`` fires once.

The index follows saves: the session's call repository puts each save into the view as it is
made; on ``records_changed("calls")`` the service also catches up with another program's
commits (``SearchIndex.refresh``) and emits ``changed()`` so open lists can search again; on
``records_changed("callers")`` it reloads the aliases it filters by.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from ui.backend import Backend, describe
from warmline.search import DEFAULT_BATCH, CallFilter, SearchIndex, SearchResult
from warmline.session import Session

log = logging.getLogger(__name__)


class SearchService(QObject):
    """Owns the in-memory index for one unlocked session. See the module docstring."""

    progress = Signal(int, int)  # done, total
    ready = Signal()
    changed = Signal()  # the index caught up with saved or deleted calls
    failed = Signal(str)  # the build could not finish (a plain sentence)

    def __init__(
        self, backend: Backend, parent: QObject | None = None, *, batch: int = DEFAULT_BATCH
    ) -> None:
        super().__init__(parent)
        self._backend: Backend | None = backend
        self._index: SearchIndex | None = backend.view
        self._batch = batch
        self._started = False
        self._ready = False
        self._done = 0
        self._total = 0
        self._steps = 0
        backend.records_changed.connect(self._records_changed)

    # -- state -----------------------------------------------------------------------------

    @property
    def is_ready(self) -> bool:
        """True once every call has been indexed (until clear())."""
        return self._ready

    @property
    def started(self) -> bool:
        return self._started

    @property
    def cleared(self) -> bool:
        return self._index is None

    @property
    def steps(self) -> int:
        """How many build steps ran (for benchmarks)."""
        return self._steps

    def memory_estimate(self) -> int:
        """Rough bytes the index holds; only call it when no build step or save is running."""
        return self._index.memory_estimate() if self._index is not None else 0

    def percent(self) -> int:
        """How far the build is, 0-100."""
        if self._ready:
            return 100
        if self._total <= 0:
            return 0
        return min(99, self._done * 100 // self._total)

    # -- building --------------------------------------------------------------------------

    def start(self) -> None:
        """Begin building in the background. Safe to call again (it builds once)."""
        if self._started or self._index is None or self._backend is None:
            return
        self._started = True
        index = self._index
        self._backend.run(index.begin_build, self._began, self._build_failed)

    def _began(self, counts: tuple[int, int]) -> None:
        self._done, self._total = counts
        self.progress.emit(self._done, self._total)
        self._next_step()

    def _next_step(self) -> None:
        index, backend, batch = self._index, self._backend, self._batch
        if index is None or backend is None:
            return

        def step(session: Session) -> tuple[bool, tuple[int, int]]:
            more = index.build_step(session, batch)
            return more, index.progress()

        backend.run(step, self._stepped, self._build_failed)

    def _stepped(self, outcome: tuple[bool, tuple[int, int]]) -> None:
        if self._index is None:
            return
        more, (self._done, self._total) = outcome
        self._steps += 1
        self.progress.emit(self._done, self._total)
        if more:
            self._next_step()
        elif self._index.ready:
            self._ready = True
            log.info("search index ready: %d calls in %d steps", self._total, self._steps)
            self.ready.emit()

    def _build_failed(self, error: BaseException) -> None:
        if self._index is None:
            return
        self._started = False  # a later start() may try again
        self.failed.emit(describe(error))

    # -- searching -------------------------------------------------------------------------

    def search(
        self,
        query: CallFilter,
        on_done: Callable[[SearchResult], None],
        *,
        limit: int | None = None,
        offset: int = 0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Answer ``query`` on the worker; ``on_done(result)`` runs on the GUI thread.

        Returns False (and runs nothing) when the index is not ready or was cleared: callers
        say so and try again on ``ready()``.
        """
        index, backend = self._index, self._backend
        if index is None or backend is None or not self._ready:
            return False
        handle = backend.run(
            lambda _s: index.search_filter(query, limit=limit, offset=offset), on_done, on_error
        )
        return handle is not None

    # -- keeping current -------------------------------------------------------------------

    def _records_changed(self, kind: str) -> None:
        index, backend = self._index, self._backend
        if index is None or backend is None or not self._started:
            return
        if kind == "calls":
            # The save itself reached the view as it was made (CallRepository keeps it
            # current); refresh only catches another program's commits. Either way open
            # lists search again.
            backend.run(index.refresh, lambda _count: self._refreshed(1))
        elif kind == "callers":

            def aliases(session: Session) -> None:
                index.set_aliases({c.uuid: c.alias for c in session.callers.all() if not c.damaged})

            backend.run(aliases, lambda _none: self._refreshed(1))

    def _refreshed(self, count: int) -> None:
        if self._index is not None and count:
            self.changed.emit()

    # -- lock ------------------------------------------------------------------------------

    def clear(self) -> None:
        """Drop the index and everything in it (on lock). The service cannot be reused."""
        index = self._index
        self._index = None
        self._ready = False
        if index is not None:
            index.clear()
        backend = self._backend
        self._backend = None
        if backend is not None:
            # The backend may already be gone (deleteLater on lock): nothing left to undo.
            with contextlib.suppress(RuntimeError, TypeError):
                backend.records_changed.disconnect(self._records_changed)
