"""Replacing the team key: a new generation for the current members, then re-sealing.

When someone is switched off or reset (and whenever a coordinator asks), a new generation of
the team key is made and sealed to every current member's X25519 key: nobody's passphrase
is needed, and the departed person gets none. New records use it at once. Older records are
re-sealed to it in the background by :class:`Reseal`, a batch at a time, each batch its own
transaction, so the app stays usable and a crash or a lock loses nothing: what is left is
simply found again next time (a row is "left" while its header names an older key id).

When no row needs an older generation any more, the older generations' wraps are deleted
from the file (and the pre-generation ``team_key`` columns are cleared). From then on, a
departed member's old keys and passphrase open nothing in the current file. An old *copy*
of the folder stays as readable as it was when it was taken: no software can change that.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from warmline import roster as rostermod
from warmline.crypto import (
    FORMAT_VERSION,
    KEY_ID_LEN,
    Key,
    SealContext,
    blob_version,
    key_for,
    open_sealed,
    seal,
    seal_json,
)
from warmline.db import checkpoint, reading, writing
from warmline.errors import NotEnoughSpace, Tampered
from warmline.keyring import seal_generation_to
from warmline.moved_columns import DAY_FROM, is_old, move_into_body, moved, parse_clear
from warmline.own_keys import personal_tables
from warmline.records import Unlocked, bound_clear, canonical_clear, clear_from_text, clear_to_text

#: Rows to re-seal: sealed with an older generation (the key id sits at bytes 4-19 of the
#: header; SQLite's substr counts from 1), or in an older format (byte 3).
_OLDER_SQL = (
    f"(substr(body, 4, {KEY_ID_LEN}) != ? or substr(body, 3, 1) != x'{FORMAT_VERSION:02x}')"
)
#: A person's private rows are sealed with their own key; only an older format needs work.
_OLDER_FORMAT_SQL = f"substr(body, 3, 1) != x'{FORMAT_VERSION:02x}'"
#: Earlier versions whose body, or whose sealed edit, is older; or whose edit is in clear.
_OLDER_REVISION_SQL = (
    f"({_OLDER_SQL} or (edit is not null and substr(edit, 4, {KEY_ID_LEN}) != ?) "
    "or edited_by is not null)"
)


def team_tables(db: Database) -> list[str]:
    """Tables of records sealed with the team key: a body, a revision, no owner."""
    out = []
    for name in db.table_names():
        columns = {c.name for c in db.table(name).columns}
        if {"uuid", "revision", "body"} <= columns and "owner_uuid" not in columns:
            out.append(name)
    return sorted(out)


def start_generation(
    db: Database, ctx: Unlocked, state: rostermod.RosterState
) -> tuple[int, rostermod.RosterState]:
    """Inside the caller's transaction: make the next generation, seal it to every active
    member with keys, sign the ``rotate`` entry committing to it. Returns the generation
    number and the roster after the entry.

    Wraps are inserted, never replaced: a row already there for that number means the
    roster and the keys disagree, and the transaction fails rather than overwrite a key.
    """
    generation = state.generation + 1
    key = Key.generate()
    for member in state.members.values():
        if member.disabled or member.box is None:
            continue
        db.table("team_keys").insert(
            {
                "generation": generation,
                "account_uuid": member.uuid,
                "wrap": seal_generation_to(ctx.line_uuid, member.uuid, member.box, generation, key),
            },
        )
    state = rostermod.append(
        db, state, ctx.keys.signer, ctx.account.uuid, "rotate",
        ctx.keys.ring.generations().get(1), generation=generation,
        commit=rostermod.commitment(ctx.line_uuid, generation, key),
    )  # fmt: skip
    ctx.keys.ring.add(generation, key)
    return generation, state


#: Steps in a row that change nothing before :meth:`Reseal.run` gives up.
_STALLED_STEPS = 3


@dataclass
class ResealProgress:
    done: int
    left: int
    finished: bool
    stuck: int = 0


@dataclass
class Reseal:
    """Re-seal older rows to the newest generation, a batch at a time (resumable)."""

    ctx: Unlocked
    batch: int = 500
    _cursor: dict[str, int] = field(default_factory=dict)
    _stuck: int = 0
    _left: int | None = None
    done: int = 0

    def left(self) -> int:
        """Rows (and earlier versions, and settings) not yet on the newest generation."""
        with reading(self.ctx.path):  # a table taken away underneath says "damaged"
            newest = self.ctx.keys.team.key_id
            db = self.ctx.db
            n = 0
            tables = team_tables(db)
            for table in tables:
                n += _count(db, f"select count(*) as n from [{table}] where {_OLDER_SQL}",
                            [newest])  # fmt: skip
            marks = ",".join("?" for _ in tables)
            if tables:
                n += _count(
                    db,
                    f"select count(*) as n from revisions where table_name in ({marks}) "
                    f"and {_OLDER_REVISION_SQL}",
                    [*tables, newest, newest],
                )
            n += _count(db, f"select count(*) as n from settings where {_OLDER_SQL}", [newest])
            me = self.ctx.account.uuid
            for table in personal_tables(db):
                n += _count(
                    db,
                    f"select count(*) as n from [{table}] "
                    f"where owner_uuid = ? and {_OLDER_FORMAT_SQL}",
                    [me],
                )
            return n

    def space_needed(self) -> int:
        """Bytes of free disk one batch may need: its rows rewritten in the WAL, twice over
        for the checkpoint, plus headroom. Rows are re-sealed in place, so a pass never
        needs room for a second copy of the file."""
        with reading(self.ctx.path):
            largest = _count(
                self.ctx.db, "select coalesce(max(length(body)), 0) as n from calls", []
            )
        return 3 * self.batch * (largest + 512) + 4 * 1024 * 1024

    def check_space(self) -> None:
        """Refuse to start (nothing written) when the disk is too full to finish a batch:
        a write failing half-way loses nothing, but it should not be started blind."""
        folder = Path(self.ctx.path).parent
        needed = self.space_needed()
        if shutil.disk_usage(folder).free < needed:
            raise NotEnoughSpace(needed // (1024 * 1024) + 1)

    def step(self) -> ResealProgress:
        """Re-seal up to ``batch`` rows in one transaction; finish when nothing is left."""
        self.ctx.check()
        if self._left is None:
            self.check_space()
        keys = self.ctx.keys.ring.by_id()
        newest = self.ctx.keys.team
        budget = self.batch
        stuck_before = self._stuck
        with writing(self.ctx.db, self.ctx.path) as db:
            for table in team_tables(db):
                budget -= self._table(db, table, keys, newest, budget)
                if budget <= 0:
                    break
            if budget > 0:
                budget -= self._revisions(db, keys, newest, budget)
            if budget > 0:
                budget -= self._settings(db, keys, newest)
            if budget > 0:
                budget -= self._personal(db, budget)
        processed = self.batch - budget
        if processed and self._left is not None:
            # Counting what is left means reading every body; once per pass is enough.
            # ``_left`` counts older rows, so a row met and left alone (damaged) stays in it.
            moved_on = processed - (self._stuck - stuck_before)
            self._left = max(0, self._left - moved_on)
            if self._left > self._stuck:
                return ResealProgress(self.done, self._left - self._stuck, False, self._stuck)
        self._left = self.left()
        left = self._left - self._stuck
        finished = False
        if left <= 0 and budget > 0:
            finished = self._finish()
        elif processed == 0:
            # A whole pass found nothing after the cursors, yet rows are left (written
            # behind them meanwhile): look from the start again next time.
            self._cursor.clear()
            self._stuck = 0
        return ResealProgress(self.done, max(0, left), finished, self._stuck)

    def run(self, max_steps: int = 1_000_000) -> ResealProgress:
        """All batches, one after another (for the command line and tests).

        Stops early once three steps in a row changed nothing: a pass that finds nothing
        looks again from the start (one step), and the next always moves a row or counts
        it as damaged, so three the same means nothing more can move now. Better to say
        "not finished" than to spin through every remaining step.
        """
        progress = ResealProgress(self.done, self.left(), False)
        unchanged = 0
        for _ in range(max_steps):
            before, progress = progress, self.step()
            if progress.finished or (progress.left == 0 and progress.stuck):
                break
            unchanged = unchanged + 1 if progress == before else 0
            if unchanged == _STALLED_STEPS:
                break
        return progress

    # --- per kind of row ---------------------------------------------------------------------

    def _table(self, db: Database, table: str, keys: dict[bytes, Key], newest: Key,
               budget: int) -> int:  # fmt: skip
        after = self._cursor.get(table, 0)
        rows = list(
            db.query(
                f"select rowid, * from [{table}] where rowid > ? and "
                f"{_OLDER_SQL} order by rowid limit ?",
                [after, newest.key_id, budget],
            )
        )
        writes: _Writes = {}
        for row in rows:
            self._cursor[table] = row["rowid"]
            self._reseal_row(writes, table, row, keys, newest, "")
        _write(db, writes)
        return len(rows)

    def _reseal_row(self, writes: _Writes, table: str, row: dict[str, object],
                    keys: dict[bytes, Key], newest: Key, owner: str,
                    floor: int | None = None) -> None:  # fmt: skip
        """Open one stored row, move any clear facts into its body (format 3) and seal it to
        ``newest`` bound to its new clear columns; its update (body and the columns that
        change, at once) goes into ``writes``, one statement per set of columns."""
        blob, uuid, revision = row["body"], row["uuid"], row["revision"]
        if not (isinstance(blob, bytes) and isinstance(uuid, str) and type(revision) is int):
            self._stuck += 1  # a column of another type (changed by hand): left, damaged
            return
        version = blob_version(blob)
        bound = bound_clear(table, row, version)
        plain = self._open(keys, blob, SealContext(table, uuid, "record", owner, revision, bound),
                           floor)  # fmt: skip
        if plain is None:
            return
        changes: dict[str, object] = {}
        if version >= 3 and not is_old(table, row) and (row.get("day") or table not in DAY_FROM):
            # Nothing to move (the common case after the first key replacement): the same
            # plaintext under the newest key, bound to the same clear columns.
            sealed = seal(newest, plain, SealContext(table, uuid, "record", owner, revision, bound))
        else:
            body, moves = move_into_body(table, row, json.loads(plain))
            changes = {name: value for name, value in moves.items() if row.get(name) != value}
            # A format-3 row whose columns stay as they are is bound to what it was bound to.
            clear = bound if version >= 3 and not changes else canonical_clear({**row, **changes})
            ctx = SealContext(table, uuid, "record", owner, revision, clear)
            sealed = seal_json(newest, body, ctx)
        sets = "".join(f", [{name}] = ?" for name in changes)
        writes.setdefault(f"update [{table}] set body = ?{sets} where rowid = ?", []).append(
            [sealed, *changes.values(), row["rowid"]]
        )

    def _revisions(self, db: Database, keys: dict[bytes, Key], newest: Key, budget: int) -> int:
        tables = team_tables(db)
        if not tables:
            return 0
        marks = ",".join("?" for _ in tables)
        rows = list(
            db.query(
                f"select * from revisions where id > ? "
                f"and table_name in ({marks}) and {_OLDER_REVISION_SQL} order by id limit ?",
                [self._cursor.get("revisions", 0), *tables, newest.key_id, newest.key_id, budget],
            )
        )
        for row in rows:
            self._cursor["revisions"] = row["id"]
            self._reseal_revision(db, row, keys, newest)
        return len(rows)

    def _reseal_revision(
        self, db: Database, row: Mapping[str, object], keys: dict[bytes, Key], newest: Key
    ) -> None:
        """An earlier version: its body moved to format 3 like a row (the clear columns it
        was bound to are kept beside it), and who replaced it, when, sealed as its edit."""
        table, uuid, revision = row["table_name"], row["record_uuid"], row["revision"]
        blob = row["body"]
        if not (
            isinstance(blob, bytes)
            and isinstance(table, str)
            and isinstance(uuid, str)
            and type(revision) is int
        ):
            self._stuck += 1  # a column of another type (changed by hand): left, damaged
            return
        bound = clear_from_text(row["clear"])
        changes: dict[str, object] = {}
        plain = self._open(keys, blob, SealContext(table, uuid, "record", "", revision, bound))
        if plain is not None:
            try:
                kept: dict[str, object] = dict(parse_clear(bound))
            except ValueError:
                kept = {}
            kept_moved = {name: kept.get(name) for name in moved(table)}
            body, moves = move_into_body(
                table, {**kept_moved, "day": kept.get("day")}, json.loads(plain)
            )
            clear_row = {**kept, **moves}
            new_clear = canonical_clear(clear_row)
            ctx = SealContext(table, uuid, "record", "", revision, new_clear)
            changes["body"] = seal_json(newest, body, ctx)
            changes["clear"] = clear_to_text(new_clear)
        edit_ctx = SealContext("revisions", uuid, f"edit:{table}", "", revision)
        if row.get("edited_by") is not None:
            edit = {"by": row["edited_by"], "at": row["edited_at"]}
            changes.update(edit=seal_json(newest, edit, edit_ctx), edited_by=None,
                           edited_at=None)  # fmt: skip
        elif isinstance(row["edit"], bytes):
            edit_plain = self._open(keys, row["edit"], edit_ctx)
            if edit_plain is not None:
                changes["edit"] = seal(newest, edit_plain, edit_ctx)
        if changes:
            sets = ", ".join(f"[{name}] = ?" for name in changes)
            db.execute(f"update revisions set {sets} where id = ?", [*changes.values(), row["id"]])

    def _settings(self, db: Database, keys: dict[bytes, Key], newest: Key) -> int:
        if self._cursor.get("settings"):
            return 0
        self._cursor["settings"] = 1
        rows = list(db.query(f"select key, body from settings where {_OLDER_SQL}", [newest.key_id]))
        for row in rows:
            ctx = SealContext("settings", row["key"], "value")
            blob = self._one(keys, newest, row["body"], ctx)
            if blob is not None:
                db.execute("update settings set body = ? where key = ?", [blob, row["key"]])
        return len(rows)

    def _personal(self, db: Database, budget: int) -> int:
        """This person's own private rows still in an older format (same key, new format)."""
        me, personal = self.ctx.account.uuid, self.ctx.keys.personal
        keys = {personal.key_id: personal}
        done = 0
        for table in personal_tables(db):
            rows = list(
                db.query(
                    f"select rowid, * from [{table}] where owner_uuid = ? and rowid > ? and "
                    f"{_OLDER_FORMAT_SQL} order by rowid limit ?",
                    [me, self._cursor.get(f"personal:{table}", 0), budget - done],
                )
            )
            writes: _Writes = {}
            for row in rows:
                self._cursor[f"personal:{table}"] = row["rowid"]
                self._reseal_row(writes, table, row, keys, personal, me, floor=1)
            _write(db, writes)
            done += len(rows)
            if done >= budget:
                break
        return done

    def _open(self, keys: dict[bytes, Key], blob: bytes, ctx: SealContext,
              floor: int | None = None) -> bytes | None:  # fmt: skip
        key = key_for(keys, blob)
        try:
            # Below the signed floor means put back from an old copy: never re-sealed into a
            # current format (that would make the forgery look genuine), left as damaged.
            if key is None or blob[2] < (self.ctx.min_format if floor is None else floor):
                raise Tampered()
            plain = open_sealed(key, blob, ctx)
        except Tampered:
            self._stuck += 1  # damaged, or sealed with a key nobody here holds: left as it is
            return None
        self.done += 1
        return plain

    def _one(
        self, keys: dict[bytes, Key], newest: Key, blob: bytes, ctx: SealContext
    ) -> bytes | None:
        """One sealed value (a setting) opened and sealed again with ``newest``."""
        plain = self._open(keys, blob, ctx)
        return None if plain is None else seal(newest, plain, ctx)

    def _finish(self) -> bool:
        """Nothing needs an older generation: delete their wraps from the file."""
        if self._stuck:
            return False
        newest = self.ctx.keys.ring.newest_generation
        with writing(self.ctx.db, self.ctx.path) as db:
            db.execute("delete from team_keys where generation < ?", [newest])
            if newest > 1:
                # Generation 1 is replaced: the team key people carried over from before
                # generations opens nothing current, so it goes. While generation 1 is still
                # the newest, people who have not unlocked since the update still need it.
                db.execute("update accounts set team_key = x'' where team_key != x''")
            self._raise_floor(db)
        checkpoint(self.ctx.db)
        return True

    def _raise_floor(self, db: Database) -> None:
        """Every record is in the current format: say so in the signed roster, so that from
        now on an older body put back from a copy is refused rather than believed."""
        if self.ctx.min_format >= FORMAT_VERSION:
            return
        from warmline.accounts import load_row, open_anchor

        keys, me = self.ctx.keys, self.ctx.account.uuid
        row = load_row(db, me)
        if row is None:
            return
        gen1 = keys.ring.generations().get(1)
        pin = rostermod.read_pin(open_anchor(row, keys.user))
        state = rostermod.verify_roster(db, self.ctx.line_uuid, pin, gen1)
        if state is None:  # a file from before the roster: nothing signed to raise yet
            return
        if state.min_format < FORMAT_VERSION:
            rostermod.sign_and_pin(
                db, state, keys.signer, me, keys.user, gen1, "format", version=FORMAT_VERSION
            )
        self.ctx.min_format = FORMAT_VERSION


#: Updates gathered over a batch: each statement with the parameters of every row it writes.
_Writes = dict[str, list[list[object]]]


def _write(db: Database, writes: _Writes) -> None:
    """One ``executemany`` per statement: a batch of rows costs a few calls into SQLite,
    not one each (inside the caller's transaction)."""
    for sql, rows in writes.items():
        db.conn.executemany(sql, rows)


def _count(db: Database, sql: str, params: list[object]) -> int:
    return int(next(db.query(sql, params))["n"])
