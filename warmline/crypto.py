"""Sealing, key derivation and key wrapping: the only module that imports ``cryptography``.

Everything a person types is sealed with AES-256-GCM before it reaches SQLite. Each sealed
blob carries a small versioned header (magic, format version, key id, nonce) and is bound
by associated data to the exact place it belongs: the app, the format version, the table,
the row's UUID, the field, the key id, the owner (for personal data) and the row's
revision. Copying a blob into another row, field, owner or revision makes it fail to open,
so a tampered or shuffled file is detected rather than silently believed.

Passphrases become key-encryption keys through Argon2id. Parameters are stored per
account, versioned, and never accepted below :data:`FLOOR`, so a file edited to weaken them
is refused instead of opened faster. Tests use a cheap profile that only works once
:func:`allow_cheap_kdf_for_tests` has been called from inside a pytest run.

Python cannot promise that secrets are wiped from memory; key material is kept in a
``bytearray`` that :meth:`Key.wipe` zeroes on lock, which is the most it can honestly do.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
import struct
import sys
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from warmline.errors import Tampered, WeakKdfParameters

MAGIC = b"WL"
FORMAT_VERSION = 1
KEY_ID_LEN = 16
NONCE_LEN = 12
KEY_LEN = 32
_HEADER = struct.Struct(f">2sB{KEY_ID_LEN}s{NONCE_LEN}s")
HEADER_LEN = _HEADER.size
TAG_LEN = 16
APP_LABEL = b"warmline"


class Key:
    """A 256-bit symmetric key with a stable id, held in a wipeable bytearray."""

    __slots__ = ("_aead", "_material", "key_id")

    def __init__(self, material: bytes | bytearray, key_id: bytes) -> None:
        if len(material) != KEY_LEN:
            raise ValueError("a key must be 32 bytes")
        if len(key_id) != KEY_ID_LEN:
            raise ValueError("a key id must be 16 bytes")
        self._material = bytearray(material)
        self.key_id = bytes(key_id)
        self._aead: AESGCM | None = AESGCM(bytes(self._material))

    @classmethod
    def generate(cls) -> Key:
        return cls(secrets.token_bytes(KEY_LEN), secrets.token_bytes(KEY_ID_LEN))

    @property
    def aead(self) -> AESGCM:
        if self._aead is None:
            raise ValueError("this key has been wiped")
        return self._aead

    def material(self) -> bytes:
        """A copy of the raw key, only for wrapping it under another key."""
        if self._aead is None:
            raise ValueError("this key has been wiped")
        return bytes(self._material)

    def wipe(self) -> None:
        """Zero the key bytes we hold and drop the cipher object (best effort in Python)."""
        for i in range(len(self._material)):
            self._material[i] = 0
        self._aead = None

    @property
    def wiped(self) -> bool:
        return self._aead is None

    def __repr__(self) -> str:  # never show key material
        return f"<Key {self.key_id.hex()[:8]}…{' wiped' if self.wiped else ''}>"


@dataclass(frozen=True)
class SealContext:
    """Where a blob lives. All of it goes into the associated data."""

    table: str
    row: str
    field: str = "record"
    owner: str = ""
    revision: int = 0


_LEN = struct.Struct(">I").pack


def _lp(part: bytes) -> bytes:
    return _LEN(len(part)) + part


@functools.lru_cache(maxsize=256)
def _aad_head(table: str) -> bytes:
    return _lp(APP_LABEL) + _lp(str(FORMAT_VERSION).encode()) + _lp(table.encode())


@functools.lru_cache(maxsize=1024)
def _aad_middle(field: str, key_id: bytes, owner: str) -> bytes:
    return _lp(field.encode()) + _lp(key_id) + _lp(owner.encode())


def aad_for(table: str, row: str, field: str, key_id: bytes, owner: str, revision: int) -> bytes:
    """The associated data binding a blob to its place.

    Every part is length-prefixed, so no two different places encode the same. The parts
    that repeat across rows are cached: this runs once per record opened.
    """
    row_bytes = row.encode()
    rev_bytes = b"%d" % revision
    return b"".join(
        (
            _aad_head(table),
            _LEN(len(row_bytes)),
            row_bytes,
            _aad_middle(field, key_id, owner),
            _LEN(len(rev_bytes)),
            rev_bytes,
        )
    )


def _aad(ctx: SealContext, key_id: bytes) -> bytes:
    return aad_for(ctx.table, ctx.row, ctx.field, key_id, ctx.owner, ctx.revision)


def seal(key: Key, plaintext: bytes, ctx: SealContext) -> bytes:
    """Encrypt and bind ``plaintext`` to ``ctx``; returns header + ciphertext + tag."""
    nonce = secrets.token_bytes(NONCE_LEN)
    header = _HEADER.pack(MAGIC, FORMAT_VERSION, key.key_id, nonce)
    return header + key.aead.encrypt(nonce, plaintext, _aad(ctx, key.key_id))


def open_sealed(key: Key, blob: bytes, ctx: SealContext, what: str = "A record") -> bytes:
    """Decrypt a blob sealed by :func:`seal` for exactly this ``ctx``; else :class:`Tampered`."""
    if len(blob) < HEADER_LEN + TAG_LEN:
        raise Tampered(what)
    magic, version, key_id, nonce = _HEADER.unpack_from(blob)
    if magic != MAGIC or version != FORMAT_VERSION or key_id != key.key_id:
        raise Tampered(what)
    try:
        return key.aead.decrypt(nonce, blob[HEADER_LEN:], _aad(ctx, key.key_id))
    except InvalidTag:
        raise Tampered(what) from None


def open_at(
    key: Key,
    blob: bytes,
    table: str,
    row: str,
    field: str,
    owner: str,
    revision: int,
    what: str = "A record",
) -> bytes:
    """:func:`open_sealed` without building a SealContext (the hot path of every list)."""
    if len(blob) < HEADER_LEN + TAG_LEN:
        raise Tampered(what)
    magic, version, key_id, nonce = _HEADER.unpack_from(blob)
    if magic != MAGIC or version != FORMAT_VERSION or key_id != key.key_id:
        raise Tampered(what)
    try:
        return key.aead.decrypt(
            nonce, blob[HEADER_LEN:], aad_for(table, row, field, key_id, owner, revision)
        )
    except InvalidTag:
        raise Tampered(what) from None


def seal_json(key: Key, value: object, ctx: SealContext) -> bytes:
    return seal(key, json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(), ctx)


def open_json(key: Key, blob: bytes, ctx: SealContext, what: str = "A record") -> object:
    return json.loads(open_sealed(key, blob, ctx, what).decode("utf-8"))


# --- key wrapping --------------------------------------------------------------------------


def wrap_key(wrapping: Key, key: Key, ctx: SealContext) -> bytes:
    """Seal ``key`` (its id and material) under ``wrapping``, bound to ``ctx``."""
    return seal(wrapping, key.key_id + key.material(), ctx)


def unwrap_key(wrapping: Key, blob: bytes, ctx: SealContext) -> Key:
    raw = bytearray(open_sealed(wrapping, blob, ctx, "A key"))
    try:
        return Key(raw[KEY_ID_LEN:], bytes(raw[:KEY_ID_LEN]))
    finally:
        for i in range(len(raw)):
            raw[i] = 0


# --- passphrase key derivation ---------------------------------------------------------------

KDF_VERSION = 1


@dataclass(frozen=True)
class KdfParams:
    """Argon2id settings stored beside each account, so they can grow over the years."""

    salt: bytes
    memory_kib: int
    iterations: int
    lanes: int
    version: int = KDF_VERSION
    profile: str = "standard"

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": self.version,
                "alg": "argon2id",
                "salt": base64.b64encode(self.salt).decode(),
                "m": self.memory_kib,
                "t": self.iterations,
                "p": self.lanes,
                "profile": self.profile,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        try:
            d = json.loads(text)
            if d.get("alg") != "argon2id":
                raise WeakKdfParameters()
            return cls(
                salt=base64.b64decode(d["salt"]),
                memory_kib=int(d["m"]),
                iterations=int(d["t"]),
                lanes=int(d["p"]),
                version=int(d["v"]),
                profile=str(d.get("profile", "standard")),
            )
        except (ValueError, KeyError, TypeError):
            raise WeakKdfParameters() from None

    def with_new_salt(self) -> KdfParams:
        return KdfParams(
            secrets.token_bytes(16),
            self.memory_kib,
            self.iterations,
            self.lanes,
            self.version,
            self.profile,
        )


@dataclass(frozen=True)
class KdfFloor:
    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 1
    salt_len: int = 16


FLOOR = KdfFloor()

#: The most calibration ever chooses: 1 GiB, 10 passes, 4 lanes.
CALIBRATION_MAX_MEMORY_KIB = 1024 * 1024
CALIBRATION_MAX_ITERATIONS = 10
CALIBRATION_LANES = 4


@dataclass(frozen=True)
class KdfCeiling:
    """The most any stored parameters may ask for: just above what calibration chooses.

    A file edited to make every unlock take minutes (or exhaust memory) is refused instead
    of run; the 4 GiB, 64 passes and 64 lanes the old ceiling let through did exactly that.
    """

    memory_kib: int = CALIBRATION_MAX_MEMORY_KIB
    iterations: int = CALIBRATION_MAX_ITERATIONS
    lanes: int = 8


KDF_CEILING = KdfCeiling()
_TEST_PROFILE = "test-only"
_cheap_kdf_allowed = False


def allow_cheap_kdf_for_tests() -> None:
    """Let tests use a fast KDF. Refused anywhere but inside a pytest run."""
    global _cheap_kdf_allowed
    if "pytest" not in sys.modules:
        raise RuntimeError("the cheap KDF profile is for the test suite only")
    _cheap_kdf_allowed = True


def cheap_test_params() -> KdfParams:
    """A KDF profile of about a millisecond, usable only after allow_cheap_kdf_for_tests()."""
    if not _cheap_kdf_allowed:
        raise RuntimeError("the cheap KDF profile is for the test suite only")
    return KdfParams(secrets.token_bytes(16), 64, 1, 1, KDF_VERSION, _TEST_PROFILE)


def check_params(params: KdfParams) -> None:
    """Refuse parameters below the floor, unless they are the test profile inside tests."""
    if params.profile == _TEST_PROFILE and _cheap_kdf_allowed:
        return
    if (
        params.version != KDF_VERSION
        # A ceiling too: a file edited to absurd settings must not hang or exhaust memory.
        or params.memory_kib > KDF_CEILING.memory_kib
        or params.iterations > KDF_CEILING.iterations
        or params.lanes > KDF_CEILING.lanes
        or params.memory_kib < 8 * params.lanes
        or params.memory_kib < FLOOR.memory_kib
        or params.iterations < FLOOR.iterations
        or params.lanes < FLOOR.lanes
        or len(params.salt) < FLOOR.salt_len
        or params.profile == _TEST_PROFILE
    ):
        raise WeakKdfParameters()


def argon2id(
    password: bytes,
    salt: bytes,
    *,
    iterations: int,
    lanes: int,
    memory_kib: int,
    length: int = KEY_LEN,
    secret: bytes | None = None,
    ad: bytes | None = None,
) -> bytes:
    """Raw Argon2id (RFC 9106), as cryptography provides it."""
    return Argon2id(
        salt=salt,
        length=length,
        iterations=iterations,
        lanes=lanes,
        memory_cost=memory_kib,
        ad=ad,
        secret=secret,
    ).derive(password)


def derive_kek(passphrase: str, params: KdfParams) -> Key:
    """Turn a passphrase into a key-encryption key. The passphrase is never stored."""
    check_params(params)
    material = argon2id(
        passphrase.encode("utf-8"),
        params.salt,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_kib=params.memory_kib,
    )
    key_id = hashlib.sha256(b"warmline-kek" + params.salt).digest()[:KEY_ID_LEN]
    return Key(material, key_id)


@dataclass
class Calibration:
    """Measured cost of the default KDF on this machine."""

    params: KdfParams
    seconds: float
    trials: list[tuple[int, int, float]] = field(default_factory=list)


def calibrate(target_seconds: float = 0.5, lanes: int = CALIBRATION_LANES) -> Calibration:
    """Pick Argon2id settings that take about ``target_seconds`` here, never below the floor.

    Memory grows first (it is what makes guessing on GPUs expensive), then passes.
    """
    memory = FLOOR.memory_kib
    iterations = FLOOR.iterations
    salt = secrets.token_bytes(16)
    trials: list[tuple[int, int, float]] = []

    def measure(m: int, t: int) -> float:
        start = time.perf_counter()
        argon2id(b"calibration", salt, iterations=t, lanes=lanes, memory_kib=m)
        took = time.perf_counter() - start
        trials.append((m, t, took))
        return took

    took = measure(memory, iterations)
    while took * 2 <= target_seconds * 1.25 and memory * 2 <= CALIBRATION_MAX_MEMORY_KIB:
        memory *= 2
        took = measure(memory, iterations)
    while (
        took * (iterations + 1) / iterations <= target_seconds * 1.25
        and iterations < CALIBRATION_MAX_ITERATIONS
    ):
        iterations += 1
        took = measure(memory, iterations)
    params = KdfParams(secrets.token_bytes(16), memory, iterations, lanes)
    return Calibration(params, took, trials)


# --- recovery codes --------------------------------------------------------------------------

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U


def new_recovery_code() -> str:
    """25 characters (about 123 bits) in five groups, easy to print and type back."""
    chars = [secrets.choice(_CODE_ALPHABET) for _ in range(25)]
    return "-".join("".join(chars[i : i + 5]) for i in range(0, 25, 5))


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(c for c in code.upper() if c.isalnum())
    return "-".join(cleaned[i : i + 5] for i in range(0, len(cleaned), 5))
