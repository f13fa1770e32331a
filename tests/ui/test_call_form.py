"""The Call page: keyboard-only logging, the regular's card, the lens, drafts and conflicts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.call_page import child, form_of, label_text, make_call_page, press, section
from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.clock import FakeClock
from ui.prompts import Prompts
from ui.screens.call import CallPage
from ui.tasks import TaskRunner
from ui.widgets.call_form import CallForm
from ui.widgets.call_lookups import local_midnight_utc
from ui.widgets.call_timer import to_local_qdatetime
from ui.widgets.lens_edit import LensTextEdit, hit_tooltip
from warmline.callers import Caller
from warmline.calls import Call
from warmline.drafts import Draft
from warmline.errors import Conflict
from warmline.language import LanguageLens
from warmline.session import Session
from warmline.timeutil import to_iso
from warmline.vault import Vault

CONNECTION = "We laughed about slow kettles."
WORLDVIEW = "To Robin the noise feels like being pushed out."
MUTUALITY = "I told her about my own move."
MOVING = "Ask the neighbour round for tea."

PageFactory = Callable[..., CallPage]


@pytest.fixture
def session(ui_vault: tuple[Vault, Session]) -> Session:
    return ui_vault[1]


@pytest.fixture
def make_page(qtbot: QtBot, backend: Backend, runner: TaskRunner) -> Iterator[PageFactory]:
    """Build a shown, active Call page once the vault holds what the test needs."""

    def make(autosave_interval_ms: int = 60_000, page_backend: Backend | None = None) -> CallPage:
        return make_call_page(
            qtbot, page_backend or backend, runner, autosave_interval_ms=autosave_interval_ms
        )

    yield make
    # Let queued work finish before the vault closes under it (fixture teardown order).
    wait_idle(qtbot, runner)


def picked_uuid(form: CallForm) -> str | None:
    picked = form.picker.picked()
    return picked.uuid if picked is not None else None


def add_regular(session: Session, alias: str = "Robin", per_day: int | None = 3) -> Caller:
    return session.callers.add(Caller(alias=alias, calls_per_day=per_day, usual_minutes=20))


# ------------------------------------------------------------------------------------------
# Keyboard only
# ------------------------------------------------------------------------------------------


def test_keyboard_only_call_is_logged(
    qtbot: QtBot,
    make_page: PageFactory,
    session: Session,
    runner: TaskRunner,
    fake_clock: FakeClock,
) -> None:
    robin = add_regular(session)
    page = make_page()
    form = form_of(page)
    page.setFocus()

    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert form.timer.running
    assert form.timer.started_at == fake_clock.now()
    started = fake_clock.now()

    # Regular caller by mnemonic, then part of the alias and the completer.
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    regular = child(page, QRadioButton, "caller-regular")
    qtbot.waitUntil(lambda: regular.isChecked())
    press(qtbot, Qt.Key.Key_Tab)
    alias = child(page, QLineEdit, "caller-alias")
    assert QApplication.focusWidget() is alias
    qtbot.keyClicks(alias, "obi")
    popup = form.picker.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert alias.text() == "Robin"
    assert picked_uuid(form) == robin.uuid

    # Channel and kind of contact by first letter.
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is child(page, QComboBox, "call-channel")
    press(qtbot, Qt.Key.Key_T)
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is child(page, QComboBox, "call-contact-kind")
    press(qtbot, Qt.Key.Key_B)

    # The four sections, moving on with Tab.
    for task_id, text in (
        ("connection", CONNECTION),
        ("worldview", WORLDVIEW),
        ("mutuality", MUTUALITY),
        ("moving_towards", MOVING),
    ):
        press(qtbot, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is section(page, task_id)
        qtbot.keyClicks(QApplication.focusWidget(), text)

    fake_clock.advance(18 * 60 + 5)
    form.update_timer_display()
    assert label_text(page, "call-timer") == "18:05"
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not form.timer.running
    fake_clock.advance(30)  # writing up after the call does not count as call time

    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, runner)

    calls = session.calls.page()
    assert len(calls) == 1
    call = calls[0]
    assert call.caller_kind == "regular"
    assert call.caller_uuid == robin.uuid
    assert call.channel == "text"
    assert call.contact_kind == "check_in"
    assert (call.connection, call.worldview, call.mutuality, call.moving_towards) == (
        CONNECTION,
        WORLDVIEW,
        MUTUALITY,
        MOVING,
    )
    assert call.started_at == started
    assert call.duration_s == 18 * 60 + 5
    assert call.author_uuid == session.account.uuid
    # The form is clear for the next call, and no draft is left behind.
    assert section(page, "connection").toPlainText() == ""
    assert not form.timer.started
    assert label_text(page, "call-timer") == "00:00"
    assert session.drafts.mine("call") == []


def test_ctrl_digits_jump_to_sections(qtbot: QtBot, make_page: PageFactory) -> None:
    page = make_page()
    page.setFocus()
    for number, task_id in enumerate(
        ("connection", "worldview", "mutuality", "moving_towards"), start=1
    ):
        press(qtbot, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is section(page, task_id)


def test_sections_show_titles_prompts_and_examples(make_page: PageFactory) -> None:
    from warmline import ips

    page = make_page()
    for task in ips.tasks():
        edit = section(page, task.id)
        assert edit.placeholderText() == task.example
        assert edit.tabChangesFocus()
        assert label_text(page, f"section-{task.id}-title") == task.title
        assert label_text(page, f"section-{task.id}-prompt") == task.prompt


def test_timer_ticks_from_the_clock(
    qtbot: QtBot, make_page: PageFactory, fake_clock: FakeClock
) -> None:
    page = make_page()
    child(page, QPushButton, "call-start").click()
    assert not child(page, QPushButton, "call-start").isEnabled()
    assert child(page, QPushButton, "call-end").isEnabled()
    fake_clock.advance(65)
    qtbot.waitUntil(lambda: label_text(page, "call-timer") == "01:05", timeout=3000)
    child(page, QPushButton, "call-end").click()
    fake_clock.advance(100)
    form_of(page).update_timer_display()
    assert label_text(page, "call-timer") == "01:05"  # frozen once ended


def test_saving_while_running_asks_then_ends_the_call_first(
    qtbot: QtBot,
    make_page: PageFactory,
    session: Session,
    runner: TaskRunner,
    fake_clock: FakeClock,
) -> None:
    page = make_page()
    form = form_of(page)
    form.start_call()
    fake_clock.advance(90)
    section(page, "connection").setPlainText("Short one.")
    Prompts.set_next_answers([False])  # "Keep the call going"
    form.save()
    wait_idle(qtbot, runner)
    assert form.timer.running and session.calls.count() == 0
    assert Prompts.asked[-1].title == "The call is still going"
    Prompts.set_next_answers([True])  # "End and save"
    form.save()
    wait_idle(qtbot, runner)
    (call,) = session.calls.page()
    assert call.duration_s == 90
    assert call.ended_at == fake_clock.now()


# ------------------------------------------------------------------------------------------
# Callers
# ------------------------------------------------------------------------------------------


def test_regular_card_shows_agreement_calls_today_and_last_moving_towards(
    qtbot: QtBot,
    make_page: PageFactory,
    session: Session,
    runner: TaskRunner,
    fake_clock: FakeClock,
) -> None:
    robin = add_regular(session, per_day=2)
    now = fake_clock.now()
    midnight = local_midnight_utc(now)
    session.calls.add(
        Call(caller_uuid=robin.uuid, started_at=midnight - timedelta(hours=2), moving_towards="old")
    )
    session.calls.add(Call(caller_uuid=robin.uuid, started_at=now - timedelta(minutes=50)))
    session.calls.add(
        Call(
            caller_uuid=robin.uuid,
            started_at=now - timedelta(minutes=20),
            moving_towards="Asking the neighbour round for tea",
        )
    )
    page = make_page()
    form = form_of(page)
    card = child(page, QWidget, "caller-card")
    assert not card.isVisible()

    child(page, QRadioButton, "caller-regular").click()
    alias = child(page, QLineEdit, "caller-alias")
    alias.setFocus()
    qtbot.keyClicks(alias, "robin")  # any case
    wait_idle(qtbot, runner)

    assert card.isVisible()
    assert label_text(page, "caller-card-alias") == "Robin"
    assert "Up to 2 calls a day, about 20 minutes" in label_text(page, "caller-card-agreement")
    assert "already called 2 times today" in label_text(page, "caller-card-today")
    assert "Asking the neighbour round for tea" in label_text(page, "caller-card-last")
    # At the agreed number: said gently, and nothing is blocked.
    reached = label_text(page, "caller-card-reached")
    assert "up to 2 a day" in reached and "fine to talk" in reached
    assert child(page, QPushButton, "call-save").isEnabled()

    form.picker.set_caller("anonymous", "")
    assert not card.isVisible()


def test_partial_alias_picks_the_only_match_on_leaving_the_field(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    robin = add_regular(session, "Robin")
    add_regular(session, "Sam")
    page = make_page()
    form = form_of(page)
    child(page, QRadioButton, "caller-regular").click()
    alias = child(page, QLineEdit, "caller-alias")
    alias.setFocus()
    qtbot.keyClicks(alias, "rob")
    form.picker.completer.popup().hide()
    qtbot.keyClick(alias, Qt.Key.Key_Tab)
    assert alias.text() == "Robin"
    assert picked_uuid(form) == robin.uuid


def test_new_caller_with_alias_becomes_a_regular(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page()
    form = form_of(page)
    child(page, QRadioButton, "caller-new").click()
    alias = child(page, QLineEdit, "caller-alias")
    alias.setText("Kit")
    assert "remember them as “Kit”" in label_text(page, "caller-alias-hint")
    section(page, "connection").setPlainText("First time calling.")
    form.save()
    wait_idle(qtbot, runner)

    (kit,) = session.callers.all()
    assert kit.alias == "Kit"
    (call,) = session.calls.page()
    assert call.caller_kind == "new"
    assert call.caller_uuid == kit.uuid
    # The completer learns the new regular.
    assert "Kit" in form.picker.completer.model().stringList()


def test_anonymous_call_keeps_no_alias(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page()
    form = form_of(page)
    assert child(page, QRadioButton, "caller-anonymous").isChecked()
    assert not child(page, QLineEdit, "caller-alias").isVisible()
    section(page, "worldview").setPlainText("Just wanted to talk.")
    form.save()
    wait_idle(qtbot, runner)
    (call,) = session.calls.page()
    assert call.caller_kind == "anonymous" and call.caller_uuid is None
    assert session.callers.all() == []


# ------------------------------------------------------------------------------------------
# The lens in the form
# ------------------------------------------------------------------------------------------


def test_lens_flags_in_a_section_and_the_side_hint_suggests(
    qtbot: QtBot, make_page: PageFactory
) -> None:
    page = make_page()
    edit = section(page, "worldview")
    edit.setFocus()
    with qtbot.waitSignal(edit.lens_hits_changed, timeout=2000) as blocker:
        qtbot.keyClicks(edit, "She suffers from loud neighbours")
    hits = blocker.args[0]
    assert [h.phrase for h in hits] == ["suffers from"]
    hint = label_text(page, "lens-hint")
    assert "Just a suggestion" in hint
    assert "Consider “is living with”" in hint and "instead of “suffers from”" in hint

    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(edit.document())
    cursor.setPosition(hits[0].start + 3)
    assert edit.tooltip_at(edit.cursorRect(cursor).center()) == hit_tooltip(hits[0])

    # The caller's own words in quotation marks are left alone.
    with qtbot.waitSignal(edit.lens_hits_changed, timeout=2000) as blocker:
        edit.selectAll()
        qtbot.keyClicks(edit, 'She said "I suffer from loud neighbours"')
    assert blocker.args[0] == []
    assert "Just a suggestion" not in label_text(page, "lens-hint")


def test_hint_follows_the_focused_section(qtbot: QtBot, make_page: PageFactory) -> None:
    page = make_page()
    first, second = section(page, "connection"), section(page, "mutuality")
    first.setFocus()
    first.setPlainText("a relapse")
    first.rescan_now()
    assert "relapse" in label_text(page, "lens-hint")
    second.setFocus()
    qtbot.waitUntil(lambda: "relapse" not in label_text(page, "lens-hint"))


def test_lens_never_blocks_saving(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page()
    section(page, "connection").setPlainText("He is a frequent flyer")
    form_of(page).save()
    wait_idle(qtbot, runner)
    assert session.calls.page()[0].connection == "He is a frequent flyer"


def test_the_forms_own_wording_passes_the_lens(make_page: PageFactory) -> None:
    page = make_page()
    lens = LanguageLens.default()
    texts = [w.text() for w in page.findChildren(QLabel)]
    texts += [w.text() for w in page.findChildren(QAbstractButton)]
    texts += [w.toolTip() for w in page.findChildren(QWidget)]
    texts += [w.accessibleName() for w in page.findChildren(QWidget)]
    flagged = [(t, [h.phrase for h in lens.scan(t)]) for t in texts if lens.scan(t)]
    assert flagged == []


# ------------------------------------------------------------------------------------------
# Other fields
# ------------------------------------------------------------------------------------------


def test_topics_resources_crisis_and_follow_up_are_saved(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page()
    topics = child(page, QListWidget, "call-topics")
    assert topics.count() == len(session.settings.topics())
    connected = child(page, QCheckBox, "call-crisis-connected")
    assert not connected.isEnabled()
    child(page, QCheckBox, "call-crisis-offered").setChecked(True)
    assert connected.isEnabled()
    connected.setChecked(True)
    # Ticking a topic from the keyboard: focus the list, move, Space.
    topics.setFocus()
    topics.setCurrentRow(1)
    qtbot.keyClick(topics, Qt.Key.Key_Space)
    assert topics.item(1).checkState() == Qt.CheckState.Checked
    child(page, QLineEdit, "call-resources").setText("Peer group on Tuesdays")
    child(page, QLineEdit, "call-follow-up").setText("Robin may ring on Thursday")
    form_of(page).save()
    wait_idle(qtbot, runner)
    (call,) = session.calls.page()
    assert call.topics == [topics.item(1).text()]
    assert call.resources_shared == "Peer group on Tuesdays"
    assert call.crisis_offered and call.crisis_connected
    assert call.follow_up == "Robin may ring on Thursday"


def test_connected_is_cleared_when_offered_is_unticked(make_page: PageFactory) -> None:
    page = make_page()
    offered = child(page, QCheckBox, "call-crisis-offered")
    connected = child(page, QCheckBox, "call-crisis-connected")
    offered.setChecked(True)
    connected.setChecked(True)
    offered.setChecked(False)
    assert not connected.isChecked() and not connected.isEnabled()


def test_topics_follow_the_settings_and_keep_ticks(
    qtbot: QtBot, make_page: PageFactory, session: Session, backend: Backend, runner: TaskRunner
) -> None:
    session.settings.set_topics(["Sleep", "Housing"])
    page = make_page()
    topics = child(page, QListWidget, "call-topics")
    topics.item(0).setCheckState(Qt.CheckState.Checked)
    session.settings.set_topics(["Housing", "Pets"])
    backend.changed("settings")
    wait_idle(qtbot, runner)
    names = [topics.item(i).text() for i in range(topics.count())]
    assert names[:2] == ["Housing", "Pets"]
    assert "Sleep" in names  # still ticked on this call, so kept
    assert form_of(page).fields()["topics"] == ["Sleep"]


def test_past_call_is_logged_with_typed_times(
    qtbot: QtBot,
    make_page: PageFactory,
    session: Session,
    runner: TaskRunner,
    fake_clock: FakeClock,
) -> None:
    page = make_page()
    form = form_of(page)
    child(page, QCheckBox, "call-past").setChecked(True)
    assert child(page, QWidget, "call-past-row").isVisible()
    start = child(page, QWidget, "call-past-start")
    end = child(page, QWidget, "call-past-end")
    start.setDateTime(QDateTime(QDate(2025, 1, 5), QTime(23, 40)))
    end.setTime(QTime(0, 15))  # after midnight
    assert label_text(page, "call-timer") == "35:00"
    section(page, "connection").setPlainText("Late call.")
    form.save()
    wait_idle(qtbot, runner)
    (call,) = session.calls.page()
    assert call.started_at is not None
    assert to_local_qdatetime(call.started_at) == QDateTime(QDate(2025, 1, 5), QTime(23, 40))
    assert call.duration_s == 35 * 60


# ------------------------------------------------------------------------------------------
# Drafts
# ------------------------------------------------------------------------------------------


def test_autosave_writes_a_draft_after_the_interval(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page(autosave_interval_ms=80)
    form = form_of(page)
    edit = section(page, "mutuality")
    edit.setFocus()
    with qtbot.waitSignal(form.draft_saved, timeout=3000):
        qtbot.keyClicks(edit, "We both learned something")
    wait_idle(qtbot, runner)
    (draft,) = session.drafts.mine("call")
    assert draft.fields["mutuality"] == "We both learned something"
    assert "Note kept safe" in label_text(page, "draft-status")
    # Nothing changed: no more writes.
    with qtbot.assertNotEmitted(form.draft_saved, wait=300):
        pass
    # A change is written on the next tick, to the same draft.
    with qtbot.waitSignal(form.draft_saved, timeout=3000):
        qtbot.keyClicks(edit, " together")
    wait_idle(qtbot, runner)
    (draft,) = session.drafts.mine("call")
    assert draft.fields["mutuality"] == "We both learned something together"


def test_restored_draft_refills_the_form_and_keeps_the_running_call(
    qtbot: QtBot,
    make_page: PageFactory,
    session: Session,
    runner: TaskRunner,
    fake_clock: FakeClock,
    backend: Backend,
) -> None:
    robin = add_regular(session)
    # A draft as the form writes it: take a real form's fields and adjust them.
    scratch = make_page()
    fields = form_of(scratch).fields()
    scratch.close()
    started = fake_clock.now() - timedelta(minutes=5)
    fields.update(
        started_at=to_iso(started),
        caller_kind="regular",
        alias="Robin",
        connection="We found each other over kettles",
        channel="chat",
        topics=["Sleep"],
        follow_up="Ring back Thursday",
    )
    session.drafts.save(Draft(kind="call", fields=fields))

    page = make_page()
    form = form_of(page)
    banner = child(page, QWidget, "draft-banner")
    assert banner.isVisible()
    assert "You have an unfinished note from" in label_text(page, "draft-banner-text")
    child(page, QPushButton, "draft-restore").click()
    wait_idle(qtbot, runner)

    assert not banner.isVisible()
    assert section(page, "connection").toPlainText() == "We found each other over kettles"
    assert child(page, QComboBox, "call-channel").currentData() == "chat"
    assert form.fields()["topics"] == ["Sleep"]
    assert child(page, QLineEdit, "call-follow-up").text() == "Ring back Thursday"
    assert picked_uuid(form) == robin.uuid
    assert form.timer.running and form.timer.started_at == started
    form.update_timer_display()
    assert label_text(page, "call-timer") == "05:00"

    # Saving discards the restored draft.
    Prompts.set_next_answers([True])  # the call is still running: end it and save
    form.save()
    wait_idle(qtbot, runner)
    assert session.drafts.mine("call") == []
    assert session.calls.page()[0].started_at == started


def test_fields_round_trip(make_page: PageFactory, session: Session, qtbot: QtBot) -> None:
    add_regular(session)
    page = make_page()
    form = form_of(page)
    form.start_call()
    form.picker.set_caller("regular", "Robin")
    for task_id in form.sections:
        section(page, task_id).setPlainText(f"text for {task_id}")
    child(page, QCheckBox, "call-crisis-offered").setChecked(True)
    before = form.fields()
    form.clear()
    assert form.fields() != before
    form.load_fields(before)
    assert form.fields() == before


def test_discard_from_the_banner_asks_first(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    session.drafts.save(Draft(kind="call", fields={"connection": "left over"}))
    page = make_page()
    discard = child(page, QPushButton, "draft-discard")
    Prompts.set_next_answers([False])
    discard.click()
    assert Prompts.asked[-1].kind == "confirm"
    assert len(session.drafts.mine("call")) == 1
    Prompts.set_next_answers([True])
    discard.click()
    wait_idle(qtbot, runner)
    assert session.drafts.mine("call") == []
    assert not child(page, QWidget, "draft-banner").isVisible()
    assert section(page, "connection").toPlainText() == ""


def test_starting_a_new_call_parks_the_unsaved_one(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page()
    form = form_of(page)
    form.start_call()
    section(page, "connection").setPlainText("The first caller")
    form.end_call()
    form.start_call()  # someone else is on the line already
    wait_idle(qtbot, runner)
    assert form.timer.running
    assert section(page, "connection").toPlainText() == ""
    (parked,) = session.drafts.mine("call")
    assert parked.fields["connection"] == "The first caller"
    assert child(page, QWidget, "draft-banner").isVisible()


def test_flush_draft_queues_a_write_at_once(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page()
    assert page.flush_draft() is False  # nothing to keep
    section(page, "worldview").setPlainText("Words typed just before the lock")
    assert page.flush_draft() is True
    wait_idle(qtbot, runner)
    (draft,) = session.drafts.mine("call")
    assert draft.fields["worldview"] == "Words typed just before the lock"
    assert page.flush_draft() is False  # already written


def test_emptying_the_note_drops_its_draft(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page()
    edit = section(page, "worldview")
    edit.setPlainText("x")
    page.flush_draft()
    wait_idle(qtbot, runner)
    assert len(session.drafts.mine("call")) == 1
    edit.clear()
    page.flush_draft()
    wait_idle(qtbot, runner)
    assert session.drafts.mine("call") == []


# ------------------------------------------------------------------------------------------
# Editing saved calls
# ------------------------------------------------------------------------------------------


def test_open_call_edits_and_keeps_history(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    saved = session.calls.add(
        Call(connection="First words", channel="text", topics=["Sleep", "Old topic"])
    )
    page = make_page()
    form = form_of(page)
    page.open_call(saved.uuid)
    wait_idle(qtbot, runner)
    assert form.editing is not None and form.editing.uuid == saved.uuid
    assert child(page, QWidget, "edit-banner").isVisible()
    assert section(page, "connection").toPlainText() == "First words"
    assert form.fields()["topics"] == ["Sleep", "Old topic"]
    child(page, QPushButton, "call-edit").click()
    assert not child(page, QPushButton, "call-start").isEnabled()

    section(page, "connection").setPlainText("First words, and more")
    form.save()
    wait_idle(qtbot, runner)
    current = session.calls.get(saved.uuid)
    assert current.connection == "First words, and more"
    assert current.revision == 2
    assert current.started_at == saved.started_at  # untouched times are kept exactly
    assert current.channel == "text"
    assert [c.connection for c in session.calls.history(saved.uuid)] == ["First words"]
    assert len(session.calls.page()) == 1
    assert form.editing is None


def test_conflicting_edit_warns_and_keeps_the_text(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    saved = session.calls.add(Call(worldview="Original"))
    page = make_page()
    form = form_of(page)
    page.open_call(saved.uuid)
    wait_idle(qtbot, runner)
    form.begin_editing()

    behind_its_back = session.calls.get(saved.uuid)
    behind_its_back.worldview = "Someone else's change"
    session.calls.update(behind_its_back)

    section(page, "worldview").setPlainText("My careful rewrite")
    section(page, "worldview").setFocus()
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, runner)

    warnings = [a for a in Prompts.asked if a.kind == "warn"]
    assert warnings and warnings[-1].text == str(Conflict())
    assert section(page, "worldview").toPlainText() == "My careful rewrite"
    assert form.editing is not None and form.editing.uuid == saved.uuid
    assert child(page, QWidget, "call-form-content").isEnabled()
    assert session.calls.get(saved.uuid).worldview == "Someone else's change"


def test_opening_a_call_over_a_note_parks_the_note(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    saved = session.calls.add(Call(connection="Saved before"))
    page = make_page()
    section(page, "connection").setPlainText("Half-written note")
    Prompts.set_next_answers([True])
    page.open_call(saved.uuid)
    wait_idle(qtbot, runner)
    assert section(page, "connection").toPlainText() == "Saved before"
    (parked,) = session.drafts.mine("call")
    assert parked.fields["connection"] == "Half-written note"


def test_stop_editing_asks_when_changed(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    saved = session.calls.add(Call(connection="Saved"))
    page = make_page()
    form = form_of(page)
    page.open_call(saved.uuid)
    wait_idle(qtbot, runner)
    form.begin_editing()
    section(page, "connection").setPlainText("Changed")
    Prompts.set_next_answers([False])
    child(page, QPushButton, "edit-stop").click()
    assert form.editing is not None
    Prompts.set_next_answers([True])
    child(page, QPushButton, "edit-stop").click()
    wait_idle(qtbot, runner)
    assert form.editing is None
    assert section(page, "connection").toPlainText() == ""
    assert session.calls.get(saved.uuid).connection == "Saved"


# ------------------------------------------------------------------------------------------
# The page
# ------------------------------------------------------------------------------------------


def test_page_is_for_everyone(volunteer_backend: Backend) -> None:
    assert CallPage.key == "call"
    assert CallPage.title == "Log a call"
    assert CallPage.available_to(volunteer_backend)


def test_every_control_has_a_name(make_page: PageFactory) -> None:
    page = make_page()
    for widget in page.findChildren(QWidget):
        if widget.objectName().startswith("qt_"):
            continue  # Qt's own parts of a compound widget (the line edit in a date edit)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and isinstance(
            widget, (QAbstractButton, QLineEdit, QComboBox, LensTextEdit, QListWidget)
        ):
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()


def test_saving_an_untouched_form_logs_nothing(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page()
    form = form_of(page)
    form.save()
    wait_idle(qtbot, runner)
    assert session.calls.page() == []
    assert "Nothing to save yet" in label_text(page, "draft-status")
    # A hang-up with no notes is still a contact worth logging.
    combo = child(page, QComboBox, "call-contact-kind")
    combo.setCurrentIndex(combo.findData("hang_up"))
    form.save()
    wait_idle(qtbot, runner)
    assert [c.contact_kind for c in session.calls.page()] == ["hang_up"]


def test_fields_grow_with_the_text_size(make_page: PageFactory) -> None:
    page = make_page()
    edit = section(page, "connection")
    before = edit.minimumHeight()
    font = page.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    page.setFont(font)
    assert edit.minimumHeight() > before * 1.6
    # Nothing forces a sideways scroll at 200% in an ordinary window: it all wraps.
    content = child(page, QWidget, "call-form-content")
    assert content.minimumSizeHint().width() <= 760


def test_an_unknown_alias_for_a_regular_asks_before_making_a_new_one(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    add_regular(session)  # Robin
    page = make_page()
    form = form_of(page)
    child(page, QRadioButton, "caller-regular").setChecked(True)
    qtbot.keyClicks(child(page, QLineEdit, "caller-alias"), "Rob")  # stopped typing early
    section(page, "connection").setPlainText("We talked about the weather.")
    Prompts.set_next_answers([False])  # "Go back"
    form.save()
    wait_idle(qtbot, runner)
    assert "Rob" in Prompts.asked[-1].title
    assert session.calls.count() == 0 and len(session.callers.all()) == 1
    Prompts.set_next_answers([True])  # "Add a new regular"
    form.save()
    wait_idle(qtbot, runner)
    assert session.calls.count() == 1
    assert sorted(c.alias for c in session.callers.all()) == ["Rob", "Robin"]
