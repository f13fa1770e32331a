"""TEST-ONLY child for test_typing_kill.py: a call note, a handover and a reflection open at
once, typed into, then killed.

Never run this outside the test suite. Like draft_kill_child.py (the call note alone), it
imports pytest first only because the cheap test KDF refuses to work without it. Usage:
``python typing_kill_child.py DATA_DIR ACCOUNT_UUID`` with the passphrase on stdin and the
repository root on PYTHONPATH.

Each form runs with the autosave interval the app itself uses (the modules' AUTOSAVE_MS).
The child types the first burst into all three, waits until an autosave holding it has
landed for each and prints ``SAVED``; types the second burst into all three and prints
``MORE``; then keeps running (autosave on) until the parent kills it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
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
from ui.widgets.call_drafts import DraftKeeper
from ui.widgets.call_form import CallForm
from ui.widgets.handover_composer import HandoverComposer
from ui.widgets.lens_edit import LensTextEdit
from ui.widgets.reflection_form import ReflectionForm
from warmline import crypto
from warmline.drafts import Draft
from warmline.vault import Vault

#: Burst by burst, for each of the three; the parent test imports this.
BURSTS: dict[str, tuple[str, str]] = {
    "call": ("Robin rang about the noise upstairs. ", "She will try a note under the door."),
    "handover": ("A steady evening, four calls. ", "The headset on desk two crackles."),
    "reflection": ("I rushed her at the start. ", "Next time I will let the quiet be."),
}
#: Where each one's text lives in its draft's fields.
FIELD = {"call": "worldview", "handover": "how_it_was", "reflection": "note_to_self"}
WAIT_MS = 30_000


def wait_until(app: QApplication, done: Callable[[], bool]) -> None:
    deadline = QDeadlineTimer(WAIT_MS)
    while not done():
        if deadline.hasExpired():
            raise SystemExit("no autosave landed in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


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

    page = CallPage(backend)  # the app's own autosave interval
    page.resize(1000, 700)
    page.show()
    call_form = page.findChild(CallForm, "call-form")
    assert call_form is not None
    call_form.start_call()
    composer = HandoverComposer(backend)
    composer.show()
    composer.start_new(None, {})
    reflection = ReflectionForm(backend)
    reflection.show()
    reflection.start(None)
    wait_until(app, lambda: reflection.is_open)

    call_edit = page.findChild(LensTextEdit, "section-worldview")
    assert call_edit is not None
    edits: dict[str, LensTextEdit] = {
        "call": call_edit,
        "handover": composer.sections["how_it_was"],
        "reflection": reflection.note_edit,
    }
    keepers: dict[str, DraftKeeper] = {
        "call": call_form.drafts, "handover": composer.drafts, "reflection": reflection.drafts,
    }  # fmt: skip
    landed: dict[str, str] = {}

    def note(kind: str) -> Callable[[Draft], None]:
        def saved(draft: Draft) -> None:
            landed[kind] = str(draft.fields.get(FIELD[kind], ""))

        return saved

    for kind, keeper in keepers.items():
        keeper.saved.connect(note(kind))
    for kind, edit in edits.items():
        QTest.keyClicks(edit, BURSTS[kind][0])
    wait_until(app, lambda: all(landed.get(k) == BURSTS[k][0] for k in edits))
    print("SAVED", flush=True)
    for kind, edit in edits.items():
        QTest.keyClicks(edit, BURSTS[kind][1])
    print("MORE", flush=True)
    app.exec()  # autosave goes on until the parent kills us


if __name__ == "__main__":
    main()
