"""A quiet "working on it" line: a moving bar and a sentence saying what is happening.

Some actions take a noticeable moment on purpose (the key derivation that protects a new
passphrase runs for about half a second, sometimes twice). Saying so keeps people from
clicking again or thinking the app froze; the GUI itself never waits, the work runs on the
background worker.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from ui.theme import set_role


class BusyIndicator(QWidget):
    """Hidden until :meth:`start`; :meth:`stop` hides it again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busy-indicator")
        self._bar = QProgressBar()
        self._bar.setObjectName("busy-indicator-bar")
        self._bar.setRange(0, 0)  # indeterminate: we cannot know how long a KDF takes
        self._bar.setTextVisible(False)
        self._bar.setMaximumWidth(120)
        self._bar.setMaximumHeight(10)
        self._label = QLabel()
        self._label.setObjectName("busy-indicator-text")
        self._label.setWordWrap(True)
        set_role(self._label, "hint")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._bar, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self._label, 1)
        self.setVisible(False)
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self, text: str) -> None:
        """Show the indicator with ``text`` (what is happening, in plain words)."""
        self._busy = True
        self._label.setText(text)
        self._bar.setAccessibleName(text)
        self.setVisible(True)

    def stop(self) -> None:
        self._busy = False
        self.setVisible(False)
        self._label.clear()
