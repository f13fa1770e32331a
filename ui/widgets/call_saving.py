"""Saving a call and opening a saved one: the worker-side steps and the questions first.

Why apart from the form: this is the part with rules worth reading in one place. A typed
alias that names a known regular links the call to them; one that names nobody adds a
regular, but only after asking, since a half-typed alias is the likelier mistake; a regular
added for a save that then fails is taken out again; and the open note's draft is discarded
in the same task as the save, so a crash between the two never leaves both behind. The
functions return work for ``backend.run``; none of them touches the database itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from ui.prompts import Prompts
from ui.widgets.caller_picker import CallerPicker
from warmline.callers import Caller
from warmline.calls import Call, CallerKind
from warmline.errors import NotFound
from warmline.session import Session


def _tr(text: str) -> str:
    return QCoreApplication.translate("CallSaving", text)


def build_call(
    editing: Call | None,
    times: tuple[datetime, datetime | None],
    picker: CallerPicker,
    values: dict[str, Any],
) -> tuple[Call, str]:
    """The Call to store, and an alias to create a new regular for ("" for none).

    A typed alias that names an existing regular links the call to them; one that names
    nobody yet (for a new caller, or a regular from before the app) adds a regular.
    """
    started, ended = times
    alias = picker.alias().strip()
    caller_uuid: str | None = None
    new_alias = ""
    if picker.kind() != CallerKind.ANONYMOUS.value and alias:
        existing = picker.caller_by_alias(alias)
        if existing is not None:
            caller_uuid = existing.uuid
        else:
            new_alias = alias
    fields: dict[str, Any] = {
        "started_at": started,
        "ended_at": ended,
        "caller_uuid": caller_uuid,
        **values,
    }
    if editing is not None:
        return replace(editing, **fields), new_alias
    return Call(**fields), new_alias


def confirm_end_and_save(parent: QWidget) -> bool:
    """Ctrl+S is a habit; the caller may still be on the line. Ask before ending."""
    return Prompts.confirm(
        parent,
        _tr("The call is still going"),
        _tr("End the call now and save it?"),
        _tr("End and save"),
        _tr("Keep the call going"),
    )


def confirm_new_regular(parent: QWidget, alias: str) -> bool:
    """Ask before a typed alias that names nobody becomes a new regular."""
    return Prompts.confirm(
        parent,
        _tr("No regular is called “{alias}”").format(alias=alias),
        _tr(
            "Save this call with a new regular called “{alias}”? If you meant someone "
            "already known, go back and pick them from the list as you type."
        ).format(alias=alias),
        _tr("Add a new regular"),
        _tr("Go back"),
    )


def save_work(
    call: Call, new_alias: str, editing: bool, draft_uuid: str | None
) -> Callable[[Session], tuple[Call, bool]]:
    """The worker's part of a save: (the stored call, whether a regular was added)."""

    def work(session: Session) -> tuple[Call, bool]:
        created: Caller | None = None
        if new_alias:
            created = session.callers.add(Caller(alias=new_alias))
            call.caller_uuid = created.uuid
        try:
            if editing:
                stored = session.calls.update(call)
            else:
                shift = session.shifts.current()
                call.shift_uuid = shift.uuid if shift else None
                stored = session.calls.add(call)
        except BaseException:
            if created is not None:  # do not leave a regular behind for a failed save
                with contextlib.suppress(Exception):
                    session.callers.delete(created.uuid)
            raise
        if draft_uuid:
            session.drafts.discard(draft_uuid)
        return stored, created is not None

    return work


def fetch_work(call_uuid: str) -> Callable[[Session], tuple[Call, str]]:
    """The worker's part of opening a saved call: the call and its regular's alias."""

    def fetch(session: Session) -> tuple[Call, str]:
        call = session.calls.get(call_uuid)
        alias = ""
        if call.caller_uuid:
            with contextlib.suppress(NotFound):
                alias = session.callers.get(call.caller_uuid).alias
        return call, alias

    return fetch
