"""Retention: old free text erased for real, the figures kept, reflections left alone.

The attack is a person with the file after a run: a canary planted in old notes, an alias,
a handover and their earlier versions must be found nowhere in the database file or its
WAL, while the report's counts are what they were before.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from warmline.callers import Caller
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.errors import InvalidInput, NotAllowed
from warmline.followups import FollowUp
from warmline.handovers import Handover
from warmline.reports import Period, build_report
from warmline.retention import (
    FORMER_REGULAR,
    Retention,
    RetentionPolicy,
    load_policy,
    save_policy,
)
from warmline.session import Session
from warmline.vault import Vault

TODAY = date(2026, 11, 30)
OLD = datetime(2025, 6, 3, 14, 0, tzinfo=UTC)  # well past a year
RECENT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
YEAR = RetentionPolicy(calls_days=365, handovers_days=365)


@pytest.fixture
def canary() -> str:
    return "Canary" + secrets.token_hex(8) + "Quokka"


@pytest.fixture
def old_line(session: Session, canary: str) -> dict[str, object]:
    """Old calls, a regular who stopped calling, an old handover and follow-up (each with
    an earlier version holding the canary), and recent ones that must stay."""
    gone = session.callers.add(
        Caller(alias=f"Robin {canary}", notes=canary, calls_per_day=2, created_at=OLD)
    )
    kept = session.callers.add(Caller(alias="Kit", notes="still calls"))
    old_calls = session.calls.add_many(
        [
            Call(
                started_at=OLD + timedelta(days=i), ended_at=OLD + timedelta(days=i, minutes=9),
                caller_uuid=gone.uuid, caller_kind="regular", topics=["Sleep"],
                connection=f"{canary} talked", moving_towards=canary, follow_up=canary,
                crisis_offered=i == 0,
            )
            for i in range(3)
        ]
    )  # fmt: skip
    session.calls.update(replace(old_calls[0], worldview=f"{canary} edited"))
    recent = session.calls.add(
        Call(started_at=RECENT, caller_uuid=kept.uuid, caller_kind="regular", connection="today")
    )
    handover = session.handovers.add(
        Handover(created_at=OLD, how_it_was=canary, summary={"regulars": [canary]})
    )
    session.handovers.update(replace(handover, anything_else=canary))
    session.handovers.acknowledge(handover.uuid, reply=canary)
    done = session.followups.add(FollowUp(text=canary, raised_at=OLD, day=OLD.date().isoformat()))
    session.followups.mark_done(done, note=canary)
    still_open = session.followups.add(
        FollowUp(text="ring back", raised_at=OLD, day=OLD.date().isoformat())
    )
    reflection = session.debriefs.add(Debrief(feeling=canary, created_at=OLD))
    return {
        "gone": gone, "kept": kept, "old_calls": old_calls, "recent": recent,
        "open": still_open, "reflection": reflection,
    }  # fmt: skip


def file_bytes(vault: Vault) -> bytes:
    wal = Path(str(vault.path) + "-wal")
    return vault.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_a_run_erases_old_text_everywhere_and_keeps_the_figures(
    vault: Vault, session: Session, canary: str, old_line: dict[str, object]
) -> None:
    period = Period(date(2025, 1, 1), TODAY)
    before = build_report(session, period, UTC)
    assert canary.encode() not in file_bytes(vault)  # sealed all along...
    job = Retention(session, YEAR, today=TODAY)
    preview = job.preview()
    assert (preview.calls, preview.regulars, preview.handovers, preview.followups) == (3, 1, 1, 1)
    assert job.run().finished
    # ...and now gone from what the keys open too: every record, every earlier version.
    for call in session.calls.select():
        assert canary not in repr(call)
    for call in old_line["old_calls"]:  # type: ignore[attr-defined]
        assert session.calls.history(call.uuid) == []
        assert session.calls.get(call.uuid).topics == ["Sleep"]  # the figures' fields stay
    gone = session.callers.get(old_line["gone"].uuid)  # type: ignore[attr-defined]
    assert gone.alias == FORMER_REGULAR and gone.notes == "" and gone.calls_per_day == 2
    assert session.callers.get(old_line["kept"].uuid).alias == "Kit"  # type: ignore[attr-defined]
    assert session.calls.get(old_line["recent"].uuid).connection == "today"  # type: ignore[attr-defined]
    handover = session.handovers.all()[0]
    assert handover.how_it_was == "" and handover.summary == {}
    assert all(a.reply == "" for a in session.handovers.acknowledgements(handover.uuid))
    assert session.followups.get(old_line["open"].uuid).text == "ring back"  # type: ignore[attr-defined]
    assert canary not in repr(session.followups.all())
    assert not session.view.search(canary.lower()).uuids
    # The reflection is its author's: never the team's choice.
    assert session.debriefs.get(old_line["reflection"].uuid).feeling == canary  # type: ignore[attr-defined]
    after = build_report(session, period, UTC)
    assert after == before


def test_no_trace_of_the_erased_text_is_left_in_the_file_or_its_wal(
    vault: Vault, session: Session, canary: str, old_line: dict[str, object], tmp_path: Path
) -> None:
    """Sealed text is ciphertext, so the canary itself never shows in the bytes. What
    would give it back is its old ciphertext left behind (a free page, the WAL, an old
    version) for someone who has the key: so every body that held it is remembered before
    the run, and after it none of those bytes may be anywhere in the file or its WAL."""
    old_bodies = []
    for row in vault.db.query("select body from calls union all select body from revisions "
                              "union all select body from callers union all "
                              "select body from handovers union all select body from followups "
                              "union all select body from handover_acks"):  # fmt: skip
        old_bodies.append(bytes(row["body"])[-48:])  # ciphertext and tag: unique per seal
    Retention(session, YEAR, today=TODAY).run()
    raw = file_bytes(vault)
    still_there = [b for b in old_bodies if b in raw]
    now = "select body from calls union all select body from callers union all " \
          "select body from followups"  # fmt: skip
    kept = {bytes(r["body"])[-48:] for r in vault.db.query(now)}
    assert [b for b in still_there if b not in kept] == []  # only untouched records remain
    # A backup made afterwards, restored into a new folder, holds none of them either.
    from tests.core.backup_support import BACKUP_PASSPHRASE, cheap_key
    from warmline.backup import make_backup, restore

    (tmp_path / "stick").mkdir()
    made = make_backup(vault.path.parent, tmp_path / "stick", cheap_key())
    restore(made.path, BACKUP_PASSPHRASE, tmp_path / "restored")
    restored = b"".join(p.read_bytes() for p in (tmp_path / "restored").iterdir() if p.is_file())
    assert [b for b in old_bodies if b in restored and b not in kept] == []
    for table in ("calls", "callers", "handovers", "handover_acks", "followups"):
        repo = {"calls": session.calls, "callers": session.callers,
                "handovers": session.handovers, "handover_acks": session.handovers.acks,
                "followups": session.followups}[table]  # fmt: skip
        assert canary not in repr(repo.select())
    assert list(vault.db.query("select * from revisions where table_name = 'calls'")) == []
    wal = Path(str(vault.path) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
    freelist = next(vault.db.query("PRAGMA freelist_count"))
    assert freelist["freelist_count"] == 0  # VACUUM left no free page holding old bytes


def test_a_second_run_finds_nothing_and_a_stopped_run_resumes(
    session: Session, old_line: dict[str, object]
) -> None:
    first = Retention(session, YEAR, today=TODAY, batch=2)
    assert first.preview().total == 6  # 3 calls, a regular, a handover, a follow-up done
    assert first.left() == 6  # old rows to look at (the open follow-up among them)
    progress = first.step()  # stopped after one batch, as a lock or a crash would
    assert progress.done == 2 and not progress.finished
    resumed = Retention(session, YEAR, today=TODAY)
    assert resumed.preview().total == 4  # the two erased are not erased again
    assert resumed.run().done == 4
    assert Retention(session, YEAR, today=TODAY).preview().total == 0


def test_nothing_expires_until_a_coordinator_chooses(
    vault: Vault, session: Session, volunteer: Session, old_line: dict[str, object]
) -> None:
    assert load_policy(session) == RetentionPolicy()
    assert not load_policy(session).active
    with pytest.raises(NotAllowed):
        save_policy(volunteer, YEAR)
    with pytest.raises(InvalidInput):
        save_policy(session, RetentionPolicy(calls_days=3))
    save_policy(session, YEAR)
    assert load_policy(volunteer) == YEAR


@pytest.mark.parametrize("stored", [None, "365", {"calls_days": 2}, {"calls_days": True},
                                    {"calls_days": 10**9}, ["calls_days"]])  # fmt: skip
def test_a_malformed_choice_keeps_everything(stored: object) -> None:
    assert RetentionPolicy.from_setting(stored) == RetentionPolicy()
