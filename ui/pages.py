"""Which sections the main window offers, in navigation order, and how they talk to each other.

Pages never reach into one another: this module connects one page's signals to another's
slots (open a call from the list, show a caller's calls), so each page stays independent.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from ui.screens.activity import ActivityPage
from ui.screens.base import Page
from ui.screens.call import CallPage
from ui.screens.callers import CallersPage
from ui.screens.calls import CallsPage
from ui.screens.handovers import HandoversPage
from ui.screens.my_account import MyAccountPage
from ui.screens.on_shift import OnShiftPage
from ui.screens.reflections import MyReflectionsPage
from ui.screens.reports import ReportsPage
from ui.screens.settings import SettingsPage
from ui.screens.team import TeamPage
from ui.workspace import Workspace


def page_types() -> list[type[Page]]:
    # Pages every role sees come first, so Alt+1..7 mean the same for everyone; then the
    # leads' pages (Alt+8 Handovers, Alt+9 Reports: the same keys whether or not the team
    # lets leads see figures), then the coordinators' Team (Alt+0, the tenth) and Activity
    # (the eleventh: no Alt+number is left, it is reached from the list).
    # On shift is first: it is where a volunteer lands after unlocking.
    return [
        OnShiftPage,
        CallPage,
        CallsPage,
        CallersPage,
        MyAccountPage,
        SettingsPage,
        MyReflectionsPage,
        HandoversPage,
        ReportsPage,
        TeamPage,
        ActivityPage,
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
    _wire_reflections(workspace)
    if isinstance(callers, CallersPage) and isinstance(calls, CallsPage):

        def show_calls(caller_uuid: str) -> None:
            workspace.show_page(CallsPage.key)
            calls.filter_by_caller(caller_uuid)

        callers.show_calls_for_caller.connect(show_calls)


def _wire_reflections(workspace: Workspace) -> None:
    """The invitation after a call and the On shift reminders open the reflection on
    My reflections; a reflection's "Open the call" shows the call it followed."""
    reflections = workspace.pages.get(MyReflectionsPage.key)
    if not isinstance(reflections, MyReflectionsPage):
        return

    def reflect_on(call_uuid: str) -> None:
        workspace.show_page(MyReflectionsPage.key)
        reflections.reflect_on(call_uuid)

    def resume(draft_uuid: str) -> None:
        workspace.show_page(MyReflectionsPage.key)
        reflections.resume(draft_uuid)

    call = workspace.pages.get(CallPage.key)
    on_shift = workspace.pages.get(OnShiftPage.key)
    if isinstance(call, CallPage):
        call.reflection_requested.connect(reflect_on)

        def open_call(call_uuid: str) -> None:
            workspace.show_page(CallPage.key)
            call.open_call(call_uuid)

        reflections.open_call_requested.connect(open_call)
    if isinstance(on_shift, OnShiftPage):
        on_shift.reflection_resume_requested.connect(resume)


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
