"""Which sections the main window offers, in navigation order, and how they talk to each other.

Pages never reach into one another: this module connects one page's signals to another's
slots (open a call from the list, show a caller's calls), so each page stays independent.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from ui.screens.base import Page
from ui.screens.call import CallPage
from ui.screens.callers import CallersPage
from ui.screens.calls import CallsPage
from ui.screens.handovers import HandoversPage
from ui.screens.my_account import MyAccountPage
from ui.screens.on_shift import OnShiftPage
from ui.screens.reports import ReportsPage
from ui.screens.settings import SettingsPage
from ui.screens.team import TeamPage
from ui.workspace import Workspace


def page_types() -> list[type[Page]]:
    # Pages every role sees come first, so Alt+1..6 mean the same for everyone; then the
    # leads' page (Alt+7 for shift leads and coordinators), then the coordinators' (Alt+8),
    # then Reports (Alt+8 for leads, Alt+9 for coordinators: the same key for each role
    # every time, whether or not the team lets leads see figures).
    # On shift is first: it is where a volunteer lands after unlocking.
    return [
        OnShiftPage,
        CallPage,
        CallsPage,
        CallersPage,
        MyAccountPage,
        SettingsPage,
        HandoversPage,
        TeamPage,
        ReportsPage,
    ]


def wire_pages(workspace: Workspace, search: Any) -> None:
    """Connect pages to each other once the workspace has built them."""
    call = workspace.pages.get(CallPage.key)
    calls = workspace.pages.get(CallsPage.key)
    callers = workspace.pages.get(CallersPage.key)
    if isinstance(calls, CallsPage):
        if search is not None:
            calls.set_search(search)
        if isinstance(call, CallPage):

            def open_call(call_uuid: str) -> None:
                workspace.show_page(CallPage.key)
                call.open_call(call_uuid)

            calls.open_call_requested.connect(open_call)
            # After saving an edit, back to the list the call was opened from.
            call.form.edit_saved.connect(lambda _uuid: workspace.show_page(CallsPage.key))
    if isinstance(call, CallPage):
        _start_call_from_anywhere(workspace, call)
    if isinstance(callers, CallersPage) and isinstance(calls, CallsPage):

        def show_calls(caller_uuid: str) -> None:
            workspace.show_page(CallsPage.key)
            calls.filter_by_caller(caller_uuid)

        callers.show_calls_for_caller.connect(show_calls)


def _start_call_from_anywhere(workspace: Workspace, call: CallPage) -> None:
    """Ctrl+N starts a call from any section, not only from the Call page.

    The phone rings while someone reads a handover on the On shift page: one key must take
    them to the call with the timer running. The call form's own Ctrl+N works while its page
    shows; this one works on every other page and is switched off on the Call page, so the
    two never compete for the key (Qt would then call it ambiguous and do nothing).
    """
    shortcut = QShortcut(QKeySequence("Ctrl+N"), workspace)
    shortcut.setObjectName("shortcut-start-call-anywhere")
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)

    def start() -> None:
        workspace.show_page(CallPage.key)
        call.form.start_call()

    def follow(key: str) -> None:
        shortcut.setEnabled(key != CallPage.key)

    shortcut.activated.connect(start)
    workspace.page_changed.connect(follow)
    current = workspace.current_page()
    follow(current.key if current is not None else "")
