"""A damaged, truncated, foreign or newer file is refused with a clear message, untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from warmline import crypto
from warmline.errors import VaultCorrupt, VaultFromNewerVersion
from warmline.session import Session
from warmline.vault import Vault

CHEAP = crypto.cheap_test_params


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_closed_vault(data_dir: Path) -> Path:
    vault, session = Vault.create(data_dir, "Line", "Alex", "a long passphrase", kdf_factory=CHEAP)
    from warmline.calls import Call

    session.calls.add_many([Call(connection="x" * 2000) for _ in range(50)])
    path = vault.path
    vault.close()
    return path


def test_truncated_file_is_refused_and_left_alone(data_dir: Path) -> None:
    path = make_closed_vault(data_dir)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = digest(path)
    with pytest.raises(VaultCorrupt) as info:
        Vault.open(data_dir, kdf_factory=CHEAP)
    assert "damaged or incomplete" in str(info.value)
    assert digest(path) == before
    # and the folder is not left locked
    with pytest.raises(VaultCorrupt):
        Vault.open(data_dir, kdf_factory=CHEAP)


@pytest.mark.parametrize("content", [b"hello", b"not a database at all" * 100])
def test_foreign_file_is_refused(data_dir: Path, content: bytes) -> None:
    data_dir.mkdir(parents=True)
    path = Vault.path_in(data_dir)
    path.write_bytes(content)
    with pytest.raises(VaultCorrupt):
        Vault.open(data_dir, kdf_factory=CHEAP)
    assert path.read_bytes() == content


def test_scrambled_pages_are_refused(data_dir: Path) -> None:
    path = make_closed_vault(data_dir)
    data = bytearray(path.read_bytes())
    for i in range(100, 4096 * 3):  # scramble the schema page and the next ones
        data[i] = (data[i] * 7 + 13) % 256
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(VaultCorrupt):
        Vault.open(data_dir, kdf_factory=CHEAP)
    assert digest(path) == before


@pytest.mark.parametrize(("table", "column"), [("accounts", "disabled"), ("calls", "body")])
def test_a_column_renamed_by_a_changed_byte_in_the_schema_is_refused(
    data_dir: Path, table: str, column: str
) -> None:
    """One byte of a ``CREATE TABLE`` text changed (found by the damaged-file fuzzing): the
    schema still parses and every page checks out, but a column has another name. It is
    refused at the door in plain words, not met later as a raw error."""
    path = make_closed_vault(data_dir)
    conn = sqlite3.connect(path)
    [(sql,)] = conn.execute("select sql from sqlite_schema where name = ?", [table]).fetchall()
    changed = sql.replace(f'"{column}"', f'"{column[:-1]}x"', 1)
    assert changed != sql
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("update sqlite_schema set sql = ? where name = ?", [changed, table])
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(VaultCorrupt):
        Vault.open(data_dir, kdf_factory=CHEAP)
    assert digest(path) == before


def test_vault_from_a_newer_version_is_refused(data_dir: Path) -> None:
    path = make_closed_vault(data_dir)
    conn = sqlite3.connect(path)
    conn.execute("update meta set value = '99' where key = 'schema_version'")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(VaultFromNewerVersion) as info:
        Vault.open(data_dir, kdf_factory=CHEAP)
    assert "newer version" in str(info.value)
    assert digest(path) == before


def test_an_older_vault_is_migrated_forward_and_keeps_its_records(data_dir: Path) -> None:
    from warmline.db import SCHEMA_VERSION

    path = make_closed_vault(data_dir)
    conn = sqlite3.connect(path)  # wind the file back to schema 1, as an older Warmline left it
    conn.execute("drop index if exists idx_calls_updated_at")
    conn.execute("delete from _sqlite_migrations where name = 'm002_calls_updated_at_index'")
    conn.execute("update meta set value = '1' where key = 'schema_version'")
    conn.commit()
    conn.close()
    vault = Vault.open(data_dir, kdf_factory=CHEAP)
    try:
        indexes = {i.name for i in vault.db.table("calls").indexes}
        assert "idx_calls_updated_at" in indexes
        version = next(vault.db.query("select value from meta where key = 'schema_version'"))
        assert int(version["value"]) == SCHEMA_VERSION
        session = vault.unlock(vault.accounts()[0].uuid, "a long passphrase")
        assert session.calls.count() == 50
    finally:
        vault.close()


def test_a_crash_mid_checkpoint_is_recovered_not_refused(tmp_path: Path) -> None:
    """Killed while a checkpoint had copied page 1 (with the new page count) into a main
    file that had not grown yet: SQLite recovers it from the WAL, so must we."""
    import shutil
    import struct

    from warmline.calls import Call

    live = tmp_path / "live"
    vault, session = Vault.create(live, "Line", "Alex", "a long passphrase", kdf_factory=CHEAP)
    vault.db.execute("PRAGMA wal_autocheckpoint = 0")
    session.calls.add_many([Call(connection="x" * 500) for _ in range(300)])
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy(str(vault.path) + suffix, str(crashed / "warmline.db") + suffix)
    vault.close()
    main = crashed / "warmline.db"
    wal = Path(str(main) + "-wal").read_bytes()
    (page_size,) = struct.unpack(">I", wal[8:12])
    newest_page_one, offset = b"", 32
    while offset + 24 + page_size <= len(wal):
        if struct.unpack(">I", wal[offset : offset + 4])[0] == 1:
            newest_page_one = wal[offset + 24 : offset + 24 + page_size]
        offset += 24 + page_size
    data = bytearray(main.read_bytes())
    data[:page_size] = newest_page_one
    main.write_bytes(bytes(data))

    reopened = Vault.open(crashed, kdf_factory=CHEAP)
    try:
        again = reopened.unlock(reopened.accounts()[0].uuid, "a long passphrase")
        assert again.calls.count() == 300
    finally:
        reopened.close()


def test_a_file_from_a_newer_version_in_rollback_mode_is_not_touched(data_dir: Path) -> None:
    path = make_closed_vault(data_dir)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("update meta set value = '99' where key = 'schema_version'")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(VaultFromNewerVersion):
        Vault.open(data_dir, kdf_factory=CHEAP)
    assert digest(path) == before
    assert not Path(str(path) + "-wal").exists()


def test_an_empty_file_from_an_interrupted_first_run_starts_over(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    Vault.path_in(data_dir).write_bytes(b"")
    assert not Vault.exists(data_dir)
    vault, session = Vault.create(data_dir, "Line", "Alex", "a long passphrase", kdf_factory=CHEAP)
    assert session.account.display_name == "Alex"
    vault.close()


# --- record format 2, the smaller findings ---------------------------------------------------


def _another_apps_database(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("create table recipes (name text, steps text)")
    conn.execute("insert into recipes values ('soup', 'chop, simmer')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_apps_sqlite_file_is_refused_byte_for_byte_untouched(
    data_dir: Path, journal: str
) -> None:
    data_dir.mkdir()
    path = data_dir / "warmline.db"
    _another_apps_database(path)
    if journal == "wal":
        conn = sqlite3.connect(str(path))
        conn.execute("pragma journal_mode = wal")
        conn.close()
    before = path.read_bytes()
    names_before = sorted(p.name for p in data_dir.iterdir())
    with pytest.raises(VaultCorrupt):
        Vault.open(data_dir)
    assert path.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir() if p.name != "warmline.lock") == [
        n for n in names_before if n != "warmline.lock"
    ]


def test_a_new_vault_carries_warmlines_application_id(vault: Vault) -> None:
    from warmline.db import APPLICATION_ID

    assert next(vault.db.query("pragma application_id"))["application_id"] == APPLICATION_ID
    header = vault.path.read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID


def test_one_malformed_clear_value_damages_one_record_not_the_list(
    vault: Vault, session: Session
) -> None:
    from warmline.calls import Call

    calls = session.calls.add_many([Call(connection=f"note {i}") for i in range(5)])
    vault.db.execute("update calls set started_at = 'not a time' where uuid = ?", [calls[2].uuid])
    listed = session.calls.select()
    assert len(listed) == 5
    damaged = [c.uuid for c in listed if c.damaged]
    assert damaged == [calls[2].uuid]
    assert {c.connection for c in listed if not c.damaged} == {"note 0", "note 1", "note 3",
                                                                "note 4"}  # fmt: skip


def test_a_blob_from_a_newer_format_says_so(vault: Vault, session: Session) -> None:
    from warmline import crypto
    from warmline.calls import Call
    from warmline.errors import NewerFormat

    call = session.calls.add(Call(connection="hello"))
    blob = bytearray(next(vault.db.query("select body from calls"))["body"])
    blob[2] = crypto.FORMAT_VERSION + 1
    vault.db.execute("update calls set body = ? where uuid = ?", [bytes(blob), call.uuid])
    with pytest.raises(NewerFormat, match="newer Warmline"):
        crypto.open_sealed(
            session._ctx.keys.team, bytes(blob), crypto.SealContext("calls", call.uuid)
        )
    assert session.calls.select()[0].damaged


def test_removed_keys_do_not_linger_in_the_wal(
    vault: Vault, session: Session, volunteer: Session, data_dir: Path
) -> None:
    sam = volunteer.account.uuid
    old_wrap = next(vault.db.query("select user_key from accounts where uuid = ?", [sam]))[
        "user_key"
    ]
    volunteer.lock()
    session.team.set_disabled(sam, True)
    wal = data_dir / "warmline.db-wal"
    assert not wal.exists() or old_wrap not in wal.read_bytes()


@pytest.mark.parametrize(
    ("sql", "write"),
    [
        ("drop table revisions", "edit"),
        ("alter table calls drop column rev_parent", "add"),
        ("drop table team_keys", "replace key"),
    ],
)
def test_a_table_or_column_taken_away_meanwhile_fails_a_write_in_plain_words(
    vault: Vault, session: Session, sql: str, write: str
) -> None:
    """Opening checks every table has its columns; one dropped with another tool while the
    line is open is met at the next write, which says the file is damaged (not SQLite's
    own words) and writes nothing."""
    from dataclasses import replace

    from warmline.calls import Call

    call = session.calls.add(Call(connection="first words"))
    other = sqlite3.connect(vault.path)
    other.execute(sql)
    other.commit()
    other.close()
    changes = vault.db.execute("select total_changes()").fetchone()[0]
    with pytest.raises(VaultCorrupt) as refused:
        if write == "edit":
            session.calls.update(replace(call, connection="second words"))
        elif write == "add":
            session.calls.add(Call(connection="more words"))
        else:
            session.team.replace_team_key()
    assert f"file at {vault.path} is damaged" in str(refused.value)
    assert vault.db.execute("select total_changes()").fetchone()[0] == changes
    assert [r["uuid"] for r in vault.db.query("select uuid from calls")] == [call.uuid]
