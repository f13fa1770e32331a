"""``warmline backup | verify-backup | restore`` as a script and a person at a terminal use
them: real processes, passphrases on standard input or a pseudo-terminal, exit codes."""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from backup_support import BACKUP_PASSPHRASE, COORDINATOR, LINE_NAME, all_rows, populate

from warmline import crypto
from warmline.cli_backup import (
    EXIT_DAMAGED,
    EXIT_FOLDER,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_WRONG_PASSPHRASE,
)
from warmline.vault import Vault

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("backup_cli_child.py")
PASSPHRASE = "correct horse battery staple"


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "WARMLINE_DATA_DIR": "/nonexistent-warmline"}


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """As a script runs it: no terminal at all (a new session has none)."""
    return subprocess.run(
        [sys.executable, str(CHILD), *args], input=stdin, capture_output=True, text=True,
        env=env(), timeout=120, start_new_session=True,
    )  # fmt: skip


@pytest.fixture
def line(tmp_path: Path) -> Vault:
    """A line whose app is open (the folder's lock is held) while the commands run."""
    vault, session = Vault.create(
        tmp_path / "line", LINE_NAME, COORDINATOR, PASSPHRASE,
        kdf_factory=crypto.cheap_test_params,
    )  # fmt: skip
    populate(vault, session, calls=3)
    yield vault
    vault.close()


def test_a_script_backs_up_verifies_and_restores_with_exit_codes(
    line: Vault, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    made = run("backup", "--to", str(stick), "--data-dir", str(line.data_dir),
               stdin=BACKUP_PASSPHRASE + "\n")  # fmt: skip
    assert made.returncode == EXIT_OK, made.stderr
    assert "Backed up" in made.stdout and "(2 calls)" in made.stdout
    assert made.stderr == ""  # no progress, no prompt noise when nobody is watching
    [backup] = list(stick.iterdir())
    assert BACKUP_PASSPHRASE not in made.stdout + made.stderr

    checked = run("verify-backup", str(backup), stdin=BACKUP_PASSPHRASE + "\n")
    assert checked.returncode == EXIT_OK, checked.stderr
    assert "whole" in checked.stdout and LINE_NAME in checked.stdout

    wrong = run("verify-backup", str(backup), stdin="not the passphrase\n")
    assert wrong.returncode == EXIT_WRONG_PASSPHRASE
    assert "not the passphrase for this backup" in wrong.stderr

    damaged = tmp_path / "damaged.wlbackup"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x40
    damaged.write_bytes(data)
    target = tmp_path / "restored"
    broken = run("restore", str(damaged), "--data-dir", str(target),
                 stdin=BACKUP_PASSPHRASE + "\n")  # fmt: skip
    assert broken.returncode == EXIT_DAMAGED and "damaged" in broken.stderr
    assert not target.exists()

    taken = run("restore", str(backup), "--data-dir", str(line.data_dir),
                stdin=BACKUP_PASSPHRASE + "\n")  # fmt: skip
    assert taken.returncode == EXIT_FOLDER and "already holds" in taken.stderr

    restored = run("restore", str(backup), "--data-dir", str(target),
                   stdin=BACKUP_PASSPHRASE + "\n")  # fmt: skip
    assert restored.returncode == EXIT_OK, restored.stderr
    assert all_rows(Vault.path_in(target)).keys() == all_rows(line.path).keys()
    assert len(all_rows(Vault.path_in(target))["calls"]) == 2


def test_usage_mistakes_have_their_own_exit_code(line: Vault, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    base = ("backup", "--to", str(stick), "--data-dir", str(line.data_dir))
    assert run(*base, stdin="").returncode == EXIT_USAGE  # no passphrase given
    weak = run(*base, stdin="password1\n")
    assert weak.returncode == EXIT_USAGE and "easy to guess" in weak.stderr
    assert run("backup").returncode == EXIT_USAGE  # --to is required
    assert run("restore", str(tmp_path / "nothing.wlbackup"), "--data-dir",
               str(tmp_path / "x")).returncode == EXIT_USAGE  # fmt: skip
    nothing = run("backup", "--to", str(stick), "--data-dir", str(tmp_path / "empty"),
                  stdin=BACKUP_PASSPHRASE + "\n")  # fmt: skip
    assert nothing.returncode == EXIT_FOLDER
    assert list(stick.iterdir()) == []
    helped = run("verify-backup", "--help")
    assert helped.returncode == EXIT_OK and "exit status" in helped.stdout


def _on_a_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run with a pseudo-terminal as the controlling terminal, answering each prompt."""
    master, slave = os.openpty()

    def take_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [sys.executable, str(CHILD), *args], stdin=slave, stdout=slave, stderr=slave,
        env=env(), start_new_session=True, preexec_fn=take_terminal,
    )  # fmt: skip
    os.close(slave)
    seen = b""
    pending = list(answers)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            # Answer each prompt once it shows (getpass empties what was typed ahead).
            prompts_seen = seen.count(b"passphrase: ") + seen.count(b"again: ")
            if pending and prompts_seen > len(answers) - len(pending):
                os.write(master, pending.pop(0).encode() + b"\n")
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=30)
    os.close(master)
    return code, seen.decode(errors="replace")


def test_a_person_at_a_terminal_types_the_passphrase_twice_unseen(
    line: Vault, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    args = ["backup", "--to", str(stick), "--data-dir", str(line.data_dir)]
    code, shown = _on_a_terminal(args, [BACKUP_PASSPHRASE, BACKUP_PASSPHRASE])
    assert code == EXIT_OK, shown
    assert "New backup passphrase:" in shown and "Type it again:" in shown
    assert BACKUP_PASSPHRASE not in shown  # never echoed
    assert "%" in shown  # progress on the terminal
    assert len(list(stick.iterdir())) == 1

    code, shown = _on_a_terminal(args, [BACKUP_PASSPHRASE, "lantern meadow copper viola"])
    assert code == EXIT_USAGE and "not the same" in shown
    assert len(list(stick.iterdir())) == 1
