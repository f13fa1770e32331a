"""Automatic backups when a shift ends: the setting, sealed with the team key.

A coordinator switches them on with a folder, how many to keep and a backup passphrase. The
passphrase itself is never stored: what is kept is the key Argon2id made from it (and the
parameters it used), sealed like every team setting. Trade-off, written down in
docs/architecture.md: every member holds the team key, so whoever is on the team could make
and open backups with it, which is no more than they can do with the data folder itself;
the passphrase stays known only to whoever chose it, and typing it opens the backups on any
computer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warmline.backup import BackupKey, check_backup_passphrase
from warmline.crypto import KdfParams, Key
from warmline.errors import WeakKdfParameters
from warmline.session import Session

SETTING = "automatic_backup"


@dataclass
class AutoBackup:
    folder: Path
    keep: int
    key: BackupKey


def switch_on(session: Session, folder: Path, keep: int, passphrase: str) -> AutoBackup:
    """Keep the backup key (not the passphrase) sealed in team settings (coordinators)."""
    check_backup_passphrase(passphrase)
    key = BackupKey.from_passphrase(passphrase, session.kdf_factory)
    session.settings.set(
        SETTING,
        {
            "folder": str(folder),
            "keep": int(keep),
            "kdf": key.kdf.to_json(),
            "key": base64.b64encode(key.kek.material()).decode(),
            "key_id": base64.b64encode(key.kek.key_id).decode(),
        },
    )
    return AutoBackup(Path(folder), int(keep), key)


def switch_off(session: Session) -> None:
    session.settings.set(SETTING, None)


def load(session: Session) -> AutoBackup | None:
    """The setting, or None when it is off (or unreadable: then it is off, never half-on)."""
    value: Any = session.settings.get(SETTING)
    if not isinstance(value, dict):
        return None
    try:
        kdf = KdfParams.from_json(str(value["kdf"]))
        kek = Key(base64.b64decode(value["key"]), base64.b64decode(value["key_id"]))
        return AutoBackup(Path(str(value["folder"])), max(1, int(value["keep"])),
                          BackupKey(kdf, kek))  # fmt: skip
    except (KeyError, TypeError, ValueError, WeakKdfParameters):
        return None
