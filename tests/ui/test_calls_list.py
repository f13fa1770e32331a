"""Calls page: paging, search through the in-memory index, filters, opening, history, clearing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.models.calls_model import CallsModel, Column
from ui.prompts import Prompts
from ui.screens.calls import CallsPage
from ui.search_service import SearchService
from ui.tasks import TaskRunner
from ui.widgets.call_history_dialog import CallHistoryDialog
from warmline.accounts import Role
from warmline.callers import Caller
from warmline.calls import Call
from warmline.session import Session
from warmline.vault import Vault

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def child(parent: object, kind: type, name: str) -> object:
    found = parent.findChild(kind, name)  # type: ignore[attr-defined]
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def uuids(model: CallsModel) -> list[str]:
    return [model.data(model.index(r, 0), CallsModel.CallUuidRole) for r in range(model.rowCount())]


def wait_ready(qtbot: QtBot, search: SearchService) -> None:
    qtbot.waitUntil(lambda: search.is_ready, timeout=5000)


@pytest.fixture
def session(ui_vault: tuple[Vault, Session]) -> Session:
    return ui_vault[1]


@pytest.fixture
def page(qtbot: QtBot, runner: TaskRunner, backend: Backend) -> Iterator[CallsPage]:
    calls = CallsPage(backend, debounce_ms=20)
    qtbot.addWidget(calls)
    calls.show()
    yield calls
    calls.clear()
    wait_idle(qtbot, runner)


def open_page(qtbot: QtBot, runner: TaskRunner, page: CallsPage) -> SearchService:
    page.activated()
    assert page.search is not None
    wait_ready(qtbot, page.search)
    wait_idle(qtbot, runner)
    return page.search


@pytest.fixture
def story(session: Session) -> dict[str, Call | Caller | str]:
    """A small line: two regulars, a shift, two people logging, varied notes and topics."""
    sam = session.team.add_account("Sam", "sams own passphrase", Role.VOLUNTEER)
    robin = session.callers.add(Caller(alias="Robin", calls_per_day=3))
    bea = session.callers.add(Caller(alias="Bea"))
    shift = session.shifts.start()
    made = {
        "garden": session.calls.add(
            Call(
                started_at=T0,
                connection="We talked about the garden group and seedlings",
                topics=["Loneliness"],
                caller_uuid=robin.uuid,
                caller_kind="regular",
                shift_uuid=shift.uuid,
            )
        ),
        "choir": session.calls.add(
            Call(
                started_at=T0 + timedelta(days=1),
                worldview="Robin wants to join the choir again",
                topics=["Sleep"],
                caller_uuid=robin.uuid,
                caller_kind="regular",
                follow_up="Ring back on Friday",
            )
        ),
        "tea": session.calls.add(
            Call(
                started_at=T0 + timedelta(days=2),
                mutuality="We both laughed about tea and the garden",
                topics=["Sleep", "Money"],
                caller_uuid=bea.uuid,
                caller_kind="regular",
                author_uuid=sam.uuid,
                shift_uuid=shift.uuid,
            )
        ),
        "first": session.calls.add(
            Call(
                started_at=T0 + timedelta(days=3),
                moving_towards="Would like to try the library",
                caller_kind="new",
                channel="text",
                author_uuid=sam.uuid,
            )
        ),
    }
    return {**made, "robin": robin, "bea": bea, "shift": shift.uuid, "sam": sam.uuid}


# -- the model ------------------------------------------------------------------------------------


def test_model_loads_100_then_more_on_fetch_more(
    qtbot: QtBot, runner: TaskRunner, backend: Backend, session: Session
) -> None:
    session.calls.add_many(
        [Call(started_at=T0 + timedelta(minutes=i), connection=f"note {i}") for i in range(250)]
    )
    model = CallsModel(backend)
    model.reload()
    wait_idle(qtbot, runner)
    assert model.rowCount() == 100 and model.total == 250
    first = model.row_data(0)
    assert first is not None and first.started_at == T0 + timedelta(minutes=249)
    assert model.canFetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    assert not model.canFetchMore(model.index(-1, -1))  # one fetch at a time
    wait_idle(qtbot, runner)
    assert model.rowCount() == 200
    model.fetchMore(model.index(-1, -1))
    wait_idle(qtbot, runner)
    assert model.rowCount() == 250
    assert not model.canFetchMore(model.index(-1, -1))
    assert len(set(uuids(model))) == 250
    times = [model.row_data(r).started_at for r in range(250)]  # type: ignore[union-attr]
    assert times == sorted(times, reverse=True)


def test_model_passes_the_model_tester(
    qtbot: QtBot,
    runner: TaskRunner,
    backend: Backend,
    session: Session,
    qtmodeltester: object,
    story: dict[str, object],
) -> None:
    model = CallsModel(backend, page_size=2)
    model.set_aliases({"x": "y"})
    model.reload()
    wait_idle(qtbot, runner)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    wait_idle(qtbot, runner)  # the tester itself asked for more
    while model.canFetchMore(model.index(-1, -1)):  # inserts happen under the tester's eye
        model.fetchMore(model.index(-1, -1))
        wait_idle(qtbot, runner)
    assert model.rowCount() == 4
    model.clear()
    assert model.rowCount() == 0


def test_columns_show_alias_channel_topics_author_and_follow_up(
    qtbot: QtBot, runner: TaskRunner, backend: Backend, story: dict[str, object]
) -> None:
    backend.refresh_accounts()
    wait_idle(qtbot, runner)
    model = CallsModel(backend)
    robin, bea = story["robin"], story["bea"]
    assert isinstance(robin, Caller) and isinstance(bea, Caller)
    model.set_aliases({robin.uuid: "Robin", bea.uuid: "Bea"})
    model.reload()
    wait_idle(qtbot, runner)

    def text(row: int, column: Column) -> str:
        return str(model.index(row, column).data())

    # Newest first: first-timer, Bea's tea, Robin's choir, Robin's garden.
    assert [text(r, Column.CALLER) for r in range(4)] == [
        "First-time caller",
        "Bea",
        "Robin",
        "Robin",
    ]
    assert text(0, Column.CHANNEL) == "Text message"
    assert text(1, Column.TOPICS) == "Sleep, Money"
    assert text(1, Column.LOGGED_BY) == "Sam" and text(2, Column.LOGGED_BY) == "Alex"
    assert text(2, Column.FOLLOW_UP) == "Follow up" and text(3, Column.FOLLOW_UP) == ""
    assert model.index(2, 0).data(CallsModel.FollowUpRole) is True
    assert model.headerData(Column.LOGGED_BY, Qt.Orientation.Horizontal) == "Logged by"


def test_damaged_record_shows_instead_of_breaking_the_list(
    qtbot: QtBot,
    runner: TaskRunner,
    page: CallsPage,
    session: Session,
    story: dict[str, Call],
    prompts: type[Prompts],
) -> None:
    db = session._ctx.db
    moved = next(db.query("select body from calls where uuid = ?", [story["tea"].uuid]))["body"]
    db.execute("update calls set body = ? where uuid = ?", [moved, story["choir"].uuid])
    open_page(qtbot, runner, page)
    model = page.model
    row = model.row_of(story["choir"].uuid)
    assert model.rowCount() == 4 and row >= 0
    assert model.index(row, Column.CALLER).data() == "This record could not be opened"
    assert model.index(row, Column.TOPICS).data() == ""
    assert model.index(row, 0).data(CallsModel.DamagedRole) is True
    page.select_row(row)
    with qtbot.assertNotEmitted(page.open_call_requested):
        page.open_selected()
    assert prompts.asked and prompts.asked[-1].kind == "warn"


# -- the page: search and filters ---------------------------------------------------------------


def search_for(qtbot: QtBot, runner: TaskRunner, page: CallsPage, words: str) -> list[str]:
    edit = child(page, QLineEdit, "calls-search")
    assert isinstance(edit, QLineEdit)
    edit.clear()
    qtbot.keyClicks(edit, words)
    qtbot.waitUntil(lambda: page.model.filter.text == words, timeout=3000)
    wait_idle(qtbot, runner)
    return uuids(page.model)


def test_search_finds_a_call_by_a_word_in_its_notes(
    qtbot: QtBot, runner: TaskRunner, page: CallsPage, story: dict[str, Call]
) -> None:
    open_page(qtbot, runner, page)
    assert page.model.rowCount() == 4
    assert search_for(qtbot, runner, page, "choir") == [story["choir"].uuid]
    assert search_for(qtbot, runner, page, "seedlings") == [story["garden"].uuid]
    assert search_for(qtbot, runner, page, "choir seedlings") == []
    status = child(page, QLabel, "calls-status")
    assert isinstance(status, QLabel) and "No calls match" in status.text()
    assert search_for(qtbot, runner, page, "gard") == [story["tea"].uuid, story["garden"].uuid]
    child(page, QPushButton, "calls-clear-filters").click()  # type: ignore[attr-defined]
    wait_idle(qtbot, runner)
    assert page.model.rowCount() == 4 and page.model.filter.is_empty()


def test_search_before_the_index_is_ready_says_so_then_runs(
    qtbot: QtBot, runner: TaskRunner, backend: Backend, story: dict[str, Call]
) -> None:
    search = SearchService(backend, batch=1)
    page = CallsPage(backend, search, debounce_ms=20)
    qtbot.addWidget(page)
    page.show()
    page.activated()  # the shell's service has not started yet
    wait_idle(qtbot, runner)
    edit = child(page, QLineEdit, "calls-search")
    qtbot.keyClicks(edit, "choir")
    qtbot.waitUntil(lambda: page.model.waiting_for_index, timeout=3000)
    status = child(page, QLabel, "calls-status")
    assert isinstance(status, QLabel) and "getting ready" in status.text()
    seen: list[tuple[int, int]] = []
    search.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(search.ready, timeout=5000):
        search.start()
    wait_idle(qtbot, runner)
    assert uuids(page.model) == [story["choir"].uuid]
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert search.steps == 5  # one call per step, then the step that finds no more
    page.clear()
    search.clear()


def set_date(page: CallsPage, which: str, day: QDate) -> None:
    edit = child(page, QDateEdit, f"calls-{which}")
    check = child(page, QCheckBox, f"calls-{which}-on")
    assert isinstance(edit, QDateEdit) and isinstance(check, QCheckBox)
    edit.setDate(day)
    check.setChecked(True)


def choose(page: CallsPage, name: str, value: str | None) -> None:
    combo = child(page, QComboBox, name)
    assert isinstance(combo, QComboBox)
    row = combo.findData(value)
    assert row >= 0, f"{value!r} not offered in {name}"
    combo.setCurrentIndex(row)


def local_day(moment: datetime) -> QDate:
    here = moment.astimezone()
    return QDate(here.year, here.month, here.day)


def test_filters_combine_with_search(
    qtbot: QtBot,
    runner: TaskRunner,
    page: CallsPage,
    backend: Backend,
    story: dict[str, object],
) -> None:
    backend.refresh_accounts()
    open_page(qtbot, runner, page)
    robin, bea = story["robin"], story["bea"]
    assert isinstance(robin, Caller) and isinstance(bea, Caller)
    calls = {k: v.uuid for k, v in story.items() if isinstance(v, Call)}

    def shown() -> list[str]:
        wait_idle(qtbot, runner)
        return uuids(page.model)

    choose(page, "calls-caller", robin.uuid)
    assert shown() == [calls["choir"], calls["garden"]]
    assert search_for(qtbot, runner, page, "garden") == [calls["garden"]]
    choose(page, "calls-caller", None)
    assert shown() == [calls["tea"], calls["garden"]]  # "garden" alone
    choose(page, "calls-shift", story["shift"])
    assert shown() == [calls["tea"], calls["garden"]]
    choose(page, "calls-author", story["sam"])
    assert shown() == [calls["tea"]]
    choose(page, "calls-author", None)
    choose(page, "calls-topic", "Money")
    assert shown() == [calls["tea"]]
    choose(page, "calls-topic", None)
    choose(page, "calls-shift", None)
    set_date(page, "from", local_day(T0 + timedelta(days=1)))
    assert shown() == [calls["tea"]]
    assert search_for(qtbot, runner, page, "") == [calls["first"], calls["tea"], calls["choir"]]
    set_date(page, "to", local_day(T0 + timedelta(days=2)))  # the day itself is included
    assert shown() == [calls["tea"], calls["choir"]]
    choose(page, "calls-topic", "Sleep")
    choose(page, "calls-caller", bea.uuid)
    assert shown() == [calls["tea"]]
    assert search_for(qtbot, runner, page, "choir") == []


def test_filter_by_caller_shows_all_their_calls(
    qtbot: QtBot, runner: TaskRunner, page: CallsPage, story: dict[str, object]
) -> None:
    robin = story["robin"]
    assert isinstance(robin, Caller)
    page.filter_by_caller(robin.uuid)  # before the page was ever shown
    wait_idle(qtbot, runner)
    page.activated()
    assert page.search is not None
    wait_ready(qtbot, page.search)
    wait_idle(qtbot, runner)
    caller_combo = child(page, QComboBox, "calls-caller")
    assert isinstance(caller_combo, QComboBox) and caller_combo.currentText() == "Robin"
    assert len(uuids(page.model)) == 2


def test_the_index_follows_a_save(
    qtbot: QtBot, runner: TaskRunner, page: CallsPage, backend: Backend, story: dict[str, Call]
) -> None:
    open_page(qtbot, runner, page)
    assert search_for(qtbot, runner, page, "kites") == []

    def save(session: Session) -> Call:
        call = session.calls.get(story["garden"].uuid)
        call.connection = "We flew kites on the hill"
        return session.calls.update(call)

    backend.run(save, lambda _call: backend.changed("calls"))
    qtbot.waitUntil(lambda: uuids(page.model) == [story["garden"].uuid], timeout=5000)
    assert search_for(qtbot, runner, page, "seedlings") == []

    def add(session: Session) -> Call:
        return session.calls.add(Call(started_at=T0 + timedelta(days=9), connection="kites!"))

    assert search_for(qtbot, runner, page, "kites") == [story["garden"].uuid]
    backend.run(add, lambda _call: backend.changed("calls"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    assert page.model.total == 2 and uuids(page.model)[1] == story["garden"].uuid


def test_the_unfiltered_list_follows_a_save(
    qtbot: QtBot, runner: TaskRunner, page: CallsPage, backend: Backend, story: dict[str, Call]
) -> None:
    open_page(qtbot, runner, page)
    backend.run(
        lambda s: s.calls.add(Call(started_at=T0 + timedelta(days=9))),
        lambda _call: backend.changed("calls"),
    )
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=5000)


# -- opening and history ------------------------------------------------------------------------


def test_enter_and_double_click_open_the_call(
    qtbot: QtBot, runner: TaskRunner, page: CallsPage, story: dict[str, Call]
) -> None:
    open_page(qtbot, runner, page)
    row = page.model.row_of(story["tea"].uuid)
    page.select_row(row)
    page.table.setFocus()
    with qtbot.waitSignal(page.open_call_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [story["tea"].uuid]
    rect = page.table.visualRect(page.model.index(row, Column.CALLER))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.open_call_requested) as opened:
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [story["tea"].uuid]
    with qtbot.waitSignal(page.open_call_requested):
        child(page, QPushButton, "calls-open").click()  # type: ignore[attr-defined]


def test_earlier_versions_open_read_only(
    qtbot: QtBot, runner: TaskRunner, page: CallsPage, session: Session, story: dict[str, Call]
) -> None:
    call = session.calls.get(story["garden"].uuid)
    call.connection = "Second thoughts about the garden"
    call = session.calls.update(call)
    call.connection = "Third version"
    session.calls.update(call)
    open_page(qtbot, runner, page)
    page.select_row(page.model.row_of(story["garden"].uuid))
    dialog = page.show_history()
    assert isinstance(dialog, CallHistoryDialog)
    wait_idle(qtbot, runner)
    assert [c.revision for c in dialog.versions] == [1, 2, 3]
    assert dialog.list.count() == 3
    assert dialog.list.item(2).text().startswith("Current version")
    assert "seedlings" in dialog.text.toPlainText()  # the first version is shown first
    dialog.list.setCurrentRow(2)
    assert "Third version" in dialog.text.toPlainText()
    assert dialog.text.isReadOnly()
    dialog.close()


# -- lock -----------------------------------------------------------------------------------------


def test_clear_drops_rows_choices_and_the_index(
    qtbot: QtBot, runner: TaskRunner, page: CallsPage, story: dict[str, Call]
) -> None:
    search = open_page(qtbot, runner, page)
    search_for(qtbot, runner, page, "garden")
    assert page.model.rowCount() == 2
    page.clear()
    assert page.model.rowCount() == 0
    caller_combo = child(page, QComboBox, "calls-caller")
    assert isinstance(caller_combo, QComboBox) and caller_combo.count() == 1
    assert search.cleared and not search.is_ready
    assert page.model.filter.is_empty()


def test_every_control_has_a_name(page: CallsPage) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QAbstractSpinBox, QWidget

    def inside_compound(widget: QWidget) -> bool:
        """Qt's own parts of a combo box or date edit (their popup list, line edit)."""
        parent = widget.parentWidget()
        while parent is not None and parent is not page:
            if isinstance(parent, (QComboBox, QDateEdit)):
                return True
            parent = parent.parentWidget()
        return widget.objectName().startswith("qt_")

    for widget in page.findChildren(QWidget):
        if inside_compound(widget):
            continue
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and isinstance(
            widget, (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)
        ):
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()
    assert CallsPage.key == "calls" and CallsPage.title == "Calls"
