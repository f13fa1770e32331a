"""TEST-ONLY work run in forked children that the reliability suite kills with SIGKILL.

Each target gets the writing end of a pipe first and sends ``READY`` once the vault is open
and unlocked, then one line per finished piece of work, each sent only *after* the save it
describes has returned, and ``DONE`` if it runs out of work before being killed. The lines
are short (well under the pipe's atomic size), so a kill never leaves half of one.
"""

from __future__ import annotations

import random
import resource
import signal
import time
from dataclasses import replace
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

from tests.reliability.helpers import digest, make_text
from warmline import crypto
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.drafts import Draft
from warmline.handovers import Handover
from warmline.retention import Retention, RetentionPolicy
from warmline.session import Session
from warmline.vault import Vault


def _unlock(conn: Connection, data_dir: str, account: str, passphrase: str) -> Session:
    crypto.allow_cheap_kdf_for_tests()  # pytest is loaded in the fork server
    vault = Vault.open(Path(data_dir), kdf_factory=crypto.cheap_test_params)
    session = vault.unlock(account, passphrase)
    conn.send_bytes(b"READY")
    return session


def _say(conn: Connection, *parts: object) -> None:
    conn.send_bytes(" ".join(str(p) for p in parts).encode())


def save_loop(
    conn: Connection, data_dir: str, account: str, passphrase: str, tag: str, seed: int
) -> None:
    """Save calls (new and edited), handovers in shifts, reflections and a draft, at random,
    until killed. Reports ``KIND UUID SHA256 SEQ`` (``shift UUID - SEQ`` for a shift)."""
    session = _unlock(conn, data_dir, account, passphrase)
    rng = random.Random(seed)
    calls: list[Call] = []
    draft = Draft(kind="call")
    shift = session.shifts.current()
    for seq in range(1_000_000):
        text = make_text(tag, seq, rng)
        roll = rng.random()
        if roll < 0.3:
            in_shift = shift.uuid if shift else None
            call = session.calls.add(Call(connection=text, shift_uuid=in_shift))
            calls.append(call)
            _say(conn, "call", call.uuid, digest(text), seq)
        elif roll < 0.4 and calls:
            at = rng.randrange(len(calls))
            calls[at] = session.calls.update(replace(calls[at], connection=text))
            _say(conn, "call", calls[at].uuid, digest(text), seq)
        elif roll < 0.55:
            if shift is None:
                shift = session.shifts.start()
                _say(conn, "shift", shift.uuid, "-", seq)
            handover = session.handovers.add(Handover(shift_uuid=shift.uuid, how_it_was=text))
            _say(conn, "handover", handover.uuid, digest(text), seq)
            if rng.random() < 0.3:
                session.shifts.end(shift)
                shift = None
        elif roll < 0.75:
            reflection = session.debriefs.add(Debrief(note_to_self=text))
            _say(conn, "reflection", reflection.uuid, digest(text), seq)
        else:
            draft.fields = {"worldview": text}
            draft = session.drafts.save(draft)
            _say(conn, "draft", draft.uuid, digest(text), seq)


def reseal_loop(conn: Connection, data_dir: str, account: str, passphrase: str) -> None:
    """Re-seal in small batches; when nothing is left, replace the team key (a rotation)
    and go on. Moves an older file's records to the newest format the same way."""
    session = _unlock(conn, data_dir, account, passphrase)
    job = session.reseal(batch=40)
    if job.left() == 0 and session.is_coordinator:
        session.team.replace_team_key()
        _say(conn, "rotated")
        job = session.reseal(batch=40)
    while not job.step().finished:
        _say(conn, "step")
        time.sleep(0.002)
    conn.send_bytes(b"DONE")


def retention_loop(
    conn: Connection, data_dir: str, account: str, passphrase: str, today: str
) -> None:
    """A retention run (a year for calls and handovers) in small batches."""
    session = _unlock(conn, data_dir, account, passphrase)
    policy = RetentionPolicy(calls_days=365, handovers_days=365)
    job = Retention(session, policy, today=date.fromisoformat(today), batch=25)
    while not job.step().finished:
        _say(conn, "step")
    conn.send_bytes(b"DONE")


def full_disk(conn: Connection, data_dir: str, account: str, passphrase: str, room: int) -> None:
    """Save a few records, then let files grow only ``room`` bytes past the largest one
    (RLIMIT_FSIZE, SIGXFSZ ignored so a write fails with EFBIG instead of killing us) and
    try to save each kind of record. Reports ``SAVED KIND UUID``, then ``REFUSED KIND
    ERRORNAME`` for each save that failed, then ``AGAIN KIND UUID`` once room is given back."""
    session = _unlock(conn, data_dir, account, passphrase)
    rng = random.Random(room)
    saves = {
        "call": lambda text: session.calls.add(Call(connection=text)),
        "handover": lambda text: session.handovers.add(Handover(how_it_was=text)),
        "reflection": lambda text: session.debriefs.add(Debrief(note_to_self=text)),
        "draft": lambda text: session.drafts.save(Draft(kind="call", fields={"worldview": text})),
    }
    for kind, save in saves.items():
        _say(conn, "SAVED", kind, save(make_text(kind, 0, rng)).uuid)
    folder = Path(data_dir)
    largest = max(p.stat().st_size for p in folder.glob("warmline.db*"))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (largest + room, resource.RLIM_INFINITY))
    for kind, save in saves.items():
        for seq in range(1, 200):  # until the limit is reached
            try:
                save(make_text(kind, seq, rng) * 4)
            except Exception as exc:
                _say(conn, "REFUSED", kind, type(exc).__name__)
                break
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    for kind, save in saves.items():  # "free some space and try again"
        _say(conn, "AGAIN", kind, save(make_text(kind, 999, rng)).uuid)
    conn.send_bytes(b"DONE")


BACKUP_PASSPHRASE = "a backup passphrase for the kill test"


def backup_loop(conn: Connection, data_dir: str, folder: str) -> None:
    """Make backups one after another (small steps, so kills land mid-copy and mid-seal).
    Reports ``backup FILENAME`` once each is written. Needs warmline/backup.py."""
    from warmline import backup

    crypto.allow_cheap_kdf_for_tests()
    key = backup.BackupKey.from_passphrase(BACKUP_PASSPHRASE, crypto.cheap_test_params)
    conn.send_bytes(b"READY")
    while True:
        made = backup.make_backup(Path(data_dir), Path(folder), key, keep=None, step_pages=8)
        _say(conn, "backup", made.path.name)
