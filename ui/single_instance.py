"""One running copy per data folder.

The first copy listens on a local socket named after the data folder. A second launch on
the same folder connects, asks the first to come to the front, and exits with a message.
The core's folder lock (``warmline.vault``) stays the real guard: this is only courtesy.

Where the socket lives matters: under a guessable name in a shared temporary folder, another
local account could take the name first and receive the "come to the front" knock, or
leave a socket there that a second launch talks to. So on Linux and macOS the socket is a
file in a folder only this person can enter: the per-user runtime folder
(``$XDG_RUNTIME_DIR/Warmline`` on Linux), checked to be a real folder owned by this user
and closed to everyone else, or, failing that, the data folder itself (0700 already). On
Windows it is a named pipe restricted to this user (``UserAccessOption``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import warnings
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_RAISE = b"raise\n"
#: Unix socket paths must fit in sockaddr_un (104 bytes on macOS, 108 on Linux).
_MAX_SOCKET_PATH = 100


def _digest(data_dir: Path) -> str:
    return hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]


def _private_folder(folder: Path) -> bool:
    """Make ``folder`` (0700) if missing; True only if it is a real folder of ours that no
    one else can enter. A folder of ours that is too open is closed; anyone else's is not
    used at all."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(folder, 0o700)
            info = folder.lstat()
        return stat.S_IMODE(info.st_mode) & 0o077 == 0
    except OSError:
        return False


def _runtime_folder() -> Path | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when it falls back; we check
        try:
            return Path(platformdirs.user_runtime_dir("Warmline", appauthor=False))
        except OSError:
            return None


def server_name(data_dir: Path) -> str:
    """The socket path (Linux, macOS) or pipe name (Windows) for ``data_dir``.

    Empty if no private folder could be found: then no socket is made at all.
    """
    digest = _digest(data_dir)
    if os.name != "posix":
        user = os.environ.get("USERNAME") or os.environ.get("USER") or "user"
        return f"warmline-{user}-{digest}"
    for folder in (_runtime_folder(), Path(data_dir)):
        if folder is None:
            continue
        path = folder / f"warmline-{digest}.sock"
        if len(str(path)) <= _MAX_SOCKET_PATH and _private_folder(folder):
            return str(path)
    return ""


class SingleInstance(QObject):
    """``claim()`` returns True for the first copy; later copies ask it to show itself."""

    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self._server: QLocalServer | None = None

    def claim(self, timeout_ms: int = 500) -> bool:
        if not self.name:
            return True  # nowhere private to listen; the vault's folder lock still guards
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(timeout_ms):
            socket.write(_RAISE)
            socket.waitForBytesWritten(timeout_ms)
            socket.disconnectFromServer()
            return False
        # No one answered: a socket left by a crashed copy is stale, so remove it.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            return True  # cannot listen (unusual); the vault's folder lock still guards
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        """Read the one short message synchronously: no per-socket callbacks to outlive us."""
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            arrived = socket.bytesAvailable() > 0 or socket.waitForReadyRead(500)
            if arrived and bytes(socket.readAll().data()).startswith(_RAISE.strip()):
                self.raise_requested.emit()
            socket.disconnectFromServer()
            socket.deleteLater()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
            if os.name == "posix":  # Qt removes it too; make sure nothing is left behind
                with contextlib.suppress(OSError):
                    Path(self.name).unlink()
