"""Regular callers page: the model, adding and editing with revisions, conflicts, their calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.models.callers_model import CallersModel, Column, load_caller_rows
from ui.prompts import Prompts
from ui.screens.callers import CallersPage
from ui.tasks import TaskRunner
from warmline.callers import Caller
from warmline.calls import Call
from warmline.session import Session
from warmline.vault import Vault

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def child(parent: QWidget, kind: type, name: str) -> QWidget:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def click(qtbot: QtBot, parent: QWidget, name: str) -> None:
    button = child(parent, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def aliases(model: CallersModel) -> list[str]:
    return [str(model.index(r, Column.ALIAS).data()) for r in range(model.rowCount())]


@pytest.fixture
def session(ui_vault: tuple[Vault, Session]) -> Session:
    return ui_vault[1]


@pytest.fixture
def regulars(session: Session) -> dict[str, Caller]:
    robin = session.callers.add(
        Caller(alias="Robin", calls_per_day=3, usual_minutes=20, notes="Likes the garden")
    )
    bea = session.callers.add(Caller(alias="Bea"))
    for i in range(3):
        session.calls.add(
            Call(started_at=T0 + timedelta(hours=i), caller_uuid=robin.uuid, caller_kind="regular")
        )
    return {"robin": robin, "bea": bea}


@pytest.fixture
def page(
    qtbot: QtBot, runner: TaskRunner, backend: Backend, regulars: dict[str, Caller]
) -> Iterator[CallersPage]:
    callers = CallersPage(backend)
    qtbot.addWidget(callers)
    callers.show()
    callers.activated()
    wait_idle(qtbot, runner)
    yield callers
    callers.clear()


def test_model_rows_and_model_tester(
    qtbot: QtBot, session: Session, regulars: dict[str, Caller], qtmodeltester: object
) -> None:
    model = CallersModel()
    model.set_rows(load_caller_rows(session))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert aliases(model) == ["Bea", "Robin"]
    robin = model.row_of(regulars["robin"].uuid)
    assert model.index(robin, Column.AGREEMENT).data() == "up to 3 calls a day, about 20 minutes"
    assert model.index(robin, Column.CALLS).data() == "3"
    assert model.index(robin, Column.LAST_CALL).data()  # a time, in the local format
    bea = model.row_of(regulars["bea"].uuid)
    assert model.index(bea, Column.AGREEMENT).data() == "None agreed"
    assert model.index(bea, Column.LAST_CALL).data() == "No calls yet"
    assert model.index(bea, 0).data(CallersModel.CallerUuidRole) == regulars["bea"].uuid
    model.clear()
    assert model.rowCount() == 0


def test_list_shows_regulars(page: CallersPage) -> None:
    assert aliases(page.model) == ["Bea", "Robin"]


def test_add_a_regular(
    qtbot: QtBot, runner: TaskRunner, page: CallersPage, session: Session
) -> None:
    click(qtbot, page, "callers-add")
    alias = child(page, QLineEdit, "callers-alias")
    qtbot.keyClicks(alias, "  Kit  ")
    child(page, QSpinBox, "callers-per-day").setValue(2)  # type: ignore[attr-defined]
    notes = child(page, QPlainTextEdit, "callers-notes")
    qtbot.keyClicks(notes, "Prefers mornings")
    click(qtbot, page, "callers-save")
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: "Kit" in aliases(page.model))
    stored = {c.alias: c for c in session.callers.all()}
    assert stored["Kit"].calls_per_day == 2 and stored["Kit"].notes == "Prefers mornings"
    assert page.selected_row() is not None and page.selected_row().alias == "Kit"  # type: ignore[union-attr]
    assert not child(page, QPushButton, "callers-save").isEnabled()


def test_an_alias_is_needed_and_must_be_new(
    qtbot: QtBot, runner: TaskRunner, page: CallersPage, session: Session
) -> None:
    click(qtbot, page, "callers-add")
    notes = child(page, QPlainTextEdit, "callers-notes")
    qtbot.keyClicks(notes, "Someone")
    click(qtbot, page, "callers-save")
    error = child(page, QLabel, "callers-error")
    assert isinstance(error, QLabel) and error.isVisible() and "alias" in error.text()
    qtbot.keyClicks(child(page, QLineEdit, "callers-alias"), "robin")
    click(qtbot, page, "callers-save")
    assert "already a regular called Robin" in error.text()
    wait_idle(qtbot, runner)
    assert len(session.callers.all()) == 2


def test_edit_a_regular_makes_a_new_revision(
    qtbot: QtBot,
    runner: TaskRunner,
    page: CallersPage,
    session: Session,
    regulars: dict[str, Caller],
) -> None:
    assert page.select_caller(regulars["robin"].uuid)
    minutes = child(page, QSpinBox, "callers-minutes")
    assert isinstance(minutes, QSpinBox) and minutes.value() == 20
    notes = child(page, QPlainTextEdit, "callers-notes")
    assert isinstance(notes, QPlainTextEdit) and notes.toPlainText() == "Likes the garden"
    notes.setPlainText("Likes the garden and the choir")
    click(qtbot, page, "callers-save")
    wait_idle(qtbot, runner)
    robin = session.callers.get(regulars["robin"].uuid)
    assert robin.revision == 2 and robin.notes == "Likes the garden and the choir"
    assert [c.notes for c in session.callers.history(robin.uuid)] == ["Likes the garden"]
    # A second edit works from the new revision.
    notes.setPlainText("Third")
    click(qtbot, page, "callers-save")
    wait_idle(qtbot, runner)
    assert session.callers.get(robin.uuid).revision == 3


def test_a_racing_edit_shows_the_conflict_and_keeps_the_text(
    qtbot: QtBot,
    runner: TaskRunner,
    page: CallersPage,
    session: Session,
    regulars: dict[str, Caller],
    prompts: type[Prompts],
) -> None:
    assert page.select_caller(regulars["robin"].uuid)
    theirs = session.callers.get(regulars["robin"].uuid)
    theirs.notes = "Someone else's words"
    session.callers.update(theirs)  # saved elsewhere after the form was opened
    notes = child(page, QPlainTextEdit, "callers-notes")
    assert isinstance(notes, QPlainTextEdit)
    notes.setPlainText("My words")
    click(qtbot, page, "callers-save")
    wait_idle(qtbot, runner)
    assert prompts.asked and prompts.asked[-1].kind == "warn"
    assert "Someone else saved this record" in prompts.asked[-1].text
    assert notes.toPlainText() == "My words"  # kept on screen
    assert session.callers.get(regulars["robin"].uuid).notes == "Someone else's words"
    click(qtbot, page, "callers-revert")  # back to what is saved now
    assert notes.toPlainText() == "Someone else's words"


def test_leaving_unsaved_changes_asks_first(
    qtbot: QtBot,
    runner: TaskRunner,
    page: CallersPage,
    regulars: dict[str, Caller],
    prompts: type[Prompts],
) -> None:
    assert page.select_caller(regulars["robin"].uuid)
    alias = child(page, QLineEdit, "callers-alias")
    assert isinstance(alias, QLineEdit)
    qtbot.keyClicks(alias, "n")
    prompts.set_next_answers([False])
    page.select_caller(regulars["bea"].uuid)
    assert alias.text() == "Robinn"  # kept editing
    assert page.selected_row().uuid == regulars["robin"].uuid  # type: ignore[union-attr]
    prompts.set_next_answers([False])
    assert not page.can_leave()
    prompts.set_next_answers([True])
    page.select_caller(regulars["bea"].uuid)
    assert alias.text() == "Bea"


def test_see_their_calls_asks_the_calls_page(
    qtbot: QtBot, page: CallersPage, regulars: dict[str, Caller]
) -> None:
    assert not child(page, QPushButton, "callers-show-calls").isEnabled()
    page.select_caller(regulars["robin"].uuid)
    with qtbot.waitSignal(page.show_calls_for_caller) as asked:
        click(qtbot, page, "callers-show-calls")
    assert asked.args == [regulars["robin"].uuid]


def test_damaged_regular_shows_and_cannot_be_edited(
    qtbot: QtBot,
    runner: TaskRunner,
    backend: Backend,
    session: Session,
    regulars: dict[str, Caller],
) -> None:
    db = session._ctx.db
    moved = next(db.query("select body from callers where uuid = ?", [regulars["bea"].uuid]))
    db.execute(
        "update callers set body = ? where uuid = ?", [moved["body"], regulars["robin"].uuid]
    )
    page = CallersPage(backend)
    qtbot.addWidget(page)
    page.activated()
    wait_idle(qtbot, runner)
    assert "This record could not be opened" in aliases(page.model)
    page.select_caller(regulars["robin"].uuid)
    assert not child(page, QLineEdit, "callers-alias").isEnabled()
    assert not child(page, QPushButton, "callers-save").isEnabled()


def test_clear_forgets_everything(page: CallersPage) -> None:
    page.select_caller(page.model.row_data(1).uuid)  # type: ignore[union-attr]
    page.clear()
    assert page.model.rowCount() == 0
    assert child(page, QPlainTextEdit, "callers-notes").toPlainText() == ""  # type: ignore[attr-defined]


def test_every_control_has_a_name(page: CallersPage) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QAbstractSpinBox

    for widget in page.findChildren(QWidget):
        if widget.objectName().startswith("qt_"):
            continue
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and isinstance(
            widget,
            (QAbstractButton, QLineEdit, QPlainTextEdit, QAbstractSpinBox, QAbstractItemView),
        ):
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()
    assert CallersPage.key == "callers" and CallersPage.title == "Regular callers"


def test_ctrl_s_saves_the_regular_from_anywhere_in_the_form(
    qtbot: QtBot, runner: TaskRunner, page: CallersPage, session: Session
) -> None:
    click(qtbot, page, "callers-add")
    alias = child(page, QLineEdit, "callers-alias")
    alias.setFocus()
    qtbot.keyClicks(alias, "Kit")
    notes = child(page, QPlainTextEdit, "callers-notes")
    notes.setFocus()
    qtbot.keyClicks(notes, "Prefers mornings")
    qtbot.keyClick(notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: "Kit" in aliases(page.model))
    assert {c.alias: c.notes for c in session.callers.all()}["Kit"] == "Prefers mornings"
    # Nothing changed since: Ctrl+S again writes nothing new.
    qtbot.keyClick(notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, runner)
    assert [c.alias for c in session.callers.all()].count("Kit") == 1
