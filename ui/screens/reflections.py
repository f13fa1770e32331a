"""My reflections: a worker's own private reflections, for their eyes only.

Everything here is the unlocked person's own: ``session.debriefs.mine()`` opens only what
their personal key seals, so there is nothing of anyone else's to show, filter or export.
The list is newest first, searched in memory (the opened reflections live in this page
only while unlocked; a lock deletes the page with them), each linked to the call it
followed (the link is inside the sealed body). The chart of check-ins can be saved as a
picture and the reflections exported to a file of the person's choosing; both are said to be
unsealed before anything is written.

The page also holds the reflection form (:class:`~ui.widgets.reflection_form.ReflectionForm`),
so an invitation after a call, a reminder on the On shift page and an unfinished reflection
all open it here, and Ctrl+N still starts the next call from it at once.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import reflection_work as work
from ui.backend import Backend
from ui.models.calls_model import time_text
from ui.prompts import Prompts
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.call_drafts import while_alive
from ui.widgets.check_in_chart import CheckInChart
from ui.widgets.lens_edit import keep_input_private
from ui.widgets.line_edits import named_clear_button
from ui.widgets.reflection_form import ReflectionForm, call_line
from warmline import ips
from warmline.calls import Call
from warmline.debriefs import CHECK_IN_MAX, Debrief, check_in_points
from warmline.drafts import Draft
from warmline.reflection_export import export_text
from warmline.session import Session


@dataclass
class ReflectionsState:
    """The person's own reflections and unfinished ones, opened on the worker in one go."""

    reflections: list[Debrief] = field(default_factory=list)
    calls: dict[str, tuple[Call | None, str]] = field(default_factory=dict)
    drafts: list[tuple[Draft, Call | None, str]] = field(default_factory=list)


def load_state(session: Session) -> ReflectionsState:
    """My reflections, newest first, the calls they followed, and unfinished ones (worker)."""
    mine = session.debriefs.mine()
    wanted = {r.call_uuid for r in mine if r.call_uuid and not r.damaged}
    calls = {uuid: work.call_and_alias(session, uuid) for uuid in wanted}
    drafts = [
        (d, *work.call_and_alias(session, d.target_uuid)) for d in work.reflection_drafts(session)
    ]
    return ReflectionsState(mine, calls, drafts)


def reflection_html(rec: Debrief, line: str) -> str:
    """One reflection for reading back, in the person's own words."""
    frame = ips.reflection()
    esc = html.escape
    when = time_text(rec.created_at) or rec.day
    parts = [f"<h3>{esc(when)}</h3>"]
    if rec.damaged:
        return parts[0] + "<p>This reflection could not be opened: it looks damaged.</p>"
    if line:
        parts.append(f"<p>After the call: {esc(line)}</p>")
    if rec.check_in:
        parts.append(
            f"<p><b>{esc(frame.check_in_question)}</b> {rec.check_in} of {CHECK_IN_MAX}, "
            f"{esc(frame.check_in_label(rec.check_in))}"
            + (f": {esc(rec.feeling)}" if rec.feeling else "")
            + "</p>"
        )
    elif rec.feeling:
        parts.append(f"<p><b>{esc(frame.check_in_question)}</b> {esc(rec.feeling)}</p>")
    if rec.need:
        parts.append(f"<p><b>{esc(frame.needs_question)}</b> {esc(frame.need_label(rec.need))}</p>")
    for question in ips.debrief_questions():
        answer = rec.answers.get(question.id, "")
        if answer:
            parts.append(f"<p><b>{esc(question.text)}</b><br>{esc(answer)}</p>")
    if rec.note_to_self:
        parts.append(f"<p><b>A note to myself</b><br>{esc(rec.note_to_self)}</p>")
    return "".join(parts)


def write_private_file(path: str, text: str) -> None:
    """Write ``text`` readable by this user only (0600 where the system has modes)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


class MyReflectionsPage(Page):
    title = "My reflections"
    key = "reflections"

    #: The person asked to see the call a reflection followed (its UUID).
    open_call_requested = Signal(str)

    def __init__(
        self, backend: Backend, parent: QWidget | None = None, *, autosave_ms: int = 3000
    ) -> None:
        super().__init__(backend, parent)
        self.setAccessibleName(self.tr("My reflections"))
        self.state = ReflectionsState()
        self._shown: list[Debrief] = []

        self.stack = QStackedWidget()
        self.overview = QWidget()
        self.overview.setObjectName("reflections-overview")
        self.form = ReflectionForm(backend, self, autosave_ms=autosave_ms)
        self.form.saved.connect(lambda _uuid: self.show_overview())
        self.form.closed.connect(self.show_overview)
        self.stack.addWidget(self.overview)
        self.stack.addWidget(self.form)

        heading = QLabel(self.tr("My reflections"))
        set_role(heading, "title")
        about = QLabel(
            self.tr(
                "Only you can read these, newest first. Nobody else on the team sees them, "
                "and they are in no report or handover."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")

        self.unfinished_label = QLabel()
        self.unfinished_label.setObjectName("reflections-unfinished")
        self.unfinished_label.setWordWrap(True)
        self.continue_button = QPushButton(self.tr("Carry &on with it"))
        self.continue_button.setObjectName("reflections-continue")
        self.continue_button.setAccessibleName(self.tr("Carry on with the unfinished reflection"))
        self.continue_button.clicked.connect(self.continue_unfinished)
        self.unfinished_row = QWidget()
        unfinished = QHBoxLayout(self.unfinished_row)
        unfinished.setContentsMargins(0, 0, 0, 0)
        unfinished.addWidget(self.unfinished_label, 1)
        unfinished.addWidget(self.continue_button)

        search_label = QLabel(self.tr("&Search my reflections"))
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("reflections-search")
        self.search_edit.setAccessibleName(self.tr("Search my reflections"))
        self.search_edit.setPlaceholderText(self.tr("A word you wrote"))
        named_clear_button(self.search_edit, self.tr("Clear the search"))
        keep_input_private(self.search_edit)
        search_label.setBuddy(self.search_edit)
        self.search_edit.textChanged.connect(self._fill_list)
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)

        self.list = QListWidget()
        self.list.setObjectName("reflections-list")
        self.list.setAccessibleName(self.tr("My reflections, newest first"))
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.list.setMaximumHeight(self.fontMetrics().lineSpacing() * 14)
        self.list.currentRowChanged.connect(self._row_changed)
        self.detail = QTextBrowser()
        self.detail.setObjectName("reflections-detail")
        self.detail.setAccessibleName(self.tr("The reflection chosen"))
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.detail.setMaximumHeight(self.fontMetrics().lineSpacing() * 14)
        self.open_call_button = QPushButton(self.tr("Open the &call it followed"))
        self.open_call_button.setObjectName("reflections-open-call")
        self.open_call_button.setAccessibleName(self.tr("Open the call this reflection followed"))
        self.open_call_button.clicked.connect(self.open_call)
        detail_column = QVBoxLayout()
        detail_column.addWidget(self.detail, 1)
        detail_column.addWidget(self.open_call_button, 0, Qt.AlignmentFlag.AlignLeft)
        columns = QHBoxLayout()
        columns.addWidget(self.list, 2)
        columns.addLayout(detail_column, 3)

        chart_title = QLabel(self.tr("How I have been after calls"))
        set_role(chart_title, "subtitle")
        self.chart = CheckInChart()
        self.chart_empty = QLabel(self.tr("Check-ins you give appear here as a line over time."))
        set_role(self.chart_empty, "hint")
        self.save_chart_button = QPushButton(self.tr("Save the chart as a &picture…"))
        self.save_chart_button.setObjectName("reflections-save-chart")
        self.save_chart_button.setAccessibleName(self.tr("Save the chart as a picture"))
        self.save_chart_button.clicked.connect(self.save_chart)
        self.export_button = QPushButton(self.tr("E&xport my reflections to a file…"))
        self.export_button.setObjectName("reflections-export")
        self.export_button.setAccessibleName(self.tr("Export my reflections to a file"))
        self.export_button.clicked.connect(self.export)
        unsealed = QLabel(self.tr("Pictures and exported files are not sealed."))
        unsealed.setWordWrap(True)
        set_role(unsealed, "hint")
        actions = QHBoxLayout()
        actions.addWidget(self.save_chart_button)
        actions.addWidget(self.export_button)
        actions.addWidget(unsealed, 1)

        overview = QVBoxLayout(self.overview)
        overview.setContentsMargins(0, 0, 0, 0)
        overview.addWidget(heading)
        overview.addWidget(about)
        overview.addWidget(self.unfinished_row)
        overview.addLayout(search_row)
        overview.addLayout(columns)
        overview.addWidget(chart_title)
        overview.addWidget(self.chart_empty)
        overview.addWidget(self.chart)
        overview.addLayout(actions)
        overview.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.stack)
        backend.records_changed.connect(self._records_changed)
        self._show(ReflectionsState())

    # --- loading ---------------------------------------------------------------------------

    def activated(self) -> None:
        if self.stack.currentWidget() is self.overview:
            self.refresh()

    def refresh(self) -> None:
        self.backend.run(load_state, while_alive(self, self._show))

    def _records_changed(self, kind: str) -> None:
        if kind in ("debriefs", "drafts", "calls") and self.isVisible():
            self.refresh()

    def _show(self, state: ReflectionsState) -> None:
        self.state = state
        drafts = state.drafts
        self.unfinished_row.setVisible(bool(drafts))
        if drafts:
            _draft, call, alias = drafts[-1]
            line = call_line(call, alias)
            text = (
                self.tr("An unfinished reflection is waiting (after the call: {line}).").format(
                    line=line
                )
                if line
                else self.tr("An unfinished reflection is waiting.")
            )
            if len(drafts) > 1:
                text += " " + self.tr("{n} in all.").format(n=len(drafts))
            self.unfinished_label.setText(text)
        points = check_in_points(state.reflections)
        self.chart.set_points(points)
        self.chart.setVisible(bool(points))
        self.chart_empty.setVisible(not points)
        self.save_chart_button.setEnabled(bool(points))
        self.export_button.setEnabled(bool(state.reflections))
        self._fill_list()

    def _line_for(self, rec: Debrief) -> str:
        call, alias = self.state.calls.get(rec.call_uuid or "", (None, ""))
        return call_line(call, alias)

    def _fill_list(self, *_args: object) -> None:
        query = self.search_edit.text().strip()
        shown = [r for r in self.state.reflections if not query or r.matches(query)]
        self._shown = shown
        self.list.blockSignals(True)
        self.list.clear()
        frame = ips.reflection()
        for rec in shown:
            parts = [time_text(rec.created_at) or rec.day]
            if rec.damaged:
                parts.append(self.tr("could not be opened"))
            if rec.check_in:
                parts.append(frame.check_in_label(rec.check_in))
            _call, alias = self.state.calls.get(rec.call_uuid or "", (None, ""))
            if alias:
                parts.append(self.tr("after a call with {alias}").format(alias=alias))
            self.list.addItem(QListWidgetItem(" · ".join(parts)))
        if not shown:
            self.list.addItem(
                self.tr("Nothing matches that search.")
                if query
                else self.tr("No reflections yet. After a call you can take a quiet moment.")
            )
        self.list.blockSignals(False)
        self.list.setCurrentRow(0)
        self._row_changed(0)

    def selected(self) -> Debrief | None:
        row = self.list.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _row_changed(self, _row: int) -> None:
        rec = self.selected()
        if rec is None:
            self.detail.clear()
            self.open_call_button.setEnabled(False)
            return
        self.detail.setHtml(reflection_html(rec, self._line_for(rec)))
        call, _alias = self.state.calls.get(rec.call_uuid or "", (None, ""))
        self.open_call_button.setEnabled(call is not None)

    # --- actions ---------------------------------------------------------------------------

    def open_call(self) -> None:
        rec = self.selected()
        if rec is not None and rec.call_uuid:
            self.open_call_requested.emit(rec.call_uuid)

    def save_chart(self) -> bool:
        """Save the chart as a PNG picture where the person chooses; True if written."""
        path = Prompts.save_file(
            self,
            self.tr("Save the chart as a picture"),
            self.tr("PNG pictures (*.png)"),
            "my-check-ins.png",
        )
        if not path:
            return False
        if not path.lower().endswith(".png"):
            path += ".png"
        saved = self.chart.grab().save(path, "PNG")
        if not saved:
            Prompts.warn(
                self, self.tr("The picture was not saved"), self.tr("Please try another place.")
            )
        return bool(saved)

    def export(self) -> bool:
        """Export my reflections to a file I choose, after saying it will not be sealed."""
        if not self.state.reflections:
            return False
        if not Prompts.confirm(
            self,
            self.tr("This file will not be sealed"),
            self.tr(
                "Your reflections are sealed inside Warmline so only you can read them. The "
                "file you are about to make is plain text: anyone who can open it can read "
                "every word. Keep it somewhere only you can reach, and delete it when you no "
                "longer need it."
            ),
            self.tr("Make the file"),
            self.tr("Keep them in Warmline only"),
        ):
            return False
        path = Prompts.save_file(
            self,
            self.tr("Export my reflections"),
            self.tr("Text files (*.txt)"),
            "my-reflections.txt",
        )
        if not path:
            return False
        lines = {uuid: call_line(call, alias) for uuid, (call, alias) in self.state.calls.items()}
        text = export_text(self.state.reflections, lines, time_text, self.backend.clock.now())
        try:
            write_private_file(path, text)
        except OSError:
            Prompts.warn(
                self, self.tr("The file was not made"), self.tr("Please try another place.")
            )
            return False
        # Not on the record of activity: when someone keeps their own reflections is theirs
        # alone, like the reflections (the coordinator's Activity page would show it).
        self.backend.status_message.emit(self.tr("Your reflections were exported."))
        return True

    def continue_unfinished(self) -> None:
        if self.state.drafts:
            self.resume(self.state.drafts[-1][0].uuid)

    # --- the form --------------------------------------------------------------------------

    def reflect_on(self, call_uuid: str) -> None:
        """Open the reflection on a call (from the invitation or a reminder)."""
        self.stack.setCurrentWidget(self.form)
        self.form.start(call_uuid)

    def resume(self, draft_uuid: str) -> None:
        """Open a kept reflection draft (after a lock, or from "Carry on")."""
        self.stack.setCurrentWidget(self.form)
        self.form.start(None, draft_uuid)

    def show_overview(self) -> None:
        self.stack.setCurrentWidget(self.overview)
        self.refresh()
        self.focus_first()

    def flush_draft(self) -> bool:
        return self.form.flush_draft()

    def note_to_resume(self) -> str | None:
        form = self.form
        if self.stack.currentWidget() is form and form.is_open and form.drafts.stored:
            return form.drafts.uuid
        return None

    def focus_first(self) -> None:
        if self.stack.currentWidget() is self.form:
            self.form.focus_first()
            return
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
