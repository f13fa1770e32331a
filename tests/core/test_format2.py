"""Record format 2: a record's clear columns are bound into its seal.

Attacks by someone who edits the file with sqlite3: moving a call to another regular,
changing its author or its time, or swapping two rows' clear columns must make the record
show as damaged (the rest still open), never believed. Format-1 records (written before)
still open, and the background re-seal moves them to format 2, resuming where it stopped.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from warmline import crypto
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.session import Session
from warmline.timeutil import utcnow
from warmline.vault import Vault


@pytest.fixture
def two_calls(session: Session) -> tuple[Call, Call]:
    from warmline.callers import Caller

    robin, kit = session.callers.add_many([Caller(alias="Robin"), Caller(alias="Kit")])
    start = utcnow() - timedelta(hours=2)
    a, b = session.calls.add_many(
        [
            Call(connection="Robin's call", caller_uuid=robin.uuid, started_at=start),
            Call(connection="Kit's call", caller_uuid=kit.uuid, started_at=start),
        ]
    )
    return a, b


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("caller_uuid", "other"),  # moved to another regular
        ("author_uuid", "someone-else"),  # re-attributed
        ("started_at", "2020-01-01T10:00:00+00:00"),  # re-dated
        ("duration_s", 9999),
        ("shift_uuid", "another-shift"),
    ],
)
def test_changing_a_clear_column_is_detected(
    vault: Vault, session: Session, two_calls: tuple[Call, Call], column: str, value: object
) -> None:
    a, b = two_calls
    if column == "caller_uuid":
        value = b.caller_uuid
    vault.db.execute(f"update calls set {column} = ? where uuid = ?", [value, a.uuid])
    by_uuid = {c.uuid: c for c in session.calls.select()}
    assert by_uuid[a.uuid].damaged
    assert not by_uuid[b.uuid].damaged and by_uuid[b.uuid].connection == "Kit's call"


def test_swapping_two_rows_clear_columns_is_detected(
    vault: Vault, session: Session, two_calls: tuple[Call, Call]
) -> None:
    a, b = two_calls
    vault.db.execute(
        "update calls set caller_uuid = case uuid when ? then ? else ? end where uuid in (?, ?)",
        [a.uuid, b.caller_uuid, a.caller_uuid, a.uuid, b.uuid],
    )
    assert all(c.damaged for c in session.calls.select())


def test_an_edit_keeps_its_history_openable_after_the_clear_columns_change(
    session: Session, two_calls: tuple[Call, Call]
) -> None:
    a, _ = two_calls
    from dataclasses import replace

    edited = session.calls.update(replace(a, connection="edited", started_at=utcnow()))
    assert session.calls.get(a.uuid).connection == "edited"
    assert [c.connection for c in session.calls.history(edited.uuid)] == ["Robin's call"]


def test_format_1_records_open_and_are_moved_to_format_2(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "FORMAT_VERSION", 1)
    old_calls = session.calls.add_many([Call(connection=f"old {i}") for i in range(7)])
    session.settings.set_topics(["Sleep"])
    session.debriefs.add(Debrief(feeling="mine, from before"))
    monkeypatch.undo()
    assert {crypto.blob_version(r["body"]) for r in vault.db.query("select body from calls")} == {1}
    # Written before: still opens (without the clear binding) until re-sealed.
    assert sorted(c.connection for c in session.calls.select()) == sorted(
        c.connection for c in old_calls
    )
    progress = session.reseal(batch=3).run()
    assert progress.finished
    for table in ("calls", "settings", "debriefs"):
        rows = vault.db.query(f"select body from {table}")
        versions = {crypto.blob_version(r["body"]) for r in rows}
        assert versions == {2}, table
    assert session.settings.topics() == ["Sleep"]
    assert [d.feeling for d in session.debriefs.select()] == ["mine, from before"]
    # And now the clear columns are bound.
    vault.db.execute("update calls set duration_s = 1 where uuid = ?", [old_calls[0].uuid])
    assert {c.uuid for c in session.calls.select() if c.damaged} == {old_calls[0].uuid}


def test_bringing_notes_up_to_date_refuses_to_start_on_a_full_disk(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections import namedtuple

    from warmline import rotation
    from warmline.errors import NotEnoughSpace

    monkeypatch.setattr(crypto, "FORMAT_VERSION", 1)
    session.calls.add_many([Call(connection=f"old {i}") for i in range(5)])
    monkeypatch.undo()
    before = [bytes(r["body"]) for r in vault.db.query("select body from calls order by rowid")]
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(rotation.shutil, "disk_usage", lambda _path: usage(10**9, 10**9, 1024))
    with pytest.raises(NotEnoughSpace, match="not enough free space"):
        session.reseal().step()
    after = [bytes(r["body"]) for r in vault.db.query("select body from calls order by rowid")]
    assert after == before  # nothing was changed
    monkeypatch.undo()
    assert session.reseal().run().finished
