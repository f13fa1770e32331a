"""Keeping the open call note safe as a sealed draft, so a crash or a lock loses at most seconds.

Why a separate object: the rules are subtle and worth testing on their own. A draft has one
UUID for as long as the same note is open; it is written only when the note changed since
the last write; a note emptied out drops its draft; autosave pauses while the call itself is
being saved (the save discards the draft, and a later autosave must not bring it back); and
:meth:`DraftKeeper.flush` queues a write at once for the lock. The worker runs tasks in
order, so a write queued before the lock's own work lands before the session goes.

Drafts are sealed with the writer's personal key by the core; this class never sees a key.
The small helpers at the top describe the saved-call part of a draft's fields, which must
read back after an app update (hence :data:`FIELDS_VERSION`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from ui.backend import Backend, describe
from warmline import ips
from warmline.calls import Call, CallerKind
from warmline.drafts import Draft
from warmline.records import new_uuid
from warmline.timeutil import from_iso, to_iso

#: The kind of draft the call form writes.
CALL_DRAFT = "call"
#: Version of the dict the call form's ``fields()`` returns (drafts outlive app versions).
FIELDS_VERSION = 1

T = TypeVar("T")


def iso(moment: datetime | None) -> str | None:
    """A moment as a draft stores it (ISO text), None kept as None."""
    return to_iso(moment) if moment is not None else None


def when(value: object) -> datetime | None:
    """A datetime from a draft's ISO string; None for anything missing or damaged."""
    if not isinstance(value, str):
        return None
    try:
        return from_iso(value)
    except ValueError:
        return None


def editing_fields(call: Call | None) -> dict[str, Any] | None:
    """What a draft keeps about the saved call being edited (not its notes: those are the
    form's fields), so a restored edit still saves over the right revision."""
    if call is None:
        return None
    return {
        "uuid": call.uuid,
        "revision": call.revision,
        "author_uuid": call.author_uuid,
        "shift_uuid": call.shift_uuid,
        "caller_uuid": call.caller_uuid,
        "started_at": iso(call.started_at),
        "ended_at": iso(call.ended_at),
    }


def editing_from_fields(value: object) -> Call | None:
    """The saved call a draft was editing, from :func:`editing_fields`; None for a new note."""
    if not isinstance(value, dict) or not value.get("uuid"):
        return None
    return Call(
        uuid=str(value["uuid"]),
        revision=int(value.get("revision") or 0),
        author_uuid=str(value.get("author_uuid") or ""),
        shift_uuid=value.get("shift_uuid"),
        caller_uuid=value.get("caller_uuid"),
        started_at=when(value.get("started_at")),
        ended_at=when(value.get("ended_at")),
    )


def is_empty_note(fields: dict[str, Any]) -> bool:
    """True for a draft with nothing typed or chosen: a timer started and nothing more.

    Such drafts are not written any more; ones left by earlier versions are dropped quietly
    instead of being offered back as an "unfinished note" with nothing in it.
    """
    if fields.get("editing"):
        return False
    texts = [fields.get(name) for name in (*Call.IPS_FIELDS, "alias", "resources_shared")]
    texts.append(fields.get("follow_up"))
    if any(isinstance(text, str) and text.strip() for text in texts):
        return False
    if fields.get("topics") or fields.get("crisis_offered"):
        return False
    defaults = {
        "caller_kind": CallerKind.ANONYMOUS.value,
        "channel": ips.channels()[0].id,
        "contact_kind": ips.contact_kinds()[0].id,
    }
    return all(fields.get(name) in (None, "", default) for name, default in defaults.items())


def while_alive(owner: QObject, callback: Callable[[T], None]) -> Callable[[T], None]:
    """Wrap a task callback so it is dropped if ``owner`` was deleted before it arrived.

    The work itself still runs (a draft or a call must reach the disk); only the screen
    update is skipped, since the widgets it would touch are gone.
    """

    def call(value: T) -> None:
        if isValid(owner):
            callback(value)

    return call


class DraftKeeper(QObject):
    """Autosaves one open note as a draft; finds the drafts waiting to be picked up."""

    #: A write landed (the stored Draft).
    saved = Signal(object)
    #: A write failed; the plain reason. The note stays on screen and is tried again.
    failed = Signal(str)
    #: Drafts waiting to be picked up, newest first, not counting the open note's own.
    found = Signal(list)

    def __init__(
        self,
        backend: Backend,
        fields: Callable[[], dict[str, Any]],
        worth_keeping: Callable[[], bool],
        target: Callable[[], str | None],
        interval_ms: int,
        parent: QObject | None = None,
        *,
        kind: str = CALL_DRAFT,
    ) -> None:
        super().__init__(parent)
        self._kind = kind
        self._backend = backend
        self._fields = fields
        self._worth_keeping = worth_keeping
        self._target = target
        self._uuid = new_uuid()
        self._stored = False
        self._dirty = False
        self._paused = False
        self.timer = QTimer(self)
        self.timer.setObjectName("draft-autosave")
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    @property
    def uuid(self) -> str:
        """The UUID the open note is written under."""
        return self._uuid

    @property
    def stored(self) -> bool:
        """True once a write for this note was queued (and not dropped since)."""
        return self._stored

    @property
    def dirty(self) -> bool:
        """True when the note changed since the last write was queued."""
        return self._dirty

    def mark_dirty(self) -> None:
        """The note changed: the next tick writes it."""
        self._dirty = True

    def pause(self, paused: bool) -> None:
        """Hold autosave while the call itself is being saved."""
        self._paused = paused

    def tick(self) -> None:
        """Autosave: write the note if it changed (the timer calls this)."""
        if self._dirty and not self._paused and not self._backend.closed:
            self.write()

    def flush(self) -> bool:
        """Queue a write now if anything is unwritten; True if one was queued."""
        if self._paused:
            return False  # a save of the call is queued and carries every word
        if self._dirty or (not self._stored and self._worth_keeping()):
            return self.write()
        return False

    def write(self) -> bool:
        """Queue a write of the note, or drop its draft if the note was emptied out."""
        self._dirty = False
        if not self._worth_keeping():
            if self._stored:
                self._stored = False
                uuid = self._uuid
                self._backend.run(lambda s: s.drafts.discard(uuid))
            return False
        draft = Draft(
            uuid=self._uuid, kind=self._kind, target_uuid=self._target(), fields=self._fields()
        )
        handle = self._backend.run(
            lambda s: s.drafts.save(draft),
            on_done=while_alive(self, self.saved.emit),
            on_error=while_alive(self, self._failed),
        )
        if handle is None:  # locked already
            self._dirty = True
            return False
        self._stored = True
        return True

    def start_fresh(self) -> None:
        """A new note from here on: new UUID, nothing written yet (the old draft stays)."""
        self._uuid = new_uuid()
        self._stored = False
        self._dirty = False

    def adopt(self, draft_uuid: str) -> None:
        """Continue writing an existing draft (one just restored into the form)."""
        self._uuid = draft_uuid
        self._stored = True
        self._dirty = False

    def drop(self) -> None:
        """Delete the open note's draft (after leaving an edit unsaved) and start fresh."""
        if self._stored:
            uuid = self._uuid
            self._backend.run(lambda s: s.drafts.discard(uuid))
        self.start_fresh()

    def check(self) -> None:
        """Look for drafts waiting to be picked up; the answer comes as ``found``."""
        if self._backend.closed:
            return
        self._backend.run(
            lambda s: s.drafts.mine(self._kind), on_done=while_alive(self, self._found)
        )

    def discard(self, draft_uuid: str, on_done: Callable[[], None]) -> None:
        """Delete a waiting draft for good."""
        self._backend.run(
            lambda s: s.drafts.discard(draft_uuid),
            on_done=while_alive(self, lambda _: on_done()),
        )

    def _found(self, drafts: list[Draft]) -> None:
        waiting = [d for d in drafts if d.uuid != self._uuid and not d.damaged]
        self.found.emit(waiting)

    def _failed(self, error: BaseException) -> None:
        self._dirty = True  # try again on the next tick
        self.failed.emit(describe(error))
