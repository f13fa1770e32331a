"""What every screen uses to reach the core: the unlocked session, only ever off the GUI thread.

Screens never hold a :class:`~warmline.session.Session`; they hold a ``Backend`` and ask it
to ``run(fn)``, where ``fn(session)`` runs on the single worker thread and its result comes
back to a callback on the GUI thread. When the app locks, :meth:`Backend.close` cancels
every pending callback, so no result fetched before the lock can ever reach a screen.

``records_changed(kind)`` tells every open list that something of that kind was written, so
lists refresh themselves without screens knowing about each other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from ui.clipboard import SafeClipboard
from ui.clock import Clock
from ui.tasks import TaskHandle, TaskRunner
from warmline.accounts import Account, Role
from warmline.errors import WarmlineError
from warmline.search import SearchIndex
from warmline.session import Session

log = logging.getLogger(__name__)
T = TypeVar("T")

GENERIC_FAILURE = (
    "Something went wrong and that could not be finished. Nothing already saved was lost. "
    "Please try again; if it keeps happening, tell your coordinator."
)


def describe(error: BaseException) -> str:
    """The sentence a person sees for an error: our own words, never a traceback."""
    if isinstance(error, WarmlineError):
        return str(error)
    return GENERIC_FAILURE


class Backend(QObject):
    records_changed = Signal(str)
    error_reported = Signal(str)
    status_message = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        session: Session,
        clock: Clock,
        clipboard: SafeClipboard,
        line_name: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._session: Session | None = session
        self._handles: list[TaskHandle[object]] = []
        self.clock = clock
        self.clipboard = clipboard
        self.line_name = line_name
        #: The session's unlocked view (warmline/search.py); the search service drives its
        #: build and only ever touches it through ``run``.
        self.view: SearchIndex = session.view
        # Clear facts, safe to read on the GUI thread.
        self.account: Account = session.account
        self.accounts: dict[str, Account] = {}

    @property
    def is_coordinator(self) -> bool:
        return self.account.role is Role.COORDINATOR

    @property
    def is_lead(self) -> bool:
        return self.account.role in (Role.SHIFT_LEAD, Role.COORDINATOR)

    @property
    def closed(self) -> bool:
        return self._session is None

    def display_name(self, account_uuid: str | None) -> str:
        if not account_uuid:
            return ""
        account = self.accounts.get(account_uuid)
        return account.display_name if account else "someone no longer on the team"

    def run(
        self,
        fn: Callable[[Session], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> TaskHandle[T] | None:
        """Run ``fn(session)`` on the worker; callbacks come back on the GUI thread.

        Without ``on_error`` a failure is shown through ``error_reported``.
        Returns ``None`` when the backend is already closed (the app locked).
        """
        session = self._session
        if session is None:
            return None

        def work() -> T:
            return fn(session)

        def failed(exc: BaseException) -> None:
            if on_error is not None:
                on_error(exc)
            else:
                self.error_reported.emit(describe(exc))

        handle = self._runner.submit(work, on_done, failed)
        self._handles = [h for h in self._handles if not h.delivered] + [handle]  # type: ignore[list-item]
        return handle

    def changed(self, kind: str) -> None:
        """Tell open lists that records of ``kind`` changed (calls, callers, accounts, …)."""
        self.records_changed.emit(kind)

    def note_activity(self, kind: str) -> None:
        """Put ``kind`` (a print, a file saved) on the record of activity, on the worker.

        A failure is logged, not shown: what the person did has already happened."""
        self.run(
            lambda s: s.audit.record(kind),
            on_error=lambda _exc: log.warning("an activity could not be recorded"),
        )

    def refresh_accounts(self) -> None:
        def loaded(accounts: list[Account]) -> None:
            self.accounts = {a.uuid: a for a in accounts}
            me = self.accounts.get(self.account.uuid)
            if me is not None:
                self.account = me
            self.records_changed.emit("accounts")

        self.run(lambda s: s.team.accounts(), loaded)

    def close(self) -> None:
        """Drop the session reference and every pending callback (called on lock)."""
        for handle in self._handles:
            handle.cancel()
        self._handles.clear()
        self._session = None
        self.accounts = {}
