"""The team key on screen: replacing it by hand, the background re-seal, hand-edited roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.prompts import Prompts
from ui.reseal_service import ResealService
from ui.screens.team import TeamPage
from ui.tasks import TaskRunner
from warmline.accounts import Role
from warmline.calls import Call
from warmline.session import Session
from warmline.vault import Vault


@pytest.fixture
def page(qtbot: QtBot, runner: TaskRunner, backend: Backend) -> Iterator[TeamPage]:
    team = TeamPage(backend)
    qtbot.addWidget(team)
    team.show()
    team.activated()
    wait_idle(qtbot, runner)
    yield team


def test_replacing_the_team_key_moves_every_note_over(
    qtbot: QtBot,
    runner: TaskRunner,
    backend: Backend,
    page: TeamPage,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    vault, session = ui_vault
    session.calls.add_many([Call(connection=f"note {i}") for i in range(30)])
    service = ResealService(backend, batch=7)
    before = session.team_generation
    finished: list[bool] = []
    service.finished.connect(lambda: finished.append(True))

    prompts.set_next_answers([True])
    button = page.findChild(QPushButton, "team-replace-key")
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    assert prompts.asked[-1].title == "Change the team's lock?"
    assert session.team_generation == before + 1
    status = page.findChild(QLabel, "team-key-status")
    assert status is not None and "new lock" in status.text()
    newest = session._ctx.keys.team.key_id
    assert all(
        bytes(r["body"][3:19]) == newest for r in vault.db.query("select body from calls")
    )
    assert {r["generation"] for r in vault.db.query("select generation from team_keys")} == {
        before + 1
    }


def test_declining_changes_nothing(
    qtbot: QtBot,
    runner: TaskRunner,
    page: TeamPage,
    ui_vault: tuple[Vault, Session],
    prompts: type[Prompts],
) -> None:
    _vault, session = ui_vault
    before = session.team_generation
    prompts.set_next_answers([False])
    button = page.findChild(QPushButton, "team-replace-key")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert session.team_generation == before


def test_a_hand_edited_role_is_shown_to_the_coordinator_and_not_believed(
    qtbot: QtBot,
    runner: TaskRunner,
    backend: Backend,
    ui_vault: tuple[Vault, Session],
) -> None:
    vault, session = ui_vault
    sam = session.team.add_account("Sam", "sams own passphrase", Role.VOLUNTEER)
    vault.db.execute("update accounts set role = 'coordinator' where uuid = ?", [sam.uuid])
    backend.refresh_accounts()
    wait_idle(qtbot, runner)
    assert backend.accounts[sam.uuid].role is Role.VOLUNTEER  # the signed list wins
    team = TeamPage(backend)
    qtbot.addWidget(team)
    team.show()
    wait_idle(qtbot, runner)
    problems = team.findChild(QLabel, "team-roster-problems")
    assert problems is not None
    qtbot.waitUntil(problems.isVisible)
    assert "Sam" in problems.text() and "outside Warmline" in problems.text()


def test_volunteers_do_not_see_the_team_key_controls(
    qtbot: QtBot, runner: TaskRunner, volunteer_backend: Backend
) -> None:
    from ui.widgets.team_key_panel import TeamKeyPanel

    panel = TeamKeyPanel(volunteer_backend)
    qtbot.addWidget(panel)
    assert panel.isHidden()


def test_people_carried_over_from_an_update_are_confirmed_from_the_team_page(
    qtbot: QtBot, tmp_path: object, prompts: type[Prompts]
) -> None:
    from pathlib import Path

    from tests.core.test_key_migration import PASSPHRASES, write_old_line
    from ui.clipboard import SafeClipboard
    from ui.clock import FakeClock
    from ui.widgets.team_key_panel import TeamKeyPanel
    from warmline import crypto

    assert isinstance(tmp_path, Path)
    line = write_old_line(tmp_path / "old")
    vault = Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)
    runner = TaskRunner()
    try:
        alex = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        kit = vault.unlock(line.uuids["Kit"], PASSPHRASES["Kit"])  # a carried-over coordinator
        backend = Backend(runner, alex, FakeClock(), SafeClipboard(), vault.line_name)
        backend.refresh_accounts()
        wait_idle(qtbot, runner)
        panel = TeamKeyPanel(backend)
        qtbot.addWidget(panel)
        panel.show()
        button = panel.findChild(QPushButton, "team-confirm-carried-over")
        assert button is not None
        qtbot.waitUntil(button.isVisible)
        assert "Kit" in panel.findChild(QLabel, "team-key-status").text()  # type: ignore[union-attr]
        prompts.set_next_answers([True])
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, runner)
        qtbot.waitUntil(lambda: not button.isVisible())
        kit.team.add_account("Robin", "lantern orbit meadow quietly", Role.VOLUNTEER)
        backend.close()
    finally:
        runner.shutdown(wait=True)
        vault.close()
