"""The base every section of the main window builds on.

A page is a QWidget that gets a :class:`~ui.backend.Backend` and nothing else: it asks the
backend for data (off the GUI thread) and declares its own signals. It never reaches into
its parent. ``activated()`` is called each time the page is shown, so it can refresh.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from ui.backend import Backend


class Page(QWidget):
    #: Label in the navigation list.
    title: ClassVar[str] = ""
    #: Stable key (also the widget's objectName), used by tests and shortcuts.
    key: ClassVar[str] = ""

    #: New text for this page's entry in the navigation (for example an unread count).
    nav_text_changed = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setObjectName(f"page-{self.key}")

    @classmethod
    def available_to(cls, backend: Backend) -> bool:
        """Whether the unlocked person sees this section at all (roles)."""
        return True

    def activated(self) -> None:
        """Called whenever the page is brought to the front."""

    def focus_first(self) -> None:
        """Put keyboard focus on the page's first control, so Alt+n lands somewhere useful."""
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (
                self.isAncestorOf(widget)
                and widget.isVisibleTo(self)
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    def can_leave(self) -> bool:
        """False to stop navigation away (for example, unsaved work the person wants to keep)."""
        return True
