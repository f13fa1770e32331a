"""Damaged and hostile vault files: random byte flips, truncations and edited header fields.

Whatever was done to the file, Warmline either opens it and shows what is sound (anything
that fails its seal shows as damaged) or refuses it with one of its own plain errors. Never
another exception, never a hang (each try runs under an alarm), and a refused file is left
byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.helpers import PASSPHRASE, new_line
from warmline import crypto
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.errors import VaultCorrupt, WarmlineError
from warmline.handovers import Handover
from warmline.vault import Vault

#: Seconds one open-unlock-read may take before it counts as a hang.
HANG_S = 20
EXAMPLES = 300


@contextmanager
def no_hang(seconds: int = HANG_S) -> Iterator[None]:
    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"opening a damaged file took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small line with calls, a handover and a reflection, closed cleanly (no WAL)."""
    data_dir = tmp_path_factory.mktemp("pristine") / "line"
    account = new_line(data_dir)
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    session = vault.unlock(account, PASSPHRASE)
    session.calls.add_many([Call(connection=f"note {i} " * 20) for i in range(150)])
    session.handovers.add(Handover(how_it_was="a quiet night"))
    session.debriefs.add(Debrief(note_to_self="my own"))
    vault.close()
    assert not (data_dir / "warmline.db-wal").exists()
    return data_dir, account


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_and_read(data_dir: Path, account: str) -> str:
    """What a person would meet: "opened", "refused" at the door, or "refused" later on."""
    try:
        vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    except WarmlineError:
        return "refused"
    try:
        session = vault.unlock(account, PASSPHRASE)
        session.calls.select()
        session.handovers.all()
        session.debriefs.mine()
        session.audit.verify()
    except WarmlineError:
        return "refused on unlock"
    finally:
        vault.close()
    return "opened"


def damaged_copy(pristine: tuple[Path, str], into: Path, edit: bytes) -> Path:
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(mode=0o700)
    (into / "warmline.db").write_bytes(edit)
    return into


def test_a_damaged_page_in_the_middle_is_refused_at_the_door(
    pristine: tuple[Path, str], tmp_path: Path
) -> None:
    """Found by the power-cut case: a file whose header is sound but one page is not opened,
    unlocked, and then failed with SQLite's own words when the list was read."""
    raw = bytearray((pristine[0] / "warmline.db").read_bytes())
    page = 4096
    middle = (len(raw) // page // 2) * page
    raw[middle : middle + 8] = b"\xff" * 8  # no valid b-tree page starts like this
    copy = damaged_copy(pristine, tmp_path / "line", bytes(raw))
    before = sha(copy / "warmline.db")
    with pytest.raises(VaultCorrupt):
        Vault.open(copy, kdf_factory=crypto.cheap_test_params)
    assert sha(copy / "warmline.db") == before


edits = st.one_of(
    st.tuples(
        st.just("flip"),
        st.lists(st.tuples(st.integers(0), st.integers(1, 255)), min_size=1, max_size=8),
    ),
    st.tuples(st.just("truncate"), st.integers(0)),
    st.tuples(st.just("header"), st.tuples(st.integers(0, 99), st.binary(min_size=1, max_size=4))),
)


def apply(raw: bytes, edit: tuple[str, object]) -> bytes:
    kind, how = edit
    out = bytearray(raw)
    if kind == "flip":
        for offset, xor in how:  # type: ignore[attr-defined]
            out[offset % len(out)] ^= xor
    elif kind == "truncate":
        del out[how % len(out) :]  # type: ignore[operator]
    else:
        offset, value = how  # type: ignore[misc]
        out[offset : offset + len(value)] = value
    return bytes(out)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(edit=edits)
def test_a_damaged_file_opens_soundly_or_is_refused_unchanged(
    pristine: tuple[Path, str], tmp_path: Path, edit: tuple[str, object]
) -> None:
    data_dir, account = pristine
    copy = damaged_copy(pristine, tmp_path / "line",
                        apply((data_dir / "warmline.db").read_bytes(), edit))  # fmt: skip
    before = sha(copy / "warmline.db")
    with no_hang():
        outcome = open_and_read(copy, account)
    if outcome == "refused":
        assert sha(copy / "warmline.db") == before
        wal = copy / "warmline.db-wal"  # SQLite may leave an empty one; nothing in it
        assert not wal.exists() or wal.stat().st_size == 0
