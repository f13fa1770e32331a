"""The backup file: a sealed stream of chunks behind an authenticated header.

Layout (all integers big-endian)::

    "WLBACKUP" | version (1 byte) | header length (4) | header (JSON: Argon2id parameters
    and salt, chunk size, a random file salt)
    key check (16 bytes: AES-GCM of nothing, the header as associated data)
    digest (32 bytes: SHA-256 of everything above)
    chunks: length (4) | AES-256-GCM(chunk) ... the last one flagged as last

The key is Argon2id of the backup passphrase, then HKDF with the file salt, so no two files
share a key (an automatic backup may reuse the passphrase key). Each chunk's nonce is its
index and a last-chunk flag, and its associated data is the header digest with the same
index and flag: a changed byte, a chunk moved, swapped, dropped or copied from another
backup, a cut after any chunk, or a file with its end removed all fail to open.

The plain digest tells damage apart from a wrong passphrase: a file whose opening part is
intact but whose key check fails was opened with another passphrase (or forged by someone
who rewrote the digest too, which is refused just the same).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from warmline.crypto import (
    TAG_LEN,
    KdfParams,
    Key,
    derive_subkey,
    open_at_nonce,
    seal_at,
)
from warmline.errors import (
    BackupDamaged,
    BackupFromNewerVersion,
    BackupWrongPassphrase,
    NotABackup,
    WeakKdfParameters,
)

MAGIC = b"WLBACKUP"
VERSION = 1
CHUNK_SIZE = 1 << 20
#: The most a header or a chunk may claim: a damaged length must not make us read gigabytes.
MAX_HEADER = 4096
MAX_CHUNK_SIZE = 16 << 20
_U32 = struct.Struct(">I")
_FIXED = struct.Struct(">8sBI")
_CHECK_NONCE = b"\xff" * 12
_SUBKEY_INFO = b"warmline-backup-v1"
DIGEST_LEN = 32

#: ``progress(done, total)`` in bytes of the sealed payload.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Header:
    kdf: KdfParams
    chunk_size: int
    file_salt: bytes

    def encode(self) -> bytes:
        body = json.dumps(
            {
                "kdf": json.loads(self.kdf.to_json()),
                "chunk": self.chunk_size,
                "salt": base64.b64encode(self.file_salt).decode(),
            },
            sort_keys=True,
        ).encode()
        return _FIXED.pack(MAGIC, VERSION, len(body)) + body


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">QI", index, 1 if last else 0)


def _aad(digest: bytes, index: int, last: bool) -> bytes:
    return b"warmline-backup-chunk" + digest + _nonce(index, last)


def seal_stream(
    out: BinaryIO,
    source: BinaryIO,
    size: int,
    kek: Key,
    kdf: KdfParams,
    *,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> int:
    """Write the ``size`` bytes read from ``source`` sealed under ``kek`` (derived from the
    backup passphrase with ``kdf``), one chunk in memory at a time. Returns the number of
    bytes written."""
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError("chunk size out of range")
    header = Header(kdf, chunk_size, secrets.token_bytes(16))
    prefix = header.encode()
    key = derive_subkey(kek, header.file_salt, _SUBKEY_INFO)
    try:
        check = seal_at(key, _CHECK_NONCE, b"", prefix)
        digest = hashlib.sha256(prefix + check).digest()
        out.write(prefix + check + digest)
        written = len(prefix) + len(check) + len(digest)
        count = max(1, -(-size // chunk_size))
        for index in range(count):
            want = min(chunk_size, size - index * chunk_size)
            part = source.read(want)
            if len(part) != want:
                raise OSError("the copy being sealed ended early")
            last = index == count - 1
            sealed = seal_at(key, _nonce(index, last), part, _aad(digest, index, last))
            out.write(_U32.pack(len(sealed)) + sealed)
            written += 4 + len(sealed)
            if progress is not None:
                progress(min(size, (index + 1) * chunk_size), size)
        return written
    finally:
        key.wipe()


class _Reader:
    """Exact reads from the backup; running out early means the file was cut short."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.stream = stream
        self.name = name

    def exact(self, n: int, where: str) -> bytes:
        data = self.stream.read(n)
        if len(data) != n:
            raise BackupDamaged(self.name, f"it ends too soon, in {where}")
        return data


def read_header(stream: BinaryIO, name: str) -> tuple[Header, bytes, bytes, bytes]:
    """The header, its raw bytes, the key check and the digest, checked for damage."""
    reader = _Reader(stream, name)
    first = stream.read(_FIXED.size)
    if len(first) < len(MAGIC) or first[: len(MAGIC)] != MAGIC:
        raise NotABackup(name)
    if len(first) < _FIXED.size:
        raise BackupDamaged(name, "it ends too soon, in its opening part")
    _magic, version, length = _FIXED.unpack(first)
    if version > VERSION:
        raise BackupFromNewerVersion(name)
    if version < 1 or length > MAX_HEADER:
        raise BackupDamaged(name, "its opening part")
    body = reader.exact(length, "its opening part")
    check = reader.exact(TAG_LEN, "its opening part")
    digest = reader.exact(DIGEST_LEN, "its opening part")
    prefix = first + body
    if not secrets.compare_digest(hashlib.sha256(prefix + check).digest(), digest):
        raise BackupDamaged(name, "its opening part")
    try:
        fields = json.loads(body)
        header = Header(
            KdfParams.from_json(json.dumps(fields["kdf"])),
            int(fields["chunk"]),
            base64.b64decode(fields["salt"], validate=True),
        )
    except (ValueError, KeyError, TypeError, WeakKdfParameters):
        raise BackupDamaged(name, "its opening part") from None
    if not 1 <= header.chunk_size <= MAX_CHUNK_SIZE or len(header.file_salt) != 16:
        raise BackupDamaged(name, "its opening part")
    return header, prefix, check, digest


def open_stream(
    stream: BinaryIO,
    name: str,
    key_for: Callable[[KdfParams], Key],
    *,
    size: int | None = None,
    progress: Progress | None = None,
) -> list[bytes]:
    """Open and check every chunk; returns the payload in chunks.

    ``key_for`` turns the header's Argon2id parameters into the passphrase key (it raises
    :class:`WeakKdfParameters` for parameters below the floor). ``size`` (the file's length)
    only feeds ``progress``. Raises :class:`BackupWrongPassphrase` or :class:`BackupDamaged`
    and returns nothing unless the whole file checked out.
    """
    header, prefix, check, digest = read_header(stream, name)
    try:
        kek = key_for(header.kdf)
    except WeakKdfParameters:
        raise BackupDamaged(name, "its opening part") from None
    key = derive_subkey(kek, header.file_salt, _SUBKEY_INFO)
    kek.wipe()
    reader = _Reader(stream, name)
    try:
        if open_at_nonce(key, _CHECK_NONCE, check, prefix) is None:
            raise BackupWrongPassphrase()
        parts: list[bytes] = []
        done = len(prefix) + len(check) + len(digest)
        index = 0
        while True:
            where = f"part {index + 1}"
            (length,) = _U32.unpack(reader.exact(4, where))
            if not TAG_LEN <= length <= header.chunk_size + TAG_LEN:
                raise BackupDamaged(name, where)
            sealed = reader.exact(length, where)
            plain = open_at_nonce(key, _nonce(index, False), sealed, _aad(digest, index, False))
            last = plain is None
            if plain is None:
                plain = open_at_nonce(key, _nonce(index, True), sealed, _aad(digest, index, True))
                if plain is None:
                    raise BackupDamaged(name, where)
            elif len(plain) != header.chunk_size:
                raise BackupDamaged(name, where)
            parts.append(plain)
            done += 4 + length
            if progress is not None:
                progress(done, size or done)
            index += 1
            if last:
                break
        if stream.read(1):
            raise BackupDamaged(name, "something was added after its end")
        return parts
    finally:
        key.wipe()
