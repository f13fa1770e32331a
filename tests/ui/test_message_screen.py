"""The full-window message (could not open, not the demo line) shows all of its text."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow

LONG = (
    "The folder /tmp/somewhere/quite/long/line holds a real line, so Warmline did not open it "
    "as a demo. Start Warmline without --demo to use it, or give --demo a new folder. "
    "This sentence is here to make the text wrap onto several lines."
)


def test_a_long_message_is_shown_whole(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    window.show_message("Warmline could not open", LONG)
    text = window.message_screen.text
    # Wait for the layout, not a fixed time: shown, and tall enough for its wrapped lines.
    qtbot.waitUntil(
        lambda: text.isVisible() and text.height() >= text.heightForWidth(text.width())
    )
    assert text.width() >= 400  # not squeezed to a narrow column
    assert text.height() >= text.heightForWidth(text.width())  # every wrapped line fits
    assert text.width() <= 640
