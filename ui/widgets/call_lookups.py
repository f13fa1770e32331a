"""What the call form looks up while a note is written: the regulars, their card, the topics.

Why apart: choosing a caller is the one part of the note that reads other records. The
picker completes from the line's regulars; picking one fetches how often they called that
day and what they wanted to move towards last time, for the card; and the topics come from
the line's settings. All of it goes through ``backend.run`` and follows change notices, so
a regular added on the Callers page can be picked here at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject

from ui.backend import Backend
from ui.widgets.call_drafts import while_alive
from ui.widgets.caller_card import CallerCard
from ui.widgets.caller_picker import CallerPicker
from warmline.callers import Caller
from warmline.calls import Call, day_start
from warmline.session import Session


def local_midnight_utc(now: datetime) -> datetime:
    """The start of that day where the workstation is, in UTC (call agreements reset then)."""
    return day_start(now.astimezone()).astimezone(UTC)


class CallLookups(QObject):
    """Keeps the picker's regulars, the card and the topic list in step with the vault."""

    def __init__(
        self,
        backend: Backend,
        picker: CallerPicker,
        card: CallerCard,
        set_topics: Callable[[list[str]], None],
        opened: Callable[[], Call | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._picker = picker
        self._card = card
        self._set_topics = set_topics
        self._opened = opened
        self._request = 0
        picker.picked_changed.connect(self._picked)
        backend.records_changed.connect(self._records_changed)

    def load(self) -> None:
        """Fetch the regulars and the topics (once at the start; notices do the rest)."""
        self._load_callers()
        self._load_topics()

    def refresh_card(self) -> None:
        """Fetch the picked regular's counts again (their calls changed, say)."""
        caller = self._picker.picked()
        if caller is None:
            return
        request = self._request
        opened = self._opened()
        # A saved call's card speaks of its own day and the calls before it.
        before = opened.started_at if opened is not None else None
        since = local_midnight_utc(before or self._backend.clock.now())
        exclude = opened.uuid if opened is not None else None
        uuid = caller.uuid

        def fetch(session: Session) -> tuple[int, str | None]:
            count = session.calls.count_for_caller_since(uuid, since, before)
            recent = session.calls.for_caller(uuid, limit=2, before=before)
            last = next((c for c in recent if c.uuid != exclude), None)
            return count, (last.moving_towards if last is not None else None)

        def show(result: tuple[int, str | None]) -> None:
            if request != self._request:
                return  # another regular was picked meanwhile
            count, last = result
            self._card.show_regular(
                caller.alias,
                caller.agreement_text(),
                count,
                caller.calls_per_day,
                last,
                that_day=before is not None,
            )

        self._backend.run(fetch, on_done=while_alive(self, show))

    def _picked(self, caller: Caller | None) -> None:
        """Show (or hide) the card for a picked regular, fetching their recent calls."""
        self._request += 1
        if caller is None:
            self._card.clear()
            return
        self._card.show_loading(caller.alias)
        self.refresh_card()

    def _load_callers(self) -> None:
        self._backend.run(
            lambda s: s.callers.all(), on_done=while_alive(self, self._picker.set_callers)
        )

    def _load_topics(self) -> None:
        self._backend.run(
            lambda s: s.settings.topics(), on_done=while_alive(self, self._set_topics)
        )

    def _records_changed(self, kind: str) -> None:
        if kind == "callers":
            self._load_callers()
        elif kind == "settings":
            self._load_topics()
        elif kind == "calls" and self._picker.picked() is not None:
            self.refresh_card()
