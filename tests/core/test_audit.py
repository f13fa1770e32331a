"""The record of activity: what it records, what it never records, and tampering found.

The attacks are made the way a person with the file and their own tools would: raw SQL
through ``sqlite3`` on the data file, with Warmline's own connection closed.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.core.conftest import PASSPHRASE
from warmline import audit, crypto
from warmline.accounts import Role
from warmline.audit import Kind
from warmline.calls import Call
from warmline.errors import WrongPassphrase
from warmline.session import Session
from warmline.vault import Vault

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def reopen(data_dir: Path, vault: Vault, who: str = "") -> tuple[Vault, Session]:
    """Close and open again as the first coordinator (or ``who``)."""
    vault.close()
    again = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    account = who or next(a.uuid for a in again.accounts() if a.display_name == "Alex")
    return again, again.unlock(account, PASSPHRASE)


@contextlib.contextmanager
def raw(data_dir: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(str(Vault.path_in(data_dir)))
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def busy_line(data_dir: Path, vault: Vault, session: Session) -> Path:
    """A line with a dozen entries or so, closed (so raw SQL can reach the file)."""
    call = session.calls.add(Call(started_at=T0, worldview="a sentence typed by a person"))
    call = session.calls.update(replace(call, worldview="an edit typed by a person"))
    for _ in range(3):
        session.lock()
        session = vault.unlock(session.account.uuid, PASSPHRASE)
    session.calls.delete(call.uuid)
    session.lock()
    vault.close()
    return data_dir


def verdict_after(data_dir: Path) -> audit.Verdict:
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        alex = next(a.uuid for a in vault.accounts() if a.display_name == "Alex")
        session = vault.unlock(alex, PASSPHRASE)
        return session.audit.verify()
    finally:
        vault.close()


def seqs(data_dir: Path) -> list[int]:
    with raw(data_dir) as conn:
        return [r[0] for r in conn.execute("select seq from audit order by seq")]


# --- what is recorded ----------------------------------------------------------------------


def test_unlock_edit_delete_and_lock_are_recorded_in_order(vault: Vault, session: Session) -> None:
    call = session.calls.add(Call(started_at=T0, worldview="first words"))
    call = session.calls.update(replace(call, worldview="second words"))
    session.calls.delete(call.uuid)
    me = session.account.uuid
    session.lock()
    again = vault.unlock(me, PASSPHRASE)
    kinds = [(e.kind, e.table, e.record) for e in reversed(again.audit.entries())]
    assert kinds == [
        (Kind.UNLOCK, "", ""),
        (Kind.RECORD_EDITED, "calls", call.uuid),
        (Kind.RECORD_DELETED, "calls", call.uuid),
        (Kind.LOCK, "", ""),
        (Kind.UNLOCK, "", ""),
    ]
    assert all(e.who == me for e in again.audit.entries())
    assert again.audit.verify().ok


def test_failed_unlocks_are_counted_and_recorded_at_the_next_unlock(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    sam = volunteer.account.uuid
    volunteer.lock()
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            vault.unlock(sam, "not sam's passphrase at all")
    # Before anyone unlocks, only a clear count waits (no keys are held to seal with).
    assert audit.pending_failures(vault.db) == {sam: 3}
    alex = session.account.uuid
    session.lock()
    again = vault.unlock(alex, PASSPHRASE)
    newest = again.audit.entries()
    assert (newest[0].kind, newest[0].who) == (Kind.UNLOCK, alex)
    assert (newest[1].kind, newest[1].who, newest[1].count) == (Kind.UNLOCK_FAILED, sam, 3)
    assert audit.pending_failures(vault.db) == {}
    assert again.audit.verify().ok


def test_account_changes_and_a_replaced_lock_are_recorded(vault: Vault, session: Session) -> None:
    sam = session.team.add_account("Sam", "sam's own passphrase", Role.VOLUNTEER)
    session.team.set_role(sam.uuid, Role.SHIFT_LEAD)
    session.team.reset_passphrase(sam.uuid, "a new one for sam to use")
    session.team.set_disabled(sam.uuid, True)
    session.team.replace_team_key()
    done = [(e.kind, e.record) for e in reversed(session.audit.entries())]
    assert done[1:] == [
        (Kind.ACCOUNT_ADDED, sam.uuid),
        (Kind.ROLE_CHANGED, sam.uuid),
        (Kind.PASSPHRASE_RESET, sam.uuid),
        (Kind.TEAM_LOCK_REPLACED, ""),
        (Kind.SWITCHED_OFF, sam.uuid),
        (Kind.TEAM_LOCK_REPLACED, ""),
        (Kind.TEAM_LOCK_REPLACED, ""),
    ]
    assert session.audit.verify().ok


def test_entries_made_under_an_older_team_lock_still_check_after_the_re_seal(
    vault: Vault, session: Session
) -> None:
    for _ in range(3):
        session.calls.update(session.calls.add(Call(started_at=T0)))
    session.team.replace_team_key()
    session.reseal().run()
    with raw_db(vault) as rows:
        assert rows == 0  # no generation but the newest left in the file
    assert session.audit.verify().ok
    gens = {e.generation for e in session.audit.entries()}
    assert gens == {1, 2}  # each entry keeps the generation it was made under


@contextlib.contextmanager
def raw_db(vault: Vault) -> Iterator[int]:
    row = next(vault.db.query("select count(*) as n from team_keys where generation < 2"))
    yield int(row["n"])


def test_a_backup_helper_can_record_through_the_module_function(session: Session) -> None:
    audit.record(session, Kind.BACKUP_MADE)
    audit.record(session, Kind.BACKUP_RESTORED)
    audit.record(session, Kind.RETENTION_RUN, count=12)
    kinds = [e.kind for e in session.audit.entries()[:3]]
    assert kinds == [Kind.RETENTION_RUN, Kind.BACKUP_RESTORED, Kind.BACKUP_MADE]


def test_private_reflections_and_drafts_leave_no_entries(session: Session) -> None:
    from warmline.debriefs import Debrief
    from warmline.drafts import Draft

    reflection = session.debriefs.add(Debrief(feeling="mine alone"))
    session.debriefs.update(replace(reflection, feeling="still mine"))
    draft = session.drafts.add(Draft(kind="call", fields={"worldview": "half a thought"}))
    session.drafts.delete(draft.uuid)
    assert [e.kind for e in session.audit.entries()] == [Kind.UNLOCK]


# --- what is never recorded, nor shown in clear ------------------------------------------------


def test_nothing_typed_and_no_time_or_person_is_in_clear(
    data_dir: Path, vault: Vault, session: Session
) -> None:
    call = session.calls.add(Call(started_at=T0, worldview="CANARY-typed-words"))
    session.calls.update(replace(call, worldview="CANARY-edited-words"))
    me = session.account.uuid
    with raw(data_dir) as conn:
        columns = [r[1] for r in conn.execute("pragma table_info(audit)")]
        rows = conn.execute("select * from audit").fetchall()
    assert set(columns) == {"uuid", "revision", "seq", "day", "body"}
    for row in rows:
        clear = b"".join(str(v).encode() for v in row if not isinstance(v, bytes))
        assert me.encode() not in clear
        blob = next(v for v in row if isinstance(v, bytes))
        assert me.encode() not in blob and b"CANARY" not in blob
    session.lock()
    vault.close()
    whole = Vault.path_in(data_dir).read_bytes()
    assert b"CANARY" not in whole


# --- attacks with raw SQL, each found and located ------------------------------------------------


def test_an_untouched_record_checks_out(busy_line: Path) -> None:
    verdict = verdict_after(busy_line)
    assert verdict.ok, verdict.problems
    assert verdict.checked >= 10
    assert "as Warmline wrote" in verdict.summary


def test_an_entry_deleted_in_the_middle_is_found_and_located(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        conn.execute("delete from audit where seq = 5")
    verdict = verdict_after(busy_line)
    assert not verdict.ok
    assert verdict.first_problem == 5
    assert "Entry 5 is missing" in verdict.summary
    assert "entries after it are intact" in verdict.summary


def test_entries_cut_off_the_end_are_found(busy_line: Path) -> None:
    last = seqs(busy_line)[-1]
    with raw(busy_line) as conn:
        conn.execute("delete from audit where seq > ?", [last - 3])
    verdict = verdict_after(busy_line)
    assert not verdict.ok
    assert verdict.first_problem == last - 2
    summary = verdict.summary.lower()
    assert f"entries {last - 2} to {last} are missing" in summary and "removed" in summary


def test_the_end_cut_off_with_its_marker_is_found(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        conn.execute("delete from audit where seq > 4")
        conn.execute("delete from audit_head")
    verdict = verdict_after(busy_line)
    assert not verdict.ok
    assert verdict.first_problem == 5


def test_a_changed_body_is_found_and_located(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        body = conn.execute("select body from audit where seq = 6").fetchone()[0]
        changed = body[:-1] + bytes([body[-1] ^ 1])
        conn.execute("update audit set body = ? where seq = 6", [changed])
    verdict = verdict_after(busy_line)
    assert not verdict.ok
    assert verdict.first_problem == 6
    assert "Entry 6 was changed" in verdict.summary
    assert "entries after it are intact" in verdict.summary


def test_a_changed_day_is_found(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        conn.execute("update audit set day = '1999-01-01' where seq = 3")
    verdict = verdict_after(busy_line)
    assert (verdict.ok, verdict.first_problem) == (False, 3)


def test_a_changed_number_is_found(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        conn.execute("update audit set seq = 100 where seq = 4")
    verdict = verdict_after(busy_line)
    assert not verdict.ok
    assert verdict.first_problem == 4


def test_two_swapped_entries_are_found_and_located(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        a = conn.execute("select uuid, body from audit where seq = 3").fetchone()
        b = conn.execute("select uuid, body from audit where seq = 4").fetchone()
        conn.execute("update audit set seq = -1 where seq = 3")
        conn.execute("update audit set seq = 3 where seq = 4")
        conn.execute("update audit set seq = 4 where seq = -1")
        assert a[1] != b[1]
    verdict = verdict_after(busy_line)
    assert not verdict.ok
    assert verdict.first_problem == 3
    assert any("Entry 4" in p for p in verdict.problems)


def test_swapped_bodies_are_found(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        a = conn.execute("select body from audit where seq = 7").fetchone()[0]
        b = conn.execute("select body from audit where seq = 8").fetchone()[0]
        conn.execute("update audit set body = ? where seq = 7", [b])
        conn.execute("update audit set body = ? where seq = 8", [a])
    verdict = verdict_after(busy_line)
    assert (verdict.ok, verdict.first_problem) == (False, 7)


def test_a_forged_entry_is_found(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        body = conn.execute("select body from audit where seq = 2").fetchone()[0]
        last = conn.execute("select max(seq) from audit").fetchone()[0]
        conn.execute(
            "insert into audit (uuid, revision, seq, day, body) values (?, 1, ?, ?, ?)",
            ["forged", last + 1, "2026-03-02", body],
        )
    verdict = verdict_after(busy_line)
    assert not verdict.ok
    assert verdict.first_problem == last + 1
    assert "changed or added" in verdict.summary


def test_an_entry_put_in_between_is_found(busy_line: Path) -> None:
    with raw(busy_line) as conn:
        conn.execute("update audit set seq = seq + 1000 where seq >= 5")
        conn.execute("update audit set seq = seq - 999 where seq >= 1005")
        body = conn.execute("select body from audit where seq = 2").fetchone()[0]
        conn.execute(
            "insert into audit (uuid, revision, seq, day, body) values ('x', 1, 5, ?, ?)",
            ["2026-03-02", body],
        )
    verdict = verdict_after(busy_line)
    assert (verdict.ok, verdict.first_problem) == (False, 5)


def test_a_member_cannot_rewrite_someone_elses_entry_even_holding_the_lock(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    """A member holds the team's key, so they could seal an entry of their own making; the
    signature of whoever wrote the entry after it still gives them away."""
    target = volunteer.audit.entries()[-2]  # an entry Alex wrote
    assert target.by == session.account.uuid
    ctx = volunteer._ctx
    row = next(vault.db.query("select * from audit where seq = ?", [target.seq]))
    opened = audit.open_entry(ctx.keys.ring.by_id(), row)
    assert opened is not None
    # Sam writes a different entry at that place, chained to the same entry before it,
    # sealed with the team's key and signed with Sam's own: it opens and checks by itself.
    forged = audit.build_entry(ctx, target.seq, opened[0]["prev"], Kind.LOCK)
    body, _ = audit.seal_entry(ctx, row["uuid"], row["day"], forged)
    with vault.db.conn:
        vault.db.execute("update audit set body = ? where seq = ?", [body, target.seq])
    verdict = session.audit.verify()
    assert not verdict.ok
    assert verdict.first_problem == target.seq


def test_the_verdict_speaks_plain_words(busy_line: Path) -> None:
    from warmline.language import LanguageLens

    with raw(busy_line) as conn:
        conn.execute("delete from audit where seq = 5")
    verdict = verdict_after(busy_line)
    for text in [verdict.summary, *verdict.problems]:
        lowered = text.lower()
        for word in ("key", "hash", "encrypt", "sql", "seq", "row"):
            assert word not in lowered, text
        assert not LanguageLens.default().scan(text), text


def test_a_member_cutting_the_end_is_found_unless_cut_back_to_their_own_entry(
    vault: Vault, session: Session, volunteer: Session
) -> None:
    """Sam holds the team's key, so Sam can rewrite the end marker; but it must be signed by
    whoever wrote the entry it names, and Sam cannot sign as Alex. Cut back to an entry of
    Sam's own, it passes: the limit docs/architecture.md states."""
    sams_last = volunteer.audit.record(Kind.REPORT_PRINTED)
    session.audit.record(Kind.BACKUP_MADE)
    alex_last = session.audit.record(Kind.REPORT_SAVED)
    ctx = volunteer._ctx
    with vault.db.conn:
        vault.db.execute("delete from audit where seq > ?", [sams_last])
        row = next(vault.db.query("select * from audit where seq = ?", [sams_last]))
        entry, signature = audit.open_entry(ctx.keys.ring.by_id(), row) or ({}, b"")
        link = audit._link(audit._canonical(entry), signature)
        vault.db.execute(
            "update audit_head set body = ? where uuid = 'head'",
            [audit._head_body(ctx, sams_last, link)],
        )
    verdict = session.audit.verify()
    assert verdict.ok  # the chain itself is whole, and the marker is Sam's own: a known limit
    assert alex_last == sams_last + 2
    # ...but cut after one of Alex's entries, the marker Sam signs gives the cut away.
    alex_entry = session.audit.record(Kind.REPORT_SAVED)
    session.audit.record(Kind.BACKUP_MADE)
    with vault.db.conn:
        vault.db.execute("delete from audit where seq > ?", [alex_entry])
        row = next(vault.db.query("select * from audit where seq = ?", [alex_entry]))
        entry, signature = audit.open_entry(ctx.keys.ring.by_id(), row) or ({}, b"")
        link = audit._link(audit._canonical(entry), signature)
        vault.db.execute(
            "update audit_head set body = ? where uuid = 'head'",
            [audit._head_body(ctx, alex_entry, link)],
        )
    verdict = session.audit.verify()
    assert not verdict.ok
    assert verdict.first_problem == alex_entry
