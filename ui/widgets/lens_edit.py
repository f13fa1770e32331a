"""A note field that quietly points at words worth a second look.

Peer notes aim for the caller's own words and everyday language. The language lens
(:mod:`warmline.language`) knows clinical and stigmatising phrases and gentler ones to
consider; this field underlines them as the volunteer writes, explains them on hover and
reports them through :attr:`LensTextEdit.lens_hits_changed` so a form can show a side hint.
It only ever suggests: nothing is blocked, nothing is rewritten.

The scan runs on the whole text, debounced (about 150 ms after the last keystroke), because a
quotation — which the lens leaves alone, since it is the caller's own words — may span lines.

Tab moves to the next field (a tab character is never wanted in a note), which keeps the form
quick to work through with one hand.

What a person types about a caller must not end up in an input method's memory: on-screen
keyboards and predictive input learn words to suggest them later, possibly to someone else
or synced to a cloud. :func:`keep_input_private` asks them not to (a request: an input
method may ignore it), and every note field and line about a caller uses it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from ui.widgets.lens_highlighter import LensHighlighter, code_point_index, document_text
from warmline.language import LanguageLens, LensHit, suggestion_text

#: Delay between the last change and the scan; short enough to feel live, long enough
#: not to rescan on every keystroke of a fast typist.
SCAN_DELAY_MS = 150


#: Input method hints for fields about a caller: do not learn these words, do not predict.
PRIVATE_INPUT_HINTS = Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText


def keep_input_private(widget: QWidget) -> None:
    """Ask input methods not to learn or predict what is typed into ``widget``."""
    widget.setInputMethodHints(widget.inputMethodHints() | PRIVATE_INPUT_HINTS)


def hit_tooltip(hit: LensHit) -> str:
    """What hovering a flagged phrase shows: the suggestion, why, and that it is optional."""
    return f"{suggestion_text(hit)}\n{hit.why}\nJust a suggestion: it is fine to keep your words."


class LensTextEdit(QPlainTextEdit):
    """A plain-text note field with the language lens."""

    #: The current hits (list[LensHit]), emitted after each scan that changed them.
    lens_hits_changed = Signal(list)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        placeholder: str = "",
        lens: LanguageLens | None = None,
    ) -> None:
        super().__init__(parent)
        self._lens = lens or LanguageLens.default()
        self._hits: list[LensHit] = []
        self._scanned_text: str | None = None
        self.setTabChangesFocus(True)
        keep_input_private(self)
        self.setPlaceholderText(placeholder)
        self._highlighter = LensHighlighter(self.document(), self.palette())
        self._scan_timer = QTimer(self)
        self._scan_timer.setSingleShot(True)
        self._scan_timer.setInterval(SCAN_DELAY_MS)
        self._scan_timer.timeout.connect(self.rescan_now)
        self.textChanged.connect(self._scan_timer.start)

    # -- public API --------------------------------------------------------------------------

    @property
    def highlighter(self) -> LensHighlighter:
        """The highlighter drawing the underlines (tests read its colour and spans)."""
        return self._highlighter

    def hits(self) -> list[LensHit]:
        """The hits from the latest scan (positions in code points of :meth:`lens_text`)."""
        return list(self._hits)

    def lens_text(self) -> str:
        """The text the lens scans: the blocks joined with newlines."""
        return document_text(self.document())[0]

    def scan_pending(self) -> bool:
        """True while an edit waits for its (debounced) scan."""
        return self._scan_timer.isActive()

    def rescan_now(self) -> None:
        """Scan at once (also what the debounce timer calls); emits only on a change."""
        self._scan_timer.stop()
        text, starts = document_text(self.document())
        if text == self._scanned_text:
            return
        self._scanned_text = text
        hits = self._lens.scan(text)
        self._highlighter.set_hits(text, starts, hits)
        if hits != self._hits:
            self._hits = hits
            self.lens_hits_changed.emit(list(hits))

    def hit_at(self, point: QPoint) -> LensHit | None:
        """The hit under a point in viewport coordinates, if any."""
        cursor = self.cursorForPosition(point)
        rect = self.cursorRect(cursor)
        if not rect.top() <= point.y() <= rect.bottom() + 1:
            return None  # below the last line, say
        block = cursor.block()
        text = block.text()
        # cursorForPosition gives the nearest gap between letters: the letter under the
        # point is the one after that gap, or the one before it if the point is left of it.
        index = code_point_index(text, cursor.positionInBlock())
        if point.x() < rect.x():
            index -= 1
        if not 0 <= index < len(text):
            return None
        for span in self._highlighter.spans_in_block(block.blockNumber()):
            if text[span.start : span.end] == span.expected and span.start <= index < span.end:
                return span.hit
        return None

    def tooltip_at(self, point: QPoint) -> str:
        """The tooltip text for a point in viewport coordinates ("" when nothing is there)."""
        hit = self.hit_at(point)
        return hit_tooltip(hit) if hit is not None else ""

    # -- Qt overrides ------------------------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:
        """Show the lens tooltip over a flagged phrase; elsewhere no tooltip at all."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        """Follow theme switches: the underline colour comes from the palette."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._highlighter.set_palette(self.palette())
