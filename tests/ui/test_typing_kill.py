"""Crash while typing: Warmline killed (SIGKILL) with a call note, a handover and a
reflection all open and typed into; after a restart each comes back on screen, with at most
what was typed within its autosave interval missing.

The child (tests/ui/typing_kill_child.py) uses the app's own autosave intervals; the kill
lands at a random moment up to the longest of them after the last typing, so sometimes the
last burst made it into a draft and sometimes not. test_call_draft_kill.py covers the call
note's timer; this covers the three together.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.call_page import form_of, make_call_page, section
from tests.ui.conftest import wait_idle
from tests.ui.test_call_draft_kill import read_lines, wait_for_line
from tests.ui.typing_kill_child import BURSTS, FIELD
from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.clock import SystemClock
from ui.tasks import TaskRunner
from ui.widgets import call_form, handover_composer, reflection_form
from ui.widgets.handover_composer import HandoverComposer
from ui.widgets.reflection_form import ReflectionForm
from warmline import crypto
from warmline.vault import Vault

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL"),
]

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("typing_kill_child.py")
PASSPHRASE = "a typing kill passphrase, long enough"
#: The app's own intervals, in seconds: what may be lost, at most, for each.
INTERVAL_S = {
    "call": call_form.AUTOSAVE_MS / 1000,
    "handover": handover_composer.AUTOSAVE_MS / 1000,
    "reflection": reflection_form.AUTOSAVE_MS / 1000,
}
KILLS = 3


def type_and_kill(data_dir: Path, account: str, tmp_path: Path, delay_s: float) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    stderr_path = tmp_path / "child-stderr.txt"
    with stderr_path.open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(data_dir), account], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT, env=env,
        )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    try:
        assert child.stdin is not None
        child.stdin.write(PASSPHRASE + "\n")
        child.stdin.close()
        threading.Thread(target=read_lines, args=(child.stdout, lines), daemon=True).start()
        try:
            wait_for_line(lines, "SAVED", seen)
            wait_for_line(lines, "MORE", seen)
        except BaseException:
            print(stderr_path.read_text(), file=sys.stderr)
            raise
        time.sleep(delay_s)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("kill", range(KILLS))
def test_killed_while_typing_three_things_each_comes_back(
    qtbot: QtBot, tmp_path: Path, kill: int
) -> None:
    data_dir = tmp_path / "line"
    vault, session = Vault.create(
        data_dir, "Typing Line", "Alex", PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    account = session.account.uuid
    vault.close()
    delay = random.Random(kill).uniform(0, max(INTERVAL_S.values()))
    type_and_kill(data_dir, account, tmp_path, delay)

    vault = Vault.open(data_dir)
    runner = TaskRunner()
    try:
        session = vault.unlock(account, PASSPHRASE)
        for kind, (first, last) in BURSTS.items():
            drafts = session.drafts.mine(kind)
            assert len(drafts) == 1, kind
            text = str(drafts[0].fields[FIELD[kind]])
            assert text.startswith(first), kind  # all typed before the last autosave ...
            assert (first + last).startswith(text), kind  # ... and only the rest may be lost

        # After the restart each one comes back on screen, in its own form.
        backend = Backend(runner, session, SystemClock(), SafeClipboard(), vault.line_name)
        page = make_call_page(qtbot, backend, runner)
        form = form_of(page)
        form.resume(session.drafts.mine("call")[0].uuid)
        wait_idle(qtbot, runner)
        call_text = section(page, "worldview").toPlainText()
        assert call_text == session.drafts.mine("call")[0].fields["worldview"]

        composer = HandoverComposer(backend)
        qtbot.addWidget(composer)
        handover_draft = session.drafts.mine("handover")[0]
        composer.restore(handover_draft)
        assert composer.sections["how_it_was"].toPlainText() == handover_draft.fields["how_it_was"]

        reflection = ReflectionForm(backend)
        qtbot.addWidget(reflection)
        reflection_draft = session.drafts.mine("reflection")[0]
        reflection.restore(reflection_draft)
        qtbot.waitUntil(lambda: reflection.is_open, timeout=5000)
        assert reflection.note_edit.toPlainText() == reflection_draft.fields["note_to_self"]
        backend.close()
    finally:
        runner.shutdown(wait=True)
        vault.close()
