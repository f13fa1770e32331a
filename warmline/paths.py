"""Where a line's data lives: the user's data folder, unless a flag or variable says otherwise.

A folder someone names with ``--data-dir`` or ``WARMLINE_DATA_DIR`` is used only if it is
new, empty, or already Warmline's. A folder of other files (a home folder, Documents, a
typo) is refused before anything touches it: Warmline would otherwise close its
permissions to 0700 and write a database and a lock file among someone's own files.
"""

from __future__ import annotations

import os
import stat
from fnmatch import fnmatchcase
from pathlib import Path

import platformdirs

from warmline.errors import FolderNotPrivate, NotAWarmlineFolder

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
    foreign = [n for n in names if not _is_own(n)]
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
    make_private(path)


def make_private(path: Path) -> None:
    """Close a data folder to everyone but its owner: 0700 on it, 0600 on Warmline's files.

    Run on every open, not only on creation: a folder copied back from a backup, or unpacked
    from an archive, usually arrives readable by everyone (0755 and 0644). Raises
    :class:`FolderNotPrivate` when that cannot be done (a folder owned by someone else, a
    file system without permissions), so the person hears why rather than a bare OS error.
    """
    if os.name != "posix":
        return
    path = Path(path)
    targets = [(path, 0o700)]
    for entry in os.scandir(path):
        if entry.is_file(follow_symlinks=False) and _is_own(entry.name):
            targets.append((Path(entry.path), 0o600))
    for target, mode in targets:
        try:
            if stat.S_IMODE(os.stat(target).st_mode) != mode:
                os.chmod(target, mode)
        except OSError as exc:
            raise FolderNotPrivate(str(target), exc.strerror or str(exc)) from exc


def _is_own(name: str) -> bool:
    return any(fnmatchcase(name, own) for own in _OWN_NAMES)
