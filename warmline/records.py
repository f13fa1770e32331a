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

import base64
import binascii
import contextlib
import json
import logging
import secrets
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
from warmline.crypto import (
    HEADER_LEN,
    Key,
    SealContext,
    blob_version,
    key_for,
    open_at,
    open_json_with,
    open_sealed,
    seal,
    seal_json,
)
from warmline.db import reading, writing
from warmline.errors import Conflict, Locked, NotFound, Tampered
from warmline.moved_columns import move_into_body, moved, parse_clear, unbound_before_format3
from warmline.timeutil import stored_time, to_iso, utcnow

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


def bound_clear(table: str, row: Mapping[str, Any], version: int) -> bytes:
    """What a blob of ``version`` in ``table`` was bound to: the row's canonical clear
    columns, less any column format 3 added (an older blob never saw it)."""
    if version < 3:
        skip = unbound_before_format3(table)
        if skip:
            row = {name: value for name, value in row.items() if name not in skip}
    return canonical_clear(row)


#: Starts a kept clear encoding that is not UTF-8, stored as base64. Every canonical
#: encoding starts with a column name, which never starts with "~", so none is mistaken.
_BASE64_MARK = "~b64:"


def clear_to_text(clear: bytes) -> str:
    """A canonical clear encoding as it is kept beside an earlier version (``revisions.
    clear``, a TEXT column): as UTF-8 when it is, else base64 behind :data:`_BASE64_MARK`.

    A length prefix of 128 or more is not UTF-8 (a revision id from another workstation,
    or a version naming several parents). sqlite3 refuses to store text it cannot encode,
    so such an encoding kept as ``surrogateescape`` text would stop the edit itself.
    """
    try:
        return clear.decode("utf-8")
    except UnicodeDecodeError:
        return _BASE64_MARK + base64.b64encode(clear).decode("ascii")


def clear_from_text(text: object) -> bytes:
    """:func:`clear_to_text` undone. Anything but text (a column changed by hand) gives
    nothing, to which no earlier version was bound."""
    if not isinstance(text, str):
        return b""
    if text.startswith(_BASE64_MARK):
        with contextlib.suppress(binascii.Error, ValueError):
            return base64.b64decode(text[len(_BASE64_MARK) :], validate=True)
    return text.encode()


def _clear_plan(
    columns: Sequence[str], skip: frozenset[str] = frozenset()
) -> list[tuple[bytes, int]]:
    """For a batch of rows: which columns are bound, in name order, with their prefix."""
    order = sorted(
        (name, i) for i, name in enumerate(columns) if name not in _NOT_CLEAR and name not in skip
    )
    return [(name.encode() + b"=", i) for name, i in order]


def _damaged_place(row_uuid: Any, revision: Any) -> dict[str, Any]:
    """A damaged row's UUID and revision as its record holds them: the UUID as stored
    (lists page on it: ``uuid > ?`` must go on after this row, not start over), but an
    empty one for NULL (``uuid > NULL`` would end the list); a revision of another type
    reads as 0."""
    return {
        "uuid": "" if row_uuid is None else row_uuid,
        "revision": revision if revision.__class__ is int else 0,
        "damaged": True,
    }


def _sound(blob: Any, row_uuid: Any, revision: Any) -> bool:
    """Whether a row's body, UUID and revision are of the types Warmline writes (the one
    check before opening; anything else is damaged, never a crash)."""
    return (
        blob.__class__ is bytes
        and row_uuid.__class__ is str
        and revision.__class__ is int
        and len(blob) >= HEADER_LEN
    )


def _version(blob: Any) -> int:
    """The format byte of a stored body (0 for anything that is not a whole blob)."""
    return blob_version(blob) if isinstance(blob, bytes) else 0


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
    #: This data folder's random device id (part of every revision id; docs/sync.md).
    device_id: str = "local"
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

    Sealed beside the earlier version it replaced (``revisions.edit``, format 3): who
    edited when is a fact about a volunteer's pattern, as a record's author is. Rows
    written before format 3 kept it in clear columns, which are still read.
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
            elif text.startswith(("list", "dict")):
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
    #: Whether every save sets ``updated_at`` (None: when it is a clear field).
    stamps_updated_at: ClassVar[bool | None] = None
    #: Datetime fields kept inside the sealed body as ISO text (see warmline/sealed_meta.py).
    sealed_times: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: Unlocked) -> None:
        self._ctx = ctx
        self._kinds = _field_kinds(self.record_type)
        stamps = self.stamps_updated_at
        self._has_updated_at = "updated_at" in self.clear_fields if stamps is None else stamps
        self._moved = moved(self.table)
        self._unbound_old = unbound_before_format3(self.table)
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

    def _seal_ctx(self, row_uuid: str, revision: int, clear: bytes) -> SealContext:
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
        plan_old = _clear_plan(columns, self._unbound_old) if self._unbound_old else plan
        prefix = _PREFIX
        min_format = self._min_format()
        sealed_times = self.sealed_times
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
                out.append(make(**_damaged_place(row[i_uuid], row[i_rev])))
                continue
            row_uuid = row[i_uuid]
            revision = row[i_rev]
            blob = row[i_body]
            if (
                blob.__class__ is not bytes
                or row_uuid.__class__ is not str
                or revision.__class__ is not int
                or len(blob) < HEADER_LEN
            ):  # a column of another type (set with another tool): this record is damaged
                log.warning("a %s row has a column of another type", table)
                values.update(_damaged_place(row_uuid, revision))
                out.append(make(**values))
                continue
            values["uuid"] = row_uuid
            values["revision"] = revision
            key = only_key or key_for(keys, blob)
            if clears is None:  # canonical_clear of the raw row, with the plan made once
                parts: list[bytes] = []
                for head, i in plan if plan_old is plan or _version(blob) >= 3 else plan_old:
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
                plain = open_at(key, blob, table, row_uuid, "record", owner, revision, label, clear)
                body = decode_body(plain.decode("utf-8"))[0]
            except Tampered:
                log.warning("a %s row failed to open and is reported damaged", table)
                values["damaged"] = True
            else:
                if body.keys() <= known:
                    values.update(body)
                else:  # written by a newer version: keep what we understand
                    values.update({k: v for k, v in body.items() if k in known})
                for name in sealed_times:  # sealed as ISO text (see sealed_meta)
                    text = values.get(name)
                    if text.__class__ is str:
                        try:
                            values[name] = fromiso(text) if text else None
                        except ValueError:
                            values[name] = None
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
        self, where: str | None = None, params: Sequence[Any] = ()
    ) -> Iterator[dict[str, Any]]:
        """Raw rows, for one record by UUID (lists go through :meth:`select`)."""
        clause, args = self._where(where, params)
        sql = f"select * from [{self.table}] where {clause} order by {self.default_order}"
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
        with reading(self._ctx.path):
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
        # The canonical clear encoding with its plan made once per query (as in _records).
        plan = _clear_plan(columns)
        plan_old = _clear_plan(columns, self._unbound_old) if self._unbound_old else plan
        i_body, prefix, min_format = columns.index("body"), _PREFIX, self._min_format()
        only_key = next(iter(keys.values())) if len(keys) == 1 else None
        for row in cursor:
            blob = row[i_body]
            parts: list[bytes] = []
            for head, i in plan if plan_old is plan or _version(blob) >= 3 else plan_old:
                value = row[i]
                if value is not None:
                    text = value.encode() if value.__class__ is str else _clear_text(value)
                    parts += (head, prefix(len(text)), text)
            bound = b"".join(parts)
            clear = dict(zip(columns, row, strict=True))
            del clear["body"]
            if not _sound(blob, clear["uuid"], clear["revision"]):
                log.warning("a %s row has a column of another type", table)
                place = _damaged_place(clear["uuid"], clear["revision"])
                clear.update(uuid=place["uuid"], revision=place["revision"])
                yield clear, None
                continue
            key = only_key or key_for(keys, blob)
            try:
                if key is None or blob[2] < min_format:
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
        row["rev_id"] = self._new_rev_id(1)
        row["rev_parent"] = ""
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

    def _new_rev_id(self, revision: int) -> str:
        """An id for a revision that no other workstation can make: its number, this data
        folder's device id and 64 random bits (two copies of one folder share a device id;
        the random part still keeps their revisions apart). See docs/sync.md."""
        return f"{revision}.{self._ctx.device_id}.{secrets.token_hex(8)}"

    def update(self, rec: R) -> R:
        """Save an edit of ``rec``, which must still be at the revision it was read at."""
        if rec.damaged:
            raise Tampered(self.label)
        new_revision = rec.revision + 1
        if self._has_updated_at:
            rec = replace(rec, updated_at=utcnow())  # type: ignore[call-arg]
        with self._writing() as db:
            clause, args = self._where("uuid = ?", [rec.uuid])
            old = list(db.query(f"select * from [{self.table}] where {clause}", args))
            if not old:
                raise NotFound(self.label)
            if old[0]["revision"] != rec.revision:
                raise Conflict()
            before = old[0]
            parents = [before.get("rev_id") or "", *self._waiting_heads(db, rec.uuid)]
            clear, body = self._successor(rec, before, parents)
            if not self.personal:
                # A person's private records keep no history: who edited and when would say
                # when they were writing (and so about which call); nobody else could read
                # the older versions anyway.
                kept_body, kept_clear = self._as_format3(before)
                db.table("revisions").insert(
                    {
                        "table_name": self.table,
                        "record_uuid": rec.uuid,
                        "revision": rec.revision,
                        "body": kept_body,
                        "clear": clear_to_text(kept_clear),
                        "edit": self._seal_edit(rec.uuid, rec.revision),
                        "rev_id": before.get("rev_id"),
                        "rev_parent": before.get("rev_parent"),
                    }
                )
                # Saving over versions that were waiting for a look settles them: the new
                # revision names each of them as a parent too (see rev_parent above).
                db.execute(
                    "update revisions set head = 0 where table_name = ? and record_uuid = ? "
                    "and head = 1",
                    [self.table, rec.uuid],
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

    def _successor(
        self, rec: R, before: Mapping[str, Any], parents: Sequence[str]
    ) -> tuple[dict[str, Any], bytes]:
        """The clear columns and sealed body of ``rec`` as the revision after the stored row
        ``before``, made from ``parents`` (revision ids; empty ones left out).

        A row not yet moved to format 3 loses its clear facts in this write (they are in the
        sealed body now). The new body is bound to the row as it will be: its stored columns
        with the new clear values over them (other columns keep what they hold).
        """
        revision = rec.revision + 1
        clear = self._encode_clear(rec)
        clear.update({name: None for name in self._moved if before.get(name) is not None})
        clear["rev_id"] = self._new_rev_id(revision)
        clear["rev_parent"] = ",".join(parent for parent in parents if parent)
        after = {**before, **clear, "revision": revision}
        ctx = self._seal_ctx(rec.uuid, revision, canonical_clear(after))
        return clear, seal_json(self._key, self._body(rec), ctx)

    def rewrite_forgetting_history(self, records: Sequence[R]) -> list[R]:
        """Save each record as a new revision and delete every earlier version of it, in
        one transaction: for retention, whose whole point is that the old words do not
        survive as history. Damaged records, and ones changed since they were read, are
        left as they are. Returns the records saved."""
        saved: list[R] = []
        updates: list[list[Any]] = []
        with self._writing() as db:
            for rec in records:
                if rec.damaged:
                    continue
                if self._has_updated_at:
                    rec = replace(rec, updated_at=utcnow())  # type: ignore[call-arg]
                clause, args = self._where("uuid = ?", [rec.uuid])
                old = db.execute(f"select * from [{self.table}] where {clause}", args)
                names = [d[0] for d in old.description]
                row = old.fetchone()
                if row is None or row[names.index("revision")] != rec.revision:
                    continue
                before = dict(zip(names, row, strict=True))
                clear, body = self._successor(rec, before, [before.get("rev_id") or ""])
                revision = rec.revision + 1
                updates.append([*clear.values(), revision, body, rec.uuid, rec.revision])
                saved.append(replace(rec, revision=revision))
            if updates:
                sets = ", ".join(f"[{name}] = ?" for name in clear)
                db.conn.executemany(
                    f"update [{self.table}] set {sets}, revision = ?, body = ? "
                    "where uuid = ? and revision = ?",
                    updates,
                )
                for start in range(0, len(saved), 500):
                    chunk = [rec.uuid for rec in saved[start : start + 500]]
                    marks = ",".join("?" * len(chunk))
                    db.execute(
                        f"delete from revisions where table_name = ? and record_uuid in ({marks})",
                        [self.table, *chunk],
                    )
        return saved

    def _waiting_heads(self, db: Database, record_uuid: str) -> list[str]:
        """Revision ids of versions kept beside this record waiting for a look (sync)."""
        if self.personal:
            return []
        rows = db.query(
            "select rev_id from revisions where table_name = ? and record_uuid = ? "
            "and head = 1 and rev_id is not null order by id",
            [self.table, record_uuid],
        )
        return [row["rev_id"] for row in rows]

    def needs_look(self) -> set[str]:
        """UUIDs of records with a version kept beside the current one because both grew
        from the same parent (made on two workstations; see warmline/revision_merge.py)."""
        self._ctx.check()
        rows = self._db.query(
            "select distinct record_uuid from revisions where table_name = ? and head = 1",
            [self.table],
        )
        return {row["record_uuid"] for row in rows}

    def _edit_ctx(self, record_uuid: str, revision: int) -> SealContext:
        return SealContext("revisions", record_uuid, f"edit:{self.table}", "", revision)

    def _seal_edit(self, record_uuid: str, revision: int) -> bytes:
        """Who replaced ``revision`` and when, sealed and bound to that revision's place."""
        edit = {"by": self._ctx.account.uuid, "at": to_iso(utcnow())}
        return seal_json(self._key, edit, self._edit_ctx(record_uuid, revision))

    def _as_format3(self, row: Mapping[str, Any]) -> tuple[bytes, bytes]:
        """A stored row's body and bound clear columns as format 3 keeps an earlier version:
        an older row's clear facts moved into its body and re-sealed (same revision). A body
        that does not open is kept exactly as it was (it stays damaged in the history)."""
        blob = row["body"]
        version = _version(blob)
        if version >= 3 and not any(row.get(name) is not None for name in self._moved):
            return blob, canonical_clear(row)
        bound = bound_clear(self.table, row, version)
        key = key_for(self._opening_keys(), blob)
        try:
            if key is None or version < self._min_format():
                raise Tampered(self.label)
            ctx = self._seal_ctx(row["uuid"], row["revision"], bound)
            plain = json.loads(open_sealed(key, blob, ctx, self.label))
        except (Tampered, ValueError):
            return blob, bound
        body, changes = move_into_body(self.table, row, plain)
        moved_row = {**row, **changes}
        clear = canonical_clear(moved_row)
        ctx = self._seal_ctx(row["uuid"], row["revision"], clear)
        return seal(self._key, json.dumps(body, separators=(",", ":")).encode(), ctx), clear

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
        blank = dict.fromkeys(self._moved)
        out = []
        for rev in rows:
            bound = clear_from_text(rev.get("clear"))
            try:
                kept = parse_clear(bound)  # the clear columns this version was bound to
            except ValueError:
                kept = {}
            row = {**current[0], **blank, **kept, "revision": rev["revision"], "body": rev["body"]}
            out.append(self._records(list(row), [list(row.values())], [bound])[0])
        return out

    def edits(self, record_uuid: str) -> list[Edit]:
        """Who made each revision after the first, and when, oldest first.

        Revision *n* + 1 replaced revision *n*; its row in ``revisions`` holds the old body
        and the sealed edit that replaced it, so each row answers for the revision after it.
        An edit that does not open is shown without a name or a time.
        """
        self._ctx.check()
        rows = self._db.query(
            "select revision, edited_by, edited_at, edit from revisions "
            "where table_name = ? and record_uuid = ? order by revision",
            [self.table, record_uuid],
        )
        keys = self._opening_keys()
        out = []
        for row in rows:
            revision, sealed = row["revision"], row["edit"]
            if revision.__class__ is not int:
                continue  # changed by hand: it answers for no revision
            by, at = row["edited_by"], row["edited_at"]
            if sealed is not None:
                try:
                    if sealed.__class__ is not bytes:
                        raise Tampered(self.label)
                    edit = open_json_with(keys, sealed, self._edit_ctx(record_uuid, revision))
                except Tampered:
                    edit = {}
                by, at = (edit.get("by"), edit.get("at")) if isinstance(edit, dict) else ("", "")
            out.append(Edit(revision + 1, by if isinstance(by, str) else "", stored_time(at)))
        return out
