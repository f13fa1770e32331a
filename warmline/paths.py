"""Where a line's data lives: the user's data folder, unless a flag or variable says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "WARMLINE_DATA_DIR"
VAULT_FILENAME = "warmline.db"
LOCK_FILENAME = "warmline.lock"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("Warmline", appauthor=False, roaming=False))


def resolve_data_dir(flag: str | os.PathLike[str] | None = None) -> Path:
    """The command-line flag wins, then ``WARMLINE_DATA_DIR``, then the platform default."""
    if flag:
        return Path(flag).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def ensure_private_dir(path: Path) -> None:
    """Create the data folder readable by its owner only (0700), tightening an existing one."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
