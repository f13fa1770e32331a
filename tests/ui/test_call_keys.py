"""The Call page from the keyboard: where focus lands, what scrolls into view, clean mnemonics,
no empty drafts, input-method hints, and a usable page at 200 % text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.call_page import child, form_of, in_view, make_call_page, press, section
from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.main_window import MainWindow
from ui.prompts import Prompts
from ui.screens.call import CallPage
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme
from warmline.drafts import Draft
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


def scroll_of(page: QWidget) -> QScrollArea:
    area = page.findChild(QScrollArea, "call-scroll")
    assert area is not None
    return area


def test_ctrl_n_puts_focus_on_the_caller_choice(qtbot: QtBot, make_page: PageFactory) -> None:
    page = make_page()
    page.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert form_of(page).timer.running
    # The checked kind of caller: arrows or W/O/R choose, Tab goes on to the alias.
    assert QApplication.focusWidget() is child(page, QRadioButton, "caller-anonymous")


def test_start_button_also_hands_focus_to_the_caller_choice(
    qtbot: QtBot, make_page: PageFactory
) -> None:
    page = make_page()
    start = child(page, QAbstractButton, "call-start")
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_Space)
    assert QApplication.focusWidget() is child(page, QRadioButton, "caller-anonymous")


def test_saving_scrolls_back_to_the_top(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page(size=(900, 560))
    area = scroll_of(page)
    follow_up = child(page, QLineEdit, "call-follow-up")
    follow_up.setFocus()
    qtbot.keyClicks(follow_up, "Ring the library about the reading group")
    assert area.verticalScrollBar().value() > 0
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, runner)
    assert session.calls.count() == 1
    assert area.verticalScrollBar().value() == 0


def test_a_mnemonic_scrolls_its_control_into_view(qtbot: QtBot, make_page: PageFactory) -> None:
    page = make_page(size=(900, 560))
    area = scroll_of(page)
    child(page, QLineEdit, "call-follow-up").setFocus()
    regular = child(page, QRadioButton, "caller-regular")
    assert not in_view(area, regular)
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(regular.isChecked)  # a mnemonic clicks after a short flash
    assert in_view(area, regular)


def test_tab_into_a_field_below_the_fold_scrolls_it_into_view(
    qtbot: QtBot, make_page: PageFactory
) -> None:
    page = make_page(size=(900, 560))
    area = scroll_of(page)
    section(page, "moving_towards").setFocus()
    press(qtbot, Qt.Key.Key_Tab)  # on to the topics list
    assert in_view(area, QApplication.focusWidget())


def _mnemonics(widgets: list[QWidget]) -> list[str]:
    letters = []
    for widget in widgets:
        if isinstance(widget, QAbstractButton | QLabel):
            text = widget.text()
            if isinstance(widget, QLabel) and widget.buddy() is None:
                continue
            letters += [m.lower() for m in re.findall(r"&([^&\s])", text.replace("&&", ""))]
    return letters


def test_no_two_controls_share_a_mnemonic_with_the_page_or_the_menus(
    qtbot: QtBot, make_page: PageFactory
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    menus = [
        m.lower()
        for action in window.menuBar().actions()
        for m in re.findall(r"&([^&\s])", action.text())
    ]
    page = make_page()
    form = form_of(page)
    form.picker.set_caller("regular", "")  # the alias label only has a letter when shown
    letters = _mnemonics(page.findChildren(QWidget)) + menus
    clashes = sorted({letter for letter in letters if letters.count(letter) > 1})
    assert clashes == [], clashes


def test_note_editors_ask_input_methods_not_to_learn_or_predict(make_page: PageFactory) -> None:
    page = make_page()
    wanted = Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
    editors = [
        w
        for w in page.findChildren(QWidget)
        if isinstance(w, QLineEdit | QPlainTextEdit) and not w.objectName().startswith("qt_")
    ]
    names = {w.objectName() for w in editors}
    assert {"caller-alias", "call-resources", "call-follow-up", "section-connection"} <= names
    for editor in editors:
        assert editor.inputMethodHints() & wanted == wanted, editor.objectName()


def test_ctrl_n_with_nothing_typed_keeps_no_draft(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    page = make_page(autosave_interval_ms=60)
    form = form_of(page)
    page.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    for _ in range(3):  # let autosave tick a few times: none may write a draft
        with qtbot.waitSignal(form.drafts.timer.timeout, timeout=2000):
            pass
    assert not form.flush_draft()
    wait_idle(qtbot, runner)
    assert session.drafts.mine("call") == []
    # Something typed is worth keeping; emptied again, its draft goes.
    edit = section(page, "connection")
    edit.setFocus()
    with qtbot.waitSignal(form.draft_saved, timeout=3000):
        qtbot.keyClicks(edit, "Hello")
    wait_idle(qtbot, runner)
    assert len(session.drafts.mine("call")) == 1
    edit.clear()
    qtbot.waitUntil(lambda: session.drafts.mine("call") == [], timeout=3000)


def test_an_empty_draft_left_behind_is_dropped_not_offered(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner
) -> None:
    session.drafts.save(
        Draft(kind="call", fields={"version": 1, "started_at": "2026-11-23T18:35:00+00:00"})
    )
    page = make_page()
    wait_idle(qtbot, runner)
    assert not child(page, QWidget, "draft-banner").isVisible()
    assert session.drafts.mine("call") == []


@pytest.fixture
def big_text(qapp: QApplication) -> Iterator[None]:
    """200 % text, then the shared application back exactly as other tests expect it."""
    saved = (qapp.styleSheet(), qapp.font(), qapp.palette(), qapp.style().name())
    apply_theme(qapp, Theme.SYSTEM, 200)
    try:
        yield
    finally:
        apply_theme(qapp, Theme.SYSTEM, 100)
        qapp.setStyleSheet(saved[0])
        QApplication.setFont(saved[1])
        QApplication.setPalette(saved[2])
        QApplication.setStyle(saved[3])


def test_at_200_percent_the_card_and_hint_stay_in_reach(
    qtbot: QtBot, make_page: PageFactory, session: Session, runner: TaskRunner, big_text: None
) -> None:
    from warmline.callers import Caller

    session.callers.add(
        Caller(alias="Robin", calls_per_day=2, usual_minutes=20, agreement_notes="after tea")
    )
    page = make_page(size=(1000, 680))
    form = form_of(page)
    form.picker.set_caller("regular", "Robin")
    wait_idle(qtbot, runner)
    card = child(page, QWidget, "caller-card")
    hint = child(page, QWidget, "lens-hint")
    # The page never grows past the window: the note and the side column scroll on their own,
    # and the bar's buttons and times wrap instead of widening it.
    form.open_banner.show_editing("Mon 23 Nov 2026, 18:35")
    form.bar.past_toggle.setChecked(True)
    assert form.minimumSizeHint().height() <= page.height()
    assert form.minimumSizeHint().width() <= page.width()
    side = page.findChild(QScrollArea, "call-side-scroll")
    assert side is not None
    assert in_view(side, card)
    # Writing a flagged word brings the hint into view beside the note.
    edit = section(page, "worldview")
    edit.setFocus()
    qtbot.keyClicks(edit, "She is a schizophrenic")
    edit.rescan_now()
    qtbot.waitUntil(lambda: in_view(side, hint), timeout=2000)
    # Nothing is squeezed: the side column is wide enough for a few words a line.
    assert side.width() >= hint.fontMetrics().averageCharWidth() * 18


@pytest.mark.parametrize("field", ["call-resources", "call-follow-up"])
def test_ctrl_e_and_ctrl_s_work_from_a_one_line_field(
    qtbot: QtBot, make_page: PageFactory, field: str
) -> None:
    """On Linux a one-line field takes Ctrl+E for "end of line"; the call's key must win."""
    from PySide6.QtWidgets import QLineEdit

    page = make_page()
    page.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    edit = child(page, QLineEdit, field)
    edit.setFocus()
    qtbot.keyClicks(edit, "a leaflet")
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not form_of(page).timer.running
    # The offscreen platform binds nothing to Ctrl+E, so also check that the field hands
    # the call's keys on: a ShortcutOverride for Ctrl+E is not taken by the field.
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    override = QKeyEvent(
        QEvent.Type.ShortcutOverride, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
    )
    form = form_of(page)
    assert form._call_keys.eventFilter(edit, override)  # consumed, for the window's shortcut
    assert not override.isAccepted()


def test_after_ending_a_call_saving_is_the_main_button(
    qtbot: QtBot, make_page: PageFactory
) -> None:
    """A blue "Start call" beside a finished, unsaved note invited starting over."""
    from PySide6.QtWidgets import QPushButton

    page = make_page()
    start = child(page, QPushButton, "call-start")
    save = child(page, QPushButton, "call-save")
    assert start.property("role") == "primary" and save.property("role") != "primary"
    page.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert save.property("role") == "primary" and start.property("role") != "primary"


def test_a_call_started_by_mistake_can_be_thrown_away(
    qtbot: QtBot, make_page: PageFactory, prompts: type[Prompts], backend: Backend,
    runner: TaskRunner,
) -> None:  # fmt: skip
    from PySide6.QtWidgets import QPushButton

    page = make_page()
    discard = child(page, QPushButton, "call-discard")
    assert discard.isHidden()
    page.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "oops, wrong line")
    form = form_of(page)
    form.drafts.write()
    wait_idle(qtbot, runner)
    assert discard.isVisible()
    prompts.set_next_answers([False])
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    assert form.timer.running  # kept
    prompts.set_next_answers([True])
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert not form.timer.started and form.is_blank()
    assert discard.isHidden()
    left: list[object] = []
    backend.run(lambda s: s.drafts.mine("call"), left.append)
    wait_idle(qtbot, runner)
    assert left == [[]]  # not even a draft is kept
