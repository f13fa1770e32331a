"""The call note: what a volunteer fills in while someone is on the line.

What shapes it:

* **Fast with one hand.** Ctrl+N starts the timer, Ctrl+E ends it, Ctrl+S saves; Ctrl+1..4
  jump to the four IPS sections (Alt+1..9 belong to the main window's navigation); Tab and
  Shift+Tab walk the fields in reading order; every label has a mnemonic. The shortcuts are
  window-wide but Qt only fires them while the form is visible, so they work straight after
  switching to the page, without a click, and never from another page.
* **Never lose a word.** The open note is autosaved as a sealed draft every few seconds when
  it changed, and on :meth:`CallForm.flush_draft` (the app calls it on lock); see
  :mod:`ui.widgets.call_drafts`. Starting a new call over an unsaved one, opening a call for
  editing or restoring another draft *parks* the open note as a draft instead of dropping
  it, and the banner offers it back later. While a save is in flight the fields are
  disabled, so nothing typed can slip in between the save and the form clearing.
* **In the caller's own terms.** The four sections follow the IPS tasks in order, each with
  its prompt and a grey example, and each is a :class:`~ui.widgets.lens_edit.LensTextEdit`;
  the side hint shows the lens's suggestions for the section being written — only ever as
  suggestions.

The form is the life cycle around the note (timer, drafts, saving, editing, the regular's
card and the lens hint); the fields themselves are :class:`~ui.widgets.call_note.CallNote`.
It never touches the database: everything goes through ``backend.run``.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.prompts import Prompts
from ui.theme import set_role
from ui.widgets.call_drafts import DraftKeeper, while_alive
from ui.widgets.call_note import CallNote
from ui.widgets.call_timer import CallTimer, PastCallTimes, format_elapsed
from ui.widgets.caller_card import CallerCard
from ui.widgets.draft_banner import DraftBanner, local_when
from warmline.callers import Caller
from warmline.calls import Call, CallerKind, CallRepository, day_start
from warmline.drafts import Draft
from warmline.errors import Conflict, NotFound
from warmline.language import suggestion_text
from warmline.session import Session
from warmline.timeutil import from_iso, to_iso

#: How often the open note is autosaved when it changed, in milliseconds.
AUTOSAVE_MS = 3000
#: Version of the dict :meth:`CallForm.fields` returns (drafts outlive app versions).
FIELDS_VERSION = 1


def local_midnight_utc(now: datetime) -> datetime:
    """The start of today where the workstation is, in UTC (call agreements reset then)."""
    return day_start(now.astimezone()).astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    return to_iso(moment) if moment is not None else None


def _when(value: object) -> datetime | None:
    """A datetime from a draft's ISO string; None for anything missing or damaged."""
    if not isinstance(value, str):
        return None
    try:
        return from_iso(value)
    except ValueError:
        return None


class CallForm(QWidget):
    """Log one call: timer, caller, channel, the four IPS sections, topics and follow-up."""

    #: A call was saved (its UUID); the form is already clear for the next one.
    saved = Signal(str)
    #: An existing call was saved after editing (the shell goes back to the list).
    edit_saved = Signal(str)
    #: A draft of the open note landed in the vault (its UUID).
    draft_saved = Signal(str)
    #: The timer of a new call was started (the page may offer to start a shift).
    call_started = Signal()

    def __init__(
        self,
        backend: Backend,
        parent: QWidget | None = None,
        *,
        autosave_interval_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("call-form")
        self.backend = backend
        self._clock = backend.clock
        self._card_request = 0
        self._editing: Call | None = None
        self._loaded_snapshot: dict[str, Any] | None = None
        self._loaded_times: tuple[QDateTime, QTime] | None = None
        self._quiet = 0
        self._saving = False
        self._focus_before_save: QWidget | None = None
        self._offered: list[Draft] = []
        self._resume_uuid: str | None = None

        self.timer = CallTimer(self._clock, self)
        self.drafts = DraftKeeper(
            backend,
            self.fields,
            self._worth_keeping,
            lambda: self._editing.uuid if self._editing is not None else None,
            autosave_interval_ms,
            self,
        )

        bar = self._build_bar()
        self.note = CallNote()
        #: Shortcuts into the note, for readability (and tests).
        self.picker = self.note.picker
        self.sections = self.note.sections

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("call-scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no empty Tab stop
        # Everything wraps to the width, so a sideways scroll bar only appears in a window
        # too narrow for the text size; clipping the right edge would hide words.
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll_area.setWidget(self.note)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(self.scroll_area, 3)
        body.addWidget(self._build_side(), 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.edit_banner)
        layout.addLayout(body, 1)

        self._set_tab_order()
        self._install_shortcuts()
        self._connect_signals()
        self._update_buttons()
        self._update_lens_hint()

        backend.records_changed.connect(self._records_changed)
        self._load_callers()
        self._load_topics()
        self.check_drafts()

    # ======================================================================================
    # Building
    # ======================================================================================

    def _build_bar(self) -> QWidget:
        """Timer, Start/End/Save and the past-call times: always visible, above the scroll."""
        bar = QWidget(self)
        bar.setObjectName("call-bar")
        heading = QLabel(self.tr("Log a call"), bar)
        heading.setObjectName("call-heading")
        set_role(heading, "subtitle")
        self.timer_label = QLabel(format_elapsed(0), bar)
        self.timer_label.setObjectName("call-timer")
        self.timer_label.setAccessibleName(self.tr("Call time"))
        set_role(self.timer_label, "title")

        self.start_button = QPushButton(self.tr("&Start call"), bar)
        self.start_button.setObjectName("call-start")
        self.start_button.setToolTip(self.tr("Start the timer now (Ctrl+N)"))
        self.start_button.setAccessibleName(self.tr("Start call"))
        set_role(self.start_button, "primary")
        self.end_button = QPushButton(self.tr("&End call"), bar)
        self.end_button.setObjectName("call-end")
        self.end_button.setToolTip(self.tr("Stop the timer (Ctrl+E)"))
        self.end_button.setAccessibleName(self.tr("End call"))
        self.save_button = QPushButton(self.tr("Sa&ve call"), bar)
        self.save_button.setObjectName("call-save")
        self.save_button.setToolTip(self.tr("Save this call and clear the form (Ctrl+S)"))
        self.save_button.setAccessibleName(self.tr("Save call"))

        self.past_toggle = QCheckBox(self.tr("Log a &past call"), bar)
        self.past_toggle.setObjectName("call-past")
        self.past_toggle.setAccessibleName(self.tr("Log a past call"))
        self.past_toggle.setToolTip(self.tr("Type in when a call happened instead of timing it"))
        self.past_times = PastCallTimes(bar)
        self.past_times.hide()

        self.draft_status = QLabel(bar)
        self.draft_status.setObjectName("draft-status")
        self.draft_status.setWordWrap(True)
        set_role(self.draft_status, "hint")

        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(heading)
        top.addWidget(self.timer_label)
        top.addWidget(self.start_button)
        top.addWidget(self.end_button)
        top.addStretch(1)
        top.addWidget(self.save_button)
        second = QHBoxLayout()
        second.setSpacing(12)
        second.addWidget(self.past_toggle)
        second.addWidget(self.past_times, 1)
        second.addWidget(self.draft_status, 1)
        layout = QVBoxLayout(bar)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(second)

        self.banner = DraftBanner(self)

        self.edit_banner = QFrame(self)
        self.edit_banner.setObjectName("edit-banner")
        self.edit_banner.setAccessibleName(self.tr("Editing a saved call"))
        set_role(self.edit_banner, "card")
        self.edit_banner_text = QLabel(self.edit_banner)
        self.edit_banner_text.setObjectName("edit-banner-text")
        self.edit_banner_text.setWordWrap(True)
        self.stop_edit_button = QPushButton(self.tr("Stop &editing"), self.edit_banner)
        self.stop_edit_button.setObjectName("edit-stop")
        self.stop_edit_button.setAccessibleName(self.tr("Stop editing this call"))
        edit_layout = QHBoxLayout(self.edit_banner)
        edit_layout.setContentsMargins(12, 8, 12, 8)
        edit_layout.addWidget(self.edit_banner_text, 1)
        edit_layout.addWidget(self.stop_edit_button)
        self.edit_banner.hide()
        return bar

    def _build_side(self) -> QWidget:
        """The regular's card and the lens hint, beside the form and outside its scroll."""
        side = QWidget(self)
        side.setObjectName("call-side")
        self.card = CallerCard(side)
        self.lens_hint = QLabel(side)
        self.lens_hint.setObjectName("lens-hint")
        self.lens_hint.setWordWrap(True)
        self.lens_hint.setAccessibleName(self.tr("Wording suggestions"))
        set_role(self.lens_hint, "lens-hint")
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self.card)
        layout.addWidget(self.lens_hint)
        layout.addStretch(1)
        return side

    def _set_tab_order(self) -> None:
        """Reading order: bar, caller, contact, the four sections, then the rest."""
        chain: list[QWidget] = [
            self.start_button,
            self.end_button,
            self.save_button,
            self.past_toggle,
            self.past_times.start_edit,
            self.past_times.end_edit,
            *self.note.tab_chain(),
            self.banner.restore_button,
            self.banner.discard_button,
            self.stop_edit_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _install_shortcuts(self) -> None:
        """Window-wide, but Qt only fires a widget's shortcut while that widget is visible."""
        self.shortcuts: dict[str, QShortcut] = {}

        def add(name: str, keys: str, slot: Any) -> None:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setObjectName(f"shortcut-{name}")
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[name] = shortcut

        add("start", "Ctrl+N", self.start_call)
        add("end", "Ctrl+E", self.end_call)
        add("save", "Ctrl+S", self.save)
        for number, task_id in enumerate(self.sections, start=1):
            add(task_id, f"Ctrl+{number}", lambda t=task_id: self.focus_section(t))

    def _connect_signals(self) -> None:
        """Buttons to actions; every edit marks the note changed for the next autosave."""
        self.start_button.clicked.connect(self.start_call)
        self.end_button.clicked.connect(self.end_call)
        self.save_button.clicked.connect(self.save)
        self.stop_edit_button.clicked.connect(self.stop_editing)
        self.banner.restore_requested.connect(self.restore_offered)
        self.banner.discard_requested.connect(self.discard_offered)
        self.timer.changed.connect(self._refresh_timer_label)
        self.drafts.saved.connect(self._draft_landed)
        self.drafts.failed.connect(self._draft_failed)
        self.drafts.found.connect(self._drafts_found)
        self.picker.picked_changed.connect(self._show_card)
        self.past_toggle.toggled.connect(self._past_toggled)
        self.past_times.changed.connect(self._past_times_changed)
        self.note.changed.connect(self._mark_dirty)
        self.note.section_focused.connect(self._update_lens_hint)

    # ======================================================================================
    # Public API
    # ======================================================================================

    @property
    def editing(self) -> Call | None:
        """The saved call open for editing, or None for a new call."""
        return self._editing

    @property
    def saving(self) -> bool:
        """True while a save of the call is in flight."""
        return self._saving

    def start_call(self) -> None:
        """Start the timer now; a finished but unsaved note is parked as a draft first."""
        if self._saving or self._editing is not None or self.timer.running:
            return
        if self.timer.started or (self.past_toggle.isChecked() and self.has_content()):
            self._park()
            self.check_drafts()  # so the banner offers the parked note back
        with self._quietly():
            self.past_toggle.setChecked(False)
        self.timer.start()
        self._mark_dirty()
        self._update_buttons()
        self.call_started.emit()
        focus = self.focusWidget()
        if focus is None or focus is self.start_button or not self.isAncestorOf(focus):
            self.picker.focus_target().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def end_call(self) -> None:
        """Stop the timer (the note stays open to finish and save)."""
        if not self.timer.running:
            return
        self.timer.end()
        self._mark_dirty()
        self._update_buttons()

    def focus_section(self, task_id: str) -> None:
        """Jump to one of the four IPS sections (Ctrl+1..4)."""
        edit = self.sections[task_id]
        self.scroll_area.ensureWidgetVisible(self.note.section_titles[task_id])
        self.scroll_area.ensureWidgetVisible(edit)
        edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def has_content(self) -> bool:
        """Whether anything on the form is worth keeping."""
        return self._editing is not None or self.timer.started or self.note.has_content()

    def is_blank(self) -> bool:
        """True for an untouched form: saving it would only log an empty call by mistake."""
        return (
            not self.timer.started
            and self._editing is None
            and not self.past_toggle.isChecked()
            and self.note.is_untouched()
        )

    def fields(self) -> dict[str, Any]:
        """Everything on the form as plain JSON-able values (the draft's sealed body)."""
        editing: dict[str, Any] | None = None
        if self._editing is not None:
            call = self._editing
            editing = {
                "uuid": call.uuid,
                "revision": call.revision,
                "author_uuid": call.author_uuid,
                "shift_uuid": call.shift_uuid,
                "caller_uuid": call.caller_uuid,
                "started_at": _iso(call.started_at),
                "ended_at": _iso(call.ended_at),
            }
        past = self.past_toggle.isChecked()
        past_start, past_end = self.past_times.times() if past else (None, None)
        return {
            "version": FIELDS_VERSION,
            "started_at": _iso(self.timer.started_at),
            "ended_at": _iso(self.timer.ended_at),
            "past": past,
            "past_started_at": _iso(past_start),
            "past_ended_at": _iso(past_end),
            "editing": editing,
            **self.note.draft_values(),
        }

    def load_fields(self, data: dict[str, Any]) -> None:
        """Fill the form from :meth:`fields` output (a draft), tolerating missing keys.

        A running call keeps its original start, so its timer goes on where it was.
        """
        with self._quietly():
            self._reset_widgets()
            editing = data.get("editing")
            if isinstance(editing, dict) and editing.get("uuid"):
                self._editing = Call(
                    uuid=str(editing["uuid"]),
                    revision=int(editing.get("revision") or 0),
                    author_uuid=str(editing.get("author_uuid") or ""),
                    shift_uuid=editing.get("shift_uuid"),
                    caller_uuid=editing.get("caller_uuid"),
                    started_at=_when(editing.get("started_at")),
                    ended_at=_when(editing.get("ended_at")),
                )
                self._remember_loaded_times(self._editing)
            started = _when(data.get("started_at"))
            self.timer.restore(started, _when(data.get("ended_at")) if started else None)
            if data.get("past") or self._editing is not None:
                self._show_past_times(
                    _when(data.get("past_started_at")), _when(data.get("past_ended_at"))
                )
            self.note.fill(data)
        self._after_load()

    def load_call(self, call: Call, alias: str = "") -> None:
        """Open a saved call for editing (its revision is kept for the conflict check)."""
        with self._quietly():
            self._reset_widgets()
            self._editing = call
            self._remember_loaded_times(call)
            self._show_past_times(call.started_at, call.ended_at)
            values: dict[str, Any] = {
                name: getattr(call, name) for name in CallRepository.sealed_fields
            }
            self.note.fill({**values, "alias": alias})
        self.drafts.start_fresh()
        self._after_load()
        self._loaded_snapshot = self.fields()

    def open_call(self, call_uuid: str) -> None:
        """Load a saved call for editing; a note already open is parked as a draft first."""
        if self._saving or (self._editing is not None and self._editing.uuid == call_uuid):
            return
        if self._worth_keeping() and not Prompts.confirm(
            self,
            self.tr("Open this call?"),
            self.tr(
                "You have a note open. It will be kept as an unfinished note on this page, "
                "so you can pick it up again."
            ),
            self.tr("Open the call"),
            self.tr("Keep writing"),
        ):
            return

        def fetch(session: Session) -> tuple[Call, str]:
            call = session.calls.get(call_uuid)
            alias = ""
            if call.caller_uuid:
                with contextlib.suppress(NotFound):
                    alias = session.callers.get(call.caller_uuid).alias
            return call, alias

        self.backend.run(
            fetch,
            on_done=while_alive(self, self._call_fetched),
            on_error=while_alive(self, self._open_failed),
        )

    def clear(self) -> None:
        """An empty form for the next call, with a fresh draft identity."""
        with self._quietly():
            self._reset_widgets()
        self.drafts.start_fresh()
        self._after_load()

    def save(self) -> None:
        """Save the call (ending it first if the timer runs), then clear for the next one."""
        if self._saving:
            return
        if self.is_blank():
            self.draft_status.setText(
                self.tr("Nothing to save yet: start a call or write a note first.")
            )
            set_role(self.draft_status, "hint")
            return
        if self.timer.running:
            # Ctrl+S is a habit; the caller may still be on the line. Ask before ending.
            if not Prompts.confirm(
                self,
                self.tr("The call is still going"),
                self.tr("End the call now and save it?"),
                self.tr("End and save"),
                self.tr("Keep the call going"),
            ):
                return
            self.end_call()
        call, new_alias = self._build_call()
        if (
            new_alias
            and self.picker.kind() == CallerKind.REGULAR.value
            and not Prompts.confirm(
                self,
                self.tr("No regular is called “{alias}”").format(alias=new_alias),
                self.tr(
                    "Save this call with a new regular called “{alias}”? If you meant someone "
                    "already known, go back and pick them from the list as you type."
                ).format(alias=new_alias),
                self.tr("Add a new regular"),
                self.tr("Go back"),
            )
        ):
            self.picker.alias_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        editing = self._editing is not None
        draft_uuid = self.drafts.uuid if self.drafts.stored else None

        def work(session: Session) -> tuple[Call, bool]:
            created: Caller | None = None
            if new_alias:
                created = session.callers.add(Caller(alias=new_alias))
                call.caller_uuid = created.uuid
            try:
                if editing:
                    stored = session.calls.update(call)
                else:
                    shift = session.shifts.current()
                    call.shift_uuid = shift.uuid if shift else None
                    stored = session.calls.add(call)
            except BaseException:
                if created is not None:  # do not leave a regular behind for a failed save
                    with contextlib.suppress(Exception):
                        session.callers.delete(created.uuid)
                raise
            if draft_uuid:
                session.drafts.discard(draft_uuid)
            return stored, created is not None

        self._set_saving(True)
        handle = self.backend.run(
            work,
            on_done=while_alive(self, self._saved),
            on_error=while_alive(self, self._save_failed),
        )
        if handle is None:
            self._set_saving(False)

    def flush_draft(self) -> bool:
        """Queue a draft save of the open note now, if anything is unwritten.

        Call it before locking: the worker runs tasks in order, so a save queued here lands
        before any lock work queued after it. Returns True if a save was queued.
        """
        return self.drafts.flush()

    def check_drafts(self) -> None:
        """Look for unfinished notes (other than the open one) and offer the newest back."""
        self.drafts.check()

    def note_to_resume(self) -> str | None:
        """The draft holding the open note, if there is one worth coming back to.

        Asked at lock time, after :meth:`flush_draft`: a volunteer who locks mid-call
        expects to find the call where they left it.
        """
        if self._saving or not self.has_content() or not self.drafts.stored:
            return None
        return self.drafts.uuid

    def resume(self, draft_uuid: str) -> None:
        """Bring a note kept at lock time straight back into the form, timer and all."""
        self._resume_uuid = draft_uuid
        self.check_drafts()

    def restore_offered(self) -> None:
        """Bring the offered draft back into the form (parking the open note, if any)."""
        if not self._offered or self._saving:
            return
        draft = self._offered[0]
        self._park()
        self.load_fields(draft.fields)
        self.drafts.adopt(draft.uuid)
        self.banner.hide()
        self._offered = []
        self.check_drafts()
        self.focus_section(next(iter(self.sections)))

    def discard_offered(self) -> None:
        """Delete the offered draft for good, after asking."""
        if not self._offered:
            return
        draft = self._offered[0]
        now = self._clock.now()
        when = local_when(draft.updated_at or now, now)
        if not Prompts.confirm(
            self,
            self.tr("Discard this unfinished note?"),
            self.tr("The note from {when} will be deleted for good.").format(when=when),
            self.tr("Discard note"),
            self.tr("Keep it"),
        ):
            return
        self.banner.hide()
        self._offered = []

        def gone() -> None:
            self.backend.changed("drafts")
            self.check_drafts()

        self.drafts.discard(draft.uuid, gone)

    def stop_editing(self) -> None:
        """Leave edit mode; asks first if there are changes that were not saved."""
        if self._editing is None or self._saving:
            return
        changed = self._loaded_snapshot is None or self.fields() != self._loaded_snapshot
        if changed and not Prompts.confirm(
            self,
            self.tr("Leave this call without saving?"),
            self.tr("Your changes to this call have not been saved and will be dropped."),
            self.tr("Leave without saving"),
            self.tr("Keep editing"),
        ):
            return
        self.drafts.drop()
        self.clear()
        self.check_drafts()

    def update_timer_display(self) -> None:
        """Redraw the timer now (it also ticks by itself every second)."""
        self.timer.refresh()

    # ======================================================================================
    # Filling and reading the widgets
    # ======================================================================================

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Programmatic changes inside this block do not count as edits."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _reset_widgets(self) -> None:
        self._editing = None
        self._loaded_snapshot = None
        self._loaded_times = None
        self.timer.reset()
        self.past_toggle.setChecked(False)
        self.note.reset()

    def _after_load(self) -> None:
        """Bring buttons, banners and hints in line with what the form now holds."""
        self._update_buttons()
        self._refresh_timer_label()
        if self._editing is not None and self._editing.started_at is not None:
            when = local_when(self._editing.started_at, self._clock.now())
            self.edit_banner_text.setText(
                self.tr("You are editing the call from {when}. Saving keeps its history.").format(
                    when=when
                )
            )
            self.edit_banner.show()
        else:
            self.edit_banner.hide()
        self._update_lens_hint()

    # -- times -----------------------------------------------------------------------------

    def _remember_loaded_times(self, call: Call) -> None:
        start = call.started_at or self._clock.now()
        self.past_times.set_times(start, call.ended_at)
        self._loaded_times = self.past_times.shown()

    def _show_past_times(self, start: datetime | None, end: datetime | None) -> None:
        start = start or self._clock.now()
        self.past_times.set_times(start, end)
        self.past_toggle.setChecked(True)
        self.past_times.show()

    def _call_times(self) -> tuple[datetime, datetime | None]:
        """When the call started and ended, from the timer or the typed-in times.

        An edited call whose times were not touched keeps its exact stored times (the edits
        only show minutes, and opening a call must not quietly round them).
        """
        editing = self._editing
        if editing is not None and self._loaded_times == self.past_times.shown():
            return editing.started_at or self._clock.now(), editing.ended_at
        if self.past_toggle.isChecked():
            return self.past_times.times()
        if self.timer.started_at is not None:
            return self.timer.started_at, self.timer.ended_at
        return self._clock.now(), None

    def _build_call(self) -> tuple[Call, str]:
        """The Call to store, and an alias to create a new regular for ("" for none).

        A typed alias that names an existing regular links the call to them; one that names
        nobody yet (for a new caller, or a regular from before the app) adds a regular.
        """
        started, ended = self._call_times()
        alias = self.picker.alias().strip()
        caller_uuid: str | None = None
        new_alias = ""
        if self.picker.kind() != CallerKind.ANONYMOUS.value and alias:
            existing = self.picker.caller_by_alias(alias)
            if existing is not None:
                caller_uuid = existing.uuid
            else:
                new_alias = alias
        values: dict[str, Any] = {
            "started_at": started,
            "ended_at": ended,
            "caller_uuid": caller_uuid,
            **self.note.record_values(),
        }
        if self._editing is not None:
            return replace(self._editing, **values), new_alias
        return Call(**values), new_alias

    # ======================================================================================
    # Callers, the card, topics
    # ======================================================================================

    def _load_callers(self) -> None:
        self.backend.run(
            lambda s: s.callers.all(), on_done=while_alive(self, self.picker.set_callers)
        )

    def _show_card(self, caller: Caller | None) -> None:
        """Show (or hide) the card for a picked regular, fetching their recent calls."""
        self._card_request += 1
        if caller is None:
            self.card.clear()
            return
        self.card.show_loading(caller.alias)
        self._refresh_card()

    def _refresh_card(self) -> None:
        caller = self.picker.picked()
        if caller is None:
            return
        request = self._card_request
        since = local_midnight_utc(self._clock.now())
        exclude = self._editing.uuid if self._editing is not None else None
        uuid = caller.uuid

        def fetch(session: Session) -> tuple[int, str | None]:
            count = session.calls.count_for_caller_since(uuid, since)
            recent = session.calls.for_caller(uuid, limit=2)
            last = next((c for c in recent if c.uuid != exclude), None)
            return count, (last.moving_towards if last is not None else None)

        def show(result: tuple[int, str | None]) -> None:
            if request != self._card_request:
                return  # another regular was picked meanwhile
            count, last = result
            self.card.show_regular(
                caller.alias, caller.agreement_text(), count, caller.calls_per_day, last
            )

        self.backend.run(fetch, on_done=while_alive(self, show))

    def _load_topics(self) -> None:
        self.backend.run(
            lambda s: s.settings.topics(), on_done=while_alive(self, self._topics_loaded)
        )

    def _topics_loaded(self, topics: list[str]) -> None:
        """Replace the list, keeping what was ticked (and any ticked topic now removed)."""
        with self._quietly():
            self.note.set_topics(topics)

    def _records_changed(self, kind: str) -> None:
        if kind == "callers":
            self._load_callers()
        elif kind == "settings":
            self._load_topics()
        elif kind == "calls" and self.picker.picked() is not None:
            self._refresh_card()

    # ======================================================================================
    # Saving and opening
    # ======================================================================================

    def _set_saving(self, saving: bool) -> None:
        """While a save is in flight the fields are off, so no word slips past the clear."""
        self._saving = saving
        self.drafts.pause(saving)
        if saving:
            self._focus_before_save = self.focusWidget()
        self.note.setEnabled(not saving)
        self._update_buttons()
        if not saving and self._focus_before_save is not None:
            self._focus_before_save.setFocus(Qt.FocusReason.OtherFocusReason)
            self._focus_before_save = None

    def _saved(self, result: tuple[Call, bool]) -> None:
        call, created_caller = result
        was_edit = self._editing is not None
        self._focus_before_save = None
        self._set_saving(False)
        self.clear()
        self.backend.changed("calls")
        if created_caller:
            self.backend.changed("callers")
        self.backend.changed("drafts")
        self.backend.status_message.emit(self.tr("Call saved."))
        self.draft_status.setText(self.tr("Call saved. Ready for the next one."))
        set_role(self.draft_status, "hint")
        self.saved.emit(call.uuid)
        self.check_drafts()
        self.start_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if was_edit:
            self.draft_status.setText(self.tr("Changes saved."))
            self.edit_saved.emit(call.uuid)

    def _save_failed(self, error: BaseException) -> None:
        self._set_saving(False)
        self.drafts.mark_dirty()  # keep the draft in step with what is on screen
        if isinstance(error, Conflict):
            title = self.tr("Someone else saved this call")
        else:
            title = self.tr("The call was not saved")
        Prompts.warn(self, title, describe(error))

    def _call_fetched(self, result: tuple[Call, str]) -> None:
        call, alias = result
        if call.damaged:
            Prompts.warn(
                self,
                self.tr("This call cannot be opened"),
                self.tr("This call record looks damaged, so it cannot be edited."),
            )
            return
        self._park()
        self.load_call(call, alias)
        self.check_drafts()
        self.focus_section(next(iter(self.sections)))

    def _open_failed(self, error: BaseException) -> None:
        Prompts.warn(self, self.tr("This call cannot be opened"), describe(error))

    # ======================================================================================
    # Drafts
    # ======================================================================================

    def _mark_dirty(self, *_args: object) -> None:
        if not self._quiet:
            self.drafts.mark_dirty()

    def _worth_keeping(self) -> bool:
        """An edit is worth a draft once it differs from the saved call; a new note once
        anything is on it."""
        if self._editing is not None:
            return self._loaded_snapshot is None or self.fields() != self._loaded_snapshot
        return self.has_content()

    def _park(self) -> None:
        """Keep the open note as a draft and clear the form (the banner offers it back)."""
        if self._worth_keeping() and (self.drafts.dirty or not self.drafts.stored):
            self.drafts.write()
        self.clear()

    def _draft_landed(self, draft: Draft) -> None:
        moment = (draft.updated_at or self._clock.now()).astimezone()
        self.draft_status.setText(
            self.tr("Note kept safe at {time}.").format(time=moment.strftime("%H:%M:%S"))
        )
        set_role(self.draft_status, "hint")
        self.draft_saved.emit(draft.uuid)

    def _draft_failed(self, reason: str) -> None:
        self.draft_status.setText(
            self.tr(
                "Your note could not be kept safe just now: {reason} It is still on screen."
            ).format(reason=reason)
        )
        set_role(self.draft_status, "error")

    def _drafts_found(self, waiting: list[Draft]) -> None:
        resume, self._resume_uuid = self._resume_uuid, None
        if resume is not None:
            kept = [d for d in waiting if d.uuid == resume]
            if kept:
                self._offered = kept + [d for d in waiting if d.uuid != resume]
                self.restore_offered()
                return
        self._offered = waiting
        if not waiting:
            self.banner.hide()
            return
        now = self._clock.now()
        self.banner.offer(local_when(waiting[0].updated_at or now, now), len(waiting) - 1)

    # ======================================================================================
    # Small reactions
    # ======================================================================================

    def _update_buttons(self) -> None:
        idle = not self._saving
        live = self._editing is None
        self.start_button.setEnabled(idle and live and not self.timer.running)
        self.end_button.setEnabled(idle and self.timer.running)
        self.save_button.setEnabled(idle)
        self.past_toggle.setEnabled(idle and live and not self.timer.running)

    def _refresh_timer_label(self, *_args: object) -> None:
        if self.past_toggle.isChecked():
            start, end = self.past_times.times()
            self.timer_label.setText(format_elapsed((end - start).total_seconds()))
        else:
            self.timer_label.setText(self.timer.text())
        self.timer_label.setAccessibleDescription(
            self.tr("Call running") if self.timer.running else ""
        )

    def _past_toggled(self, checked: bool) -> None:
        if checked and not self._quiet:
            now = self._clock.now()
            self._show_past_times(self.timer.started_at or now, self.timer.ended_at or now)
        self.past_times.setVisible(checked)
        self._refresh_timer_label()
        self._mark_dirty()

    def _past_times_changed(self) -> None:
        self._refresh_timer_label()
        self._mark_dirty()

    def _update_lens_hint(self) -> None:
        """Suggestions for the section being written; a calm default otherwise."""
        source = self.note.focused_section()
        hits = source.hits() if source is not None else []
        if not hits:
            self.lens_hint.setText(
                self.tr(
                    "Wording suggestions show here as you write. Words in quotation marks "
                    "are the caller's own and are left as they are."
                )
            )
            return
        lines = list(dict.fromkeys(suggestion_text(hit) for hit in hits))
        self.lens_hint.setText(self.tr("Just a suggestion:") + "\n" + "\n".join(lines))
