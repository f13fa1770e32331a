"""Activity page: the record of activity listed, filtered and checked, for coordinators only."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.models.activity_model import ActivityModel, Column, what_text
from ui.pages import page_types
from ui.screens.activity import ActivityPage
from ui.tasks import TaskRunner
from ui.workspace import Workspace
from warmline.accounts import Role
from warmline.audit import Entry, Kind
from warmline.calls import Call
from warmline.session import Session
from warmline.vault import Vault

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def busy(
    qtbot: QtBot, runner: TaskRunner, ui_vault: tuple[Vault, Session], backend: Backend
) -> str:
    """An edited and a deleted call, and Sam added; returns Sam's account id."""
    _vault, session = ui_vault
    call = session.calls.add(Call(started_at=T0, worldview="words typed by a person"))
    session.calls.update(replace(call, worldview="more words typed"))
    session.calls.delete(call.uuid)
    sam = session.team.add_account("Sam", "sams own passphrase", Role.VOLUNTEER)
    backend.refresh_accounts()
    wait_idle(qtbot, runner)
    return sam.uuid


@pytest.fixture
def page(qtbot: QtBot, runner: TaskRunner, backend: Backend, busy: str) -> Iterator[ActivityPage]:
    activity = ActivityPage(backend)
    qtbot.addWidget(activity)
    activity.show()
    activity.activated()
    wait_idle(qtbot, runner)
    yield activity


def texts(page: ActivityPage, column: Column) -> list[str]:
    model = page.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_the_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = ActivityModel(lambda uuid: {"a": "Alex"}.get(uuid, "?"))
    model.set_entries([Entry(1, Kind.UNLOCK, "a", T0), Entry(2, Kind.LOCK, "a", T0)])
    qtmodeltester.check(model)
    assert model.data(model.index(0, Column.WHAT)) == "Locked Warmline"
    assert model.data(model.index(1, Column.WHO)) == "Alex"


def test_every_kind_has_its_own_plain_words() -> None:
    words = {what_text(Entry(1, kind, "a", T0, record="b", table="calls"), str) for kind in Kind}
    assert len(words) == len(Kind)
    assert "Something a newer Warmline recorded" not in words


def test_the_page_lists_what_happened_newest_first_in_plain_words(page: ActivityPage) -> None:
    what = texts(page, Column.WHAT)
    assert what == [
        "Added Sam to the team",
        "Deleted a call",
        "Edited a call",
        "Unlocked Warmline",
    ]
    assert set(texts(page, Column.WHO)) == {"Alex"}
    assert all(texts(page, Column.WHEN))
    assert not any("words typed" in text for text in what)


def test_filters_by_person_and_by_kind(qtbot: QtBot, page: ActivityPage, busy: str) -> None:
    page.kind_combo.setCurrentIndex(page.kind_combo.findText("Edits and deletions"))
    assert texts(page, Column.WHAT) == ["Deleted a call", "Edited a call"]
    page.kind_combo.setCurrentIndex(0)
    page.person_combo.setCurrentIndex(page.person_combo.findData(busy))
    assert texts(page, Column.WHAT) == []
    empty = page.findChild(QLabel, "activity-empty")
    assert empty is not None and empty.isVisibleTo(page)


def test_the_check_says_all_is_well(qtbot: QtBot, runner: TaskRunner, page: ActivityPage) -> None:
    button = page.findChild(QPushButton, "activity-check")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    result = page.findChild(QLabel, "activity-result")
    assert result is not None and result.isVisibleTo(page)
    assert "Nothing was removed, changed or added" in result.text()


def test_the_check_names_the_entry_that_was_removed(
    qtbot: QtBot, runner: TaskRunner, page: ActivityPage, ui_vault: tuple[Vault, Session]
) -> None:
    vault, _session = ui_vault
    conn = sqlite3.connect(str(vault.path))  # a person with their own tools
    conn.execute("delete from audit where seq = 2")
    conn.commit()
    conn.close()
    page.check()
    wait_idle(qtbot, runner)
    result = page.findChild(QLabel, "activity-result")
    assert result is not None
    assert "Entry 2 is missing" in result.text()
    assert "intact" in result.text()


def test_only_coordinators_see_the_page(
    qtbot: QtBot, backend: Backend, volunteer_backend: Backend
) -> None:
    assert ActivityPage in page_types()
    assert ActivityPage.available_to(backend)
    assert not ActivityPage.available_to(volunteer_backend)
    workspace = Workspace(volunteer_backend, page_types())
    qtbot.addWidget(workspace)
    assert ActivityPage.key not in workspace.pages


def test_a_printed_handover_goes_on_the_record(
    qtbot: QtBot, runner: TaskRunner, backend: Backend, ui_vault: tuple[Vault, Session]
) -> None:
    backend.note_activity(Kind.HANDOVER_PRINTED)
    wait_idle(qtbot, runner)
    assert ui_vault[1].audit.entries()[0].kind == Kind.HANDOVER_PRINTED
