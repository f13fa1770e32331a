"""The team's accounts as a table: name, role, whether switched on, recovery code set.

Only clear facts live here (names, roles and switches are stored in clear so the unlock
screen can list people), so the model holds nothing sealed. A team is a handful to a few
dozen people: the model is simply reset with the whole list each time it changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any, TypeAlias

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from ui.models.base import ColumnTableModel
from warmline.accounts import Account, Role

_Index: TypeAlias = QModelIndex | QPersistentModelIndex


def role_text(role: Role) -> str:
    """A role's label, translatable (the core's ``Role.label`` is the English source)."""
    return QCoreApplication.translate("Role", role.label)


class Column(IntEnum):
    NAME = 0
    ROLE = 1
    STATUS = 2
    RECOVERY = 3


class AccountsModel(ColumnTableModel):
    """Accounts sorted by name; ``ACCOUNT_ROLE`` gives the Account, ``UUID_ROLE`` its id."""

    columns = Column

    Column = Column
    ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 1
    UUID_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, current_uuid: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accounts: list[Account] = []
        self._current_uuid = current_uuid

    # -- filling -------------------------------------------------------------------------------

    def set_accounts(self, accounts: Iterable[Account]) -> None:
        """Replace the whole list (sorted by name, case-insensitively)."""
        self.beginResetModel()
        self._accounts = sorted(accounts, key=lambda a: (a.display_name.casefold(), a.uuid))
        self.endResetModel()

    def account(self, row: int) -> Account | None:
        """The account shown in ``row``, or None outside the table."""
        if 0 <= row < len(self._accounts):
            return self._accounts[row]
        return None

    def row_of(self, account_uuid: str) -> int:
        """The row showing ``account_uuid``, or -1."""
        for row, account in enumerate(self._accounts):
            if account.uuid == account_uuid:
                return row
        return -1

    # -- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._accounts)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        account = self.account(index.row())
        if account is None or not 0 <= index.column() < len(Column):
            return None
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(account, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(account, column)
        if role == self.ACCOUNT_ROLE:
            return account
        if role == self.UUID_ROLE:
            return account.uuid
        return None

    def header_labels(self) -> dict[Any, str]:
        return {
            Column.NAME: self.tr("Name"),
            Column.ROLE: self.tr("Role"),
            Column.STATUS: self.tr("Status"),
            Column.RECOVERY: self.tr("Recovery code"),
        }

    # -- internals -----------------------------------------------------------------------------

    def _text(self, account: Account, column: int) -> str:
        if column == Column.NAME:
            if account.uuid == self._current_uuid:
                return self.tr("%1 (you)").replace("%1", account.display_name)
            return account.display_name
        if column == Column.ROLE:
            return role_text(account.role)
        if column == Column.STATUS:
            return self.tr("Switched off") if account.disabled else self.tr("Active")
        return self.tr("Set") if account.has_recovery_code else self.tr("Not set")

    def _tooltip(self, account: Account, column: int) -> str | None:
        if column == Column.STATUS and account.disabled:
            return self.tr("Cannot unlock until a coordinator switches the account back on.")
        if column == Column.RECOVERY:
            if account.has_recovery_code:
                return self.tr("Has a one-time recovery code for a forgotten passphrase.")
            return self.tr("No recovery code: a forgotten passphrase needs a reset.")
        return None
