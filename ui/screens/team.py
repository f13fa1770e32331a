"""Team: the coordinator's list of accounts, and the few things a coordinator can change.

Adding a person (they type their own passphrase), changing a role, switching an account off
or on, and resetting a forgotten passphrase. Every rule (the last coordinator stays, nobody
switches themselves off) is the core's: this page asks, and shows the core's own sentence
when the answer is no.

A reset costs the person their private reflections and unfinished notes, because only their
old passphrase could open them. The page fetches how many first and says so, in numbers,
before anything happens.

Roles are workflow permissions, not a wall: every account can open the team's records. The
page says that plainly instead of implying more protection than there is. A role changes only
through "Change role" and a yes to a question naming the person and both roles; the table
moves by whole rows (End is the last person, not the role cell).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.models.accounts_model import AccountsModel, Column, role_text
from ui.prompts import Prompts
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.add_person_dialog import AddPersonDialog
from ui.widgets.backup_panel import BackupPanel
from ui.widgets.busy_indicator import BusyIndicator
from ui.widgets.new_passphrase import NewPassphraseDialog
from ui.widgets.row_table import RowTableView
from ui.widgets.team_key_panel import TeamKeyPanel
from warmline.accounts import Account, Role
from warmline.session import Session
from warmline.team import PersonalRecords


class TeamPage(Page):
    """Accounts and roles (coordinators only)."""

    title = "Team"
    key = "team"

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self._select_after: str | None = None

        heading = QLabel(self.tr("Team"))
        set_role(heading, "title")
        about = QLabel(
            self.tr(
                "Everyone on the team can open the team's call notes, regular callers and "
                "handovers, so a role decides what each person is asked to do in Warmline, "
                "not what they could read. Private reflections can be read only by the "
                "person who wrote them."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")

        self.model = AccountsModel(backend.account.uuid, self)
        self.table = RowTableView(Column.NAME)
        self.table.setObjectName("team-table")
        self.table.setAccessibleName(self.tr("People on the team"))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (Column.ROLE, Column.STATUS, Column.RECOVERY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.add_button = QPushButton(self.tr("&Add a person…"))
        self.add_button.setObjectName("team-add")
        self.add_button.setAccessibleName(self.tr("Add a person"))
        set_role(self.add_button, "primary")
        self.add_button.clicked.connect(self.add_person)

        # -- the selected person ------------------------------------------------------------------
        self.card = QFrame()
        self.card.setObjectName("team-selected")
        set_role(self.card, "card")
        self.selected_name = QLabel()
        self.selected_name.setObjectName("team-selected-name")
        set_role(self.selected_name, "subtitle")
        self.selected_note = QLabel()
        self.selected_note.setObjectName("team-selected-note")
        self.selected_note.setWordWrap(True)
        set_role(self.selected_note, "hint")

        self.role_combo = QComboBox()
        self.role_combo.setObjectName("team-role")
        self.role_combo.setAccessibleName(self.tr("Role"))
        for role in Role:
            self.role_combo.addItem(role_text(role), role.value)
        role_caption = QLabel(self.tr("Rol&e"))
        role_caption.setBuddy(self.role_combo)
        self.role_button = QPushButton(self.tr("Change &role"))
        self.role_button.setObjectName("team-change-role")
        self.role_button.clicked.connect(self.change_role)
        self.role_combo.currentIndexChanged.connect(self._update_actions)

        self.switch_button = QPushButton(self.tr("S&witch off"))
        self.switch_button.setObjectName("team-switch")
        self.switch_button.clicked.connect(self.toggle_switched_off)
        set_role(self.switch_button, "danger")
        self.reset_button = QPushButton(self.tr("Reset &passphrase…"))
        self.reset_button.setObjectName("team-reset")
        self.reset_button.setAccessibleName(self.tr("Reset passphrase"))
        set_role(self.reset_button, "danger")
        self.reset_button.clicked.connect(self.reset_passphrase)

        role_row = QHBoxLayout()
        role_row.addWidget(role_caption)
        role_row.addWidget(self.role_combo)
        role_row.addWidget(self.role_button)
        role_row.addStretch(1)
        action_row = QHBoxLayout()
        action_row.addWidget(self.switch_button)
        action_row.addWidget(self.reset_button)
        action_row.addStretch(1)
        card_layout = QVBoxLayout(self.card)
        card_layout.addWidget(self.selected_name)
        card_layout.addWidget(self.selected_note)
        card_layout.addLayout(role_row)
        card_layout.addLayout(action_row)

        self.error_label = QLabel()
        self.error_label.setObjectName("team-error")
        self.error_label.setWordWrap(True)
        set_role(self.error_label, "error")
        self.error_label.setVisible(False)
        self.status_label = QLabel()
        self.status_label.setObjectName("team-status")
        self.status_label.setWordWrap(True)
        set_role(self.status_label, "hint")
        self.status_label.setVisible(False)
        self.busy = BusyIndicator()

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.card)
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.busy)
        self.key_panel = TeamKeyPanel(backend)
        layout.addWidget(self.key_panel)
        self.backup_panel = BackupPanel(backend)
        layout.addWidget(self.backup_panel)

        self.setTabOrder(self.add_button, self.table)
        self.setTabOrder(self.table, self.role_combo)
        self.setTabOrder(self.role_combo, self.role_button)
        self.setTabOrder(self.role_button, self.switch_button)
        self.setTabOrder(self.switch_button, self.reset_button)

        backend.records_changed.connect(self._records_changed)
        self._reload()

    @classmethod
    def available_to(cls, backend: Backend) -> bool:
        return backend.is_coordinator

    def activated(self) -> None:
        self._reload()

    # -- public API: the actions ------------------------------------------------------------------

    def selected_account(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.account(rows[0].row()) if rows else None

    def select_account(self, account_uuid: str) -> bool:
        """Select ``account_uuid`` in the table; False if it is not listed."""
        row = self.model.row_of(account_uuid)
        if row < 0:
            return False
        self.table.selectRow(row)
        return True

    def add_person(self) -> AddPersonDialog:
        """Open the add-a-person dialog (window-modal, so the event loop keeps running)."""
        self._clear_messages()
        dialog = AddPersonDialog(self.backend, self)

        def finished(_result: int) -> None:
            account = dialog.added
            dialog.deleteLater()
            if account is None:
                return
            self._select_after = account.uuid
            self._after_change(
                self.tr("{name} has been added as {role}.").format(
                    name=account.display_name, role=role_text(account.role)
                )
            )

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def change_role(self) -> None:
        """Ask, naming the person and both roles, and only then change the role."""
        account = self.selected_account()
        if account is None:
            return
        role = Role(self.role_combo.currentData())
        if role is account.role:
            return
        name = account.display_name
        is_me = account.uuid == self.backend.account.uuid
        if is_me and account.role is Role.COORDINATOR:
            question = (
                self.tr("Change your own role?"),
                self.tr(
                    "As {role} you will no longer be able to change the team or its "
                    "settings. Another coordinator can change it back."
                ).format(role=role_text(role)),
                self.tr("Change my role"),
                self.tr("Keep my role"),
            )
        else:
            question = (
                self.tr("Change {name}'s role to {role}?").format(name=name, role=role_text(role)),
                self.tr(
                    "{name}'s role changes from {old} to {role}: Warmline shows {name} the "
                    "sections and tasks that go with it. You can change it back at any time."
                ).format(name=name, old=role_text(account.role), role=role_text(role)),
                self.tr("Change the role"),
                self.tr("Keep {old}").format(old=role_text(account.role)),
            )
        if not Prompts.confirm(self, *question):
            self._show_account(account)
            return
        uuid = account.uuid
        self._run(
            lambda s: s.team.set_role(uuid, role),
            self.tr("{name} is now {role}.").format(name=name, role=role_text(role)),
        )

    def toggle_switched_off(self) -> None:
        account = self.selected_account()
        if account is None:
            return
        uuid, name = account.uuid, account.display_name
        if account.disabled:
            self._choose_passphrase(account, switch_on=True)
            return
        if not Prompts.confirm(
            self,
            self.tr("Switch off {name}'s account?").format(name=name),
            self.tr(
                "{name} will not be able to unlock Warmline: their passphrase stops opening "
                "anything on this computer, and their private reflections and unfinished "
                "notes are deleted. Call notes and the team's records stay. To switch the "
                "account back on later, {name} chooses a new passphrase."
            ).format(name=name),
            self.tr("Switch off"),
            self.tr("Keep it on"),
        ):
            return
        self._run(
            lambda s: s.team.set_disabled(uuid, True),
            self.tr("{name}'s account is switched off.").format(name=name),
        )

    def reset_passphrase(self) -> None:
        """Count what would be lost, say so, then let the person choose a new passphrase."""
        account = self.selected_account()
        if account is None:
            return
        self._clear_messages()
        uuid = account.uuid
        self._set_busy(True, self.tr("Checking what a reset would affect…"))

        def counted(records: PersonalRecords) -> None:
            self._set_busy(False)
            self._confirm_reset(account, records)

        self._submit(lambda s: s.team.personal_records(uuid), counted)

    # -- internals ------------------------------------------------------------------------------

    def _records_text(self, records: PersonalRecords) -> str:
        """ "2 private reflections and 1 unfinished note": counted, by kind, in words."""
        parts = []
        if records.reflections == 1:
            parts.append(self.tr("1 private reflection"))
        elif records.reflections:
            parts.append(self.tr("{n} private reflections").format(n=records.reflections))
        if records.unfinished_notes == 1:
            parts.append(self.tr("1 unfinished note"))
        elif records.unfinished_notes:
            parts.append(self.tr("{n} unfinished notes").format(n=records.unfinished_notes))
        return self.tr(" and ").join(parts)

    def _confirm_reset(self, account: Account, records: PersonalRecords) -> None:
        name = account.display_name
        if records.total:
            lost = self.tr(
                "{name}'s {records} will be deleted for good when the new passphrase is set, "
                "because only {name}'s old passphrase could open them. Nobody, not even a "
                "coordinator, can read them first."
            ).format(name=name, records=self._records_text(records))
        else:
            lost = self.tr(
                "{name} has no private reflections or unfinished notes saved, so nothing "
                "private will be lost."
            ).format(name=name)
        parts = [lost]
        if account.has_recovery_code:
            parts.append(self.tr("{name}'s recovery code will stop working.").format(name=name))
        parts.append(
            self.tr("{name}'s call notes and the team's records stay as they are.").format(
                name=name
            )
        )
        if not Prompts.confirm(
            self,
            self.tr("Reset {name}'s passphrase?").format(name=name),
            " ".join(parts),
            self.tr("Reset passphrase"),
            self.tr("Keep it as it is"),
        ):
            return
        self._choose_passphrase(account)

    def _choose_passphrase(self, account: Account, *, switch_on: bool = False) -> None:
        """The person types a new passphrase; for a switched-off account this switches it on."""
        uuid, name = account.uuid, account.display_name

        def work(session: Session, passphrase: str) -> int:
            return session.team.reset_passphrase(uuid, passphrase, switch_on=switch_on)

        dialog = NewPassphraseDialog(
            self.backend,
            title=self.tr("A new passphrase for {name}").format(name=name),
            intro=self.tr(
                "Please hand the keyboard to {name}. {name} types a new passphrase twice; "
                "nobody else needs to know it."
            ).format(name=name),
            action_label=self.tr("&Set new passphrase"),
            busy_text=self.tr("Setting {name}'s new passphrase…").format(name=name),
            work=work,
            user_inputs=[*name.split(), self.backend.line_name],
            parent=self,
        )
        dialog.setObjectName("team-reset-dialog")

        def finished(result: int) -> None:
            lost = dialog.result_value
            dialog.deleteLater()
            if result != NewPassphraseDialog.DialogCode.Accepted:
                return
            if lost:
                self.backend.changed("debriefs")
                self.backend.changed("drafts")
            done = (
                self.tr("{name}'s account is switched on again, with the new passphrase.")
                if switch_on
                else self.tr("{name}'s new passphrase is set. They can unlock with it now.")
            )
            self._after_change(done.format(name=name))

        dialog.finished.connect(finished)
        dialog.open()

    def _run(self, fn: Callable[[Session], Any], success: str) -> None:
        """Run a team change on the worker; on success refresh, on failure show the reason."""
        self._clear_messages()
        self._set_busy(True, self.tr("Saving…"))

        def done(_result: object) -> None:
            self._set_busy(False)
            self._after_change(success)

        self._submit(fn, done)

    def _submit(self, fn: Callable[[Session], Any], done: Callable[[Any], None]) -> None:
        handle = self.backend.run(fn, on_done=done, on_error=self._failed)
        if handle is None:
            self._set_busy(False)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error_label.setText(describe(exc))
        self.error_label.setVisible(True)
        account = self.selected_account()
        if account is not None:
            self._show_account(account)

    def _after_change(self, message: str) -> None:
        self.status_label.setText(message)
        self.status_label.setVisible(True)
        self.backend.status_message.emit(message)
        self.backend.changed("accounts")
        self.backend.refresh_accounts()

    def _clear_messages(self) -> None:
        self.error_label.setVisible(False)
        self.error_label.clear()
        self.status_label.setVisible(False)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        if busy:
            self.busy.start(text)
        else:
            self.busy.stop()
        self._update_actions()

    def _records_changed(self, kind: str) -> None:
        if kind == "accounts":
            self._reload()

    def _reload(self) -> None:
        """Fill the table from the backend's account list, keeping the selection."""
        current = self.selected_account()
        wanted = self._select_after or (current.uuid if current else None)
        self.model.set_accounts(self.backend.accounts.values())
        if wanted and self.select_account(wanted):
            if wanted == self._select_after:
                self._select_after = None
        elif self.model.rowCount() and self._select_after is None:
            self.table.selectRow(0)
        self._selection_changed()

    def _selection_changed(
        self, _selected: QItemSelection | None = None, _deselected: QItemSelection | None = None
    ) -> None:
        account = self.selected_account()
        if account is None:
            self.selected_name.setText(self.tr("Choose a person in the list."))
            self.selected_note.clear()
            self.selected_note.setVisible(False)
        else:
            self._show_account(account)
        self._update_actions()

    def _show_account(self, account: Account) -> None:
        self.selected_name.setText(account.display_name)
        self.role_combo.blockSignals(True)
        self.role_combo.setCurrentIndex(self.role_combo.findData(account.role.value))
        self.role_combo.blockSignals(False)
        self.switch_button.setText(
            self.tr("Switch o&n") if account.disabled else self.tr("S&witch off")
        )
        self.switch_button.setAccessibleName(
            self.tr("Switch on") if account.disabled else self.tr("Switch off")
        )
        # Red only for the step that takes something away; switching on gives it back.
        set_role(self.switch_button, None if account.disabled else "danger")
        if account.uuid == self.backend.account.uuid:
            note = self.tr(
                "This is you. To change your own passphrase or recovery code, use My account."
            )
        elif account.disabled:
            note = self.tr("Switched off: cannot unlock until switched back on.")
        else:
            note = ""
        self.selected_note.setText(note)
        self.selected_note.setVisible(bool(note))
        self._update_actions()

    def _update_actions(self) -> None:
        account = self.selected_account()
        allowed = self.backend.is_coordinator and not self.busy.busy
        self.add_button.setEnabled(allowed)
        has = account is not None and allowed
        is_me = account is not None and account.uuid == self.backend.account.uuid
        self.role_combo.setEnabled(has)
        self.role_button.setEnabled(
            has and account is not None and self.role_combo.currentData() != account.role.value
        )
        # Your own account: switching off is refused by the core, and a reset would wipe your
        # own reflections; My account has the right tools, as the note in the card says.
        self.switch_button.setEnabled(has and not is_me)
        self.reset_button.setEnabled(has and not is_me)
        self.card.setEnabled(account is not None)
