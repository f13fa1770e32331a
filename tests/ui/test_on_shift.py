"""The On shift page and the handovers page, piece by piece: navigation numbers, drafts that
survive a lock, overdue follow-ups standing out, and the leads' filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from tests.ui.shift_support import PASS, make_line, shift_app, sign_in  # noqa: F401 (fixture)
from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.clock import FakeClock
from ui.controller import AppController
from ui.models.followups_model import FollowUpsModel
from ui.models.handovers_model import HandoverRow, HandoversModel
from ui.pages import page_types
from ui.prompts import Prompts
from ui.tasks import TaskRunner
from ui.workspace import Workspace
from warmline.accounts import Role
from warmline.followups import FollowUp
from warmline.handovers import Handover
from warmline.session import Session
from warmline.vault import Vault

EVERYONE = ["on-shift", "call", "calls", "callers", "account", "settings", "reflections"]


def test_alt_numbers_are_the_same_for_every_role(
    qtbot: QtBot,
    backend: Backend,
    volunteer_backend: Backend,
    runner: TaskRunner,
    ui_vault: tuple[Vault, Session],
    fake_clock: FakeClock,
) -> None:
    vault, session = ui_vault
    lee = session.team.add_account("Lee", "lees own passphrase", Role.SHIFT_LEAD)
    lead_backend = Backend(
        runner, vault.unlock(lee.uuid, "lees own passphrase"), fake_clock, SafeClipboard(), "x"
    )
    keys = {}
    for name, b in (("volunteer", volunteer_backend), ("lead", lead_backend), ("coord", backend)):
        workspace = Workspace(b, page_types())
        qtbot.addWidget(workspace)
        keys[name] = list(workspace.pages)
        wait_idle(qtbot, runner)
    assert keys["volunteer"] == EVERYONE
    assert keys["lead"] == [*EVERYONE, "handovers", "reports"]
    assert keys["coord"] == [*EVERYONE, "handovers", "reports", "team", "activity"]
    lead_backend.close()


def test_an_unfinished_handover_survives_a_lock(
    shift_app: Callable[[Path], AppController],  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    prompts: type[Prompts],
) -> None:
    controller = shift_app(make_line(tmp_path))
    controller.start()
    page = sign_in(qtbot, controller, "Ann")
    page.start_button.click()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.end_button.isVisible())
    prompts.set_next_answers([True])
    page.end_shift()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.composer)
    page.composer.sections["team_and_phones"].setPlainText("Headset two crackles")
    qtbot.keyClick(controller.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not controller.is_unlocked
    wait_idle(qtbot, controller.runner)
    page = sign_in(qtbot, controller, "Ann")

    def back() -> bool:
        return (
            page.stack.currentWidget() is page.composer
            and page.composer.sections["team_and_phones"].toPlainText() == "Headset two crackles"
        )

    qtbot.waitUntil(back, timeout=5000)
    # "Finish later" keeps it, and the overview offers it again.
    page.composer.finish_later()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.resume_button.isVisible())


def test_overdue_follow_ups_stand_out(qtbot: QtBot) -> None:
    now = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    model = FollowUpsModel(lambda uuid: {"a": "Ann"}.get(uuid or "", ""))
    late = FollowUp(text="late", raised_by="a", raised_at=now - timedelta(days=3))
    fresh = FollowUp(text="fresh", raised_by="a", raised_at=now - timedelta(hours=1))
    model.set_rows([late, fresh], now)
    state = model.Column.STATE
    assert model.index(0, state).data() == "Overdue"
    assert model.index(1, state).data() == "Open"
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(1, 1).data(Qt.ItemDataRole.FontRole) is None
    assert model.overdue_count() == 1
    assert model.index(0, model.Column.SOURCE).data() == "A call taken by Ann"


def test_handovers_filter_by_date_and_author(qtbot: QtBot) -> None:
    def row(author: str, day: int) -> HandoverRow:
        when = datetime(2026, 11, day, 12, 0, tzinfo=UTC)
        return HandoverRow(
            Handover(uuid=f"{author}{day}", author_uuid=author, created_at=when), [], []
        )

    model = HandoversModel(lambda uuid: uuid or "")
    model.set_rows([row("ann", 3), row("ben", 4), row("ann", 9)])
    assert model.rowCount() == 3
    model.set_filter(None, None, "ann")
    assert [model.row_at(r).handover.uuid for r in range(model.rowCount())] == ["ann3", "ann9"]  # type: ignore[union-attr]
    model.set_filter(date(2026, 11, 4), date(2026, 11, 10), None)
    assert [model.row_at(r).handover.uuid for r in range(model.rowCount())] == ["ben4", "ann9"]  # type: ignore[union-attr]
    model.set_filter(date(2026, 11, 4), date(2026, 11, 10), "ann")
    assert model.rowCount() == 1
    assert sorted(model.authors()) == ["ann", "ben"]


def test_a_handover_changed_after_it_was_read_keeps_the_earlier_text(
    shift_app: Callable[[Path], AppController],  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    data_dir = make_line(tmp_path)
    vault = Vault.open(data_dir)
    accounts = {a.display_name: a.uuid for a in vault.accounts()}
    ann = vault.unlock(accounts["Ann"], PASS["Ann"])
    written = ann.handovers.add(Handover(how_it_was="Quiet night"))
    vault.unlock(accounts["Ben"], PASS["Ben"]).handovers.acknowledge(written.uuid, "Thanks")
    vault.close()

    controller = shift_app(data_dir)
    controller.start()
    page = sign_in(qtbot, controller, "Ann")
    qtbot.waitUntil(lambda: page.change_button.isVisible())
    page.change_button.click()
    composer = page.composer
    assert page.stack.currentWidget() is composer
    assert "Already read by 1" in composer.intro.text()
    composer.sections["how_it_was"].setPlainText("Quiet night; Robin rang late")
    composer.save()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.overview)
    assert controller.backend is not None
    box: list[object] = []
    controller.backend.run(
        lambda s: (s.handovers.get(written.uuid), s.handovers.history(written.uuid)), box.append
    )
    qtbot.waitUntil(lambda: bool(box))
    current, history = box[0]  # type: ignore[misc]
    assert current.how_it_was == "Quiet night; Robin rang late" and current.revision == 2
    assert current.author_uuid == accounts["Ann"] and current.created_at == written.created_at
    assert [h.how_it_was for h in history] == ["Quiet night"]


def test_the_waiting_count_goes_down_as_each_handover_is_read(
    ui_vault: tuple[Vault, Session],
) -> None:
    """Seven unread handovers: seven waiting, the oldest shown; read it and six remain."""
    from ui.screens.on_shift import load_state

    vault, session = ui_vault
    sam = session.team.add_account("Sam", "sams own passphrase", Role.VOLUNTEER)
    sam_session = vault.unlock(sam.uuid, "sams own passphrase")
    written = [sam_session.handovers.add(Handover(how_it_was=f"shift {i}")) for i in range(7)]
    state = load_state(session)
    assert len(state.waiting) == 7 and state.waiting[-1].uuid == written[0].uuid
    session.handovers.acknowledge(written[0].uuid)
    state = load_state(session)
    assert len(state.waiting) == 6 and state.waiting[-1].uuid == written[1].uuid
