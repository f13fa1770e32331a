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

Each account also holds two key pairs: X25519 to receive keys (a new team-key generation is
sealed to every member's public key, so a coordinator can hand it over without knowing
anyone's passphrase) and Ed25519 to sign the team's roster. :func:`seal_key_to` and
:func:`open_key_from` are ephemeral-static X25519 + HKDF-SHA256 + AES-256-GCM, the usual
"sealed box" construction, with the recipient and the place bound into the associated data.

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

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from warmline.errors import NewerFormat, Tampered, WeakKdfParameters

MAGIC = b"WL"
#: What new blobs are written as. Format 2 adds the row's clear columns (a canonical
#: encoding, see warmline/records.py) to the associated data, so moving, re-dating or
#: re-attributing a record makes it fail to open. Format 3 binds the same way, but its
#: rows keep their exact times, people and links inside the body, not in clear columns
#: (warmline/moved_columns.py). Older blobs still open until the background re-seal has
#: moved them to the newest format and the signed floor is raised.
FORMAT_VERSION = 3
OLDEST_FORMAT = 1
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
    clear: bytes = b""  # the row's clear columns, canonically encoded (format 2)


_LEN = struct.Struct(">I").pack


def _lp(part: bytes) -> bytes:
    return _LEN(len(part)) + part


def length_prefixed(part: bytes) -> bytes:
    """``part`` with its length in front, so joined parts can never be read two ways."""
    return _lp(part)


@functools.lru_cache(maxsize=256)
def _aad_head(table: str, version: int = FORMAT_VERSION) -> bytes:
    return _lp(APP_LABEL) + _lp(str(version).encode()) + _lp(table.encode())


@functools.lru_cache(maxsize=1024)
def _aad_middle(field: str, key_id: bytes, owner: str) -> bytes:
    return _lp(field.encode()) + _lp(key_id) + _lp(owner.encode())


def aad_for(
    table: str,
    row: str,
    field: str,
    key_id: bytes,
    owner: str,
    revision: int,
    clear: bytes = b"",
    version: int = FORMAT_VERSION,
) -> bytes:
    """The associated data binding a blob to its place (and, from format 2, its clear
    columns).

    Every part is length-prefixed, so no two different places encode the same. The parts
    that repeat across rows are cached: this runs once per record opened.
    """
    row_bytes = row.encode()
    rev_bytes = b"%d" % revision
    tail = (_LEN(len(clear)), clear) if version >= 2 else ()
    return b"".join(
        (
            _aad_head(table, version),
            _LEN(len(row_bytes)),
            row_bytes,
            _aad_middle(field, key_id, owner),
            _LEN(len(rev_bytes)),
            rev_bytes,
            *tail,
        )
    )


def _aad(ctx: SealContext, key_id: bytes, version: int = FORMAT_VERSION) -> bytes:
    return aad_for(
        ctx.table, ctx.row, ctx.field, key_id, ctx.owner, ctx.revision, ctx.clear, version
    )


def seal(key: Key, plaintext: bytes, ctx: SealContext) -> bytes:
    """Encrypt and bind ``plaintext`` to ``ctx``; returns header + ciphertext + tag."""
    nonce = secrets.token_bytes(NONCE_LEN)
    header = _HEADER.pack(MAGIC, FORMAT_VERSION, key.key_id, nonce)
    return header + key.aead.encrypt(nonce, plaintext, _aad(ctx, key.key_id, FORMAT_VERSION))


def _readable_version(magic: bytes, version: int, what: str) -> int:
    if magic != MAGIC:
        raise Tampered(what)
    if version > FORMAT_VERSION:
        raise NewerFormat(what)
    if version < OLDEST_FORMAT:
        raise Tampered(what)
    return version


def blob_version(blob: bytes) -> int:
    """The format a sealed blob was written in (0 for something that is not one)."""
    return blob[2] if len(blob) > 2 and blob[:2] == MAGIC else 0


def open_sealed(key: Key, blob: bytes, ctx: SealContext, what: str = "A record") -> bytes:
    """Decrypt a blob sealed by :func:`seal` for exactly this ``ctx``; else :class:`Tampered`
    (also for a value of another type, as a column changed by hand can hold)."""
    if blob.__class__ is not bytes or len(blob) < HEADER_LEN + TAG_LEN:
        raise Tampered(what)
    magic, version, key_id, nonce = _HEADER.unpack_from(blob)
    version = _readable_version(magic, version, what)
    if key_id != key.key_id:
        raise Tampered(what)
    try:
        return key.aead.decrypt(nonce, blob[HEADER_LEN:], _aad(ctx, key.key_id, version))
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
    clear: bytes = b"",
) -> bytes:
    """:func:`open_sealed` without building a SealContext (the hot path of every list)."""
    if len(blob) < HEADER_LEN + TAG_LEN:
        raise Tampered(what)
    magic, version, key_id, nonce = _HEADER.unpack_from(blob)
    if magic != MAGIC or version != FORMAT_VERSION or key_id != key.key_id:
        version = _readable_version(magic, version, what)
        if key_id != key.key_id:
            raise Tampered(what)
    try:
        return key.aead.decrypt(
            nonce,
            blob[HEADER_LEN:],
            aad_for(table, row, field, key_id, owner, revision, clear, version),
        )
    except InvalidTag:
        raise Tampered(what) from None


def key_for(keys: dict[bytes, Key], blob: bytes) -> Key | None:
    """The key among ``keys`` (by id) that ``blob`` names in its header, if held."""
    return keys.get(bytes(blob[3 : 3 + KEY_ID_LEN]))


def seal_json(key: Key, value: object, ctx: SealContext) -> bytes:
    return seal(key, json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(), ctx)


def open_json(key: Key, blob: bytes, ctx: SealContext, what: str = "A record") -> object:
    return json.loads(open_sealed(key, blob, ctx, what).decode("utf-8"))


def open_json_with(
    keys: dict[bytes, Key], blob: bytes, ctx: SealContext, what: str = "A record"
) -> object:
    """:func:`open_json` with the key picked by the blob's header from ``keys``."""
    key = key_for(keys, blob)
    if key is None:
        raise Tampered(what)
    return open_json(key, blob, ctx, what)


# --- key wrapping --------------------------------------------------------------------------


def wrap_key(wrapping: Key, key: Key, ctx: SealContext) -> bytes:
    """Seal ``key`` (its id and material) under ``wrapping``, bound to ``ctx``."""
    return seal(wrapping, key.key_id + key.material(), ctx)


def unwrap_key(wrapping: Key, blob: bytes, ctx: SealContext) -> Key:
    raw = bytearray(open_sealed(wrapping, blob, ctx, "Part of an account"))
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
            if not isinstance(d, dict) or d.get("alg") != "argon2id":
                raise WeakKdfParameters()
            return cls(
                salt=base64.b64decode(d["salt"]),
                memory_kib=int(d["m"]),
                iterations=int(d["t"]),
                lanes=int(d["p"]),
                version=int(d["v"]),
                profile=str(d.get("profile", "standard")),
            )
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
            # A hand-edited file may hold anything: a list, 1e999, nesting past the limit.
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


# --- key pairs: receiving keys (X25519) and signing the roster (Ed25519) -----------------------

PUBLIC_LEN = 32
PRIVATE_LEN = 32
SIGNATURE_LEN = 64


class KeyPair:
    """A private key (raw 32 bytes, in a wipeable bytearray) and its public half."""

    __slots__ = ("_private", "kind", "public")

    def __init__(self, kind: str, private: bytes | bytearray) -> None:
        if kind not in ("box", "sign") or len(private) != PRIVATE_LEN:
            raise ValueError("a key pair is 'box' or 'sign' with a 32-byte private key")
        self.kind = kind
        self._private = bytearray(private)
        if kind == "box":
            box = X25519PrivateKey.from_private_bytes(bytes(private))
            self.public: bytes = box.public_key().public_bytes_raw()
        else:
            signer = Ed25519PrivateKey.from_private_bytes(bytes(private))
            self.public = signer.public_key().public_bytes_raw()

    @classmethod
    def generate(cls, kind: str) -> KeyPair:
        return cls(kind, secrets.token_bytes(PRIVATE_LEN))

    def private_bytes(self) -> bytes:
        """A copy of the private half, only for sealing it under the owner's user key."""
        if not any(self._private):
            raise ValueError("this key pair has been wiped")
        return bytes(self._private)

    def wipe(self) -> None:
        for i in range(len(self._private)):
            self._private[i] = 0

    def __repr__(self) -> str:
        return f"<KeyPair {self.kind} {self.public.hex()[:8]}…>"


def seal_key_pair(user_key: Key, pair: KeyPair, ctx: SealContext) -> bytes:
    return seal(user_key, pair.private_bytes(), ctx)


def open_key_pair(user_key: Key, kind: str, blob: bytes, ctx: SealContext) -> KeyPair:
    raw = bytearray(open_sealed(user_key, blob, ctx, "Part of an account"))
    try:
        return KeyPair(kind, raw)
    finally:
        for i in range(len(raw)):
            raw[i] = 0


def _box_key(shared: bytes, context: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=None, info=context).derive(shared)


def seal_key_to(recipient_public: bytes, key: Key, context: bytes) -> bytes:
    """Seal ``key`` so only the holder of the X25519 private key for ``recipient_public``
    opens it. ``context`` (line, account, generation…) is bound into the key derivation and
    the associated data, so a wrap copied to another account or generation fails to open."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    aad = _lp(APP_LABEL) + _lp(b"sealed-key") + _lp(context) + _lp(recipient_public)
    aad += _lp(ephemeral_public)
    nonce = secrets.token_bytes(NONCE_LEN)
    body = AESGCM(_box_key(shared, aad)).encrypt(nonce, key.key_id + key.material(), aad)
    return ephemeral_public + nonce + body


def open_key_from(pair: KeyPair, blob: bytes, context: bytes) -> Key:
    """Open what :func:`seal_key_to` sealed to ``pair``; :class:`Tampered` otherwise."""
    shortest = PUBLIC_LEN + NONCE_LEN + KEY_ID_LEN + KEY_LEN + TAG_LEN
    if pair.kind != "box" or blob.__class__ is not bytes or len(blob) < shortest:
        raise Tampered("Part of an account")
    ephemeral_public = blob[:PUBLIC_LEN]
    nonce = blob[PUBLIC_LEN : PUBLIC_LEN + NONCE_LEN]
    aad = _lp(APP_LABEL) + _lp(b"sealed-key") + _lp(context) + _lp(pair.public)
    aad += _lp(ephemeral_public)
    private = X25519PrivateKey.from_private_bytes(pair.private_bytes())
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        body = blob[PUBLIC_LEN + NONCE_LEN :]
        raw = bytearray(AESGCM(_box_key(shared, aad)).decrypt(nonce, body, aad))
    except (InvalidTag, ValueError):
        raise Tampered("Part of an account") from None
    try:
        return Key(raw[KEY_ID_LEN:], bytes(raw[:KEY_ID_LEN]))
    finally:
        for i in range(len(raw)):
            raw[i] = 0


_SIGN_LABEL = b"warmline-roster-v1"


def sign(pair: KeyPair, message: bytes) -> bytes:
    """An Ed25519 signature over ``message``, domain-separated for the roster."""
    if pair.kind != "sign":
        raise ValueError("only a signing key pair signs")
    return Ed25519PrivateKey.from_private_bytes(pair.private_bytes()).sign(_SIGN_LABEL + message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``public``'s signature over ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, _SIGN_LABEL + message)
    except (InvalidSignature, ValueError):
        return False
    return True


def mac(key: Key, message: bytes) -> bytes:
    """HMAC-SHA256 of ``message`` under ``key`` (proof that the writer held the key)."""
    h = hmac.HMAC(key.material(), hashes.SHA256())
    h.update(b"warmline-mac-v1" + message)
    return h.finalize()


def mac_ok(key: Key, message: bytes, tag: bytes) -> bool:
    h = hmac.HMAC(key.material(), hashes.SHA256())
    h.update(b"warmline-mac-v1" + message)
    try:
        h.verify(tag)
    except InvalidSignature:
        return False
    return True


def key_id_of(blob: bytes) -> bytes | None:
    """The key id in a sealed blob's header, or None for something that is not one."""
    if len(blob) < HEADER_LEN:
        return None
    magic, version, key_id, _ = _HEADER.unpack_from(blob)
    if magic != MAGIC or version != FORMAT_VERSION:
        return None
    return bytes(key_id)


# --- backup files: a key per file and sealing at a given nonce (see warmline/backup_format.py) --


def derive_subkey(key: Key, salt: bytes, info: bytes) -> Key:
    """A key of its own for one use of ``key`` (HKDF-SHA256). A backup file draws a fresh
    ``salt``, so two files never seal under the same key even when the passphrase key is
    reused (automatic backups), which makes counter nonces safe."""
    material = HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=salt, info=info).derive(
        key.material()
    )
    key_id = hashlib.sha256(b"warmline-subkey" + salt + info).digest()[:KEY_ID_LEN]
    return Key(material, key_id)


def seal_at(key: Key, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM at a nonce the caller guarantees is used once under ``key``."""
    return key.aead.encrypt(nonce, plaintext, aad)


def open_at_nonce(key: Key, nonce: bytes, sealed: bytes, aad: bytes) -> bytes | None:
    """What :func:`seal_at` sealed, or None when it does not open (changed, moved, or
    another key)."""
    try:
        return key.aead.decrypt(nonce, sealed, aad)
    except (InvalidTag, ValueError):
        return None
