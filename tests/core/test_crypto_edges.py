"""The edges of the sealing code that the round-trip tests never reach.

Written against mutants that survived (docs/testing.md): boundaries of the length checks, the
header fields each refusal reads, the message a person sees when something fails to open, and
that the temporary buffers holding raw key bytes are zeroed once a key is made from them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from warmline import crypto
from warmline.crypto import (
    HEADER_LEN,
    MAGIC,
    TAG_LEN,
    KdfParams,
    Key,
    KeyPair,
    SealContext,
    open_at,
    seal,
)
from warmline.errors import NewerFormat, Tampered

CTX = SealContext("calls", "row-1", "record", "owner-1", 3)


def _open(key: Key, blob: bytes, what: str | None = None) -> bytes:
    args = (key, blob, CTX.table, CTX.row, CTX.field, CTX.owner, CTX.revision)
    return open_at(*args) if what is None else open_at(*args, what)


def _opens(what: str) -> str:
    return f"{what} could not be opened"


# --- open_at: the hot path -------------------------------------------------------------------


def test_open_at_opens_what_seal_wrote_with_no_clear_columns() -> None:
    key = Key.generate()
    assert _open(key, seal(key, b"the heron came back", CTX)) == b"the heron came back"


def test_an_empty_note_is_exactly_header_and_tag_and_still_opens() -> None:
    key = Key.generate()
    blob = seal(key, b"", CTX)
    assert len(blob) == HEADER_LEN + TAG_LEN
    assert _open(key, blob) == b""
    assert crypto.open_sealed(key, blob, CTX) == b""


@pytest.mark.parametrize("length", [0, HEADER_LEN - 1, HEADER_LEN, HEADER_LEN + TAG_LEN - 1])
def test_a_blob_too_short_to_be_one_is_refused_by_name(length: int) -> None:
    key = Key.generate()
    blob = seal(key, b"x" * 40, CTX)[:length]
    with pytest.raises(Tampered) as raised:
        _open(key, blob)
    assert str(raised.value).startswith(_opens("A record"))
    with pytest.raises(Tampered) as raised:
        _open(key, blob, "Part of a call")
    assert str(raised.value).startswith(_opens("Part of a call"))


def test_a_blob_with_another_mark_is_refused_though_its_body_is_intact() -> None:
    """The mark is not in the associated data, so only the header check catches it."""
    key = Key.generate()
    blob = b"XX" + seal(key, b"note", CTX)[2:]
    with pytest.raises(Tampered) as raised:
        _open(key, blob, "Part of a call")
    assert str(raised.value).startswith(_opens("Part of a call"))
    assert crypto.blob_version(blob) == 0 and crypto.key_id_of(blob) is None


def test_a_newer_format_says_so_rather_than_damaged() -> None:
    key = Key.generate()
    blob = bytearray(seal(key, b"note", CTX))
    blob[2] = crypto.FORMAT_VERSION + 1
    with pytest.raises(NewerFormat):
        _open(key, bytes(blob))
    with pytest.raises(NewerFormat):
        crypto.open_sealed(key, bytes(blob), CTX)


def test_another_key_or_a_changed_byte_fails_with_the_callers_words() -> None:
    key = Key.generate()
    blob = seal(key, b"note", CTX)
    with pytest.raises(Tampered) as raised:
        _open(Key.generate(), blob, "Part of a call")
    assert str(raised.value).startswith(_opens("Part of a call"))
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(Tampered) as raised:
        _open(key, flipped, "Part of a call")
    assert str(raised.value).startswith(_opens("Part of a call"))


# --- the header readers ----------------------------------------------------------------------


def test_blob_version_reads_only_real_headers() -> None:
    assert crypto.blob_version(b"") == 0
    assert crypto.blob_version(MAGIC) == 0  # the mark alone: no version byte yet
    assert crypto.blob_version(MAGIC + b"\x02") == 2
    assert crypto.blob_version(b"WX\x02") == 0
    assert crypto.blob_version(seal(Key.generate(), b"n", CTX)) == crypto.FORMAT_VERSION


def test_key_id_of_reads_the_key_from_a_current_header_only() -> None:
    key = Key.generate()
    blob = seal(key, b"n", CTX)
    assert crypto.key_id_of(blob) == key.key_id
    assert crypto.key_id_of(blob[: HEADER_LEN - 1]) is None
    assert crypto.key_id_of(blob[:HEADER_LEN]) == key.key_id
    older = bytearray(blob)
    older[2] = crypto.FORMAT_VERSION - 1
    assert crypto.key_id_of(bytes(older)) is None
    assert crypto.key_for({key.key_id: key}, blob) is key
    assert crypto.key_for({}, blob) is None


# --- JSON bodies -----------------------------------------------------------------------------


def test_json_is_sealed_compact_and_in_utf8() -> None:
    key = Key.generate()
    blob = crypto.seal_json(key, {"a": "é", "b": [1, 2]}, CTX)
    assert crypto.open_sealed(key, blob, CTX) == '{"a":"é","b":[1,2]}'.encode()
    assert crypto.open_json(key, blob, CTX) == {"a": "é", "b": [1, 2]}


def test_open_json_refusals_carry_the_callers_words() -> None:
    key = Key.generate()
    blob = crypto.seal_json(key, {"a": 1}, CTX)
    other = SealContext("calls", "row-2", "record", "owner-1", 3)
    with pytest.raises(Tampered) as raised:
        crypto.open_json(key, blob, other, "A handover")
    assert str(raised.value).startswith(_opens("A handover"))
    with pytest.raises(Tampered) as raised:
        crypto.open_json(key, blob, other)
    assert str(raised.value).startswith(_opens("A record"))
    assert crypto.open_json_with({key.key_id: key}, blob, CTX) == {"a": 1}
    for keys in ({}, {key.key_id: key}):
        with pytest.raises(Tampered) as raised:
            crypto.open_json_with(keys, blob, other, "A handover")
        assert str(raised.value).startswith(_opens("A handover"))
    with pytest.raises(Tampered) as raised:
        crypto.open_json_with({}, blob, CTX)
    assert str(raised.value).startswith(_opens("A record"))


# --- keys sealed to a person, and signatures -------------------------------------------------


def test_the_box_key_depends_on_its_context() -> None:
    shared = bytes(range(32))
    assert crypto._box_key(shared, b"line-a") != crypto._box_key(shared, b"line-b")
    assert len(crypto._box_key(shared, b"line-a")) == 32


def test_a_key_sealed_to_someone_else_or_damaged_is_part_of_an_account() -> None:
    key = Key.generate()
    alex, sam = KeyPair.generate("box"), KeyPair.generate("box")
    blob = crypto.seal_key_to(alex.public, key, b"generation-1")
    opened = crypto.open_key_from(alex, blob, b"generation-1")
    assert (opened.key_id, opened.material()) == (key.key_id, key.material())
    for pair, body, context in (
        (sam, blob, b"generation-1"),
        (alex, blob, b"generation-2"),
        (alex, blob[:-1], b"generation-1"),
        (alex, blob[:10], b"generation-1"),
        (KeyPair.generate("sign"), blob, b"generation-1"),
    ):
        with pytest.raises(Tampered) as raised:
            crypto.open_key_from(pair, body, context)
        assert str(raised.value).startswith(_opens("Part of an account"))


def test_only_a_signing_pair_signs_and_a_mac_checks_its_message() -> None:
    signer = KeyPair.generate("sign")
    signature = crypto.sign(signer, b"roster")
    assert crypto.verify(signer.public, b"roster", signature)
    assert not crypto.verify(signer.public, b"roster!", signature)
    with pytest.raises(ValueError, match=r"^only a signing key pair signs$"):
        crypto.sign(KeyPair.generate("box"), b"roster")
    key = Key.generate()
    tag = crypto.mac(key, b"message")
    assert crypto.mac_ok(key, b"message", tag)
    assert not crypto.mac_ok(key, b"massage", tag)
    assert not crypto.mac_ok(Key.generate(), b"message", tag)


# --- raw key bytes do not linger ---------------------------------------------------------------


@pytest.fixture
def buffers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytearray]]:
    """Every bytearray the crypto module makes while the test runs."""
    made: list[bytearray] = []

    def spy(*args: object) -> bytearray:
        buffer = bytearray(*args)  # type: ignore[call-overload]
        made.append(buffer)
        return buffer

    monkeypatch.setattr(crypto, "bytearray", spy, raising=False)
    yield made


def _zeroed(made: list[bytearray], size: int) -> bool:
    sized = [b for b in made if len(b) == size]
    return bool(sized) and all(not any(b) for b in sized)


def test_unwrapping_a_key_zeroes_the_buffer_it_was_read_into(buffers: list[bytearray]) -> None:
    wrapping, inner = Key.generate(), Key.generate()
    blob = crypto.wrap_key(wrapping, inner, CTX)
    buffers.clear()
    crypto.unwrap_key(wrapping, blob, CTX)
    assert _zeroed(buffers, crypto.KEY_ID_LEN + crypto.KEY_LEN)


def test_opening_a_key_pair_zeroes_the_buffer_it_was_read_into(
    buffers: list[bytearray],
) -> None:
    user, pair = Key.generate(), KeyPair.generate("box")
    blob = crypto.seal_key_pair(user, pair, CTX)
    buffers.clear()
    opened = crypto.open_key_pair(user, "box", blob, CTX)
    assert opened.public == pair.public
    read = [b for b in buffers if len(b) == 32 and b is not opened._private]
    assert read and all(not any(b) for b in read)


def test_opening_a_sealed_key_zeroes_the_buffer_it_was_read_into(
    buffers: list[bytearray],
) -> None:
    key, alex = Key.generate(), KeyPair.generate("box")
    blob = crypto.seal_key_to(alex.public, key, b"ctx")
    buffers.clear()
    crypto.open_key_from(alex, blob, b"ctx")
    assert _zeroed(buffers, crypto.KEY_ID_LEN + crypto.KEY_LEN)


def test_a_wiped_pair_refuses_to_give_its_bytes() -> None:
    pair = KeyPair.generate("box")
    pair.wipe()
    with pytest.raises(ValueError, match=r"^this key pair has been wiped$"):
        pair.private_bytes()


# --- what is shown of a key, and the test-only KDF switch ---------------------------------------


def test_a_keys_repr_shows_eight_hex_digits_of_its_id_and_nothing_else() -> None:
    key = Key.generate()
    assert repr(key) == f"<Key {key.key_id.hex()[:8]}…>"
    key.wipe()
    assert repr(key) == f"<Key {key.key_id.hex()[:8]}… wiped>"


def test_a_new_salt_keeps_the_cost_and_the_profile() -> None:
    params = KdfParams(b"s" * 16, 64 * 1024, 3, 4, profile="standard")
    fresh = params.with_new_salt()
    assert len(fresh.salt) == 16 and fresh.salt != params.salt
    assert fresh == KdfParams(fresh.salt, 64 * 1024, 3, 4, crypto.KDF_VERSION, "standard")
    cheap = crypto.cheap_test_params().with_new_salt()
    assert cheap.profile == crypto.cheap_test_params().profile


def test_the_cheap_kdf_is_switched_on_only_inside_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "_cheap_kdf_allowed", False)
    with pytest.raises(RuntimeError, match=r"^the cheap KDF profile is for the test suite only$"):
        crypto.cheap_test_params()
    monkeypatch.delitem(sys.modules, "pytest")
    with pytest.raises(RuntimeError, match=r"^the cheap KDF profile is for the test suite only$"):
        crypto.allow_cheap_kdf_for_tests()
    assert crypto._cheap_kdf_allowed is False
    monkeypatch.undo()
    monkeypatch.setattr(crypto, "_cheap_kdf_allowed", False)
    crypto.allow_cheap_kdf_for_tests()
    assert crypto._cheap_kdf_allowed is True
    assert crypto.cheap_test_params().memory_kib == 64


def test_recovery_codes_are_five_groups_of_five_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    letters = iter("ABCDEFGHJKMNPQRSTVWXYZ23456789")
    monkeypatch.setattr(crypto.secrets, "choice", lambda _alphabet: next(letters))
    assert crypto.new_recovery_code() == "ABCDE-FGHJK-MNPQR-STVWX-YZ234"


# --- what is stored must read the same forever -----------------------------------------------


def _lp(part: bytes) -> bytes:
    return len(part).to_bytes(4, "big") + part


def test_the_associated_data_is_the_documented_layout() -> None:
    """Written out by hand from docs/architecture.md, not from the code: a change here would
    leave every note already on disk unopenable, while every round trip still passed."""
    key_id = bytes(range(16))
    common = [b"warmline"]
    place = [b"calls", b"row-9", b"record", key_id, b"owner-1", b"42"]
    assert crypto.aad_for("calls", "row-9", "record", key_id, "owner-1", 42, b"", 1) == b"".join(
        _lp(p) for p in [*common, b"1", *place]
    )
    assert crypto.aad_for(
        "calls", "row-9", "record", key_id, "owner-1", 42, b"clear", 2
    ) == b"".join(_lp(p) for p in [*common, b"2", *place, b"clear"])
    # Format 3 binds the same way (its rows keep fewer clear columns, and more in the body).
    assert crypto.aad_for(
        "calls", "row-9", "record", key_id, "owner-1", 42, b"clear", 3
    ) == b"".join(_lp(p) for p in [*common, b"3", *place, b"clear"])
    # The defaults: no clear columns, the current format.
    assert crypto.aad_for("calls", "row-9", "record", key_id, "owner-1", 42) == b"".join(
        _lp(p) for p in [*common, b"3", *place, b""]
    )


def test_a_passphrase_makes_the_same_key_and_id_as_it_always_has() -> None:
    """Golden values, recorded once: every account's sealed keys name this id and were sealed
    under this key, so a change to the label or to how the passphrase is encoded would lock
    every person out while every round trip in the suite still passed."""
    params = KdfParams(bytes(16), 64, 1, 1, crypto.KDF_VERSION, crypto.cheap_test_params().profile)
    key = crypto.derive_kek("pässphrase", params)
    assert key.key_id.hex() == "52bba0095ce5f3238fdf5521ff51616f"
    assert key.material().hex() == (
        "66663ab243642fece5f48c1db7d8917e76eb8f38d9c415eec97c0ff83f0bae2f"
    )


def test_stored_kdf_settings_without_a_profile_are_standard_and_keep_their_version() -> None:
    old = (
        '{"v": 1, "alg": "argon2id", "salt": "AAAAAAAAAAAAAAAAAAAAAA==", '
        '"m": 65536, "t": 3, "p": 1}'
    )
    params = KdfParams.from_json(old)
    assert params.profile == "standard" and params.version == 1
    crypto.check_params(params)
    newer = old.replace('"v": 1', '"v": 2')
    assert KdfParams.from_json(newer).version == 2
    with pytest.raises(crypto.WeakKdfParameters):
        crypto.check_params(KdfParams.from_json(newer))  # a version this build does not know


def test_the_ceiling_admits_eight_lanes_exactly() -> None:
    crypto.check_params(KdfParams(b"s" * 16, 64 * 1024, 3, 8))
    with pytest.raises(crypto.WeakKdfParameters):
        crypto.check_params(KdfParams(b"s" * 16, 64 * 1024, 3, 9))


def test_open_sealed_refusals_carry_the_callers_words() -> None:
    key = Key.generate()
    blob = seal(key, b"note", CTX)
    cases = {
        "short": blob[: HEADER_LEN + TAG_LEN - 1],
        "header only": blob[: HEADER_LEN - 1],
        "mark": b"XX" + blob[2:],
        "too old": blob[:2] + b"\x00" + blob[3:],
        "other key": seal(Key.generate(), b"note", CTX),
        "flipped": blob[:-1] + bytes([blob[-1] ^ 1]),
    }
    for name, body in cases.items():
        for what, words in ((None, "A record"), ("A handover", "A handover")):
            with pytest.raises(Tampered) as raised:
                if what is None:
                    crypto.open_sealed(key, body, CTX)
                else:
                    crypto.open_sealed(key, body, CTX, what)
            assert str(raised.value).startswith(_opens(words)), name
    newer = blob[:2] + bytes([crypto.FORMAT_VERSION + 1]) + blob[3:]
    with pytest.raises(NewerFormat) as raised:
        crypto.open_sealed(key, newer, CTX, "A handover")
    assert "A handover" in str(raised.value)


def test_unwrapping_under_the_wrong_place_is_part_of_an_account() -> None:
    wrapping, inner = Key.generate(), Key.generate()
    blob = crypto.wrap_key(wrapping, inner, CTX)
    with pytest.raises(Tampered) as raised:
        crypto.unwrap_key(wrapping, blob, SealContext("calls", "row-2"))
    assert str(raised.value).startswith(_opens("Part of an account"))
    user = Key.generate()
    pair_blob = crypto.seal_key_pair(user, KeyPair.generate("sign"), CTX)
    with pytest.raises(Tampered) as raised:
        crypto.open_key_pair(user, "sign", pair_blob, SealContext("calls", "row-2"))
    assert str(raised.value).startswith(_opens("Part of an account"))


def test_keys_refuse_the_wrong_sizes_and_kinds_in_so_many_words() -> None:
    with pytest.raises(ValueError, match=r"^a key must be 32 bytes$"):
        Key(bytes(31), bytes(16))
    with pytest.raises(ValueError, match=r"^a key id must be 16 bytes$"):
        Key(bytes(32), bytes(15))
    said = r"^a key pair is 'box' or 'sign' with a 32-byte private key$"
    with pytest.raises(ValueError, match=said):
        KeyPair("bogus", bytes(range(32)))
    with pytest.raises(ValueError, match=said):
        KeyPair("box", bytes(31))
    key = Key.generate()
    key.wipe()
    with pytest.raises(ValueError, match=r"^this key has been wiped$"):
        key.material()
    with pytest.raises(ValueError, match=r"^this key has been wiped$"):
        _ = key.aead


def test_a_format_1_blob_still_opens_on_both_paths() -> None:
    """Notes written before format 2 are still on disk: their associated data has no clear
    columns and names version 1. Built by hand here, as Warmline 0.1 wrote them."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = Key.generate()
    nonce = bytes(range(12))
    header = crypto._HEADER.pack(MAGIC, 1, key.key_id, nonce)
    aad = crypto.aad_for(CTX.table, CTX.row, CTX.field, key.key_id, CTX.owner, CTX.revision,
                         b"", 1)  # fmt: skip
    blob = header + AESGCM(key.material()).encrypt(nonce, b"written by 0.1", aad)
    assert crypto.blob_version(blob) == 1
    assert _open(key, blob) == b"written by 0.1"
    assert crypto.open_sealed(key, blob, CTX) == b"written by 0.1"


def test_the_kdf_profile_is_stored_and_read_back() -> None:
    cheap = crypto.cheap_test_params()
    back = KdfParams.from_json(cheap.to_json())
    assert back == cheap and back.profile == cheap.profile != "standard"


def test_a_key_pairs_repr_shows_its_kind_and_eight_hex_digits() -> None:
    pair = KeyPair.generate("sign")
    assert repr(pair) == f"<KeyPair sign {pair.public.hex()[:8]}…>"
