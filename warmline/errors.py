"""Every failure a person may meet gets its own type and a message they can read.

Screens show ``str(error)`` as it is, so each message is written for a volunteer, not a
developer: what happened, whether anything was lost, and what to do next.
"""

from __future__ import annotations


class WarmlineError(Exception):
    """Base of all errors the core raises on purpose.

    ``routine`` marks what happens in ordinary use (a mistyped passphrase, a name already
    taken): the screen says so and the person goes on, so logs keep quiet about it rather
    than reporting an error on the terminal.
    """

    routine: bool = False


class WrongPassphrase(WarmlineError):
    routine = True

    def __init__(self) -> None:
        super().__init__("That is not the passphrase for this name. Please check it and try again.")


class UnknownAccount(WarmlineError):
    def __init__(self) -> None:
        super().__init__("There is no account with that name on this workstation.")


class AccountDisabled(WarmlineError):
    routine = True

    def __init__(self) -> None:
        super().__init__(
            "This account has been switched off. Please ask a coordinator to switch it back on."
        )


class NotAllowed(WarmlineError):
    """The unlocked person's role does not cover this action."""

    routine = True


class Locked(WarmlineError):
    def __init__(self) -> None:
        super().__init__("Warmline is locked. Please unlock it to go on.")


class WeakKdfParameters(WarmlineError):
    def __init__(self) -> None:
        super().__init__(
            "This account is protected more weakly than Warmline allows, so it will not be "
            "opened. The file may have been altered outside Warmline."
        )


class Tampered(WarmlineError):
    """A sealed blob failed to open: it was altered, moved, or belongs to someone else."""

    def __init__(self, what: str = "A record") -> None:
        super().__init__(
            f"{what} could not be opened: it looks damaged or changed outside Warmline. "
            "Everything else is still available."
        )


class VaultCorrupt(WarmlineError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"The Warmline file at {path} is damaged or incomplete, so it was not opened. "
            "It has not been changed. Please restore it from a backup, or ask a coordinator."
        )


class VaultFromNewerVersion(WarmlineError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"This Warmline file was written by a newer version of Warmline (format {found}; "
            f"this copy understands up to {supported}). Please update Warmline to open it. "
            "The file has not been changed."
        )


class VaultInUse(WarmlineError):
    def __init__(self) -> None:
        super().__init__(
            "Warmline is already open on this workstation with the same data. "
            "Please switch to that window."
        )


class VaultMissing(WarmlineError):
    def __init__(self, path: str) -> None:
        super().__init__(f"There is no Warmline data at {path} yet.")


class VaultExists(WarmlineError):
    def __init__(self, path: str) -> None:
        super().__init__(f"There is already Warmline data at {path}; it was left as it is.")


class NotAWarmlineFolder(WarmlineError):
    """A data folder was named that holds someone's other files (or is a file)."""

    def __init__(self, path: str, *, is_file: bool = False) -> None:
        if is_file:
            super().__init__(
                f"{path} is a file, not a folder, so Warmline cannot keep its data there. "
                "Please choose a new or empty folder."
            )
        else:
            super().__init__(
                f"The folder {path} already holds other files and is not a Warmline folder, "
                "so Warmline left it exactly as it was. Please choose a new or empty folder "
                "for Warmline's data."
            )


class FolderNotPrivate(WarmlineError):
    """The data folder or one of its files could not be closed to other people."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"Warmline could not make {path} private to you ({reason}), so it has not opened "
            "it: other people on this computer might be able to read it. Please move the "
            "folder somewhere of your own, or ask whoever looks after this computer to give it "
            "to you."
        )


class Conflict(WarmlineError):
    """Someone saved the same record after you opened it."""

    routine = True

    def __init__(self) -> None:
        super().__init__(
            "Someone else saved this record after you opened it. Your text is kept: "
            "reopen the record to see their changes, then add yours."
        )


class NotFound(WarmlineError):
    def __init__(self, what: str = "That record") -> None:
        super().__init__(f"{what} could not be found. It may have been deleted.")


class StorageFull(WarmlineError):
    def __init__(self) -> None:
        super().__init__(
            "The disk is full, so this could not be saved. Nothing already saved was lost. "
            "Free some space and try again; your text is still on screen."
        )


class NotEnoughSpace(WarmlineError):
    """Too little free disk space to start work that rewrites stored records."""

    def __init__(self, needed_mb: int) -> None:
        super().__init__(
            f"There is not enough free space on this computer to bring older notes up to "
            f"date (about {needed_mb} MB is needed). Nothing was changed. Free some space; "
            "Warmline tries again the next time it is unlocked."
        )


class InvalidInput(WarmlineError):
    """Something typed does not fit (an empty name, a too-short passphrase)."""

    routine = True


class NewerFormat(Tampered):
    """A sealed blob written by a newer Warmline: not damaged, just not understood here."""

    def __init__(self, what: str = "A record") -> None:
        WarmlineError.__init__(
            self,
            f"{what} was made by a newer Warmline and cannot be opened by this one. "
            "Please update Warmline on this computer; nothing has been changed.",
        )


# --- backups (warmline/backup.py) -------------------------------------------------------------


class BackupWrongPassphrase(WarmlineError):
    routine = True

    def __init__(self) -> None:
        super().__init__(
            "That is not the passphrase for this backup. Please check it and try again. "
            "Nothing was written."
        )


class BackupDamaged(WarmlineError):
    """A backup that fails its checks: changed, cut short, reordered or not finished."""

    def __init__(self, path: str, where: str = "") -> None:
        detail = f" ({where})" if where else ""
        super().__init__(
            f"The backup {path} is damaged or was changed after it was made{detail}, so it "
            "was not used. Nothing was written. Please try another copy of the backup."
        )


class NotABackup(WarmlineError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path} is not a Warmline backup, so nothing was read from it or written. "
            "Please choose a file Warmline made with “Back up”."
        )


class BackupFromNewerVersion(WarmlineError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"The backup {path} was made by a newer version of Warmline. Please update "
            "Warmline to use it. Nothing was written."
        )


class RestoreFolderNotEmpty(WarmlineError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"The folder {path} already holds Warmline data, so the backup was not put there "
            "and nothing was changed. Please choose a new, empty folder."
        )


class BackupNotWritten(WarmlineError):
    """The backup folder could not take the file (missing, read-only, full, removed)."""

    def __init__(self, folder: str) -> None:
        super().__init__(
            f"The backup could not be written to {folder}. Is the stick or disk still "
            "there, with free space? Nothing in Warmline was changed; please try again."
        )
