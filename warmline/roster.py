"""The roster: the signed history of who is on the team, with which role and which keys.

Display names and roles stay in clear in ``accounts`` so the unlock screen can list people,
but nothing there is believed. Every addition, role change, switch-off, reset, key renewal
and team-key replacement is an entry here, signed with Ed25519, each naming the hash of the
entry before it. The chain starts at the line's founding coordinator, whose public signing
key every member keeps sealed under their own user key as their trust anchor. At unlock the
chain is checked from that anchor: a role, an account or a key written into the file by hand
is not in the signed history, so it is refused (and shown to coordinators as a mismatch).

Each member also keeps a **pin**, sealed under their own user key: the hash of the roster's
first entry and of the newest entry they have seen. A roster that does not start with that
first entry (a departed founder writing a new history) or does not reach that newest entry
(the end cut off, to undo a switch-off) is refused. And every new team-key generation is
committed to in the signed entry that announces it (a hash of the key), so a generation
planted in the file by someone without a coordinator's signing key is never used.

What it does not stop: someone who can write the file can still delete rows or the whole
file; a signed history cannot be un-deleted. Backups are the answer to that.

Entry kinds and who may sign them:

- ``found`` (first entry only): the founder, listing the first members.
- ``add``, ``role``, ``off``, ``reset``, ``rotate``: an active coordinator.
- ``keys``: the member themselves, with their current signing key. A member carried over
  from a file made before the roster existed has no signing key yet; their first ``keys``
  entry is signed with the new key and carries a proof made with the team key of that time,
  and is accepted only while no team key has been replaced since. Such a member is
  *unconfirmed*: the proof shows they were on the team, not who they are, so they cannot
  sign a coordinator's entries until a coordinator confirms them (any ``role`` entry about
  them does).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from warmline.accounts import Role
from warmline.crypto import Key, KeyPair, mac, mac_ok, sign, verify
from warmline.errors import WarmlineError
from warmline.timeutil import to_iso, utcnow

ROSTER_VERSION = 1


class RosterTampered(WarmlineError):
    """The signed team list does not check out: an entry was changed, removed or forged."""

    def __init__(self) -> None:
        super().__init__(
            "The team list in this file was changed outside Warmline, so it cannot be "
            "trusted and Warmline will not open it. Please restore a backup or ask your "
            "coordinator."
        )


class NotOnRoster(WarmlineError):
    def __init__(self) -> None:
        super().__init__(
            "This name was added to the file outside Warmline, so it cannot be opened. "
            "Please ask a coordinator to add you."
        )


class NeedsReset(WarmlineError):
    def __init__(self) -> None:
        super().__init__(
            "The team's lock was changed before you had opened Warmline since it was updated, "
            "so your account cannot be brought up to date by itself. Please ask a coordinator "
            "to set a new passphrase for you."
        )


@dataclass(frozen=True)
class Member:
    uuid: str
    role: Role
    disabled: bool = False
    sign: bytes | None = None
    box: bytes | None = None
    #: False for someone carried over from before the roster until a coordinator confirms.
    confirmed: bool = True
    #: True once the member announced their current keys themselves (a ``keys`` entry, or
    #: the founder's own); False while the keys are the ones someone else enrolled them with.
    own_keys: bool = False


@dataclass(frozen=True)
class Pin:
    """What a member remembers of the roster: its first entry and the newest seen."""

    first: str
    seq: int
    head: str

    def to_bytes(self) -> bytes:
        return _canonical({"v": 1, "first": self.first, "seq": self.seq, "head": self.head})

    @classmethod
    def from_bytes(cls, raw: bytes) -> Pin | None:
        """None for the placeholder of an account carried over before the roster existed."""
        try:
            data = json.loads(raw)
            if data.get("pending"):
                return None
            return cls(str(data["first"]), int(data["seq"]), str(data["head"]))
        except (ValueError, KeyError, TypeError):
            raise RosterTampered() from None


#: Sealed in place of a pin by accounts carried over before any roster existed.
PENDING_PIN = b'{"pending":true,"v":1}'


@dataclass
class RosterState:
    """What the verified history says now."""

    line_uuid: str
    founder: str = ""
    founder_sign: bytes = b""
    members: dict[str, Member] = field(default_factory=dict)
    generation: int = 1
    #: The oldest record format still accepted. Raised by a signed ``format`` entry once
    #: every record was moved on, so an old body put back from a copy no longer opens.
    min_format: int = 1
    commitments: dict[int, str] = field(default_factory=dict)
    seq: int = 0
    head: str = ""
    links: list[str] = field(default_factory=list)

    def active_coordinators(self) -> list[Member]:
        return [m for m in self.members.values() if m.role is Role.COORDINATOR and not m.disabled]

    def pin(self) -> Pin:
        return Pin(self.links[0] if self.links else "", self.seq, self.head)


def commitment(line_uuid: str, generation: int, key: Key) -> str:
    """What a signed entry says about a team-key generation: a hash of the key itself."""
    data = b"warmline-generation-v1" + line_uuid.encode() + b"%d" % generation
    return hashlib.sha256(data + key.key_id + key.material()).hexdigest()


def _hex(value: bytes | None) -> str | None:
    return value.hex() if value is not None else None


def _unhex(value: Any) -> bytes | None:
    return bytes.fromhex(value) if isinstance(value, str) else None


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _link(body: bytes, signature: bytes) -> str:
    return hashlib.sha256(body + signature).hexdigest()


def legacy_proof_message(line_uuid: str, account: str, sign_pub: bytes, box_pub: bytes) -> bytes:
    return _canonical(
        {"line": line_uuid, "account": account, "sign": sign_pub.hex(), "box": box_pub.hex()}
    )


def has_roster(db: Database) -> bool:
    return bool(next(db.query("select count(*) as n from roster"))["n"])


def verify_roster(
    db: Database, line_uuid: str, pin: Pin | None, first_generation: Key | None = None
) -> RosterState | None:
    """Check the whole chain; the state it arrives at, or None if there is no roster yet.

    ``pin`` is what this member remembers (see :class:`Pin`): the chain must start at its
    first entry and pass through its newest. None only for a member who has not seen a
    roster yet (carried over from before it). ``first_generation`` checks the proofs of
    carried-over members where that key is still held.
    """
    rows = list(db.query("select seq, body, signature from roster order by seq"))
    if not rows:
        if pin is not None:
            raise RosterTampered()  # this member has seen a roster: it was removed
        return None
    state = RosterState(line_uuid)
    for row in rows:
        state = _apply(state, row, first_generation)
    if pin is not None:
        if not state.links or state.links[0] != pin.first:
            raise RosterTampered()
        if pin.seq > state.seq or state.links[pin.seq - 1] != pin.head:
            raise RosterTampered()  # cut short, or rewritten after what this member saw
    return state


def _apply(state: RosterState, row: dict[str, Any], gen1: Key | None) -> RosterState:
    body_bytes, signature = row["body"], row["signature"]
    try:
        if body_bytes.__class__ is not bytes or signature.__class__ is not bytes:
            raise TypeError("a column of another type")  # changed by hand
        body = json.loads(body_bytes)
        kind = body["kind"]
        by = body["by"]
        ok = (
            body.get("v") == ROSTER_VERSION
            and body.get("line") == state.line_uuid
            and body.get("seq") == state.seq + 1 == row["seq"]
            and body.get("prev") == state.head
        )
    except (ValueError, KeyError, TypeError):
        raise RosterTampered() from None
    if not ok:
        raise RosterTampered()
    members = dict(state.members)
    link = _link(body_bytes, signature)
    new = replace(
        state,
        members=members,
        commitments=dict(state.commitments),
        seq=state.seq + 1,
        head=link,
        links=[*state.links, link],
    )
    try:
        if kind == "found":
            if state.seq != 0:
                raise RosterTampered()
            for m in body["members"]:
                sign_pub = _unhex(m.get("sign"))
                members[m["account"]] = Member(
                    m["account"], Role(m["role"]), bool(m.get("disabled")), sign_pub,
                    _unhex(m.get("box")), confirmed=m["account"] == by,
                    own_keys=m["account"] == by,
                )  # fmt: skip
            founder = members.get(by)
            if founder is None or founder.role is not Role.COORDINATOR or founder.sign is None:
                raise RosterTampered()
            _check_signature(founder.sign, body_bytes, signature)
            new.commitments[1] = str(body["commit"])
            new.min_format = int(body.get("format", 1))
            new.founder, new.founder_sign = by, founder.sign
            return new
        if state.seq == 0:
            raise RosterTampered()
        if kind == "format":
            # Any member may record that the file has moved on: it only ever narrows what
            # opens, so it needs no coordinator.
            member = members.get(by)
            if member is None or member.disabled or member.sign is None:
                raise RosterTampered()
            _check_signature(member.sign, body_bytes, signature)
            if int(body["version"]) <= state.min_format:
                raise RosterTampered()
            new.min_format = int(body["version"])
            return new
        account = body["account"] if kind != "rotate" else ""
        if kind == "keys":
            member = members.get(account)
            if member is None or member.disabled or by != account:
                raise RosterTampered()
            sign_pub, box_pub = _unhex(body["sign"]), _unhex(body["box"])
            if sign_pub is None or box_pub is None:
                raise RosterTampered()
            if member.sign is not None:
                _check_signature(member.sign, body_bytes, signature)
                members[account] = replace(member, sign=sign_pub, box=box_pub, own_keys=True)
                return new
            # Carried over from before the roster: only before any key replacement, and
            # unconfirmed (the proof shows membership, not identity) until a coordinator
            # confirms them.
            if state.generation != 1:
                raise RosterTampered()
            _check_signature(sign_pub, body_bytes, signature)
            proof = _unhex(body.get("proof")) or b""
            message = legacy_proof_message(state.line_uuid, account, sign_pub, box_pub)
            # Checked wherever generation 1 is still held. Once it is gone (replaced and
            # re-sealed), no entry can be added at this point any more: it would come after
            # the ``rotate`` entry, which the rule above refuses, or break the chain.
            if gen1 is not None and not gen1.wiped and not mac_ok(gen1, message, proof):
                raise RosterTampered()
            members[account] = replace(
                member, sign=sign_pub, box=box_pub, confirmed=False, own_keys=True
            )
            return new
        signer = members.get(by)
        if (
            signer is None
            or signer.disabled
            or signer.role is not Role.COORDINATOR
            or not signer.confirmed
            or signer.sign is None
        ):
            raise RosterTampered()
        _check_signature(signer.sign, body_bytes, signature)
        if kind == "add":
            if account in members:
                raise RosterTampered()
            members[account] = Member(
                account, Role(body["role"]), False, _unhex(body["sign"]), _unhex(body["box"])
            )
        elif kind == "role":
            members[account] = replace(members[account], role=Role(body["role"]), confirmed=True)
        elif kind == "off":
            members[account] = replace(members[account], disabled=True, sign=None, box=None)
        elif kind == "reset":
            before = members[account]
            members[account] = replace(
                before,
                disabled=before.disabled and not bool(body.get("switch_on")),
                sign=_unhex(body["sign"]),
                box=_unhex(body["box"]),
                confirmed=True,
                own_keys=False,
            )
        elif kind == "rotate":
            if body["generation"] != state.generation + 1:
                raise RosterTampered()
            new.generation = body["generation"]
            new.commitments[new.generation] = str(body["commit"])
        else:
            raise RosterTampered()
    except (KeyError, ValueError, TypeError):
        raise RosterTampered() from None
    return new


def _check_signature(public: bytes, body: bytes, signature: bytes) -> None:
    if not verify(public, body, signature):
        raise RosterTampered()


def append(
    db: Database,
    state: RosterState,
    signer: KeyPair,
    by: str,
    kind: str,
    gen1: Key | None = None,
    **fields: Any,
) -> RosterState:
    """Sign and store the next entry (inside the caller's transaction); the new state."""
    body: dict[str, Any] = {
        "v": ROSTER_VERSION,
        "line": state.line_uuid,
        "seq": state.seq + 1,
        "prev": state.head,
        "kind": kind,
        "by": by,
        "at": to_iso(utcnow()),
    }
    for name, value in fields.items():
        body[name] = value.hex() if isinstance(value, bytes) else value
    body_bytes = _canonical(body)
    signature = sign(signer, body_bytes)
    row = {"seq": state.seq + 1, "body": body_bytes, "signature": signature}
    new = _apply(state, row, gen1)
    db.table("roster").insert(row)
    return new


def found(
    db: Database,
    line_uuid: str,
    founder: str,
    signer: KeyPair,
    members: list[Member],
    first_generation: Key,
    min_format: int = 1,
) -> RosterState:
    """Start the roster with its first members (the founder among them, as coordinator),
    committing to the first team-key generation."""
    listed = [
        {
            "account": m.uuid,
            "role": m.role.value,
            "disabled": m.disabled,
            "sign": _hex(m.sign),
            "box": _hex(m.box),
        }
        for m in members
    ]
    return append(
        db, RosterState(line_uuid), signer, founder, "found", members=listed,
        commit=commitment(line_uuid, 1, first_generation), format=min_format,
    )  # fmt: skip


def legacy_keys_entry_fields(
    line_uuid: str, account: str, sign_pub: bytes, box_pub: bytes, gen1: Key
) -> dict[str, Any]:
    proof = mac(gen1, legacy_proof_message(line_uuid, account, sign_pub, box_pub))
    return {"account": account, "sign": sign_pub, "box": box_pub, "proof": proof}


def read_pin(raw: bytes | None) -> Pin | None:
    """A member's pin as stored (None: carried over before any roster). An account that
    has key pairs but no pin at all has had it removed: that is refused, never trusted."""
    if raw is None:
        raise RosterTampered()
    return Pin.from_bytes(raw)


def store_pin(db: Database, state: RosterState, me: str, user: Key) -> None:
    """Seal the roster's first and newest entry under ``me``'s user key as their pin."""
    from warmline.accounts import anchor_ctx
    from warmline.crypto import seal

    sealed = seal(user, state.pin().to_bytes(), anchor_ctx(me))
    db.execute("update accounts set anchor = ? where uuid = ?", [sealed, me])


def sign_and_pin(
    db: Database, state: RosterState, signer: KeyPair, me: str, user: Key, gen1: Key | None,
    kind: str, **fields: Any,
) -> RosterState:  # fmt: skip
    """Append an entry signed by ``me`` and move my pin to it, in the caller's transaction."""
    state = append(db, state, signer, me, kind, gen1, **fields)
    store_pin(db, state, me, user)
    return state
