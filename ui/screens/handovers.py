"""Handovers, for shift leads and coordinators: every handover, and who has read it.

The list shows when each handover was written, by whom, who has acknowledged it and who on
the team has not yet; it filters by date and author. The chosen handover shows its generated
summary beside the written text, the replies people left, and the follow-ups its shift
raised with whether they are still open. It can be printed or saved as a PDF.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QDate, QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend
from ui.handover_document import handover_document, handover_html, offer_paper_copy, summary_html
from ui.models.calls_model import time_text
from ui.models.handovers_model import Column, HandoverRow, HandoversModel, load_handover_rows
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.call_drafts import while_alive
from ui.widgets.fit import combo_fits, fit_columns, room_for_mnemonic
from warmline.audit import Kind


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class HandoversPage(Page):
    title = "Handovers"
    key = "handovers"

    @classmethod
    def available_to(cls, backend: Backend) -> bool:
        return backend.is_lead

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.setAccessibleName(self.tr("Handovers"))
        self._loading = False
        self._reload = False
        self._selected_uuid: str | None = None

        heading = QLabel(self.tr("Handovers"))
        set_role(heading, "title")
        about = QLabel(
            self.tr(
                "Every handover, who has read it and who has not yet. Choose one to see the "
                "summary from its shift's records beside what was written."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")
        self.notice = QLabel()
        self.notice.setObjectName("handovers-notice")
        self.notice.setWordWrap(True)
        set_role(self.notice, "error")
        self.notice.hide()

        today = QDate.currentDate()
        self.use_dates = QCheckBox(self.tr("Only &between"))
        self.use_dates.setObjectName("handovers-use-dates")
        self.use_dates.setAccessibleName(self.tr("Only handovers written between two dates"))
        self.since_edit = QDateEdit(today.addDays(-14))
        self.since_edit.setObjectName("handovers-since")
        self.since_edit.setAccessibleName(self.tr("Written on or after"))
        self.until_edit = QDateEdit(today)
        self.until_edit.setObjectName("handovers-until")
        self.until_edit.setAccessibleName(self.tr("Written on or before"))
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.dateChanged.connect(self._filter)
        self.use_dates.toggled.connect(self._filter)
        and_label = QLabel(self.tr("and"))
        author_label = QLabel(self.tr("&Written by"))
        self.author_combo = QComboBox()
        self.author_combo.setObjectName("handovers-author")
        self.author_combo.setAccessibleName(self.tr("Written by"))
        author_label.setBuddy(self.author_combo)
        room_for_mnemonic(author_label)
        combo_fits(self.author_combo)
        self.author_combo.currentIndexChanged.connect(self._filter)
        filters = QHBoxLayout()
        filters.addWidget(self.use_dates)
        filters.addWidget(self.since_edit)
        filters.addWidget(and_label)
        filters.addWidget(self.until_edit)
        filters.addSpacing(16)
        filters.addWidget(author_label)
        filters.addWidget(self.author_combo, 1)

        self.model = HandoversModel(backend.display_name, self)
        self.table = QTableView()
        self.table.setObjectName("handovers-table")
        self.table.setAccessibleName(self.tr("Handovers"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        header = self.table.horizontalHeader()
        for column in Column:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.NOT_YET, QHeaderView.ResizeMode.Stretch)
        # The stretching column keeps its title's width when the window is narrow (the
        # list scrolls sideways instead of cutting "Not read yet by" short).
        fit_columns(self.table, dict)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        summary_title = QLabel(self.tr("From the shift's records"))
        set_role(summary_title, "subtitle")
        self.summary_view = QTextBrowser()
        self.summary_view.setObjectName("handovers-summary")
        self.summary_view.setAccessibleName(self.tr("Summary from the shift's records"))
        written_title = QLabel(self.tr("What was written, and who has read it"))
        set_role(written_title, "subtitle")
        self.text_view = QTextBrowser()
        self.text_view.setObjectName("handovers-text")
        self.text_view.setAccessibleName(self.tr("The handover as written"))
        for view in (self.summary_view, self.text_view):
            view.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        left = QVBoxLayout()
        left.addWidget(summary_title)
        left.addWidget(self.summary_view, 1)
        right = QVBoxLayout()
        right.addWidget(written_title)
        right.addWidget(self.text_view, 1)
        detail = QHBoxLayout()
        detail.setSpacing(16)
        detail.addLayout(left, 2)
        detail.addLayout(right, 3)

        self.print_button = QPushButton(self.tr("&Print…"))
        self.print_button.setObjectName("handovers-print")
        self.print_button.setAccessibleName(self.tr("Print the chosen handover"))
        self.print_button.clicked.connect(lambda: self.paper_copy(as_pdf=False))
        self.pdf_button = QPushButton(self.tr("Save as P&DF…"))
        self.pdf_button.setObjectName("handovers-pdf")
        self.pdf_button.setAccessibleName(self.tr("Save the chosen handover as a PDF"))
        self.pdf_button.clicked.connect(lambda: self.paper_copy(as_pdf=True))
        paper_note = QLabel(
            self.tr("Paper and PDF copies are not locked: anyone who finds them can read them.")
        )
        paper_note.setWordWrap(True)
        set_role(paper_note, "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(paper_note, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addWidget(self.notice)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addLayout(detail, 1)
        layout.addLayout(buttons)

        backend.records_changed.connect(self._records_changed)
        self._show_detail(None)
        self.refresh()

    # --- loading ---------------------------------------------------------------------------

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self._loading:
            self._reload = True
            return
        self._loading = True
        if self.backend.run(load_handover_rows, while_alive(self, self._loaded)) is None:
            self._loading = False

    def _records_changed(self, kind: str) -> None:
        if kind in ("handovers", "followups", "accounts"):
            self.refresh()

    def _loaded(self, result: tuple[list[HandoverRow], int]) -> None:
        self._loading = False
        if self._reload:
            self._reload = False
            self.refresh()
        rows, damaged = result
        keep = self._selected_uuid
        self.model.set_rows(rows)
        self._fill_authors()
        self.notice.setVisible(bool(damaged))
        self.notice.setText(
            self.tr(
                "{n} acknowledgement(s) could not be opened: they were changed or added "
                "outside Warmline. They are not counted as read."
            ).format(n=damaged)
        )
        self._select(keep)

    def _fill_authors(self) -> None:
        current = self.author_combo.currentData()
        self.author_combo.blockSignals(True)
        self.author_combo.clear()
        self.author_combo.addItem(self.tr("Anyone"), None)
        names = sorted(
            ((self.backend.display_name(u), u) for u in self.model.authors() if u),
            key=lambda pair: pair[0].casefold(),
        )
        for name, uuid in names:
            self.author_combo.addItem(name, uuid)
        self.author_combo.setCurrentIndex(max(self.author_combo.findData(current), 0))
        self.author_combo.blockSignals(False)
        self._filter()

    def _filter(self, *_args: object) -> None:
        keep = self._selected_uuid
        dates = self.use_dates.isChecked()
        self.since_edit.setEnabled(dates)
        self.until_edit.setEnabled(dates)
        self.model.set_filter(
            _to_date(self.since_edit.date()) if dates else None,
            _to_date(self.until_edit.date()) if dates else None,
            self.author_combo.currentData(),
        )
        self._select(keep)

    def _select(self, handover_uuid: str | None) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.row_at(row)
            if item is not None and (handover_uuid is None or item.handover.uuid == handover_uuid):
                self.table.selectRow(row)
                return
        self._show_detail(None)

    # --- the chosen handover ---------------------------------------------------------------

    def selected(self) -> HandoverRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_detail(self.selected())

    def _show_detail(self, row: HandoverRow | None) -> None:
        self._selected_uuid = row.handover.uuid if row else None
        self.print_button.setEnabled(row is not None and not row.handover.damaged)
        self.pdf_button.setEnabled(row is not None and not row.handover.damaged)
        if row is None:
            self.summary_view.setHtml(self.tr("<p>Choose a handover from the list.</p>"))
            self.text_view.clear()
            return
        names = self.backend.display_name
        handover = row.handover
        summary = summary_html(handover.summary) if not handover.damaged else ""
        followups = []
        for f in row.followups:
            state = (
                self.tr("done by {who}, {when}").format(
                    who=names(f.done_by), when=time_text(f.done_at)
                )
                if not f.is_open
                else self.tr("still open")
            )
            line = f"{f.text} — {state}"
            if f.done_note:
                line += f": {f.done_note}"
            followups.append(f"<li>{html.escape(line)}</li>")
        if followups:
            summary += "<h4>" + self.tr("Follow-ups from this shift") + "</h4>"
            summary += "<ul>" + "".join(followups) + "</ul>"
        self.summary_view.setHtml(summary)
        text = handover_html(handover, names, row.acks, with_summary=False)
        if row.not_yet:
            waiting = ", ".join(names(u) for u in row.not_yet)
            text += "<p>" + html.escape(self.tr("Not read yet by: {who}").format(who=waiting))
            text += "</p>"
        self.text_view.setHtml(text)

    def paper_copy(self, *, as_pdf: bool) -> bool:
        row = self.selected()
        if row is None:
            return False
        document = handover_document(
            row.handover, self.backend.display_name, row.acks, line_name=self.backend.line_name
        )
        made = offer_paper_copy(self, document, as_pdf=as_pdf)
        if made:
            self.backend.note_activity(Kind.HANDOVER_SAVED if as_pdf else Kind.HANDOVER_PRINTED)
        return made

    def focus_first(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
