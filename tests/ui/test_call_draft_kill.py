"""Never lose a word: a Warmline killed mid-note (SIGKILL, no chance to clean up) keeps the note.

A real child process (tests/ui/draft_kill_child.py) opens a vault made here, starts a call and
types into a section; once an autosave holding the first bursts has landed it types one more
burst and says so; then it is killed with SIGKILL. The vault is opened again, the same account
unlocked, and the draft must hold everything up to the last autosave — only what was typed
within the last autosave interval may be missing — and the call's start, so the recovered
call's timer keeps running from when it really began.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.ui.draft_kill_child import BURSTS
from warmline import crypto
from warmline.timeutil import from_iso
from warmline.vault import Vault

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL"),
]

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("draft_kill_child.py")
PASSPHRASE = "a kill test passphrase, long enough"
LINE_TIMEOUT_S = 60


def read_lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line.rstrip("\n"))
    into.put("<eof>")


def wait_for_line(lines: queue.Queue[str], wanted: str, seen: list[str]) -> None:
    while True:
        try:
            line = lines.get(timeout=LINE_TIMEOUT_S)
        except queue.Empty:
            pytest.fail(f"child never printed {wanted!r}; it printed {seen!r}")
        seen.append(line)
        if line == wanted:
            return
        if line == "<eof>":
            pytest.fail(f"child exited before printing {wanted!r}; it printed {seen!r}")


def test_killed_mid_note_loses_at_most_the_last_autosave_interval(tmp_path: Path) -> None:
    data_dir = tmp_path / "line"
    vault, session = Vault.create(
        data_dir, "Kill Test Line", "Alex", PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    account = session.account.uuid
    vault.close()  # the child takes the folder lock

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    stderr_path = tmp_path / "child-stderr.txt"
    with stderr_path.open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(data_dir), account],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=ROOT,
            env=env,
        )
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    try:
        assert child.stdin is not None
        child.stdin.write(PASSPHRASE + "\n")
        child.stdin.close()
        threading.Thread(target=read_lines, args=(child.stdout, lines), daemon=True).start()
        try:
            for number in range(len(BURSTS) - 1):
                wait_for_line(lines, f"SAVED {number}", seen)
            wait_for_line(lines, "MORE", seen)
        except BaseException:
            print(stderr_path.read_text(), file=sys.stderr)
            raise
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    vault = Vault.open(data_dir)
    try:
        session = vault.unlock(account, PASSPHRASE)
        drafts = session.drafts.mine("call")
        assert len(drafts) == 1
        fields = drafts[0].fields
        text = fields["worldview"]
        everything = "".join(BURSTS)
        saved_for_sure = "".join(BURSTS[:-1])
        # Everything typed before the last autosave is there ...
        assert text.startswith(saved_for_sure)
        # ... and nothing else may be missing but (part of) the last burst.
        assert everything.startswith(text)
        # The call was running: its start survives, with no end.
        assert fields["started_at"] is not None
        assert from_iso(fields["started_at"]) is not None
        assert fields["ended_at"] is None
    finally:
        vault.close()
