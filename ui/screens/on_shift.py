"""On shift: the page a volunteer lands on after unlocking.

What the next hours need, in the order they need it: handovers left for this person, pinned
until they acknowledge them (with a short reply if they like); starting the shift (with a
partner, and who leads); the calls logged in it; the follow-ups every shift carries until
someone marks them done; and ending the shift, which opens the handover composer with the
shift's own summary. The navigation shows how many handovers are waiting.

Two quiet, private things sit near the top. A worker who chose "later" for a reflection sees
a reminder here until the shift ends (only they can: it is their own sealed draft). A shift
lead sees who would like a word with them, and when: never why, and nothing anyone wrote.

The page never touches the database: it asks the backend, and everything it shows arrives
from the worker in one :class:`ShiftState`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import reflection_work
from ui.backend import Backend
from ui.handover_document import handover_html
from ui.models.calls_model import duration_text, time_text
from ui.models.followups_model import Column as FollowUpColumn
from ui.models.followups_model import FollowUpsModel
from ui.prompts import Prompts
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.call_drafts import while_alive
from ui.widgets.fit import combo_fits
from ui.widgets.handover_composer import HANDOVER_DRAFT, HandoverComposer
from warmline import ips
from warmline.accounts import Account, Role
from warmline.calls import Call
from warmline.drafts import Draft
from warmline.followups import FollowUp
from warmline.handovers import Acknowledgement, Handover
from warmline.session import Session
from warmline.shift_summary import Summary, summarise
from warmline.shifts import Shift
from warmline.timeutil import utcnow
from warmline.word_requests import WordRequest

#: Handovers older than this are no longer pinned for someone who has not read them (a
#: person back after months away should not face a wall of them); the leads' page keeps all.
PINNED_FOR = timedelta(days=7)
REPLY_LIMIT = 200


@dataclass
class ShiftState:
    """Everything the page shows, opened on the worker in one go."""

    shift: Shift | None = None
    calls: list[Call] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    followups: list[FollowUp] = field(default_factory=list)
    waiting: list[Handover] = field(default_factory=list)
    acks: dict[str, list[Acknowledgement]] = field(default_factory=dict)
    drafts: list[Draft] = field(default_factory=list)
    #: The unlocked person's latest handover (to change it), and how many have read it.
    mine: Handover | None = None
    mine_read_by: int = 0
    #: This person's reflections waiting "for later" in this shift, with their calls.
    reminders: list[tuple[Draft, Call | None]] = field(default_factory=list)
    #: For a lead: who would like a word (a name and a time, nothing more).
    words: list[WordRequest] = field(default_factory=list)


def load_state(session: Session) -> ShiftState:
    """The unlocked person's shift, its calls, open follow-ups and waiting handovers (worker)."""
    shift = session.shifts.current()
    calls = sorted(
        session.calls.for_shift(shift.uuid) if shift else [],
        key=lambda c: c.started_at.timestamp() if c.started_at else 0.0,
    )
    wanted = {c.caller_uuid for c in calls if c.caller_uuid}
    aliases = {c.uuid: c.alias for c in session.callers.select() if c.uuid in wanted}
    # All of them: the count in the navigation must go down as each is read, and the one
    # shown is the oldest still waiting (a cap of the newest few hid the older ones).
    waiting = session.handovers.unacknowledged(limit=None, within=PINNED_FOR)
    acks = session.handovers.all_acknowledgements() if waiting else {}
    drafts = [d for d in session.drafts.mine(HANDOVER_DRAFT) if not d.damaged]
    me = session.account.uuid
    since = utcnow() - PINNED_FOR
    mine = next(
        (
            h
            for h in session.handovers.all()
            if h.author_uuid == me and not h.damaged and h.created_at and h.created_at >= since
        ),
        None,
    )
    read_by = len(session.handovers.acknowledgements(mine.uuid)) if mine else 0
    return ShiftState(
        shift,
        calls,
        aliases,
        session.followups.open(),
        waiting,
        acks,
        drafts,
        mine,
        read_by,
        reflection_work.reminders(session, shift),
        session.word_requests.waiting_for_me(),
    )


def draft_and_base(session: Session, draft_uuid: str) -> tuple[Draft, Handover | None]:
    """A kept handover draft, and the saved handover when it was an edit of one (worker)."""
    draft = session.drafts.get(draft_uuid)
    target = draft.fields.get("handover_uuid")
    editing = draft.fields.get("editing_revision")
    base = session.handovers.get(str(target)) if editing and target else None
    return draft, base


def end_and_summarise(session: Session, shift: Shift) -> tuple[Shift, Summary]:
    """End the shift and work out its summary for the handover (worker)."""
    ended = session.shifts.end(session.shifts.get(shift.uuid))
    reflection_work.let_go_of_empty_reminders(session, shift.uuid)
    return ended, summarise(session, ended)


def _choice_label(choices: tuple[ips.Choice, ...], value: str) -> str:
    return next((c.label for c in choices if c.id == value), value)


class OnShiftPage(Page):
    title = "On shift"
    key = "on-shift"

    #: Open a reflection kept for later (its draft's UUID); pages.py connects it.
    reflection_resume_requested = Signal(str)

    def __init__(
        self, backend: Backend, parent: QWidget | None = None, *, autosave_ms: int = 5000
    ) -> None:
        super().__init__(backend, parent)
        self.setAccessibleName(self.tr("On shift"))
        self.state = ShiftState()
        self._loading = False
        self._reload = False

        self.stack = QStackedWidget()
        self.overview = QWidget()
        self.overview.setObjectName("on-shift-overview")
        self.composer = HandoverComposer(backend, self, autosave_ms=autosave_ms)
        self.composer.saved.connect(self._handover_saved)
        self.composer.closed.connect(self.show_overview)
        self.stack.addWidget(self.overview)
        self.stack.addWidget(self.composer)

        heading = QLabel(self.tr("On shift"))
        set_role(heading, "title")
        self.status = QLabel()
        self.status.setObjectName("on-shift-status")
        self.status.setWordWrap(True)

        # -- handovers waiting, pinned ---------------------------------------------------
        self.pinned = QFrame()
        self.pinned.setObjectName("on-shift-pinned")
        set_role(self.pinned, "card")
        self.pinned_title = QLabel()
        self.pinned_title.setObjectName("on-shift-pinned-title")
        set_role(self.pinned_title, "subtitle")
        self.pinned_view = QTextBrowser()
        self.pinned_view.setObjectName("on-shift-pinned-handover")
        self.pinned_view.setAccessibleName(self.tr("Handover waiting for you"))
        self.pinned_view.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        reply_label = QLabel(self.tr("&Reply (optional)"))
        self.reply_edit = QLineEdit()
        self.reply_edit.setObjectName("on-shift-reply")
        self.reply_edit.setAccessibleName(self.tr("Reply to the handover (optional)"))
        self.reply_edit.setMaxLength(REPLY_LIMIT)
        self.reply_edit.setPlaceholderText(self.tr("For example: “Got it, thanks”"))
        reply_label.setBuddy(self.reply_edit)
        self.reply_edit.returnPressed.connect(self.acknowledge)
        self.ack_button = QPushButton(self.tr("I have read it: ac&knowledge"))
        self.ack_button.setObjectName("on-shift-acknowledge")
        self.ack_button.setAccessibleName(self.tr("Acknowledge the handover"))
        set_role(self.ack_button, "primary")
        self.ack_button.clicked.connect(self.acknowledge)
        # The label sits above the field rather than beside it: at large text sizes the
        # label, the field and the button do not share one line and leave the field room.
        reply_row = QHBoxLayout()
        reply_row.addWidget(self.reply_edit, 1)
        reply_row.addWidget(self.ack_button)
        pinned_layout = QVBoxLayout(self.pinned)
        pinned_layout.addWidget(self.pinned_title)
        pinned_layout.addWidget(self.pinned_view)
        pinned_layout.addWidget(reply_label)
        pinned_layout.addLayout(reply_row)

        # -- a reflection kept for later, and requests for a word ---------------------------
        self.reminder = QFrame()
        self.reminder.setObjectName("on-shift-reflection-reminder")
        set_role(self.reminder, "card")
        self.reminder_text = QLabel()
        self.reminder_text.setObjectName("on-shift-reflection-reminder-text")
        self.reminder_text.setWordWrap(True)
        self.reflect_button = QPushButton(self.tr("Take the moment &now"))
        self.reflect_button.setObjectName("on-shift-reflect-now")
        self.reflect_button.setAccessibleName(self.tr("Take the moment to reflect now"))
        self.reflect_button.clicked.connect(self.reflect_now)
        self.let_go_button = QPushButton(self.tr("Le&t it go"))
        self.let_go_button.setObjectName("on-shift-reflection-let-go")
        self.let_go_button.setAccessibleName(self.tr("Let the reflection go"))
        self.let_go_button.clicked.connect(self.let_reflection_go)
        reminder_row = QHBoxLayout(self.reminder)
        reminder_row.addWidget(self.reminder_text, 1)
        reminder_row.addWidget(self.reflect_button)
        reminder_row.addWidget(self.let_go_button)

        self.words = QFrame()
        self.words.setObjectName("on-shift-words")
        set_role(self.words, "card")
        self.words_text = QLabel()
        self.words_text.setObjectName("on-shift-words-text")
        self.words_text.setWordWrap(True)
        self.had_word_button = QPushButton(self.tr("We have had a &word"))
        self.had_word_button.setObjectName("on-shift-had-word")
        self.had_word_button.setAccessibleName(self.tr("We have had a word: clear the request"))
        self.had_word_button.clicked.connect(self.had_a_word)
        words_row = QHBoxLayout(self.words)
        words_row.addWidget(self.words_text, 1)
        words_row.addWidget(self.had_word_button)

        # -- starting and ending -----------------------------------------------------------
        self.start_card = QFrame()
        self.start_card.setObjectName("on-shift-start")
        set_role(self.start_card, "card")
        partner_label = QLabel(self.tr("Shift &partner"))
        self.partner_combo = QComboBox()
        self.partner_combo.setObjectName("on-shift-partner")
        self.partner_combo.setAccessibleName(self.tr("Shift partner"))
        partner_label.setBuddy(self.partner_combo)
        combo_fits(self.partner_combo)
        self.partner_combo.currentIndexChanged.connect(self._fill_leads)
        lead_label = QLabel(self.tr("Who &leads"))
        self.lead_combo = QComboBox()
        self.lead_combo.setObjectName("on-shift-lead")
        self.lead_combo.setAccessibleName(self.tr("Who leads the shift"))
        lead_label.setBuddy(self.lead_combo)
        self.start_button = QPushButton(self.tr("&Start the shift"))
        self.start_button.setObjectName("on-shift-start-button")
        self.start_button.setAccessibleName(self.tr("Start the shift"))
        set_role(self.start_button, "primary")
        self.start_button.clicked.connect(self.start_shift)
        start_row = QHBoxLayout(self.start_card)
        start_row.addWidget(partner_label)
        start_row.addWidget(self.partner_combo, 1)
        start_row.addWidget(lead_label)
        start_row.addWidget(self.lead_combo, 1)
        start_row.addWidget(self.start_button)

        self.end_button = QPushButton(self.tr("&End the shift and write the handover"))
        self.end_button.setObjectName("on-shift-end")
        self.end_button.setAccessibleName(self.tr("End the shift and write the handover"))
        self.end_button.clicked.connect(self.end_shift)
        self.resume_button = QPushButton(self.tr("Continue the &unfinished handover"))
        self.resume_button.setObjectName("on-shift-resume-handover")
        self.resume_button.setAccessibleName(self.tr("Continue the unfinished handover"))
        self.resume_button.clicked.connect(self.continue_draft)
        self.change_button = QPushButton(self.tr("Change my last hando&ver"))
        self.change_button.setObjectName("on-shift-change-handover")
        self.change_button.setAccessibleName(self.tr("Change my last handover"))
        self.change_button.clicked.connect(self.change_mine)
        actions = QHBoxLayout()
        actions.addWidget(self.end_button)
        actions.addWidget(self.resume_button)
        actions.addWidget(self.change_button)
        actions.addStretch(1)

        # -- this shift's calls ------------------------------------------------------------
        calls_title = QLabel(self.tr("Calls in this shift"))
        set_role(calls_title, "subtitle")
        self.calls_list = QListWidget()
        self.calls_list.setObjectName("on-shift-calls")
        self.calls_list.setAccessibleName(self.tr("Calls in this shift"))
        self.calls_list.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        self.calls_list.setWordWrap(True)

        # -- follow-ups --------------------------------------------------------------------
        self.followups_title = QLabel()
        self.followups_title.setObjectName("on-shift-followups-title")
        set_role(self.followups_title, "subtitle")
        self.followups_model = FollowUpsModel(backend.display_name, self)
        self.followups_table = QTableView()
        self.followups_table.setObjectName("on-shift-followups")
        self.followups_table.setAccessibleName(self.tr("Open follow-ups"))
        self.followups_table.setModel(self.followups_model)
        self.followups_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.followups_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.followups_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.followups_table.setTabKeyNavigation(False)
        self.followups_table.verticalHeader().setVisible(False)
        self.followups_table.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)
        self.followups_table.setWordWrap(True)
        header = self.followups_table.horizontalHeader()
        for column in FollowUpColumn:
            mode = QHeaderView.ResizeMode.ResizeToContents
            if column is FollowUpColumn.TEXT:
                mode = QHeaderView.ResizeMode.Stretch
            header.setSectionResizeMode(column, mode)
        self.followups_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        note_label = QLabel(self.tr("What was &done (optional)"))
        self.done_note = QLineEdit()
        self.done_note.setObjectName("on-shift-done-note")
        self.done_note.setAccessibleName(self.tr("What was done (optional)"))
        self.done_note.setMaxLength(300)
        note_label.setBuddy(self.done_note)
        self.done_button = QPushButton(self.tr("&Mark done"))
        self.done_button.setObjectName("on-shift-mark-done")
        self.done_button.setAccessibleName(self.tr("Mark the chosen follow-up done"))
        self.done_button.clicked.connect(self.mark_done)
        self.done_note.returnPressed.connect(self.mark_done)
        done_row = QHBoxLayout()
        done_row.addWidget(note_label)
        done_row.addWidget(self.done_note, 1)
        done_row.addWidget(self.done_button)

        overview_layout = QVBoxLayout(self.overview)
        overview_layout.setContentsMargins(0, 0, 0, 0)
        overview_layout.setSpacing(10)
        overview_layout.addWidget(heading)
        overview_layout.addWidget(self.status)
        overview_layout.addWidget(self.words)
        overview_layout.addWidget(self.reminder)
        overview_layout.addWidget(self.pinned)
        overview_layout.addWidget(self.start_card)
        overview_layout.addLayout(actions)
        # The shift's calls beside the follow-ups it carries: both fit on one screen.
        calls_column = QVBoxLayout()
        calls_column.addWidget(calls_title)
        calls_column.addWidget(self.calls_list, 1)
        followups_column = QVBoxLayout()
        followups_column.addWidget(self.followups_title)
        followups_column.addWidget(self.followups_table, 1)
        followups_column.addLayout(done_row)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(calls_column, 2)
        columns.addLayout(followups_column, 3)
        overview_layout.addLayout(columns, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.stack)

        backend.records_changed.connect(self._records_changed)
        self._show(ShiftState())
        self.refresh()

    # --- loading ---------------------------------------------------------------------------

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self._loading:
            self._reload = True
            return
        self._loading = True
        handle = self.backend.run(load_state, while_alive(self, self._loaded), self._load_failed)
        if handle is None:
            self._loading = False

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        self.backend.error_reported.emit(str(error))

    def _loaded(self, state: ShiftState) -> None:
        self._loading = False
        if self._reload:
            self._reload = False
            self.refresh()
        self._show(state)

    def _records_changed(self, kind: str) -> None:
        if kind in (
            "shifts",
            "calls",
            "handovers",
            "followups",
            "drafts",
            "accounts",
            "word_requests",
        ):
            self.refresh()

    # --- showing ---------------------------------------------------------------------------

    def _show(self, state: ShiftState) -> None:
        # Only a page in view keeps the keyboard where it was: a refresh while another page
        # shows (a draft saved, a request for a word) must not pull focus onto this one.
        focused = QApplication.focusWidget()
        had_focus = self.isVisible() and focused is not None and self.overview.isAncestorOf(focused)
        self.state = state
        names = self.backend.display_name
        shift = state.shift
        if shift is None:
            self.status.setText(
                self.tr("You are not on a shift. Start one when you take the phones.")
            )
        else:
            others = [names(m) for m in shift.members if m != self.backend.account.uuid]
            text = self.tr("On shift since {when}").format(when=time_text(shift.started_at))
            if others:
                text += self.tr(", with {who}").format(who=", ".join(others))
            if shift.lead_uuid:
                lead = (
                    self.tr("you")
                    if shift.lead_uuid == self.backend.account.uuid
                    else names(shift.lead_uuid)
                )
                text += self.tr(". Leading: {who}.").format(who=lead)
            else:
                text += "."
            self.status.setText(text)
        self.start_card.setVisible(shift is None)
        self.end_button.setVisible(shift is not None)
        if shift is None:
            self._fill_partners()

        waiting = state.waiting
        self.pinned.setVisible(bool(waiting))
        if waiting:
            title = self.tr("A handover is waiting for you")
            if len(waiting) > 1:
                title = self.tr("{n} handovers are waiting for you; the oldest first").format(
                    n=len(waiting)
                )
            self.pinned_title.setText(title)
            shown = waiting[-1]  # the oldest first: read them in the order they were written
            self.pinned_view.setHtml(handover_html(shown, names, state.acks.get(shown.uuid, [])))
        self.nav_text_changed.emit(
            self.tr("On shift ({n})").format(n=len(waiting)) if waiting else self.tr("On shift")
        )

        self._show_reminders(state)
        self.resume_button.setVisible(bool(state.drafts))
        self.change_button.setVisible(state.mine is not None and not state.drafts)
        self.calls_list.clear()
        for call in state.calls:
            self.calls_list.addItem(self._call_line(call, state.aliases))
        if not state.calls:
            self.calls_list.addItem(
                self.tr("No calls logged in this shift yet.")
                if shift
                else self.tr("Calls appear here once a shift is started.")
            )
        self.followups_model.set_rows(state.followups, self.backend.clock.now())
        overdue = self.followups_model.overdue_count()
        title = self.tr("Open follow-ups ({n})").format(n=len(state.followups))
        if overdue:
            title += self.tr(", {n} overdue").format(n=overdue)
        self.followups_title.setText(title)
        has_followups = bool(state.followups)
        self.done_button.setEnabled(has_followups)
        self.done_note.setEnabled(has_followups)
        if has_followups and not self.followups_table.selectionModel().hasSelection():
            self.followups_table.selectRow(0)
        if had_focus and (self.focusWidget() is None or not self.focusWidget().isVisible()):
            self.focus_first()

    def _show_reminders(self, state: ShiftState) -> None:
        self.reminder.setVisible(bool(state.reminders))
        if state.reminders:
            _draft, call = state.reminders[-1]
            when = time_text(call.started_at) if call is not None else ""
            text = (
                self.tr("You kept a quiet moment for later, after the call at {when}.").format(
                    when=when
                )
                if when
                else self.tr("You kept a quiet moment for later.")
            )
            if len(state.reminders) > 1:
                text += " " + self.tr("{n} are waiting.").format(n=len(state.reminders))
            text += " " + self.tr("Only you can see this.")
            self.reminder_text.setText(text)
        self.words.setVisible(bool(state.words))
        if state.words:
            names = self.backend.display_name
            lines = [
                self.tr("{name} would like a word with you (asked at {when}).").format(
                    name=names(w.asked_by), when=time_text(w.asked_at)
                )
                for w in state.words
            ]
            self.words_text.setText("\n".join(lines))

    def reflect_now(self) -> None:
        if self.state.reminders:
            self.reflection_resume_requested.emit(self.state.reminders[-1][0].uuid)

    def let_reflection_go(self) -> None:
        if not self.state.reminders:
            return
        draft = self.state.reminders[-1][0]
        if not reflection_work.is_empty(draft.fields) and not Prompts.confirm(
            self,
            self.tr("Let this reflection go?"),
            self.tr("What you wrote in it will not be kept."),
            self.tr("Let it go"),
            self.tr("Keep it"),
        ):
            return
        self.backend.run(
            lambda s: s.drafts.discard(draft.uuid),
            while_alive(self, lambda _r: self.backend.changed("drafts")),
        )

    def had_a_word(self) -> None:
        if not self.state.words:
            return
        request = self.state.words[0]
        self.backend.run(
            lambda s: s.word_requests.answer(request.uuid),
            while_alive(self, lambda _r: self.backend.changed("word_requests")),
        )

    def _call_line(self, call: Call, aliases: dict[str, str]) -> str:
        who = aliases.get(call.caller_uuid or "", "")
        if not who:
            who = self.tr("a new caller") if call.caller_kind == "new" else self.tr("anonymous")
        parts = [
            time_text(call.started_at),
            _choice_label(ips.channels(), call.channel),
            _choice_label(ips.contact_kinds(), call.contact_kind),
            who,
        ]
        minutes = duration_text(call.duration_s)
        if minutes:
            parts.append(minutes)
        line = " · ".join(parts)
        if call.has_follow_up:
            line += self.tr(" · follow-up")
        return line

    def _fill_partners(self) -> None:
        current = self.partner_combo.currentData()
        self.partner_combo.blockSignals(True)
        self.partner_combo.clear()
        self.partner_combo.addItem(self.tr("Nobody, on my own"), None)
        team = sorted(
            (
                a
                for a in self.backend.accounts.values()
                if not a.disabled and a.uuid != self.backend.account.uuid
            ),
            key=lambda a: a.display_name.casefold(),
        )
        for account in team:
            self.partner_combo.addItem(account.display_name, account.uuid)
        index = self.partner_combo.findData(current)
        self.partner_combo.setCurrentIndex(max(index, 0))
        self.partner_combo.blockSignals(False)
        self._fill_leads()

    def _fill_leads(self, *_args: object) -> None:
        me = self.backend.account
        partner_uuid = self.partner_combo.currentData()
        partner: Account | None = self.backend.accounts.get(partner_uuid) if partner_uuid else None
        self.lead_combo.clear()
        self.lead_combo.addItem(self.tr("I lead"), me.uuid)
        if partner is not None:
            self.lead_combo.addItem(
                self.tr("{name} leads").format(name=partner.display_name), partner.uuid
            )
        self.lead_combo.addItem(self.tr("No lead this shift"), None)
        leads = (Role.SHIFT_LEAD, Role.COORDINATOR)
        if me.role in leads:
            self.lead_combo.setCurrentIndex(0)
        elif partner is not None and partner.role in leads:
            self.lead_combo.setCurrentIndex(1)
        else:
            self.lead_combo.setCurrentIndex(self.lead_combo.count() - 1)

    # --- actions ---------------------------------------------------------------------------

    def start_shift(self) -> None:
        if self.state.shift is not None:
            return
        partner = self.partner_combo.currentData()
        lead = self.lead_combo.currentData()
        members = [partner] if partner else []
        self.start_button.setEnabled(False)

        def started(_shift: Shift) -> None:
            self.start_button.setEnabled(True)
            self.backend.status_message.emit(self.tr("Shift started. Have a good one."))
            self.backend.changed("shifts")

        def failed(error: BaseException) -> None:
            self.start_button.setEnabled(True)
            self.backend.error_reported.emit(str(error))

        self.backend.run(
            lambda s: s.shifts.start(members=members, lead_uuid=lead),
            while_alive(self, started),
            while_alive(self, failed),
        )

    def end_shift(self) -> None:
        shift = self.state.shift
        if shift is None:
            return
        if not Prompts.confirm(
            self,
            self.tr("End the shift?"),
            self.tr(
                "The shift ends now and the handover opens, started from the shift's own "
                "records. Calls logged after this will not belong to this shift."
            ),
            self.tr("End and write the handover"),
            self.tr("Keep the shift going"),
        ):
            return
        self.end_button.setEnabled(False)

        def ended(result: tuple[Shift, Summary]) -> None:
            self.end_button.setEnabled(True)
            ended_shift, summary = result
            self.composer.start_new(ended_shift.uuid, summary)
            self.show_composer()
            self.backend.changed("shifts")
            self.backend.changed("shift-ended")  # an automatic backup may follow

        def failed(error: BaseException) -> None:
            self.end_button.setEnabled(True)
            self.backend.error_reported.emit(str(error))

        self.backend.run(
            lambda s: end_and_summarise(s, shift),
            while_alive(self, ended),
            while_alive(self, failed),
        )

    def acknowledge(self) -> None:
        if not self.state.waiting:
            return
        handover = self.state.waiting[-1]
        reply = self.reply_edit.text()
        self.ack_button.setEnabled(False)

        def done(_ack: Acknowledgement) -> None:
            self.ack_button.setEnabled(True)
            self.reply_edit.clear()
            self.backend.status_message.emit(self.tr("Thanks: marked as read."))
            self.backend.changed("handovers")

        def failed(error: BaseException) -> None:
            self.ack_button.setEnabled(True)
            self.backend.error_reported.emit(str(error))

        self.backend.run(
            lambda s: s.handovers.acknowledge(handover.uuid, reply),
            while_alive(self, done),
            while_alive(self, failed),
        )

    def selected_followup(self) -> FollowUp | None:
        rows = self.followups_table.selectionModel().selectedRows()
        return self.followups_model.followup_at(rows[0].row()) if rows else None

    def mark_done(self) -> None:
        followup = self.selected_followup()
        if followup is None:
            return
        note = self.done_note.text()

        def work(session: Session) -> FollowUp:
            return session.followups.mark_done(session.followups.get(followup.uuid), note)

        def done(_f: FollowUp) -> None:
            self.done_note.clear()
            self.backend.status_message.emit(self.tr("Follow-up marked done."))
            self.backend.changed("followups")

        self.backend.run(work, while_alive(self, done))

    def change_mine(self) -> None:
        """Open the latest handover this person wrote, to change it (a new version)."""
        if self.state.mine is not None:
            self.composer.edit(self.state.mine, self.state.mine_read_by)
            self.show_composer()

    def continue_draft(self) -> None:
        if self.state.drafts:
            self.resume(self.state.drafts[0].uuid)

    # --- the composer ----------------------------------------------------------------------

    def show_composer(self) -> None:
        self.stack.setCurrentWidget(self.composer)
        self.composer.focus_first()

    def show_overview(self) -> None:
        self.stack.setCurrentWidget(self.overview)
        self.refresh()
        self.focus_first()

    def _handover_saved(self, _uuid: str) -> None:
        self.show_overview()

    def flush_draft(self) -> bool:
        """Called before a lock: the open handover's last words reach the vault first."""
        if self.stack.currentWidget() is self.composer:
            return self.composer.flush_draft()
        return False

    def note_to_resume(self) -> str | None:
        """The draft to bring back after unlocking, if the composer is open."""
        if self.stack.currentWidget() is self.composer and self.composer.drafts.stored:
            return self.composer.drafts.uuid
        return None

    def resume(self, draft_uuid: str) -> None:
        """Reopen the composer with a kept draft (after a lock, or "Continue")."""

        def found(result: tuple[Draft, Handover | None]) -> None:
            self.composer.restore(*result)
            self.show_composer()

        self.backend.run(lambda s: draft_and_base(s, draft_uuid), while_alive(self, found))

    def focus_first(self) -> None:
        if self.stack.currentWidget() is self.composer:
            self.composer.focus_first()
            return
        for widget in (self.reply_edit, self.had_word_button, self.start_button, self.end_button):
            if widget.isVisibleTo(self) and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        super().focus_first()
