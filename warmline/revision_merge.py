"""Taking in a revision made on another workstation, keeping every version.

Several workstations sharing one line will exchange sealed change files (docs/sync.md).
Each stored revision carries an id no other workstation can make (``rev_id``: its number,
the data folder's device id, random bits) and the id(s) of the revision(s) it replaced
(``rev_parent``), both in clear and bound into the body's associated data, so neither can
be changed without the body failing to open.

:func:`receive` is what a sync step calls with one incoming row, as the other workstation
stored it:

* a record not seen before is added;
* a revision already held (current or in the history) changes nothing;
* a revision whose parent is the current one moves the record forward, the current
  version going into the history as an edit would put it;
* anything else grew beside the current version (two people edited the same version on
  two machines, offline). Neither is dropped: the incoming one is kept in the history
  marked ``head`` and the record "needs a look" until someone saves an edit over it,
  whose revision then names both as parents.

On one workstation none of this happens: racing edits there still meet
:class:`~warmline.errors.Conflict` (the revision number check in ``Repository.update``).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any

from warmline.crypto import blob_version, key_for, open_sealed
from warmline.errors import Tampered
from warmline.records import R, Repository, canonical_clear, clear_to_text


class Received(enum.StrEnum):
    NEW = "new"
    KNOWN = "known"
    FORWARD = "forward"
    BESIDE = "beside"  # kept beside the current version: needs a look


def receive(repo: Repository[R], row: Mapping[str, Any]) -> Received:
    """Store one incoming row of ``repo``'s table (see the module doc for what happens).

    The row must open under its own clear columns and carry a revision id; otherwise
    :class:`~warmline.errors.Tampered` is raised and nothing is written.
    """
    row = dict(row)
    _check(repo, row)
    table, uuid = repo.table, row["uuid"]
    with repo._writing() as db:
        current = list(db.query(f"select * from [{table}] where uuid = ?", [uuid]))
        if not current:
            db.table(table).insert(row)
            return Received.NEW
        cur = current[0]
        held = db.execute(
            "select 1 from revisions where table_name = ? and record_uuid = ? and rev_id = ?",
            [table, uuid, row["rev_id"]],
        ).fetchone()
        if row["rev_id"] == cur.get("rev_id") or held:
            return Received.KNOWN
        if cur.get("rev_id") and row.get("rev_parent") == cur["rev_id"]:
            _keep(db, table, cur, head=0)
            columns = [name for name in row if name != "uuid"]
            sets = ", ".join(f"[{name}] = ?" for name in columns)
            db.execute(
                f"update [{table}] set {sets} where uuid = ?",
                [*(row[name] for name in columns), uuid],
            )
            return Received.FORWARD
        _keep(db, table, row, head=1)
        return Received.BESIDE


def _check(repo: Repository[R], row: dict[str, Any]) -> None:
    blob = row.get("body")
    if not isinstance(blob, bytes) or blob_version(blob) < 3 or not row.get("rev_id"):
        raise Tampered(repo.label)
    key = key_for(repo._opening_keys(), blob)
    if key is None:
        raise Tampered(repo.label)
    ctx = repo._seal_ctx(row["uuid"], int(row["revision"]), canonical_clear(row))
    json.loads(open_sealed(key, blob, ctx, repo.label))


def _keep(db: Any, table: str, row: Mapping[str, Any], *, head: int) -> None:
    db.table("revisions").insert(
        {
            "table_name": table,
            "record_uuid": row["uuid"],
            "revision": row["revision"],
            "body": row["body"],
            "clear": clear_to_text(canonical_clear(row)),
            "rev_id": row.get("rev_id"),
            "rev_parent": row.get("rev_parent"),
            "head": head,
        }
    )
