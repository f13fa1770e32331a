"""DraftKeeper on its own, against a real backend: what it writes, when, and what it reports.

The call form's tests drive it through typing; these pin the rules a form relies on (a note
written once is dirty no more, a paused keeper writes nothing, a locked backend leaves the
note dirty for later, a fresh start is a new draft) by looking at the drafts really stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.tasks import TaskRunner
from ui.widgets.call_drafts import CALL_DRAFT, DraftKeeper
from warmline.drafts import Draft
from warmline.session import Session


class Note:
    """What a form hands the keeper: the fields, whether they are worth keeping, a target."""

    def __init__(self) -> None:
        self.text = ""
        self.target: str | None = None

    def fields(self) -> dict[str, Any]:
        return {"connection": self.text}

    def worth_keeping(self) -> bool:
        return bool(self.text)


@pytest.fixture
def note() -> Note:
    return Note()


@pytest.fixture
def session(ui_vault: tuple[Any, Session]) -> Session:
    return ui_vault[1]


@pytest.fixture
def keeper(qtbot: QtBot, backend: Backend, note: Note) -> Iterator[DraftKeeper]:
    owner = QObject()
    made = DraftKeeper(
        backend, note.fields, note.worth_keeping, lambda: note.target, 60_000, owner,
        kind="reflection",
    )  # fmt: skip
    assert made.parent() is owner  # goes away with the form that made it
    yield made
    del owner


def _stored(session: Session) -> list[Draft]:
    return session.drafts.mine("reflection")


def test_a_new_keeper_has_nothing_to_write_and_its_timer_is_its_own(
    keeper: DraftKeeper, note: Note
) -> None:
    assert keeper.stored is False and keeper.dirty is False
    assert keeper.flush() is False  # nothing typed, nothing stored
    timer = keeper.findChild(QTimer, "draft-autosave")
    assert timer is keeper.timer and timer.isActive() and timer.interval() == 60_000


def test_a_changed_note_is_written_once_under_its_kind_and_target(
    qtbot: QtBot, keeper: DraftKeeper, note: Note, session: Session, runner: TaskRunner
) -> None:
    note.text, note.target = "she wants the garden back", "call-7"
    keeper.mark_dirty()
    with qtbot.waitSignal(keeper.saved, timeout=3000) as saved:
        keeper.tick()
    assert isinstance(saved.args[0], Draft)
    assert keeper.dirty is False and keeper.stored is True
    wait_idle(qtbot, runner)
    [draft] = _stored(session)
    assert (draft.uuid, draft.kind, draft.target_uuid) == (keeper.uuid, "reflection", "call-7")
    assert draft.fields == {"connection": "she wants the garden back"}
    with qtbot.assertNotEmitted(keeper.saved, wait=50):
        keeper.tick()  # not dirty: nothing written again


def test_a_paused_keeper_writes_nothing_until_resumed(
    qtbot: QtBot, keeper: DraftKeeper, note: Note, session: Session, runner: TaskRunner
) -> None:
    note.text = "a line"
    keeper.mark_dirty()
    keeper.pause(True)
    assert keeper.flush() is False
    keeper.tick()
    wait_idle(qtbot, runner)
    assert _stored(session) == [] and keeper.dirty is True
    keeper.pause(False)
    assert keeper.flush() is True
    wait_idle(qtbot, runner)
    assert len(_stored(session)) == 1


def test_an_emptied_note_drops_its_draft(
    qtbot: QtBot, keeper: DraftKeeper, note: Note, session: Session, runner: TaskRunner
) -> None:
    note.text = "a line"
    assert keeper.write() is True
    wait_idle(qtbot, runner)
    note.text = ""
    assert keeper.write() is False
    assert keeper.stored is False
    wait_idle(qtbot, runner)
    assert _stored(session) == []


def test_after_a_lock_the_note_stays_dirty_for_later(
    keeper: DraftKeeper, note: Note, backend: Backend
) -> None:
    note.text = "a line"
    backend.close()
    assert keeper.write() is False
    assert keeper.dirty is True and keeper.stored is False


def test_a_fresh_start_is_a_new_draft_and_adopting_continues_an_old_one(
    qtbot: QtBot, keeper: DraftKeeper, note: Note, session: Session, runner: TaskRunner
) -> None:
    note.text = "first"
    keeper.write()
    wait_idle(qtbot, runner)
    first = keeper.uuid
    keeper.mark_dirty()
    keeper.start_fresh()
    assert keeper.uuid != first and keeper.stored is False and keeper.dirty is False
    with qtbot.waitSignal(keeper.found, timeout=3000) as found:
        keeper.check()
    assert [d.uuid for d in found.args[0]] == [first]  # the old one waits to be picked up
    keeper.mark_dirty()
    keeper.adopt(first)
    assert keeper.uuid == first and keeper.stored is True and keeper.dirty is False
    with qtbot.waitSignal(keeper.found, timeout=3000) as found:
        keeper.check()
    assert found.args[0] == []  # the open note's own draft is not offered back


def test_discarding_removes_the_draft_then_calls_back(
    qtbot: QtBot, keeper: DraftKeeper, note: Note, session: Session, runner: TaskRunner
) -> None:
    note.text = "first"
    keeper.write()
    wait_idle(qtbot, runner)
    done: list[bool] = []
    keeper.discard(keeper.uuid, lambda: done.append(True))
    qtbot.waitUntil(lambda: done == [True])
    assert _stored(session) == []


def test_a_failed_write_says_why_and_is_tried_again_on_the_next_tick(
    qtbot: QtBot,
    keeper: DraftKeeper,
    note: Note,
    session: Session,
    runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full disk must not lose the note: it stays dirty, the reason is shown in plain words,
    and the next tick writes it once there is room again."""
    from warmline.drafts import DraftRepository
    from warmline.errors import StorageFull

    real_save = DraftRepository.save

    def full(self: DraftRepository, draft: Draft) -> Draft:
        raise StorageFull()

    note.text = "she wants the garden back"
    keeper.mark_dirty()
    monkeypatch.setattr(DraftRepository, "save", full)
    with qtbot.waitSignal(keeper.failed, timeout=3000) as failed:
        keeper.tick()
    assert failed.args[0] == str(StorageFull())
    assert "disk is full" in failed.args[0]
    assert keeper.dirty is True  # kept for the next tick
    assert _stored(session) == []

    monkeypatch.setattr(DraftRepository, "save", real_save)
    with qtbot.waitSignal(keeper.saved, timeout=3000):
        keeper.tick()
    assert keeper.dirty is False
    wait_idle(qtbot, runner)
    assert [d.fields for d in _stored(session)] == [{"connection": "she wants the garden back"}]


def test_every_fresh_start_writes_under_a_real_new_uuid(
    qtbot: QtBot, keeper: DraftKeeper, note: Note, session: Session, runner: TaskRunner
) -> None:
    seen = []
    for text in ("first", "second", "third"):
        note.text = text
        keeper.write()
        wait_idle(qtbot, runner)
        seen.append(keeper.uuid)
        keeper.start_fresh()
    assert all(isinstance(u, str) and len(u) == 36 for u in seen)
    assert len(set(seen)) == 3
    assert sorted(d.uuid for d in _stored(session)) == sorted(seen)


def test_check_offers_only_this_kind_of_draft_and_never_a_damaged_one(
    qtbot: QtBot, keeper: DraftKeeper, note: Note, session: Session, runner: TaskRunner
) -> None:
    mine = session.drafts.save(Draft(kind="reflection", fields={"connection": "mine"}))
    session.drafts.save(Draft(kind=CALL_DRAFT, fields={"connection": "a call note"}))
    spoiled = session.drafts.save(Draft(kind="reflection", fields={"connection": "spoiled"}))
    db = session._ctx.db
    body = next(db.query("select body from drafts where uuid = ?", [spoiled.uuid]))["body"]
    flipped = body[:-1] + bytes([body[-1] ^ 1])
    db.execute("update drafts set body = ? where uuid = ?", [flipped, spoiled.uuid])
    with qtbot.waitSignal(keeper.found, timeout=3000) as found:
        keeper.check()
    assert [d.uuid for d in found.args[0]] == [mine.uuid]
