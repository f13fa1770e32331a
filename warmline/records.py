"""The shared machinery behind every record kind: seal on write, open on read, revisions.

Each record kind is a dataclass plus a small :class:`Repository` subclass that names its
table and which fields stay in clear (times, UUIDs) and which are sealed (everything a
person typed or chose). The sealed fields travel as one JSON body per row, bound to the
row's table, UUID, revision and (for personal data) owner.

Edits bump the revision. An update names the revision it was based on; if someone saved
in between, the update raises :class:`~warmline.errors.Conflict` instead of overwriting.
The body being replaced is kept in ``revisions``, still sealed, so history survives, beside
who replaced it and when (an account UUID and a time, in clear like a record's own author
and times; see :meth:`Repository.edits`).
"""

from __future__ import annotations

import json
import logging
import struct
import typing
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from sqlite_utils import Database

from warmline.accounts import Account, AccountKeys
from warmline.crypto import Key, SealContext, key_for, open_at, seal_json
from warmline.db import writing
from warmline.errors import Conflict, Locked, NotFound, Tampered
from warmline.timeutil import from_iso, to_iso, utcnow

log = logging.getLogger(__name__)


def new_uuid() -> str:
    return str(uuidlib.uuid4())


#: Columns that are part of the associated data in their own right (or are the body).
_NOT_CLEAR = frozenset({"uuid", "revision", "body", "owner_uuid", "rowid"})


_PREFIX = struct.Struct(">I").pack


def _clear_text(value: Any) -> bytes:
    if value.__class__ is str:
        return value.encode()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex().encode()
    return str(value).encode()


def canonical_clear(row: Mapping[str, Any]) -> bytes:
    """The row's clear columns as bound into the associated data (record format 2).

    Every column but the UUID, revision, owner and body that holds a value, in name order,
    each as ``name=`` and its length-prefixed text. Bound this way, moving a record to
    another regular, changing its author or its day, or swapping two rows' clear columns
    makes it fail to open. NULLs are left out so that a migration adding a column does not
    change the rows already there. (Built by hand rather than as JSON: it runs for every
    row of every list, and this is about three times cheaper.)
    """
    parts: list[bytes] = []
    for name in sorted(row):
        value = row[name]
        if name in _NOT_CLEAR or value is None:
            continue
        text = _clear_text(value)
        parts += (name.encode(), b"=", _PREFIX(len(text)), text)
    return b"".join(parts)


def _clear_plan(columns: Sequence[str]) -> list[tuple[bytes, int]]:
    """For a batch of rows: which columns are bound, in name order, with their prefix."""
    order = sorted((name, i) for i, name in enumerate(columns) if name not in _NOT_CLEAR)
    return [(name.encode() + b"=", i) for name, i in order]


@dataclass
class Unlocked:
    """What every repository needs from an unlocked session."""

    db: Database
    path: str
    account: Account
    keys: AccountKeys
    line_uuid: str = ""
    locked: bool = False
    #: The oldest record format this file still accepts (from the signed roster).
    min_format: int = 1
    #: Told ``(table, record uuid, "edit" | "delete")`` inside the write's transaction
    #: (the record of activity, warmline/audit.py).
    on_change: Callable[[str, str, str], None] | None = None

    def check(self) -> None:
        if self.locked:
            raise Locked()


@dataclass
class Record:
    """Fields every record has. ``damaged`` is set when its sealed body failed to open."""

    uuid: str = ""
    revision: int = 0
    damaged: bool = False


@dataclass(frozen=True)
class Edit:
    """Who made one revision of a record by editing it, and when.

    Read from the clear columns of ``revisions`` (``edited_by`` is an account UUID, as a
    record's author is): nothing is unsealed to answer it, and nothing new is stored.
    """

    revision: int
    edited_by: str
    edited_at: datetime | None


R = TypeVar("R", bound=Record)
# Bodies are JSON we sealed ourselves; raw_decode skips json.loads' wrapper work.
_BODY_DECODER = json.JSONDecoder()

_KINDS_CACHE: dict[type, dict[str, str]] = {}


def _field_kinds(cls: type) -> dict[str, str]:
    """How each field is stored: 'dt' (ISO text), 'list' (JSON), 'bool', or 'plain'."""
    kinds = _KINDS_CACHE.get(cls)
    if kinds is None:
        hints = typing.get_type_hints(cls)
        kinds = {}
        for name, hint in hints.items():
            text = str(hint)
            if "datetime" in text:
                kinds[name] = "dt"
            elif text.startswith(("list", "typing.List", "dict")):
                kinds[name] = "list"
            elif hint is bool:
                kinds[name] = "bool"
            else:
                kinds[name] = "plain"
        _KINDS_CACHE[cls] = kinds
    return kinds


class Repository(Generic[R]):
    """Seal, store, open and version one kind of record."""

    table: ClassVar[str]
    record_type: ClassVar[type]
    clear_fields: ClassVar[tuple[str, ...]] = ()
    sealed_fields: ClassVar[tuple[str, ...]] = ()
    personal: ClassVar[bool] = False
    label: ClassVar[str] = "A record"
    default_order: ClassVar[str] = "rowid desc"

    def __init__(self, ctx: Unlocked) -> None:
        self._ctx = ctx
        self._kinds = _field_kinds(self.record_type)
        self._has_updated_at = "updated_at" in self.clear_fields
        # Worked out once, because every list opens thousands of rows through them.
        self._known = frozenset(f.name for f in fields(self.record_type))
        self._clear_plan = tuple((name, self._kinds.get(name)) for name in self.clear_fields)

    # --- keys and contexts ---------------------------------------------------------------

    @property
    def _db(self) -> Database:
        self._ctx.check()
        return self._ctx.db

    @property
    def _key(self) -> Key:
        """The key new bodies are sealed with: the personal key, or the newest team key."""
        return self._ctx.keys.personal if self.personal else self._ctx.keys.team

    def _min_format(self) -> int:
        """The oldest format accepted. The signed floor covers the team's records; a
        person's private rows are moved by their owner at their own unlock, so they keep
        opening in the older format until then (only their owner can read them anyway)."""
        return 1 if self.personal else self._ctx.min_format

    def _opening_keys(self) -> dict[bytes, Key]:
        """Key id -> key for opening: every team-key generation held, or the personal key."""
        self._ctx.check()
        if self.personal:
            personal = self._ctx.keys.personal
            return {personal.key_id: personal}
        return self._ctx.keys.ring.by_id()

    @property
    def _owner(self) -> str:
        return self._ctx.account.uuid if self.personal else ""

    def _seal_ctx(self, row_uuid: str, revision: int, clear: bytes = b"") -> SealContext:
        return SealContext(self.table, row_uuid, "record", self._owner, revision, clear)

    # --- encoding ------------------------------------------------------------------------

    def _encode_clear(self, rec: R) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.clear_fields:
            value = getattr(rec, name)
            kind = self._kinds.get(name)
            if kind == "dt":
                value = to_iso(value)
            elif kind == "list":
                value = json.dumps(value)
            elif kind == "bool":
                value = int(bool(value))
            out[name] = value
        return out

    def _body(self, rec: R) -> dict[str, Any]:
        return {name: getattr(rec, name) for name in self.sealed_fields}

    def _records(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        clears: Sequence[bytes] | None = None,
    ) -> list[R]:
        """Open and build records from raw rows: the hot path of every list and search.

        Written flat, with everything looked up once per batch rather than once per row,
        because opening 100,000 calls must stay close to the cost of reading them in clear.
        A row whose body fails to open becomes a record marked ``damaged``.
        """
        index = {name: i for i, name in enumerate(columns)}
        by_kind: dict[str | None, list[tuple[str, int]]] = {}
        for name, kind in self._clear_plan:
            by_kind.setdefault(kind, []).append((name, index[name]))
        plain_cols = by_kind.get("plain", []) + by_kind.get(None, [])
        dt_cols = by_kind.get("dt", [])
        other_cols = [(n, i, k) for k in ("list", "bool") for n, i in by_kind.get(k, [])]
        i_uuid, i_rev, i_body = index["uuid"], index["revision"], index["body"]
        keys, owner, table, label = self._opening_keys(), self._owner, self.table, self.label
        only_key = next(iter(keys.values())) if len(keys) == 1 else None
        known, make, loads = self._known, self.record_type, json.loads
        fromiso = datetime.fromisoformat
        decode_body = _BODY_DECODER.raw_decode
        plan = _clear_plan(columns)
        prefix = _PREFIX
        min_format = self._min_format()
        out: list[R] = []
        for n, row in enumerate(rows):
            values: dict[str, Any] = {name: row[i] for name, i in plain_cols}
            try:
                for name, i in dt_cols:
                    text = row[i]
                    values[name] = fromiso(text) if text else None
                for name, i, kind in other_cols:
                    value = row[i]
                    if kind == "list":
                        values[name] = loads(value) if value else []
                    else:
                        values[name] = bool(value)
            except (ValueError, TypeError):
                # One malformed clear value (edited by hand, or a bad write) costs that
                # record, not the whole list: it shows as damaged like a failed seal.
                log.warning("a %s row has a malformed clear value", self.table)
                out.append(make(uuid=row[i_uuid], revision=row[i_rev], damaged=True))
                continue
            row_uuid = row[i_uuid]
            revision = row[i_rev]
            values["uuid"] = row_uuid
            values["revision"] = revision
            blob = row[i_body]
            key = only_key or key_for(keys, blob)
            if clears is None:  # canonical_clear of the raw row, with the plan made once
                parts: list[bytes] = []
                for head, i in plan:
                    value = row[i]
                    if value is not None:
                        text = value.encode() if value.__class__ is str else _clear_text(value)
                        parts += (head, prefix(len(text)), text)
                clear = b"".join(parts)
            else:
                clear = clears[n]
            try:
                if key is None or blob[2] < min_format:  # an older body put back: refused
                    raise Tampered(label)
                plain = open_at(
                    key, blob, table, row_uuid, "record", owner, revision, label, clear
                )
                body = decode_body(plain.decode("utf-8"))[0]
            except Tampered:
                log.warning("a %s row failed to open and is reported damaged", table)
                values["damaged"] = True
            else:
                if body.keys() <= known:
                    values.update(body)
                else:  # written by a newer version: keep what we understand
                    values.update({k: v for k, v in body.items() if k in known})
            out.append(make(**values))
        return out

    def _row_to_record(self, row: dict[str, Any]) -> R:
        return self._records(list(row), [list(row.values())])[0]

    # --- queries ---------------------------------------------------------------------------

    def _where(self, where: str | None, params: Sequence[Any]) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if self.personal:
            clauses.append("owner_uuid = ?")
            args.append(self._ctx.account.uuid)
        if where:
            clauses.append(f"({where})")
            args.extend(params)
        return (" and ".join(clauses) or "1"), args

    def _rows(
        self,
        where: str | None = None,
        params: Sequence[Any] = (),
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[dict[str, Any]]:
        clause, args = self._where(where, params)
        sql = (
            f"select * from [{self.table}] where {clause} order by {order_by or self.default_order}"
        )
        if limit is not None:
            sql += " limit ? offset ?"
            args += [limit, offset]
        return self._db.query(sql, args)

    def select(
        self,
        where: str | None = None,
        params: Sequence[Any] = (),
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[R]:
        clause, args = self._where(where, params)
        order = order_by or self.default_order
        sql = f"select * from [{self.table}] where {clause} order by {order}"
        if limit is not None:
            sql += " limit ? offset ?"
            args += [limit, offset]
        cursor = self._db.execute(sql, args)
        return self._records([d[0] for d in cursor.description], cursor)

    def open_rows(
        self,
        where: str | None = None,
        params: Sequence[Any] = (),
        *,
        order_by: str | None = None,
        limit: int | None = None,
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
        """Rows with their bodies opened but no records built: ``(clear, body)`` per row.

        ``clear`` holds the row's columns exactly as stored (times stay ISO text) without the
        sealed blob; ``body`` is the opened JSON, or None when it failed to open (damaged).
        For readers that walk every row for a few fields, such as the search index: building
        100,000 full records (each time parsed, each dataclass filled) cost it about a second.
        """
        clause, args = self._where(where, params)
        sql = (
            f"select * from [{self.table}] where {clause} order by {order_by or self.default_order}"
        )
        if limit is not None:
            sql += " limit ?"
            args.append(limit)
        cursor = self._db.execute(sql, args)
        columns = [d[0] for d in cursor.description]
        keys, owner, table, label = self._opening_keys(), self._owner, self.table, self.label
        decode_body = _BODY_DECODER.raw_decode
        for row in cursor:
            clear = dict(zip(columns, row, strict=True))
            bound = canonical_clear(clear)
            blob = clear.pop("body")
            key = key_for(keys, blob)
            try:
                if key is None or blob[2] < self._min_format():
                    raise Tampered(label)
                plain = open_at(
                    key, blob, table, clear["uuid"], "record", owner, clear["revision"], label,
                    bound,
                )  # fmt: skip
            except Tampered:
                log.warning("a %s row failed to open and is reported damaged", table)
                yield clear, None
            else:
                yield clear, decode_body(plain.decode("utf-8"))[0]

    def count(self, where: str | None = None, params: Sequence[Any] = ()) -> int:
        clause, args = self._where(where, params)
        sql = f"select count(*) as n from [{self.table}] where {clause}"
        return int(next(self._db.query(sql, args))["n"])

    def get(self, record_uuid: str) -> R:
        rows = list(self._rows("uuid = ?", [record_uuid]))
        if not rows:
            raise NotFound(self.label)
        return self._row_to_record(rows[0])

    # --- writes ----------------------------------------------------------------------------

    def _writing(self) -> AbstractContextManager[Database]:
        return writing(self._db, self._ctx.path)

    def _extra_columns(self, rec: R) -> dict[str, Any]:
        """Columns the repository fills itself (owner, timestamps)."""
        return {"owner_uuid": self._ctx.account.uuid} if self.personal else {}

    def _new_row(self, rec: R) -> tuple[R, dict[str, Any]]:
        """A new record's columns, its body sealed at revision 1."""
        values: dict[str, Any] = {"uuid": rec.uuid or new_uuid(), "revision": 1}
        if self._has_updated_at:
            values["updated_at"] = utcnow()
        rec = replace(rec, **values)
        row = self._encode_clear(rec)
        row.update(self._extra_columns(rec))
        row["uuid"] = rec.uuid
        row["revision"] = 1
        ctx = self._seal_ctx(rec.uuid, 1, canonical_clear(row))
        row["body"] = seal_json(self._key, self._body(rec), ctx)
        return rec, row

    def _prepare_new(self, rec: R) -> R:
        """Hook for record kinds that fill in or check fields before saving."""
        return rec

    def add(self, rec: R) -> R:
        """Store a new record, sealed; returns it with its UUID and revision 1."""
        return self.add_many([rec])[0]

    def add_many(self, records: Sequence[R]) -> list[R]:
        """Store new records in one transaction with one prepared statement.

        Everything is sealed first, so the transaction holds the write lock only for the
        inserts themselves.
        """
        if not records:
            return []
        prepared = [self._new_row(self._prepare_new(rec)) for rec in records]
        columns = list(prepared[0][1])
        sql = "insert into [{}] ({}) values ({})".format(
            self.table, ", ".join(f"[{c}]" for c in columns), ", ".join("?" for _ in columns)
        )
        with self._writing() as db:
            db.conn.executemany(sql, [[row[c] for c in columns] for _, row in prepared])
        return [rec for rec, _ in prepared]

    def update(self, rec: R) -> R:
        """Save an edit of ``rec``, which must still be at the revision it was read at."""
        if rec.damaged:
            raise Tampered(self.label)
        new_revision = rec.revision + 1
        if self._has_updated_at:
            rec = replace(rec, updated_at=utcnow())  # type: ignore[call-arg]
        clear = self._encode_clear(rec)
        with self._writing() as db:
            clause, args = self._where("uuid = ?", [rec.uuid])
            old = list(db.query(f"select * from [{self.table}] where {clause}", args))
            if not old:
                raise NotFound(self.label)
            if old[0]["revision"] != rec.revision:
                raise Conflict()
            # The new body is bound to the row as it will be: its stored columns with the
            # edited clear values over them (other columns keep what they hold).
            after = {**old[0], **clear, "revision": new_revision}
            ctx = self._seal_ctx(rec.uuid, new_revision, canonical_clear(after))
            body = seal_json(self._key, self._body(rec), ctx)
            if not self.personal:
                # A person's private records keep no history: who edited and when, in clear
                # beside their UUID, would say when they were writing (and so about which
                # call); nobody else could read the older versions anyway.
                db.table("revisions").insert(
                    {
                        "table_name": self.table,
                        "record_uuid": rec.uuid,
                        "revision": rec.revision,
                        "edited_at": to_iso(utcnow()),
                        "edited_by": self._ctx.account.uuid,
                        "body": old[0]["body"],
                        "clear": canonical_clear(old[0]).decode(),
                    }
                )
            sets = ", ".join(f"[{k}] = ?" for k in clear)
            sql = (
                f"update [{self.table}] set {sets}{', ' if sets else ''}revision = ?, body = ? "
                "where uuid = ? and revision = ?"
            )
            cursor = db.execute(sql, [*clear.values(), new_revision, body, rec.uuid, rec.revision])
            if cursor.rowcount != 1:
                raise Conflict()
            if self._ctx.on_change is not None and not self.personal:
                self._ctx.on_change(self.table, rec.uuid, "edit")
        return replace(rec, revision=new_revision)

    def delete(self, record_uuid: str) -> None:
        """Delete a record and its history. ``secure_delete`` overwrites the freed pages."""
        with self._writing() as db:
            clause, args = self._where("uuid = ?", [record_uuid])
            cursor = db.execute(f"delete from [{self.table}] where {clause}", args)
            if cursor.rowcount == 0:
                raise NotFound(self.label)
            db.execute(
                "delete from revisions where table_name = ? and record_uuid = ?",
                [self.table, record_uuid],
            )
            if self._ctx.on_change is not None and not self.personal:
                self._ctx.on_change(self.table, record_uuid, "delete")

    def history(self, record_uuid: str) -> list[R]:
        """Earlier revisions of a record, oldest first (the current one is not included)."""
        current = list(self._rows("uuid = ?", [record_uuid]))
        if not current:
            raise NotFound(self.label)
        rows = self._db.query(
            "select * from revisions where table_name = ? and record_uuid = ? order by revision",
            [self.table, record_uuid],
        )
        out = []
        for rev in rows:
            row = dict(current[0], revision=rev["revision"], body=rev["body"])
            bound = (rev.get("clear") or "").encode()
            out.append(self._records(list(row), [list(row.values())], [bound])[0])
        return out

    def edits(self, record_uuid: str) -> list[Edit]:
        """Who made each revision after the first, and when, oldest first.

        Revision *n* + 1 replaced revision *n*; its row in ``revisions`` holds the old body
        and the edit that replaced it, so each row answers for the revision after it.
        """
        self._ctx.check()
        rows = self._db.query(
            "select revision, edited_by, edited_at from revisions "
            "where table_name = ? and record_uuid = ? order by revision",
            [self.table, record_uuid],
        )
        return [
            Edit(row["revision"] + 1, row["edited_by"] or "", from_iso(row["edited_at"]))
            for row in rows
        ]
