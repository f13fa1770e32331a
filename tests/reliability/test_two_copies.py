"""Two copies and two people.

* Two processes on one data folder: while one has it open, a second is refused by the folder
  lock with a plain message, and the file is untouched; once the first is killed outright
  (SIGKILL, no chance to let go), the lock goes with it and the folder opens again.
* Two people editing one record in one process (a shared workstation, two sessions): saves
  race in random order. The loser of each race gets Conflict, keeps their text, reopens the
  record and saves again; at the end every text that anyone saved is in the record or its
  history, in order: nothing lost, nothing overwritten unseen.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from tests.reliability.helpers import PASSPHRASE, fork_context, new_line
from warmline import crypto
from warmline.accounts import Role
from warmline.calls import Call
from warmline.errors import Conflict, VaultInUse
from warmline.handovers import Handover
from warmline.vault import Vault

ROUNDS = 150


def hold_open(conn: Connection, data_dir: str) -> None:
    """TEST-ONLY child: open the folder and wait to be killed."""
    crypto.allow_cheap_kdf_for_tests()
    vault = Vault.open(Path(data_dir), kdf_factory=crypto.cheap_test_params)
    conn.send_bytes(b"READY")
    conn.recv_bytes()  # never comes: the parent kills us
    vault.close()


@pytest.mark.slow
def test_a_second_process_is_refused_plainly_until_the_first_is_gone(tmp_path: Path) -> None:
    data_dir = tmp_path / "line"
    new_line(data_dir)
    ctx = fork_context()
    parent_end, child_end = ctx.Pipe()
    holder = ctx.Process(target=hold_open, args=(child_end, str(data_dir)), daemon=True)
    holder.start()
    try:
        assert parent_end.poll(60) and parent_end.recv_bytes() == b"READY"
        before = hashlib.sha256((data_dir / "warmline.db").read_bytes()).hexdigest()
        with pytest.raises(VaultInUse) as refused:
            Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
        assert "already open on this workstation" in str(refused.value)
        after = hashlib.sha256((data_dir / "warmline.db").read_bytes()).hexdigest()
        assert after == before
    finally:
        holder.kill()
        holder.join(30)
    Vault.open(data_dir, kdf_factory=crypto.cheap_test_params).close()  # the lock went with it


@pytest.mark.parametrize("kind", ["call", "handover"])
def test_racing_edits_lose_nothing(tmp_path: Path, kind: str) -> None:
    data_dir = tmp_path / "line"
    new_line(data_dir)
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        alex = vault.unlock(vault.accounts()[0].uuid, PASSPHRASE)
        sam_account = alex.team.add_account("Sam", "sam's own passphrase", Role.VOLUNTEER)
        sam = vault.unlock(sam_account.uuid, "sam's own passphrase")
        field = "connection" if kind == "call" else "how_it_was"
        repos = {
            "alex": alex.calls if kind == "call" else alex.handovers,
            "sam": sam.calls if kind == "call" else sam.handovers,
        }
        first = repos["alex"].add(Call(connection="start") if kind == "call"
                                  else Handover(how_it_was="start"))  # fmt: skip
        held = {who: repo.get(first.uuid) for who, repo in repos.items()}
        saved_in_order = ["start"]
        conflicts = 0
        rng = random.Random(kind)
        for round_ in range(ROUNDS):
            who = rng.choice(["alex", "sam"])
            if rng.random() < 0.3:  # this person reopens the record before typing
                held[who] = repos[who].get(first.uuid)
            text = f"{who} {round_}"
            try:
                held[who] = repos[who].update(replace(held[who], **{field: text}))
            except Conflict:
                conflicts += 1
                # The text is kept on screen; reopen, then add it again.
                held[who] = repos[who].update(replace(repos[who].get(first.uuid), **{field: text}))
            saved_in_order.append(text)
        current = repos["alex"].get(first.uuid)
        history = [getattr(r, field) for r in repos["alex"].history(first.uuid)]
        assert [*history, getattr(current, field)] == saved_in_order
        assert conflicts > ROUNDS // 10  # the races really happened
    finally:
        vault.close()
