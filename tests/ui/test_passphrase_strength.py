"""The shared strength meter and the new-passphrase fields built on it."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot

from ui.widgets.new_passphrase import NewPassphraseFields
from ui.widgets.passphrase_strength import MAX_CHECKED, PassphraseStrength


def make(qtbot: QtBot) -> PassphraseStrength:
    widget = PassphraseStrength()
    qtbot.addWidget(widget)
    return widget


def test_common_password_scores_low_with_advice(qtbot: QtBot) -> None:
    widget = make(qtbot)
    widget.set_passphrase("password1")
    assert widget.score <= 1
    assert widget.advice_text()  # zxcvbn's warning or suggestions, in words
    assert "easy to guess" in widget.verdict_text().lower()


def test_long_random_ish_phrase_scores_high(qtbot: QtBot) -> None:
    widget = make(qtbot)
    widget.set_passphrase("tangerine kettle drifts over Wednesday hills")
    assert widget.score >= 3
    assert "Strong" in widget.verdict_text() or "Good" in widget.verdict_text()


def test_empty_scores_zero_and_invites_typing(qtbot: QtBot) -> None:
    widget = make(qtbot)
    widget.set_passphrase("tangerine kettle drifts over Wednesday hills")
    with qtbot.waitSignal(widget.score_changed) as blocker:
        widget.clear()
    assert blocker.args == [0]
    assert widget.score == 0
    assert widget.advice_text() == ""


def test_names_count_as_easy_to_guess(qtbot: QtBot) -> None:
    widget = make(qtbot)
    widget.set_passphrase("Riverside Warmline")
    unaware = widget.score
    widget.set_user_inputs(["Riverside", "Warmline"])
    assert widget.score < unaware


def test_long_input_is_cut_to_keep_typing_smooth(qtbot: QtBot) -> None:
    widget = make(qtbot)
    started = time.perf_counter()
    widget.set_passphrase("x" * (MAX_CHECKED * 50))  # zxcvbn alone refuses > 72 chars
    assert time.perf_counter() - started < 1.0
    assert 0 <= widget.score <= 4


def test_fields_report_match_and_clear(qtbot: QtBot) -> None:
    fields = NewPassphraseFields()
    qtbot.addWidget(fields)
    qtbot.keyClicks(fields.new_edit, "tangerine kettle")
    qtbot.keyClicks(fields.repeat_edit, "tangerine kettl")
    assert not fields.matches()
    qtbot.keyClicks(fields.repeat_edit, "e")
    assert fields.matches()
    assert fields.strength.score > 0
    fields.clear()
    assert fields.passphrase() == ""
    assert fields.strength.score == 0
