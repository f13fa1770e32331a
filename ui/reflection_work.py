"""The worker-side steps of the private reflection, and what its drafts hold.

Apart from the widgets because these are the rules worth reading in one place: a reflection
in progress is always a sealed draft (kind ``reflection``, the worker's personal key), from
the moment it is offered "for later" or opened; the draft names the call it follows and the
shift it belongs to, so the On shift page can remind the worker until that shift ends; an
empty reminder is let go when the shift ends, one with words in it is kept. The functions run
on the worker through ``backend.run``; none touches a widget.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.errors import NotFound
from warmline.session import Session
from warmline.shifts import Shift

#: The kind of draft a reflection in progress is kept as.
REFLECTION_DRAFT = "reflection"
#: Version of the dict a reflection draft's fields hold.
FIELDS_VERSION = 1
#: What a reflection draft holds besides its call and shift.
CONTENT_FIELDS = ("answers", "check_in", "feeling", "need", "note_to_self")


def is_empty(fields: dict[str, Any]) -> bool:
    """True for a reminder with nothing written or chosen yet."""
    answers = fields.get("answers")
    if isinstance(answers, dict) and any(str(v).strip() for v in answers.values()):
        return False
    if fields.get("check_in") or fields.get("need"):
        return False
    return not any(str(fields.get(name) or "").strip() for name in ("feeling", "note_to_self"))


def reflection_from_fields(fields: dict[str, Any], call_uuid: str | None) -> Debrief:
    """The reflection to store from a draft's (or the form's) fields."""
    answers = fields.get("answers")
    check_in = fields.get("check_in")
    return Debrief(
        call_uuid=call_uuid,
        answers={
            str(k): str(v).strip()
            for k, v in (answers.items() if isinstance(answers, dict) else [])
            if str(v).strip()
        },
        check_in=check_in if isinstance(check_in, int) and not isinstance(check_in, bool) else 0,
        feeling=str(fields.get("feeling") or "").strip(),
        need=str(fields.get("need") or ""),
        note_to_self=str(fields.get("note_to_self") or "").strip(),
    )


@dataclass
class ReflectionStart:
    """What the form needs to open for one call (worker)."""

    call: Call | None
    alias: str
    shift: Shift | None
    draft: Draft | None


def call_and_alias(session: Session, call_uuid: str | None) -> tuple[Call | None, str]:
    """The call a reflection follows and its regular's alias; (None, "") if it is gone."""
    if not call_uuid:
        return None, ""
    try:
        call = session.calls.get(call_uuid)
    except NotFound:
        return None, ""
    alias = ""
    if call.caller_uuid:
        with contextlib.suppress(NotFound):
            alias = session.callers.get(call.caller_uuid).alias
    return call, alias


def reflection_drafts(session: Session) -> list[Draft]:
    return [d for d in session.drafts.mine(REFLECTION_DRAFT) if not d.damaged]


def begin(
    session: Session, call_uuid: str | None, draft_uuid: str | None = None
) -> ReflectionStart:
    """Open a reflection on a call: the kept draft for it if there is one (worker)."""
    draft: Draft | None = None
    if draft_uuid:
        with contextlib.suppress(NotFound):
            draft = session.drafts.get(draft_uuid)
            call_uuid = draft.target_uuid
    elif call_uuid:
        draft = next((d for d in reflection_drafts(session) if d.target_uuid == call_uuid), None)
    call, alias = call_and_alias(session, call_uuid)
    return ReflectionStart(call, alias, session.shifts.current(), draft)


def keep_for_later(session: Session, call_uuid: str) -> Draft:
    """ "Later": an empty reflection draft for the call, so the reminder outlives a lock."""
    existing = next((d for d in reflection_drafts(session) if d.target_uuid == call_uuid), None)
    if existing is not None:
        return existing
    shift = session.shifts.current()
    return session.drafts.save(
        Draft(
            kind=REFLECTION_DRAFT,
            target_uuid=call_uuid,
            fields={"version": FIELDS_VERSION, "shift_uuid": shift.uuid if shift else None},
        )
    )


def reminders(session: Session, shift: Shift | None) -> list[tuple[Draft, Call | None]]:
    """Reflections waiting in the worker's current shift (or outside any shift), oldest
    first, each with its call (worker)."""
    wanted = shift.uuid if shift else None
    waiting = [d for d in reflection_drafts(session) if d.fields.get("shift_uuid") == wanted]
    waiting.sort(key=lambda d: d.updated_at.timestamp() if d.updated_at else 0.0)
    return [(d, call_and_alias(session, d.target_uuid)[0]) for d in waiting]


def let_go_of_empty_reminders(session: Session, shift_uuid: str) -> int:
    """When a shift ends its reminders end too; a reflection with words in it stays."""
    gone = 0
    for draft in reflection_drafts(session):
        if draft.fields.get("shift_uuid") == shift_uuid and is_empty(draft.fields):
            session.drafts.discard(draft.uuid)
            gone += 1
    return gone


def save(session: Session, reflection: Debrief, draft_uuid: str | None) -> Debrief:
    """Store the reflection and drop its draft in the same task (worker)."""
    stored = session.debriefs.add(reflection)
    if draft_uuid:
        session.drafts.discard(draft_uuid)
    return stored


def ask_for_a_word(session: Session) -> str:
    """Tell the current shift's lead that this person would like a word; the lead's UUID."""
    shift = session.shifts.current()
    lead = shift.lead_uuid if shift else None
    session.word_requests.ask(lead or "", shift.uuid if shift else None)
    return str(lead)
