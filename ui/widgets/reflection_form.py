"""The private reflection after a call: a few questions, a check-in, and what would help.

A moment of care, not a form to get through: every question is optional, the screen says
once and plainly that only this person can ever read it, and it is autosaved as a sealed
draft (kind ``reflection``, the worker's own key) from the moment it opens, so putting it
aside, a lock or the next call (Ctrl+N works from here) loses nothing. The questions come
from ``warmline/data/ips.json``, grounded in the four IPS tasks and three principles and
asking about the worker's own part, never assessing the caller.

Choosing "a word with the shift lead" offers a button that tells the current lead only that
this person would like a word: their name and the time, never anything written here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui import reflection_work as work
from ui.backend import Backend, describe
from ui.models.calls_model import time_text
from ui.prompts import Prompts
from ui.theme import set_role
from ui.widgets.call_drafts import DraftKeeper, while_alive
from ui.widgets.choice_row import ChoiceRow
from ui.widgets.lens_edit import LensTextEdit, keep_input_private
from warmline import ips
from warmline.calls import Call
from warmline.debriefs import FEELING_LIMIT, Debrief
from warmline.drafts import Draft
from warmline.session import Session

AUTOSAVE_MS = 3000


def call_line(call: Call | None, alias: str) -> str:
    """ "Mon 30 Nov 2026, 20:31 · Phone · Robin": which call a reflection follows."""
    if call is None:
        return ""
    channel = next((c.label for c in ips.channels() if c.id == call.channel), call.channel)
    parts = [time_text(call.started_at), channel]
    if alias:
        parts.append(alias)
    return " · ".join(p for p in parts if p)


class ReflectionForm(QWidget):
    """One reflection on one call, autosaved as a sealed draft while it is open."""

    #: The reflection was stored (its UUID).
    saved = Signal(str)
    #: The form was put aside or let go; the page goes back to the list.
    closed = Signal()

    def __init__(
        self, backend: Backend, parent: QWidget | None = None, *, autosave_ms: int = AUTOSAVE_MS
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reflection-form")
        self.setAccessibleName(self.tr("A private reflection"))
        self.backend = backend
        self._call_uuid: str | None = None
        self._shift_uuid: str | None = None
        self._lead_uuid: str | None = None
        self._open = False
        self._saving = False
        self._loading = False
        frame = ips.reflection()
        self.drafts = DraftKeeper(
            backend,
            self.fields,
            lambda: self._open,
            lambda: self._call_uuid,
            autosave_ms,
            self,
            kind=work.REFLECTION_DRAFT,
        )

        heading = QLabel(self.tr("A quiet moment after the call"))
        set_role(heading, "title")
        self.call_label = QLabel()
        self.call_label.setObjectName("reflection-call")
        self.call_label.setWordWrap(True)
        self.privacy = QLabel(frame.privacy)
        self.privacy.setObjectName("reflection-privacy")
        self.privacy.setWordWrap(True)
        privacy_card = QFrame()
        privacy_card.setObjectName("reflection-privacy-card")
        set_role(privacy_card, "card")
        QVBoxLayout(privacy_card).addWidget(self.privacy)

        # -- how I am now ------------------------------------------------------------------
        check_caption = QLabel(self.tr("How are you n&ow?"))
        # Plain radio groups, so the arrow keys move along them as people expect. Nothing is
        # chosen until the person chooses: leaving them all empty is an answer too.
        self.check_group = QButtonGroup(self)
        self.check_buttons: dict[int, QRadioButton] = {}
        for value, label in frame.check_in_scale:
            button = QRadioButton(f"{value} {label}")
            button.setObjectName(f"reflection-check-in-{value}")
            button.setAccessibleName(
                self.tr("{label}, {value} of {top}").format(
                    label=label, value=value, top=frame.check_in_scale[-1][0]
                )
            )
            self.check_group.addButton(button, value)
            self.check_buttons[value] = button
        check_row = ChoiceRow(list(self.check_buttons.values()))
        check_row.setObjectName("reflection-check-in")
        check_caption.setBuddy(check_row)  # goes there; choosing is the person's
        self.check_group.idToggled.connect(self._check_toggled)
        feeling_caption = QLabel(self.tr("A few &words about it (optional)"))
        self.feeling_edit = QLineEdit()
        self.feeling_edit.setObjectName("reflection-feeling")
        self.feeling_edit.setAccessibleName(self.tr("A few words about how you are"))
        self.feeling_edit.setMaxLength(FEELING_LIMIT)
        keep_input_private(self.feeling_edit)
        feeling_caption.setBuddy(self.feeling_edit)
        self.feeling_edit.textChanged.connect(self._changed)

        # -- what would help ---------------------------------------------------------------
        need_caption = QLabel(self.tr("What would hel&p now?"))
        self.need_group = QButtonGroup(self)
        self.need_buttons: dict[str, QRadioButton] = {}
        for number, need in enumerate(frame.needs):
            button = QRadioButton(need.label)
            button.setObjectName(f"reflection-need-{need.id}")
            button.setAccessibleName(need.label)
            self.need_group.addButton(button, number)
            self.need_buttons[need.id] = button
        need_row = ChoiceRow(list(self.need_buttons.values()))
        need_row.setObjectName("reflection-needs")
        need_caption.setBuddy(need_row)
        self.need_group.idToggled.connect(self._need_toggled)
        self.lead_note = QLabel()
        self.lead_note.setObjectName("reflection-lead-note")
        self.lead_note.setWordWrap(True)
        set_role(self.lead_note, "hint")
        self.tell_lead_button = QPushButton(self.tr("Let them k&now"))
        self.tell_lead_button.setObjectName("reflection-tell-lead")
        self.tell_lead_button.clicked.connect(self.tell_lead)
        lead_row = QHBoxLayout()
        lead_row.addWidget(self.lead_note, 1)
        lead_row.addWidget(self.tell_lead_button)

        # -- the questions -----------------------------------------------------------------
        questions_caption = QLabel(self.tr("&Questions to sit with, if you like"))
        set_role(questions_caption, "subtitle")
        hint = QLabel(self.tr("Every question is optional: answer one, some or none."))
        set_role(hint, "hint")
        self.answers: dict[str, LensTextEdit] = {}
        grid = QGridLayout()
        grid.setVerticalSpacing(4)
        for row, question in enumerate(ips.debrief_questions()):
            caption = QLabel(question.text)
            caption.setWordWrap(True)
            edit = LensTextEdit()
            edit.setObjectName(f"reflection-answer-{question.id.replace('_', '-')}")
            edit.setAccessibleName(question.text)
            edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
            edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * 5 + 12)
            edit.textChanged.connect(self._changed)
            caption.setBuddy(edit)
            grid.addWidget(caption, row * 2, 0)
            grid.addWidget(edit, row * 2 + 1, 0)
            self.answers[question.id] = edit
        questions_caption.setBuddy(next(iter(self.answers.values())))
        note_caption = QLabel(self.tr("A note to m&yself"))
        self.note_edit = LensTextEdit()
        self.note_edit.setObjectName("reflection-note-to-self")
        self.note_edit.setAccessibleName(self.tr("A note to myself"))
        self.note_edit.setMinimumHeight(self.note_edit.fontMetrics().lineSpacing() * 3 + 12)
        self.note_edit.setMaximumHeight(self.note_edit.fontMetrics().lineSpacing() * 5 + 12)
        self.note_edit.textChanged.connect(self._changed)
        note_caption.setBuddy(self.note_edit)

        # -- buttons -----------------------------------------------------------------------
        self.save_button = QPushButton(self.tr("&Save my reflection"))
        self.save_button.setObjectName("reflection-save")
        self.save_button.setAccessibleName(self.tr("Save my reflection"))
        set_role(self.save_button, "primary")
        self.save_button.clicked.connect(self.save)
        self.aside_button = QPushButton(self.tr("Put it &aside for later"))
        self.aside_button.setObjectName("reflection-aside")
        self.aside_button.setAccessibleName(self.tr("Put it aside for later"))
        self.aside_button.clicked.connect(self.put_aside)
        self.let_go_button = QPushButton(self.tr("&Let it go"))
        self.let_go_button.setObjectName("reflection-let-go")
        self.let_go_button.setAccessibleName(self.tr("Let this reflection go without saving"))
        self.let_go_button.clicked.connect(self.let_go)
        self.status = QLabel()
        self.status.setObjectName("reflection-status")
        self.status.setWordWrap(True)
        set_role(self.status, "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.aside_button)
        buttons.addWidget(self.let_go_button)
        buttons.addStretch(1)

        check_card = QFrame()
        check_card.setObjectName("reflection-check-in")
        set_role(check_card, "card")
        check_layout = QVBoxLayout(check_card)
        check_layout.addWidget(check_caption)
        check_layout.addWidget(check_row)
        check_layout.addWidget(feeling_caption)
        check_layout.addWidget(self.feeling_edit)
        check_layout.addWidget(need_caption)
        check_layout.addWidget(need_row)
        check_layout.addLayout(lead_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.call_label)
        layout.addWidget(privacy_card)
        layout.addWidget(check_card)
        layout.addWidget(questions_caption)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addWidget(note_caption)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._update_lead_row()

    # --- opening ---------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True while a reflection is open in the form."""
        return self._open

    @property
    def call_uuid(self) -> str | None:
        return self._call_uuid

    def start(self, call_uuid: str | None, draft_uuid: str | None = None) -> None:
        """Open the reflection on ``call_uuid`` (or a kept draft), carrying on any draft."""

        def begun(start: work.ReflectionStart) -> None:
            self._show_start(call_uuid, start)

        self.backend.run(lambda s: work.begin(s, call_uuid, draft_uuid), while_alive(self, begun))

    def _show_start(self, call_uuid: str | None, start: work.ReflectionStart) -> None:
        self._loading = True
        try:
            self._clear()
            draft = start.draft
            self._call_uuid = start.call.uuid if start.call else call_uuid
            if draft is not None:
                self._call_uuid = draft.target_uuid or self._call_uuid
                shift = draft.fields.get("shift_uuid")
                self._shift_uuid = str(shift) if shift else None
                self._load(draft.fields)
                self.drafts.adopt(draft.uuid)
            else:
                self._shift_uuid = start.shift.uuid if start.shift else None
                self.drafts.start_fresh()
            self._lead_uuid = None
            if start.shift is not None and start.shift.lead_uuid != self.backend.account.uuid:
                self._lead_uuid = start.shift.lead_uuid
            line = call_line(start.call, start.alias)
            self.call_label.setText(
                self.tr("After the call: {line}").format(line=line)
                if line
                else self.tr("About a call")
            )
        finally:
            self._loading = False
        self._open = True
        self.status.setText("")
        self._update_lead_row()
        if draft is None:
            self.drafts.write()  # a reminder exists from now on, until saved or let go
        self.focus_first()

    def _clear(self) -> None:
        for group in (self.check_group, self.need_group):
            group.setExclusive(False)  # an exclusive group cannot be emptied otherwise
            for button in group.buttons():
                button.setChecked(False)
            group.setExclusive(True)
        self.feeling_edit.clear()
        for edit in (*self.answers.values(), self.note_edit):
            edit.clear()

    def _load(self, data: dict[str, Any]) -> None:
        answers = data.get("answers")
        if isinstance(answers, dict):
            for key, edit in self.answers.items():
                edit.setPlainText(str(answers.get(key, "")))
        check_in = data.get("check_in")
        if isinstance(check_in, int) and check_in in self.check_buttons:
            self.check_buttons[check_in].setChecked(True)
        need = str(data.get("need") or "")
        if need in self.need_buttons:
            self.need_buttons[need].setChecked(True)
        self.feeling_edit.setText(str(data.get("feeling") or ""))
        self.note_edit.setPlainText(str(data.get("note_to_self") or ""))

    # --- what is on screen -----------------------------------------------------------------

    def check_in(self) -> int:
        return max(self.check_group.checkedId(), 0)

    def need(self) -> str:
        return next((key for key, b in self.need_buttons.items() if b.isChecked()), "")

    def fields(self) -> dict[str, Any]:
        """The open reflection as a draft keeps it."""
        return {
            "version": work.FIELDS_VERSION,
            "shift_uuid": self._shift_uuid,
            "answers": {k: e.toPlainText() for k, e in self.answers.items()},
            "check_in": self.check_in(),
            "feeling": self.feeling_edit.text(),
            "need": self.need(),
            "note_to_self": self.note_edit.toPlainText(),
        }

    def reflection(self) -> Debrief:
        return work.reflection_from_fields(self.fields(), self._call_uuid)

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self.drafts.mark_dirty()

    def _check_toggled(self, _value: int, checked: bool) -> None:
        if checked:
            self._changed()

    def _need_toggled(self, _number: int, checked: bool) -> None:
        if checked:
            self._update_lead_row()
            self._changed()

    def _update_lead_row(self) -> None:
        wants = self.need() == "lead"
        lead = self._lead_uuid
        self.lead_note.setVisible(wants)
        self.tell_lead_button.setVisible(wants and bool(lead))
        if not wants:
            return
        if lead:
            name = self.backend.display_name(lead)
            self.lead_note.setText(
                self.tr(
                    "If you like, {name} can know you would like a word: only your name and "
                    "the time, never anything you write here."
                ).format(name=name)
            )
            self.tell_lead_button.setAccessibleName(
                self.tr("Let {name} know you would like a word").format(name=name)
            )
        else:
            self.lead_note.setText(
                self.tr(
                    "Nobody else is leading your shift just now. A coordinator or someone "
                    "you trust on the team would want to hear from you."
                )
            )

    def focus_first(self) -> None:
        first = self.check_buttons[min(self.check_buttons)]
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- actions ---------------------------------------------------------------------------

    def tell_lead(self) -> None:
        """Tell the shift's lead this person would like a word (name and time only)."""
        if not self._lead_uuid:
            return
        self.tell_lead_button.setEnabled(False)

        def told(lead_uuid: str) -> None:
            self.tell_lead_button.setEnabled(True)
            self.tell_lead_button.setVisible(False)
            self.lead_note.setText(
                self.tr(
                    "{name} knows you would like a word. Nothing you wrote went with it."
                ).format(name=self.backend.display_name(lead_uuid))
            )
            self.backend.changed("word_requests")

        def failed(error: BaseException) -> None:
            self.tell_lead_button.setEnabled(True)
            self.lead_note.setText(describe(error))

        self.backend.run(work.ask_for_a_word, while_alive(self, told), while_alive(self, failed))

    def save(self) -> None:
        if self._saving or not self._open:
            return
        reflection = self.reflection()
        draft_uuid = self.drafts.uuid if self.drafts.stored else None
        self._saving = True
        self.drafts.pause(True)
        self.save_button.setEnabled(False)

        def stored(rec: Debrief) -> None:
            self._saving = False
            self.drafts.pause(False)
            self.save_button.setEnabled(True)
            self._finish()
            self.backend.changed("debriefs")
            self.backend.changed("drafts")
            self.backend.status_message.emit(self.tr("Your reflection is saved, for you alone."))
            self.saved.emit(rec.uuid)

        def failed(error: BaseException) -> None:
            self._saving = False
            self.drafts.pause(False)
            self.save_button.setEnabled(True)
            self.drafts.mark_dirty()
            self.status.setText(describe(error))

        def run(session: Session) -> Debrief:
            return work.save(session, reflection, draft_uuid)

        if self.backend.run(run, while_alive(self, stored), while_alive(self, failed)) is None:
            failed(RuntimeError())

    def put_aside(self) -> None:
        """Keep it as it is; the On shift page reminds the worker until the shift ends."""
        if self._open:
            self.drafts.flush()
        self._finish()
        self.backend.changed("drafts")
        self.closed.emit()

    def let_go(self) -> None:
        """Drop it (asking first if anything was written)."""
        if not self._open:
            self.closed.emit()
            return
        if not work.is_empty(self.fields()) and not Prompts.confirm(
            self,
            self.tr("Let this reflection go?"),
            self.tr("What you wrote here will not be kept."),
            self.tr("Let it go"),
            self.tr("Keep writing"),
        ):
            return
        self.drafts.drop()
        self._finish()
        self.backend.changed("drafts")
        self.closed.emit()

    def _finish(self) -> None:
        self._open = False
        self._loading = True
        try:
            self._clear()
        finally:
            self._loading = False
        self.drafts.start_fresh()
        self._call_uuid = None

    def flush_draft(self) -> bool:
        return self.drafts.flush() if self._open else False

    def restore(self, draft: Draft) -> None:
        """Open a kept draft (after a lock, or from a reminder)."""
        self.start(draft.target_uuid, draft.uuid)
