"""A unique string written through every record kind never reaches any file in clear: not
the data folder, not the temporary folder, not a log line."""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warmline import crypto
from warmline.accounts import Role
from warmline.callers import Caller
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.handovers import Handover
from warmline.shift_summary import summarise
from warmline.vault import Vault


def encodings(canary: str) -> list[bytes]:
    out = []
    for variant in {canary, canary.upper(), canary.lower()}:
        for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le"):
            out.append(variant.encode(enc))
    return out


def found_in(folders: Iterable[Path], canary: str) -> list[str]:
    """Every file under ``folders`` that holds the canary in any encoding or case."""
    needles = encodings(canary)
    found = []
    for folder in folders:
        for path in (p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                found.append(str(path))
    return found


def assert_nowhere(folder: Path, canary: str) -> None:
    assert any(p.is_file() for p in folder.rglob("*")), "the folder should hold the vault"
    assert found_in([folder], canary) == [], f"{canary!r} found"


def in_logs(caplog: pytest.LogCaptureFixture, canary: str) -> bool:
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    return canary.casefold() in text.casefold()


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Send every temporary file (Python's and SQLite's) to a folder the test can search."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    for name in ("TMPDIR", "TEMP", "TMP", "SQLITE_TMPDIR"):
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_canary_never_reaches_disk(
    tmp_path: Path, temp_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    canary = "Canary" + secrets.token_hex(8) + "Zeta"
    data_dir = tmp_path / "line"
    vault, session = Vault.create(
        data_dir, "Line", "Alex", "a long passphrase", kdf_factory=crypto.cheap_test_params
    )
    sam = session.team.add_account("Sam", "sams passphrase", Role.VOLUNTEER)
    volunteer = vault.unlock(sam.uuid, "sams passphrase")
    t0 = datetime(2026, 11, 2, 19, 0, tzinfo=UTC)

    caller = session.callers.add(
        Caller(alias=f"Robin {canary}", agreement_notes=canary, notes=canary)
    )
    shift = volunteer.shifts.start()
    calls = []
    for i in range(4):
        calls.append(
            volunteer.calls.add(
                Call(
                    started_at=t0,
                    shift_uuid=shift.uuid,
                    caller_uuid=caller.uuid,
                    caller_kind="regular",
                    connection=f"{canary} connection {i}",
                    worldview=canary,
                    mutuality=canary,
                    moving_towards=canary,
                    topics=[canary],
                    resources_shared=canary,
                    follow_up=canary,
                )
            )
        )
    edited = calls[0]
    edited.connection = f"edited {canary}"
    volunteer.calls.update(edited)
    volunteer.calls.delete(calls[1].uuid)
    caller.notes = f"{canary} updated"
    session.callers.update(caller)

    shift.notes = canary
    shift = volunteer.shifts.update(shift)
    volunteer.shifts.end(shift)
    handover = volunteer.handovers.add(
        Handover(
            shift_uuid=shift.uuid,
            how_it_was=canary,
            callers_to_keep_in_mind=canary,
            follow_ups=canary,
            team_and_phones=canary,
            anything_else=canary,
            summary=summarise(volunteer, shift),
        )
    )
    assert canary in repr(handover.summary)  # the regular's alias and moving-towards are in it
    handover.how_it_was = f"{canary} edited after reading"
    volunteer.handovers.update(handover)
    session.handovers.acknowledge(handover.uuid, reply=f"Thanks {canary}")
    for call in calls[2:]:
        volunteer.followups.sync_from_call(call)
    raised = volunteer.followups.raise_from_handover(handover.uuid, f"Ring {canary}", shift.uuid)
    session.followups.mark_done(raised, note=f"Done {canary}")
    doomed = volunteer.handovers.add(Handover(how_it_was=canary))
    volunteer.handovers.delete(doomed.uuid)

    reflection = volunteer.debriefs.add(
        Debrief(
            call_uuid=calls[2].uuid,
            answers={"learn_or_fix": canary},
            check_in=2,
            feeling=canary,
            need="lead",
            note_to_self=canary,
        )
    )
    reflection.note_to_self = f"{canary} reread"
    volunteer.debriefs.update(reflection)  # its earlier version is kept, sealed
    gone = volunteer.debriefs.add(Debrief(feeling=canary))
    volunteer.debriefs.delete(gone.uuid)
    volunteer.drafts.save(
        Draft(kind="reflection", target_uuid=calls[2].uuid, fields={"answers": {"q": canary}})
    )
    volunteer.word_requests.ask(session.account.uuid, shift.uuid)
    draft = volunteer.drafts.save(Draft(kind="call", fields={"connection": canary}))
    draft.fields["connection"] = canary + " more"
    volunteer.drafts.save(draft)
    volunteer.drafts.save(Draft(kind="handover", fields={"how_it_was": canary}))
    session.settings.set_topics(["Housing", canary])

    # While open (WAL not yet checkpointed) nothing is in clear either.
    assert_nowhere(data_dir, canary)
    # A record altered outside Warmline is reported (logged) as damaged: by kind, never content.
    vault.db.execute("update callers set body = substr(body, 1, length(body) - 1)")
    assert not any(c.alias.startswith("Robin") for c in session.callers.all())
    vault.close()
    assert_nowhere(data_dir, canary)
    assert found_in([temp_folder], canary) == []
    assert any("damaged" in r.getMessage() for r in caplog.records)  # logs were captured
    assert not in_logs(caplog, canary)
    # Sanity: the check itself can fail — the canary is findable when it is written in clear.
    (data_dir / "probe.txt").write_text(canary.lower(), encoding="utf-16-le")
    try:
        assert_nowhere(data_dir, canary)
    except AssertionError:
        pass
    else:  # pragma: no cover
        raise AssertionError("the canary scan cannot find anything")
    with tempfile.NamedTemporaryFile("w", delete=False) as stray:
        stray.write(canary)
    assert found_in([temp_folder], canary) == [stray.name]  # tempfile goes where we look
    logging.getLogger("warmline.probe").debug("probe %s", canary.upper())
    assert in_logs(caplog, canary)
