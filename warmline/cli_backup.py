"""``warmline backup | verify-backup | restore``: backups from a terminal or a script.

No Qt is loaded for these commands (the entry point hands them over before it imports
PySide6), so they run on a server or over SSH, and beside a running app.

The backup passphrase is never an argument or an environment variable (both leak into
process lists and shell history). On a terminal it is asked for without echo; in a script,
standard input gives it, one line.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from warmline import backup as backupmod
from warmline.crypto import KdfParams
from warmline.errors import (
    BackupDamaged,
    BackupFromNewerVersion,
    BackupWrongPassphrase,
    InvalidInput,
    NotABackup,
    NotAWarmlineFolder,
    RestoreFolderNotEmpty,
    VaultCorrupt,
    VaultFromNewerVersion,
    VaultMissing,
    WarmlineError,
)
from warmline.paths import ENV_DATA_DIR, default_data_dir, folder_refusal, resolve_data_dir
from warmline.vault import default_kdf_factory

COMMANDS = ("backup", "verify-backup", "restore")

EXIT_OK = 0
EXIT_FAILED = 1  # could not be done (a folder that cannot be written, a full disk…)
EXIT_USAGE = 2  # a mistake in what was asked: options, a missing file, a weak passphrase
EXIT_WRONG_PASSPHRASE = 3
EXIT_DAMAGED = 4  # not a backup, damaged, changed, cut short, or from a newer Warmline
EXIT_FOLDER = 5  # the data folder: no line to back up, or not new and empty for a restore
EXIT_INTERRUPTED = 130

_EXIT_CODES = f"""\
exit status:
  {EXIT_OK}  done
  {EXIT_FAILED}  could not be finished (the backup folder cannot be written, the disk is full)
  {EXIT_USAGE}  a mistake in the command: options, a missing file, a passphrase too easy
     to guess, or the two passphrases typed differ
  {EXIT_WRONG_PASSPHRASE}  wrong passphrase for this backup
  {EXIT_DAMAGED}  the file is not a Warmline backup, or it is damaged, changed or cut short
  {EXIT_FOLDER}  the data folder: no line there to back up, or (restore) it already holds data

The backup passphrase is asked for on the terminal. In a script, give it on standard
input as one line (backup asks for it twice only on a terminal). It is never taken from
an argument or an environment variable.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="warmline",
        description="Encrypted backups of a Warmline line.",
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_help = f"the line's data folder (default: ${ENV_DATA_DIR} or {default_data_dir()})"

    make = sub.add_parser(
        "backup",
        help="back the line up into a folder, sealed with a backup passphrase",
        description="Back the line up into DIR (a USB stick, say), sealed with a backup\n"
        "passphrase of its own. Works while Warmline is open; needs no member's passphrase.",
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    make.add_argument("--to", required=True, metavar="DIR", help="folder to put the backup in")
    make.add_argument("--data-dir", metavar="D", help=data_help)
    make.add_argument(
        "--keep",
        type=int,
        default=backupmod.DEFAULT_KEEP,
        metavar="N",
        help=f"keep this line's newest N backups in DIR, delete older ones "
        f"(default {backupmod.DEFAULT_KEEP}; 0 keeps them all)",
    )

    check = sub.add_parser(
        "verify-backup",
        help="check every part of a backup without writing anything",
        description="Check that FILE opens with its passphrase and that no part of it was\n"
        "changed, reordered or cut. Nothing is written.",
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("file", metavar="FILE")

    put = sub.add_parser(
        "restore",
        help="check a backup whole, then put it into a new data folder",
        description="Check every part of FILE, then write its line into DIR, which must be\n"
        "new or empty. Nothing is written if any check fails.",
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    put.add_argument("file", metavar="FILE")
    put.add_argument("--data-dir", required=True, metavar="DIR", help="a new or empty folder")
    return parser


class Terminal:
    """Passphrases in, progress and messages out; a seam for the tests."""

    def __init__(self, stdin: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.stderr = stderr or sys.stderr
        self._shown = False

    def interactive(self) -> bool:
        return self.stdin.isatty()

    def passphrase(self, prompt: str, *, confirm: bool = False) -> str:
        if self.interactive():
            first = getpass.getpass(prompt, stream=self.stderr)
            if confirm and getpass.getpass("Type it again: ", stream=self.stderr) != first:
                raise InvalidInput("The two passphrases typed were not the same. Nothing was done.")
            return first
        line = self.stdin.readline()
        if not line:
            raise InvalidInput("No passphrase was given on standard input. Nothing was done.")
        return line.rstrip("\r\n")

    def progress(self, stage: str, done: int, total: int) -> None:
        if not self.stderr.isatty() or total <= 0:
            return
        words = {"copying": "Copying", "sealing": "Sealing", "checking": "Checking",
                 "writing": "Writing"}.get(stage, stage)  # fmt: skip
        self.stderr.write(f"\r{words}… {100 * done // total:3d}%   ")
        self.stderr.flush()
        self._shown = True

    def end_progress(self) -> None:
        if self._shown:
            self.stderr.write("\r" + " " * 24 + "\r")
            self.stderr.flush()
            self._shown = False

    def error(self, text: str) -> None:
        self.end_progress()
        print(f"warmline: {text}", file=self.stderr)


def _summary(contents: backupmod.Contents) -> str:
    return f"{contents.records:,} records ({contents.calls:,} calls)"


def _backup(args: argparse.Namespace, term: Terminal, kdf: Callable[[], KdfParams]) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    refusal = folder_refusal(data_dir)
    if refusal is not None:
        raise NotAWarmlineFolder(str(data_dir), is_file=not data_dir.is_dir())
    line_name = backupmod.line_name_of(data_dir)
    passphrase = term.passphrase("New backup passphrase: ", confirm=term.interactive())
    backupmod.check_backup_passphrase(passphrase, line_name)
    key = backupmod.BackupKey.from_passphrase(passphrase, kdf)
    try:
        result = backupmod.make_backup(
            data_dir, Path(args.to), key, keep=args.keep or None, progress=term.progress
        )
    finally:
        key.wipe()
    term.end_progress()
    print(f"Backed up {_summary(result.contents)} to {result.path}")
    if result.removed:
        print(f"Removed {len(result.removed)} older backup(s), keeping the newest {args.keep}.")
    return EXIT_OK


def _existing_file(name: str) -> Path:
    path = Path(name).expanduser()
    if not path.is_file():
        raise InvalidInput(f"There is no file at {path}.")
    return path


def _verify(args: argparse.Namespace, term: Terminal) -> int:
    path = _existing_file(args.file)
    passphrase = term.passphrase("Backup passphrase: ")
    result = backupmod.verify(path, passphrase, progress=term.progress)
    term.end_progress()
    print(
        f"The backup is whole: {_summary(result.contents)} of the line "
        f"“{result.contents.line_name}”. Nothing was written."
    )
    return EXIT_OK


def _restore(args: argparse.Namespace, term: Terminal) -> int:
    path = _existing_file(args.file)
    data_dir = Path(args.data_dir).expanduser().resolve()
    passphrase = term.passphrase("Backup passphrase: ")
    result = backupmod.restore(path, passphrase, data_dir, progress=term.progress)
    term.end_progress()
    print(
        f"Restored {_summary(result.contents)} of the line “{result.contents.line_name}” "
        f"into {data_dir}. Open it with: warmline --data-dir {data_dir}"
    )
    return EXIT_OK


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, BackupWrongPassphrase):
        return EXIT_WRONG_PASSPHRASE
    if isinstance(error, BackupDamaged | NotABackup | BackupFromNewerVersion):
        return EXIT_DAMAGED
    if isinstance(
        error,
        RestoreFolderNotEmpty | NotAWarmlineFolder | VaultMissing | VaultCorrupt
        | VaultFromNewerVersion,
    ):  # fmt: skip
        return EXIT_FOLDER
    if isinstance(error, InvalidInput):
        return EXIT_USAGE
    return EXIT_FAILED


def main(
    argv: Sequence[str],
    *,
    kdf_factory: Callable[[], KdfParams] | None = None,
    terminal: Terminal | None = None,
) -> int:
    """Run one backup command; returns the exit status (see ``--help``)."""
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit as exc:  # --help (0) or a usage mistake (2)
        return int(exc.code or 0)
    term = terminal or Terminal()
    try:
        if args.command == "backup":
            return _backup(args, term, kdf_factory or default_kdf_factory)
        if args.command == "verify-backup":
            return _verify(args, term)
        return _restore(args, term)
    except WarmlineError as error:
        term.error(str(error))
        return exit_code_for(error)
    except KeyboardInterrupt:
        term.error("Stopped. Nothing was written.")
        return EXIT_INTERRUPTED
