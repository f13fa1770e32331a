"""The Call page: log a call as it happens, or afterwards, or edit one already saved.

The page is a thin frame around :class:`~ui.widgets.call_form.CallForm`; it exists so the
main window has one place to reach for the two things it needs from outside:

* :meth:`CallPage.open_call` — the Calls list opens a saved call here, to read and then edit.
* :meth:`CallPage.flush_draft` — the app calls it when locking, *before* queuing the lock's
  own work, so the open note's last words reach the vault (sealed) before the session goes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.backend import Backend
from ui.screens.base import Page
from ui.widgets.call_form import AUTOSAVE_MS, CallForm


class CallPage(Page):
    title = "Log a call"
    key = "call"

    def __init__(
        self,
        backend: Backend,
        parent: QWidget | None = None,
        *,
        autosave_interval_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__(backend, parent)
        self.setAccessibleName(self.tr("Log a call"))
        self.form = CallForm(backend, self, autosave_interval_ms=autosave_interval_ms)
        self.setFocusProxy(self.form.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)

    def activated(self) -> None:
        """Offer back any unfinished note (left by a crash, a lock or a parked call)."""
        self.form.check_drafts()

    def open_call(self, call_uuid: str) -> None:
        """Open a saved call in the form for editing (asks first if a note is open)."""
        self.form.open_call(call_uuid)

    def note_to_resume(self) -> str | None:
        """The draft of the open note, for the shell to bring back after unlocking."""
        return self.form.note_to_resume()

    def resume(self, draft_uuid: str) -> None:
        """Put the note kept at lock time straight back, as if the lock never happened."""
        self.form.resume(draft_uuid)

    def flush_draft(self) -> bool:
        """Queue a draft save of the open note now; True if one was queued.

        Call before locking, and queue the lock after it: the worker runs tasks in order.
        """
        return self.form.flush_draft()
