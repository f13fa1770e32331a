"""Team page: the accounts model, adding people, roles, switching off, passphrase resets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.conftest import UI_PASSPHRASE, wait_idle
from ui.backend import Backend
from ui.models.accounts_model import AccountsModel, Column
from ui.prompts import Prompts
from ui.screens.team import TeamPage
from ui.tasks import TaskRunner
from warmline.accounts import Account, Role
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.errors import AccountDisabled, WrongPassphrase
from warmline.session import Session
from warmline.vault import Vault

SAM_PASSPHRASE = "sams own passphrase"
NEW_PASSPHRASE = "tangerine kettle drifts over hills"


def child(parent: QWidget, kind: type, name: str) -> QWidget:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def click(qtbot: QtBot, parent: QWidget, name: str) -> None:
    button = child(parent, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def sam(
    qtbot: QtBot, runner: TaskRunner, ui_vault: tuple[Vault, Session], backend: Backend
) -> Account:
    """Sam, a volunteer, added straight through the core; the backend knows about them."""
    _vault, session = ui_vault
    account = session.team.add_account("Sam", SAM_PASSPHRASE, Role.VOLUNTEER)
    backend.refresh_accounts()
    wait_idle(qtbot, runner)
    return account


@pytest.fixture
def page(qtbot: QtBot, runner: TaskRunner, backend: Backend) -> Iterator[TeamPage]:
    team = TeamPage(backend)
    qtbot.addWidget(team)
    team.show()
    team.activated()
    wait_idle(qtbot, runner)
    yield team


def test_model_passes_the_model_tester(
    qtmodeltester: ModelTester, backend: Backend, sam: Account
) -> None:
    model = AccountsModel(backend.account.uuid)
    model.set_accounts(backend.accounts.values())
    qtmodeltester.check(model)
    row = model.row_of(sam.uuid)
    assert model.data(model.index(row, Column.NAME)) == "Sam"
    assert model.data(model.index(row, Column.ROLE)) == "Volunteer"
    assert model.data(model.index(row, Column.STATUS)) == "Active"
    assert model.data(model.index(row, Column.RECOVERY)) == "Not set"
    assert model.data(model.index(row, 0), AccountsModel.ACCOUNT_ROLE) == sam
    me = model.row_of(backend.account.uuid)
    assert model.data(model.index(me, Column.NAME)) == "Alex (you)"
    assert model.headerData(Column.STATUS, Qt.Orientation.Horizontal) == "Status"


def test_not_available_to_a_volunteer(backend: Backend, volunteer_backend: Backend) -> None:
    assert TeamPage.available_to(backend)
    assert not TeamPage.available_to(volunteer_backend)


def fill_add_dialog(
    qtbot: QtBot, page: TeamPage, name: str, passphrase: str, again: str
) -> QDialog:
    click(qtbot, page, "team-add")
    dialog = child(page, QDialog, "add-person-dialog")
    assert isinstance(dialog, QDialog)
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.findChild(QLabel, "add-person-handover")
    assert text is not None and "hand the keyboard" in text.text()
    roles = child(dialog, QComboBox, "add-person-role")
    assert isinstance(roles, QComboBox)
    roles.setCurrentIndex(roles.findData(Role.SHIFT_LEAD.value))
    qtbot.keyClicks(child(dialog, QLineEdit, "add-person-name"), name)
    qtbot.keyClicks(child(dialog, QLineEdit, "passphrase-new"), passphrase)
    qtbot.keyClicks(child(dialog, QLineEdit, "passphrase-repeat"), again)
    return dialog


def test_add_person_appears_in_the_model_and_can_unlock(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage, ui_vault: tuple[Vault, Session]
) -> None:
    vault, _session = ui_vault
    dialog = fill_add_dialog(qtbot, page, "Jordan", NEW_PASSPHRASE, NEW_PASSPHRASE)
    click(qtbot, dialog, "add-person-add")
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: page.findChild(QDialog, "add-person-dialog") is None)

    jordan = next(a for a in vault.accounts() if a.display_name == "Jordan")
    assert jordan.role is Role.SHIFT_LEAD
    qtbot.waitUntil(lambda: page.model.row_of(jordan.uuid) >= 0)
    selected = page.selected_account()
    assert selected is not None and selected.uuid == jordan.uuid
    assert "Jordan has been added" in child(page, QLabel, "team-status").text()
    vault.unlock(jordan.uuid, NEW_PASSPHRASE).lock()


def test_add_person_shows_the_core_message_for_a_short_passphrase(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage, ui_vault: tuple[Vault, Session]
) -> None:
    vault, _session = ui_vault
    dialog = fill_add_dialog(qtbot, page, "Jordan", "short", "short")
    click(qtbot, dialog, "add-person-add")
    wait_idle(qtbot, runner)
    error = child(dialog, QLabel, "add-person-error")
    assert isinstance(error, QLabel)
    assert "at least 8 characters" in error.text()
    assert dialog.isVisible()  # nothing typed is lost
    assert [a.display_name for a in vault.accounts()] == ["Alex"]


def test_add_person_mismatch_is_caught_before_any_work(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage
) -> None:
    dialog = fill_add_dialog(qtbot, page, "Jordan", NEW_PASSPHRASE, NEW_PASSPHRASE + "x")
    click(qtbot, dialog, "add-person-add")
    assert not runner.busy
    error = child(dialog, QLabel, "add-person-error")
    assert "not the same" in error.text()


def test_change_role(
    qtbot: QtBot,
    runner: TaskRunner,
    page: TeamPage,
    sam: Account,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, _session = ui_vault
    assert page.select_account(sam.uuid)
    roles = child(page, QComboBox, "team-role")
    assert isinstance(roles, QComboBox)
    roles.setCurrentIndex(roles.findData(Role.SHIFT_LEAD.value))
    prompts.set_next_answers([True])  # "Make Sam Shift lead?"
    click(qtbot, page, "team-change-role")
    wait_idle(qtbot, runner)
    assert vault.account(sam.uuid).role is Role.SHIFT_LEAD
    row = page.model.row_of(sam.uuid)
    assert page.model.data(page.model.index(row, Column.ROLE)) == "Shift lead"


def test_the_core_keeps_the_last_coordinator_and_the_page_says_why(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage, backend: Backend, prompts: type[Prompts]
) -> None:
    assert page.select_account(backend.account.uuid)
    roles = child(page, QComboBox, "team-role")
    assert isinstance(roles, QComboBox)
    roles.setCurrentIndex(roles.findData(Role.VOLUNTEER.value))
    prompts.set_next_answers([True])  # "Change your own role?"
    click(qtbot, page, "team-change-role")
    wait_idle(qtbot, runner)
    error = child(page, QLabel, "team-error")
    assert error.text() == "The team needs at least one coordinator."
    assert backend.account.role is Role.COORDINATOR
    assert roles.currentData() == Role.COORDINATOR.value  # the combo shows the truth again


def test_switch_off_then_on(
    qtbot: QtBot,
    runner: TaskRunner,
    page: TeamPage,
    sam: Account,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, _session = ui_vault
    assert page.select_account(sam.uuid)
    prompts.set_next_answers([True])
    click(qtbot, page, "team-switch")
    wait_idle(qtbot, runner)
    assert prompts.asked[-1].title == "Switch off Sam's account?"
    with pytest.raises(AccountDisabled):
        vault.unlock(sam.uuid, SAM_PASSPHRASE)
    row = page.model.row_of(sam.uuid)
    assert page.model.data(page.model.index(row, Column.STATUS)) == "Switched off"
    assert "on" in child(page, QPushButton, "team-switch").text().replace("&", "")

    # Switching back on: the keys went with the switch-off, so Sam chooses a new passphrase.
    click(qtbot, page, "team-switch")
    type_new_passphrase(qtbot, runner, page)
    with pytest.raises(WrongPassphrase):
        vault.unlock(sam.uuid, SAM_PASSPHRASE)
    vault.unlock(sam.uuid, NEW_PASSPHRASE).lock()
    assert "switched on again" in child(page, QLabel, "team-status").text()


def test_switch_off_can_be_called_off(
    qtbot: QtBot,
    runner: TaskRunner,
    page: TeamPage,
    sam: Account,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, _session = ui_vault
    assert page.select_account(sam.uuid)
    prompts.set_next_answers([False])
    click(qtbot, page, "team-switch")
    wait_idle(qtbot, runner)
    assert not vault.account(sam.uuid).disabled


def test_my_own_row_cannot_be_switched_off_or_reset(
    page: TeamPage, backend: Backend, sam: Account
) -> None:
    assert page.select_account(backend.account.uuid)
    assert not child(page, QPushButton, "team-switch").isEnabled()
    assert not child(page, QPushButton, "team-reset").isEnabled()
    assert "My account" in child(page, QLabel, "team-selected-note").text()


def give_sam_private_records(vault: Vault) -> None:
    """Two reflections and one unfinished note, sealed with Sam's personal key."""
    sam_session = vault.unlock(
        next(a.uuid for a in vault.accounts() if a.display_name == "Sam"), SAM_PASSPHRASE
    )
    sam_session.debriefs.add(Debrief(feeling="tired but glad"))
    sam_session.debriefs.add(Debrief(note_to_self="rest"))
    sam_session.drafts.save(Draft(fields={"connection": "half a thought"}))
    sam_session.lock()


def test_reset_warns_with_the_count_then_sets_the_new_passphrase(
    qtbot: QtBot,
    runner: TaskRunner,
    page: TeamPage,
    sam: Account,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, session = ui_vault
    give_sam_private_records(vault)
    assert page.select_account(sam.uuid)
    prompts.set_next_answers([True])
    click(qtbot, page, "team-reset")
    wait_idle(qtbot, runner)

    asked = prompts.asked[-1]
    assert asked.kind == "confirm"
    assert "Sam's 2 private reflections and 1 unfinished note will be deleted" in asked.text
    assert "Sam's call notes and the team's records stay as they are" in asked.text

    type_new_passphrase(qtbot, runner, page)

    with pytest.raises(WrongPassphrase):
        vault.unlock(sam.uuid, SAM_PASSPHRASE)
    vault.unlock(sam.uuid, NEW_PASSPHRASE).lock()
    assert session.team.personal_record_count(sam.uuid) == 0
    assert "new passphrase is set" in child(page, QLabel, "team-status").text()


def test_cancelling_the_reset_warning_changes_nothing(
    qtbot: QtBot,
    runner: TaskRunner,
    page: TeamPage,
    sam: Account,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, session = ui_vault
    give_sam_private_records(vault)
    assert page.select_account(sam.uuid)
    prompts.set_next_answers([False])
    click(qtbot, page, "team-reset")
    wait_idle(qtbot, runner)

    assert "2 private reflections and 1 unfinished note" in prompts.asked[-1].text
    assert page.findChild(QDialog, "team-reset-dialog") is None
    assert session.team.personal_record_count(sam.uuid) == 3
    vault.unlock(sam.uuid, SAM_PASSPHRASE).lock()


def test_reset_of_someone_with_nothing_private_says_so(
    qtbot: QtBot, runner: TaskRunner, page: TeamPage, sam: Account, prompts: type[Prompts]
) -> None:
    assert page.select_account(sam.uuid)
    prompts.set_next_answers([False])
    click(qtbot, page, "team-reset")
    wait_idle(qtbot, runner)
    assert "nothing private will be lost" in prompts.asked[-1].text


def test_page_text_passes_the_language_lens(page: TeamPage, sam: Account) -> None:
    from warmline.language import LanguageLens

    lens = LanguageLens.default()
    texts = [w.text() for w in page.findChildren(QLabel)] + [
        w.text() for w in page.findChildren(QPushButton)
    ]
    flagged = [(t, h.phrase) for t in texts for h in lens.scan(t)]
    assert flagged == []


def test_the_passphrase_used_by_fixtures_still_unlocks(ui_vault: tuple[Vault, Session]) -> None:
    vault, session = ui_vault
    again = vault.unlock(session.account.uuid, UI_PASSPHRASE)
    assert again.account.uuid == session.account.uuid and not again.locked
    again.lock()


def type_new_passphrase(qtbot: QtBot, runner: TaskRunner, page: TeamPage) -> None:
    """The person types their new passphrase twice into the reset dialog and confirms."""
    dialog = child(page, QDialog, "team-reset-dialog")
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(child(dialog, QLineEdit, "passphrase-new"), NEW_PASSPHRASE)
    qtbot.keyClicks(child(dialog, QLineEdit, "passphrase-repeat"), NEW_PASSPHRASE)
    click(qtbot, dialog, "new-passphrase-ok")
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: page.findChild(QDialog, "team-reset-dialog") is None)
