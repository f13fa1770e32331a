"""The call note's life cycle: what a volunteer fills in while someone is on the line.

What shapes it:

* **Fast with one hand.** Ctrl+N starts the timer, Ctrl+E ends it, Ctrl+S saves; Ctrl+1..4
  jump to the four IPS sections (Alt+1..9 belong to the main window's navigation); Tab and
  Shift+Tab walk the fields in reading order; every label has a mnemonic. The shortcuts are
  window-wide but Qt only fires them while the form is visible, so they work straight after
  switching to the page, without a click, and never from another page.
* **Never lose a word.** The open note is autosaved as a sealed draft every few seconds when
  it changed, and on :meth:`CallForm.flush_draft` (the app calls it on lock). Starting a new
  call over an unsaved one, opening a call for editing or restoring another draft *parks*
  the open note as a draft instead of dropping it, and the banner offers it back later.
  While a save is in flight the fields are disabled, so nothing typed can slip in between
  the save and the form clearing.
* **Read first, then edit.** A call opened from the Calls list is shown read-only, with
  its date as the list shows it, its real length and the regular's card as it was that day;
  "Edit this call" (Alt+E, and where focus waits) makes it editable. Ctrl+N while only
  reading starts a new call at once: there is nothing to lose.
* **What has focus is in view.** Ctrl+N hands focus to the caller choice (the first thing a
  volunteer learns on a call is who is calling, and picking a regular brings up their card);
  anything reached by Tab, a mnemonic or a shortcut is scrolled into view
  (:mod:`ui.widgets.focus_follow`); after a save the note is back at its top.
* **In the caller's own terms.** The four sections follow the IPS tasks in order; the side
  hint shows the lens's suggestions for the section being written — only as suggestions.

This module only ties the parts together and holds the state they share (is a saved call
open, is a save in flight). Each part lives in its own module, by role:

* the bar above the note, always visible — :mod:`ui.widgets.call_bar`;
* the timer and typed-in times — :class:`~ui.widgets.call_timer.CallTiming`;
* the fields — :class:`~ui.widgets.call_note.CallNote`; the side column with the card and
  the lens hint — :mod:`ui.widgets.call_side`;
* choosing a caller and the card's counts — :mod:`ui.widgets.call_lookups`;
* drafts — :mod:`ui.widgets.call_drafts` (the open note) and
  :mod:`ui.widgets.call_draft_offers` (the others, offered back);
* saving and opening — :mod:`ui.widgets.call_saving`.

It never touches the database: everything goes through ``backend.run``.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from ui.backend import Backend, describe
from ui.models.calls_model import time_text
from ui.prompts import Prompts
from ui.theme import set_role
from ui.widgets.call_bar import CallBar, OpenCallBanner
from ui.widgets.call_draft_offers import DraftOffers
from ui.widgets.call_drafts import (
    FIELDS_VERSION,
    DraftKeeper,
    editing_fields,
    editing_from_fields,
    iso,
    when,
    while_alive,
)
from ui.widgets.call_lookups import CallLookups
from ui.widgets.call_note import CallNote
from ui.widgets.call_saving import (
    build_call,
    confirm_end_and_save,
    confirm_new_regular,
    fetch_work,
    save_work,
)
from ui.widgets.call_side import CallSide
from ui.widgets.call_timer import CallTiming
from ui.widgets.draft_banner import DraftBanner
from ui.widgets.focus_follow import FocusFollower
from ui.widgets.lens_edit import LensTextEdit
from warmline.calls import Call, CallerKind, CallRepository
from warmline.drafts import Draft
from warmline.errors import Conflict

#: How often the open note is autosaved when it changed, in milliseconds.
AUTOSAVE_MS = 3000


class CallForm(QWidget):
    """Log one call: timer, caller, channel, the four IPS sections, topics and follow-up."""

    #: A call was saved (its UUID); the form is already clear for the next one.
    saved = Signal(str)
    #: An existing call was saved after editing (the shell goes back to the list).
    edit_saved = Signal(str)
    #: A new call was saved (not an edit): the moment to offer a private reflection.
    call_logged = Signal(str)
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
        self._editing: Call | None = None
        self._viewing = False
        self._loaded_snapshot: dict[str, Any] | None = None
        self._quiet = 0
        self._asking = False
        self._saving = False
        self._focus_before_save: QWidget | None = None

        self.bar = CallBar(self)
        self.banner = DraftBanner(self)
        self.open_banner = OpenCallBanner(self)
        self.note = CallNote()
        self.side = CallSide(self)
        #: Shortcuts to the parts, for readability (and tests).
        self.start_button = self.bar.start_button
        self.picker = self.note.picker
        self.sections = self.note.sections
        self.timing = CallTiming(self._clock, self.bar.past_toggle, self.bar.past_times, self)
        self.timer = self.timing.timer
        self.drafts = DraftKeeper(
            backend,
            self.fields,
            self._worth_keeping,
            lambda: self._editing.uuid if self._editing is not None else None,
            autosave_interval_ms,
            self,
        )
        self.offers = DraftOffers(backend, self.drafts, self.banner, self._restore_draft, self)
        self.lookups = CallLookups(
            backend,
            self.picker,
            self.side.card,
            self._topics_loaded,
            lambda: self._editing,
            self,
        )
        FocusFollower(self)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("call-scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no empty Tab stop
        # Everything wraps to the width, so a sideways scroll bar only appears in a window
        # too narrow for the text size; clipping the right edge would hide words.
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll_area.setWidget(self.note)

        # The side column scrolls on its own, so at 200 % text a long card or hint never
        # makes the page taller than the window (which pushed both below the fold).
        self.side_scroll = QScrollArea(self)
        self.side_scroll.setObjectName("call-side-scroll")
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side_scroll.setWidget(self.side)
        self._fit_side()

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(self.scroll_area, 3)
        body.addWidget(self.side_scroll, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.open_banner)
        layout.addLayout(body, 1)

        self._set_tab_order()
        self._install_shortcuts()
        self._connect_signals()
        self._update_buttons()

        self.lookups.load()
        self.check_drafts()

    # ======================================================================================
    # Building
    # ======================================================================================

    def _fit_side(self) -> None:
        """The side column keeps room for a few words a line at any text size."""
        self.side_scroll.setMinimumWidth(self.fontMetrics().averageCharWidth() * 22 + 8)

    def hasHeightForWidth(self) -> bool:
        """No: the note and the side column scroll on their own.

        Wrapped text inside would otherwise make the workspace's scroll area around the page
        size the page to the note's whole preferred height: a second scroll bar that moves
        the bar (timer, Save) out of sight at large text sizes.
        """
        return False

    def changeEvent(self, event: QEvent) -> None:
        """Follow text-size changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_side()

    def _set_tab_order(self) -> None:
        """Reading order: bar, the banners, caller, contact, the four sections, the rest."""
        bar = self.bar
        chain: list[QWidget] = [
            bar.start_button,
            bar.end_button,
            bar.save_button,
            bar.past_toggle,
            bar.past_times.start_edit,
            bar.past_times.end_edit,
            self.banner.restore_button,
            self.banner.discard_button,
            self.open_banner.edit_button,
            self.open_banner.stop_button,
            *self.note.tab_chain(),
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
        # One-line fields claim some of these keys for themselves (on Linux, Ctrl+E moves
        # to the end of the line): the call's keys must work wherever the cursor is.
        keys = {_combined(s.key()) for s in self.shortcuts.values()}
        self._call_keys = _CallKeysWin(keys, self)
        for edit in self.findChildren(QLineEdit):
            edit.installEventFilter(self._call_keys)

    def _connect_signals(self) -> None:
        """Buttons to actions; every edit marks the note changed for the next autosave."""
        self.bar.start_button.clicked.connect(self.start_call)
        self.bar.end_button.clicked.connect(self.end_call)
        self.bar.save_button.clicked.connect(self.save)
        self.bar.discard_button.clicked.connect(self.throw_away)
        self.open_banner.stop_button.clicked.connect(self.stop_editing)
        self.open_banner.edit_button.clicked.connect(self.begin_editing)
        self.timing.display.connect(self.bar.show_time)
        self.drafts.saved.connect(self._draft_landed)
        self.drafts.failed.connect(self._draft_failed)
        self.bar.past_toggle.toggled.connect(self._past_toggled)
        self.bar.past_times.changed.connect(self._past_times_changed)
        self.note.changed.connect(self._mark_dirty)
        self.note.section_focused.connect(self._show_hints)

    # ======================================================================================
    # Public API
    # ======================================================================================

    @property
    def editing(self) -> Call | None:
        """The saved call open for editing, or None for a new call."""
        return self._editing

    @property
    def viewing(self) -> bool:
        """True while a saved call is open only to read (until "Edit this call")."""
        return self._viewing

    @property
    def saving(self) -> bool:
        """True while a save of the call is in flight."""
        return self._saving

    def start_call(self) -> None:
        """Start the timer now; a finished but unsaved note is parked as a draft first.

        While a saved call is only being read, it is closed first (nothing to lose).
        """
        if self._viewing and not self._saving:
            self.clear()
        if self._saving or self._editing is not None or self.timer.running:
            return
        focus = self.focusWidget()
        typing = focus is not None and self.note.isAncestorOf(focus)
        if self.timer.started or (self.timing.past_mode and self.has_content()):
            self._park()
            self.check_drafts()  # so the banner offers the parked note back
        with self._quietly():
            self.bar.past_toggle.setChecked(False)
        self.timer.start()
        self._mark_dirty()
        self.call_started.emit()
        if not typing:  # already writing in the note: stay there
            self.picker.focus_target().setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._update_buttons()

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
            and not self.timing.past_mode
            and self.note.is_untouched()
        )

    def fields(self) -> dict[str, Any]:
        """Everything on the form as plain JSON-able values (the draft's sealed body)."""
        past = self.timing.past_mode
        past_start, past_end = self.bar.past_times.times() if past else (None, None)
        return {
            "version": FIELDS_VERSION,
            "started_at": iso(self.timer.started_at),
            "ended_at": iso(self.timer.ended_at),
            "past": past,
            "past_started_at": iso(past_start),
            "past_ended_at": iso(past_end),
            "editing": editing_fields(self._editing),
            **self.note.draft_values(),
        }

    def load_fields(self, data: dict[str, Any]) -> None:
        """Fill the form from :meth:`fields` output (a draft), tolerating missing keys.

        A running call keeps its original start, so its timer goes on where it was.
        """
        with self._quietly():
            self._reset_widgets()
            self._editing = editing_from_fields(data.get("editing"))
            if self._editing is not None:
                self.timing.remember_loaded(self._editing)
            started = when(data.get("started_at"))
            self.timer.restore(started, when(data.get("ended_at")) if started else None)
            if data.get("past") or self._editing is not None:
                self.timing.show_past(
                    when(data.get("past_started_at")), when(data.get("past_ended_at"))
                )
            self.note.fill(data)
        self._after_load()

    def load_call(self, call: Call, alias: str = "") -> None:
        """Open a saved call to read (its revision is kept for the conflict check)."""
        with self._quietly():
            self._reset_widgets()
            self._editing = call
            self._viewing = True
            self.note.set_read_only(True)
            self.timing.remember_loaded(call)
            self.timing.show_past(call.started_at, call.ended_at)
            values: dict[str, Any] = {
                name: getattr(call, name) for name in CallRepository.sealed_fields
            }
            self.note.fill({**values, "alias": alias})
        self.drafts.start_fresh()
        self._after_load()
        self._loaded_snapshot = self.fields()

    def open_call(self, call_uuid: str) -> None:
        """Open a saved call to read; a note already open is parked as a draft first."""
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
        self.backend.run(
            fetch_work(call_uuid),
            on_done=while_alive(self, self._call_fetched),
            on_error=while_alive(self, self._open_failed),
        )

    def throw_away(self) -> None:
        """A call started by mistake (or not worth keeping): after asking, nothing of it
        stays, not even its draft, and the form is ready for the next call."""
        if self._saving or self._viewing or self._editing is not None or self._asking:
            return
        self._asking = True  # a second press while the question is up asks nothing more
        try:
            keep = not Prompts.confirm(
                self,
                self.tr("Throw this call away?"),
                self.tr(
                    "The timer stops and everything typed for this call is deleted. Nothing "
                    "of it is saved or kept as an unfinished note."
                ),
                self.tr("Throw it away"),
                self.tr("Keep the call"),
            )
        finally:
            self._asking = False
        if keep:
            return
        with self._quietly():
            self._reset_widgets()
        self.drafts.drop()
        self._after_load()
        self.bar.set_status(self.tr("The call was thrown away."))

    def clear(self) -> None:
        """An empty form for the next call, with a fresh draft identity."""
        with self._quietly():
            self._reset_widgets()
        self.drafts.start_fresh()
        self._after_load()

    def save(self) -> None:
        """Save the call (ending it first if the timer runs), then clear for the next one."""
        if self._saving or self._viewing:
            return
        if self.is_blank():
            self.bar.set_status(self.tr("Nothing to save yet: start a call or write a note first."))
            return
        if self.timer.running:
            if not confirm_end_and_save(self):
                return
            self.end_call()
        call, new_alias = build_call(
            self._editing,
            self.timing.times(self._editing),
            self.picker,
            self.note.record_values(),
        )
        if (
            new_alias
            and self.picker.kind() == CallerKind.REGULAR.value
            and not confirm_new_regular(self, new_alias)
        ):
            self.picker.alias_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        draft_uuid = self.drafts.uuid if self.drafts.stored else None
        work = save_work(call, new_alias, self._editing is not None, draft_uuid)
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
        self.offers.check()

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
        self.offers.resume(draft_uuid)

    def restore_offered(self) -> None:
        """Bring the offered draft back into the form (parking the open note, if any)."""
        self.offers.restore_offered()

    def discard_offered(self) -> None:
        """Delete the offered draft for good, after asking."""
        self.offers.discard_offered()

    def begin_editing(self) -> None:
        """Make the open saved call editable ("Edit this call", Alt+E)."""
        if not self._viewing or self._saving:
            return
        self._viewing = False
        self.note.set_read_only(False)
        self._after_load()
        first = self.sections[next(iter(self.sections))]
        first.moveCursor(QTextCursor.MoveOperation.End)  # go on from what is there
        self.focus_section(next(iter(self.sections)))

    def stop_editing(self) -> None:
        """Close the open call; asks first if there are changes that were not saved."""
        if self._editing is None or self._saving:
            return
        if self._viewing:
            self.clear()
            self.check_drafts()
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
        self.timing.refresh()

    # ======================================================================================
    # Filling the widgets
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
        self._viewing = False
        self.note.set_read_only(False)
        self._loaded_snapshot = None
        self.timing.reset()
        self.note.reset()

    def _after_load(self) -> None:
        """Bring buttons, banners and hints in line with what the form now holds."""
        self._update_buttons()
        self.timing.refresh()
        call = self._editing
        if call is not None:
            when = time_text(call.started_at)  # as the Calls list shows it
            self.bar.set_heading(self.tr("Call on {when}").format(when=when))
            self.bar.set_status("")  # no "Call saved" from the last one
            if self._viewing:
                self.open_banner.show_reading(when)
            else:
                self.open_banner.show_editing(when)
        else:
            self.bar.set_heading(self.tr("Log a call"))
            self.open_banner.hide()
        self._show_hints(self.note.focused_section())

    def _show_hints(self, source: object) -> None:
        """The lens hint for the section being written, scrolled into view when it speaks."""
        section = source if isinstance(source, LensTextEdit) else None
        self.side.show_hints_for(section)
        if section is not None and section.hits():
            self.side_scroll.ensureWidgetVisible(self.side.lens_hint)

    def _topics_loaded(self, topics: list[str]) -> None:
        """Replace the list, keeping what was ticked (and any ticked topic now removed)."""
        with self._quietly():
            self.note.set_topics(topics)

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
        self.bar.set_status(self.tr("Call saved. Ready for the next one."))
        self.saved.emit(call.uuid)
        self.check_drafts()
        self.scroll_area.verticalScrollBar().setValue(0)  # the next call starts at the top
        self.bar.start_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if was_edit:
            self.bar.set_status(self.tr("Changes saved."))
            self.edit_saved.emit(call.uuid)
        else:
            self.call_logged.emit(call.uuid)

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
        self.scroll_area.verticalScrollBar().setValue(0)
        self.open_banner.edit_button.setFocus(Qt.FocusReason.OtherFocusReason)

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
        something is typed or chosen (a started timer alone leaves no empty draft)."""
        if self._editing is not None:
            return self._loaded_snapshot is None or self.fields() != self._loaded_snapshot
        return not self.note.is_untouched()

    def _park(self) -> None:
        """Keep the open note as a draft and clear the form (the banner offers it back)."""
        if self._worth_keeping() and (self.drafts.dirty or not self.drafts.stored):
            self.drafts.write()
        self.clear()

    def _restore_draft(self, draft: Draft) -> bool:
        """Put a waiting draft into the form, parking the open note first."""
        if self._saving:
            return False
        self._park()
        self.load_fields(draft.fields)
        self.drafts.adopt(draft.uuid)
        self.focus_section(next(iter(self.sections)))
        return True

    def _draft_landed(self, draft: Draft) -> None:
        moment = (draft.updated_at or self._clock.now()).astimezone()
        self.bar.set_status(
            self.tr("Note kept safe at {time}.").format(time=moment.strftime("%H:%M:%S"))
        )
        self.draft_saved.emit(draft.uuid)

    def _draft_failed(self, reason: str) -> None:
        self.bar.set_status(
            self.tr(
                "Your note could not be kept safe just now: {reason} It is still on screen."
            ).format(reason=reason),
            "error",
        )

    # ======================================================================================
    # Small reactions
    # ======================================================================================

    def _update_buttons(self) -> None:
        idle = not self._saving
        live = self._editing is None
        startable = live or self._viewing
        self.bar.start_button.setEnabled(idle and startable and not self.timer.running)
        self.bar.end_button.setEnabled(idle and self.timer.running)
        self.bar.save_button.setEnabled(idle and not self._viewing)
        self.bar.past_toggle.setEnabled(idle and live and not self.timer.running)
        self.bar.past_times.setEnabled(not self._viewing)
        # The next thing to do looks like it: once a call has ended (or a saved one is being
        # edited), saving is; before a call, starting one is. A blue "Start call" beside a
        # finished, unsaved note invited starting over instead of saving.
        finished = (self.timer.started and not self.timer.running) or self._editing is not None
        save_next = finished and not self._viewing
        set_role(self.bar.save_button, "primary" if save_next else None)
        in_progress = self.timer.started or (self._editing is None and not self.is_blank())
        self.bar.discard_button.setVisible(
            idle and live and not self._viewing and bool(in_progress)
        )
        set_role(self.bar.start_button, None if save_next else "primary")

    def _past_toggled(self, checked: bool) -> None:
        self.timing.past_toggled(checked, by_person=not self._quiet)
        self._mark_dirty()

    def _past_times_changed(self) -> None:
        self.timing.refresh()
        self._mark_dirty()


def _combined(sequence: QKeySequence) -> int:
    """The first (only) key of a shortcut, as one int comparable with a key event's."""
    return sequence[0].toCombined()  # type: ignore[index]


class _CallKeysWin(QObject):
    """Lets the call form's own shortcuts win over a field's use of the same keys."""

    def __init__(self, keys: set[int], parent: QObject) -> None:
        super().__init__(parent)
        self._keys = keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.keyCombination().toCombined() in self._keys
        ):
            event.ignore()  # not the field's: the window's shortcut gets it
            return True
        return False
