"""The Call page: log a call as it happens, or afterwards, or edit one already saved.

The page is a thin frame around :class:`~ui.widgets.call_form.CallForm`; it exists so the
main window has one place to reach for the two things it needs from outside:

* :meth:`CallPage.open_call` — the Calls list opens a saved call here, to read and then edit.
* :meth:`CallPage.flush_draft` — the app calls it when locking, *before* queuing the lock's
  own work, so the open note's last words reach the vault (sealed) before the session goes.

It also keeps two shift habits without touching the form: starting a call with no shift open
shows a banner offering to start one (the call goes on either way), and a saved call's
follow-up field becomes a follow-up record, carried from shift to shift until done.

After a new call is saved it offers the private reflection, as the person chose (their own
setting, else the team's): "always" opens it (on My reflections, through
:attr:`CallPage.reflection_requested`), "ask" shows a banner, "never" does nothing. The
banner never holds up the next call: starting one keeps the invitation for later.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.backend import Backend
from ui.preferences import DebriefDefault, Preferences, invitation_mode
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.call_drafts import while_alive
from ui.widgets.call_form import AUTOSAVE_MS, CallForm
from ui.widgets.reflection_invite import ReflectionInvite
from warmline.followups import FollowUp
from warmline.session import Session
from warmline.shifts import Shift


class ShiftOffer(QFrame):
    """ "No shift is open: start one?" — a banner, never a dialog, so the call is not held up."""

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setObjectName("call-shift-offer")
        set_role(self, "card")
        text = QLabel(
            self.tr(
                "You have not started a shift. Calls logged now will not belong to one, "
                "so they will not be in its handover."
            )
        )
        text.setWordWrap(True)
        self.start_button = QPushButton(self.tr("Begin a shift now"))
        self.start_button.setObjectName("call-shift-offer-start")
        self.start_button.setAccessibleName(self.tr("Begin a shift now"))
        self.start_button.clicked.connect(self.start_shift)
        self.dismiss_button = QPushButton(self.tr("Not now"))
        self.dismiss_button.setObjectName("call-shift-offer-dismiss")
        self.dismiss_button.setAccessibleName(self.tr("Carry on without a shift"))
        self.dismiss_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.addWidget(text, 1)
        row.addWidget(self.start_button)
        row.addWidget(self.dismiss_button)
        self.hide()

    def check(self) -> None:
        """Show the banner if the unlocked person has no shift open."""
        self.backend.run(lambda s: s.shifts.current(), while_alive(self, self._current))

    def _current(self, shift: Shift | None) -> None:
        self.setVisible(shift is None)

    def start_shift(self) -> None:
        lead = self.backend.account.uuid if self.backend.is_lead else None

        def started(_shift: Shift) -> None:
            self.hide()
            self.backend.status_message.emit(self.tr("Shift started."))
            self.backend.changed("shifts")

        self.backend.run(lambda s: s.shifts.start(lead_uuid=lead), while_alive(self, started))


def raise_follow_up(session: Session, call_uuid: str) -> FollowUp | None:
    """The saved call's follow-up field as a follow-up record of its own (worker)."""
    return session.followups.sync_from_call(session.calls.get(call_uuid))


class CallPage(Page):
    title = "Log a call"
    key = "call"

    #: Open the private reflection on this call now (its UUID); pages.py connects it.
    reflection_requested = Signal(str)

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
        self.shift_offer = ShiftOffer(backend, self)
        self.invite = ReflectionInvite(backend, self)
        self.invite.accepted.connect(self.reflection_requested)
        self.form.call_started.connect(self.shift_offer.check)
        self.form.call_started.connect(self._next_call_started)
        self.form.saved.connect(self._call_saved)
        self.form.call_logged.connect(self.offer_reflection)
        self.setFocusProxy(self.form.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.invite)
        layout.addWidget(self.shift_offer)
        layout.addWidget(self.form)

    def _call_saved(self, call_uuid: str) -> None:
        self.shift_offer.hide()

        def raised(followup: FollowUp | None) -> None:
            if followup is not None:
                self.backend.changed("followups")

        self.backend.run(lambda s: raise_follow_up(s, call_uuid), raised)

    def offer_reflection(self, call_uuid: str) -> None:
        """After a new call: open, offer or skip the reflection, as the person chose."""
        mine = Preferences(self.backend.account.uuid).load().debrief_default

        def decide(team_value: object) -> None:
            mode = invitation_mode(mine, team_value)
            if mode is DebriefDefault.ALWAYS:
                self.reflection_requested.emit(call_uuid)
            elif mode is DebriefDefault.ASK:
                self.invite.offer(call_uuid)

        if mine is DebriefDefault.TEAM:
            self.backend.run(lambda s: s.settings.get("debrief_default"), while_alive(self, decide))
        else:
            decide(None)

    def _next_call_started(self) -> None:
        """The phone rang before they answered the invitation: keep it for later."""
        if self.invite.call_uuid is not None:
            self.invite.later()

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
