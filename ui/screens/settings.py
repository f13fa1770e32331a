"""Settings: the team's (idle lock, topics list) and my own (theme, text size, reflections).

Two kinds of setting with two homes, kept apart on purpose:

* Team settings are sealed in the vault with the team key (even a topics list says
  something about a line's callers). Only a coordinator changes them; others see them
  read-only. They are saved with an explicit button, because a half-edited topics list should
  not reach every call note while someone is still rearranging it.
* My settings are plain choices kept on this workstation in QSettings, through
  :class:`ui.preferences.Preferences` (nothing a person wrote goes there). They apply and save
  at once: trying a theme should show it straight away.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.preferences import DebriefDefault, Preferences
from ui.prompts import Prompts
from ui.screens.base import Page
from ui.theme import TEXT_SCALE_MAX, TEXT_SCALE_MIN, Theme, apply_theme, set_role
from ui.widgets.retention_card import RetentionCard
from warmline.reports import LEADS_SETTING
from warmline.session import Session
from warmline.team_settings import (
    IDLE_LOCK_DEFAULT,
    IDLE_LOCK_MAX,
    IDLE_LOCK_MIN,
    idle_lock_minutes,
)

IDLE_MIN, IDLE_MAX, IDLE_DEFAULT = IDLE_LOCK_MIN, IDLE_LOCK_MAX, IDLE_LOCK_DEFAULT
MAX_TOPIC_LENGTH = 60


class SettingsPage(Page):
    """Team settings (coordinator) and my own preferences (everyone)."""

    title = "Settings"
    key = "settings"

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self._dirty = False
        self._loading = False
        self.preferences = Preferences(backend.account.uuid).load()

        heading = QLabel(self.tr("Settings"))
        set_role(heading, "title")

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self._build_team_card())
        self.retention_card = RetentionCard(backend)  # coordinators only
        layout.addWidget(self.retention_card)
        layout.addWidget(self._build_mine_card())
        layout.addStretch(1)

        self.setTabOrder(self.idle_spin, self.team_debrief_combo)
        self.setTabOrder(self.team_debrief_combo, self.topics_list)
        self.setTabOrder(self.topics_list, self.topic_edit)
        self.setTabOrder(self.topic_edit, self.add_topic_button)
        self.setTabOrder(self.add_topic_button, self.rename_topic_button)
        self.setTabOrder(self.rename_topic_button, self.remove_topic_button)
        self.setTabOrder(self.remove_topic_button, self.up_button)
        self.setTabOrder(self.up_button, self.down_button)
        self.setTabOrder(self.down_button, self.reports_check)
        self.setTabOrder(self.reports_check, self.save_button)
        retention = self.retention_card
        self.setTabOrder(self.save_button, retention.calls_combo)
        self.setTabOrder(retention.calls_combo, retention.handovers_combo)
        self.setTabOrder(retention.handovers_combo, retention.check_button)
        self.setTabOrder(retention.check_button, retention.save_button)
        self.setTabOrder(retention.save_button, self.theme_combo)
        self.setTabOrder(self.theme_combo, self.text_size_spin)
        self.setTabOrder(self.text_size_spin, self.debrief_combo)

        backend.records_changed.connect(self._records_changed)
        self._apply_editable()
        self._load_team()

    # -- building ------------------------------------------------------------------------------

    def _build_team_card(self) -> QFrame:
        card = QFrame()
        card.setObjectName("settings-team-card")
        set_role(card, "card")
        title = QLabel(self.tr("For the whole team"))
        set_role(title, "subtitle")
        self.team_note = QLabel(self.tr("Only a coordinator can change these."))
        self.team_note.setObjectName("settings-team-note")
        set_role(self.team_note, "hint")

        self.idle_spin = QSpinBox()
        self.idle_spin.setObjectName("settings-idle-minutes")
        self.idle_spin.setAccessibleName(self.tr("Minutes without use before Warmline locks"))
        self.idle_spin.setRange(IDLE_MIN, IDLE_MAX)
        self.idle_spin.setValue(IDLE_DEFAULT)
        self.idle_spin.setSuffix(self.tr(" min"))
        self.idle_spin.valueChanged.connect(self._mark_dirty)
        idle_caption = QLabel(self.tr("&Lock Warmline after this many minutes without use"))
        idle_caption.setBuddy(self.idle_spin)
        idle_caption.setWordWrap(True)

        self.team_debrief_combo = QComboBox()
        self.team_debrief_combo.setObjectName("settings-team-debrief")
        self.team_debrief_combo.setAccessibleName(
            self.tr("Private reflection after each call, for everyone who has not chosen")
        )
        for choice, label in (
            (DebriefDefault.ALWAYS, self.tr("Always: open it straight away")),
            (DebriefDefault.ASK, self.tr("Ask each time")),
            (DebriefDefault.NEVER, self.tr("Never")),
        ):
            self.team_debrief_combo.addItem(label, choice.value)
        self.team_debrief_combo.setCurrentIndex(
            self.team_debrief_combo.findData(DebriefDefault.ASK.value)
        )
        self.team_debrief_combo.currentIndexChanged.connect(self._mark_dirty)
        team_debrief_caption = QLabel(
            self.tr("After each call, offer a private reflection (each person may ad&just it)")
        )
        team_debrief_caption.setBuddy(self.team_debrief_combo)
        team_debrief_caption.setWordWrap(True)

        self.topics_list = QListWidget()
        self.topics_list.setObjectName("settings-topics")
        self.topics_list.setAccessibleName(self.tr("Topics"))
        self.topics_list.currentRowChanged.connect(self._topic_selected)
        topics_caption = QLabel(self.tr("&Topics offered in every call note"))
        topics_caption.setBuddy(self.topics_list)
        topics_hint = QLabel(
            self.tr(
                "Renaming or removing a topic changes what new notes offer. Notes already "
                "saved keep the words they were saved with."
            )
        )
        topics_hint.setWordWrap(True)
        set_role(topics_hint, "hint")

        self.topic_edit = QLineEdit()
        self.topic_edit.setObjectName("settings-topic-text")
        self.topic_edit.setAccessibleName(self.tr("Topic"))
        self.topic_edit.setPlaceholderText(self.tr("A topic, in everyday words"))
        self.topic_edit.setMaxLength(MAX_TOPIC_LENGTH)
        self.topic_edit.returnPressed.connect(self.add_topic)
        self.add_topic_button = self._button("settings-topic-add", self.tr("&Add"))
        self.add_topic_button.setAccessibleName(self.tr("Add topic"))
        self.add_topic_button.clicked.connect(self.add_topic)
        self.rename_topic_button = self._button("settings-topic-rename", self.tr("Re&name"))
        self.rename_topic_button.setAccessibleName(self.tr("Rename topic"))
        self.rename_topic_button.clicked.connect(self.rename_topic)
        self.remove_topic_button = self._button("settings-topic-remove", self.tr("Remo&ve"))
        self.remove_topic_button.setAccessibleName(self.tr("Remove topic"))
        self.remove_topic_button.clicked.connect(self.remove_topic)
        self.up_button = self._button("settings-topic-up", self.tr("Move &up"))
        self.up_button.clicked.connect(lambda: self.move_topic(-1))
        self.down_button = self._button("settings-topic-down", self.tr("Move do&wn"))
        self.down_button.clicked.connect(lambda: self.move_topic(1))

        self.reports_check = QCheckBox(self.tr("Shift leads may see re&ports"))
        self.reports_check.setObjectName("settings-reports-for-leads")
        self.reports_check.setAccessibleName(self.tr("Shift leads may see reports"))
        self.reports_check.toggled.connect(self._mark_dirty)
        reports_hint = QLabel(
            self.tr(
                "Reports count calls, topics and volunteer hours, with small counts hidden. "
                "Coordinators can always see them."
            )
        )
        reports_hint.setWordWrap(True)
        set_role(reports_hint, "hint")

        self.save_button = self._button("settings-team-save", self.tr("&Save team settings"))
        set_role(self.save_button, "primary")
        self.save_button.clicked.connect(self.save_team)
        self.team_error = QLabel()
        self.team_error.setObjectName("settings-team-error")
        self.team_error.setWordWrap(True)
        set_role(self.team_error, "error")
        self.team_error.setVisible(False)
        self.team_status = QLabel()
        self.team_status.setObjectName("settings-team-status")
        set_role(self.team_status, "hint")
        self.team_status.setVisible(False)

        self.topic_tools = QWidget()
        tools = QGridLayout(self.topic_tools)
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.topic_edit, 0, 0, 1, 3)
        tools.addWidget(self.add_topic_button, 1, 0)
        tools.addWidget(self.rename_topic_button, 1, 1)
        tools.addWidget(self.remove_topic_button, 1, 2)
        tools.addWidget(self.up_button, 2, 0)
        tools.addWidget(self.down_button, 2, 1)

        topics_row = QHBoxLayout()
        topics_row.addWidget(self.topics_list, 1)
        topics_row.addWidget(self.topic_tools)

        save_row = QHBoxLayout()
        save_row.addWidget(self.team_status)
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)

        inner = QVBoxLayout(card)
        inner.addWidget(title)
        inner.addWidget(self.team_note)
        inner.addWidget(idle_caption)
        idle_row = QHBoxLayout()
        idle_row.addWidget(self.idle_spin)
        idle_row.addStretch(1)
        inner.addLayout(idle_row)
        inner.addWidget(team_debrief_caption)
        debrief_row = QHBoxLayout()
        debrief_row.addWidget(self.team_debrief_combo)
        debrief_row.addStretch(1)
        inner.addLayout(debrief_row)
        inner.addSpacing(6)
        inner.addWidget(topics_caption)
        inner.addWidget(topics_hint)
        inner.addLayout(topics_row)
        inner.addSpacing(6)
        inner.addWidget(self.reports_check)
        inner.addWidget(reports_hint)
        inner.addWidget(self.team_error)
        inner.addLayout(save_row)
        return card

    def _build_mine_card(self) -> QFrame:
        card = QFrame()
        card.setObjectName("settings-mine-card")
        set_role(card, "card")
        title = QLabel(self.tr("Just for me, on this computer"))
        set_role(title, "subtitle")
        about = QLabel(
            self.tr(
                "These choices are kept on this computer for you alone and hold nothing you "
                "wrote. They take effect straight away."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")

        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("settings-theme")
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        for theme, label in (
            (Theme.SYSTEM, self.tr("Same as this computer")),
            (Theme.LIGHT, self.tr("Light")),
            (Theme.DARK, self.tr("Dark")),
            (Theme.HIGH_CONTRAST, self.tr("High contrast")),
        ):
            self.theme_combo.addItem(label, theme.value)
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(self.preferences.theme.value))
        theme_caption = QLabel(self.tr("Th&eme"))
        theme_caption.setBuddy(self.theme_combo)

        self.text_size_spin = QSpinBox()
        self.text_size_spin.setObjectName("settings-text-size")
        self.text_size_spin.setAccessibleName(self.tr("Text size in percent"))
        self.text_size_spin.setRange(TEXT_SCALE_MIN, TEXT_SCALE_MAX)
        self.text_size_spin.setSingleStep(10)
        self.text_size_spin.setSuffix(" %")
        self.text_size_spin.setValue(self.preferences.text_scale)
        size_caption = QLabel(self.tr("Te&xt size"))
        size_caption.setBuddy(self.text_size_spin)

        self.debrief_combo = QComboBox()
        self.debrief_combo.setObjectName("settings-debrief")
        self.debrief_combo.setAccessibleName(self.tr("Private reflection after each call"))
        for choice, label in (
            (DebriefDefault.TEAM, self.tr("As the team chose")),
            (DebriefDefault.ALWAYS, self.tr("Always: open it straight away")),
            (DebriefDefault.ASK, self.tr("Ask me each time")),
            (DebriefDefault.NEVER, self.tr("Never")),
        ):
            self.debrief_combo.addItem(label, choice.value)
        self.debrief_combo.setCurrentIndex(
            self.debrief_combo.findData(self.preferences.debrief_default.value)
        )
        debrief_caption = QLabel(self.tr("After each call, offer a private &reflection"))
        debrief_caption.setBuddy(self.debrief_combo)

        self.theme_combo.currentIndexChanged.connect(self._appearance_changed)
        self.text_size_spin.valueChanged.connect(self._appearance_changed)
        self.debrief_combo.currentIndexChanged.connect(self._debrief_changed)

        grid = QGridLayout()
        grid.addWidget(theme_caption, 0, 0)
        grid.addWidget(self.theme_combo, 0, 1)
        grid.addWidget(size_caption, 1, 0)
        grid.addWidget(self.text_size_spin, 1, 1)
        grid.addWidget(debrief_caption, 2, 0)
        grid.addWidget(self.debrief_combo, 2, 1)
        grid.setColumnStretch(2, 1)

        inner = QVBoxLayout(card)
        inner.addWidget(title)
        inner.addWidget(about)
        inner.addLayout(grid)
        return card

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        return button

    # -- Page -------------------------------------------------------------------------------

    def activated(self) -> None:
        self._apply_editable()
        if not self._dirty:
            self._load_team()

    def can_leave(self) -> bool:
        """Unsaved team changes: ask before they are dropped."""
        if not self._dirty:
            return True
        leave = Prompts.confirm(
            self,
            self.tr("Leave without saving?"),
            self.tr("You changed the team settings but have not saved them yet."),
            self.tr("Leave without saving"),
            self.tr("Stay here"),
        )
        if leave:
            self._dirty = False
            self._update_team_buttons()
        return leave

    # -- team settings -----------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True while team settings were changed here and not yet saved."""
        return self._dirty

    def topics(self) -> list[str]:
        """The topics as listed now (saved or not)."""
        return [self.topics_list.item(i).text() for i in range(self.topics_list.count())]

    def add_topic(self) -> None:
        text = self._typed_topic()
        if text is None:
            return
        if self._topic_row(text) >= 0:
            self._team_message(self.tr("That topic is already in the list."))
            return
        self.topics_list.addItem(QListWidgetItem(text))
        self.topics_list.setCurrentRow(self.topics_list.count() - 1)
        self.topic_edit.clear()
        self._mark_dirty()

    def rename_topic(self) -> None:
        row = self.topics_list.currentRow()
        if row < 0:
            self._team_message(self.tr("Please choose a topic in the list to rename."))
            return
        text = self._typed_topic()
        if text is None:
            return
        other = self._topic_row(text)
        if other >= 0 and other != row:
            self._team_message(self.tr("That topic is already in the list."))
            return
        self.topics_list.item(row).setText(text)
        self._mark_dirty()

    def remove_topic(self) -> None:
        row = self.topics_list.currentRow()
        if row < 0:
            self._team_message(self.tr("Please choose a topic in the list to remove."))
            return
        self.topics_list.takeItem(row)
        self._mark_dirty()

    def move_topic(self, step: int) -> None:
        row = self.topics_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.topics_list.count():
            return
        item = self.topics_list.takeItem(row)
        self.topics_list.insertItem(target, item)
        self.topics_list.setCurrentRow(target)
        self._mark_dirty()

    def save_team(self) -> None:
        if not self.backend.is_coordinator:
            return
        minutes, topics = self.idle_spin.value(), self.topics()
        leads_see_reports = self.reports_check.isChecked()
        debrief = str(self.team_debrief_combo.currentData())
        self.team_error.setVisible(False)
        self.save_button.setEnabled(False)

        def work(session: Session) -> None:
            session.settings.set("idle_lock_minutes", minutes)
            session.settings.set("debrief_default", debrief)
            session.settings.set_topics(topics)
            session.settings.set(LEADS_SETTING, leads_see_reports)

        handle = self.backend.run(work, on_done=self._saved, on_error=self._save_failed)
        if handle is None:
            self._update_team_buttons()

    def _saved(self, _result: object) -> None:
        self._dirty = False
        self.team_status.setText(self.tr("Team settings saved."))
        self.team_status.setVisible(True)
        self._update_team_buttons()
        self.backend.changed("settings")

    def _save_failed(self, exc: BaseException) -> None:
        self._team_message(describe(exc))
        self._update_team_buttons()

    def _load_team(self) -> None:
        def loaded(values: tuple[object, list[str], object, object]) -> None:
            if self._dirty:  # someone started editing meanwhile: keep their edits
                return
            minutes, topics, leads_see_reports, debrief = values
            self._loading = True
            try:
                self.idle_spin.setValue(_idle_minutes(minutes))
                self.reports_check.setChecked(leads_see_reports is True)
                self.team_debrief_combo.setCurrentIndex(
                    self.team_debrief_combo.findData(DebriefDefault.parse_team(debrief).value)
                )
                current = self.topics_list.currentRow()
                self.topics_list.clear()
                self.topics_list.addItems(topics)
                if 0 <= current < self.topics_list.count():
                    self.topics_list.setCurrentRow(current)
            finally:
                self._loading = False
            self._update_team_buttons()

        self.backend.run(
            lambda s: (
                s.settings.get("idle_lock_minutes", IDLE_DEFAULT),
                s.settings.topics(),
                s.settings.get(LEADS_SETTING, False),
                s.settings.get("debrief_default"),
            ),
            loaded,
        )

    def _records_changed(self, kind: str) -> None:
        if kind == "settings" and not self._dirty:
            self._load_team()
        elif kind == "accounts":
            self._apply_editable()

    def _typed_topic(self) -> str | None:
        text = " ".join(self.topic_edit.text().split())
        if not text:
            self._team_message(self.tr("Please type a topic first."))
            self.topic_edit.setFocus()
            return None
        return text

    def _topic_row(self, text: str) -> int:
        wanted = text.casefold()
        for row, topic in enumerate(self.topics()):
            if topic.casefold() == wanted:
                return row
        return -1

    def _topic_selected(self, row: int) -> None:
        if row >= 0 and self.backend.is_coordinator:
            self.topic_edit.setText(self.topics_list.item(row).text())
        self._update_team_buttons()

    def _team_message(self, text: str) -> None:
        self.team_error.setText(text)
        self.team_error.setVisible(True)

    def _mark_dirty(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self.team_error.setVisible(False)
        self.team_status.setVisible(False)
        self._update_team_buttons()

    def _apply_editable(self) -> None:
        """Coordinators edit; everyone else sees the same values, read-only."""
        editable = self.backend.is_coordinator
        self.team_note.setVisible(not editable)
        self.idle_spin.setReadOnly(not editable)
        self.idle_spin.setButtonSymbols(
            QSpinBox.ButtonSymbols.UpDownArrows if editable else QSpinBox.ButtonSymbols.NoButtons
        )
        self.team_debrief_combo.setEnabled(editable)
        self.topic_tools.setVisible(editable)
        self.reports_check.setEnabled(editable)
        self.save_button.setVisible(editable)
        self._update_team_buttons()

    def _update_team_buttons(self) -> None:
        editable = self.backend.is_coordinator
        has_row = self.topics_list.currentRow() >= 0
        row = self.topics_list.currentRow()
        self.save_button.setEnabled(editable and self._dirty)
        self.rename_topic_button.setEnabled(editable and has_row)
        self.remove_topic_button.setEnabled(editable and has_row)
        self.up_button.setEnabled(editable and row > 0)
        self.down_button.setEnabled(editable and has_row and row < self.topics_list.count() - 1)

    # -- my preferences --------------------------------------------------------------------------

    def _appearance_changed(self) -> None:
        self.preferences.theme = str(self.theme_combo.currentData())
        self.preferences.text_scale = self.text_size_spin.value()
        self.preferences.save()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.preferences.theme, self.preferences.text_scale)

    def _debrief_changed(self) -> None:
        self.preferences.debrief_default = str(self.debrief_combo.currentData())
        self.preferences.save()


def _idle_minutes(value: object) -> int:
    """A stored idle-lock value as whole minutes in range (damaged values: the default)."""
    return idle_lock_minutes(value)
