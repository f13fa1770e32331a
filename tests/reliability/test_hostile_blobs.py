"""Hostile sealed blobs: whatever bytes sit in a body column, the parser answers with the
record or with Tampered (NewerFormat for a newer Warmline's blob), never anything else, and
a blob changed in any way never opens."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmline import crypto
from warmline.errors import NewerFormat, Tampered

KEY = crypto.Key(bytes(range(32)), bytes(range(16)))
OTHER = crypto.Key(bytes(range(1, 33)), bytes(range(2, 18)))
CTX = crypto.SealContext("calls", "row-1", revision=2, clear=b"day=2026-11-30")
BLOB = crypto.seal(KEY, b'{"connection":"what she said"}', CTX)


def open_every_way(blob: bytes) -> list[bytes]:
    """Every parser a body goes through; each must open it or raise Tampered."""
    opened = []
    crypto.blob_version(blob)
    crypto.key_id_of(blob)
    crypto.key_for({KEY.key_id: KEY, OTHER.key_id: OTHER}, blob)
    for attempt in (
        lambda: crypto.open_sealed(KEY, blob, CTX),
        lambda: crypto.open_at(KEY, blob, "calls", "row-1", "record", "", 2, clear=CTX.clear),
        lambda: crypto.open_json_with({KEY.key_id: KEY}, blob, CTX),
    ):
        with contextlib.suppress(Tampered):
            opened.append(bytes(str(attempt()), "utf-8"))
    return opened


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_open_or_are_refused_as_tampered(blob: bytes) -> None:
    assert open_every_way(blob) == []  # random bytes never pass for a sealed record


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_a_changed_blob_never_opens(data: st.DataObject) -> None:
    raw = bytearray(BLOB)
    how = data.draw(st.sampled_from(["flip", "truncate", "extend", "header"]))
    if how == "flip":
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] ^= data.draw(st.integers(1, 255))
    elif how == "truncate":
        del raw[data.draw(st.integers(0, len(raw) - 1)) :]
    elif how == "extend":
        raw += data.draw(st.binary(min_size=1, max_size=40))
    else:
        raw[data.draw(st.integers(0, crypto.HEADER_LEN - 1))] = data.draw(st.integers(0, 255))
    if bytes(raw) == BLOB:
        return
    assert open_every_way(bytes(raw)) == []


@pytest.mark.parametrize("version", [crypto.FORMAT_VERSION + 1, 255])
def test_a_newer_format_says_so(version: int) -> None:
    raw = bytearray(BLOB)
    raw[2] = version
    with pytest.raises(NewerFormat):
        crypto.open_sealed(KEY, bytes(raw), CTX)
    with pytest.raises(NewerFormat):
        crypto.open_at(KEY, bytes(raw), "calls", "row-1", "record", "", 2, clear=CTX.clear)


def test_the_untouched_blob_opens_every_way() -> None:
    assert len(open_every_way(BLOB)) == 3
