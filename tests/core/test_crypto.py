"""Sealing, key wrapping and Argon2id."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmline import crypto
from warmline.crypto import (
    FLOOR,
    KdfParams,
    Key,
    SealContext,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from warmline.errors import Tampered, WeakKdfParameters

CTX = SealContext("calls", "row-1", "record", "", 1)


def test_argon2id_matches_rfc9106_vector() -> None:
    # RFC 9106 section 5.3 (Argon2id): t=3, m=32 KiB, p=4, with secret and associated data.
    tag = crypto.argon2id(
        b"\x01" * 32,
        b"\x02" * 16,
        iterations=3,
        lanes=4,
        memory_kib=32,
        secret=b"\x03" * 8,
        ad=b"\x04" * 12,
    )
    assert tag.hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"


def test_seal_round_trip() -> None:
    key = Key.generate()
    blob = seal(key, b"caller said hello", CTX)
    assert open_sealed(key, blob, CTX) == b"caller said hello"
    assert b"hello" not in blob


def test_two_seals_of_the_same_text_differ() -> None:
    key = Key.generate()
    assert seal(key, b"same", CTX) != seal(key, b"same", CTX)


def test_every_single_bit_flip_is_detected() -> None:
    key = Key.generate()
    blob = seal(key, b"a short note about a call", CTX)
    for i in range(len(blob) * 8):
        flipped = bytearray(blob)
        flipped[i // 8] ^= 1 << (i % 8)
        with pytest.raises(Tampered):
            open_sealed(key, bytes(flipped), CTX)


@pytest.mark.parametrize(
    "other",
    [
        SealContext("calls", "row-2", "record", "", 1),  # another row
        SealContext("calls", "row-1", "alias", "", 1),  # another field
        SealContext("callers", "row-1", "record", "", 1),  # another table
        SealContext("calls", "row-1", "record", "someone-else", 1),  # another owner
        SealContext("calls", "row-1", "record", "", 2),  # another revision
    ],
)
def test_blob_moved_elsewhere_fails(other: SealContext) -> None:
    key = Key.generate()
    blob = seal(key, b"note", CTX)
    with pytest.raises(Tampered):
        open_sealed(key, blob, other)


def test_wrong_key_fails_and_truncation_fails() -> None:
    key, other = Key.generate(), Key.generate()
    blob = seal(key, b"note", CTX)
    with pytest.raises(Tampered):
        open_sealed(other, blob, CTX)
    for cut in (0, 5, len(blob) - 1):
        with pytest.raises(Tampered):
            open_sealed(key, blob[:cut], CTX)


def test_key_wrap_round_trip_and_wipe() -> None:
    kek, inner = Key.generate(), Key.generate()
    blob = wrap_key(kek, inner, CTX)
    back = unwrap_key(kek, blob, CTX)
    assert back.key_id == inner.key_id and back.material() == inner.material()
    back.wipe()
    assert back.wiped
    with pytest.raises(ValueError):
        back.material()
    assert "wiped" in repr(back)


def held(key: Key) -> bytes:
    """The bytes a Key really holds (what a wipe must zero), not what it reports."""
    return bytes(key._material)


def test_a_wipe_zeroes_the_key_bytes_it_held() -> None:
    key = Key.generate()
    assert held(key) != bytes(crypto.KEY_LEN)
    key.wipe()
    assert held(key) == bytes(crypto.KEY_LEN)  # same length, every byte zero
    pair = crypto.KeyPair.generate("box")
    assert any(pair._private)
    pair.wipe()
    assert bytes(pair._private) == bytes(len(pair._private)) and len(pair._private) == 32


def test_the_floor_is_64_mib_three_passes() -> None:
    """The shipped floor, stated in numbers rather than through FLOOR (which a change moves)."""
    with pytest.raises(WeakKdfParameters):
        crypto.check_params(KdfParams(b"s" * 16, 32 * 1024, 3, 1))
    with pytest.raises(WeakKdfParameters):
        crypto.check_params(KdfParams(b"s" * 16, 64 * 1024 - 1, 3, 1))
    with pytest.raises(WeakKdfParameters):
        crypto.check_params(KdfParams(b"s" * 16, 64 * 1024, 2, 1))
    with pytest.raises(WeakKdfParameters):
        crypto.check_params(KdfParams(b"s" * 15, 64 * 1024, 3, 1))
    crypto.check_params(KdfParams(b"s" * 16, 64 * 1024, 3, 1))  # the floor itself passes


def test_params_under_the_floor_are_refused() -> None:
    weak = [
        KdfParams(b"s" * 16, FLOOR.memory_kib // 2, 3, 4),
        KdfParams(b"s" * 16, FLOOR.memory_kib, 1, 4),
        KdfParams(b"s" * 4, FLOOR.memory_kib, 3, 4),
        KdfParams(b"s" * 16, FLOOR.memory_kib, 3, 4, version=99),
    ]
    for params in weak:
        with pytest.raises(WeakKdfParameters):
            crypto.derive_kek("passphrase", params)


def test_test_profile_cannot_be_passed_off_as_standard() -> None:
    cheap = crypto.cheap_test_params()
    disguised = KdfParams(cheap.salt, cheap.memory_kib, cheap.iterations, cheap.lanes)
    with pytest.raises(WeakKdfParameters):
        crypto.derive_kek("passphrase", disguised)


def test_kdf_params_json_round_trip_and_garbage() -> None:
    params = KdfParams(b"0123456789abcdef", 65536, 3, 4)
    assert KdfParams.from_json(params.to_json()) == params
    with pytest.raises(WeakKdfParameters):
        KdfParams.from_json("{not json")


def test_derive_kek_is_deterministic_for_same_salt() -> None:
    params = crypto.cheap_test_params()
    a = crypto.derive_kek("pass phrase", params)
    b = crypto.derive_kek("pass phrase", params)
    c = crypto.derive_kek("pass phrasE", params)
    assert a.material() == b.material() != c.material()


def test_recovery_code_shape_and_normalising() -> None:
    code = crypto.new_recovery_code()
    assert len(code) == 29 and code.count("-") == 4
    assert crypto.normalise_recovery_code(code.lower().replace("-", " ")) == code


@settings(max_examples=200, deadline=None)
@given(
    plaintext=st.binary(max_size=4096),
    table=st.text(max_size=20),
    row=st.text(max_size=40),
    field=st.text(max_size=20),
    owner=st.text(max_size=40),
    revision=st.integers(min_value=0, max_value=10**9),
)
def test_property_seal_open_round_trip(
    plaintext: bytes, table: str, row: str, field: str, owner: str, revision: int
) -> None:
    key = Key.generate()
    ctx = SealContext(table, row, field, owner, revision)
    assert open_sealed(key, seal(key, plaintext, ctx), ctx) == plaintext


@settings(max_examples=100, deadline=None)
@given(plaintext=st.binary(min_size=1, max_size=512), position=st.integers(min_value=0))
def test_property_any_flip_fails(plaintext: bytes, position: int) -> None:
    key = Key.generate()
    blob = bytearray(seal(key, plaintext, CTX))
    i = position % (len(blob) * 8)
    blob[i // 8] ^= 1 << (i % 8)
    with pytest.raises(Tampered):
        open_sealed(key, bytes(blob), CTX)


class _CostModel:
    """Stands in for Argon2id and the timer: the floor (64 MiB, three passes) costs ``unit``
    seconds, and cost grows with memory and passes. Units that are exact binary fractions let
    a case land exactly on the target's edge."""

    def __init__(self, unit: float) -> None:
        self.unit = unit
        self.now = 0.0

    def argon2id(self, password: bytes, salt: bytes, **kw: int) -> bytes:
        assert kw["lanes"] == crypto.CALIBRATION_LANES
        self.now += self.unit * kw["memory_kib"] / (64 * 1024) * kw["iterations"] / 3
        return bytes(32)

    def perf_counter(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("unit", "memory_mib", "iterations", "seconds"),
    [
        # Memory doubles while the next doubling stays within the target (+25 %): 512 MiB.
        (0.06, 512, 3, 0.48),
        # ... a doubling landing exactly on the target's edge still counts.
        (5 / 64, 512, 3, 0.625),
        # Memory reaches the 1 GiB cap; passes then grow while within the target.
        (0.024, 1024, 4, 0.512),
        # ... and a pass landing exactly on the edge counts too.
        (15 / 512, 1024, 4, 0.625),
        # A very fast machine: both caps.
        (0.0003, 1024, 10, 0.016),
        # A slow machine: the floor, however long it takes.
        (1.2, 64, 3, 1.2),
    ],
)
def test_calibration_aims_at_its_target(
    monkeypatch: pytest.MonkeyPatch, unit: float, memory_mib: int, iterations: int, seconds: float
) -> None:
    model = _CostModel(unit)
    monkeypatch.setattr(crypto, "argon2id", model.argon2id)
    monkeypatch.setattr(crypto, "time", SimpleNamespace(perf_counter=model.perf_counter))
    cal = crypto.calibrate(target_seconds=0.5)
    assert (cal.params.memory_kib, cal.params.iterations) == (memory_mib * 1024, iterations)
    assert cal.params.lanes == crypto.CALIBRATION_LANES
    assert cal.seconds == pytest.approx(seconds)
    assert cal.trials[-1] == (memory_mib * 1024, iterations, pytest.approx(seconds))
    assert cal.trials[0][:2] == (64 * 1024, 3)
    assert len(cal.params.salt) == 16
    crypto.check_params(cal.params)


def test_calibration_target_scales_the_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _CostModel(0.06)
    monkeypatch.setattr(crypto, "argon2id", model.argon2id)
    monkeypatch.setattr(crypto, "time", SimpleNamespace(perf_counter=model.perf_counter))
    low = crypto.calibrate(target_seconds=0.1)
    high = crypto.calibrate(target_seconds=0.5)
    assert low.params.memory_kib == 128 * 1024 < high.params.memory_kib
    # What the production factory asks for: half a second.
    assert crypto.calibrate().params.memory_kib == high.params.memory_kib == 512 * 1024


def test_the_production_factory_for_real() -> None:
    """The one test that runs the real calibration (about half a second of Argon2id)."""
    from warmline import vault

    params = vault.default_kdf_factory()
    crypto.check_params(params)  # what it makes passes the floor, as a real unlock needs
    assert params.profile != "test-only"
    assert params.memory_kib >= 64 * 1024 and params.iterations >= 3
    cal = vault._calibrated
    again = vault.default_kdf_factory()
    assert again.salt != params.salt  # a new salt each time, the same measured cost
    assert (again.memory_kib, again.iterations, again.lanes) == (
        params.memory_kib,
        params.iterations,
        params.lanes,
    )
    assert cal.cache_info().hits >= 1  # measured once per run, not per account
    with pytest.raises(WeakKdfParameters):  # and the factory's floor is the real one
        crypto.check_params(KdfParams(params.salt, 32 * 1024, params.iterations, params.lanes))


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "lanes"),
    [
        (crypto.KDF_CEILING.memory_kib * 2, 3, 4),  # 2 GiB: minutes and swap on a laptop
        (FLOOR.memory_kib, crypto.KDF_CEILING.iterations + 1, 4),
        (FLOOR.memory_kib, 3, crypto.KDF_CEILING.lanes + 1),
        (4 * 1024 * 1024, 64, 64),  # what the old ceiling still let through
    ],
)
def test_params_over_the_ceiling_are_refused(memory_kib: int, iterations: int, lanes: int) -> None:
    with pytest.raises(WeakKdfParameters):
        crypto.check_params(KdfParams(b"s" * 16, memory_kib, iterations, lanes))


def test_the_ceiling_admits_everything_calibration_can_choose() -> None:
    top = KdfParams(
        b"s" * 16,
        crypto.CALIBRATION_MAX_MEMORY_KIB,
        crypto.CALIBRATION_MAX_ITERATIONS,
        crypto.CALIBRATION_LANES,
    )
    crypto.check_params(top)  # does not raise
