"""Full disk: a child whose files may grow only a little (RLIMIT_FSIZE, with SIGXFSZ ignored
so writes fail with EFBIG as on a full quota) tries to save every kind of record. Each save
that does not fit is refused with StorageFull, the plain "the disk is full" message; the
vault stays whole with everything saved before; once there is room again, saving works.

The call form's side (the text stays on screen and in the draft) is in
tests/ui/test_full_disk_form.py.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.reliability import kill_targets
from tests.reliability.helpers import PASSPHRASE, kill_at_random, new_line, opened

pytestmark = pytest.mark.slow

KINDS = ("call", "handover", "reflection", "draft")


@pytest.mark.parametrize("room", [0, 4096, 40_000, 160_000])
def test_a_full_disk_refuses_plainly_and_keeps_the_vault_whole(tmp_path: Path, room: int) -> None:
    data_dir = tmp_path / "line"
    account = new_line(data_dir)
    result = kill_at_random(
        kill_targets.full_disk, (str(data_dir), account, PASSPHRASE, room),
        random.Random(0), max_delay_s=60,
    )  # fmt: skip
    assert result.finished, result.reports
    saved = {kind: uuid for what, kind, uuid in result.reports if what == "SAVED"}
    refused = {kind: error for what, kind, error in result.reports if what == "REFUSED"}
    again = {kind: uuid for what, kind, uuid in result.reports if what == "AGAIN"}
    assert set(saved) == set(again) == set(KINDS)
    assert refused and set(refused.values()) == {"StorageFull"}, refused
    with opened(data_dir, account) as session:
        for kind, uuid in (*saved.items(), *again.items()):
            repo = {"call": session.calls, "handover": session.handovers,
                    "reflection": session.debriefs, "draft": session.drafts}[kind]  # fmt: skip
            assert not repo.get(uuid).damaged
        assert session.audit.verify().ok


@pytest.mark.parametrize("number", ["ENOSPC", "EFBIG", "EDQUOT"])
def test_every_kind_of_no_room_reads_as_a_full_disk(number: str) -> None:
    """Python's own writes (a file saved next to the vault) meet these as OSError."""
    import errno

    from warmline.db import DatabaseErrorMapper
    from warmline.errors import StorageFull

    error = OSError(getattr(errno, number), "no room")
    assert isinstance(DatabaseErrorMapper.map(error, "/x"), StorageFull)
