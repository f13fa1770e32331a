"""A full disk while saving a call: the person is told plainly, and nothing typed is lost.

The core's side (a real size limit in a child process, RLIMIT_FSIZE) is in
tests/reliability/test_full_disk.py; there the repository raises StorageFull from SQLite's
own failed write. Here the save path of the real form, Backend and worker runs against a
session whose call store raises that same StorageFull, because a size limit inside the
test process would also stop pytest writing its own files.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.call_page import form_of, make_call_page, section
from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.prompts import Prompts
from ui.tasks import TaskRunner
from warmline.calls import Call
from warmline.errors import StorageFull
from warmline.session import Session
from warmline.vault import Vault

TYPED = "Robin says the stairs light is out again and she feels shut in."


def test_a_full_disk_keeps_the_note_on_screen_and_in_the_draft(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, ui_vault: tuple[Vault, Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    session = ui_vault[1]
    page = make_call_page(qtbot, backend, runner)
    form = form_of(page)
    worldview = section(page, "worldview")
    qtbot.keyClicks(worldview, TYPED)

    def disk_full(_call: Call) -> Call:
        raise StorageFull()

    monkeypatch.setattr(session.calls, "add", disk_full)
    form.save()
    wait_idle(qtbot, runner)

    warned = [a for a in Prompts.asked if a.kind == "warn"]
    assert warned and warned[-1].text == str(StorageFull())
    assert worldview.toPlainText() == TYPED  # still on screen, nothing cleared
    assert form.flush_draft()  # and written to the draft (drafts are small; it may fit)
    wait_idle(qtbot, runner)
    assert session.drafts.mine("call")[0].fields["worldview"] == TYPED

    monkeypatch.undo()  # room again: the same note saves
    form.save()
    wait_idle(qtbot, runner)
    assert [c.worldview for c in session.calls.select()] == [TYPED]
    assert session.drafts.mine("call") == []
