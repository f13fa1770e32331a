"""The backup format on its own: every single byte of a small sealed stream matters."""

from __future__ import annotations

import io

import pytest

from warmline import backup_format, crypto
from warmline.errors import (
    BackupDamaged,
    BackupFromNewerVersion,
    BackupWrongPassphrase,
    NotABackup,
)

PAYLOAD = bytes(range(256)) * 9  # 2,304 bytes: five chunks of 500 and a short last one


def sealed(payload: bytes = PAYLOAD, chunk: int = 500) -> tuple[bytes, crypto.Key]:
    params = crypto.cheap_test_params()
    kek = crypto.derive_kek("a backup passphrase", params)
    out = io.BytesIO()
    backup_format.seal_stream(out, io.BytesIO(payload), len(payload), kek, params,
                              chunk_size=chunk)  # fmt: skip
    return out.getvalue(), kek


def opened(data: bytes, kek: crypto.Key) -> bytes:
    def key_for(params: crypto.KdfParams) -> crypto.Key:
        return crypto.Key(kek.material(), kek.key_id)

    return b"".join(backup_format.open_stream(io.BytesIO(data), "test", key_for))


def test_a_sealed_stream_opens_to_its_payload() -> None:
    data, kek = sealed()
    assert opened(data, kek) == PAYLOAD
    empty, kek2 = sealed(b"")
    assert opened(empty, kek2) == b""


def test_every_single_byte_changed_is_refused() -> None:
    data, kek = sealed()
    for at in range(len(data)):
        for flip in (0x01, 0x80):
            changed = bytearray(data)
            changed[at] ^= flip
            with pytest.raises((BackupDamaged, BackupWrongPassphrase, NotABackup,
                                BackupFromNewerVersion)):  # fmt: skip
                opened(bytes(changed), kek)


def test_every_cut_is_refused() -> None:
    data, kek = sealed()
    for cut in range(len(data)):
        with pytest.raises((BackupDamaged, NotABackup)):
            opened(data[:cut], kek)


def test_another_key_is_a_wrong_passphrase_not_damage() -> None:
    data, _ = sealed()
    other = crypto.derive_kek("another passphrase", crypto.cheap_test_params())
    with pytest.raises(BackupWrongPassphrase):
        opened(data, other)


def test_two_files_with_one_key_never_share_a_chunk() -> None:
    params = crypto.cheap_test_params()
    kek = crypto.derive_kek("a backup passphrase", params)
    first, second = io.BytesIO(), io.BytesIO()
    for out in (first, second):
        backup_format.seal_stream(out, io.BytesIO(PAYLOAD), len(PAYLOAD), kek, params,
                                  chunk_size=500)  # fmt: skip
    tail = 64
    assert first.getvalue()[-tail:] != second.getvalue()[-tail:]
