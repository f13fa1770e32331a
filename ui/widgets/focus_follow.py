"""Keep the focused control in view, whatever brought focus there.

Why one listener and not each control scrolling itself: focus can arrive by Tab, by a
mnemonic (Alt+R ticks "Regular caller"), by a shortcut (Ctrl+3) or from code, and a
keyboard user who acts on a control they cannot see has no way to know what changed. So
:class:`FocusFollower` watches the application's focus changes and, when focus lands inside
its root, scrolls every scroll area between the focused widget and the window (the page's
own, and the workspace's around it) until the widget shows.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

#: Room kept around a revealed widget, so its label above usually shows too.
MARGIN = 40


def reveal(widget: QWidget) -> None:
    """Scroll each scroll area holding ``widget`` (innermost first) so that it shows."""
    ancestor = widget.parentWidget()
    while ancestor is not None:
        if isinstance(ancestor, QScrollArea):
            content = ancestor.widget()
            if content is not None and content.isAncestorOf(widget):
                _show_in(ancestor, content, widget)
        ancestor = ancestor.parentWidget()


def _show_in(area: QScrollArea, content: QWidget, widget: QWidget) -> None:
    """The whole widget when it fits; otherwise Qt's own choice (a text field's cursor).

    Qt's ``ensureWidgetVisible`` alone shows only a list's current row or an edit's cursor,
    which can leave the rest of a list below the edge.
    """
    if widget.height() + 2 * MARGIN > area.viewport().height():
        area.ensureWidgetVisible(widget, MARGIN, MARGIN)
        return
    top = widget.mapTo(content, QPoint(0, 0))
    area.ensureVisible(top.x(), top.y() + widget.height(), MARGIN, MARGIN)
    area.ensureVisible(top.x(), top.y(), MARGIN, MARGIN)


class FocusFollower(QObject):
    """Reveals whichever widget inside ``root`` gets keyboard focus."""

    def __init__(self, root: QWidget) -> None:
        super().__init__(root)
        self._root = root
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self._root.isAncestorOf(new):
            reveal(new)
