"""The team key's generations as one unlocked person holds them.

The team key is not one key for ever: it comes in numbered generations. New records are
sealed with the newest; older ones stay readable while any record still needs them, and are
re-sealed to the newest in the background (:mod:`warmline.rotation`). Each sealed blob names
its key id in its header, so opening looks the key up by id instead of assuming one.

Each generation is sealed to each member's X25519 public key (``team_keys`` table) with the
line, the account and the generation bound in, so a coordinator can hand a new generation to
everyone without knowing their passphrases, and a wrap copied to another account or
generation fails to open.
"""

from __future__ import annotations

from sqlite_utils import Database

from warmline.crypto import Key, KeyPair, length_prefixed, open_key_from, seal_key_to
from warmline.errors import Tampered


def wrap_context(line_uuid: str, account_uuid: str, generation: int) -> bytes:
    """What a generation's wrap for one account is bound to."""
    return (
        length_prefixed(b"team-key")
        + length_prefixed(line_uuid.encode())
        + length_prefixed(account_uuid.encode())
        + length_prefixed(str(generation).encode())
    )


class TeamKeyring:
    """Generation number -> key, newest used for sealing, any found by key id for opening."""

    def __init__(self) -> None:
        self._by_generation: dict[int, Key] = {}
        self._by_id: dict[bytes, Key] = {}

    def add(self, generation: int, key: Key) -> None:
        self._by_generation[generation] = key
        self._by_id[key.key_id] = key

    @property
    def newest_generation(self) -> int:
        if not self._by_generation:
            raise Tampered("The team's lock")
        return max(self._by_generation)

    @property
    def newest(self) -> Key:
        return self._by_generation[self.newest_generation]

    def generations(self) -> dict[int, Key]:
        return dict(self._by_generation)

    def by_id(self) -> dict[bytes, Key]:
        """Key id -> key, for opening blobs sealed under any generation held."""
        return self._by_id

    def get(self, key_id: bytes) -> Key | None:
        return self._by_id.get(key_id)

    def wipe(self) -> None:
        for key in self._by_generation.values():
            key.wipe()
        self._by_generation.clear()
        self._by_id.clear()

    def __len__(self) -> int:
        return len(self._by_generation)


def seal_generation_to(
    line_uuid: str, account_uuid: str, box_public: bytes, generation: int, key: Key
) -> bytes:
    return seal_key_to(box_public, key, wrap_context(line_uuid, account_uuid, generation))


def load_keyring(db: Database, line_uuid: str, account_uuid: str, box: KeyPair) -> TeamKeyring:
    """Open every generation sealed to this account. A damaged wrap is skipped, not fatal:
    the records it would open report themselves damaged."""
    ring = TeamKeyring()
    rows = db.query(
        "select generation, wrap from team_keys where account_uuid = ? order by generation",
        [account_uuid],
    )
    for row in rows:
        generation = row["generation"]
        if generation.__class__ is not int:
            continue  # changed by hand: as a damaged wrap
        context = wrap_context(line_uuid, account_uuid, generation)
        try:
            ring.add(generation, open_key_from(box, row["wrap"], context))
        except Tampered:
            continue
    return ring


def newest_generation(db: Database) -> int:
    row = next(db.query("select max(generation) as g from team_keys"), None)
    return int(row["g"]) if row and row["g"] is not None else 0


def keep_committed(
    ring: TeamKeyring, line_uuid: str, commitments: dict[int, str], newest: int
) -> TeamKeyring:
    """Only the generations the signed roster announced, with the very key it committed to.

    A generation planted in the file (sealed to members' public keys, which anyone can do)
    is dropped here, so nothing is ever sealed with a key an outsider chose. If the newest
    signed generation is not among what this member holds, they cannot be brought up to
    date by themselves: :class:`~warmline.roster.NeedsReset`.
    """
    from warmline.roster import NeedsReset, commitment

    kept = TeamKeyring()
    for generation, key in ring.generations().items():
        if commitments.get(generation) == commitment(line_uuid, generation, key):
            kept.add(generation, key)
        else:
            key.wipe()
    if newest not in kept.generations():
        kept.wipe()
        raise NeedsReset()
    return kept
