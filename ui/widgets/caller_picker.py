"""Who is calling: a new caller, someone anonymous, or a regular picked by their alias.

Regulars are known only by an alias they chose (never a phone number). Picking one should
take a few keystrokes: the alias field completes on any part of an alias, and leaving the
field with part of exactly one alias typed picks that regular. A new caller may be given an
alias so they can be greeted as a regular next time; that is optional, and the hint under
the field says plainly what saving will do.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role
from ui.widgets.fit import room_for_mnemonic
from ui.widgets.lens_edit import keep_input_private
from warmline.callers import Caller
from warmline.calls import CallerKind


class CallerPicker(QWidget):
    """Radio buttons for the kind of caller, and an alias field with completion."""

    #: The kind or the alias changed (by the user or by code).
    changed = Signal()
    #: The regular the typed alias names (a Caller), or None.
    picked_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caller-picker")
        self._callers: list[Caller] = []
        self._picked: Caller | None = None

        title = QLabel(self.tr("Caller"), self)
        title.setObjectName("caller-title")
        set_role(title, "subtitle")
        self.new_button = QRadioButton(self.tr("Ne&w caller"), self)
        self.new_button.setObjectName("caller-new")
        self.anonymous_button = QRadioButton(self.tr("An&onymous"), self)
        self.anonymous_button.setObjectName("caller-anonymous")
        self.regular_button = QRadioButton(self.tr("&Regular caller"), self)
        self.regular_button.setObjectName("caller-regular")
        self.buttons: dict[str, QRadioButton] = {
            CallerKind.NEW.value: self.new_button,
            CallerKind.ANONYMOUS.value: self.anonymous_button,
            CallerKind.REGULAR.value: self.regular_button,
        }
        self.group = QButtonGroup(self)
        radios = QHBoxLayout()
        for button in self.buttons.values():
            button.setAccessibleName(button.text().replace("&", ""))
            room_for_mnemonic(button)  # the underlined letter is drawn apart: a pixel wider
            self.group.addButton(button)
            radios.addWidget(button)
        radios.addStretch(1)

        self.alias_label = QLabel(self)
        self.alias_label.setObjectName("caller-alias-label")
        self.alias_edit = QLineEdit(self)
        self.alias_edit.setObjectName("caller-alias")
        self.alias_edit.setAccessibleName(self.tr("Alias"))
        keep_input_private(self.alias_edit)
        self.alias_label.setBuddy(self.alias_edit)
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self.alias_edit)
        self.completer.setObjectName("caller-alias-completer")
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.alias_edit.setCompleter(self.completer)
        self.hint = QLabel(self)
        self.hint.setObjectName("caller-alias-hint")
        self.hint.setWordWrap(True)
        set_role(self.hint, "hint")
        self.alias_row = QWidget(self)
        alias_layout = QVBoxLayout(self.alias_row)
        alias_layout.setContentsMargins(0, 0, 0, 0)
        alias_layout.addWidget(self.alias_label)
        alias_layout.addWidget(self.alias_edit)
        alias_layout.addWidget(self.hint)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addLayout(radios)
        layout.addWidget(self.alias_row)

        self.group.buttonToggled.connect(self._button_toggled)
        self.completer.activated.connect(self.alias_edit.setText)
        self.alias_edit.textChanged.connect(self._resolve)
        self.alias_edit.textChanged.connect(self.changed)
        self.alias_edit.editingFinished.connect(self._finish_alias)
        self.anonymous_button.setChecked(True)

    # -- reading -------------------------------------------------------------------------------

    def kind(self) -> str:
        """The chosen kind of caller (a CallerKind value)."""
        for kind, button in self.buttons.items():
            if button.isChecked():
                return kind
        return CallerKind.ANONYMOUS.value

    def alias(self) -> str:
        """The alias as typed (raw, so a draft keeps it exactly)."""
        return self.alias_edit.text()

    def picked(self) -> Caller | None:
        """The regular the typed alias names, if any."""
        return self._picked

    def caller_by_alias(self, alias: str) -> Caller | None:
        """The regular with exactly this alias (ignoring case and outer spaces)."""
        key = alias.strip().casefold()
        if not key:
            return None
        return next((c for c in self._callers if c.alias.strip().casefold() == key), None)

    def focus_target(self) -> QWidget:
        """Where focus goes to choose a caller: the checked radio button."""
        return self.buttons[self.kind()]

    def tab_chain(self) -> list[QWidget]:
        """The picker's widgets in tab order."""
        return [*self.buttons.values(), self.alias_edit]

    # -- writing -------------------------------------------------------------------------------

    def set_callers(self, callers: list[Caller]) -> None:
        """The regulars to complete from (refreshed when callers change)."""
        self._callers = [c for c in callers if not c.damaged and c.alias.strip()]
        self._model.setStringList([c.alias for c in self._callers])
        previous = self._picked
        self._picked = None  # so the form redraws the card from the fresh record
        self._resolve()
        if previous is not None and self._picked is None:
            self.picked_changed.emit(None)

    def set_caller(self, kind: str, alias: str) -> None:
        """Show a kind and alias (from a draft or a saved call)."""
        self.buttons.get(kind, self.anonymous_button).setChecked(True)
        self.alias_edit.setText(alias)
        self._resolve()

    def reset(self) -> None:
        """Anonymous, no alias."""
        self.set_caller(CallerKind.ANONYMOUS.value, "")

    # -- reactions -----------------------------------------------------------------------------

    def _button_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if not checked:
            return
        kind = self.kind()
        if kind == CallerKind.REGULAR.value:
            self.alias_label.setText(self.tr("&Alias"))
            self.alias_edit.setPlaceholderText(self.tr("Start typing their alias"))
            self.alias_row.show()
        elif kind == CallerKind.NEW.value:
            self.alias_label.setText(self.tr("&Alias they would like to be known by (optional)"))
            self.alias_edit.setPlaceholderText(self.tr("Leave empty if they would rather not"))
            self.alias_row.show()
        else:
            self.alias_row.hide()
        self._resolve()
        self.changed.emit()

    def _finish_alias(self) -> None:
        """Leaving the field with part of exactly one alias typed picks that regular."""
        if self.kind() != CallerKind.REGULAR.value or self._picked is not None:
            return
        key = self.alias_edit.text().strip().casefold()
        if not key:
            return
        matches = [c for c in self._callers if key in c.alias.casefold()]
        if len(matches) == 1:
            self.alias_edit.setText(matches[0].alias)

    def _resolve(self) -> None:
        """Pick the regular whose alias is typed, and say what saving will do otherwise."""
        kind = self.kind()
        alias = self.alias_edit.text().strip()
        match = self.caller_by_alias(alias) if kind != CallerKind.ANONYMOUS.value else None
        hint = ""
        if kind == CallerKind.REGULAR.value:
            if alias and match is None:
                hint = self.tr(
                    "No regular called “{alias}” yet. Saving will add them as a new regular."
                ).format(alias=alias)
        elif kind == CallerKind.NEW.value and alias:
            if match is not None:
                hint = self.tr(
                    "There is already a regular called “{alias}”; this call will be linked to them."
                ).format(alias=match.alias)
            else:
                hint = self.tr("Saving will remember them as “{alias}” for next time.").format(
                    alias=alias
                )
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        picked = match if kind == CallerKind.REGULAR.value else None
        same = (picked is None and self._picked is None) or (
            picked is not None and self._picked is not None and picked.uuid == self._picked.uuid
        )
        if not same:
            self._picked = picked
            self.picked_changed.emit(picked)
