"""Shared pieces of the reliability suite: self-checking text, killing a child at a random
moment, and looking at a vault afterwards.

**Why a fork server.** tests/core/test_rotation_kill.py starts a fresh ``python`` for every
kill. That is right for a handful of kills, but the suite kills hundreds of times, and each
fresh interpreter spends most of a second importing before it writes anything. A
``multiprocessing`` fork server imports Warmline once; each child is forked from it (a real
process with its own file handles and SQLite connection, killed with a real SIGKILL), so the
time goes on writing and checking, not on imports.

**What a child reports.** Children (tests/reliability/kill_targets.py) send one short line
through a pipe *after* each save returns: what it was and the SHA-256 of the text it wrote.
A line shorter than the pipe's atomic size is written whole or not at all, so a kill never
leaves half a report. A record saved but not yet reported when the kill came may be in the
vault too; its text carries its own checksum (:func:`make_text`), so it must still be whole.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import random
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

from warmline import crypto
from warmline.session import Session
from warmline.vault import Vault

PASSPHRASE = "a reliability test passphrase, long enough"
#: Seconds a child may take to say it is ready (open, unlock, migrations) on a busy machine.
READY_TIMEOUT_S = 60
#: The share of kills that land before the child is ready (opening, migrating, unlocking).
EARLY_KILLS = 0.1

_context: ForkServerContext | None = None


def fork_context() -> ForkServerContext:
    """One fork server for the whole run, with Warmline (and pytest, which the cheap test
    KDF checks for) imported in it once."""
    global _context
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        assert isinstance(ctx, ForkServerContext)
        ctx.set_forkserver_preload(
            ["pytest", "warmline.vault", "warmline.rotation", "warmline.retention",
             "tests.reliability.kill_targets"]
        )  # fmt: skip
        _context = ctx
    return _context


# --- self-checking text ---------------------------------------------------------------------


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_text(tag: str, seq: int, rng: random.Random) -> str:
    """A note of random length that says who wrote it, in what order, and its own checksum,
    so a record seen after a crash can be told whole or not without any report."""
    words = ("tea", "neighbours", "sleep", "bus", "sister", "garden", "rent", "letter")
    body = " ".join(rng.choice(words) for _ in range(rng.randint(3, 400)))
    head = f"{tag}:{seq}:{body}"
    return f"{head}#{digest(head)[:16]}"


def is_whole(text: str) -> bool:
    head, sep, check = text.rpartition("#")
    return bool(sep) and digest(head)[:16] == check


def seq_of(text: str) -> int:
    return int(text.split(":", 2)[1])


# --- killing at a random moment ---------------------------------------------------------------


@dataclass
class KillResult:
    """What a child reported before it was killed: ``(what, uuid, sha256)`` per line."""

    reports: list[tuple[str, ...]] = field(default_factory=list)
    finished: bool = False
    ready_after_s: float = 0.0


def kill_at_random(
    target: Callable[..., None], args: tuple[Any, ...], rng: random.Random, max_delay_s: float
) -> KillResult:
    """Run ``target(conn, *args)`` in a forked child; once it says READY, wait a random
    time up to ``max_delay_s`` and SIGKILL it (unless it said DONE first)."""
    ctx = fork_context()
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(writer, *args), daemon=True)
    started = time.monotonic()
    proc.start()
    writer.close()
    result = KillResult()
    try:
        if rng.random() < EARLY_KILLS:  # while it opens, migrates and unlocks
            time.sleep(rng.uniform(0, 0.1))
            return result
        if not reader.poll(READY_TIMEOUT_S):
            raise AssertionError("the child never said it was ready")
        first = reader.recv_bytes().decode()
        assert first == "READY", first
        result.ready_after_s = time.monotonic() - started
        deadline = time.monotonic() + rng.uniform(0, max_delay_s)
        while (left := deadline - time.monotonic()) > 0:
            if reader.poll(left) and not _take(reader, result):
                break
    finally:
        proc.kill()
        proc.join(30)
        while _take(reader, result):
            pass
        reader.close()
    return result


@contextmanager
def running(target: Callable[..., None], args: tuple[Any, ...]) -> Iterator[Running]:
    """A child doing ``target(conn, *args)`` that goes on until the block ends (SIGKILL)."""
    ctx = fork_context()
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(writer, *args), daemon=True)
    proc.start()
    writer.close()
    child = Running(proc, reader)
    try:
        if not reader.poll(READY_TIMEOUT_S) or reader.recv_bytes() != b"READY":
            raise AssertionError("the child never said it was ready")
        yield child
    finally:
        proc.kill()
        proc.join(30)
        reader.close()


@dataclass
class Running:
    """A child at work: pause it, read what it has reported so far."""

    proc: Any
    reader: multiprocessing.connection.Connection
    result: KillResult = field(default_factory=KillResult)

    def drain(self) -> list[tuple[str, ...]]:
        while _take(self.reader, self.result):
            pass
        return self.result.reports


def _take(reader: multiprocessing.connection.Connection, result: KillResult) -> bool:
    """Read one report into ``result``; False at the end of the pipe or after DONE."""
    try:
        if not reader.poll(0):
            return False
        line = reader.recv_bytes().decode()
    except (EOFError, OSError):
        return False
    if line == "READY":
        return True
    if line == "DONE":
        result.finished = True
        return False
    result.reports.append(tuple(line.split(" ")))
    return True


# --- looking at the vault afterwards ----------------------------------------------------------


def integrity(vault: Vault) -> str:
    return str(next(vault.db.query("pragma integrity_check"))["integrity_check"])


@contextmanager
def opened(data_dir: Path, account: str, passphrase: str = PASSPHRASE) -> Iterator[Session]:
    """The vault opened and unlocked as after a restart, its file checked whole first."""
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        assert integrity(vault) == "ok"
        session = vault.unlock(account, passphrase)
        yield session
        session.lock()
    finally:
        vault.close()


def new_line(data_dir: Path) -> str:
    """A fresh line; returns the coordinator's account UUID, the vault closed."""
    vault, session = Vault.create(
        data_dir, "Reliability Line", "Alex", PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    account = session.account.uuid
    vault.close()
    return account


def restore(template: Path, data_dir: Path) -> None:
    """Put back a pristine copy of a line (for jobs that finished and must run again)."""
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(template, data_dir)


def doubled(texts: list[str]) -> list[str]:
    """Texts stored more than once (one save landing twice, under two UUIDs)."""
    seen: set[str] = set()
    return [t for t in texts if t in seen or seen.add(t)]  # type: ignore[func-returns-value]
