"""Making a person's own keys new: on a passphrase change, a recovery, a recovery code made or
removed, and at their first unlock after someone else enrolled them.

Re-wrapping the same user key under a new passphrase (what Warmline did before) left an old
copy of the folder plus the old passphrase able to open the *current* file's personal key,
and with it every private reflection written since. So each of these moments makes a new
user key and a new personal key, and re-seals that person's private records (reflections,
drafts and their earlier versions) under the new personal key, in the same transaction as
the new key columns: either all of it lands, or none of it does.

Every renewal also makes new key pairs (X25519 and Ed25519): at the first unlock the process
that enrolled the person held the old ones, and after a passphrase change an old copy of the
folder plus the old passphrase opens the old ones. The roster gets a ``keys`` entry, signed
with the old signing key the roster knows, and every team-key generation is sealed again to
the new X25519 key, so nothing current opens with the old pairs.

A recovery code wraps a recovery key, which wraps the current user key. Renewing re-wraps the
recovery key for the new user key, so an unused code keeps working; a code that was used, or
removed, has its recovery key dropped, so it opens nothing in the current file.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlite_utils import Database

from warmline import roster as rostermod
from warmline.accounts import (
    load_row,
    open_anchor,
    open_recovery_key,
    own_key_columns,
    recovery_ctx,
)
from warmline.crypto import (
    FLOOR,
    KdfParams,
    Key,
    KeyPair,
    SealContext,
    blob_version,
    derive_kek,
    new_recovery_code,
    open_sealed,
    seal,
    wrap_key,
)
from warmline.db import checkpoint, writing
from warmline.errors import Tampered
from warmline.keyring import seal_generation_to
from warmline.records import Unlocked, bound_clear, clear_from_text


class Recovery(enum.Enum):
    KEEP = "keep"  # an unused code goes on working
    DROP = "drop"  # used up, or removed
    NEW = "new"  # a new code replaces any earlier one


def recovery_kdf_params() -> KdfParams:
    """Recovery codes carry ~123 bits of their own, so the floor settings are plenty."""
    return KdfParams(b"", FLOOR.memory_kib, FLOOR.iterations, 4).with_new_salt()


def personal_tables(db: Database) -> list[str]:
    """Tables of records sealed with a person's own key: those with an owner column."""
    out = []
    for name in db.table_names():
        columns = {c.name for c in db.table(name).columns}
        if {"uuid", "revision", "owner_uuid", "body"} <= columns:
            out.append(name)
    return sorted(out)


def _reseal_personal(db: Database, owner: str, old: Key, new: Key) -> None:
    """Re-seal every private record of ``owner`` (and its earlier versions) under ``new``."""
    for table in personal_tables(db):
        rows = list(db.query(f"select * from [{table}] where owner_uuid = ?", [owner]))
        for row in rows:
            bound = bound_clear(table, row, blob_version(row["body"] or b""))
            ctx = SealContext(table, row["uuid"], "record", owner, row["revision"], bound)
            blob = _reseal_one(old, new, row["body"], ctx)
            if blob is not None:
                db.execute(f"update [{table}] set body = ? where uuid = ?", [blob, row["uuid"]])
        history = db.query(
            f"select id, record_uuid, revision, body, clear from revisions where table_name = ? "
            f"and record_uuid in (select uuid from [{table}] where owner_uuid = ?)",
            [table, owner],
        )
        for rev in list(history):
            bound = clear_from_text(rev["clear"])
            ctx = SealContext(table, rev["record_uuid"], "record", owner, rev["revision"], bound)
            blob = _reseal_one(old, new, rev["body"], ctx)
            if blob is not None:
                db.execute("update revisions set body = ? where id = ?", [blob, rev["id"]])


def _reseal_one(old: Key, new: Key, blob: bytes, ctx: SealContext) -> bytes | None:
    try:
        plain = open_sealed(old, blob, ctx)
    except Tampered:
        return None  # already damaged: it stays damaged rather than being made to look whole
    return seal(new, plain, ctx)


def renew(
    ctx: Unlocked,
    kek: Key,
    kdf_json: str,
    *,
    recovery: Recovery,
    new_pairs: bool = False,
    extra: dict[str, Any] | None = None,
) -> str | None:
    """Replace this person's user and personal keys (and with ``new_pairs`` their key
    pairs), re-seal their private records, and store it all in one transaction.

    ``kek`` is the key from the passphrase that will open the account from now on, made
    with ``kdf_json``. Returns the new recovery code for :attr:`Recovery.NEW`, else None.
    ``extra`` columns are written in the same update (for example using up a code).
    """
    ctx.check()
    me = ctx.account.uuid
    keys = ctx.keys
    row = load_row(ctx.db, me)
    if row is None:
        raise Tampered("Your account")
    anchor = open_anchor(row, keys.user)
    if anchor is None:
        raise rostermod.RosterTampered()
    user, personal = Key.generate(), Key.generate()
    box = KeyPair.generate("box") if new_pairs else keys.box
    signer = KeyPair.generate("sign") if new_pairs else keys.signer
    code: str | None = None
    code_columns: dict[str, Any] = {}
    recovery_key: Key | None = None
    if recovery is Recovery.KEEP:
        recovery_key = open_recovery_key(row, keys.user)  # None: none, or an old-style code
    elif recovery is Recovery.NEW:
        recovery_key = Key.generate()
        code = new_recovery_code()
        params = recovery_kdf_params()
        code_kek = derive_kek(code, params)
        try:
            code_columns = {
                "recovery_kdf": params.to_json(),
                "recovery_user_key": wrap_key(code_kek, recovery_key, recovery_ctx(me)),
            }
        finally:
            code_kek.wipe()
    try:
        with writing(ctx.db, ctx.path) as db:
            _reseal_personal(db, me, keys.personal, personal)
            if new_pairs:
                anchor = _new_pairs_on_roster(ctx, db, box, signer, anchor)
            columns = own_key_columns(me, kek, user, personal, box, signer, anchor, recovery_key)
            # An old-style code (it wrapped the user key itself) cannot follow the new user
            # key: it is dropped here, and My account then offers to make a new one.
            columns.update(code_columns)
            columns.update(extra or {})
            columns["kdf"] = kdf_json
            columns["renew_keys"] = 0
            sets = ", ".join(f"[{k}] = ?" for k in columns)
            db.execute(
                f"update accounts set {sets}, revision = revision + 1 where uuid = ?",
                [*columns.values(), me],
            )
    except BaseException:
        for key in (user, personal):
            key.wipe()
        if new_pairs:
            box.wipe()
            signer.wipe()
        raise
    finally:
        if recovery_key is not None:
            recovery_key.wipe()
    checkpoint(ctx.db)  # the old wrapped keys and bodies must not linger in the WAL
    old_user, old_personal = keys.user, keys.personal
    keys.user, keys.personal = user, personal
    old_user.wipe()
    old_personal.wipe()
    if new_pairs:
        old_box, old_signer = keys.box, keys.signer
        keys.box, keys.signer = box, signer
        old_box.wipe()
        old_signer.wipe()
    return code


def _new_pairs_on_roster(
    ctx: Unlocked, db: Database, box: KeyPair, signer: KeyPair, anchor: bytes
) -> bytes:
    """Announce new public keys (signed with the old signing key), re-seal every team-key
    generation held to the new X25519 key; returns the pin after the new entry."""
    me = ctx.account.uuid
    gen1 = ctx.keys.ring.generations().get(1)
    state = rostermod.verify_roster(db, ctx.line_uuid, rostermod.read_pin(anchor), gen1)
    if state is not None:
        state = rostermod.append(
            db, state, ctx.keys.signer, me, "keys", gen1, account=me, sign=signer.public,
            box=box.public,
        )  # fmt: skip
        anchor = state.pin().to_bytes()
    db.execute("delete from team_keys where account_uuid = ?", [me])
    for generation, key in ctx.keys.ring.generations().items():
        db.table("team_keys").insert(
            {
                "generation": generation,
                "account_uuid": me,
                "wrap": seal_generation_to(ctx.line_uuid, me, box.public, generation, key),
            }
        )
    return anchor
