"""The private reflection through the real app: invited, declined, kept for later, written,
reread, charted and exported by its author, and seen by nobody else on any screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.conftest import UI_PASSPHRASE, wait_idle
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
from ui.preferences import DebriefDefault, Preferences, invitation_mode
from ui.prompts import Prompts
from ui.screens.call import CallPage
from ui.screens.reflections import MyReflectionsPage
from ui.widgets.call_form import CallForm
from ui.widgets.check_in_chart import point_of
from warmline import crypto
from warmline.debriefs import check_in_points
from warmline.vault import Vault

SECRET = "Quokka5Lantern"
CTRL = Qt.KeyboardModifier.ControlModifier


# -- helpers --------------------------------------------------------------------------------


def set_team_default(data_dir: Path, value: str) -> None:
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    alex = next(a for a in vault.accounts() if a.display_name == "Alex")
    session = vault.unlock(alex.uuid, UI_PASSPHRASE)
    session.settings.set("debrief_default", value)
    vault.close()


def set_mine(data_dir: Path, name: str, choice: DebriefDefault) -> None:
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    account = next(a for a in vault.accounts() if a.display_name == name)
    vault.close()
    prefs = Preferences(account.uuid).load()
    prefs.debrief_default = choice
    prefs.save()


def log_call(qtbot: QtBot, controller: AppController, clock: FakeClock) -> CallPage:
    call_page = page_of(controller, "call")
    assert isinstance(call_page, CallPage)
    controller.window.workspace.show_page("call")  # type: ignore[union-attr]
    form = call_page.findChild(CallForm, "call-form")
    assert form is not None
    form.start_call()
    form.sections["connection"].setPlainText("We talked about the weather and the bus.")
    clock.advance(600)
    form.end_call()
    form.save()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: not form.saving)
    wait_idle(qtbot, controller.runner)
    return call_page


def reflections_page(controller: AppController) -> MyReflectionsPage:
    page = page_of(controller, "reflections")
    assert isinstance(page, MyReflectionsPage)
    return page


def current_key(controller: AppController) -> str:
    workspace = controller.window.workspace
    assert workspace is not None
    page = workspace.current_page()
    return page.key if page is not None else ""


def reflection_drafts(qtbot: QtBot, controller: AppController) -> list[object]:
    return list(ask(qtbot, controller, lambda s: s.drafts.mine("reflection")))


def screen_texts(root: QWidget) -> str:
    """Every piece of text the window holds in a widget or an item model, shown or not."""
    out: list[str] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, (QLabel, QLineEdit)):
            out.append(widget.text())
        elif isinstance(widget, (QPlainTextEdit, QTextBrowser)):
            out.append(widget.toPlainText())
        if isinstance(widget, QListWidget):
            out += [widget.item(i).text() for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    out.append(str(model.index(row, column).data() or ""))
    return "\n".join(out)


@pytest.fixture
def line(tmp_path: Path) -> Path:
    return make_line(tmp_path)


@pytest.fixture
def app(
    shift_app: Callable[[Path], AppController],  # noqa: F811
    line: Path,
) -> Iterator[AppController]:
    controller = shift_app(line)
    controller.start()
    yield controller


def write_a_reflection(qtbot: QtBot, controller: AppController, clock: FakeClock) -> None:
    """Log a call, take the moment from the invitation, answer a little and save it."""
    call_page = log_call(qtbot, controller, clock)
    qtbot.waitUntil(lambda: call_page.invite.isVisible())
    call_page.invite.take_button.click()
    page = reflections_page(controller)
    form = page.form
    qtbot.waitUntil(lambda: form.is_open and page.stack.currentWidget() is form)
    form.check_buttons[2].click()
    form.feeling_edit.setText(f"tired, {SECRET}")
    form.need_buttons["break"].click()
    form.answers["learn_or_fix"].setPlainText(f"I wanted to fix it: {SECRET}")
    form.save_button.click()
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.overview)
    wait_idle(qtbot, controller.runner)


# -- the invitation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team", "mine", "expected"),
    [
        ("never", DebriefDefault.TEAM, DebriefDefault.NEVER),
        ("always", DebriefDefault.TEAM, DebriefDefault.ALWAYS),
        ("ask", DebriefDefault.TEAM, DebriefDefault.ASK),
        ("never", DebriefDefault.ASK, DebriefDefault.ASK),
        ("ask", DebriefDefault.NEVER, DebriefDefault.NEVER),
        ("never", DebriefDefault.ALWAYS, DebriefDefault.ALWAYS),
    ],
)
def test_the_invitation_follows_my_choice_else_the_team_s(
    qtbot: QtBot,
    shift_app: Callable[[Path], AppController],  # noqa: F811
    line: Path,
    fake_clock: FakeClock,
    team: str,
    mine: DebriefDefault,
    expected: DebriefDefault,
) -> None:
    assert invitation_mode(mine, team) is expected
    set_team_default(line, team)
    set_mine(line, "Ann", mine)
    controller = shift_app(line)
    controller.start()
    sign_in(qtbot, controller, "Ann")
    call_page = log_call(qtbot, controller, fake_clock)
    page = reflections_page(controller)
    if expected is DebriefDefault.ALWAYS:
        qtbot.waitUntil(lambda: page.form.is_open)
        assert current_key(controller) == "reflections"
        assert page.stack.currentWidget() is page.form
        assert not call_page.invite.isVisible()
    elif expected is DebriefDefault.ASK:
        qtbot.waitUntil(lambda: call_page.invite.isVisible())
        assert current_key(controller) == "call"
        assert not page.form.is_open
    else:
        wait_idle(qtbot, controller.runner)
        assert not call_page.invite.isVisible() and not page.form.is_open
        assert current_key(controller) == "call"


def test_editing_a_saved_call_invites_nothing(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock
) -> None:
    sign_in(qtbot, app, "Ann")
    call_page = log_call(qtbot, app, fake_clock)
    call_page.invite.decline()
    call_uuid = ask(qtbot, app, lambda s: s.calls.select()[0].uuid)
    call_page.open_call(call_uuid)
    wait_idle(qtbot, app.runner)
    call_page.form.begin_editing()
    call_page.form.sections["connection"].setPlainText("Changed a word.")
    call_page.form.save()
    wait_idle(qtbot, app.runner)
    qtbot.waitUntil(lambda: not call_page.form.saving)
    wait_idle(qtbot, app.runner)
    assert not call_page.invite.isVisible()


def test_declining_is_one_key_and_the_next_call_is_never_held_up(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock
) -> None:
    sign_in(qtbot, app, "Ann")
    call_page = log_call(qtbot, app, fake_clock)
    qtbot.waitUntil(lambda: call_page.invite.isVisible())
    app.window.activateWindow()
    press(qtbot, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    assert not call_page.invite.isVisible()
    wait_idle(qtbot, app.runner)
    assert reflection_drafts(qtbot, app) == []

    # Invited again; the phone rings: Ctrl+N starts the next call at once, and the
    # invitation is kept for later rather than lost.
    call_page = log_call(qtbot, app, fake_clock)
    qtbot.waitUntil(lambda: call_page.invite.isVisible())
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert call_page.form.timer.running
    assert not call_page.invite.isVisible()
    wait_idle(qtbot, app.runner)
    assert len(reflection_drafts(qtbot, app)) == 1


def test_later_keeps_a_quiet_reminder_until_the_shift_ends(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock, prompts: type[Prompts]
) -> None:
    on_shift = sign_in(qtbot, app, "Ann")
    on_shift.start_button.click()
    wait_idle(qtbot, app.runner)
    call_page = log_call(qtbot, app, fake_clock)
    qtbot.waitUntil(lambda: call_page.invite.isVisible())
    call_page.form.start_button.setFocus()
    call_page.invite.later_button.click()
    wait_idle(qtbot, app.runner)
    assert not call_page.invite.isVisible()
    # The On shift page refreshed behind the scenes without pulling the keyboard to it.
    focused = QApplication.focusWidget()
    assert focused is not None and not on_shift.isAncestorOf(focused)

    app.window.workspace.show_page("on-shift")  # type: ignore[union-attr]
    wait_idle(qtbot, app.runner)
    qtbot.waitUntil(lambda: on_shift.reminder.isVisible())
    assert "for later" in on_shift.reminder_text.text()
    assert "Only you can see this" in on_shift.reminder_text.text()

    # It outlives a lock.
    press(qtbot, Qt.Key.Key_L, CTRL)
    wait_idle(qtbot, app.runner)
    on_shift = sign_in(qtbot, app, "Ann")
    qtbot.waitUntil(lambda: on_shift.reminder.isVisible())

    # "Take the moment now" opens it on My reflections, for that call.
    on_shift.reflect_button.click()
    page = reflections_page(app)
    qtbot.waitUntil(lambda: page.form.is_open)
    assert current_key(app) == "reflections"
    assert "After the call" in page.form.call_label.text()
    page.form.put_aside()
    wait_idle(qtbot, app.runner)

    # Ending the shift ends the reminder: an empty one is let go.
    app.window.workspace.show_page("on-shift")  # type: ignore[union-attr]
    wait_idle(qtbot, app.runner)
    prompts.set_next_answers([True])
    on_shift.end_shift()
    wait_idle(qtbot, app.runner)
    on_shift.composer.finish_later()
    wait_idle(qtbot, app.runner)
    qtbot.waitUntil(lambda: not on_shift.reminder.isVisible())
    assert reflection_drafts(qtbot, app) == []


# -- writing and rereading ---------------------------------------------------------------------


def test_a_reflection_is_written_saved_and_reread_by_its_author(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock
) -> None:
    sign_in(qtbot, app, "Ann")
    page = reflections_page(app)
    assert ips_privacy_said_once(page)
    write_a_reflection(qtbot, app, fake_clock)
    assert reflection_drafts(qtbot, app) == []  # the draft went with the save
    stored = ask(qtbot, app, lambda s: s.debriefs.mine())
    assert len(stored) == 1 and stored[0].check_in == 2 and stored[0].need == "break"
    assert stored[0].call_uuid == ask(qtbot, app, lambda s: s.calls.select()[0].uuid)

    # Reread on My reflections, with the call it followed.
    qtbot.waitUntil(lambda: page.list.count() == 1 and page.selected() is not None)
    assert SECRET in page.detail.toPlainText()
    assert "After the call" in page.detail.toPlainText()
    page.search_edit.setText("wanted FIX")
    assert page.selected() is not None
    page.search_edit.setText("nothing like it")
    assert page.selected() is None and "Nothing matches" in page.list.item(0).text()
    page.search_edit.clear()

    page.open_call_button.click()
    wait_idle(qtbot, app.runner)
    assert current_key(app) == "call"


def ips_privacy_said_once(page: MyReflectionsPage) -> bool:
    """The form says plainly, once, that only this person can read it."""
    labels = [w for w in page.form.findChildren(QLabel) if "Only you can ever read" in w.text()]
    return len(labels) == 1


def test_a_reflection_in_progress_survives_a_lock(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock
) -> None:
    sign_in(qtbot, app, "Ann")
    call_page = log_call(qtbot, app, fake_clock)
    qtbot.waitUntil(lambda: call_page.invite.isVisible())
    call_page.invite.take_button.click()
    page = reflections_page(app)
    qtbot.waitUntil(lambda: page.form.is_open)
    page.form.note_edit.setPlainText("Ring my sister tonight")
    press(qtbot, Qt.Key.Key_L, CTRL)
    wait_idle(qtbot, app.runner)
    sign_in_anywhere(qtbot, app, "Ann")
    page = reflections_page(app)
    qtbot.waitUntil(
        lambda: page.form.is_open and page.form.note_edit.toPlainText() == "Ring my sister tonight",
        timeout=5000,
    )


def sign_in_anywhere(qtbot: QtBot, app: AppController, name: str) -> None:
    unlock_as(qtbot, app, name, PASS.get(name, UI_PASSPHRASE))
    qtbot.waitUntil(lambda: app.is_unlocked)
    wait_idle(qtbot, app.runner)


def test_the_chart_points_equal_the_saved_check_ins(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock
) -> None:
    sign_in(qtbot, app, "Ann")
    for _ in range(3):
        write_a_reflection(qtbot, app, fake_clock)
        fake_clock.advance(3600)
    page = reflections_page(app)
    saved = ask(qtbot, app, lambda s: s.debriefs.mine())
    expected = [point_of(when, value) for when, value in check_in_points(saved)]
    assert len(expected) == 3
    assert page.chart.points() == [(p.x(), p.y()) for p in expected]
    assert page.chart.isVisibleTo(page)


def test_the_chart_saves_as_a_picture_and_the_export_warns_first(
    qtbot: QtBot,
    app: AppController,
    fake_clock: FakeClock,
    prompts: type[Prompts],
    tmp_path: Path,
) -> None:
    sign_in(qtbot, app, "Ann")
    write_a_reflection(qtbot, app, fake_clock)
    page = reflections_page(app)
    picture = tmp_path / "chart.png"
    prompts.set_next_answers([str(picture)])
    assert page.save_chart()
    assert picture.read_bytes().startswith(b"\x89PNG")

    target = tmp_path / "mine.txt"
    prompts.set_next_answers([False])  # the warning, declined: nothing is written
    assert not page.export()
    assert not target.exists()
    warning = prompts.asked[-1]
    assert warning.kind == "confirm" and "not be sealed" in warning.title
    assert "anyone who can open it can read" in warning.text

    prompts.set_next_answers([True, str(target)])
    assert page.export()
    text = target.read_text(encoding="utf-8")
    assert SECRET in text and "NOT sealed" in text
    assert "After the call" in text
    assert target.stat().st_mode & 0o077 == 0


# -- nobody else ---------------------------------------------------------------------------------


def test_no_other_account_sees_it_on_any_screen(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock
) -> None:
    sign_in(qtbot, app, "Ann")
    write_a_reflection(qtbot, app, fake_clock)
    assert SECRET in screen_texts(app.window)  # the check can see it, where it belongs
    press(qtbot, Qt.Key.Key_L, CTRL)
    wait_idle(qtbot, app.runner)
    for name, passphrase in (("Alex", UI_PASSPHRASE), ("Lee", PASS["Lee"])):
        unlock_as(qtbot, app, name, passphrase)
        qtbot.waitUntil(lambda: app.is_unlocked)
        wait_idle(qtbot, app.runner)
        workspace = app.window.workspace
        assert workspace is not None
        for key in workspace.pages:
            workspace.show_page(key)
            wait_idle(qtbot, app.runner)
            assert SECRET not in screen_texts(app.window), (name, key)
        assert ask(qtbot, app, lambda s: s.debriefs.mine()) == []
        page = reflections_page(app)
        assert page.list.count() == 1 and page.selected() is None  # "No reflections yet"
        press(qtbot, Qt.Key.Key_L, CTRL)
        wait_idle(qtbot, app.runner)


def test_a_reset_says_how_many_first_and_leaves_none_behind(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock, prompts: type[Prompts]
) -> None:
    from ui.screens.team import TeamPage

    sign_in(qtbot, app, "Ann")
    write_a_reflection(qtbot, app, fake_clock)
    ann_uuid = app.backend.account.uuid  # type: ignore[union-attr]
    press(qtbot, Qt.Key.Key_L, CTRL)
    wait_idle(qtbot, app.runner)
    unlock_as(qtbot, app, "Alex", UI_PASSPHRASE)
    qtbot.waitUntil(lambda: app.is_unlocked)
    wait_idle(qtbot, app.runner)
    team = page_of(app, "team")
    assert isinstance(team, TeamPage)
    app.window.workspace.show_page("team")  # type: ignore[union-attr]
    wait_idle(qtbot, app.runner)
    assert team.select_account(ann_uuid)
    prompts.set_next_answers([False])  # see what it says, change nothing
    team.reset_passphrase()
    wait_idle(qtbot, app.runner)
    said = prompts.asked[-1]
    assert said.kind == "confirm"
    assert "Ann's 1 private reflection" in said.text and "will be deleted" in said.text
    new = "Ann starts again by the river"
    reset_by_coordinator(app, ann_uuid, new)
    press(qtbot, Qt.Key.Key_L, CTRL)
    wait_idle(qtbot, app.runner)
    unlock_as(qtbot, app, "Ann", new)
    qtbot.waitUntil(lambda: app.is_unlocked)
    wait_idle(qtbot, app.runner)
    assert ask(qtbot, app, lambda s: s.debriefs.mine()) == []
    assert ask(qtbot, app, lambda s: s.team.personal_records(ann_uuid).reflections) == 0


def reset_by_coordinator(app: AppController, account_uuid: str, passphrase: str) -> None:
    """The reset itself, as the Team page's dialog does it (that dialog is tested apart)."""
    assert app.backend is not None
    box: list[int] = []
    app.backend.run(lambda s: s.team.reset_passphrase(account_uuid, passphrase), box.append)
    deadline = datetime.now().timestamp() + 10
    while not box and datetime.now().timestamp() < deadline:
        QApplication.processEvents()
    assert box == [1]  # one private reflection lost, as the screen said


# -- a word with the lead -----------------------------------------------------------------------


def test_the_lead_sees_a_request_for_a_word_without_any_content(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock
) -> None:
    on_shift = sign_in(qtbot, app, "Ann")
    lee = ask(qtbot, app, lambda s: next(a for a in s.team.accounts() if a.display_name == "Lee"))
    on_shift.partner_combo.setCurrentIndex(on_shift.partner_combo.findData(lee.uuid))
    on_shift.lead_combo.setCurrentIndex(on_shift.lead_combo.findData(lee.uuid))
    on_shift.start_button.click()
    wait_idle(qtbot, app.runner)

    call_page = log_call(qtbot, app, fake_clock)
    qtbot.waitUntil(lambda: call_page.invite.isVisible())
    call_page.invite.take_button.click()
    page = reflections_page(app)
    form = page.form
    qtbot.waitUntil(lambda: form.is_open)
    form.feeling_edit.setText(f"shaken, {SECRET}")
    assert not form.tell_lead_button.isVisibleTo(form)
    form.need_buttons["lead"].click()
    assert form.tell_lead_button.isVisibleTo(form)
    assert "Lee" in form.lead_note.text() and "never anything you write" in form.lead_note.text()
    form.tell_lead_button.click()
    wait_idle(qtbot, app.runner)
    assert "knows you would like a word" in form.lead_note.text()
    form.save_button.click()
    wait_idle(qtbot, app.runner)
    press(qtbot, Qt.Key.Key_L, CTRL)
    wait_idle(qtbot, app.runner)

    lead_page = sign_in(qtbot, app, "Lee")
    qtbot.waitUntil(lambda: lead_page.words.isVisible())
    text = lead_page.words_text.text()
    assert "Ann would like a word with you (asked at" in text
    assert SECRET not in screen_texts(app.window)
    requests = ask(qtbot, app, lambda s: s.word_requests.waiting_for_me())
    assert len(requests) == 1 and requests[0].asked_by != ""
    lead_page.had_word_button.click()
    wait_idle(qtbot, app.runner)
    qtbot.waitUntil(lambda: not lead_page.words.isVisible())


def test_with_no_one_else_leading_there_is_no_one_to_tell(
    qtbot: QtBot, app: AppController, fake_clock: FakeClock
) -> None:
    sign_in(qtbot, app, "Ann")
    call_page = log_call(qtbot, app, fake_clock)
    qtbot.waitUntil(lambda: call_page.invite.isVisible())
    call_page.invite.take_button.click()
    form = reflections_page(app).form
    qtbot.waitUntil(lambda: form.is_open)
    form.need_buttons["lead"].click()
    assert not form.tell_lead_button.isVisibleTo(form)
    assert "Nobody else is leading" in form.lead_note.text()


def test_the_team_default_is_saved_by_a_coordinator(
    qtbot: QtBot, app: AppController, line: Path
) -> None:
    from ui.screens.settings import SettingsPage

    sign_in_anywhere(qtbot, app, "Alex")
    settings = page_of(app, "settings")
    assert isinstance(settings, SettingsPage)
    app.window.workspace.show_page("settings")  # type: ignore[union-attr]
    wait_idle(qtbot, app.runner)
    combo = settings.team_debrief_combo
    assert combo.isEnabled() and combo.currentData() == "ask"
    combo.setCurrentIndex(combo.findData("never"))
    settings.save_team()
    wait_idle(qtbot, app.runner)
    assert ask(qtbot, app, lambda s: s.settings.get("debrief_default")) == "never"


def test_a_volunteer_cannot_change_the_team_default(qtbot: QtBot, app: AppController) -> None:
    sign_in(qtbot, app, "Ann")
    settings = page_of(app, "settings")
    assert not settings.team_debrief_combo.isEnabled()
