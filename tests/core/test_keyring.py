"""The team keyring on its own: what a wrap is bound to, and how damaged wraps are skipped."""

from __future__ import annotations

from sqlite_utils import Database

from warmline.crypto import Key, KeyPair
from warmline.keyring import (
    TeamKeyring,
    load_keyring,
    newest_generation,
    seal_generation_to,
    wrap_context,
)


def _lp(part: bytes) -> bytes:
    return len(part).to_bytes(4, "big") + part


def _team_keys(rows: list[dict[str, object]]) -> Database:
    db = Database(memory=True)
    db["team_keys"].create({"generation": int, "account_uuid": str, "wrap": bytes})
    db["team_keys"].insert_all(rows)
    return db


def test_a_wrap_is_bound_to_the_documented_context() -> None:
    """Written out by hand: every member's stored wraps were sealed to exactly these bytes."""
    assert wrap_context("line-1", "acct-1", 12) == b"".join(
        _lp(p) for p in (b"team-key", b"line-1", b"acct-1", b"12")
    )


def test_a_damaged_wrap_is_skipped_and_the_next_generation_still_loads() -> None:
    box = KeyPair.generate("box")
    second, third = Key.generate(), Key.generate()
    db = _team_keys(
        [
            {"generation": 1, "account_uuid": "a", "wrap": b"damaged beyond reading" * 4},
            {
                "generation": 2,
                "account_uuid": "a",
                "wrap": seal_generation_to("L", "a", box.public, 2, second),
            },
            {
                "generation": 3,
                "account_uuid": "a",
                "wrap": seal_generation_to("L", "a", box.public, 3, third),
            },
            {"generation": 3, "account_uuid": "b", "wrap": b"someone else's"},
        ]
    )
    ring = load_keyring(db, "L", "a", box)
    assert sorted(ring.generations()) == [2, 3]
    assert ring.newest.material() == third.material()
    assert newest_generation(db) == 3


def test_no_generations_at_all_reads_as_zero() -> None:
    assert newest_generation(_team_keys([])) == 0


def test_the_ring_finds_keys_by_id_only_among_its_own() -> None:
    ring = TeamKeyring()
    key = Key.generate()
    ring.add(1, key)
    assert ring.get(key.key_id) is key
    assert ring.get(Key.generate().key_id) is None
