"""Team page by keyboard: End and Home move between people, never into a role; a role
changes only through "Change role" and a yes to the question; the reset question says
whose records, how many of each, and what happens to them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.models.accounts_model import Column
from ui.prompts import Prompts
from ui.screens.team import TeamPage
from ui.tasks import TaskRunner
from warmline.accounts import Account, Role
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.session import Session
from warmline.vault import Vault

SAM_PASSPHRASE = "sams own passphrase"


@pytest.fixture
def people(
    qtbot: QtBot, runner: TaskRunner, ui_vault: tuple[Vault, Session], backend: Backend
) -> dict[str, Account]:
    _vault, session = ui_vault
    made = {
        name: session.team.add_account(name, f"{name} has a long passphrase", Role.VOLUNTEER)
        for name in ("Bea", "Sam", "Zoe")
    }
    backend.refresh_accounts()
    wait_idle(qtbot, runner)
    return made


@pytest.fixture
def page(
    qtbot: QtBot, runner: TaskRunner, backend: Backend, people: dict[str, Account]
) -> Iterator[TeamPage]:
    team = TeamPage(backend)
    qtbot.addWidget(team)
    team.show()
    team.activated()
    wait_idle(qtbot, runner)
    yield team


def test_end_and_home_move_between_people_and_stay_on_the_name(
    qtbot: QtBot, page: TeamPage, people: dict[str, Account]
) -> None:
    table = page.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_End)
    current = table.currentIndex()
    assert current.row() == page.model.rowCount() - 1
    assert current.column() == Column.NAME
    selected = page.selected_account()
    assert selected is not None and selected.display_name == "Zoe"
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0
    assert table.currentIndex().column() == Column.NAME
    # Sideways keys do not walk into the role cell either.
    qtbot.keyClick(table, Qt.Key.Key_Right)
    qtbot.keyClick(table, Qt.Key.Key_Right)
    assert table.currentIndex().column() == Column.NAME


def test_a_role_changes_only_after_a_yes(
    qtbot: QtBot,
    runner: TaskRunner,
    page: TeamPage,
    people: dict[str, Account],
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, _session = ui_vault
    sam = people["Sam"]
    assert page.select_account(sam.uuid)
    roles = page.findChild(QComboBox, "team-role")
    assert isinstance(roles, QComboBox)
    # Arrow keys in the role list only choose; nothing is saved yet.
    roles.setFocus()
    qtbot.keyClick(roles, Qt.Key.Key_Down)
    wait_idle(qtbot, runner)
    assert roles.currentData() != Role.VOLUNTEER.value
    assert vault.account(sam.uuid).role is Role.VOLUNTEER

    change = page.findChild(QPushButton, "team-change-role")
    assert isinstance(change, QPushButton)
    prompts.set_next_answers([False])
    qtbot.mouseClick(change, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    asked = prompts.asked[-1]
    assert asked.kind == "confirm" and "Sam" in asked.title
    assert vault.account(sam.uuid).role is Role.VOLUNTEER
    assert roles.currentData() == Role.VOLUNTEER.value  # the list shows the truth again

    roles.setCurrentIndex(roles.findData(Role.SHIFT_LEAD.value))
    prompts.set_next_answers([True])
    qtbot.mouseClick(change, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert vault.account(sam.uuid).role is Role.SHIFT_LEAD


def test_the_reset_question_says_whose_how_many_of_each_and_what_happens(
    qtbot: QtBot,
    runner: TaskRunner,
    page: TeamPage,
    people: dict[str, Account],
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, _session = ui_vault
    sam = vault.unlock(people["Sam"].uuid, "Sam has a long passphrase")
    sam.debriefs.add(Debrief(feeling="tired but glad"))
    sam.debriefs.add(Debrief(note_to_self="rest"))
    sam.drafts.save(Draft(fields={"connection": "half a thought"}))
    sam.lock()
    assert page.select_account(people["Sam"].uuid)
    prompts.set_next_answers([False])
    reset = page.findChild(QPushButton, "team-reset")
    assert isinstance(reset, QPushButton)
    qtbot.mouseClick(reset, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    text = prompts.asked[-1].text
    assert "Sam's 2 private reflections and 1 unfinished note will be deleted" in text
    assert "only Sam's old passphrase could open them" in text
    assert "(3)" not in text

    bea = people["Bea"]
    bea_session = vault.unlock(bea.uuid, "Bea has a long passphrase")
    bea_session.debriefs.add(Debrief(feeling="fine"))
    bea_session.lock()
    assert page.select_account(bea.uuid)
    prompts.set_next_answers([False])
    qtbot.mouseClick(reset, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert "Bea's 1 private reflection will be deleted" in prompts.asked[-1].text
