"""Underline the words the language lens would like a second look at.

Why the scan does not happen here: a QSyntaxHighlighter sees one block (line) at a time, but
the lens needs the whole note — a quotation may open on one line and close three lines
later, and a phrase such as "suffers from" may be wrapped across a line break. So the owning
:class:`~ui.widgets.lens_edit.LensTextEdit` scans the whole text (debounced) and hands the
hits over with :meth:`LensHighlighter.set_hits`; this class only maps them onto blocks and
draws them.

Offsets: the lens works in Python string positions (code points), Qt in UTF-16 units, which
differ as soon as a note holds an emoji. Hits are stored per block in code points and turned
into UTF-16 positions only when drawn.

Colour: taken from the editor's palette (the link role), so light, dark and high-contrast
themes each get an underline that is visible on their own background, with no style string.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import (
    QColor,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from warmline.language import LensHit


@dataclass(frozen=True)
class BlockSpan:
    """The part of one lens hit that lies in one block, in code points within the block.

    ``expected`` is the block text the span covered when it was scanned: while the scan is
    pending after an edit, a stale span whose text no longer matches is simply not drawn.
    """

    start: int
    end: int
    expected: str
    hit: LensHit


def document_text(document: QTextDocument) -> tuple[str, list[int]]:
    """The document's text joined with newlines, and where each block starts in it.

    Built from the blocks rather than ``toPlainText()`` so that every offset maps back to a
    block exactly (block ``n`` starts at ``starts[n]`` in code points).
    """
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    block = document.begin()
    while block.isValid():
        text = block.text()
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 1
        block = block.next()
    return "\n".join(parts), starts


def spans_by_block(text: str, starts: list[int], hits: list[LensHit]) -> dict[int, list[BlockSpan]]:
    """Split each hit over the blocks it touches (a phrase may wrap onto the next line)."""
    out: dict[int, list[BlockSpan]] = {}
    block = 0
    for hit in hits:
        while block + 1 < len(starts) and starts[block + 1] <= hit.start:
            block += 1
        number = block
        while number < len(starts) and starts[number] < hit.end:
            block_start = starts[number]
            block_end = starts[number + 1] - 1 if number + 1 < len(starts) else len(text)
            start = max(hit.start, block_start)
            end = min(hit.end, block_end)
            if end > start:
                span = BlockSpan(start - block_start, end - block_start, text[start:end], hit)
                out.setdefault(number, []).append(span)
            number += 1
    return out


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes (what Qt counts positions in)."""
    return len(text.encode("utf-16-le")) // 2


def code_point_index(text: str, utf16_index: int) -> int:
    """The code-point index in ``text`` of a UTF-16 position (clamped to the text)."""
    units = 0
    for i, char in enumerate(text):
        if units >= utf16_index:
            return i
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


class LensHighlighter(QSyntaxHighlighter):
    """Draws a wavy underline under every lens hit it was given; never changes the text."""

    #: The palette role the underline colour comes from.
    COLOUR_ROLE = QPalette.ColorRole.Link

    def __init__(self, document: QTextDocument, palette: QPalette) -> None:
        super().__init__(document)
        self._spans: dict[int, list[BlockSpan]] = {}
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.set_palette(palette)

    @property
    def underline_colour(self) -> QColor:
        """The colour hits are underlined in (follows the palette given last)."""
        return self._format.underlineColor()

    def set_palette(self, palette: QPalette) -> None:
        """Take the underline colour from ``palette`` (called again when the theme changes)."""
        self._format.setUnderlineColor(palette.color(self.COLOUR_ROLE))
        if self._spans:
            self.rehighlight()

    def set_hits(self, text: str, starts: list[int], hits: list[LensHit]) -> None:
        """Replace the hits (found in ``text``, whose blocks begin at ``starts``) and redraw."""
        spans = spans_by_block(text, starts, hits)
        if spans == self._spans:
            return
        self._spans = spans
        self.rehighlight()

    def spans_in_block(self, block_number: int) -> list[BlockSpan]:
        """The hit spans drawn in a block (for tooltips)."""
        return list(self._spans.get(block_number, ()))

    def highlightBlock(self, text: str) -> None:
        """Underline this block's spans, skipping any the latest edit has made stale."""
        for span in self._spans.get(self.currentBlock().blockNumber(), ()):
            if text[span.start : span.end] != span.expected:
                continue
            start = utf16_length(text[: span.start])
            length = utf16_length(span.expected)
            self.setFormat(start, length, self._format)
