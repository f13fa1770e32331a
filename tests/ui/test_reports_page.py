"""The Reports page: figures worked out here from the fictional data, small counts hidden in
the tables, the CSV preview equal to the file, a PDF with no one's words in it, and who may
see reports."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.clock import FakeClock
from ui.prompts import Prompts
from ui.screens.reports import ReportsPage
from ui.screens.settings import SettingsPage
from ui.tasks import TaskRunner
from warmline.accounts import Role
from warmline.calls import Call
from warmline.fiction import FictionGenerator
from warmline.handovers import Handover
from warmline.reports import LEADS_SETTING
from warmline.session import Session
from warmline.vault import Vault

NOW = datetime.now().astimezone().replace(microsecond=0)  # the page counts in local time
FIRST, LAST = (NOW - timedelta(days=9)).date(), NOW.date()


class Planted:
    def __init__(self, session: Session) -> None:
        self.canary = "Canary" + secrets.token_hex(6) + "Zeta"
        canary = self.canary
        gen = FictionGenerator(seed=5, now=NOW)
        callers = gen.callers(4)
        callers[0] = replace(callers[0], alias=f"Robin {canary}")
        self.callers = session.callers.add_many(callers)
        calls = list(gen.calls(90, self.callers, 9, [session.account.uuid]))
        calls[0] = replace(calls[0], connection=canary, follow_up=f"ring {canary}")
        # Three calls in the small hours (the line is closed then): a count to hide.
        early = datetime.combine(FIRST + timedelta(days=1), time(4, 10)).astimezone()
        calls += [Call(started_at=early, ended_at=early + timedelta(minutes=6)) for _ in range(3)]
        self.calls: list[Call] = session.calls.add_many(calls)
        session.followups.sync_from_call(self.calls[0])
        session.handovers.add(Handover(how_it_was=f"handover {canary}"))
        self.person = session.team.add_account(
            f"Morgan {canary}", "morgans own passphrase", Role.VOLUNTEER
        )

    def local_hours(self) -> Counter[int]:
        return Counter(
            c.started_at.astimezone().hour // 3
            for c in self.calls
            if c.started_at and FIRST <= c.started_at.astimezone().date() <= LAST
        )


def open_page(qtbot: QtBot, backend: Backend, runner: TaskRunner) -> ReportsPage:
    page = ReportsPage(backend)
    qtbot.addWidget(page)
    page.set_dates(FIRST, LAST)
    page.show()
    page.activated()
    page.refresh()
    qtbot.waitUntil(lambda: page.figures is not None and not page.running, timeout=15_000)
    wait_idle(qtbot, runner)
    return page


def pdf_text(path: Path) -> str:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    return "\n".join(document.getAllText(p).text() for p in range(document.pageCount()))


def test_the_page_counts_what_the_data_holds_and_hides_small_counts(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, ui_vault: tuple[Vault, Session]
) -> None:
    planted = Planted(ui_vault[1])
    page = open_page(qtbot, backend, runner)
    bands = planted.local_hours()
    total = sum(bands.values())
    assert f"Calls: {total}" in page.summary.text()
    section = page.sections["time_of_day"]
    model = section.numbers.model()
    assert model.rowCount() == 8
    seen_small = False
    for row in range(8):
        shown = model.index(row, 1).data()
        count = bands[row]
        if 0 < count < 5:
            assert shown == "<5"
            seen_small = True
        else:
            assert shown in (str(count), "hidden")
    assert seen_small and bands[1] == 3
    assert section.reading.text().startswith("Most calls come between")
    assert section.numbers.accessibleName() == "Calls by time of day, as a table"
    assert section.view.accessibleDescription() == section.reading.text()
    # The chart draws the hidden counts as nothing.
    chart_sets = section.view.chart().series()[0].barSets()[0]  # type: ignore[attr-defined]
    for row in range(8):
        if 0 < bands[row] < 5:
            assert chart_sets.at(row) == 0


def test_the_csv_preview_is_exactly_the_file(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
    tmp_path: Path,
) -> None:
    planted = Planted(ui_vault[1])
    page = open_page(qtbot, backend, runner)
    dialog = page.csv_preview()
    assert dialog is not None
    qtbot.addWidget(dialog)
    shown = dialog.view.toPlainText()
    assert shown.splitlines() == dialog.text.splitlines()
    assert shown.startswith("# Warmline report for Test Line")
    prompts.set_next_answers([str(tmp_path / "figures")])
    assert dialog.save()
    written = (tmp_path / "figures.csv").read_bytes().decode("utf-8")
    assert written == dialog.text
    assert planted.canary.casefold() not in written.casefold()
    assert "Robin" not in written and "Alex" not in written
    assert "<5" in written


def test_the_pdf_has_the_line_the_period_and_the_note_and_no_ones_words(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
    tmp_path: Path,
) -> None:
    planted = Planted(ui_vault[1])
    page = open_page(qtbot, backend, runner)
    prompts.set_next_answers([False])
    assert not page.paper_copy(as_pdf=True)
    prompts.set_next_answers([True, str(tmp_path / "board")])
    assert page.paper_copy(as_pdf=True)
    assert "not locked" in prompts.asked[0].text
    text = " ".join(pdf_text(tmp_path / "board.pdf").split())
    assert "Test Line" in text
    assert page.figures is not None
    assert page.figures.period.text() in text
    assert "This report is not locked" in text
    assert "<5" in text
    assert planted.canary.casefold() not in text.casefold()
    for caller in planted.callers:
        assert caller.alias.split()[0] not in text
    assert "Morgan" not in text and "Alex" not in text


def test_a_chart_saves_as_an_image(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
    tmp_path: Path,
) -> None:
    Planted(ui_vault[1])
    page = open_page(qtbot, backend, runner)
    prompts.set_next_answers([str(tmp_path / "weeks")])
    page.sections["per_time"].save_button.click()
    image = QImage(str(tmp_path / "weeks.png"))
    assert not image.isNull() and image.width() > 600


def test_leads_see_figures_only_when_the_team_allows(
    qtbot: QtBot,
    runner: TaskRunner,
    backend: Backend,
    ui_vault: tuple[Vault, Session],
    fake_clock: FakeClock,
    prompts: type[Prompts],
) -> None:
    vault, session = ui_vault
    lee = session.team.add_account("Lee", "lees own passphrase", Role.SHIFT_LEAD)
    lead = Backend(
        runner, vault.unlock(lee.uuid, "lees own passphrase"), fake_clock, SafeClipboard(), "x"
    )
    page = ReportsPage(lead)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    wait_idle(qtbot, runner)
    assert page.notice.isVisible() and "coordinator" in page.notice.text()
    assert not page.body.isVisible() and page.figures is None

    settings = SettingsPage(backend)
    qtbot.addWidget(settings)
    wait_idle(qtbot, runner)
    settings.reports_check.setChecked(True)
    settings.save_team()
    wait_idle(qtbot, runner)
    assert session.settings.get(LEADS_SETTING) is True
    lead.changed("settings")  # what another computer learns at its next look
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: page.figures is not None, timeout=15_000)
    assert page.body.isVisible() and not page.notice.isVisible()
    lead.close()


def test_a_volunteer_has_no_reports_page(volunteer_backend: Backend) -> None:
    assert not ReportsPage.available_to(volunteer_backend)


def test_the_period_choices_fill_the_dates(
    qtbot: QtBot, backend: Backend, runner: TaskRunner
) -> None:
    page = ReportsPage(backend)
    qtbot.addWidget(page)
    page.choose_period("year")
    period = page.period()
    today = backend.clock.now().astimezone().date()
    assert period.first == date(today.year - 1, 1, 1)
    assert not page.from_edit.isEnabled()
    page.choose_period("custom")
    assert page.from_edit.isEnabled() and page.to_edit.isEnabled()
    wait_idle(qtbot, runner)


def test_charts_follow_text_size_and_high_contrast(qapp: QApplication) -> None:
    """Chart labels at the person's text size; high contrast gets the high-contrast theme."""
    from PySide6.QtCharts import QChart

    from ui.theme import Theme, apply_theme
    from ui.widgets.report_chart import make_chart
    from warmline.report_export import ReportTable

    table = ReportTable(
        "t", "Calls", "Row", ["Calls"], ["a", "b"], [[7], [9]], [["7"], ["9"]]
    )
    try:
        apply_theme(qapp, Theme.HIGH_CONTRAST, 200)
        chart = make_chart(table)
        assert chart.theme() == QChart.ChartTheme.ChartThemeHighContrast
        for axis in chart.axes():
            assert axis.labelsFont().pointSizeF() == pytest.approx(qapp.font().pointSizeF())
    finally:
        apply_theme(qapp, Theme.SYSTEM, 100)
