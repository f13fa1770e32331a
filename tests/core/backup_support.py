"""Helpers for the backup tests: a line with every kind of record, and whole-file reads."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warmline import crypto
from warmline.accounts import Role
from warmline.backup import BackupKey
from warmline.callers import Caller
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.handovers import Handover
from warmline.session import Session
from warmline.shift_summary import summarise
from warmline.vault import Vault

BACKUP_PASSPHRASE = "lantern meadow copper violin"
LINE_NAME = "Riverside Evening Line"
COORDINATOR = "Philippa Quince"


def cheap_key(passphrase: str = BACKUP_PASSPHRASE) -> BackupKey:
    return BackupKey.from_passphrase(passphrase, crypto.cheap_test_params)


def populate(vault: Vault, session: Session, calls: int = 6) -> None:
    """Every kind of record, with edits (revisions), deletions and private ones."""
    sam = session.team.add_account("Samwise Oddly", "sams own passphrase", Role.VOLUNTEER)
    volunteer = vault.unlock(sam.uuid, "sams own passphrase")
    t0 = datetime(2026, 11, 2, 19, 0, tzinfo=UTC)
    caller = session.callers.add(Caller(alias="Robin", agreement_notes="ten minutes", notes="n"))
    shift = volunteer.shifts.start()
    made = []
    for i in range(calls):
        made.append(
            volunteer.calls.add(
                Call(
                    started_at=t0,
                    shift_uuid=shift.uuid,
                    caller_uuid=caller.uuid,
                    caller_kind="regular",
                    connection=f"talked about the garden {i}",
                    topics=["Housing"],
                    follow_up="ring back on Friday",
                )
            )
        )
    made[0].connection = "edited"
    volunteer.calls.update(made[0])
    volunteer.calls.delete(made[1].uuid)
    volunteer.shifts.end(shift)
    handover = volunteer.handovers.add(
        Handover(shift_uuid=shift.uuid, how_it_was="calm", summary=summarise(volunteer, shift))
    )
    session.handovers.acknowledge(handover.uuid, reply="Thanks")
    volunteer.followups.sync_from_call(made[2])
    volunteer.debriefs.add(Debrief(call_uuid=made[2].uuid, feeling="tired", check_in=2))
    volunteer.drafts.save(Draft(kind="call", fields={"connection": "half a thought"}))
    volunteer.word_requests.ask(session.account.uuid, shift.uuid)
    session.settings.set_topics(["Housing", "Sleep"])
    volunteer.lock()


def add_call(session: Session, text: str = "a call saved during the backup") -> str:
    return session.calls.add(Call(connection=text)).uuid


def all_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order, read from the file as it is now."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type = 'table' order by name"
            )
        ]
        return {t: sorted(conn.execute(f'select * from "{t}"').fetchall(), key=repr)
                for t in tables}  # fmt: skip
    finally:
        conn.close()
