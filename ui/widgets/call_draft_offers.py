"""Offering unfinished notes back: the banner's Restore and Discard, and resuming after a lock.

Why apart from :class:`~ui.widgets.call_drafts.DraftKeeper`: the keeper keeps the *open*
note safe; this decides what happens to the *other* notes waiting in the vault (left by a
crash, a lock, or a note parked to start another call). The newest is offered through the
:class:`~ui.widgets.draft_banner.DraftBanner`; a note kept at lock time comes straight back
without asking, because the volunteer expects to find the call where they left it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ui.backend import Backend
from ui.prompts import Prompts
from ui.widgets.call_drafts import DraftKeeper, is_empty_note
from ui.widgets.draft_banner import DraftBanner, local_when
from warmline.drafts import Draft


class DraftOffers(QObject):
    """Which waiting drafts the banner offers, and what Restore and Discard do with them."""

    def __init__(
        self,
        backend: Backend,
        keeper: DraftKeeper,
        banner: DraftBanner,
        restore: Callable[[Draft], bool],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._keeper = keeper
        self._banner = banner
        self._restore = restore
        self._parent = parent
        self._offered: list[Draft] = []
        self._resume_uuid: str | None = None
        keeper.found.connect(self._found)
        banner.restore_requested.connect(self.restore_offered)
        banner.discard_requested.connect(self.discard_offered)

    def check(self) -> None:
        """Look for unfinished notes (other than the open one) and offer the newest back."""
        self._keeper.check()

    def resume(self, draft_uuid: str) -> None:
        """Bring this draft straight back as soon as the check finds it."""
        self._resume_uuid = draft_uuid
        self.check()

    def restore_offered(self) -> None:
        """Bring the offered draft back into the form (the form parks its open note first)."""
        if not self._offered or not self._restore(self._offered[0]):
            return
        self._banner.hide()
        self._offered = []
        self.check()

    def discard_offered(self) -> None:
        """Delete the offered draft for good, after asking."""
        if not self._offered:
            return
        draft = self._offered[0]
        now = self._backend.clock.now()
        when = local_when(draft.updated_at or now, now)
        if not Prompts.confirm(
            self._parent,
            self.tr("Discard this unfinished note?"),
            self.tr("The note from {when} will be deleted for good.").format(when=when),
            self.tr("Discard note"),
            self.tr("Keep it"),
        ):
            return
        self._banner.hide()
        self._offered = []

        def gone() -> None:
            self._backend.changed("drafts")
            self.check()

        self._keeper.discard(draft.uuid, gone)

    def _found(self, found: list[Draft]) -> None:
        waiting = []
        for draft in found:
            if is_empty_note(draft.fields):
                self._keeper.discard(draft.uuid, lambda: None)  # nothing in it to offer
            else:
                waiting.append(draft)
        resume, self._resume_uuid = self._resume_uuid, None
        if resume is not None:
            kept = [d for d in waiting if d.uuid == resume]
            if kept:
                self._offered = kept + [d for d in waiting if d.uuid != resume]
                self.restore_offered()
                return
        self._offered = waiting
        if not waiting:
            self._banner.hide()
            return
        now = self._backend.clock.now()
        self._banner.offer(local_when(waiting[0].updated_at or now, now), len(waiting) - 1)
