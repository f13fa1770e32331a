"""Regular callers: the people who call often, known by an alias they chose.

A regular is never recorded by phone number or real name: the alias is what the caller asked
to be called. Beside it the page keeps the call agreement the caller and the line worked out
together (how many calls a day, about how long) and a few notes that help the next volunteer
reconnect. "See their calls" opens the Calls list filtered to that regular.

Edits are versioned by the core: saving names the revision the form was opened at, so if
someone else saved the same regular in between, the core's Conflict message is shown and the
text typed here stays on screen instead of overwriting theirs.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.models.callers_model import CallerRow, CallersModel, Column, load_caller_rows
from ui.prompts import Prompts
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.fit import (
    fit_columns,
    lines_tall,
    rows_tall,
    show_whole_text,
    stack_when_narrow,
)
from warmline.callers import Caller
from warmline.errors import Conflict
from warmline.session import Session

MAX_ALIAS_LENGTH = 40
MAX_CALLS_PER_DAY = 20
MAX_USUAL_MINUTES = 180


class CallersPage(Page):
    """The list of regular callers, and a form to add or change one (everyone)."""

    title = "Regular callers"
    key = "callers"

    #: A regular's UUID, when the person asks to see their calls (the shell shows Calls).
    show_calls_for_caller = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.setAccessibleName(self.tr("Regular callers"))
        self._editing: CallerRow | None = None  # the regular the form shows (None: a new one)
        self._dirty = False
        self._filling = False
        self._saving = False
        self._loaded = False
        self._select_after: str | None = None

        heading = QLabel(self.tr("Regular callers"))
        set_role(heading, "title")
        about = QLabel(
            self.tr(
                "Regulars are known by an alias they chose, never by a phone number or real "
                "name. A call agreement is something you and they worked out together."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")

        self.model = CallersModel(self)
        self.table = QTableView()
        self.table.setObjectName("callers-table")
        self.table.setAccessibleName(self.tr("Regular callers"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # the whole agreement is in the tooltip and the form
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.ALIAS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.AGREEMENT, QHeaderView.ResizeMode.Stretch)
        for column in (Column.CALLS, Column.LAST_CALL):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        fit_columns(self.table, dict)  # the agreement column never narrower than its title
        rows_tall(self.table, 6)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._edit_selected)

        self.add_button = QPushButton(self.tr("&Add a regular"))
        self.add_button.setObjectName("callers-add")
        self.add_button.setAccessibleName(self.tr("Add a regular caller"))
        self.add_button.clicked.connect(self.start_new)
        self.calls_button = QPushButton(self.tr("See their &calls"))
        self.calls_button.setObjectName("callers-show-calls")
        self.calls_button.setAccessibleName(self.tr("See this regular's calls"))
        self.calls_button.clicked.connect(self.show_their_calls)

        # -- the form ---------------------------------------------------------------------
        self.card = QFrame()
        self.card.setObjectName("callers-form")
        set_role(self.card, "card")
        self.form_title = QLabel()
        self.form_title.setObjectName("callers-form-title")
        set_role(self.form_title, "subtitle")
        self.alias_edit = QLineEdit()
        self.alias_edit.setObjectName("callers-alias")
        self.alias_edit.setAccessibleName(self.tr("Alias"))
        self.alias_edit.setMaxLength(MAX_ALIAS_LENGTH)
        self.alias_edit.setPlaceholderText(self.tr("The name they asked to be called"))
        show_whole_text(self.alias_edit)
        self.per_day_spin = QSpinBox()
        self.per_day_spin.setObjectName("callers-per-day")
        self.per_day_spin.setAccessibleName(self.tr("Calls a day"))
        self.per_day_spin.setRange(0, MAX_CALLS_PER_DAY)
        self.per_day_spin.setSpecialValueText(self.tr("Not agreed"))
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setObjectName("callers-minutes")
        self.minutes_spin.setAccessibleName(self.tr("Usual minutes"))
        self.minutes_spin.setRange(0, MAX_USUAL_MINUTES)
        self.minutes_spin.setSingleStep(5)
        self.minutes_spin.setSuffix(self.tr(" min"))
        self.minutes_spin.setSpecialValueText(self.tr("Not agreed"))
        self.agreement_edit = QPlainTextEdit()
        self.agreement_edit.setObjectName("callers-agreement-notes")
        self.agreement_edit.setAccessibleName(self.tr("More about the agreement"))
        self.agreement_edit.setPlaceholderText(
            self.tr("For example: prefers evenings; a redial after a dropped call counts as one")
        )
        self.agreement_edit.setTabChangesFocus(True)
        lines_tall(self.agreement_edit, 3)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("callers-notes")
        self.notes_edit.setAccessibleName(self.tr("Notes"))
        self.notes_edit.setPlaceholderText(
            self.tr("What helps you reconnect, in their own words where you can")
        )
        self.notes_edit.setTabChangesFocus(True)
        self.error = QLabel()
        self.error.setObjectName("callers-error")
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        self.error.hide()
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.setObjectName("callers-save")
        self.save_button.setAccessibleName(self.tr("Save this regular"))
        set_role(self.save_button, "primary")
        self.save_button.clicked.connect(self.save)
        self.save_button.setToolTip(self.tr("Save this regular (Ctrl+S)"))
        # Ctrl+S saves here as it does on the call form, wherever focus is on this page.
        save_keys = QShortcut(QKeySequence.StandardKey.Save, self)
        save_keys.setObjectName("shortcut-save-regular")
        save_keys.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_keys.activated.connect(self._save_by_keys)
        self.revert_button = QPushButton(self.tr("&Undo changes"))
        self.revert_button.setObjectName("callers-revert")
        self.revert_button.setAccessibleName(self.tr("Undo changes to this regular"))
        self.revert_button.clicked.connect(self.revert)

        form = QFormLayout()
        # A caption goes above its field when both do not fit side by side (200 % text).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self._caption(self.tr("Al&ias"), self.alias_edit), self.alias_edit)
        form.addRow(self._caption(self.tr("Calls a &day"), self.per_day_spin), self.per_day_spin)
        form.addRow(self._caption(self.tr("Usual &length"), self.minutes_spin), self.minutes_spin)
        form.addRow(
            self._caption(self.tr("About the agree&ment"), self.agreement_edit),
            self.agreement_edit,
        )
        form.addRow(self._caption(self.tr("&Notes"), self.notes_edit), self.notes_edit)
        form_buttons = QHBoxLayout()
        form_buttons.addWidget(self.save_button)
        form_buttons.addWidget(self.revert_button)
        form_buttons.addStretch(1)
        card_layout = QVBoxLayout(self.card)
        card_layout.addWidget(self.form_title)
        card_layout.addLayout(form)
        card_layout.addWidget(self.error)
        card_layout.addLayout(form_buttons)

        for widget in (self.alias_edit,):
            widget.textChanged.connect(self._mark_dirty)
        for spin in (self.per_day_spin, self.minutes_spin):
            spin.valueChanged.connect(self._mark_dirty)
        for edit in (self.agreement_edit, self.notes_edit):
            edit.textChanged.connect(self._mark_dirty)

        # -- layout -----------------------------------------------------------------------
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.calls_button)
        list_buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addLayout(list_buttons)
        body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        body.addLayout(left, 3)
        body.addWidget(self.card, 2)
        # The list and the editor side by side while there is room for both; at 200 % text
        # in a small window, the editor goes below the list (the page scrolls).
        stack_when_narrow(body, self, chars=110)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addLayout(body, 1)

        order: list[QWidget] = [
            self.table,
            self.add_button,
            self.calls_button,
            self.alias_edit,
            self.per_day_spin,
            self.minutes_spin,
            self.agreement_edit,
            self.notes_edit,
            self.save_button,
            self.revert_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.setFocusProxy(self.table)

        backend.records_changed.connect(self._records_changed)
        self._show_form(None)

    def _caption(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # -- Page ------------------------------------------------------------------------------

    def activated(self) -> None:
        if not self._loaded:
            self.reload()

    def can_leave(self) -> bool:
        return self._may_discard()

    # -- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch the regulars (and their call counts) again."""
        self._loaded = True
        self.backend.run(load_caller_rows, self._loaded_rows)

    def _loaded_rows(self, rows: list[CallerRow]) -> None:
        keep = self._select_after or (self._editing.uuid if self._editing else None)
        self._select_after = None
        self._filling = True
        try:
            self.model.set_rows(rows)
            row = self.model.row_of(keep) if keep else -1
            if row >= 0:
                self.table.selectRow(row)
        finally:
            self._filling = False
        if not self._dirty:  # typed text (and the revision it was based on) stays as it is
            self._show_form(self.model.row_data(row) if row >= 0 else None)
        self._update_actions()

    def _records_changed(self, kind: str) -> None:
        if self._loaded and kind in ("callers", "calls"):
            self.reload()

    # -- selection and the form ------------------------------------------------------------

    def selected_row(self) -> CallerRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_data(rows[0].row()) if rows else None

    def select_caller(self, caller_uuid: str) -> bool:
        """Select a regular by UUID (keyboard and tests); False if not in the list."""
        row = self.model.row_of(caller_uuid)
        if row < 0:
            return False
        self.table.selectRow(row)
        return True

    def _selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        if self._filling:
            return
        chosen = self.selected_row()
        if chosen is not None and self._editing is not None and chosen.uuid == self._editing.uuid:
            self._update_actions()
            return
        if not self._may_discard():
            # Stay on the one being edited.
            self._filling = True
            try:
                previous = self.model.row_of(self._editing.uuid) if self._editing else -1
                if previous >= 0:
                    self.table.selectRow(previous)
                else:
                    self.table.clearSelection()
            finally:
                self._filling = False
            return
        self._show_form(chosen)

    def _edit_selected(self, *_args: object) -> None:
        self.alias_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def start_new(self) -> None:
        """Empty the form to add a new regular."""
        if not self._may_discard():
            return
        self._filling = True
        try:
            self.table.clearSelection()
        finally:
            self._filling = False
        self._show_form(None)
        self.alias_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_form(self, row: CallerRow | None) -> None:
        """Fill the form from ``row`` (None: a new regular), with nothing changed yet."""
        self._filling = True
        try:
            self._editing = row
            damaged = row is not None and row.damaged
            if row is None:
                self.form_title.setText(self.tr("A new regular"))
            elif damaged:
                self.form_title.setText(self.tr("This record could not be opened"))
            else:
                self.form_title.setText(self.tr("About {alias}").format(alias=row.alias))
            shown = row if row is not None and not damaged else None
            self.alias_edit.setText(shown.alias if shown else "")
            self.per_day_spin.setValue((shown.calls_per_day or 0) if shown else 0)
            self.minutes_spin.setValue((shown.usual_minutes or 0) if shown else 0)
            self.agreement_edit.setPlainText(shown.agreement_notes if shown else "")
            self.notes_edit.setPlainText(shown.notes if shown else "")
            for widget in (
                self.alias_edit,
                self.per_day_spin,
                self.minutes_spin,
                self.agreement_edit,
                self.notes_edit,
            ):
                widget.setEnabled(not damaged)
            self._show_error("")
            self._dirty = False
        finally:
            self._filling = False
        self._update_actions()

    def _mark_dirty(self, *_args: object) -> None:
        if self._filling:
            return
        self._dirty = True
        self._show_error("")
        self._update_actions()

    def _may_discard(self) -> bool:
        """True if there are no unsaved changes, or the person chose to let them go."""
        if not self._dirty:
            return True
        name = self.alias_edit.text().strip() or self.tr("this regular")
        discard = Prompts.confirm(
            self,
            self.tr("Leave your changes?"),
            self.tr("Your changes to {name} are not saved yet.").format(name=name),
            self.tr("Discard changes"),
            self.tr("Keep editing"),
        )
        if discard:
            self._dirty = False
        return discard

    def revert(self) -> None:
        """Put back what is saved now (after a conflict: including the other person's edit)."""
        editing = self._editing
        fresh = self.model.row_data(self.model.row_of(editing.uuid)) if editing else None
        self._show_form(fresh or editing)

    def show_their_calls(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.show_calls_for_caller.emit(row.uuid)

    def _update_actions(self) -> None:
        selected = self.selected_row()
        self.calls_button.setEnabled(selected is not None)
        damaged = self._editing is not None and self._editing.damaged
        self.save_button.setEnabled(self._dirty and not self._saving and not damaged)
        self.revert_button.setEnabled(self._dirty and not self._saving)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # -- saving ----------------------------------------------------------------------------

    def _save_by_keys(self) -> None:
        """Ctrl+S: save when there is something to save (as the Save button would)."""
        if self.save_button.isEnabled():
            self.save()

    def save(self) -> None:
        """Add the new regular, or save the changes to the one shown."""
        if self._saving:
            return
        alias = " ".join(self.alias_edit.text().split())
        if not alias:
            self._show_error(self.tr("Please give the alias they asked to be called."))
            self.alias_edit.setFocus()
            return
        editing = self._editing
        for uuid, other in self.model.aliases().items():
            if other.casefold() == alias.casefold() and (editing is None or uuid != editing.uuid):
                self._show_error(
                    self.tr(
                        "There is already a regular called {alias}. Please choose another alias, "
                        "perhaps with a letter added."
                    ).format(alias=other)
                )
                self.alias_edit.setFocus()
                return
        calls_per_day = self.per_day_spin.value() or None
        usual_minutes = self.minutes_spin.value() or None
        agreement_notes = self.agreement_edit.toPlainText().strip()
        notes = self.notes_edit.toPlainText().strip()
        if editing is None:
            new = Caller(
                alias=alias,
                calls_per_day=calls_per_day,
                usual_minutes=usual_minutes,
                agreement_notes=agreement_notes,
                notes=notes,
            )

            def work(session: Session) -> Caller:
                return session.callers.add(new)

        else:
            changed = replace(
                editing.to_caller(),  # at the revision the form was opened at
                alias=alias,
                calls_per_day=calls_per_day,
                usual_minutes=usual_minutes,
                agreement_notes=agreement_notes,
                notes=notes,
            )

            def work(session: Session) -> Caller:
                return session.callers.update(changed)

        self._saving = True
        self._update_actions()
        self.backend.run(work, self._saved, self._save_failed)

    def _saved(self, caller: Caller) -> None:
        self._saving = False
        self._dirty = False
        self._select_after = caller.uuid
        self._editing = CallerRow.from_caller(caller, 0, None)
        self.form_title.setText(self.tr("About {alias}").format(alias=caller.alias))
        self._update_actions()
        self.backend.status_message.emit(self.tr("Saved."))
        self.backend.changed("callers")

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self._update_actions()
        if isinstance(error, Conflict):
            title = self.tr("Someone else saved this regular")
            self.reload()  # so "Undo changes" brings back what they saved
        else:
            title = self.tr("The changes were not saved")
        Prompts.warn(self, title, describe(error))

    # -- lock ------------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget every alias, agreement and note shown (on lock)."""
        self.model.clear()
        self._dirty = False
        self._show_form(None)
        self._loaded = False
