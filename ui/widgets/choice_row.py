"""A row of radio buttons that behaves for the keyboard as people expect.

Two things Qt does not do on its own for a row with nothing chosen yet:

* the caption's Alt+letter goes to the row *without* choosing anything (a label whose buddy
  is a radio button clicks it, which recorded "1 Drained" for someone only moving there);
* the arrow keys move along the row *and choose* (with nothing chosen, Qt moved the focus
  only, so someone who thought they had picked "2 Low" saved no answer at all).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QRadioButton, QWidget

_NEXT = (Qt.Key.Key_Right, Qt.Key.Key_Down)
_BACK = (Qt.Key.Key_Left, Qt.Key.Key_Up)


class ChoiceRow(QWidget):
    """Holds the buttons; give it to the caption as its buddy."""

    def __init__(self, buttons: Sequence[QRadioButton], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buttons = list(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in self._buttons:
            layout.addWidget(button)
            button.installEventFilter(self)
            button.toggled.connect(self._follow)
        layout.addStretch(1)
        if self._buttons:
            self.setFocusProxy(self._buttons[0])

    def _follow(self, _checked: bool) -> None:
        chosen = next((b for b in self._buttons if b.isChecked()), None)
        self.setFocusProxy(chosen or self._buttons[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QRadioButton)
            and watched in self._buttons
            and event.key() in (*_NEXT, *_BACK)
        ):
            step = 1 if event.key() in _NEXT else -1
            here = self._buttons.index(watched)
            there = self._buttons[max(0, min(len(self._buttons) - 1, here + step))]
            there.setChecked(True)
            there.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return False
