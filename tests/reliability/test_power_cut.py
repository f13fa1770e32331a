"""Power cut: the data folder as the disk would hold it at the moment the power went, taken
while a child goes on saving, then opened as after a restart.

Two views of "the moment":

* **Still** — the writer is frozen (SIGSTOP) while its file, WAL and shared-memory index are
  copied as they are, with no checkpoint: every write the kernel took is in the copy, as if
  it had all reached the platters. The copy must open whole, with every record reported
  saved before the freeze.
* **Torn** — the three files are copied one after another while the writer runs, and the
  copied WAL is often cut short at a random byte, as if its last writes never reached the
  disk. Such a copy may have lost recent saves; it must either open with every record it
  shows exactly as saved, or be refused with one of Warmline's own plain errors. A record
  that fails its seal shows as damaged (the app says so) and is counted, never shown wrong.

Without a fault-injecting file system (none is maintained for SQLite's Python binding)
this cannot model a disk that reorders writes; SQLite's own tests cover that layer.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability import kill_targets
from tests.reliability.helpers import PASSPHRASE, digest, is_whole, new_line, opened, running
from tests.reliability.test_crash_while_saving import check_after_kill
from warmline import crypto
from warmline.errors import WarmlineError
from warmline.vault import Vault

pytestmark = pytest.mark.slow

STILL_CUTS = 60
TORN_CUTS = 60
FILES = ("warmline.db", "warmline.db-wal", "warmline.db-shm")


def copy_files(data_dir: Path, into: Path, rng: random.Random | None = None) -> None:
    into.mkdir(mode=0o700)
    for name in FILES:
        if (data_dir / name).exists():
            shutil.copyfile(data_dir / name, into / name)
        if rng is not None:
            time.sleep(rng.uniform(0, 0.01))
    wal = into / "warmline.db-wal"
    if rng is not None and wal.exists() and rng.random() < 0.7:
        size = wal.stat().st_size
        with wal.open("r+b") as f:
            f.truncate(rng.randint(0, size))


def test_a_still_copy_opens_whole_with_everything_saved(tmp_path: Path) -> None:
    data_dir = tmp_path / "line"
    account = new_line(data_dir)
    rng = random.Random(2424)
    reported: dict[tuple[str, str], tuple[str, int]] = {}
    args = (str(data_dir), account, PASSPHRASE, "still", 24)
    with running(kill_targets.save_loop, args) as child:
        for cut in range(STILL_CUTS):
            time.sleep(rng.uniform(0.01, 0.15))
            os.kill(child.proc.pid, signal.SIGSTOP)
            try:
                for kind, uuid, sha, seq in child.drain():  # in order: the newest wins
                    reported[(kind, uuid)] = (sha, int(seq))  # on disk for sure by now
                copy = tmp_path / f"still-{cut}"
                copy_files(data_dir, copy)
            finally:
                os.kill(child.proc.pid, signal.SIGCONT)
            with opened(copy, account) as session:
                check_after_kill(session, reported)
            shutil.rmtree(copy)
    print(f"figures: still copies: {STILL_CUTS}, {len(reported)} records checked, none lost")
    assert len(reported) > STILL_CUTS


def test_a_torn_copy_opens_right_or_is_refused_plainly(tmp_path: Path) -> None:
    data_dir = tmp_path / "line"
    account = new_line(data_dir)
    rng = random.Random(2525)
    outcomes: Counter[str] = Counter()
    with running(kill_targets.save_loop, (str(data_dir), account, PASSPHRASE, "torn", 25)) as child:
        for cut in range(TORN_CUTS):
            time.sleep(rng.uniform(0.01, 0.15))
            copy = tmp_path / f"torn-{cut}"
            copy_files(data_dir, copy, rng)
            saved = {(k, u): sha for k, u, sha, _ in child.drain()}
            outcomes[open_torn_copy(copy, account, saved)] += 1
            shutil.rmtree(copy)
    assert outcomes["opened"] > 0, outcomes
    print(f"figures: torn copies: {dict(outcomes)}")


def open_torn_copy(copy: Path, account: str, saved: dict[tuple[str, str], str]) -> str:
    """"opened" or "refused"; fails the test if a copy opens showing wrong text."""
    try:
        vault = Vault.open(copy, kdf_factory=crypto.cheap_test_params)
    except WarmlineError:
        return "refused"
    try:
        session = vault.unlock(account, PASSPHRASE)
        kinds = {
            "call": session.calls.select(),
            "handover": session.handovers.all(),
            "reflection": session.debriefs.mine(),
        }
    except WarmlineError:
        return "refused"
    finally:
        vault.close()
    for kind, records in kinds.items():
        for rec in records:
            if rec.damaged:
                continue  # shown as damaged, never as text
            text = {"call": "connection", "handover": "how_it_was",
                    "reflection": "note_to_self"}[kind]  # fmt: skip
            value = getattr(rec, text)
            assert is_whole(value), f"a torn copy showed half a {kind}"
            if kind != "call":  # calls may have been edited since the report
                assert saved.get((kind, rec.uuid), digest(value)) == digest(value)
    return "opened"
