"""Opening an earlier call: read-only first, Edit to change it, dates, card, timer, heading;
and the earlier-versions window saying who edited and when."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from tests.ui.call_page import child, form_of, label_text, make_call_page, press, section
from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.clock import FakeClock
from ui.models.calls_model import time_text
from ui.screens.call import CallPage
from ui.tasks import TaskRunner
from ui.widgets.call_history_dialog import CallHistoryDialog
from ui.widgets.call_lookups import local_midnight_utc
from warmline.accounts import Role
from warmline.callers import Caller
from warmline.calls import Call
from warmline.session import Session
from warmline.vault import Vault

PageFactory = Callable[..., CallPage]


@pytest.fixture
def session(ui_vault: tuple[Vault, Session]) -> Session:
    return ui_vault[1]


@pytest.fixture
def make_page(qtbot: QtBot, backend: Backend, runner: TaskRunner) -> Iterator[PageFactory]:
    def make(**kwargs: object) -> CallPage:
        return make_call_page(qtbot, backend, runner, **kwargs)  # type: ignore[arg-type]

    yield make
    wait_idle(qtbot, runner)


def open_saved(qtbot: QtBot, runner: TaskRunner, page: CallPage, call: Call) -> None:
    page.open_call(call.uuid)
    wait_idle(qtbot, runner)


def test_an_opened_call_is_read_only_until_edit(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    saved = session.calls.add(Call(connection="First words", follow_up="Ring back"))
    page = make_page()
    form = form_of(page)
    open_saved(qtbot, runner, page, saved)
    connection = section(page, "connection")
    assert connection.isReadOnly() and child(page, QLineEdit, "call-follow-up").isReadOnly()
    assert not child(page, QComboBox, "call-channel").isEnabled()
    assert not child(page, QAbstractButton, "call-save").isEnabled()
    qtbot.keyClicks(connection, "typed by accident")
    assert connection.toPlainText() == "First words"
    # Focus waits on Edit, so Space or Enter (or Alt+E from anywhere) starts editing.
    edit = child(page, QAbstractButton, "call-edit")
    assert edit.isVisible() and QApplication.focusWidget() is edit
    press(qtbot, Qt.Key.Key_Space)
    assert not connection.isReadOnly()
    assert QApplication.focusWidget() is connection
    assert not edit.isVisible()
    assert "editing" in label_text(page, "edit-banner-text")
    qtbot.keyClicks(connection, ", and more")
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, runner)
    assert session.calls.get(saved.uuid).connection == "First words, and more"
    assert form.editing is None


def test_alt_e_edits_and_close_leaves_the_call(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    saved = session.calls.add(Call(worldview="Seen"))
    page = make_page()
    form = form_of(page)
    open_saved(qtbot, runner, page, saved)
    section(page, "worldview").setFocus()
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not section(page, "worldview").isReadOnly())
    form.stop_editing()  # nothing changed: no question
    assert form.editing is None
    open_saved(qtbot, runner, page, saved)
    child(page, QAbstractButton, "edit-stop").click()  # "Close" while only reading
    assert form.editing is None and section(page, "worldview").toPlainText() == ""


def test_ctrl_n_while_reading_a_call_starts_a_new_one(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    saved = session.calls.add(Call(worldview="Seen"))
    page = make_page()
    form = form_of(page)
    open_saved(qtbot, runner, page, saved)
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert form.editing is None and form.timer.running
    assert (
        section(page, "worldview").toPlainText() == ""
        and not section(page, "worldview").isReadOnly()
    )


def test_dates_heading_and_status_while_open(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    start = datetime(2026, 11, 23, 18, 35, tzinfo=UTC)
    saved = session.calls.add(Call(started_at=start, ended_at=start + timedelta(seconds=47)))
    page = make_page()
    form = form_of(page)
    section(page, "connection").setPlainText("A quick one")
    form.save()
    wait_idle(qtbot, runner)
    assert "saved" in label_text(page, "draft-status")
    open_saved(qtbot, runner, page, saved)
    when = time_text(start)  # as the Calls list shows it: "Mon 23 Nov 2026, 18:35"
    assert label_text(page, "call-heading") == f"Call on {when}"
    assert when in label_text(page, "edit-banner-text")
    assert label_text(page, "draft-status") == ""
    # The real length, not the minutes the time fields show.
    assert label_text(page, "call-timer") == "00:47"
    child(page, QAbstractButton, "call-edit").click()
    assert label_text(page, "call-heading") == f"Call on {when}"
    assert label_text(page, "call-timer") == "00:47"
    form.stop_editing()
    assert label_text(page, "call-heading") == "Log a call"


def test_card_counts_calls_on_that_calls_day(
    qtbot: QtBot,
    make_page: PageFactory,
    session: Session,
    runner: TaskRunner,
    fake_clock: FakeClock,
) -> None:
    robin = session.callers.add(Caller(alias="Robin", calls_per_day=3, agreement_notes="after tea"))
    day = local_midnight_utc(fake_clock.now()) - timedelta(days=3)
    for hours, towards in ((9, "Walk to the shop"), (11, "Phone my sister"), (15, "later")):
        session.calls.add(
            Call(
                caller_uuid=robin.uuid,
                started_at=day + timedelta(hours=hours),
                moving_towards=towards,
                caller_kind="regular",
            )
        )
    middle = next(
        c for c in session.calls.for_caller(robin.uuid) if c.moving_towards == "Phone my sister"
    )
    session.calls.add(
        Call(caller_uuid=robin.uuid, started_at=fake_clock.now(), caller_kind="regular")
    )
    page = make_page()
    open_saved(qtbot, runner, page, middle)
    wait_idle(qtbot, runner)
    assert "once that day" in label_text(page, "caller-card-today")
    assert "Walk to the shop" in label_text(page, "caller-card-last")
    assert label_text(page, "caller-card-agreement").startswith("Call agreement: Up to 3 calls")
    assert "After tea" in label_text(page, "caller-card-agreement")


def test_history_shows_who_edited_and_when(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    session: Session,
    ui_vault: tuple[Vault, Session],
) -> None:
    vault, _ = ui_vault
    account = session.team.add_account("Sam", "sams own passphrase", Role.VOLUNTEER)
    sam = vault.unlock(account.uuid, "sams own passphrase")
    call = session.calls.add(Call(connection="First"))
    mine = sam.calls.get(call.uuid)
    mine.connection = "Second, by Sam"
    sam.calls.update(mine)
    backend.refresh_accounts()
    wait_idle(qtbot, runner)
    (edit,) = session.calls.edits(call.uuid)
    dialog = CallHistoryDialog(backend, call.uuid)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, runner)
    assert "Edited once." in dialog.summary.text()
    first, current = (dialog.list.item(i).text() for i in range(2))
    assert "Alex" in first  # who wrote it first
    assert "Sam" in current and time_text(edit.edited_at) in current
    dialog.list.setCurrentRow(1)
    assert "Sam" in dialog.text.toPlainText() and "Second, by Sam" in dialog.text.toPlainText()


def test_history_says_when_a_call_needs_a_look(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, session: Session,
    ui_vault: tuple[Vault, Session],
) -> None:  # fmt: skip
    """Two computers changed the same version (what sharing a line will bring): both are
    kept, and the window says so and what to do."""
    from dataclasses import replace

    from tests.core.test_format3 import edited_elsewhere
    from warmline.revision_merge import Received, receive

    vault, _ = ui_vault
    call = session.calls.add(Call(connection="First"))
    base = next(vault.db.query("select * from calls where uuid = ?", [call.uuid]))
    session.calls.update(replace(call, connection="Changed here"))
    row = edited_elsewhere(vault, session, base, "Changed there")
    assert receive(session.calls, row) is Received.BESIDE
    dialog = CallHistoryDialog(backend, call.uuid)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, runner)
    assert dialog.summary.text().startswith("Needs a look:")
    texts = [c.connection for c in dialog.versions]
    assert sorted(texts) == ["Changed here", "Changed there", "First"]
