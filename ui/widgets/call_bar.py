"""The strip above the call note: heading, timer, Start/End/Save and the status line.

Why apart from the form: it is the part that never scrolls away. Whatever the text size and
however long the note, the volunteer can see the time and reach Start, End and Save, so it
is built as one widget above the scroll area. It only shows things; the form decides when
each button is on and what the status line says.

:class:`OpenCallBanner` is the card that says a saved call is open, shown between the bar
and the note: first to read (with "Edit this call"), then, once asked for, to edit.

Mnemonics: End call has none on purpose. Ctrl+E is its key, and every letter of "End call"
is taken on this page or by the window's menus (File, Go, Help); Alt+E is "Edit this call".
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role
from ui.widgets.call_timer import PastCallTimes, format_elapsed
from ui.widgets.flow_layout import FlowLayout


class CallBar(QWidget):
    """Heading, timer, Start/End/Save, "Log a past call" with its times, and the status line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call-bar")
        self.heading = QLabel(self.tr("Log a call"), self)
        self.heading.setObjectName("call-heading")
        set_role(self.heading, "subtitle")
        self.timer_label = QLabel(format_elapsed(0), self)
        self.timer_label.setObjectName("call-timer")
        self.timer_label.setAccessibleName(self.tr("Call time"))
        set_role(self.timer_label, "title")

        self.start_button = QPushButton(self.tr("&Start call"), self)
        self.start_button.setObjectName("call-start")
        self.start_button.setToolTip(self.tr("Start the timer now (Ctrl+N)"))
        self.start_button.setAccessibleName(self.tr("Start call"))
        set_role(self.start_button, "primary")
        self.end_button = QPushButton(self.tr("End call"), self)
        self.end_button.setObjectName("call-end")
        self.end_button.setToolTip(self.tr("Stop the timer (Ctrl+E)"))
        self.end_button.setAccessibleName(self.tr("End call"))
        self.save_button = QPushButton(self.tr("Sa&ve call"), self)
        self.save_button.setObjectName("call-save")
        self.save_button.setToolTip(self.tr("Save this call and clear the form (Ctrl+S)"))
        self.save_button.setAccessibleName(self.tr("Save call"))

        # No letter of its own (the page has none left); Tab reaches it, and it asks first.
        self.discard_button = QPushButton(self.tr("Throw this call away…"), self)
        self.discard_button.setObjectName("call-discard")
        self.discard_button.setAccessibleName(self.tr("Throw this call away"))
        self.discard_button.setToolTip(
            self.tr("For a call started by mistake: nothing of it is kept")
        )
        self.discard_button.hide()

        self.past_toggle = QCheckBox(self.tr("Log a &past call"), self)
        self.past_toggle.setObjectName("call-past")
        self.past_toggle.setAccessibleName(self.tr("Log a past call"))
        self.past_toggle.setToolTip(self.tr("Type in when a call happened instead of timing it"))
        self.past_times = PastCallTimes(self)
        self.past_times.hide()

        self.status = QLabel(self)
        self.status.setObjectName("draft-status")
        self.status.setWordWrap(True)
        self.status.hide()
        set_role(self.status, "hint")

        # Rows that wrap: at 200 % text the heading, buttons and times are wider than most
        # windows, and a fixed row would force a sideways scroll instead.
        top = FlowLayout()
        for widget in (
            self.heading,
            self.timer_label,
            self.start_button,
            self.end_button,
            self.save_button,
            self.discard_button,
            self.past_toggle,
            self.past_times,
        ):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.status)

    def set_heading(self, text: str) -> None:
        """ "Log a call", or which saved call is open."""
        self.heading.setText(text)

    def set_status(self, text: str, role: str = "hint") -> None:
        """The line beside the times: drafts kept safe, a save, or what went wrong."""
        self.status.setText(text)
        self.status.setVisible(bool(text))
        set_role(self.status, role)

    def show_time(self, text: str, running: bool) -> None:
        """The mm:ss display; screen readers also hear whether the call is still going."""
        self.timer_label.setText(text)
        self.timer_label.setAccessibleDescription(self.tr("Call running") if running else "")


class OpenCallBanner(QFrame):
    """Which saved call is open, with Edit (while reading) and Close / Stop editing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("edit-banner")
        self.setAccessibleName(self.tr("A saved call is open"))
        set_role(self, "card")
        self.text = QLabel(self)
        self.text.setObjectName("edit-banner-text")
        self.text.setWordWrap(True)
        self.edit_button = QPushButton(self.tr("&Edit this call"), self)
        self.edit_button.setObjectName("call-edit")
        self.edit_button.setAccessibleName(self.tr("Edit this call"))
        set_role(self.edit_button, "primary")
        # No mnemonic: every letter is taken on this page; it is the next Tab stop after Edit.
        self.stop_button = QPushButton(self.tr("Close"), self)
        self.stop_button.setObjectName("edit-stop")
        self.stop_button.setAccessibleName(self.tr("Close this call"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.edit_button)
        layout.addWidget(self.stop_button)
        self.hide()

    def show_reading(self, when: str) -> None:
        """The call is open to read; Edit is where focus goes next."""
        self.text.setText(
            self.tr("This is the call from {when}, as it was saved.").format(when=when)
        )
        self.edit_button.show()
        self.stop_button.setText(self.tr("Close"))
        self.stop_button.setAccessibleName(self.tr("Close this call"))
        self.show()

    def show_editing(self, when: str) -> None:
        """The call is open for editing."""
        self.text.setText(
            self.tr("You are editing the call from {when}. Saving keeps its history.").format(
                when=when
            )
        )
        self.edit_button.hide()
        self.stop_button.setText(self.tr("Stop editing"))
        self.stop_button.setAccessibleName(self.tr("Stop editing this call"))
        self.show()
