"""TEST-ONLY child process for test_call_draft_kill.py: types a call note, then waits to be killed.

Never run this outside the test suite. It imports pytest first for one reason only:
``warmline.crypto.allow_cheap_kdf_for_tests()`` refuses to work unless pytest is loaded, and
the parent's throwaway vault uses the cheap test KDF so the test stays quick.

Usage: ``python draft_kill_child.py DATA_DIR ACCOUNT_UUID`` with the passphrase on stdin, the
repository root on PYTHONPATH (the parent test sets it).

It opens the vault, builds a real Backend and Call page (autosave every second, the real
clock), starts a call and types into the Worldview section in bursts. It prints, flushing
each line:

* ``SAVED <n>`` once burst ``n`` is typed and an autosave holding all of it has landed;
* ``MORE`` once the last burst is typed, without waiting for any autosave;

then it keeps running (the event loop, autosaving on) until the parent kills it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest  # noqa: F401  (see the module docstring: unlocks the test-only KDF)
from PySide6.QtCore import QDeadlineTimer, QEventLoop
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.clock import SystemClock
from ui.screens.call import CallPage
from ui.tasks import TaskRunner
from ui.widgets.call_form import CallForm
from ui.widgets.lens_edit import LensTextEdit
from warmline import crypto
from warmline.drafts import Draft
from warmline.vault import Vault

#: What gets typed, burst by burst; the parent test imports this.
BURSTS = (
    "Robin says the new neighbours slam doors at night. ",
    "To her it feels like being pushed out of home. ",
    "She wants to try asking them round for tea.",
)
AUTOSAVE_MS = 1000
WAIT_MS = 20_000


def wait_for_draft_holding(app: QApplication, form: CallForm, text: str) -> None:
    """Run the event loop until an autosave whose Worldview is exactly ``text`` has landed."""
    landed: list[bool] = []

    def check(draft: Draft) -> None:
        if draft.fields.get("worldview") == text:
            landed.append(True)

    form.drafts.saved.connect(check)
    deadline = QDeadlineTimer(WAIT_MS)
    while not landed:
        if deadline.hasExpired():
            raise SystemExit("no autosave landed in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    form.drafts.saved.disconnect(check)


def main() -> None:
    data_dir, account_uuid = Path(sys.argv[1]), sys.argv[2]
    passphrase = sys.stdin.readline().rstrip("\n")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    crypto.allow_cheap_kdf_for_tests()
    app = QApplication([])
    vault = Vault.open(data_dir)
    session = vault.unlock(account_uuid, passphrase)
    runner = TaskRunner()
    backend = Backend(runner, session, SystemClock(), SafeClipboard(), vault.line_name)
    page = CallPage(backend, autosave_interval_ms=AUTOSAVE_MS)
    page.resize(1000, 700)
    page.show()
    form = page.findChild(CallForm, "call-form")
    edit = page.findChild(LensTextEdit, "section-worldview")
    assert form is not None and edit is not None

    form.start_call()
    edit.setFocus()
    typed = ""
    for number, burst in enumerate(BURSTS[:-1]):
        QTest.keyClicks(edit, burst)
        typed += burst
        wait_for_draft_holding(app, form, typed)
        print(f"SAVED {number}", flush=True)
    QTest.keyClicks(edit, BURSTS[-1])
    print("MORE", flush=True)
    app.exec()  # autosave goes on until the parent kills us


if __name__ == "__main__":
    main()
