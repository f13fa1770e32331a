"""Help › Keyboard shortcuts (F1): every shortcut, grouped by where it works.

The list is read from :func:`ui.shortcuts.for_window` each time the window opens, so it
shows the keys the window really has (and each section by name once someone is unlocked).
A tree of rows rather than a block of text: arrow keys move line by line and a screen
reader reads each line as "keys, what they do".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.shortcuts import Shortcut, for_window
from ui.theme import set_role
from ui.widgets.fit import fit_to_text


def shown_keys(keys: str) -> str:
    """Keys as this platform writes them (Ctrl on Linux and Windows, ⌘ on a Mac)."""
    native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
    return native or keys


class ShortcutsDialog(QDialog):
    """Lists the shortcuts of ``window`` (the main window); Close or Esc shuts it."""

    def __init__(self, window: QWidget | None, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.setObjectName("shortcuts-dialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self._window = window

        title = QLabel(self.tr("Keyboard shortcuts"))
        set_role(title, "title")
        intro = QLabel(
            self.tr(
                "Everything in Warmline can be done from the keyboard. These shortcuts save a "
                "few steps; the ones for a call work while the Call section is open."
            )
        )
        intro.setWordWrap(True)
        set_role(intro, "hint")

        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcuts-list")
        self.tree.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Press"), self.tr("What it does")])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(True)

        buttons = QDialogButtonBox()
        close = QPushButton(self.tr("&Close"))
        close.setObjectName("shortcuts-close")
        close.setDefault(True)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.refresh()

    def entries(self) -> list[Shortcut]:
        """What the list shows now."""
        return for_window(self._window)

    def refresh(self) -> None:
        """Read the window's shortcuts again (someone may have unlocked since)."""
        self.tree.clear()
        group: QTreeWidgetItem | None = None
        for entry in self.entries():
            if group is None or group.text(0) != entry.where:
                group = QTreeWidgetItem([entry.where, ""])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(group)
                group.setFirstColumnSpanned(True)
            keys = shown_keys(entry.keys)
            row = QTreeWidgetItem([keys, entry.what])
            row.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{keys}: {entry.what}")
            group.addChild(row)
        self.tree.expandAll()
        first = self.tree.topLevelItem(0)
        chosen = first.child(0) if first is not None else None
        if chosen is not None:
            self.tree.setCurrentItem(chosen)

    def showEvent(self, event: QShowEvent) -> None:
        """Fresh keys each time, focus on the list, and a size that fits the text size."""
        self.refresh()
        fit_to_text(self, 76)
        # Tall enough for the whole list at this text size, within the screen.
        wanted = self.fontMetrics().height() * 36
        screen = self.screen().availableGeometry() if self.screen() else None
        limit = int(screen.height() * 0.9) if screen is not None else wanted
        self.resize(self.width(), max(self.height(), min(wanted, limit)))
        super().showEvent(event)
        self.tree.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
