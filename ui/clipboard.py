"""A clipboard that cleans up after itself without destroying the user's own copies.

When the app locks, anything it put on the clipboard (an alias, a line of a note) should not
stay there for the next person at the workstation. But if the user has since copied something
else, that is theirs and must survive. So, like KeePassXC, :class:`SafeClipboard` remembers
what it put there and clears the clipboard only if it still holds exactly that.

It remembers a keyed digest of the text, not the text, so the helper itself keeps no copy of
note text alive after a lock. It also marks the copy as sensitive for clipboard managers that
honour the hints password managers use, so caller details are not written into a clipboard
history on disk (a hint only; a manager may ignore it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sys

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QClipboard, QGuiApplication

_WINDOWS_FORMAT = 'application/x-qt-windows-mime;value="{}"'
# Per platform, the MIME formats clipboard managers read as "do not keep this".
_SENSITIVE_HINTS: dict[str, tuple[tuple[str, bytes], ...]] = {
    "linux": (("x-kde-passwordManagerHint", b"secret"),),
    "win32": (
        (_WINDOWS_FORMAT.format("ExcludeClipboardContentFromMonitorProcessing"), b"1"),
        (_WINDOWS_FORMAT.format("CanIncludeInClipboardHistory"), b"\x00\x00\x00\x00"),
    ),
    "darwin": (("application/x-nspasteboard-concealed-type", b"secret"),),
}


class SafeClipboard(QObject):
    """Copy text, and later clear the clipboard only if it still holds that text."""

    def __init__(self, clipboard: QClipboard | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clipboard = clipboard or QGuiApplication.clipboard()
        self._key = secrets.token_bytes(32)  # per instance: digests are useless elsewhere
        self._ours: bytes | None = None

    def copy(self, text: str, sensitive: bool = True) -> None:
        """Put ``text`` on the clipboard and remember that it was us.

        ``sensitive`` adds the platform's "do not keep in history" hint; keep it on for
        anything a person typed about a caller.
        """
        mime = QMimeData()
        mime.setText(text)
        if sensitive:
            for fmt, value in _SENSITIVE_HINTS.get(_platform_key(), ()):
                mime.setData(fmt, value)
        self._clipboard.setMimeData(mime, QClipboard.Mode.Clipboard)
        self._ours = self._digest(text)

    def holds_ours(self) -> bool:
        """True if the clipboard still holds exactly the text we last copied."""
        if self._ours is None:
            return False
        return hmac.compare_digest(self._digest(self._clipboard.text()), self._ours)

    def clear_if_ours(self) -> bool:
        """Clear the clipboard if it still holds our text (used on lock and at quit).

        Returns whether it cleared. Either way we forget our text: once the user has copied
        something else, a later clear must not touch the clipboard.
        """
        ours = self.holds_ours()
        self._ours = None
        if ours:
            self._clipboard.clear(QClipboard.Mode.Clipboard)
        return ours

    def _digest(self, text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8"), key=self._key, digest_size=32).digest()


def _platform_key() -> str:
    if sys.platform.startswith("linux") or sys.platform.startswith("freebsd"):
        return "linux"
    return sys.platform
