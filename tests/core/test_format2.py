"""Record format 2: a record's clear columns are bound into its seal.

Attacks by someone who edits the file with sqlite3: moving a call to another regular,
changing its author or its time, or swapping two rows' clear columns must make the record
show as damaged (the rest still open), never believed. Format-1 records (written before)
still open, and the background re-seal moves them to format 2, resuming where it stopped.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from warmline import crypto
from warmline.calls import Call
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


def test_format_1_records_open_and_are_moved_to_format_2(tmp_path: Path) -> None:
    """A file Warmline 0.1 wrote: its records open, the background re-seal moves every one
    (settings and private rows included) to format 2, and then the signed roster's floor
    refuses an old format-1 body put back from a copy."""
    from tests.core.test_key_migration import PASSPHRASES, write_old_line

    line = write_old_line(tmp_path / "old", calls=7)
    vault = Vault.open(line.data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        alex = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        old_bodies = {r["uuid"]: bytes(r["body"]) for r in vault.db.query("select * from calls")}
        assert {crypto.blob_version(b) for b in old_bodies.values()} == {1}
        assert {c.connection for c in alex.calls.select()} == set(line.calls.values())
        alex.settings.set_topics(["Sleep"])
        progress = alex.reseal(batch=3).run()
        assert progress.finished
        for table in ("calls", "settings"):
            rows = vault.db.query(f"select body from {table}")
            assert {crypto.blob_version(r["body"]) for r in rows} == {3}, table
        assert alex.settings.topics() == ["Sleep"]
        sam = vault.unlock(line.uuids["Sam"], PASSPHRASES["Sam"])
        sam.reseal().run()  # Sam's private rows move at Sam's unlock
        rows = vault.db.query("select body from debriefs")
        assert {crypto.blob_version(r["body"]) for r in rows} == {3}
        assert [d.feeling for d in sam.debriefs.select()] == ["Sam's own"]
        # The clear columns are bound now...
        first = next(iter(line.calls))
        vault.db.execute("update calls set duration_s = 1 where uuid = ?", [first])
        assert {c.uuid for c in alex.calls.select() if c.damaged} == {first}
        vault.db.execute("update calls set duration_s = null where uuid = ?", [first])
        # ...and an old format-1 body put back (with forged clear columns) is refused, by
        # a session unlocked after the floor was signed.
        vault.db.execute(
            "update calls set body = ?, caller_uuid = 'moved' where uuid = ?",
            [old_bodies[first], first],
        )
        alex.lock()
        again = vault.unlock(line.uuids["Alex"], PASSPHRASES["Alex"])
        assert {c.uuid for c in again.calls.select() if c.damaged} == {first}
        again.reseal().run()  # and the re-seal does not launder it into format 2
        body = next(vault.db.query("select body from calls where uuid = ?", [first]))["body"]
        assert crypto.blob_version(body) == 1
    finally:
        vault.close()


def test_bringing_notes_up_to_date_refuses_to_start_on_a_full_disk(
    vault: Vault, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections import namedtuple

    from warmline import rotation
    from warmline.errors import NotEnoughSpace

    session.calls.add_many([Call(connection=f"old {i}") for i in range(5)])
    session.team.replace_team_key()  # the rows now need moving to the new generation
    before = [bytes(r["body"]) for r in vault.db.query("select body from calls order by rowid")]
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(rotation.shutil, "disk_usage", lambda _path: usage(10**9, 10**9, 1024))
    with pytest.raises(NotEnoughSpace, match="not enough free space"):
        session.reseal().step()
    after = [bytes(r["body"]) for r in vault.db.query("select body from calls order by rowid")]
    assert after == before  # nothing was changed
    monkeypatch.undo()
    assert session.reseal().run().finished
