"""The record of activity: who unlocked, exported, changed or deleted what, and when.

**What an entry holds.** A kind of event (unlocked, edited a call, made a backup…), the
account it is about, the account that wrote it, the exact time, the team-key generation it
was sealed under and, for record changes, which table and which record UUID. Never anything
a person typed: not a word of a note, not a name, not a search. Private records
(reflections and drafts) leave no entries at all: when someone writes for themselves is
theirs alone (the same reason their earlier versions keep no history).

**What stays in clear.** Each row of ``audit`` keeps only a random UUID, its number in the
chain (``seq``) and a coarse UTC day; who and exactly when are inside the sealed body (they
would say who worked when). The body is sealed with the team key like any team record, bound
to its row's UUID, number and day, so only members can read it and an outsider can change,
add, renumber or move nothing without it failing to open.

**The chain.** Every entry names the link of the entry before it (a SHA-256 over that
entry's exact bytes and signature) and is signed with the Ed25519 key of the member who wrote
it, inside the seal (a signature in clear would let anyone try each member's public key and
learn who acted). So a member, who holds the team key and could seal an entry of their own
making, still cannot change, remove or slip in an entry before someone else's without the
next writer's signature giving it away. One row of ``audit_head``, rewritten with every
entry and signed by its writer, names the newest entry: cutting entries off the end is
found too.

**Team-key generations.** Entries are sealed with the newest generation when written and
name it in their body. When the team key is replaced, the background re-seal
(:mod:`warmline.rotation`) moves them to the new one like every team record (the tables have
the shape it looks for), and the chain, computed over the opened entries, is unchanged by
that. So older generations can be deleted and the whole record still checks.

**Failed unlocks** happen before any key is held, so nothing can be sealed or signed then.
Each one adds to a clear count per account in ``audit_pending``; the next successful unlock
of the line (anyone's) turns the counts into sealed entries and clears them. The count says
no more than "someone typed a wrong passphrase for this account" until then, and someone
with the file could remove it unseen: a known limit.

**Limits, honestly.** A file put back whole from an earlier copy looks like the record as it
was then. A member who kept an earlier end marker could cut the newest entries back to that
point, and any member can cut the end back to the last entry they wrote themselves (the
marker is then theirs to sign). Someone who deletes every entry and the marker leaves a
record that simply starts again at the next unlock. Backups kept elsewhere answer all three.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from warmline import roster as rostermod
from warmline.crypto import Key, SealContext, key_for, open_sealed, seal, sign, verify
from warmline.db import reading, writing
from warmline.errors import Tampered
from warmline.records import Unlocked, canonical_clear, new_uuid
from warmline.timeutil import from_iso, to_iso, utcnow

log = logging.getLogger(__name__)

TABLE = "audit"
HEAD_TABLE = "audit_head"
PENDING_TABLE = "audit_pending"
_HEAD_ROW = "head"
_ENTRY_LABEL = b"warmline-audit-entry-v1\x00"
_HEAD_LABEL = b"warmline-audit-head-v1\x00"
VERSION = 1


class Kind(enum.StrEnum):
    """What happened. The values are stored; the screen gives each its own words."""

    UNLOCK = "unlock"
    UNLOCK_WITH_CODE = "unlock-code"
    UNLOCK_FAILED = "unlock-failed"
    LOCK = "lock"
    ACCOUNT_ADDED = "account-added"
    ROLE_CHANGED = "role-changed"
    SWITCHED_OFF = "switched-off"
    SWITCHED_ON = "switched-on"
    PASSPHRASE_RESET = "passphrase-reset"
    OWN_PASSPHRASE = "own-passphrase"
    RECORD_EDITED = "record-edited"
    RECORD_DELETED = "record-deleted"
    REPORT_SAVED = "report-saved"
    REPORT_PRINTED = "report-printed"
    HANDOVER_PRINTED = "handover-printed"
    HANDOVER_SAVED = "handover-saved"
    REFLECTIONS_SAVED = "reflections-saved"
    BACKUP_MADE = "backup-made"
    BACKUP_RESTORED = "backup-restored"
    RETENTION_RUN = "retention-run"
    TEAM_LOCK_REPLACED = "team-lock-replaced"


#: Record kinds a person keeps for themselves: no entry says when they wrote.
PRIVATE_TABLES = frozenset({"debriefs", "drafts"})

#: ``(table, what)`` from the change hook (see :meth:`AuditTrail.changed`) -> kind.
_CHANGES: dict[tuple[str, str], Kind] = {
    ("accounts", "add"): Kind.ACCOUNT_ADDED,
    ("accounts", "role"): Kind.ROLE_CHANGED,
    ("accounts", "off"): Kind.SWITCHED_OFF,
    ("accounts", "on"): Kind.SWITCHED_ON,
    ("accounts", "reset"): Kind.PASSPHRASE_RESET,
    ("accounts", "own-passphrase"): Kind.OWN_PASSPHRASE,
    ("team_keys", "rotate"): Kind.TEAM_LOCK_REPLACED,
}


@dataclass(frozen=True)
class Entry:
    """One opened entry, as the Activity page lists it."""

    seq: int
    kind: str
    who: str
    at: datetime | None
    by: str = ""
    table: str = ""
    record: str = ""
    count: int | None = None
    generation: int = 0


@dataclass(frozen=True)
class Verdict:
    """What checking the whole record found, in plain words.

    ``first_problem`` is the number of the first entry something happened to (None when
    all is well); ``problems`` lists every finding in order; ``summary`` is what a
    coordinator reads first.
    """

    ok: bool
    checked: int
    first_problem: int | None
    problems: list[str]
    summary: str


# --- encoding ------------------------------------------------------------------------------------


def _canonical(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _link(entry_bytes: bytes, signature: bytes) -> str:
    return hashlib.sha256(_ENTRY_LABEL + entry_bytes + signature).hexdigest()


def entry_context(row_uuid: str, seq: int, day: str) -> SealContext:
    """Where an entry's body belongs: its row, number and day (as the re-seal binds it)."""
    return SealContext(TABLE, row_uuid, "record", "", 1, canonical_clear({"seq": seq, "day": day}))


def _head_context() -> SealContext:
    return SealContext(HEAD_TABLE, _HEAD_ROW, "record", "", 1, b"")


def build_entry(ctx: Unlocked, seq: int, prev: str, kind: str, **about: Any) -> dict[str, Any]:
    """The body of entry ``seq`` written by the unlocked person of ``ctx``."""
    now = utcnow()
    entry: dict[str, Any] = {
        "v": VERSION,
        "line": ctx.line_uuid,
        "seq": seq,
        "prev": prev,
        "at": to_iso(now),
        "kind": str(kind),
        "who": about.pop("who", None) or ctx.account.uuid,
        "by": ctx.account.uuid,
        "key": ctx.keys.signer.public.hex(),
        "gen": ctx.keys.ring.newest_generation,
    }
    entry.update({k: v for k, v in about.items() if v not in (None, "")})
    return entry


def seal_entry(ctx: Unlocked, row_uuid: str, day: str, entry: dict[str, Any]) -> tuple[bytes, str]:
    """Sign and seal ``entry`` for its row; returns the body and the entry's link."""
    entry_bytes = _canonical(entry)
    signature = sign(ctx.keys.signer, _ENTRY_LABEL + entry_bytes)
    body = _canonical({"entry": entry, "sig": signature.hex()})
    return seal(ctx.keys.team, body, entry_context(row_uuid, entry["seq"], day)), _link(
        entry_bytes, signature
    )


def open_entry(
    keys: dict[bytes, Key], row: Mapping[str, Any]
) -> tuple[dict[str, Any], bytes] | None:
    """An entry row opened: its body and signature, or None when it does not open."""
    blob = row["body"]
    key = key_for(keys, blob) if isinstance(blob, bytes) else None
    if key is None:
        return None
    try:
        plain = open_sealed(key, blob, entry_context(row["uuid"], row["seq"], row["day"] or ""))
        data = json.loads(plain)
        entry, signature = data["entry"], bytes.fromhex(data["sig"])
    except (Tampered, ValueError, KeyError, TypeError):
        return None
    if not isinstance(entry, dict) or entry.get("seq") != row["seq"]:
        return None
    return entry, signature


def _head_body(ctx: Unlocked, seq: int, link: str) -> bytes:
    claim = _canonical({"line": ctx.line_uuid, "seq": seq, "link": link})
    signature = sign(ctx.keys.signer, _HEAD_LABEL + claim)
    head = {
        "v": VERSION,
        "seq": seq,
        "link": link,
        "by": ctx.account.uuid,
        "key": ctx.keys.signer.public.hex(),
        "sig": signature.hex(),
    }
    return seal(ctx.keys.team, _canonical(head), _head_context())


def _read_head(db: Database, keys: dict[bytes, Key]) -> dict[str, Any] | None:
    """The end marker opened, or None when there is none or it does not open."""
    row = next(db.query(f"select body from [{HEAD_TABLE}] where uuid = ?", [_HEAD_ROW]), None)
    if row is None:
        return None
    key = key_for(keys, row["body"])
    if key is None:
        return None
    try:
        head = json.loads(open_sealed(key, row["body"], _head_context()))
    except (Tampered, ValueError):
        return None
    return head if isinstance(head, dict) else None


def _has_head(db: Database) -> bool:
    return next(db.query(f"select count(*) as n from [{HEAD_TABLE}]"))["n"] > 0


def _append(db: Database, ctx: Unlocked, kind: str, **about: Any) -> int:
    """Write the next entry and move the end marker to it (in the caller's transaction)."""
    keys = ctx.keys.ring.by_id()
    head = _read_head(db, keys)
    last = next(db.query(f"select coalesce(max(seq), 0) as n from [{TABLE}]"))["n"]
    head_seq = int(head["seq"]) if head else 0
    seq = max(head_seq, int(last)) + 1
    # Continue from the marker. Without one (removed, or damaged) the entry says so by
    # naming no link, and the check reports the gap there.
    prev = str(head["link"]) if head else ""
    entry = build_entry(ctx, seq, prev, kind, **about)
    row_uuid = new_uuid()
    day = entry["at"][:10]
    body, link = seal_entry(ctx, row_uuid, day, entry)
    db.execute(
        f"insert into [{TABLE}] (uuid, revision, seq, day, body) values (?, 1, ?, ?, ?)",
        [row_uuid, seq, day, body],
    )
    db.execute(
        f"insert or replace into [{HEAD_TABLE}] (uuid, revision, body) values (?, 1, ?)",
        [_HEAD_ROW, _head_body(ctx, seq, link)],
    )
    return seq


# --- failed unlocks (no keys held yet) -----------------------------------------------------------


def note_failed_unlock(db: Database, path: str, account_uuid: str) -> None:
    """Count one wrong passphrase (or recovery code) for ``account_uuid``, in clear.

    Never raises: a refused unlock must stay a refused unlock, whatever the disk says.
    """
    try:
        with writing(db, path):
            db.execute(
                f"insert into [{PENDING_TABLE}] (account_uuid, failed) values (?, 1) "
                "on conflict(account_uuid) do update set failed = failed + 1",
                [account_uuid],
            )
    except Exception:
        log.warning("a failed unlock could not be counted")


def pending_failures(db: Database) -> dict[str, int]:
    """Failed unlocks per account waiting for the next unlock to be recorded."""
    rows = db.query(f"select account_uuid, failed from [{PENDING_TABLE}] where failed > 0")
    return {row["account_uuid"]: int(row["failed"]) for row in rows}


# --- the trail of one unlocked session ------------------------------------------------------


class AuditTrail:
    """Writes entries as one unlocked person, lists them, and checks the whole record."""

    def __init__(self, ctx: Unlocked) -> None:
        self._ctx = ctx
        #: True once this session's unlock is recorded: its lock will be too.
        self.active = False

    def record(
        self,
        kind: str,
        *,
        who: str | None = None,
        table: str = "",
        record: str = "",
        count: int | None = None,
    ) -> int:
        """Write one entry (joining the caller's transaction if one is open); its number."""
        ctx = self._ctx
        ctx.check()
        with writing(ctx.db, ctx.path) as db:
            return _append(db, ctx, kind, who=who, table=table, record=record, count=count)

    def unlocked(self, kind: str = Kind.UNLOCK) -> None:
        """Record this unlock, after the failed tries counted since the last one."""
        ctx = self._ctx
        ctx.check()
        with writing(ctx.db, ctx.path) as db:
            for account, count in sorted(pending_failures(db).items()):
                _append(db, ctx, Kind.UNLOCK_FAILED, who=account, count=count)
            db.execute(f"delete from [{PENDING_TABLE}]")
            _append(db, ctx, kind)
        self.active = True

    def locked(self) -> None:
        """Record the lock. Never raises: locking must never wait on the record."""
        if not self.active or self._ctx.locked:
            return
        self.active = False
        try:
            self.record(Kind.LOCK)
        except Exception:
            log.warning("a lock could not be recorded")

    def changed(self, table: str, record_uuid: str, what: str) -> None:
        """The change hook (``Unlocked.on_change``): a team record edited or deleted, an
        account changed, the team key replaced. Runs inside the write's own transaction,
        so the change and its entry land together or not at all."""
        kind = _CHANGES.get((table, what))
        if kind is None:
            if table in PRIVATE_TABLES or table in (TABLE, HEAD_TABLE):
                return
            kind = {"edit": Kind.RECORD_EDITED, "delete": Kind.RECORD_DELETED}.get(what)
            if kind is None:
                return
            self.record(kind, table=table, record=record_uuid)
            return
        self.record(kind, table="accounts" if record_uuid else "", record=record_uuid)

    # --- reading ---------------------------------------------------------------------------

    def entries(self, limit: int | None = None) -> list[Entry]:
        """Entries that open, newest first (damaged ones are the check's business)."""
        ctx = self._ctx
        ctx.check()
        keys = ctx.keys.ring.by_id()
        sql = f"select uuid, seq, day, body from [{TABLE}] order by seq desc"
        params: list[Any] = []
        if limit is not None:
            sql += " limit ?"
            params.append(limit)
        out = []
        for row in ctx.db.query(sql, params):
            opened = open_entry(keys, row)
            if opened is not None:
                out.append(_to_entry(opened[0]))
        return out

    def verify(self) -> Verdict:
        """Walk the whole chain and say what, if anything, was removed, changed or added."""
        ctx = self._ctx
        ctx.check()
        with reading(ctx.path):
            return self._verify(ctx)

    def _verify(self, ctx: Unlocked) -> Verdict:
        try:
            signers = signing_keys(ctx)
        except rostermod.RosterTampered:
            text = (
                "The team list was changed outside Warmline, so the record of activity "
                "cannot be checked against it."
            )
            return Verdict(False, 0, 0, [text], text)
        rows = list(ctx.db.query(f"select uuid, seq, day, body from [{TABLE}] order by seq"))
        head = _read_head(ctx.db, ctx.keys.ring.by_id())
        return _walk(ctx, rows, head, _has_head(ctx.db), signers)


def record(session: Any, kind: str, **about: Any) -> int:
    """Record ``kind`` as the unlocked person of ``session`` (for backups, restores and
    retention runs: ``record(session, Kind.BACKUP_MADE)``). Returns the entry's number."""
    trail: AuditTrail = session.audit
    return trail.record(kind, **about)


def _to_entry(entry: Mapping[str, Any]) -> Entry:
    count = entry.get("count")
    return Entry(
        seq=int(entry["seq"]),
        kind=str(entry.get("kind", "")),
        who=str(entry.get("who", "")),
        at=from_iso(entry.get("at")),
        by=str(entry.get("by", "")),
        table=str(entry.get("table", "")),
        record=str(entry.get("record", "")),
        count=int(count) if isinstance(count, int) else None,
        generation=int(entry.get("gen", 0)),
    )


# --- checking -------------------------------------------------------------------------------------


def signing_keys(ctx: Unlocked) -> dict[str, set[bytes]]:
    """Every signing key each account has had, from the signed roster (checked first)."""
    gen1 = ctx.keys.ring.generations().get(1)
    rostermod.verify_roster(ctx.db, ctx.line_uuid, None, gen1)
    out: dict[str, set[bytes]] = {}

    def note(account: Any, public: Any) -> None:
        if isinstance(account, str) and isinstance(public, str):
            out.setdefault(account, set()).add(bytes.fromhex(public))

    for row in ctx.db.query("select body from roster order by seq"):
        body = json.loads(row["body"])
        for member in body.get("members", []):
            note(member.get("account"), member.get("sign"))
        note(body.get("account"), body.get("sign"))
    return out


def _signed_by(entry: Mapping[str, Any], message: bytes, signature: bytes,
               signers: dict[str, set[bytes]]) -> bool:  # fmt: skip
    try:
        public = bytes.fromhex(str(entry.get("key", "")))
    except ValueError:
        return False
    return public in signers.get(str(entry.get("by", "")), set()) and verify(
        public, message, signature
    )


def _span(first: int, last: int) -> str:
    return f"Entry {first}" if first == last else f"Entries {first} to {last}"


def _were(first: int, last: int) -> str:
    return f"{_span(first, last)} {'was' if first == last else 'were'}"


def _walk(
    ctx: Unlocked,
    rows: Iterable[Mapping[str, Any]],
    head: dict[str, Any] | None,
    head_present: bool,
    signers: dict[str, set[bytes]],
) -> Verdict:
    keys = ctx.keys.ring.by_id()
    found: list[tuple[int, str]] = []
    expected = 1
    prev_link: str | None = ""  # None: the entry before could not be read
    last_seq, last_link, last_by, checked = 0, "", "", 0
    gap: tuple[int, int] | None = None
    for row in rows:
        seq = int(row["seq"])
        checked += 1
        if seq > expected:
            gap = (expected, seq - 1)
        expected = seq + 1
        opened = open_entry(keys, row)
        entry_ok = False
        link = ""
        if opened is not None:
            entry, signature = opened
            entry_bytes = _canonical(entry)
            entry_ok = entry.get("line") == ctx.line_uuid and _signed_by(
                entry, _ENTRY_LABEL + entry_bytes, signature, signers
            )
            link = _link(entry_bytes, signature)
        if not entry_ok:
            # A number skipped before an entry that does not open is part of the same
            # change (an entry renumbered or planted), not a removal of its own.
            found.append((seq, f"Entry {seq} was changed or added outside Warmline."))
            prev_link, gap = None, None
            last_seq, last_link, last_by = seq, "", ""
            continue
        if gap is not None:
            verb = "is missing: it was" if gap[0] == gap[1] else "are missing: they were"
            found.append((gap[0], f"{_span(*gap)} {verb} removed from the record."))
            prev_link, gap = None, None
        prev = str(entry.get("prev", ""))
        if prev_link is not None and prev != prev_link:
            if not prev and seq > 1:
                found.append(
                    (seq, f"The record was cut short before entry {seq}: the entries just "
                          "before it may have been removed.")
                )  # fmt: skip
            else:
                found.append(
                    (seq - 1, f"Entry {seq - 1} was changed or replaced: the entry after it "
                              "no longer matches it.")
                )  # fmt: skip
        prev_link = link
        last_seq, last_link, last_by = seq, link, str(entry.get("by", ""))
    found += _check_end(ctx, head, head_present, last_seq, last_link, last_by, signers)
    found.sort(key=lambda item: item[0])
    problems = [text for _, text in found]
    if not found:
        summary = (
            f"Nothing was removed, changed or added: all {checked} entries are as Warmline "
            "wrote them."
        )
        return Verdict(True, checked, None, [], summary)
    first, text = found[0]
    if len(found) == 1:
        after = "them" if text.startswith("Entries") else "it"
        summary = f"{text} The entries after {after} are intact."
    else:
        summary = f"{text} {len(found) - 1} more problems were found after it (listed below)."
    return Verdict(False, checked, first, problems, summary)


def _check_end(
    ctx: Unlocked,
    head: dict[str, Any] | None,
    head_present: bool,
    last_seq: int,
    last_link: str,
    last_by: str,
    signers: dict[str, set[bytes]],
) -> list[tuple[int, str]]:
    """Whether the end marker names the last entry, signed by whoever wrote it."""
    if head is None:
        if not last_seq and not head_present:
            return []
        return [
            (last_seq, "The marker of the newest entry is missing or changed, so entries "
                       f"after entry {last_seq} may have been removed.")
        ]  # fmt: skip
    head_seq = int(head.get("seq", 0))
    claim = _canonical({"line": ctx.line_uuid, "seq": head_seq, "link": head.get("link")})
    try:
        signature = bytes.fromhex(str(head.get("sig", "")))
    except ValueError:
        signature = b""
    if not _signed_by(head, _HEAD_LABEL + claim, signature, signers):
        return [(last_seq, f"The marker of the newest entry was changed after entry {last_seq}.")]
    if head_seq > last_seq:
        return [(last_seq + 1, f"{_were(last_seq + 1, head_seq)} removed from the end.")]
    if head_seq < last_seq:
        return [(head_seq + 1, f"{_were(head_seq + 1, last_seq)} added outside Warmline.")]
    if last_link and (head.get("link") != last_link or head.get("by") != last_by):
        return [(last_seq, f"Entry {last_seq} was changed or replaced after it was written.")]
    return []
