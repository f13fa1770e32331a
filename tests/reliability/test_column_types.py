"""Column types changed by hand: a value of another kind in any column of a record's row.

Someone editing the SQLite file with their own tools can change a column's *type*, not
only its bytes: ``update drafts set body = 'hello'`` makes the body TEXT, ``x'ff' || body``
makes it TEXT that is not UTF-8 (which Python's sqlite3 cannot even hand over), ``set
revision = 2.5`` makes it REAL. The promise (docs/reliability.md) is the one for damaged
bytes: that record alone shows as damaged, every other record still opens with its words,
nothing raises anything but Warmline's own plain errors, and reading changes nothing on disk.

Each case copies a small line holding every record kind (with some history), sets one
column of one row to one kind of value with plain SQLite, then opens and unlocks it and
reads everything the app reads (lists, the unlocked view, reports, the handover page, a
record's history, the retention preview, the record of activity), comparing every record
with how it read before. The record-bearing columns (body, uuid, revision, the clear day,
the owner, the revision ids) run every time; the rest of the columns run in the slow suite.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import random
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from tests.reliability.helpers import PASSPHRASE, new_line
from warmline import crypto
from warmline.accounts import Role
from warmline.callers import Caller
from warmline.calls import Call
from warmline.db import migrations
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.errors import WarmlineError
from warmline.followups import FollowUp
from warmline.handovers import Handover
from warmline.reports import Period, build_report
from warmline.retention import Retention, RetentionPolicy
from warmline.session import Session
from warmline.timeutil import utcnow
from warmline.vault import Vault

SAM_PASSPHRASE = "sam's own passphrase, long enough"
#: The record tables a person's words live in, and the history beside them.
TABLES = (
    "calls", "callers", "shifts", "handovers", "handover_acks", "followups", "debriefs",
    "drafts", "word_requests", "revisions",
)  # fmt: skip
#: Columns that carry a record's identity or its seal: every value kind runs for these
#: in the quick suite; the other columns (the clear day, revision ids, older clear facts
#: kept empty since format 3) in the slow one.
KEY_COLUMNS = frozenset({"body", "uuid", "revision", "record_uuid", "clear", "edit"})
#: The same for the accounts, the roster and the team-key wraps read at unlock.
KEY_UNLOCK_COLUMNS = frozenset(
    {"uuid", "user_key", "personal_key", "box_private", "anchor", "created_at", "body",
     "signature", "generation", "wrap"}
)  # fmt: skip
_NOISE = random.Random(7).randbytes(48)
#: What a tool can put in a column, as SQL over the value already there (``{c}``).
VALUES: dict[str, tuple[str, tuple[Any, ...]]] = {
    "null": ("NULL", ()),
    "integer": ("7", ()),
    "real": ("2.5", ()),
    "text": ("'hello'", ()),
    # TEXT whose bytes are not UTF-8 (SQLite keeps them as they are)
    "bad utf-8": ("x'ff00' || coalesce({c}, '')", ()),
    # the same bytes as before, stored as the other kind (text as a blob, a blob as text)
    "retyped": (
        "case typeof({c}) when 'text' then cast({c} as blob) else cast({c} as text) end",
        (),
    ),
    "random blob": ("?", (_NOISE,)),
    "empty blob": ("x''", ()),
}
DAMAGED = "damaged"


def _schema() -> dict[str, list[tuple[str, bool]]]:
    """Each record table's columns and whether they are NOT NULL, from Warmline's own
    migrations (an empty file)."""
    db = Database(memory=True)
    migrations.apply(db)
    out = {}
    for table in TABLES:
        info = db.execute(f"PRAGMA table_info([{table}])").fetchall()
        # An INTEGER PRIMARY KEY is the rowid itself: SQLite refuses anything but a number.
        out[table] = [
            (row[1], bool(row[3])) for row in info if not (row[5] and row[2].upper() == "INTEGER")
        ]
    return out


def _cases() -> list[Any]:
    cases = []
    for table, columns in _schema().items():
        for column, not_null in columns:
            for kind in VALUES:
                if kind == "null" and not_null:
                    continue  # SQLite itself refuses it
                marks = () if column in KEY_COLUMNS else (pytest.mark.slow,)
                cases.append(pytest.param(table, column, kind, id=f"{table}.{column}={kind}",
                                          marks=marks))  # fmt: skip
    return cases


# --- the line ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Line:
    data_dir: Path
    alex: str
    #: Every record as it read before anything was changed, per table (see :func:`seen`).
    before: dict[str, dict[Any, Any]]
    #: The rowid of the row each case changes, per table.
    target: dict[str, int]


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Line:
    """Three records of every kind, written by two people, some of them edited (history)."""
    data_dir = tmp_path_factory.mktemp("coltypes") / "line"
    alex = new_line(data_dir)
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    session = vault.unlock(alex, PASSPHRASE)
    sam_account = session.team.add_account("Sam", SAM_PASSPHRASE, Role.SHIFT_LEAD)
    sam = vault.unlock(sam_account.uuid, SAM_PASSPHRASE)
    callers = [session.callers.add(Caller(alias=f"regular {i}", notes=f"likes {i}"))
               for i in range(3)]  # fmt: skip
    shifts = [session.shifts.start(lead_uuid=sam_account.uuid) for _ in range(3)]
    session.shifts.end(shifts[0])
    calls = session.calls.add_many(
        [Call(connection=f"call {i} words", caller_uuid=callers[i].uuid,
              shift_uuid=shifts[i].uuid, topics=["sleep"], follow_up=f"ring {i} back")
         for i in range(3)]
    )  # fmt: skip
    edited = session.calls.get(calls[1].uuid)
    edited.connection = "call 1 words, second thoughts"
    session.calls.update(edited)
    handovers = [sam.handovers.add(Handover(how_it_was=f"night {i}", shift_uuid=shifts[i].uuid))
                 for i in range(3)]  # fmt: skip
    again = session.handovers.get(handovers[1].uuid)
    again.anything_else = "added later"
    session.handovers.update(again)
    for handover in handovers:
        session.handovers.acknowledge(handover.uuid, reply=f"read {handover.how_it_was}")
    for i in range(3):
        session.followups.add(FollowUp(text=f"follow up {i}", source_uuid=calls[i].uuid))
        session.debriefs.add(Debrief(note_to_self=f"my own {i}", call_uuid=calls[i].uuid))
        session.drafts.save(Draft(fields={"connection": f"unfinished {i}"}))
        sam.word_requests.ask(alex, shifts[i].uuid)
    vault.close()
    conn = sqlite3.connect(data_dir / "warmline.db")
    target = {}
    for table in TABLES:
        rowids = [r[0] for r in conn.execute(f"select rowid from [{table}] order by rowid")]
        assert len(rowids) >= 3, table
        target[table] = rowids[len(rowids) // 2]
    conn.close()
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        before = seen(vault.unlock(alex, PASSPHRASE))
    finally:
        vault.close()
    for table in TABLES:
        assert before[table] and DAMAGED not in before[table].values(), table
    return Line(data_dir, alex, before, target)


# --- reading everything -------------------------------------------------------------------


def _as_seen(records: list[Any]) -> dict[Any, Any]:
    return {r.uuid: DAMAGED if r.damaged else dataclasses.asdict(r) for r in records}


def seen(session: Session) -> dict[str, dict[Any, Any]]:
    """Every record as the app shows it, by table and UUID (history by record and revision),
    walking every reader the screens use along the way."""
    out: dict[str, dict[Any, Any]] = {}
    calls = session.calls.select()
    out["calls"] = _as_seen(calls)
    session.calls.newest(50)
    list(session.calls.iter_all(batch=2))
    session.view.build(session, batch=2)
    session.view.search(query="words")
    session.calls.page(1, 10)
    callers = session.callers.all()
    out["callers"] = _as_seen(callers)
    for caller in callers:
        session.calls.for_caller(caller.uuid)
        session.calls.count_for_caller(caller.uuid)
    shifts = session.shifts.select()
    out["shifts"] = _as_seen(shifts)
    session.shifts.recent()
    session.shifts.current()
    for shift in shifts:
        session.calls.for_shift(shift.uuid)
    handovers = session.handovers.all()
    out["handovers"] = _as_seen(handovers)
    session.handovers.unacknowledged(limit=None)
    session.handovers.all_acknowledgements()
    session.handovers.damaged_acknowledgements()
    out["handover_acks"] = _as_seen(session.handovers.acks.select())
    out["followups"] = _as_seen(session.followups.all())
    session.followups.overdue()
    out["debriefs"] = _as_seen(session.debriefs.mine())
    out["drafts"] = _as_seen(session.drafts.mine())
    out["word_requests"] = _as_seen(session.word_requests.select())
    session.word_requests.waiting_for_me()
    history: dict[Any, Any] = {}
    for repo, records in ((session.calls, calls), (session.handovers, handovers)):
        for rec in records:
            if rec.damaged:  # opening it may say so, in Warmline's own words
                with contextlib.suppress(WarmlineError):
                    repo.get(rec.uuid)
                continue
            repo.get(rec.uuid)
            for old in repo.history(rec.uuid):
                history[(rec.uuid, old.revision)] = (
                    DAMAGED if old.damaged else dataclasses.asdict(old)
                )
            repo.edits(rec.uuid)
            repo.needs_look()
    out["revisions"] = history
    today = utcnow().date()
    build_report(session, Period(today - timedelta(days=30), today), UTC, batch=2)
    policy = RetentionPolicy(calls_days=30, handovers_days=30)
    Retention(session, policy, today=today + timedelta(days=400), batch=2).preview()
    session.audit.verify()
    session.audit.entries()
    return out


def sha(data_dir: Path) -> tuple[str, ...]:
    return tuple(
        hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else ""
        for p in (data_dir / "warmline.db", data_dir / "warmline.db-wal")
    )


def changed_copy(line: Line, into: Path, change: Callable[[sqlite3.Connection], None]) -> Path:
    shutil.copytree(line.data_dir, into)
    conn = sqlite3.connect(into / "warmline.db")
    with conn:
        change(conn)
    conn.close()
    return into


def check_the_rest(line: Line, after: dict[str, dict[Any, Any]], table: str) -> None:
    """Every record but the changed one reads exactly as before; the changed one is damaged,
    reads as before, or is gone from its list; nothing unknown opened."""
    conn = sqlite3.connect(line.data_dir / "warmline.db")
    hit = conn.execute(
        f"select {'record_uuid, revision' if table == 'revisions' else 'uuid'} "
        f"from [{table}] where rowid = ?",
        [line.target[table]],
    ).fetchone()
    conn.close()
    changed = tuple(hit) if table == "revisions" else hit[0]
    for name, records in line.before.items():
        now = after[name]
        for key, record in records.items():
            if (name == table and key == changed) or (name == "revisions" and key[0] == changed):
                # the changed record (with its history, reached through it)
                assert now.get(key, DAMAGED) in (DAMAGED, record), f"{name} {key} opened changed"
            else:
                assert now.get(key) == record, f"{name} {key} no longer opens as it did"
        for key, record in now.items():
            assert key in records or record == DAMAGED, f"{name}: {key} opened from nowhere"


# --- the attack ---------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "column", "kind"), _cases())
def test_a_column_of_another_type_costs_one_record(
    line: Line, tmp_path: Path, table: str, column: str, kind: str
) -> None:
    expr, params = VALUES[kind]
    sql = f"update [{table}] set [{column}] = {expr.format(c=f'[{column}]')} where rowid = ?"

    def change(conn: sqlite3.Connection) -> None:
        conn.execute(sql, [*params, line.target[table]])

    copy = changed_copy(line, tmp_path / "line", change)
    vault = Vault.open(copy, kdf_factory=crypto.cheap_test_params)
    try:
        session = vault.unlock(line.alex, PASSPHRASE)
        before = sha(copy)
        after = seen(session)
        assert sha(copy) == before, "reading changed the file"
    finally:
        vault.close()
    check_the_rest(line, after, table)


def test_the_cases_cover_every_record_table() -> None:
    schema = _schema()
    assert set(schema) == set(TABLES)
    assert all("body" in dict(columns) for columns in schema.values())
    assert len(_cases()) == sum(
        len(VALUES) - not_null for columns in schema.values() for _, not_null in columns
    )


def test_unchanged_copy_reads_as_before(line: Line, tmp_path: Path) -> None:
    """The comparison itself: an untouched copy reads exactly as the original did."""
    copy = changed_copy(line, tmp_path / "line", lambda conn: None)
    vault = Vault.open(copy, kdf_factory=crypto.cheap_test_params)
    try:
        after = seen(vault.unlock(line.alex, PASSPHRASE))
    finally:
        vault.close()
    assert after == line.before


# --- writers that walk every row: the background re-seal -----------------------------------


@pytest.mark.parametrize(
    ("table", "column", "kind"),
    [
        pytest.param(t, c, k, id=f"{t}.{c}={k}", marks=() if c == "body" else pytest.mark.slow)
        for t in ("calls", "drafts", "revisions")
        for c in ("body", "uuid" if t != "revisions" else "record_uuid", "revision")
        for k in VALUES
    ],
)
def test_the_reseal_leaves_a_row_of_another_type_and_moves_the_rest(
    line: Line, tmp_path: Path, table: str, column: str, kind: str
) -> None:
    """The re-seal picks rows by their body's header in SQL, so a body of another type is
    always "left to do": it must be left as it is (damaged), not stop the job."""
    expr, params = VALUES[kind]
    sql = f"update [{table}] set [{column}] = {expr.format(c=f'[{column}]')} where rowid = ?"
    copy = changed_copy(
        line, tmp_path / "line", lambda conn: conn.execute(sql, [*params, line.target[table]])
    )
    vault = Vault.open(copy, kdf_factory=crypto.cheap_test_params)
    try:
        session = vault.unlock(line.alex, PASSPHRASE)
        session.reseal(batch=2).run()
        after = seen(session)
    finally:
        vault.close()
    check_the_rest(line, after, table)


# --- the accounts and the roster, read at unlock --------------------------------------------


def _unlock_columns() -> list[Any]:
    db = Database(memory=True)
    migrations.apply(db)
    cases = []
    for table in ("accounts", "roster", "team_keys"):
        for row in db.execute(f"PRAGMA table_info([{table}])").fetchall():
            if row[5] and row[2].upper() == "INTEGER":
                continue  # the rowid itself (the roster's seq): SQLite holds only integers
            for kind in VALUES:
                if kind == "null" and row[3]:
                    continue
                marks = () if row[1] in KEY_UNLOCK_COLUMNS else (pytest.mark.slow,)
                cases.append(pytest.param(table, row[1], kind, id=f"{table}.{row[1]}={kind}",
                                          marks=marks))  # fmt: skip
    return cases


@pytest.mark.parametrize(("table", "column", "kind"), _unlock_columns())
def test_an_account_or_roster_row_of_another_type_is_refused_plainly(
    line: Line, tmp_path: Path, table: str, column: str, kind: str
) -> None:
    """Every row of these tables changed in one column: unlocking opens the line or refuses
    in Warmline's own words (the roster, the accounts: Tampered and its kin, VaultCorrupt),
    never a raw Python error; a refusal at the door leaves the file as it was."""
    expr, params = VALUES[kind]
    # One row (the founder's account, the roster's first entry, the first wrap): changing
    # every row of a keyed column to one value is refused by SQLite itself.
    sql = (
        f"update [{table}] set [{column}] = {expr.format(c=f'[{column}]')} "
        f"where rowid = (select min(rowid) from [{table}])"
    )

    def change(conn: sqlite3.Connection) -> None:
        conn.execute(sql, list(params))

    copy = changed_copy(line, tmp_path / "line", change)
    before = sha(copy)
    try:
        vault = Vault.open(copy, kdf_factory=crypto.cheap_test_params)
    except WarmlineError:
        assert sha(copy) == before
        return
    try:
        with contextlib.suppress(WarmlineError):
            vault.accounts()
            session = vault.unlock(line.alex, PASSPHRASE)
            seen(session)
    finally:
        vault.close()
