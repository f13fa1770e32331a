"""The one top-level window. It shows whichever screen the controller puts in front:
a message, first run, unlock, or the unlocked workspace.

It knows nothing about the vault. It offers menus, a status bar with who is unlocked and a
visible Lock button, and remembers its geometry (a non-secret preference).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.resources import app_icon
from ui.theme import set_role
from ui.widgets.shortcuts_dialog import ShortcutsDialog
from ui.workspace import Workspace, section_key

GEOMETRY_KEY = "window/geometry"


class MessageScreen(QWidget):
    """A calm full-window message: 'Opening…', or what went wrong and what to do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message-screen")
        self.title = QLabel()
        self.title.setObjectName("message-title")
        set_role(self.title, "title")
        self.text = QLabel()
        self.text.setObjectName("message-text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.setMaximumWidth(320)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setMaximumWidth(640)
        # Centred between stretches, not by alignment: an aligned label gets its one-line
        # size hint and the rest of a wrapped message is cut off.
        text_row = QHBoxLayout()
        text_row.addStretch(1)
        text_row.addWidget(self.text, 100)
        text_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(text_row)
        layout.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_message(self, title: str, text: str, busy: bool) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.busy.setVisible(busy)


class MainWindow(QMainWindow):
    lock_requested = Signal()
    about_requested = Signal()
    quit_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.setWindowIcon(app_icon())
        self.setWindowTitle("Warmline")
        self.setMinimumSize(720, 520)
        self.stack = QStackedWidget()
        self.message_screen = MessageScreen()
        self.stack.addWidget(self.message_screen)
        self.idle_banner = QLabel()
        self.idle_banner.setObjectName("idle-warning")
        self.idle_banner.setAccessibleName(self.tr("Warmline is about to lock"))
        self.idle_banner.setWordWrap(True)
        set_role(self.idle_banner, "banner")
        self.idle_banner.hide()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.idle_banner)
        central_layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.workspace: Workspace | None = None

        self.lock_action = QAction(self.tr("&Lock now"), self)
        self.lock_action.setObjectName("action-lock")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(self.lock_requested)
        self.lock_action.setEnabled(False)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setObjectName("action-quit")
        # The platform's Quit keys where it has them (Cmd+Q, Ctrl+Q); some platform themes
        # (offscreen, a bare X server) have none, so Ctrl+Q is always among them.
        quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
        if QKeySequence("Ctrl+Q") not in quit_keys:
            quit_keys.append(QKeySequence("Ctrl+Q"))
        quit_action.setShortcuts(quit_keys)
        quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        quit_action.triggered.connect(self.quit_requested)
        about_action = QAction(self.tr("&About Warmline"), self)
        about_action.setObjectName("action-about")
        about_action.triggered.connect(self.about_requested)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.lock_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.go_menu: QMenu = self.menuBar().addMenu(self.tr("&Go"))
        self.go_menu.menuAction().setVisible(False)
        self.shortcuts_action = QAction(self.tr("&Keyboard shortcuts"), self)
        self.shortcuts_action.setObjectName("action-shortcuts")
        self.shortcuts_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(about_action)

        self.who = QLabel()
        self.who.setObjectName("status-who")
        self.who.setAccessibleName(self.tr("Who is unlocked"))
        self.working = QProgressBar()
        self.working.setObjectName("status-working")
        self.working.setAccessibleName(self.tr("Working"))
        self.working.setRange(0, 0)
        self.working.setMaximumWidth(90)
        self.working.setMaximumHeight(10)
        self.working.setTextVisible(False)
        self.working.hide()
        self.lock_button = QPushButton(self.tr("Lock"))
        self.lock_button.setObjectName("status-lock")
        self.lock_button.setAccessibleName(self.tr("Lock Warmline now"))
        self.lock_button.setToolTip(self.tr("Lock now (Ctrl+L)"))
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.clicked.connect(self.lock_requested)
        self.lock_button.hide()
        status = self.statusBar()
        status.setObjectName("status-bar")
        status.addPermanentWidget(self.working)
        status.addPermanentWidget(self.who)
        status.addPermanentWidget(self.lock_button)
        self.restore_geometry()

    # --- screens ---------------------------------------------------------------------------

    def show_screen(self, widget: QWidget) -> None:
        if self.stack.indexOf(widget) < 0:
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)

    def show_message(self, title: str, text: str = "", busy: bool = False) -> None:
        self.message_screen.show_message(title, text, busy)
        self.show_screen(self.message_screen)

    def show_idle_warning(self, seconds_left: int) -> None:
        """The countdown before an idle lock; any key or mouse movement cancels it."""
        if seconds_left == 1:
            text = self.tr(
                "Warmline will lock in 1 second, as it has not been used for a while. "
                "Press any key to keep it open."
            )
        else:
            text = self.tr(
                "Warmline will lock in {n} seconds, as it has not been used for a while. "
                "Press any key to keep it open."
            ).format(n=seconds_left)
        self.idle_banner.setText(text)
        self.idle_banner.show()

    def hide_idle_warning(self) -> None:
        self.idle_banner.hide()

    def set_line_name(self, line_name: str) -> None:
        self.setWindowTitle(f"{line_name} — Warmline")

    def set_workspace(self, workspace: Workspace, who: str) -> None:
        self.clear_workspace()
        self.workspace = workspace
        self.show_screen(workspace)
        self.who.setText(who)
        self.lock_button.show()
        self.lock_action.setEnabled(True)
        self.go_menu.clear()
        for number, (key, page) in enumerate(workspace.pages.items(), start=1):
            action = self.go_menu.addAction(page.title)
            action.setObjectName(f"action-go-{key}")
            if number <= 10:
                action.setShortcut(QKeySequence(section_key(number)))
                # The workspace owns the Alt+n shortcuts; the menu only shows them.
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _=False, k=key: workspace.show_page(k))
        self.go_menu.menuAction().setVisible(True)

    def clear_workspace(self) -> None:
        """Remove and delete the workspace with every page and model that held decrypted text."""
        if self.workspace is not None:
            self.stack.removeWidget(self.workspace)
            self.workspace.hide()
            self.workspace.deleteLater()
            self.workspace = None
        self.go_menu.clear()
        self.go_menu.menuAction().setVisible(False)
        self.who.clear()
        self.lock_button.hide()
        self.lock_action.setEnabled(False)

    def set_working(self, busy: bool) -> None:
        self.working.setVisible(busy)

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help › Keyboard shortcuts (F1): one window, brought back if already open."""
        dialog = self.findChild(ShortcutsDialog, "shortcuts-dialog")
        if not isinstance(dialog, ShortcutsDialog):
            dialog = ShortcutsDialog(self)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    # --- geometry --------------------------------------------------------------------------

    def restore_geometry(self) -> None:
        data = QSettings().value(GEOMETRY_KEY)
        if isinstance(data, QByteArray) and not data.isEmpty():
            self.restoreGeometry(data)
        else:
            self.resize(1180, 780)

    def save_geometry(self) -> None:
        QSettings().setValue(GEOMETRY_KEY, self.saveGeometry())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        self.quit_requested.emit()
        super().closeEvent(event)
