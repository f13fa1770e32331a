"""Calls: every call logged on the line, newest first, with search and filters.

The list pages through the vault 100 calls at a time (see :mod:`ui.models.calls_model`), so
it opens at once however many calls there are. Searching reads the in-memory index that the
:class:`~ui.search_service.SearchService` builds after unlock; while it is still being built
the page says so, shows how far it is, and runs the search the moment it is ready.

Filters (dates, shift, regular caller, topic, who logged it) combine with the search words;
all of them are answered by the index, never by decrypting every call again.

Opening a call (Enter or a double-click) asks the shell, through ``open_call_requested``, to
show it on the Call page; earlier versions of a call open read-only in a small window.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend
from ui.models.calls_model import CallsModel, Column, time_text
from ui.prompts import Prompts
from ui.screens.base import Page
from ui.search_service import SearchService
from ui.theme import set_role
from ui.widgets.call_history_dialog import CallHistoryDialog
from ui.widgets.fit import fit_columns, pair, room_for_mnemonic
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.line_edits import named_clear_button
from warmline.search import CallFilter, too_common
from warmline.session import Session
from warmline.shifts import Shift

#: How long typing must pause before the search runs.
SEARCH_DEBOUNCE_MS = 200
#: How many recent shifts the shift filter offers.
RECENT_SHIFTS = 30


def local_midnight(day: QDate) -> datetime:
    """The start of ``day`` in this computer's time zone, as an aware datetime."""
    return datetime(day.year(), day.month(), day.day()).astimezone()


class CallsPage(Page):
    """The calls list with search and filters (everyone)."""

    title = "Calls"
    key = "calls"

    #: A call's UUID, when the person opens it (Enter or double-click).
    open_call_requested = Signal(str)

    def __init__(
        self,
        backend: Backend,
        search: SearchService | None = None,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = SEARCH_DEBOUNCE_MS,
    ) -> None:
        super().__init__(backend, parent)
        self.setAccessibleName(self.tr("Calls"))
        self._search: SearchService | None = None
        self._own_search = False
        self._loaded = False
        self._stale = False
        self._pending_caller: str | None = None
        self._applying = False
        self._history: CallHistoryDialog | None = None

        heading = QLabel(self.tr("Calls"))
        set_role(heading, "title")

        # -- search and filters -----------------------------------------------------------
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("calls-search")
        self.search_edit.setAccessibleName(self.tr("Search the notes"))
        self.search_edit.setPlaceholderText(self.tr("Words from any part of a call's notes"))
        named_clear_button(self.search_edit, self.tr("Clear the search"))
        search_label = QLabel(self.tr("&Search"))
        search_label.setBuddy(self.search_edit)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.apply_filter)
        self.search_edit.textChanged.connect(lambda _text: self._debounce.start())
        self.search_edit.returnPressed.connect(self._search_entered)
        focus_search = QShortcut(QKeySequence.StandardKey.Find, self)
        focus_search.setObjectName("shortcut-find")
        focus_search.activated.connect(self._focus_search)

        today = QDate.currentDate()
        self.from_check = QCheckBox(self.tr("Fro&m"))
        self.from_check.setObjectName("calls-from-on")
        self.from_check.setAccessibleName(self.tr("Only calls from a date"))
        self.from_date = self._date_edit("calls-from", self.tr("From date"), today.addDays(-7))
        self.to_check = QCheckBox(self.tr("&To"))
        self.to_check.setObjectName("calls-to-on")
        self.to_check.setAccessibleName(self.tr("Only calls up to a date"))
        for check in (self.from_check, self.to_check):
            room_for_mnemonic(check)  # the underlined T loses its kerning: "To" read "Tc"
        self.to_date = self._date_edit("calls-to", self.tr("To date (included)"), today)
        for check, edit in ((self.from_check, self.from_date), (self.to_check, self.to_date)):
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(lambda _on: self.apply_filter())
            edit.dateChanged.connect(lambda _day: self.apply_filter())

        self.shift_combo = self._combo("calls-shift", self.tr("Shift"), self.tr("Any shift"))
        # A shift reads "Mon 30 Nov 2026, 17:00 to …, led by …": too long to size the field
        # to at 200 %. The field shows what fits (the whole of it in its tooltip) and the
        # list that opens shows every shift in full.
        self.shift_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.shift_combo.setMinimumContentsLength(24)
        self.shift_combo.currentTextChanged.connect(self.shift_combo.setToolTip)
        self.caller_combo = self._combo(
            "calls-caller", self.tr("Regular caller"), self.tr("Any caller")
        )
        self.topic_combo = self._combo("calls-topic", self.tr("Topic"), self.tr("Any topic"))
        self.author_combo = self._combo("calls-author", self.tr("Logged by"), self.tr("Anyone"))
        shift_label = self._caption(self.tr("Sh&ift"), self.shift_combo)
        caller_label = self._caption(self.tr("&Regular"), self.caller_combo)
        topic_label = self._caption(self.tr("To&pic"), self.topic_combo)
        author_label = self._caption(self.tr("Logged &by"), self.author_combo)

        self.clear_button = QPushButton(self.tr("C&lear filters"))
        self.clear_button.setObjectName("calls-clear-filters")
        self.clear_button.setAccessibleName(self.tr("Clear search and filters"))
        self.clear_button.clicked.connect(self.clear_filters)

        # -- progress and status ----------------------------------------------------------
        self.progress = QProgressBar()
        self.progress.setObjectName("calls-index-progress")
        self.progress.setAccessibleName(self.tr("Getting search ready"))
        self.progress.setRange(0, 100)
        self.progress.setFormat(self.tr("Getting search ready… %p%"))
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("calls-status")
        self.status.setWordWrap(True)
        set_role(self.status, "hint")

        # -- the list ---------------------------------------------------------------------
        self.model = CallsModel(backend, None, self)
        self.table = QTableView()
        self.table.setObjectName("calls-table")
        self.table.setAccessibleName(self.tr("Calls, newest first"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TOPICS, QHeaderView.ResizeMode.Stretch)
        # Columns as wide as their titles and usual contents at the current text size; the
        # list scrolls sideways rather than cut "Logged by" to "ogged b" at 200 %.
        self._fit_columns = fit_columns(self.table, self.model.width_samples)
        self.table.doubleClicked.connect(self._open_index)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.model.status_changed.connect(self._update_status)
        self.model.rowsInserted.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)

        self.open_button = QPushButton(self.tr("&Open call"))
        self.open_button.setObjectName("calls-open")
        self.open_button.setAccessibleName(self.tr("Open the selected call"))
        self.open_button.clicked.connect(self.open_selected)
        self.history_button = QPushButton(self.tr("Show &earlier versions…"))
        self.history_button.setObjectName("calls-history")
        self.history_button.setAccessibleName(self.tr("Show earlier versions of the selected call"))
        self.history_button.clicked.connect(self.show_history)

        # -- layout -----------------------------------------------------------------------
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        # Each caption stays with its field; the filters wrap onto more lines when the
        # window is narrow or the text large, instead of squeezing each other.
        filters = FlowLayout()
        for group in (
            (self.from_check, self.from_date),
            (self.to_check, self.to_date),
            (shift_label, self.shift_combo),
            (caller_label, self.caller_combo),
            (topic_label, self.topic_combo),
            (author_label, self.author_combo),
            (self.clear_button,),
        ):
            filters.addWidget(pair(*group))
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.progress)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.history_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addLayout(status_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        order: list[QWidget] = [
            self.search_edit,
            self.from_check,
            self.from_date,
            self.to_check,
            self.to_date,
            self.shift_combo,
            self.caller_combo,
            self.topic_combo,
            self.author_combo,
            self.clear_button,
            self.table,
            self.open_button,
            self.history_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.setFocusProxy(self.search_edit)

        backend.records_changed.connect(self._records_changed)
        if search is not None:
            self.set_search(search)
        self._update_actions()

    # -- building helpers ------------------------------------------------------------------

    def _date_edit(self, name: str, accessible: str, day: QDate) -> QDateEdit:
        edit = QDateEdit(day)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")  # the same way dates read in the list
        return edit

    def _combo(self, name: str, accessible: str, anything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.addItem(anything, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        return combo

    def _caption(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # -- the search service ----------------------------------------------------------------

    @property
    def search(self) -> SearchService | None:
        return self._search

    def set_search(self, search: SearchService | None) -> None:
        """Use the shell's search service (one per unlock) instead of making one."""
        if search is self._search:
            return
        old = self._search
        if old is not None:
            for signal, slot in (
                (old.progress, self._search_progress),
                (old.ready, self._search_ready),
                (old.failed, self._search_failed),
            ):
                signal.disconnect(slot)
            if self._own_search:
                old.clear()
                old.deleteLater()
        self._own_search = False
        self._search = search
        self.model.set_search(search)
        if search is not None:
            search.progress.connect(self._search_progress)
            search.ready.connect(self._search_ready)
            search.failed.connect(self._search_failed)
            self._show_progress()
        self._update_status()

    def _ensure_search(self) -> SearchService:
        """The page's search service; makes and starts its own when none was given."""
        if self._search is None:
            own = SearchService(self.backend, self)
            self.set_search(own)
            self._own_search = True
            own.start()
        assert self._search is not None
        return self._search

    def _show_progress(self) -> None:
        search = self._search
        building = search is not None and search.started and not search.is_ready
        if building and search is not None:
            self.progress.setValue(search.percent())
        self.progress.setVisible(building)

    def _search_progress(self, _done: int, _total: int) -> None:
        self._show_progress()
        if self.model.waiting_for_index:
            self._update_status()

    def _search_ready(self) -> None:
        self.progress.hide()
        self._update_status()

    def _search_failed(self, message: str) -> None:
        self.progress.hide()
        self.status.setText(
            self.tr("Search could not get ready: {reason} The list still works.").format(
                reason=message
            )
        )

    # -- Page ------------------------------------------------------------------------------

    def activated(self) -> None:
        self._ensure_search()
        if not self._loaded:
            self._loaded = True
            self._load_choices()
            self.model.reload()
        elif self._stale:
            self.model.reload()
        self._stale = False

    # -- filters ---------------------------------------------------------------------------

    def current_filter(self) -> CallFilter:
        """The search words and filters as the page shows them now."""
        start = local_midnight(self.from_date.date()) if self.from_check.isChecked() else None
        end = None
        if self.to_check.isChecked():
            end = local_midnight(self.to_date.date().addDays(1))  # the day itself is included
        return CallFilter(
            text=self.search_edit.text(),
            start=start,
            end=end,
            author=self.author_combo.currentData(),
            shift=self.shift_combo.currentData(),
            caller=self.caller_combo.currentData(),
            topic=self.topic_combo.currentData(),
        )

    def apply_filter(self) -> None:
        """Run the search and filters now (typing runs it after a short pause)."""
        self._debounce.stop()
        if self._applying:
            return
        query = self.current_filter()
        if not query.is_empty():
            self._ensure_search()
        if query != self.model.filter or not self._loaded:
            self._loaded = True
            self.model.set_filter(query)

    def clear_filters(self) -> None:
        """Back to every call: no words, no dates, any shift, caller, topic or person."""
        self._applying = True
        try:
            self.search_edit.clear()
            self.from_check.setChecked(False)
            self.to_check.setChecked(False)
            for combo in (self.shift_combo, self.caller_combo, self.topic_combo, self.author_combo):
                combo.setCurrentIndex(0)
        finally:
            self._applying = False
        self.apply_filter()

    def filter_by_caller(self, caller_uuid: str) -> None:
        """Show every call of one regular caller (from the Regular callers page)."""
        if not self._loaded:
            self._loaded = True
            self._load_choices()
        self._applying = True
        try:
            self.search_edit.clear()
            self.from_check.setChecked(False)
            self.to_check.setChecked(False)
            for combo in (self.shift_combo, self.topic_combo, self.author_combo):
                combo.setCurrentIndex(0)
            row = self.caller_combo.findData(caller_uuid)
            if row >= 0:
                self.caller_combo.setCurrentIndex(row)
                self._pending_caller = None
            else:  # the list of regulars is still loading: pick it once it arrives
                self._pending_caller = caller_uuid
        finally:
            self._applying = False
        if self._pending_caller is None:
            self.apply_filter()

    # -- choices for the filters -------------------------------------------------------------

    def _load_choices(self) -> None:
        self._load_callers()
        self._load_shifts()
        self._load_topics()
        self._load_authors()

    def _load_callers(self) -> None:
        def work(session: Session) -> list[tuple[str, str]]:
            return [(c.uuid, c.alias) for c in session.callers.all() if not c.damaged]

        self.backend.run(work, self._callers_loaded)

    def _callers_loaded(self, callers: list[tuple[str, str]]) -> None:
        self.model.set_aliases(dict(callers))
        self._fit_columns()
        self._fill(self.caller_combo, callers)
        if self._pending_caller is not None:
            row = self.caller_combo.findData(self._pending_caller)
            self._pending_caller = None
            if row >= 0:
                self._applying = True
                self.caller_combo.setCurrentIndex(row)
                self._applying = False
            self.apply_filter()

    def _load_shifts(self) -> None:
        def work(session: Session) -> list[Shift]:
            return session.shifts.recent(RECENT_SHIFTS)

        self.backend.run(work, self._shifts_loaded)

    def _shifts_loaded(self, shifts: list[Shift]) -> None:
        items = []
        for shift in shifts:
            label = time_text(shift.started_at)
            if shift.ended_at is not None:
                label = self.tr("{start} to {end}").format(
                    start=label, end=time_text(shift.ended_at)
                )
            else:
                label = self.tr("{start} (still open)").format(start=label)
            lead = self.backend.display_name(shift.lead_uuid) if shift.lead_uuid else ""
            if lead:
                label = self.tr("{shift}, led by {lead}").format(shift=label, lead=lead)
            items.append((shift.uuid, label))
        self._fill(self.shift_combo, items)

    def _load_topics(self) -> None:
        self.backend.run(lambda session: session.settings.topics(), self._topics_loaded)

    def _topics_loaded(self, topics: list[str]) -> None:
        self._fill(self.topic_combo, [(t, t) for t in topics])

    def _load_authors(self) -> None:
        accounts = sorted(
            self.backend.accounts.values(), key=lambda a: (a.display_name.casefold(), a.uuid)
        )
        self._fill(self.author_combo, [(a.uuid, a.display_name) for a in accounts])
        self._fit_columns()

    def _fill(self, combo: QComboBox, items: list[tuple[str, str]]) -> None:
        """Replace a filter's choices, keeping the chosen one if it is still there."""
        chosen = combo.currentData()
        self._applying = True
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for value, label in items:
                combo.addItem(label, value)
            row = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(0, row))
        finally:
            self._applying = False
        if chosen is not None and combo.currentData() != chosen:
            self.apply_filter()  # what was chosen is gone (deleted or renamed away)

    # -- keeping current -------------------------------------------------------------------

    def _records_changed(self, kind: str) -> None:
        if not self._loaded:
            return
        if kind == "calls":
            if self.model.filter.is_empty():
                if self.isVisible():
                    self.model.reload()
                else:
                    self._stale = True
            self._load_shifts()
        elif kind == "callers":
            self._load_callers()
        elif kind == "accounts":
            self._load_authors()
            self.model.names_changed()
        elif kind == "settings":
            self._load_topics()

    def _update_status(self) -> None:
        model = self.model
        query = model.filter
        search = self._search
        if model.waiting_for_index:
            percent = search.percent() if search is not None else 0
            text = self.tr(
                "Search is getting ready ({percent}% done). Your results will show as soon as "
                "it is."
            ).format(percent=percent)
        elif model.total is None:
            text = self.tr("Looking…") if model.loading else ""
        elif model.total == 0:
            if query.is_empty():
                text = self.tr("No calls have been logged yet.")
            elif too_common(query.text):
                text = self.tr("That word is too common to search for; try another.")
            else:
                text = self.tr("No calls match. Try fewer words, or clear a filter.")
        elif query.is_empty():
            if model.total == 1:
                text = self.tr("1 call.")
            else:
                text = self.tr("{n} calls, newest first.").format(n=f"{model.total:,}")
        elif model.total == 1:
            text = self.tr("1 matching call.")
        else:
            text = self.tr("{n} matching calls, newest first.").format(n=f"{model.total:,}")
        self.status.setText(text)

    # -- opening ---------------------------------------------------------------------------

    def selected_uuid(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.model.data(index, CallsModel.CallUuidRole)
        return value if isinstance(value, str) else None

    def select_row(self, row: int) -> None:
        """Make ``row`` the current, selected row (keyboard and tests)."""
        index = self.model.index(row, 0)
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.selectRow(row)

    def _search_entered(self) -> None:
        """Enter in the search box searches now and moves to the results, on the first row,
        so the keyboard goes from a word to a call in two keys."""
        self.apply_filter()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.table.model().rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def open_selected(self) -> None:
        """Ask the shell to open the selected call on the Call page."""
        index = self.table.currentIndex()
        if index.isValid():
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        call_uuid = self.model.data(index, CallsModel.CallUuidRole)
        if not isinstance(call_uuid, str):
            return
        if self.model.data(index, CallsModel.DamagedRole):
            Prompts.warn(
                self,
                self.tr("This call cannot be opened"),
                self.tr(
                    "This call record looks damaged or changed outside Warmline, so it cannot be "
                    "opened. Everything else is still available."
                ),
            )
            return
        self.open_call_requested.emit(call_uuid)

    def show_history(self) -> CallHistoryDialog | None:
        """Open the earlier versions of the selected call, read-only."""
        call_uuid = self.selected_uuid()
        if call_uuid is None:
            return None
        dialog = CallHistoryDialog(self.backend, call_uuid, self)
        self._history = dialog
        dialog.destroyed.connect(self._history_closed)
        dialog.open()
        return dialog

    def _history_closed(self, *_args: Any) -> None:
        self._history = None

    def _update_actions(self) -> None:
        has_row = self.table.currentIndex().isValid()
        self.open_button.setEnabled(has_row)
        self.history_button.setEnabled(has_row)

    def _focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter or Return on the table opens the current call, on every platform."""
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.open_selected()
            return True
        return super().eventFilter(watched, event)

    # -- lock ------------------------------------------------------------------------------

    def clear(self) -> None:
        """Drop every row, alias and topic shown, and (if the page made it) the index."""
        self._debounce.stop()
        if self._history is not None:
            self._history.close()
        self.model.clear()
        self._applying = True
        try:
            self.search_edit.clear()
            for combo in (self.shift_combo, self.caller_combo, self.topic_combo, self.author_combo):
                while combo.count() > 1:
                    combo.removeItem(1)
        finally:
            self._applying = False
        if self._own_search and self._search is not None:
            self._search.clear()
        self._loaded = False
        self.status.clear()
        self.progress.hide()
