"""Crash during the long jobs: a key rotation's re-seal, a format migration, a retention run
(and, once warmline/backup.py is merged, a backup), each SIGKILLed at random moments. After
every kill the file is whole, every record is there exactly once, and each one holds either
what it held before or what the job makes of it: never a damaged or half-done record.

When a job finishes before the next kill, the line is put back as it was (a pristine copy)
or, for the rotation, the key is replaced again, so every kill lands in real work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.reliability import kill_targets
from tests.reliability.helpers import (
    PASSPHRASE,
    kill_at_random,
    new_line,
    opened,
    restore,
)
from warmline import crypto
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.handovers import Handover
from warmline.vault import Vault

pytestmark = pytest.mark.slow

ROTATION_KILLS = 70
MIGRATION_KILLS = 50
RETENTION_KILLS = 60
BACKUP_KILLS = 40
MAX_DELAY_S = 0.5


@dataclass
class Tally:
    kills: int = 0
    finished: int = 0
    steps: int = 0


def test_key_rotation_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    data_dir = tmp_path / "line"
    new_line(data_dir)
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    session = vault.unlock(vault.accounts()[0].uuid, PASSPHRASE)
    account = session.account.uuid
    calls = {c.uuid: c.connection for c in session.calls.add_many(
        [Call(connection=f"rotation note {i}") for i in range(400)])}  # fmt: skip
    handovers = {session.handovers.add(Handover(how_it_was=f"handover {i}")).uuid: f"handover {i}"
                 for i in range(30)}  # fmt: skip
    reflection = session.debriefs.add(Debrief(note_to_self="my own")).uuid
    vault.close()

    rng = random.Random(7070)
    tally = Tally()
    generations = set()
    for _ in range(ROTATION_KILLS):
        result = kill_at_random(kill_targets.reseal_loop, (str(data_dir), account, PASSPHRASE),
                                rng, MAX_DELAY_S)  # fmt: skip
        tally.kills += 1
        tally.finished += result.finished
        tally.steps += len(result.reports)
        with opened(data_dir, account) as session:
            stored = session.calls.select()
            assert not any(c.damaged for c in stored)
            assert {c.uuid: c.connection for c in stored} == calls
            assert {h.uuid: h.how_it_was for h in session.handovers.all()} == handovers
            assert session.debriefs.get(reflection).note_to_self == "my own"
            assert session.audit.verify().ok
            generations.add(session.team_generation)
    print(f"figures: rotation: {ROTATION_KILLS} kills, {tally.steps} batches reported, "
          f"{tally.finished} finished, {len(generations)} key generations seen")  # fmt: skip
    assert len(generations) > 3  # the key really was replaced again and again
    assert tally.steps > ROTATION_KILLS


def test_format_migration_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    from tests.core.test_key_migration import PASSPHRASES, write_old_line

    template = tmp_path / "old"
    line = write_old_line(template, calls=600)
    account, passphrase, expected = line.uuids["Alex"], PASSPHRASES["Alex"], line.calls
    data_dir = tmp_path / "line"
    restore(template, data_dir)

    rng = random.Random(3030)
    tally = Tally()
    for _ in range(MIGRATION_KILLS):
        result = kill_at_random(kill_targets.reseal_loop, (str(data_dir), account, passphrase),
                                rng, MAX_DELAY_S)  # fmt: skip
        tally.finished += result.finished
        tally.steps += len(result.reports)
        with opened(data_dir, account, passphrase) as session:
            db = session._ctx.db
            rows = list(db.query("select uuid from calls"))
            assert len(rows) == len(expected)
            stored = session.calls.select()
            assert not any(c.damaged for c in stored)
            assert {c.uuid: c.connection for c in stored} == expected
            versions = {crypto.blob_version(r["body"]) for r in db.query("select body from calls")}
            assert versions <= {1, 2, crypto.FORMAT_VERSION}
            done = versions == {crypto.FORMAT_VERSION}
        if done or result.finished:
            restore(template, data_dir)  # migrate it all again from the start
    print(f"figures: migration: {MIGRATION_KILLS} kills, {tally.steps} batches reported, "
          f"{tally.finished} finished")  # fmt: skip
    assert tally.finished >= 1 and tally.steps > MIGRATION_KILLS


TODAY = date(2026, 11, 30)
OLD = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
RECENT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def old_call(i: int) -> Call:
    started = OLD + timedelta(days=i % 200)
    return Call(started_at=started, ended_at=started + timedelta(minutes=9),
                connection=f"old note {i}", topics=["Housing"])  # fmt: skip


def test_retention_run_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    template = tmp_path / "before"
    account = new_line(template)
    vault = Vault.open(template, kdf_factory=crypto.cheap_test_params)
    session = vault.unlock(account, PASSPHRASE)
    old = session.calls.add_many(
        [old_call(i) for i in range(300)]
    )
    recent = session.calls.add_many(
        [Call(started_at=RECENT, connection=f"recent note {i}") for i in range(20)])
    old_handovers = [session.handovers.add(Handover(created_at=OLD + timedelta(days=i),
                     how_it_was=f"old handover {i}")).uuid for i in range(40)]  # fmt: skip
    reflection = session.debriefs.add(Debrief(created_at=OLD, note_to_self="kept")).uuid
    vault.close()
    old_text = {c.uuid: c.connection for c in old}
    recent_text = {c.uuid: c.connection for c in recent}
    data_dir = tmp_path / "line"
    restore(template, data_dir)

    rng = random.Random(6060)
    tally = Tally()
    for _ in range(RETENTION_KILLS):
        result = kill_at_random(kill_targets.retention_loop,
                                (str(data_dir), account, PASSPHRASE, TODAY.isoformat()),
                                rng, MAX_DELAY_S)  # fmt: skip
        tally.finished += result.finished
        tally.steps += len(result.reports)
        with opened(data_dir, account) as session:
            stored = {c.uuid: c for c in session.calls.select()}
            assert len(stored) == len(old_text) + len(recent_text)
            assert not any(c.damaged for c in stored.values())
            for uuid, text in old_text.items():  # as it was, or erased: nothing in between
                call = stored[uuid]
                assert call.connection in (text, "")
                assert call.topics == ["Housing"]  # the figures stay
            assert {u: stored[u].connection for u in recent_text} == recent_text
            handovers = {h.uuid: h for h in session.handovers.all()}
            assert set(old_handovers) <= set(handovers)
            assert not any(h.damaged for h in handovers.values())
            assert session.debriefs.get(reflection).note_to_self == "kept"
            assert session.audit.verify().ok
            erased = sum(stored[u].connection == "" for u in old_text)
        if result.finished or erased == len(old_text):
            restore(template, data_dir)
    print(f"figures: retention: {RETENTION_KILLS} kills, {tally.steps} batches reported, "
          f"{tally.finished} finished")  # fmt: skip
    assert tally.finished >= 1 and tally.steps > RETENTION_KILLS


def test_backup_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    """Runs once warmline/backup.py is on the branch (merged from the backup work); skipped
    with "backups not on this branch" until then. After every kill the line is whole and
    every backup the folder lists (finished or not when the kill came) checks out whole
    with every call in it: a half-written backup is never left looking like one."""
    backup = pytest.importorskip(
        "warmline.backup", reason="backups not on this branch", exc_type=ImportError
    )
    data_dir, folder = tmp_path / "line", tmp_path / "backups"
    folder.mkdir()
    account = new_line(data_dir)
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    session = vault.unlock(account, PASSPHRASE)
    calls = {c.uuid: c.connection for c in session.calls.add_many(
        [Call(connection=f"backed-up note {i} " * 10) for i in range(400)])}  # fmt: skip
    line_name = vault.line_name
    vault.close()

    rng = random.Random(8080)
    tally = Tally()
    for _ in range(BACKUP_KILLS):
        result = kill_at_random(kill_targets.backup_loop, (str(data_dir), str(folder)),
                                rng, MAX_DELAY_S)  # fmt: skip
        tally.steps += len(result.reports)
        with opened(data_dir, account) as session:
            assert {c.uuid: c.connection for c in session.calls.select()} == calls
        listed = {p.name for p in backup.backups_in(folder, line_name)}
        assert {name for _what, name in result.reports} <= listed
        for path in backup.backups_in(folder, line_name):
            checked = backup.verify(path, kill_targets.BACKUP_PASSPHRASE)
            assert checked.contents.calls == len(calls)
    print(f"figures: backup: {BACKUP_KILLS} kills, {tally.steps} backups finished")
    assert tally.steps > 0
