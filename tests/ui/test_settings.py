"""Settings: team settings saved sealed in the vault; my preferences in QSettings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.preferences import DebriefDefault, Preferences, last_appearance
from ui.prompts import Prompts
from ui.screens.settings import SettingsPage
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme, current_theme
from warmline.session import Session
from warmline.vault import Vault


def child(parent: QWidget, kind: type, name: str) -> QWidget:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def click(qtbot: QtBot, parent: QWidget, name: str) -> None:
    button = child(parent, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def restore_theme(qapp: QApplication) -> Iterator[None]:
    """Put the application's look back, so later tests do not inherit a dark theme."""
    sheet = qapp.styleSheet()
    yield
    apply_theme(qapp, Theme.SYSTEM, 100)
    qapp.setStyleSheet(sheet)


def open_page(qtbot: QtBot, runner: TaskRunner, backend: Backend) -> SettingsPage:
    page = SettingsPage(backend)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    wait_idle(qtbot, runner)
    return page


@pytest.fixture
def page(qtbot: QtBot, runner: TaskRunner, backend: Backend) -> SettingsPage:
    return open_page(qtbot, runner, backend)


def topics_of(page: SettingsPage) -> list[str]:
    topics = child(page, QListWidget, "settings-topics")
    assert isinstance(topics, QListWidget)
    return [topics.item(i).text() for i in range(topics.count())]


def select_topic(page: SettingsPage, text: str) -> None:
    topics = child(page, QListWidget, "settings-topics")
    assert isinstance(topics, QListWidget)
    topics.setCurrentRow(topics_of(page).index(text))


def type_topic(qtbot: QtBot, page: SettingsPage, text: str) -> None:
    edit = child(page, QLineEdit, "settings-topic-text")
    assert isinstance(edit, QLineEdit)
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_idle_minutes_are_saved_to_the_team_settings(
    qtbot: QtBot,
    runner: TaskRunner,
    page: SettingsPage,
    backend: Backend,
    ui_vault: tuple[Vault, Session],
) -> None:
    _vault, session = ui_vault
    spin = child(page, QSpinBox, "settings-idle-minutes")
    assert isinstance(spin, QSpinBox)
    assert spin.value() == 5  # the default
    assert (spin.minimum(), spin.maximum()) == (1, 60)
    spin.setValue(12)
    assert page.dirty
    with qtbot.waitSignal(backend.records_changed, check_params_cb=lambda k: k == "settings"):
        click(qtbot, page, "settings-team-save")
    wait_idle(qtbot, runner)
    assert session.settings.get("idle_lock_minutes") == 12
    assert not page.dirty
    assert not child(page, QPushButton, "settings-team-save").isEnabled()


def test_topics_add_rename_remove_reorder_and_save(
    qtbot: QtBot, runner: TaskRunner, page: SettingsPage, ui_vault: tuple[Vault, Session]
) -> None:
    _vault, session = ui_vault
    start = topics_of(page)
    assert start == session.settings.topics() and len(start) >= 2

    type_topic(qtbot, page, "Housing worries")
    click(qtbot, page, "settings-topic-add")
    assert topics_of(page)[-1] == "Housing worries"

    select_topic(page, "Housing worries")
    type_topic(qtbot, page, "Somewhere to live")
    click(qtbot, page, "settings-topic-rename")
    click(qtbot, page, "settings-topic-up")
    assert topics_of(page)[-2] == "Somewhere to live"

    select_topic(page, start[0])
    click(qtbot, page, "settings-topic-remove")

    expected = [*start[1:-1], "Somewhere to live", start[-1]]
    assert topics_of(page) == expected
    click(qtbot, page, "settings-team-save")
    wait_idle(qtbot, runner)
    assert session.settings.topics() == expected


def test_a_topic_already_listed_is_not_added_twice(qtbot: QtBot, page: SettingsPage) -> None:
    first = topics_of(page)[0]
    type_topic(qtbot, page, first.upper())
    click(qtbot, page, "settings-topic-add")
    assert topics_of(page).count(first) == 1
    error = child(page, QLabel, "settings-team-error")
    assert "already in the list" in error.text()


def test_leaving_with_unsaved_team_changes_asks(
    qtbot: QtBot, page: SettingsPage, prompts: type[Prompts]
) -> None:
    assert page.can_leave()
    child(page, QSpinBox, "settings-idle-minutes").setValue(9)
    prompts.set_next_answers([False, True])
    assert not page.can_leave()
    assert page.dirty
    assert page.can_leave()
    assert not page.dirty


def test_team_part_is_read_only_for_a_volunteer(
    qtbot: QtBot, runner: TaskRunner, volunteer_backend: Backend, ui_vault: tuple[Vault, Session]
) -> None:
    _vault, session = ui_vault
    session.settings.set("idle_lock_minutes", 7)
    page = open_page(qtbot, runner, volunteer_backend)
    assert SettingsPage.available_to(volunteer_backend)
    spin = child(page, QSpinBox, "settings-idle-minutes")
    assert isinstance(spin, QSpinBox)
    assert spin.value() == 7
    assert spin.isReadOnly()
    assert child(page, QPushButton, "settings-team-save").isHidden()
    assert child(page, QPushButton, "settings-topic-add").isVisibleTo(page) is False
    assert not child(page, QLabel, "settings-team-note").isHidden()
    assert topics_of(page) == session.settings.topics()


def test_preferences_round_trip_through_qsettings() -> None:
    prefs = Preferences("uuid-sam")
    assert (prefs.theme, prefs.text_scale, prefs.debrief_default) == (
        Theme.SYSTEM,
        100,
        DebriefDefault.TEAM,
    )
    prefs.theme = Theme.HIGH_CONTRAST
    prefs.text_scale = 150
    prefs.debrief_default = DebriefDefault.NEVER
    prefs.save()

    again = Preferences("uuid-sam").load()
    assert again.theme is Theme.HIGH_CONTRAST
    assert again.text_scale == 150
    assert again.debrief_default is DebriefDefault.NEVER
    # Someone else on the same workstation keeps their own defaults.
    other = Preferences("uuid-alex").load()
    assert (other.theme, other.text_scale) == (Theme.SYSTEM, 100)
    assert last_appearance() == (Theme.HIGH_CONTRAST, 150)


def test_damaged_preferences_fall_back_to_defaults() -> None:
    settings = QSettings()
    settings.setValue("people/uuid-sam/theme", "purple")
    settings.setValue("people/uuid-sam/text_scale", "enormous")
    settings.setValue("people/uuid-sam/debrief_default", 3)
    prefs = Preferences("uuid-sam").load()
    assert (prefs.theme, prefs.text_scale, prefs.debrief_default) == (
        Theme.SYSTEM,
        100,
        DebriefDefault.TEAM,
    )
    prefs.text_scale = 900
    assert prefs.text_scale == 200


def test_my_choices_apply_at_once_and_are_kept_for_me(
    qtbot: QtBot, qapp: QApplication, page: SettingsPage, backend: Backend, restore_theme: None
) -> None:
    theme = child(page, QComboBox, "settings-theme")
    assert isinstance(theme, QComboBox)
    theme.setCurrentIndex(theme.findData(Theme.DARK.value))
    assert current_theme(qapp) is Theme.DARK

    size = child(page, QSpinBox, "settings-text-size")
    assert isinstance(size, QSpinBox)
    assert (size.minimum(), size.maximum()) == (100, 200)
    size.setValue(140)

    debrief = child(page, QComboBox, "settings-debrief")
    assert isinstance(debrief, QComboBox)
    assert debrief.currentData() == DebriefDefault.TEAM.value
    debrief.setCurrentIndex(debrief.findData(DebriefDefault.ALWAYS.value))

    stored = Preferences(backend.account.uuid).load()
    assert stored.theme is Theme.DARK
    assert stored.text_scale == 140
    assert stored.debrief_default is DebriefDefault.ALWAYS


def test_page_opens_with_my_stored_choices(
    qtbot: QtBot, runner: TaskRunner, backend: Backend
) -> None:
    prefs = Preferences(backend.account.uuid)
    prefs.theme = Theme.LIGHT
    prefs.text_scale = 120
    prefs.debrief_default = DebriefDefault.NEVER
    prefs.save()
    page = open_page(qtbot, runner, backend)
    assert child(page, QComboBox, "settings-theme").currentData() == "light"
    assert child(page, QSpinBox, "settings-text-size").value() == 120
    assert child(page, QComboBox, "settings-debrief").currentData() == "never"


def test_page_text_passes_the_language_lens(page: SettingsPage) -> None:
    from warmline.language import LanguageLens

    lens = LanguageLens.default()
    texts = [w.text() for w in page.findChildren(QLabel)] + [
        w.text() for w in page.findChildren(QPushButton)
    ]
    flagged = [(t, h.phrase) for t in texts for h in lens.scan(t)]
    assert flagged == []
