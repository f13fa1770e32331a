"""What was said on a call: caller, channel, the four IPS sections, topics and follow-up.

This is the scrolling body of the call form, kept apart from the form's life cycle (timer,
drafts, saving, editing) so each half reads on its own. It knows nothing about the vault:
the form fills it (:meth:`CallNote.fill`) and reads it (:meth:`CallNote.draft_values`,
:meth:`CallNote.record_values`).

The four sections follow the IPS tasks in their order (each builds on the one before), each
with its prompt as a label and a short example in the caller's own terms as grey placeholder
text. Any of them may be left empty.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role
from ui.widgets.caller_picker import CallerPicker
from ui.widgets.lens_edit import LensTextEdit, keep_input_private
from warmline import ips
from warmline.calls import CallerKind

#: Lines of text each IPS section shows before it scrolls.
SECTION_LINES = 5


class CalmComboBox(QComboBox):
    """A combo box that ignores the mouse wheel unless focused.

    Inside a scrolling form, a wheel turn meant to scroll the page would otherwise change the
    channel or kind of contact under the pointer without anyone noticing.
    """

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class CallNote(QWidget):
    """The fields of one call note, in reading order."""

    #: Something was edited (by the user or by code; the form decides what counts).
    changed = Signal()
    #: A section got focus (the LensTextEdit), or its lens hits changed while focused.
    section_focused = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call-form-content")
        self.sections: dict[str, LensTextEdit] = {}
        self.section_titles: dict[str, QLabel] = {}
        self._focused: LensTextEdit | None = None
        self.picker = CallerPicker(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 12, 16)
        layout.setSpacing(18)
        layout.addWidget(self.picker)
        layout.addLayout(self._build_contact())
        for number, task in enumerate(ips.tasks(), start=1):
            layout.addLayout(self._build_section(number, task))
        layout.addLayout(self._build_extras())
        layout.addStretch(1)

        for edit in self.sections.values():
            edit.textChanged.connect(self.changed)
        for line in (self.resources, self.follow_up):
            line.textChanged.connect(self.changed)
        for combo in (self.channel, self.contact_kind):
            combo.currentIndexChanged.connect(self.changed)
        for box in (self.crisis_offered, self.crisis_connected):
            box.toggled.connect(self.changed)
        self.picker.changed.connect(self.changed)
        self.topics.itemChanged.connect(self.changed)
        self.crisis_offered.toggled.connect(self._crisis_offered_toggled)
        self.size_to_font()

    # -- building ------------------------------------------------------------------------------

    def _build_contact(self) -> QFormLayout:
        """Channel and kind of contact: combos, quick by mnemonic and first letter."""
        self.channel = CalmComboBox(self)
        self.channel.setObjectName("call-channel")
        self.channel.setAccessibleName(self.tr("Channel"))
        for choice in ips.channels():
            self.channel.addItem(choice.label, choice.id)
        self.contact_kind = CalmComboBox(self)
        self.contact_kind.setObjectName("call-contact-kind")
        self.contact_kind.setAccessibleName(self.tr("Kind of contact"))
        for choice in ips.contact_kinds():
            self.contact_kind.addItem(choice.label, choice.id)
        for combo in (self.channel, self.contact_kind):
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        channel_label = QLabel(self.tr("Cha&nnel"), self)
        channel_label.setBuddy(self.channel)
        kind_label = QLabel(self.tr("&Kind of contact"), self)
        kind_label.setBuddy(self.contact_kind)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(channel_label, self.channel)
        form.addRow(kind_label, self.contact_kind)
        return form

    def _build_section(self, number: int, task: ips.Task) -> QVBoxLayout:
        """One IPS task: title, its prompt, and a lens-aware note field with a grey example."""
        edit = LensTextEdit(self, placeholder=task.example)
        edit.setObjectName(f"section-{task.id}")
        edit.setAccessibleName(task.title)
        edit.setAccessibleDescription(task.prompt)
        edit.installEventFilter(self)
        edit.lens_hits_changed.connect(lambda _hits, source=edit: self._hits_changed(source))
        title = QLabel(task.title, self)
        title.setObjectName(f"section-{task.id}-title")
        title.setBuddy(edit)
        set_role(title, "subtitle")
        key = QLabel(self.tr("Ctrl+{n}").format(n=number), self)
        key.setObjectName(f"section-{task.id}-key")
        set_role(key, "hint")
        prompt = QLabel(task.prompt, self)
        prompt.setObjectName(f"section-{task.id}-prompt")
        prompt.setWordWrap(True)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(key)
        layout = QVBoxLayout()
        layout.setSpacing(6)
        layout.addLayout(heading)
        layout.addWidget(prompt)
        layout.addWidget(edit)
        self.sections[task.id] = edit
        self.section_titles[task.id] = title
        return layout

    def _build_extras(self) -> QVBoxLayout:
        """Topics, resources, crisis resource offered / connected, follow-up."""
        topics_label = QLabel(self.tr("&Topics"), self)
        topics_label.setObjectName("call-topics-label")
        set_role(topics_label, "subtitle")
        self.topics = QListWidget(self)
        self.topics.setObjectName("call-topics")
        self.topics.setAccessibleName(self.tr("Topics"))
        self.topics.setAccessibleDescription(self.tr("Press Space to tick or untick a topic"))
        self.topics.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        topics_label.setBuddy(self.topics)

        self.resources = QLineEdit(self)
        self.resources.setObjectName("call-resources")
        self.resources.setAccessibleName(self.tr("Resources shared"))
        keep_input_private(self.resources)
        resources_label = QLabel(self.tr("Reso&urces shared"), self)
        resources_label.setBuddy(self.resources)

        self.crisis_offered = QCheckBox(self.tr("&Crisis resource offered"), self)
        self.crisis_offered.setObjectName("call-crisis-offered")
        self.crisis_offered.setAccessibleName(self.tr("Crisis resource offered"))
        # Short enough for one line at 200% text; the tooltip says the rest. Alt+Y: every
        # letter of "Caller agreed to be connected" is taken (G is the Go menu).
        self.crisis_connected = QCheckBox(self.tr("The&y agreed to be connected"), self)
        self.crisis_connected.setObjectName("call-crisis-connected")
        self.crisis_connected.setAccessibleName(self.tr("Caller agreed to be connected"))
        self.crisis_connected.setToolTip(
            self.tr("Tick only if the caller chose to be put through, with their agreement")
        )
        self.crisis_connected.setEnabled(False)

        self.follow_up = QLineEdit(self)
        self.follow_up.setObjectName("call-follow-up")
        self.follow_up.setAccessibleName(self.tr("Follow-up for the next shift"))
        keep_input_private(self.follow_up)
        follow_label = QLabel(self.tr("Follow-up for the ne&xt shift"), self)
        follow_label.setBuddy(self.follow_up)

        layout = QVBoxLayout()
        layout.setSpacing(6)
        layout.addWidget(topics_label)
        layout.addWidget(self.topics)
        layout.addSpacing(10)
        layout.addWidget(resources_label)
        layout.addWidget(self.resources)
        layout.addSpacing(10)
        layout.addWidget(self.crisis_offered)
        layout.addWidget(self.crisis_connected)
        layout.addSpacing(10)
        layout.addWidget(follow_label)
        layout.addWidget(self.follow_up)
        return layout

    def tab_chain(self) -> list[QWidget]:
        """The note's fields in reading order, for the form's tab order."""
        return [
            *self.picker.tab_chain(),
            self.channel,
            self.contact_kind,
            *self.sections.values(),
            self.topics,
            self.resources,
            self.crisis_offered,
            self.crisis_connected,
            self.follow_up,
        ]

    def size_to_font(self) -> None:
        """Heights that follow the text size, so 200% text is never cramped."""
        metrics = self.fontMetrics()
        for edit in self.sections.values():
            edit.setMinimumHeight(metrics.lineSpacing() * SECTION_LINES + 16)
        rows = self.topics.count()
        row_height = self.topics.sizeHintForRow(0) if rows else metrics.lineSpacing()
        frame = self.topics.frameWidth() * 2 + 4
        self.topics.setFixedHeight(max(1, rows) * max(row_height, 1) + frame)

    # -- reading -------------------------------------------------------------------------------

    def focused_section(self) -> LensTextEdit | None:
        """The section last focused (the one the side hint speaks about)."""
        return self._focused

    def checked_topics(self) -> list[str]:
        """Ticked topics, in list order."""
        return [
            self.topics.item(row).text()
            for row in range(self.topics.count())
            if self.topics.item(row).checkState() == Qt.CheckState.Checked
        ]

    def has_content(self) -> bool:
        """Whether anything typed or ticked is worth keeping."""
        texts = [edit.toPlainText() for edit in self.sections.values()]
        texts += [self.picker.alias(), self.resources.text(), self.follow_up.text()]
        return (
            any(text.strip() for text in texts)
            or bool(self.checked_topics())
            or self.crisis_offered.isChecked()
        )

    def is_untouched(self) -> bool:
        """No content and every choice at its default.

        Choosing a kind of contact, a channel or a caller counts as a touch, so a hang-up or
        a silent contact with no notes can still be logged.
        """
        return (
            not self.has_content()
            and self.picker.kind() == CallerKind.ANONYMOUS.value
            and self.channel.currentIndex() == 0
            and self.contact_kind.currentIndex() == 0
        )

    def draft_values(self) -> dict[str, Any]:
        """Everything as typed (nothing stripped), for a draft."""
        picked = self.picker.picked()
        data: dict[str, Any] = {
            "caller_kind": self.picker.kind(),
            "alias": self.picker.alias(),
            "caller_uuid": picked.uuid if picked is not None else None,
            "channel": self.channel.currentData(),
            "contact_kind": self.contact_kind.currentData(),
            "topics": self.checked_topics(),
            "resources_shared": self.resources.text(),
            "crisis_offered": self.crisis_offered.isChecked(),
            "crisis_connected": self.crisis_connected.isChecked(),
            "follow_up": self.follow_up.text(),
        }
        for task_id, edit in self.sections.items():
            data[task_id] = edit.toPlainText()
        return data

    def record_values(self) -> dict[str, Any]:
        """The sealed fields of a Call (caller link aside), tidied for storing."""
        offered = self.crisis_offered.isChecked()
        values: dict[str, Any] = {
            "caller_kind": self.picker.kind(),
            "channel": self.channel.currentData() or "phone",
            "contact_kind": self.contact_kind.currentData() or "conversation",
            "topics": self.checked_topics(),
            "resources_shared": self.resources.text().strip(),
            "crisis_offered": offered,
            "crisis_connected": offered and self.crisis_connected.isChecked(),
            "follow_up": self.follow_up.text().strip(),
        }
        for task_id, edit in self.sections.items():
            values[task_id] = edit.toPlainText().strip()
        return values

    # -- writing -------------------------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        """Reading a saved call: text stays focusable and selectable, nothing can change."""
        for edit in self.sections.values():
            edit.setReadOnly(read_only)
        for line in (self.picker.alias_edit, self.resources, self.follow_up):
            line.setReadOnly(read_only)
        choices: list[QWidget] = [
            *self.picker.buttons.values(),
            self.channel,
            self.contact_kind,
            self.topics,
            self.crisis_offered,
        ]
        for widget in choices:
            widget.setEnabled(not read_only)
        self.crisis_connected.setEnabled(not read_only and self.crisis_offered.isChecked())

    def reset(self) -> None:
        """Everything empty, choices back to their defaults."""
        self.picker.reset()
        self.channel.setCurrentIndex(0)
        self.contact_kind.setCurrentIndex(0)
        for edit in self.sections.values():
            edit.clear()
        for row in range(self.topics.count()):
            self.topics.item(row).setCheckState(Qt.CheckState.Unchecked)
        self.resources.clear()
        self.crisis_offered.setChecked(False)
        self.crisis_connected.setChecked(False)
        self.follow_up.clear()
        for edit in self.sections.values():
            edit.rescan_now()  # drop old underlines and hints at once, not after the debounce

    def fill(self, values: dict[str, Any]) -> None:
        """Show values shaped like :meth:`draft_values` (missing keys are left empty)."""
        self.picker.set_caller(
            str(values.get("caller_kind") or CallerKind.ANONYMOUS.value),
            str(values.get("alias") or ""),
        )
        _select(self.channel, str(values.get("channel") or ""))
        _select(self.contact_kind, str(values.get("contact_kind") or ""))
        for task_id, edit in self.sections.items():
            edit.setPlainText(str(values.get(task_id) or ""))
        self.check_topics([str(t) for t in values.get("topics") or []])
        self.resources.setText(str(values.get("resources_shared") or ""))
        offered = bool(values.get("crisis_offered"))
        self.crisis_offered.setChecked(offered)
        self.crisis_connected.setChecked(offered and bool(values.get("crisis_connected")))
        self.follow_up.setText(str(values.get("follow_up") or ""))
        for edit in self.sections.values():
            edit.rescan_now()

    def set_topics(self, topics: list[str]) -> None:
        """Replace the list, keeping what was ticked (and any ticked topic now removed)."""
        checked = self.checked_topics()
        self.topics.clear()
        for topic in topics:
            self._add_topic_item(topic)
        self.check_topics(checked)

    def check_topics(self, topics: list[str]) -> None:
        """Tick these topics; any no longer on the line's list is added so it is not lost."""
        wanted = set(topics)
        present = {self.topics.item(row).text() for row in range(self.topics.count())}
        for topic in topics:
            if topic not in present:
                self._add_topic_item(topic)
        for row in range(self.topics.count()):
            item = self.topics.item(row)
            checked = item.text() in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.size_to_font()

    def _add_topic_item(self, topic: str) -> None:
        item = QListWidgetItem(topic)
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )
        item.setCheckState(Qt.CheckState.Unchecked)
        self.topics.addItem(item)

    # -- reactions -----------------------------------------------------------------------------

    def _crisis_offered_toggled(self, offered: bool) -> None:
        self.crisis_connected.setEnabled(offered)
        if not offered:
            self.crisis_connected.setChecked(False)

    def _hits_changed(self, source: LensTextEdit) -> None:
        if source is self._focused:
            self.section_focused.emit(source)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow which section is being written, for the side hint."""
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, LensTextEdit):
            self._focused = watched
            self.section_focused.emit(watched)
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        """Re-size fields when the text size changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.size_to_font()


def _select(combo: QComboBox, value: str) -> None:
    """Select the item with ``value``; an unknown one (an older list) is added, not lost."""
    if not value:
        combo.setCurrentIndex(0)
        return
    index = combo.findData(value)
    if index < 0:
        combo.addItem(value, value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)
