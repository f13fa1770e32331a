"""A whole shift change through the real screens: two volunteers, a shift lead, one handover.

Ann starts a shift, logs three calls (one with a follow-up, one with a regular), ends the
shift and writes the handover from the generated summary. Ben unlocks, starts the next shift,
finds it pinned and acknowledges it with a reply. Lee, a shift lead, sees Ben's
acknowledgement and Ann's follow-up still open. Ben marks the follow-up done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget, QTextBrowser
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from tests.ui.shift_support import (  # noqa: F401 (shift_app is a fixture)
    PASS,
    ask,
    make_line,
    page_of,
    press,
    shift_app,
    sign_in,
    unlock_as,
)
from ui.clock import FakeClock
from ui.controller import AppController
from ui.prompts import Prompts
from ui.screens.call import CallPage
from ui.screens.handovers import HandoversPage
from ui.widgets.call_form import CallForm
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.followups import FollowUp
from warmline.handovers import Handover

REFLECTION = "PrivateReflection7Walnut"


def log_call(
    qtbot: QtBot,
    controller: AppController,
    clock: FakeClock,
    minutes: int,
    *,
    channel: str = "phone",
    regular: str = "",
    moving_towards: str = "",
    follow_up: str = "",
    crisis: bool = False,
) -> None:
    call_page = page_of(controller, "call")
    assert isinstance(call_page, CallPage)
    controller.window.workspace.show_page("call")  # type: ignore[union-attr]
    form = call_page.findChild(CallForm, "call-form")
    assert form is not None
    form.start_call()
    if regular:
        form.picker.set_caller("regular", regular)
    form.note.channel.setCurrentIndex(form.note.channel.findData(channel))
    form.sections["connection"].setPlainText("We talked about the weather and the bus.")
    form.sections["moving_towards"].setPlainText(moving_towards)
    form.note.follow_up.setText(follow_up)
    form.note.crisis_offered.setChecked(crisis)
    clock.advance(minutes * 60)
    form.end_call()
    form.save()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: not form.saving)
    wait_idle(qtbot, controller.runner)


def test_a_shift_change_from_start_to_follow_up_done(
    shift_app: Callable[[Path], AppController],  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    fake_clock: FakeClock,
    prompts: type[Prompts],
) -> None:
    controller = shift_app(make_line(tmp_path))
    controller.start()

    # --- Ann's shift ------------------------------------------------------------------
    page = sign_in(qtbot, controller, "Ann")
    assert page.start_card.isVisible() and not page.end_button.isVisible()
    page.start_button.setFocus()
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Start the shift
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.end_button.isVisible())
    assert "On shift since" in page.status.text()

    log_call(qtbot, controller, fake_clock, 12, follow_up="Ring the housing office back")
    log_call(
        qtbot,
        controller,
        fake_clock,
        20,
        regular="Robin",
        moving_towards="trying the Thursday walking group",
        crisis=True,
    )
    log_call(qtbot, controller, fake_clock, 4, channel="text")
    call_page = page_of(controller, "call")
    assert not call_page.shift_offer.isVisible()  # a shift was open: nothing offered
    calls: list[Call] = ask(
        qtbot,
        controller,
        lambda s: s.calls.for_shift(s.shifts.current().uuid),  # type: ignore[union-attr]
    )
    assert len(calls) == 3  # every call logged during the shift belongs to it
    ask(
        qtbot,
        controller,
        lambda s: s.debriefs.add(Debrief(call_uuid=calls[0].uuid, feeling=REFLECTION)),
    )

    controller.window.workspace.show_page("on-shift")  # type: ignore[union-attr]
    wait_idle(qtbot, controller.runner)
    calls_list = page.findChild(QListWidget, "on-shift-calls")
    assert calls_list is not None and calls_list.count() == 3
    assert page.followups_model.rowCount() == 1  # the first call's follow-up, as a record

    Prompts.set_next_answers([True])  # "End the shift?" -> End and write the handover
    page.end_button.setFocus()
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    wait_idle(qtbot, controller.runner)
    composer = page.composer
    qtbot.waitUntil(lambda: page.stack.currentWidget() is composer)
    summary_text = composer.summary_view.toPlainText()
    assert "3 calls, 36 minutes in all." in summary_text
    assert "Phone 2 (32 min), Text message 1 (4 min)" in summary_text
    assert "Robin (once), moving towards: trying the Thursday walking group" in summary_text
    assert "Ring the housing office back" in summary_text
    assert "offered 1 time" in summary_text
    keep_in_mind = composer.sections["callers_to_keep_in_mind"].toPlainText()
    assert keep_in_mind == "Robin: moving towards trying the Thursday walking group"
    assert composer.sections["follow_ups"].toPlainText() == "- Ring the housing office back"
    composer.sections["how_it_was"].setFocus()
    qtbot.keyClicks(composer.sections["how_it_was"], "A steady evening, nothing urgent.")
    composer.followup_edit.setText("Check the spare headset")
    composer.add_followup()
    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Save handover
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.overview)

    handovers: list[Handover] = ask(qtbot, controller, lambda s: s.handovers.all())
    assert len(handovers) == 1
    handover = handovers[0]
    summary = handover.summary
    # The summary's figures are the calls' own.
    assert summary["calls"] == len(calls)
    assert summary["minutes"] == round(sum(c.duration_s or 0 for c in calls) / 60)
    assert {r["id"]: r["calls"] for r in summary["by_channel"]} == {
        ch: sum(1 for c in calls if c.channel == ch) for ch in {c.channel for c in calls}
    }
    assert summary["crisis_offered"] == sum(c.crisis_offered for c in calls)
    assert REFLECTION not in repr(summary) and REFLECTION not in handover.text()
    assert REFLECTION not in summary_text
    controller.lock()
    wait_idle(qtbot, controller.runner)

    # --- Ben takes over -----------------------------------------------------------------
    page = sign_in(qtbot, controller, "Ben")
    qtbot.waitUntil(lambda: page.pinned.isVisible())
    nav = controller.window.workspace.nav  # type: ignore[union-attr]
    assert nav.item(0).text() == "On shift (1)"  # the unread count
    page.start_button.click()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.end_button.isVisible())
    assert page.pinned.isVisible()  # still pinned: starting a shift is not reading it
    pinned = page.findChild(QTextBrowser, "on-shift-pinned-handover")
    assert pinned is not None and "A steady evening" in pinned.toPlainText()
    assert REFLECTION not in pinned.toPlainText()
    page.reply_edit.setFocus()
    qtbot.keyClicks(page.reply_edit, "Got it, I will ring the housing office")
    press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # acknowledge
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: not page.pinned.isVisible())
    assert nav.item(0).text() == "On shift"
    controller.lock()
    wait_idle(qtbot, controller.runner)

    # --- Lee, the shift lead, looks in ---------------------------------------------------
    unlock_as(qtbot, controller, "Lee", PASS["Lee"])
    qtbot.waitUntil(lambda: controller.is_unlocked)
    wait_idle(qtbot, controller.runner)
    controller.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    press(qtbot, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)  # Handovers
    leads = page_of(controller, "handovers")
    assert isinstance(leads, HandoversPage)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: leads.model.rowCount() == 1)
    row = leads.model.row_at(0)
    assert row is not None
    by = leads.model.index(0, leads.model.Column.BY).data()
    read_by = leads.model.index(0, leads.model.Column.READ_BY).data()
    assert (by, read_by) == ("Ann", "Ben")
    assert "Lee" in leads.model.index(0, leads.model.Column.NOT_YET).data()
    qtbot.waitUntil(lambda: "Got it" in leads.text_view.toPlainText())
    assert "Ring the housing office back — still open" in leads.summary_view.toPlainText()
    assert "3 calls" in leads.summary_view.toPlainText()
    assert REFLECTION not in leads.text_view.toPlainText() + leads.summary_view.toPlainText()
    controller.lock()
    wait_idle(qtbot, controller.runner)

    # --- Ben marks the follow-up done ----------------------------------------------------
    page = sign_in(qtbot, controller, "Ben")
    qtbot.waitUntil(lambda: page.followups_model.rowCount() == 2)
    texts = [page.followups_model.followup_at(r).text for r in range(2)]  # type: ignore[union-attr]
    page.followups_table.selectRow(texts.index("Ring the housing office back"))
    page.done_note.setFocus()
    qtbot.keyClicks(page.done_note, "Rang them; the letter is on its way")
    press(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Mark done
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.followups_model.rowCount() == 1)
    done: list[FollowUp] = ask(qtbot, controller, lambda s: s.followups.all())
    closed = [f for f in done if not f.is_open]
    assert len(closed) == 1 and closed[0].text == "Ring the housing office back"
    assert closed[0].done_note == "Rang them; the letter is on its way"
    ben = controller.backend.account.uuid  # type: ignore[union-attr]
    assert closed[0].done_by == ben and closed[0].done_at is not None
    from_handover = [f for f in done if f.source == "handover"]
    assert [f.source_uuid for f in from_handover] == [handover.uuid]


def test_starting_a_call_with_no_shift_offers_one_without_holding_up_the_call(
    shift_app: Callable[[Path], AppController],  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    controller = shift_app(make_line(tmp_path))
    controller.start()
    sign_in(qtbot, controller, "Ann")
    call_page = page_of(controller, "call")
    controller.window.workspace.show_page("call")  # type: ignore[union-attr]
    form = call_page.form
    form.start_call()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: call_page.shift_offer.isVisible())
    assert form.timer.running  # the call goes on
    call_page.shift_offer.start_button.click()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: not call_page.shift_offer.isVisible())
    shift = ask(qtbot, controller, lambda s: s.shifts.current())
    assert shift is not None
    form.end_call()
    form.save()
    wait_idle(qtbot, controller.runner)
    calls = ask(qtbot, controller, lambda s: s.calls.for_shift(shift.uuid))
    assert len(calls) == 1
