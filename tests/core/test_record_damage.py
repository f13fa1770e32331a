"""Rows changed with another tool, read back by both of the repository's readers.

A person with the file and sqlite3 can give a row's body, UUID or revision another type, or
cut a body short. Every reader (``select`` builds records, ``open_rows`` yields the raw
clear columns and the opened body) must then show that one record as damaged, at a place
the lists can page on, go on to the next row, and log which kind of record it was and what
kind of damage (never which record, never its words). Also here: edits and kept clear text
that another tool wrote oddly.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest

from warmline.calls import Call
from warmline.crypto import HEADER_LEN, SealContext, seal_json
from warmline.records import clear_from_text
from warmline.session import Session
from warmline.vault import Vault

ANOTHER_TYPE = "a calls row has a column of another type"
FAILED = "a calls row failed to open and is reported damaged"

#: What another tool sets, what the damaged record then holds as UUID and revision (the
#: UUID as stored, "" for NULL; the revision as stored when whole, else 0), and what is logged.
CHANGES: list[tuple[str, str, Any, Any, str]] = [
    ("body as a number", "body = 7", "same", 1, ANOTHER_TYPE),
    ("body as long text", "body = printf('%.100c', 'x')", "same", 1, ANOTHER_TYPE),
    ("body cut short", "body = x'0103'", "same", 1, ANOTHER_TYPE),
    ("body of a header only", f"body = substr(body, 1, {HEADER_LEN})", "same", 1, FAILED),
    ("no UUID", "uuid = NULL", "", 1, ANOTHER_TYPE),
    # (A number set into the UUID's TEXT column is stored as text: it is a blob that is not.)
    ("UUID as bytes", "uuid = x'3132'", b"12", 1, ANOTHER_TYPE),
    ("revision as a real", "revision = 2.5", "same", 0, ANOTHER_TYPE),
    ("revision as text", "revision = 'two'", "same", 0, ANOTHER_TYPE),
]

EACH_CHANGE = pytest.mark.parametrize(
    ("change", "uuid", "revision", "logged"),
    [c[1:] for c in CHANGES],
    ids=[c[0] for c in CHANGES],
)


def changed_line(vault: Vault, session: Session, change: str) -> tuple[Call, list[Call]]:
    """Five calls, the middle one changed with ``change`` by another tool."""
    calls = session.calls.add_many([Call(connection=f"words {i}") for i in range(5)])
    vault.db.execute(f"update calls set {change} where uuid = ?", [calls[2].uuid])
    return calls[2], [c for c in calls if c is not calls[2]]


@EACH_CHANGE
def test_a_list_shows_the_one_changed_record_as_damaged_and_goes_on(
    vault: Vault,
    session: Session,
    caplog: pytest.LogCaptureFixture,
    change: str,
    uuid: Any,
    revision: int,
    logged: str,
) -> None:
    changed, others = changed_line(vault, session, change)
    with caplog.at_level(logging.WARNING, logger="warmline.records"):
        listed = session.calls.select()
    assert [r.getMessage() for r in caplog.records] == [logged]
    assert {c.uuid: c.connection for c in listed if not c.damaged} == {
        c.uuid: c.connection for c in others
    }
    [damaged] = [c for c in listed if c.damaged]
    assert damaged.uuid == (changed.uuid if uuid == "same" else uuid)
    assert damaged.revision == revision and damaged.connection == ""
    # Its clear columns are still read (the day the list groups it under).
    assert damaged.day == changed.day


@EACH_CHANGE
def test_open_rows_yields_the_one_changed_row_without_a_body_and_goes_on(
    vault: Vault,
    session: Session,
    caplog: pytest.LogCaptureFixture,
    change: str,
    uuid: Any,
    revision: int,
    logged: str,
) -> None:
    changed, others = changed_line(vault, session, change)
    with caplog.at_level(logging.WARNING, logger="warmline.records"):
        rows = list(session.calls.open_rows())
    assert [r.getMessage() for r in caplog.records] == [logged]
    assert len(rows) == 5
    opened = {clear["uuid"]: body["connection"] for clear, body in rows if body is not None}
    assert opened == {c.uuid: c.connection for c in others}
    [clear] = [clear for clear, body in rows if body is None]
    assert clear["uuid"] == (changed.uuid if uuid == "same" else uuid)
    assert clear["revision"] == revision and clear["day"] == changed.day
    assert "body" not in clear


def test_the_log_never_names_the_record_or_its_words(
    vault: Vault, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    changed, _ = changed_line(vault, session, "revision = 2.5")
    with caplog.at_level(logging.DEBUG, logger="warmline"):
        session.calls.select()
        list(session.calls.open_rows())
    text = " ".join(r.getMessage() for r in caplog.records)
    assert changed.uuid not in text and "words" not in text


# --- edits --------------------------------------------------------------------------------


def test_an_edit_row_with_a_revision_of_another_type_is_skipped_and_the_rest_are_shown(
    vault: Vault, session: Session
) -> None:
    """A revision stored as a real sorts among the whole numbers: the edits after it are
    still listed, and it answers for none."""
    call = session.calls.add(Call(connection="one"))
    for words in ("two", "three"):
        call = session.calls.update(replace(session.calls.get(call.uuid), connection=words))
    vault.db.execute("update revisions set revision = 0.5 where revision = 1")
    edits = session.calls.edits(call.uuid)
    assert [e.revision for e in edits] == [3]
    assert edits[0].edited_by == session.account.uuid and edits[0].edited_at is not None


@pytest.mark.parametrize(
    "sealed", [["someone", "2026-01-01"], "someone", 7, None, {"by": 7, "at": 5}, {"at": [1]}]
)
def test_a_sealed_edit_that_opens_to_something_else_shows_no_name_or_time(
    vault: Vault, session: Session, sealed: Any
) -> None:
    """Sealed at its place by a tool holding the team key, but not the object Warmline
    writes: the edit is still listed, without a name or a time."""
    call = session.calls.add(Call(connection="one"))
    session.calls.update(replace(call, connection="two"))
    ctx = SealContext("revisions", call.uuid, "edit:calls", "", 1)
    blob = seal_json(session._ctx.keys.team, sealed, ctx)
    vault.db.execute("update revisions set edit = ? where record_uuid = ?", [blob, call.uuid])
    [edit] = session.calls.edits(call.uuid)
    assert (edit.revision, edit.edited_by, edit.edited_at) == (2, "", None)


@pytest.mark.parametrize("stored", ["x'00ff'", "12.5", "'yesterday'"])
def test_an_edit_time_kept_in_clear_and_changed_by_hand_is_shown_as_unknown(
    vault: Vault, session: Session, stored: str
) -> None:
    """Files from before format 3 kept who edited, and when, in clear beside the version."""
    call = session.calls.add(Call(connection="one"))
    session.calls.update(replace(call, connection="two"))
    vault.db.execute(
        f"update revisions set edit = null, edited_by = 'someone', edited_at = {stored}"
    )
    [edit] = session.calls.edits(call.uuid)
    assert (edit.revision, edit.edited_by, edit.edited_at) == (2, "someone", None)


# --- kept clear text -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["~b64:é", "~b64:ab!c", "~b64:abc", "~b64:"])
def test_kept_clear_text_that_only_looks_like_base64_is_taken_as_it_is_or_decoded(
    text: str,
) -> None:
    """No canonical encoding starts with ``~``; text after the mark that is not strict
    base64 (not ASCII, a stray character, a wrong length) is kept as the text itself."""
    out = clear_from_text(text)
    if text == "~b64:":
        assert out == b""
    else:
        assert out == text.encode()


def test_a_history_row_whose_clear_text_only_looks_like_base64_shows_as_damaged(
    vault: Vault, session: Session
) -> None:
    call = session.calls.add(Call(connection="one"))
    session.calls.update(replace(call, connection="two"))
    vault.db.execute("update revisions set clear = '~b64:é' where record_uuid = ?", [call.uuid])
    [earlier] = session.calls.history(call.uuid)
    assert earlier.damaged and earlier.connection == ""
    assert session.calls.get(call.uuid).connection == "two"
