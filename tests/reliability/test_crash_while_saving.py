"""Crash while saving: a child saving calls, handovers, reflections, drafts and shifts is
SIGKILLed at random moments; after every kill the vault opens, SQLite finds the file whole,
every record the child reported saved is there with exactly the text it saved, nothing is
half-written or doubled, and the record of activity still checks.

The counts are constants (docs/reliability.md quotes them); together with the key rotation,
format migration and retention cases in test_crash_while_resealing.py they make well over
the 300 kills issue 14 asks for.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.reliability import kill_targets
from tests.reliability.helpers import (
    PASSPHRASE,
    digest,
    doubled,
    is_whole,
    kill_at_random,
    new_line,
    opened,
    seq_of,
)
from warmline.session import Session

pytestmark = pytest.mark.slow

#: Kills of the saving loop (each one a fresh child, a random moment, a full check).
SAVING_KILLS = 130
#: The longest a child runs after it is ready; most kills land mid-write.
MAX_DELAY_S = 0.25


def texts_by_uuid(session: Session) -> dict[str, dict[str, str]]:
    """Every stored record's text, by kind and UUID; a damaged one fails the test."""
    found: dict[str, dict[str, str]] = {}
    kinds = {
        "call": (session.calls.select(), lambda r: r.connection),
        "handover": (session.handovers.all(), lambda r: r.how_it_was),
        "reflection": (session.debriefs.mine(), lambda r: r.note_to_self),
        "draft": (session.drafts.mine(), lambda r: r.fields.get("worldview", "")),
    }
    for kind, (records, text_of) in kinds.items():
        damaged = [r.uuid for r in records if r.damaged]
        assert not damaged, f"{kind} records damaged by a kill: {damaged}"
        found[kind] = {r.uuid: text_of(r) for r in records}
    found["shift"] = {s.uuid: "" for s in session.shifts.select()}
    return found


def check_after_kill(session: Session, reported: dict[tuple[str, str], tuple[str, int]]) -> None:
    stored = texts_by_uuid(session)
    for (kind, uuid), (sha, seq) in reported.items():
        assert uuid in stored[kind], f"a {kind} reported saved is missing"
        if kind == "shift":
            continue
        text = stored[kind][uuid]
        # The reported text, or a later edit that landed just before the kill (whole).
        assert digest(text) == sha or (is_whole(text) and seq_of(text) > seq), (kind, uuid)
    for kind in ("call", "handover", "reflection", "draft"):
        texts = list(stored[kind].values())
        assert all(is_whole(t) for t in texts), f"a half-written {kind}"
        assert not doubled(texts), f"a {kind} saved twice"
    assert session.audit.verify().ok


def test_saving_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    data_dir = tmp_path / "line"
    account = new_line(data_dir)
    rng = random.Random(1414)
    reported: dict[tuple[str, str], tuple[str, int]] = {}
    saves = 0
    for run in range(SAVING_KILLS):
        result = kill_at_random(
            kill_targets.save_loop,
            (str(data_dir), account, PASSPHRASE, f"run{run}", rng.randrange(1 << 30)),
            rng,
            MAX_DELAY_S,
        )
        for kind, uuid, sha, seq in result.reports:
            reported[(kind, uuid)] = (sha, int(seq))
        saves += len(result.reports)
        with opened(data_dir, account) as session:
            check_after_kill(session, reported)
    print(f"figures: saving: {SAVING_KILLS} kills, {saves} saves reported, "
          f"{len(reported)} records checked after every kill, none lost")  # fmt: skip
    assert saves > SAVING_KILLS  # the kills really did land among saves
    assert {kind for kind, _ in reported} == {"call", "handover", "reflection", "draft", "shift"}
