"""LensTextEdit: the language lens in a note field — flags, tooltips, quotes, never blocks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets.lens_edit import LensTextEdit, hit_tooltip
from ui.widgets.lens_highlighter import code_point_index, spans_by_block, utf16_length
from warmline.language import LanguageLens, suggestion_text


@pytest.fixture
def edit(qtbot: QtBot) -> Iterator[LensTextEdit]:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    field = LensTextEdit(holder, placeholder="Robin laughed when I said my kettle takes ages")
    field.setObjectName("note")
    after = QLineEdit(holder)
    after.setObjectName("after")
    layout.addWidget(field)
    layout.addWidget(after)
    qtbot.addWidget(holder)
    holder.resize(600, 300)
    holder.show()
    qtbot.waitExposed(holder)
    yield field


def type_and_scan(qtbot: QtBot, edit: LensTextEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    qtbot.waitUntil(lambda: not edit.scan_pending(), timeout=2000)


def underlines(edit: LensTextEdit, block_number: int) -> list[tuple[int, int, QColor]]:
    """(start, length, colour) of the wavy underlines the highlighter drew in a block."""
    block = edit.document().findBlockByNumber(block_number)
    return [
        (r.start, r.length, r.format.underlineColor())
        for r in block.layout().formats()
        if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    ]


def test_flags_suffers_from_and_reports_hits(qtbot: QtBot, edit: LensTextEdit) -> None:
    with qtbot.waitSignal(edit.lens_hits_changed, timeout=2000) as blocker:
        edit.setFocus()
        qtbot.keyClicks(edit, "She suffers from bad nights")
    hits = blocker.args[0]
    assert [h.phrase for h in hits] == ["suffers from"]
    assert hits[0].start == 4
    assert edit.hits() == hits
    assert edit.toPlainText() == "She suffers from bad nights"  # never rewritten
    assert underlines(edit, 0) == [(4, len("suffers from"), edit.highlighter.underline_colour)]


def test_tooltip_text_is_the_suggestion_and_why(qtbot: QtBot, edit: LensTextEdit) -> None:
    type_and_scan(qtbot, edit, "He suffers from panic")
    hit = edit.hits()[0]
    expected = hit_tooltip(hit)
    assert expected.startswith(suggestion_text(hit))
    assert "is living with" in expected
    assert hit.why in expected

    cursor = QTextCursor(edit.document())
    cursor.setPosition(hit.start + 2)
    point = edit.cursorRect(cursor).center()
    assert edit.tooltip_at(point) == expected
    # Over plain words there is no tooltip.
    cursor.setPosition(1)
    assert edit.tooltip_at(edit.cursorRect(cursor).center()) == ""

    # A real tooltip event over the word shows the same text.
    cursor.setPosition(hit.start + 2)
    point = edit.cursorRect(cursor).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, edit.viewport().mapToGlobal(point))
    QApplication.sendEvent(edit.viewport(), event)
    assert QToolTip.text() == expected
    QToolTip.hideText()


def test_ignores_words_inside_quotation_marks(qtbot: QtBot, edit: LensTextEdit) -> None:
    type_and_scan(qtbot, edit, 'She said "I suffer from nerves" and laughed')
    assert edit.hits() == []
    assert underlines(edit, 0) == []


def test_quote_across_lines_is_scanned_as_a_whole(qtbot: QtBot, edit: LensTextEdit) -> None:
    edit.setPlainText('He told me "my family says I\nsuffer from it" and we talked')
    edit.rescan_now()
    assert edit.hits() == []  # a per-line scan would have flagged line two


def test_phrase_wrapped_over_two_lines_is_underlined_in_both(
    qtbot: QtBot, edit: LensTextEdit
) -> None:
    edit.setPlainText("She suffers\nfrom the cold")
    edit.rescan_now()
    assert [h.phrase for h in edit.hits()] == ["suffers\nfrom"]
    colour = edit.highlighter.underline_colour
    assert underlines(edit, 0) == [(4, len("suffers"), colour)]
    assert underlines(edit, 1) == [(0, len("from"), colour)]


def test_scan_is_debounced(qtbot: QtBot, edit: LensTextEdit) -> None:
    edit.setFocus()
    qtbot.keyClicks(edit, "She is unmotivated")
    assert edit.scan_pending()
    assert edit.hits() == []  # not yet: the scan waits for a pause in typing
    with qtbot.waitSignal(edit.lens_hits_changed, timeout=2000):
        pass
    assert [h.phrase for h in edit.hits()] == ["unmotivated"]


def test_stale_underline_is_not_drawn_after_an_edit(qtbot: QtBot, edit: LensTextEdit) -> None:
    type_and_scan(qtbot, edit, "She is unmotivated")
    cursor = edit.textCursor()
    cursor.setPosition(7)
    cursor.insertText("not ")  # shifts the word; the scan has not run yet
    assert edit.scan_pending()
    assert underlines(edit, 0) == []
    qtbot.waitUntil(lambda: not edit.scan_pending())
    assert underlines(edit, 0) == [(11, len("unmotivated"), edit.highlighter.underline_colour)]


def test_hits_cleared_when_the_word_goes(qtbot: QtBot, edit: LensTextEdit) -> None:
    type_and_scan(qtbot, edit, "a relapse")
    assert edit.hits()
    with qtbot.waitSignal(edit.lens_hits_changed, timeout=2000) as blocker:
        edit.selectAll()
        qtbot.keyClicks(edit, "things got harder again")
    assert blocker.args[0] == []
    assert underlines(edit, 0) == []


def test_positions_after_an_emoji_use_qt_units(qtbot: QtBot, edit: LensTextEdit) -> None:
    edit.setPlainText("😀 she is unmotivated")
    edit.rescan_now()
    hit = edit.hits()[0]
    assert hit.start == 9  # code points
    assert underlines(edit, 0) == [(10, len("unmotivated"), edit.highlighter.underline_colour)]


def test_tab_moves_focus_and_types_nothing(qtbot: QtBot, edit: LensTextEdit) -> None:
    edit.setFocus()
    qtbot.keyClicks(edit, "hello")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.toPlainText() == "hello"
    assert QApplication.focusWidget() is not None
    assert QApplication.focusWidget().objectName() == "after"


def test_placeholder_is_the_example(edit: LensTextEdit) -> None:
    assert edit.placeholderText() == "Robin laughed when I said my kettle takes ages"


def test_underline_colour_follows_the_palette(qtbot: QtBot, edit: LensTextEdit) -> None:
    type_and_scan(qtbot, edit, "a relapse")
    palette = QPalette(edit.palette())
    palette.setColor(QPalette.ColorRole.Link, QColor("#AA3300"))
    edit.setPalette(palette)
    assert edit.highlighter.underline_colour == QColor("#AA3300")
    assert underlines(edit, 0)[0][2] == QColor("#AA3300")


def test_custom_lens_and_helpers() -> None:
    lens = LanguageLens(
        [{"id": "x", "phrases": ["foo bar"], "consider": ["baz"], "why": "Because."}]
    )
    text = "one foo\nbar two"
    hits = lens.scan(text)
    spans = spans_by_block(text, [0, 8], hits)
    assert [(s.start, s.end, s.expected) for s in spans[0]] == [(4, 7, "foo")]
    assert [(s.start, s.end, s.expected) for s in spans[1]] == [(0, 3, "bar")]
    assert utf16_length("😀a") == 3
    assert code_point_index("😀a", 2) == 1
    assert code_point_index("ab", 9) == 2


def test_hit_at_ignores_points_below_the_text(qtbot: QtBot, edit: LensTextEdit) -> None:
    type_and_scan(qtbot, edit, "a relapse")
    assert edit.hit_at(QPoint(5, edit.viewport().height() - 2)) is None


def test_input_methods_are_asked_not_to_learn_or_predict(edit: LensTextEdit) -> None:
    hints = edit.inputMethodHints()
    assert hints & Qt.InputMethodHint.ImhSensitiveData
    assert hints & Qt.InputMethodHint.ImhNoPredictiveText
    # The form's own line fields use the same helper.
    from ui.widgets.lens_edit import keep_input_private

    line = QLineEdit()
    keep_input_private(line)
    assert line.inputMethodHints() == edit.inputMethodHints() & (
        Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
    )
