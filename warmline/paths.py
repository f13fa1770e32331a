"""Where a line's data lives: the user's data folder, unless a flag or variable says otherwise.

A folder someone names with ``--data-dir`` or ``WARMLINE_DATA_DIR`` is used only if it is
new, empty, or already Warmline's. A folder of other files (a home folder, Documents, a
typo) is refused before anything touches it: Warmline would otherwise close its
permissions to 0700 and write a database and a lock file among someone's own files.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path

import platformdirs

from warmline.errors import NotAWarmlineFolder

ENV_DATA_DIR = "WARMLINE_DATA_DIR"
VAULT_FILENAME = "warmline.db"
LOCK_FILENAME = "warmline.lock"
DEMO_FOLDER = "demo"

#: What Warmline itself keeps in a data folder (the default one may also hold the demo).
_OWN_NAMES = (
    VAULT_FILENAME,
    f"{VAULT_FILENAME}-*",  # -wal, -shm, -journal
    LOCK_FILENAME,
    "warmline-*.sock",  # the single-instance socket, when no runtime folder is private
    DEMO_FOLDER,
)


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


def folder_refusal(path: Path) -> str | None:
    """Why ``path`` must not be used as a data folder, or None if it may.

    Fine: missing, empty, or holding only what Warmline keeps there. Refused: a file, or a
    folder with anything else in it.
    """
    path = Path(path)
    if not path.exists():
        return None
    if not path.is_dir():
        return str(NotAWarmlineFolder(str(path), is_file=True))
    try:
        names = [entry.name for entry in os.scandir(path)]
    except OSError:
        return str(NotAWarmlineFolder(str(path)))
    foreign = [n for n in names if not any(fnmatchcase(n, own) for own in _OWN_NAMES)]
    if foreign and VAULT_FILENAME not in names and LOCK_FILENAME not in names:
        return str(NotAWarmlineFolder(str(path)))
    return None


def ensure_private_dir(path: Path) -> None:
    """Create the data folder readable by its owner only (0700), tightening an existing one
    of ours; a folder of other files is refused untouched (see :func:`folder_refusal`)."""
    refusal = folder_refusal(path)
    if refusal is not None:
        raise NotAWarmlineFolder(str(path), is_file=not Path(path).is_dir())
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
