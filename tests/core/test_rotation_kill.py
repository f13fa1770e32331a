"""A team-key replacement killed half-way (SIGKILL) resumes and loses nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.conftest import PASSPHRASE
from warmline import crypto
from warmline.calls import Call
from warmline.vault import Vault

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("reseal_kill_child.py")
CALLS = 600

pytestmark = pytest.mark.slow


def run_until_step(
    data_dir: Path, account: str, step: int, *, rotate: bool, passphrase: str = PASSPHRASE
) -> str:
    """Start the child and SIGKILL it right after batch ``step`` is reported committed."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [sys.executable, str(CHILD), str(data_dir), passphrase, account]
    proc = subprocess.Popen(
        [*args, "--rotate"] if rotate else args, stdout=subprocess.PIPE, text=True, env=env,
        cwd=ROOT,
    )  # fmt: skip
    seen = []
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            seen.append(line.strip())
            if line.startswith(f"STEP {step} ") or line.startswith("DONE"):
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    return "\n".join(seen)


def test_killed_reseals_resume_and_lose_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "line"
    vault, session = Vault.create(
        data_dir, "Test Line", "Alex", PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    account = session.account.uuid
    written = session.calls.add_many([Call(connection=f"note {i}") for i in range(CALLS)])
    expected = {c.uuid: c.connection for c in written}
    session.settings.set_topics(["Housing"])
    session.lock()
    vault.close()

    rng = random.Random(2026)
    out = run_until_step(data_dir, account, rng.randint(1, 4), rotate=True)
    assert "ROTATED" in out
    for _ in range(3):  # killed again and again part-way, each time resuming
        run_until_step(data_dir, account, rng.randint(1, 4), rotate=False)
        vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
        try:
            assert next(vault.db.query("pragma integrity_check"))["integrity_check"] == "ok"
            session = vault.unlock(account, PASSPHRASE)
            calls = session.calls.select()
            assert not any(c.damaged for c in calls)
            assert {c.uuid: c.connection for c in calls} == expected
            assert session.settings.topics() == ["Housing"]
            session.lock()
        finally:
            vault.close()

    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        session = vault.unlock(account, PASSPHRASE)
        assert session.reseal().run().finished
        assert {r["generation"] for r in vault.db.query("select generation from team_keys")} == {2}
        assert {c.uuid: c.connection for c in session.calls.select()} == expected
    finally:
        vault.close()


def test_moving_records_to_format_2_survives_twenty_kills(tmp_path: Path) -> None:
    """A file Warmline 0.1 wrote (format 1) re-sealed to format 2 in batches, the process
    SIGKILLed at random points 20 times: each time the file is whole and every record is
    there exactly once."""
    from tests.core.test_key_migration import PASSPHRASES, write_old_line

    line = write_old_line(tmp_path / "old", calls=1500)
    data_dir, account, passphrase = line.data_dir, line.uuids["Alex"], PASSPHRASES["Alex"]
    expected = line.calls
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    vault.unlock(account, passphrase).lock()  # carries the account over, founds the roster
    vault.close()

    rng = random.Random(20261130)
    for _ in range(20):
        run_until_step(data_dir, account, rng.randint(1, 3), rotate=False, passphrase=passphrase)
        vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
        try:
            assert next(vault.db.query("pragma integrity_check"))["integrity_check"] == "ok"
            rows = list(vault.db.query("select uuid from calls"))
            assert len(rows) == len({r["uuid"] for r in rows}) == len(expected)
            session = vault.unlock(account, passphrase)
            calls = session.calls.select()
            assert not any(c.damaged for c in calls)
            assert {c.uuid: c.connection for c in calls} == expected
            session.lock()
        finally:
            vault.close()
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        session = vault.unlock(account, passphrase)
        assert session.reseal().run().finished
        bodies = vault.db.query("select body from calls")
        versions = {crypto.blob_version(r["body"]) for r in bodies}
        assert versions == {crypto.FORMAT_VERSION}
    finally:
        vault.close()
