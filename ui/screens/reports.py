"""Reports, for coordinators (and shift leads when the team allows it): figures for funders.

Choose a period (the last 30 days, last month, quarter or year, or your own dates); the
report is counted on the worker thread a batch of calls at a time, like the search index,
with progress, so the window never waits and a call saved meanwhile is not held up. Each
chart has a one-line reading and its numbers as a table; small counts are hidden the same
way on screen, in the CSV and on paper (see :mod:`warmline.report_export`).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ui.backend import Backend, describe
from ui.report_document import offer_report_copy
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.call_drafts import while_alive
from ui.widgets.csv_preview_dialog import CsvPreviewDialog
from ui.widgets.fit import drawn_width, on_text_size_change
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.report_chart import ChartSection
from warmline.audit import Kind
from warmline.errors import NotAllowed
from warmline.report_export import ReportTable, csv_text, headline, report_tables
from warmline.reports import Period, ReportFigures, ReportRun, may_see_reports, quick_periods
from warmline.session import Session

#: Calls opened per background step: tens of milliseconds each, so a save never waits long.
STEP = 2000

CHOICES = (
    ("30_days", "The last 30 days"),
    ("month", "Last month"),
    ("quarter", "Last quarter"),
    ("year", "Last year"),
    ("custom", "Dates I choose"),
)


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _whole_label(label: QLabel) -> None:
    """A short caption never loses a pixel of its last letter (Qt rounds widths down)."""

    def measure() -> None:
        label.setMinimumWidth(drawn_width(label.fontMetrics(), label.text()) + 4)

    on_text_size_change(label, measure)


class ReportsPage(Page):
    title = "Reports"
    key = "reports"

    @classmethod
    def available_to(cls, backend: Backend) -> bool:
        # Leads see the section; whether it shows figures is the team's choice (the core
        # checks it again for every step, so a switched-off setting stops a running report).
        return backend.is_lead

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.setAccessibleName(self.tr("Reports"))
        self._run_id = 0
        self._running = False
        self._started = False
        self.figures: ReportFigures | None = None
        self.tables: list[ReportTable] = []
        self.sections: dict[str, ChartSection] = {}

        heading = QLabel(self.tr("Reports"))
        set_role(heading, "title")
        about = QLabel(
            self.tr(
                "Counts for funders and the team: how many calls, when, how long, about what, "
                "and the hours volunteers gave. Small counts are hidden as <5 everywhere, so "
                "nobody can be picked out. Private reflections are never counted."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")
        self.notice = QLabel()
        self.notice.setObjectName("reports-notice")
        self.notice.setWordWrap(True)
        set_role(self.notice, "error")
        self.notice.hide()

        self.period_combo = QComboBox()
        self.period_combo.setObjectName("reports-period")
        self.period_combo.setAccessibleName(self.tr("Period"))
        for key, choice in CHOICES:
            self.period_combo.addItem(self.tr(choice), key)
        period_label = QLabel(self.tr("&Period"))
        period_label.setBuddy(self.period_combo)
        today = QDate.currentDate()
        self.from_edit = QDateEdit(today.addDays(-29))
        self.from_edit.setObjectName("reports-from")
        self.from_edit.setAccessibleName(self.tr("From"))
        from_label = QLabel(self.tr("Fro&m"))
        from_label.setBuddy(self.from_edit)
        self.to_edit = QDateEdit(today)
        self.to_edit.setObjectName("reports-to")
        self.to_edit.setAccessibleName(self.tr("To"))
        to_label = QLabel(self.tr("&To"))
        to_label.setBuddy(self.to_edit)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.show_button = QPushButton(self.tr("Show the &report"))
        self.show_button.setObjectName("reports-show")
        self.show_button.setAccessibleName(self.tr("Show the report for these dates"))
        set_role(self.show_button, "primary")
        self.show_button.clicked.connect(self.refresh)
        self.period_combo.currentIndexChanged.connect(self._period_chosen)

        controls = FlowLayout(spacing=12)
        for caption, field in (
            (period_label, self.period_combo),
            (from_label, self.from_edit),
            (to_label, self.to_edit),
        ):
            _whole_label(caption)
            pair = QWidget()
            row = QHBoxLayout(pair)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(caption)
            row.addWidget(field)
            controls.addWidget(pair)
        controls.addWidget(self.show_button)
        controls_box = QWidget()
        controls_box.setLayout(controls)

        self.progress = QProgressBar()
        self.progress.setObjectName("reports-progress")
        self.progress.setAccessibleName(self.tr("Counting calls"))
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("reports-status")
        self.status.setWordWrap(True)
        set_role(self.status, "hint")

        self.summary = QLabel()
        self.summary.setObjectName("reports-summary")
        self.summary.setWordWrap(True)
        set_role(self.summary, "subtitle")

        self.csv_button = QPushButton(self.tr("Preview the &CSV…"))
        self.csv_button.setObjectName("reports-csv")
        self.csv_button.setAccessibleName(self.tr("Preview and save the counts as a CSV file"))
        self.csv_button.clicked.connect(self.preview_csv)
        self.pdf_button = QPushButton(self.tr("Save as P&DF…"))
        self.pdf_button.setObjectName("reports-pdf")
        self.pdf_button.setAccessibleName(self.tr("Save the report as a PDF"))
        self.pdf_button.clicked.connect(lambda: self.paper_copy(as_pdf=True))
        self.print_button = QPushButton(self.tr("Pr&int…"))
        self.print_button.setObjectName("reports-print")
        self.print_button.setAccessibleName(self.tr("Print the report"))
        self.print_button.clicked.connect(lambda: self.paper_copy(as_pdf=False))
        paper_note = QLabel(
            self.tr(
                "CSV, paper and PDF copies are not locked: anyone who finds them can read them."
            )
        )
        paper_note.setWordWrap(True)
        set_role(paper_note, "hint")
        exports = FlowLayout(spacing=8)
        for widget in (self.csv_button, self.pdf_button, self.print_button, paper_note):
            exports.addWidget(widget)
        self.exports_box = QWidget()
        self.exports_box.setLayout(exports)

        self.sections_box = QWidget()
        self.sections_layout = QVBoxLayout(self.sections_box)
        self.sections_layout.setContentsMargins(0, 0, 0, 0)
        self.sections_layout.setSpacing(12)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(controls_box)
        body.addWidget(self.progress)
        body.addWidget(self.status)
        body.addWidget(self.summary)
        body.addWidget(self.exports_box)
        body.addWidget(self.sections_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addWidget(self.notice)
        layout.addWidget(self.body)
        layout.addStretch(1)

        backend.records_changed.connect(self._records_changed)
        self._period_chosen()
        self._set_exports_enabled(False)

    # --- the period --------------------------------------------------------------------------

    def period(self) -> Period:
        key = self.period_combo.currentData()
        if key == "custom":
            first, last = _to_date(self.from_edit.date()), _to_date(self.to_edit.date())
            return Period(min(first, last), max(first, last))
        return quick_periods(self.backend.clock.now().astimezone().date())[str(key)]

    def _period_chosen(self, *_args: object) -> None:
        custom = self.period_combo.currentData() == "custom"
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        if not custom:
            period = self.period()
            for edit, day in ((self.from_edit, period.first), (self.to_edit, period.last)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
            if self._started:
                self.refresh()

    def choose_period(self, key: str) -> None:
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(key)))

    def set_dates(self, first: date, last: date) -> None:
        self.choose_period("custom")
        self.from_edit.setDate(QDate(first.year, first.month, first.day))
        self.to_edit.setDate(QDate(last.year, last.month, last.day))

    # --- counting ----------------------------------------------------------------------------

    def activated(self) -> None:
        if not self._started:
            self._started = True
            self.refresh()

    @property
    def running(self) -> bool:
        return self._running

    def refresh(self) -> None:
        """Count the chosen period again, dropping any count still running."""
        self._started = True
        self._run_id += 1
        run_id = self._run_id
        run = ReportRun(self.period(), None, batch=STEP)
        self._running = True
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(self.tr("Counting calls…"))
        self._set_exports_enabled(False)
        handle = self.backend.run(
            run.begin,
            while_alive(self, lambda _counts: self._next_step(run_id, run)),
            while_alive(self, self._failed),
        )
        if handle is None:
            self._running = False

    def _next_step(self, run_id: int, run: ReportRun) -> None:
        if run_id != self._run_id:
            return  # a newer count replaced this one

        def step(session: Session) -> tuple[bool, int, int]:
            return run.step(session), run.done, run.total

        self.backend.run(
            step,
            while_alive(self, lambda out: self._stepped(run_id, run, out)),
            while_alive(self, self._failed),
        )

    def _stepped(self, run_id: int, run: ReportRun, outcome: tuple[bool, int, int]) -> None:
        if run_id != self._run_id:
            return
        more, done, total = outcome
        percent = 100 if not more or total <= 0 else min(99, done * 100 // total)
        self.progress.setValue(percent)
        self.status.setText(self.tr("Counting calls… {percent}%").format(percent=percent))
        if more:
            self._next_step(run_id, run)
            return

        def finish(_session: Session) -> tuple[ReportFigures, list[ReportTable]]:
            figures = run.result()
            return figures, report_tables(figures)

        self.backend.run(
            finish,
            while_alive(self, lambda out: self._show(run_id, out)),
            while_alive(self, self._failed),
        )

    def _failed(self, error: BaseException) -> None:
        self._running = False
        self.progress.hide()
        self.status.clear()
        if isinstance(error, NotAllowed):
            self._not_allowed(str(error))
            return
        self.notice.setText(describe(error))
        self.notice.show()

    def _not_allowed(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
        self.body.hide()

    def _records_changed(self, kind: str) -> None:
        if kind == "settings" and not self.backend.is_coordinator:
            self.backend.run(may_see_reports, while_alive(self, self._allowed_now))

    def _allowed_now(self, allowed: bool) -> None:
        if allowed and not self.body.isVisible():
            self.notice.hide()
            self.body.show()
            if self._started:
                self.refresh()
        elif not allowed:
            self._not_allowed(
                self.tr(
                    "Reports are for coordinators. A coordinator can let shift leads see them "
                    "in Settings."
                )
            )

    # --- showing -----------------------------------------------------------------------------

    def _show(self, run_id: int, outcome: tuple[ReportFigures, list[ReportTable]]) -> None:
        if run_id != self._run_id:
            return
        self.figures, self.tables = outcome
        self.notice.hide()
        self.body.show()
        self.progress.hide()
        period = self.figures.period.text()
        damaged = self.figures.damaged
        status = self.tr("Report for {period}.").format(period=period)
        if damaged:
            status += " " + self.tr(
                "{n} call record(s) could not be opened and are not counted."
            ).format(n=damaged)
        self.status.setText(status)
        self.summary.setText(
            "   ·   ".join(f"{name}: {value}" for name, value in headline(self.figures))
        )
        self._draw_next(run_id, 0)

    def _draw_next(self, run_id: int, index: int) -> None:
        """Draw one chart per turn of the event loop: eleven charts at once held the window
        for a third of a second; one at a time, it never waits more than a few ms."""
        if run_id != self._run_id or not isValid(self):
            return
        if index >= len(self.tables):
            self._running = False
            self._set_exports_enabled(True)
            return
        table = self.tables[index]
        section = self.sections.get(table.key)
        if section is None:
            section = ChartSection(table)
            self.sections[table.key] = section
            self.sections_layout.addWidget(section)
        else:
            section.show_table(table)
        QTimer.singleShot(0, self, lambda: self._draw_next(run_id, index + 1))

    def _set_exports_enabled(self, enabled: bool) -> None:
        for button in (self.csv_button, self.pdf_button, self.print_button):
            button.setEnabled(enabled)

    # --- sharing -----------------------------------------------------------------------------

    def csv_preview(self) -> CsvPreviewDialog | None:
        if self.figures is None:
            return None
        text = csv_text(self.figures, self.backend.line_name)
        period = self.figures.period
        name = f"warmline-report-{period.first.isoformat()}-to-{period.last.isoformat()}.csv"
        return CsvPreviewDialog(text, name, self)

    def preview_csv(self) -> None:
        dialog = self.csv_preview()
        if dialog is not None:
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.accepted.connect(lambda: self.backend.note_activity(Kind.REPORT_SAVED))
            dialog.open()

    def paper_copy(self, *, as_pdf: bool) -> bool:
        if self.figures is None:
            return False
        made = offer_report_copy(self, self.figures, self.backend.line_name, as_pdf=as_pdf)
        if made:
            self.backend.note_activity(Kind.REPORT_SAVED if as_pdf else Kind.REPORT_PRINTED)
        return made

    def focus_first(self) -> None:
        self.period_combo.setFocus(Qt.FocusReason.OtherFocusReason)
