"""Automatic backups: the key kept sealed, never the passphrase; any member's shift end can
use it; only a coordinator switches it on."""

from __future__ import annotations

from pathlib import Path

import pytest
from backup_support import BACKUP_PASSPHRASE

from warmline import auto_backup
from warmline.accounts import Role
from warmline.backup import make_backup, verify
from warmline.errors import InvalidInput, NotAllowed
from warmline.session import Session
from warmline.vault import Vault


def test_the_kept_key_makes_backups_the_passphrase_opens(
    vault: Vault, session: Session, tmp_path: Path
) -> None:
    stick = tmp_path / "stick-with-a-findable-name"
    stick.mkdir()
    assert auto_backup.load(session) is None
    auto_backup.switch_on(session, stick, 3, BACKUP_PASSPHRASE)

    sam = session.team.add_account("Sam", "sams own passphrase", Role.VOLUNTEER)
    volunteer = vault.unlock(sam.uuid, "sams own passphrase")
    setting = auto_backup.load(volunteer)  # a volunteer ending a shift can use it
    assert setting is not None and setting.folder == stick and setting.keep == 3
    made = make_backup(vault.data_dir, setting.folder, setting.key, keep=setting.keep)
    assert verify(made.path, BACKUP_PASSPHRASE).records == made.records

    files = [vault.path, Path(str(vault.path) + "-wal")]
    stored = b"".join(p.read_bytes() for p in files if p.exists())
    assert b"stick-with-a-findable-name" not in stored  # sealed like every team setting
    assert BACKUP_PASSPHRASE.encode() not in stored

    with pytest.raises(NotAllowed):
        auto_backup.switch_on(volunteer, stick, 3, BACKUP_PASSPHRASE)
    with pytest.raises(InvalidInput):
        auto_backup.switch_on(session, stick, 3, "backup1")
    auto_backup.switch_off(session)
    assert auto_backup.load(volunteer) is None
