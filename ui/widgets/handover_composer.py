"""Writing the handover at the end of a shift, starting from what the shift's records say.

The generated summary (calls and minutes by channel and kind of contact, regulars with what
they were moving towards, follow-ups, crisis resources) sits beside five short sections the
person writes in plain words: how the line was, callers to keep in mind, follow-ups, phones
and the team, anything else. Two sections start prefilled from the summary, to edit or keep.

The text is autosaved every few seconds as a sealed draft (the same :class:`DraftKeeper` the
call form uses), so a crash or a lock loses at most those seconds. Follow-ups added here
become follow-up records of their own when the handover is saved, linked back to it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.handover_document import (
    SECTION_TITLES,
    handover_document,
    offer_paper_copy,
    summary_html,
)
from ui.theme import set_role
from ui.widgets.call_drafts import DraftKeeper, while_alive
from ui.widgets.lens_edit import LensTextEdit
from warmline.drafts import Draft
from warmline.handovers import SECTIONS, Handover
from warmline.records import new_uuid
from warmline.session import Session

HANDOVER_DRAFT = "handover"
AUTOSAVE_MS = 5000

#: Labels with their keyboard mnemonics (unique on the page while the composer shows).
_MNEMONIC_TITLES: dict[str, str] = {
    "how_it_was": "How the line &was",
    "callers_to_keep_in_mind": "&Callers to keep in mind",
    "follow_ups": "F&ollow-ups",
    "team_and_phones": "Phones, equipment and the &team",
    "anything_else": "Anything e&lse",
}
_PLACEHOLDERS: dict[str, str] = {
    "how_it_was": "Busy or quiet, what the calls were like, how you are leaving it",
    "callers_to_keep_in_mind": "By alias: who rang, how they were, what they were moving towards",
    "follow_ups": "What the next shift could pick up",
    "team_and_phones": "Phones, headsets, the rota, anything about the team",
    "anything_else": "Whatever does not fit above",
}


def prefill(summary: dict[str, Any]) -> dict[str, str]:
    """Starting text for two sections, from the summary: regulars and follow-ups."""
    regulars = [
        f"{r['alias']}: " + (f"moving towards {r['moving_towards']}" if r["moving_towards"] else "")
        for r in summary.get("regulars", [])
    ]
    followups = [f"- {text}" for text in summary.get("followups_raised", [])]
    return {
        "callers_to_keep_in_mind": "\n".join(line.rstrip(": ") for line in regulars),
        "follow_ups": "\n".join(followups),
    }


class HandoverComposer(QWidget):
    """The composer for one handover (a new one, a restored draft, or an edit)."""

    #: The handover was saved (its UUID).
    saved = Signal(str)
    #: The person chose to finish later (the draft stays).
    closed = Signal()

    def __init__(
        self, backend: Backend, parent: QWidget | None = None, *, autosave_ms: int = AUTOSAVE_MS
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handover-composer")
        self.setAccessibleName(self.tr("Write the handover"))
        self.backend = backend
        self._handover_uuid = new_uuid()
        self._shift_uuid: str | None = None
        self._summary: dict[str, Any] = {}
        self._editing: Handover | None = None
        self._pending: list[str] = []
        self._saving = False
        self.drafts = DraftKeeper(
            backend,
            self.fields,
            self._worth_keeping,
            lambda: self._handover_uuid,
            autosave_ms,
            self,
            kind=HANDOVER_DRAFT,
        )

        heading = QLabel(self.tr("Write the handover"))
        set_role(heading, "title")
        self.intro = QLabel()
        self.intro.setObjectName("handover-intro")
        self.intro.setWordWrap(True)
        set_role(self.intro, "hint")

        summary_title = QLabel(self.tr("From the shift's records"))
        set_role(summary_title, "subtitle")
        self.summary_view = QTextBrowser()
        self.summary_view.setObjectName("handover-summary")
        self.summary_view.setAccessibleName(self.tr("Summary from the shift's records"))
        self.summary_view.setMinimumWidth(260)

        self.sections: dict[str, LensTextEdit] = {}
        form = QGridLayout()
        form.setVerticalSpacing(4)
        for row, name in enumerate(SECTIONS):
            label = QLabel(self.tr(_MNEMONIC_TITLES[name]))
            edit = LensTextEdit()
            edit.setObjectName(f"handover-{name.replace('_', '-')}")
            edit.setAccessibleName(self.tr(SECTION_TITLES[name]))
            edit.setPlaceholderText(self.tr(_PLACEHOLDERS[name]))
            # About four lines each, so all five sections and the buttons fit on one screen
            # at normal text size; longer text scrolls inside its own field.
            lines = edit.fontMetrics().lineSpacing()
            edit.setMinimumHeight(lines * 3 + 16)
            edit.setMaximumHeight(lines * 4 + 16)
            edit.textChanged.connect(self._changed)
            label.setBuddy(edit)
            self.sections[name] = edit
            form.addWidget(label, row * 2, 0)
            form.addWidget(edit, row * 2 + 1, 0)

        followup_label = QLabel(self.tr("A &new follow-up for the next shifts"))
        self.followup_edit = QLineEdit()
        self.followup_edit.setObjectName("handover-new-followup")
        self.followup_edit.setAccessibleName(self.tr("A new follow-up"))
        self.followup_edit.setPlaceholderText(self.tr("What needs doing, in a line"))
        followup_label.setBuddy(self.followup_edit)
        self.followup_edit.returnPressed.connect(self.add_followup)
        self.add_followup_button = QPushButton(self.tr("&Add"))
        self.add_followup_button.setObjectName("handover-add-followup")
        self.add_followup_button.setAccessibleName(self.tr("Add this follow-up"))
        self.add_followup_button.clicked.connect(self.add_followup)
        self.pending_list = QListWidget()
        self.pending_list.setObjectName("handover-pending-followups")
        self.pending_list.setAccessibleName(self.tr("Follow-ups to add with this handover"))
        self.pending_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.pending_list.setVisible(False)

        self.status = QLabel()
        self.status.setObjectName("handover-status")
        self.status.setWordWrap(True)
        set_role(self.status, "hint")

        self.save_button = QPushButton(self.tr("Sa&ve handover"))
        self.save_button.setObjectName("handover-save")
        self.save_button.setAccessibleName(self.tr("Save the handover"))
        set_role(self.save_button, "primary")
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton(self.tr("&Print…"))
        self.print_button.setObjectName("handover-print")
        self.print_button.setAccessibleName(self.tr("Print the handover"))
        self.print_button.clicked.connect(lambda: self.paper_copy(as_pdf=False))
        self.pdf_button = QPushButton(self.tr("Save as P&DF…"))
        self.pdf_button.setObjectName("handover-pdf")
        self.pdf_button.setAccessibleName(self.tr("Save the handover as a PDF"))
        self.pdf_button.clicked.connect(lambda: self.paper_copy(as_pdf=True))
        self.later_button = QPushButton(self.tr("Finish &later"))
        self.later_button.setObjectName("handover-later")
        self.later_button.setAccessibleName(self.tr("Finish the handover later"))
        self.later_button.clicked.connect(self.finish_later)

        new_row = QHBoxLayout()
        new_row.addWidget(self.followup_edit, 1)
        new_row.addWidget(self.add_followup_button)
        form.addWidget(followup_label, len(SECTIONS) * 2, 0)
        form.addLayout(new_row, len(SECTIONS) * 2 + 1, 0)
        form.addWidget(self.pending_list, len(SECTIONS) * 2 + 2, 0)

        side = QVBoxLayout()
        side.addWidget(summary_title)
        side.addWidget(self.summary_view, 1)
        body = QHBoxLayout()
        body.setSpacing(16)
        form.setRowStretch(len(SECTIONS) * 2 + 3, 1)
        body.addLayout(form, 3)
        body.addLayout(side, 2)

        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.intro)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.setFocusProxy(self.sections["how_it_was"])

    # --- filling ---------------------------------------------------------------------------

    def start_new(self, shift_uuid: str | None, summary: dict[str, Any]) -> None:
        """A fresh handover for the shift that just ended, prefilled from its summary."""
        self._handover_uuid = new_uuid()
        self._shift_uuid = shift_uuid
        self._editing = None
        self._pending = []
        self.drafts.start_fresh()
        self._fill(
            summary,
            {"how_it_was": "", "team_and_phones": "", "anything_else": "", **prefill(summary)},
        )
        self.intro.setText(
            self.tr(
                "The summary on the right comes from the shift's own records. Add what only "
                "you know, in plain words. It is saved as you type."
            )
        )
        self.drafts.mark_dirty()

    def restore(self, draft: Draft, editing: Handover | None = None) -> None:
        """Carry on with a draft left by a lock, a crash or "Finish later"; ``editing`` is
        the saved handover when the draft was an edit of one."""
        data = draft.fields
        self._handover_uuid = str(data.get("handover_uuid") or draft.target_uuid or new_uuid())
        self._shift_uuid = data.get("shift_uuid")
        self._editing = None
        revision = data.get("editing_revision")
        if editing is not None and isinstance(revision, int) and revision > 0:
            # Saved at the revision the edit started from, so a change made meanwhile by
            # someone else is reported as a conflict rather than overwritten.
            self._editing = editing
            self._editing.revision = revision
        self._pending = [str(t) for t in data.get("pending_followups", [])]
        self.drafts.adopt(draft.uuid)
        self._fill(data.get("summary") or {}, {n: str(data.get(n, "")) for n in SECTIONS})
        self.intro.setText(self.tr("Your unfinished handover, as you left it."))

    def edit(self, handover: Handover, read_by: int) -> None:
        """Change a saved handover. Once someone has read it the earlier text is kept."""
        self._handover_uuid = handover.uuid
        self._shift_uuid = handover.shift_uuid
        self._editing = handover
        self._pending = []
        self.drafts.start_fresh()
        self._fill(handover.summary, {n: getattr(handover, n) for n in SECTIONS})
        if read_by:
            self.intro.setText(
                self.tr(
                    "Already read by {n}. Your changes are saved as a new version; the "
                    "earlier one stays in its history."
                ).format(n=read_by)
            )
        else:
            self.intro.setText(self.tr("Nobody has read it yet, so you can still change it."))

    def _fill(self, summary: dict[str, Any], texts: dict[str, str]) -> None:
        self._summary = dict(summary)
        self.summary_view.setHtml(summary_html(summary))
        for name, edit in self.sections.items():
            edit.blockSignals(True)
            edit.setPlainText(texts.get(name, ""))
            edit.blockSignals(False)
        self.pending_list.clear()
        self.pending_list.addItems(self._pending)
        self.pending_list.setVisible(bool(self._pending))
        self.followup_edit.clear()
        self.status.clear()
        self._set_saving(False)

    # --- state -----------------------------------------------------------------------------

    @property
    def handover_uuid(self) -> str:
        return self._handover_uuid

    def fields(self) -> dict[str, Any]:
        """What a draft keeps: everything on screen plus which handover it belongs to."""
        data: dict[str, Any] = {n: e.toPlainText() for n, e in self.sections.items()}
        data.update(
            handover_uuid=self._handover_uuid,
            shift_uuid=self._shift_uuid,
            summary=self._summary,
            pending_followups=list(self._pending),
            editing_revision=self._editing.revision if self._editing else 0,
        )
        return data

    def _worth_keeping(self) -> bool:
        return bool(self._pending) or any(e.toPlainText().strip() for e in self.sections.values())

    def _changed(self) -> None:
        self.drafts.mark_dirty()

    def flush_draft(self) -> bool:
        return self.drafts.flush()

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        for button in (self.save_button, self.later_button, self.add_followup_button):
            button.setEnabled(not saving)
        self.drafts.pause(saving)

    # --- actions ---------------------------------------------------------------------------

    def add_followup(self) -> None:
        text = self.followup_edit.text().strip()
        if not text:
            return
        self._pending.append(text)
        self.pending_list.addItem(text)
        self.pending_list.setVisible(True)
        self.followup_edit.clear()
        self.drafts.mark_dirty()

    def build(self) -> Handover:
        """The handover as on screen (for saving and for a paper copy)."""
        base = self._editing or Handover(uuid=self._handover_uuid)
        handover = Handover(
            uuid=base.uuid,
            revision=base.revision,
            day=base.day,
            shift_uuid=self._shift_uuid,
            author_uuid=base.author_uuid or self.backend.account.uuid,
            created_at=base.created_at or self.backend.clock.now(),
            summary=self._summary,
        )
        for name, edit in self.sections.items():
            setattr(handover, name, edit.toPlainText().strip())
        return handover

    def save(self) -> None:
        if self._saving:
            return
        handover = self.build()
        editing = self._editing is not None
        if not editing:
            handover.created_at = None  # the core stamps the moment it is saved
        pending = list(self._pending)
        draft_uuid = self.drafts.uuid if self.drafts.stored else None
        shift_uuid = self._shift_uuid

        def work(session: Session) -> str:
            stored = (
                session.handovers.update(handover) if editing else session.handovers.add(handover)
            )
            for text in pending:
                session.followups.raise_from_handover(stored.uuid, text, shift_uuid)
            if draft_uuid:
                session.drafts.discard(draft_uuid)
            return stored.uuid

        self._set_saving(True)
        handle = self.backend.run(
            work, while_alive(self, self._saved), while_alive(self, self._save_failed)
        )
        if handle is None:
            self._set_saving(False)

    def _saved(self, handover_uuid: str) -> None:
        self._set_saving(False)
        self._pending = []
        self.drafts.start_fresh()
        self.backend.changed("handovers")
        self.backend.changed("followups")
        self.backend.changed("drafts")
        self.backend.status_message.emit(self.tr("Handover saved. Thank you."))
        self.saved.emit(handover_uuid)

    def _save_failed(self, error: BaseException) -> None:
        self._set_saving(False)
        self.drafts.mark_dirty()
        self.status.setText(describe(error))
        set_role(self.status, "error")

    def finish_later(self) -> None:
        """Keep the draft and go back; it is offered again on the On shift page."""
        self.drafts.flush()
        self.backend.changed("drafts")
        self.closed.emit()

    def paper_copy(self, *, as_pdf: bool) -> bool:
        document = handover_document(
            self.build(), self.backend.display_name, line_name=self.backend.line_name
        )
        return offer_paper_copy(self, document, as_pdf=as_pdf)

    def focus_first(self) -> None:
        self.sections["how_it_was"].setFocus(Qt.FocusReason.OtherFocusReason)
