"""How long notes are kept: the coordinator's card, and the erasing that follows a save."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.prompts import Prompts
from ui.retention_service import RetentionService
from ui.screens.settings import SettingsPage
from ui.tasks import TaskRunner
from warmline.calls import Call
from warmline.retention import RetentionPolicy, load_policy
from warmline.session import Session
from warmline.timeutil import utcnow
from warmline.vault import Vault


def test_a_coordinator_checks_then_saves_and_old_notes_are_erased(
    qtbot: QtBot, runner: TaskRunner, backend: Backend, ui_vault: tuple[Vault, Session]
) -> None:
    _vault, session = ui_vault
    old = session.calls.add(
        Call(started_at=utcnow() - timedelta(days=400), connection="an old note")
    )
    new = session.calls.add(Call(started_at=utcnow(), connection="today's note"))
    service = RetentionService(backend)
    service.start()
    page = SettingsPage(backend)
    qtbot.addWidget(page)
    page.show()
    wait_idle(qtbot, runner)
    assert session.calls.get(old.uuid).connection == "an old note"  # nothing chosen yet
    card = page.retention_card
    assert card.isVisible()
    calls = card.findChild(QComboBox, "retention-calls")
    assert isinstance(calls, QComboBox) and calls.currentData() is None
    calls.setCurrentIndex(calls.findData(365))
    check = card.findChild(QPushButton, "retention-check")
    assert isinstance(check, QPushButton)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    result = card.findChild(QLabel, "retention-result")
    assert isinstance(result, QLabel)
    assert result.text().startswith("With these choices, 1 call note would be erased")
    Prompts.set_next_answers([False])  # "Not now": nothing saved, nothing erased
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert load_policy(session) == RetentionPolicy()
    Prompts.set_next_answers([True])
    with qtbot.waitSignal(service.finished, timeout=5000):
        qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert load_policy(session) == RetentionPolicy(calls_days=365)
    assert session.calls.get(old.uuid).connection == ""
    assert session.calls.get(new.uuid).connection == "today's note"
    service.clear()


def test_the_card_is_for_coordinators_only(
    qtbot: QtBot, runner: TaskRunner, volunteer_backend: Backend
) -> None:
    page = SettingsPage(volunteer_backend)
    qtbot.addWidget(page)
    page.show()
    wait_idle(qtbot, runner)
    assert not page.retention_card.isVisible()
