"""Sizes that come from the text, so nothing is cut off at any text size (100-200 %).

Every helper here measures with the widget's own font and re-measures when the font or the
style changes (Settings › Text size applies at once, to windows already open), instead of
fixing pixel widths that only suit one size:

* :func:`fit_to_text` – dialogs: a width in characters and the height their wrapped text
  needs, growing again when a line appears later (a warning, a strength verdict);
* :func:`show_whole_text` – a line edit wide enough for its placeholder or a sample value;
* :func:`lines_tall` – a plain-text edit a given number of lines tall;
* :func:`room_for_mnemonic` – a button or check box as wide as its words are drawn;
* :func:`fit_columns` – table columns as wide as their titles and typical contents;
* :func:`stack_when_narrow` – two panes side by side, one above the other when narrow;
* :class:`~ui.widgets.flow_layout.FlowLayout` – a row of controls that wraps onto the next line
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QStyleOptionFrame,
    QTableView,
    QWidget,
)

_REMEASURE = (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Polish)


class _Remeasure(QObject):
    """Runs ``fn`` whenever the watched widget's font or style changes."""

    def __init__(self, watched: QWidget, fn: Callable[[], None], events: tuple[QEvent.Type, ...]):
        super().__init__(watched)
        self._fn = fn
        self._events = events
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._events:
            # After the widget itself has taken in the new font or style.
            QTimer.singleShot(0, self, self._fn)  # dropped if the widget is gone
        return False


def on_text_size_change(widget: QWidget, fn: Callable[[], None]) -> None:
    """Call ``fn`` now and again each time ``widget``'s font or style changes."""
    _Remeasure(widget, fn, _REMEASURE)
    fn()


def drawn_width(fm: QFontMetrics, text: str) -> int:
    """How wide Qt draws ``text`` with its mnemonic underlined.

    The underlined letter is drawn as a piece of its own, which loses the kerning with its
    neighbours, so "&To" is drawn wider than "To" measures (and was clipped to "Tc").
    """
    marked = text.replace("&&", "\0")
    at = marked.find("&")
    plain = marked.replace("&", "").replace("\0", "&")
    if at < 0 or at + 1 >= len(marked):
        return fm.horizontalAdvance(plain)
    pieces = [marked[:at], marked[at + 1], marked[at + 2 :]]
    drawn = sum(fm.horizontalAdvance(p.replace("\0", "&")) for p in pieces if p)
    return max(drawn, fm.horizontalAdvance(plain))


# -- windows --------------------------------------------------------------------------------


class _GrowWithText(QObject):
    """Keeps a window at least as tall as its wrapped text needs at its current width."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._pending = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest, *_REMEASURE) and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self._grow)
        return False

    def _grow(self) -> None:
        self._pending = False
        layout = self._window.layout()
        if layout is None:
            return
        width = max(self._window.width(), layout.minimumSize().width())
        height = layout.heightForWidth(width) if layout.hasHeightForWidth() else -1
        height = max(height, layout.minimumSize().height())
        self._window.setMinimumSize(layout.minimumSize().width(), height)
        if self._window.height() < height or self._window.width() < width:
            self._window.resize(width, max(height, self._window.height()))


def fit_to_text(window: QWidget, chars: int = 56) -> None:
    """Size ``window`` to about ``chars`` characters wide and as tall as its text needs.

    Qt does not give a top-level window the height its word-wrapped labels need at the width
    it ends up with (height-for-width is ignored for the minimum size), so the width is set
    in characters and the layout's height-for-width at that width becomes the minimum
    height. The window keeps growing to fit when a line is shown later, such as a warning
    after Copy or the strength verdict while a passphrase is typed.
    """
    layout = window.layout()
    if layout is None:
        return
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
    width = max(window.fontMetrics().averageCharWidth() * chars, layout.minimumSize().width())
    height = layout.heightForWidth(width) if layout.hasHeightForWidth() else -1
    height = max(height, layout.minimumSize().height())
    window.setMinimumSize(width, height)
    window.resize(width, height)
    if window.findChild(_GrowWithText) is None:
        _GrowWithText(window)


# -- single controls ------------------------------------------------------------------------


def line_edit_width(edit: QLineEdit, text: str) -> int:
    """The width ``edit`` needs to show ``text`` whole, frame and padding included."""
    fm = edit.fontMetrics()
    margins = edit.textMargins()
    # QLineEdit keeps 2px beside its text inside the contents (qlineedit_p.h), plus the cursor.
    inner = fm.horizontalAdvance(text) + 2 * 2 + 1 + margins.left() + margins.right()
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    size = edit.style().sizeFromContents(
        QStyle.ContentsType.CT_LineEdit, option, QSize(inner, fm.height()), edit
    )
    return size.width()


def show_whole_text(edit: QLineEdit, sample: str | None = None) -> None:
    """Keep ``edit`` wide enough for ``sample`` (its placeholder if not given)."""

    def measure() -> None:
        text = sample if sample is not None else edit.placeholderText()
        edit.setMinimumWidth(line_edit_width(edit, text))

    on_text_size_change(edit, measure)


def lines_tall(edit: QPlainTextEdit, lines: int) -> None:
    """Make a plain-text edit ``lines`` lines of its text tall (a short note field)."""

    def measure() -> None:
        fm = edit.fontMetrics()
        margins = edit.contentsMargins()
        frame = 2 * edit.frameWidth() + margins.top() + margins.bottom()
        text = lines * fm.lineSpacing() + 2 * round(edit.document().documentMargin())
        edit.setFixedHeight(text + frame + 2)

    on_text_size_change(edit, measure)


def at_most_chars(widget: QWidget, chars: int) -> None:
    """Cap ``widget``'s width at about ``chars`` characters: a readable measure for a card
    of text, which grows with the text size instead of squeezing it."""
    on_text_size_change(
        widget, lambda: widget.setMaximumWidth(chars * widget.fontMetrics().averageCharWidth())
    )


def room_for_mnemonic(button: QAbstractButton | QLabel) -> Callable[[], None]:
    """Give a button, check box or caption the width its words take as drawn (see
    drawn_width): the underlined letter is drawn apart and loses its kerning.

    Call the returned function again after changing the text.
    """

    def measure() -> None:
        fm = button.fontMetrics()
        plain = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        extra = drawn_width(fm, button.text()) - fm.horizontalAdvance(plain)
        button.setMinimumWidth(0)
        button.setMinimumWidth(button.sizeHint().width() + max(0, extra) + 1)

    on_text_size_change(button, measure)
    return measure


def combo_fits(combo: QComboBox) -> Callable[[], None]:
    """Keep a combo box wide enough for its longest choice at any text size, as its list
    of choices changes (filled after unlock, say)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def measure() -> None:
        combo.setMinimumWidth(0)
        combo.setMinimumWidth(combo.sizeHint().width() + 2)

    model = combo.model()
    model.rowsInserted.connect(lambda *_: measure())
    model.modelReset.connect(measure)
    on_text_size_change(combo, measure)
    return measure


# -- tables ---------------------------------------------------------------------------------


def _title_width(header: QHeaderView, column: int) -> int:
    model = header.model()
    title = str(model.headerData(column, Qt.Orientation.Horizontal) or "") if model else ""
    font = QFont(header.font())
    if header.highlightSections():
        font.setBold(True)  # the current row's titles are drawn bold
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    fm = QFontMetrics(font)
    # +2: Qt rounds text widths up in places; a title must never lose its last pixel.
    width = max(fm.horizontalAdvance(title), fm.boundingRect(title).width()) + 2 * margin + 2
    if header.isSortIndicatorShown():
        width += QFontMetrics(font).height()
    return width


def fit_columns(
    view: QTableView, samples: Callable[[], Mapping[int, Sequence[str]]]
) -> Callable[[], None]:
    """Size each column to its title and the widest of its usual contents.

    ``samples`` gives, per column, the texts it usually shows (the widest decides); those
    columns stay resizable by hand. A stretching column (the one that takes what is left)
    stretches while there is room and keeps its title's width when there is not (the list
    then scrolls sideways). Re-measured whenever the text size or the view's width changes;
    call the returned function when the samples change (names loaded, say).
    """
    header = view.horizontalHeader()
    stretching = [
        column
        for column in range(header.count())
        if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch
    ]

    def measure() -> None:
        fm = view.fontMetrics()
        # A cell's text sits inside the focus frame's margin on each side (QItemDelegate).
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
        cell = 2 * (margin + 1) + 2
        wanted = samples()
        for column, texts in wanted.items():
            if column not in stretching:
                widest = max((fm.horizontalAdvance(text) for text in texts), default=0)
                header.resizeSection(column, max(_title_width(header, column), widest + cell))
        header.setMinimumSectionSize(fm.horizontalAdvance("00") + cell)
        share_out()

    def share_out() -> None:
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c not in stretching and not header.isSectionHidden(c)
        )
        room = (view.viewport().width() - others) // max(1, len(stretching))
        for column in stretching:
            title = _title_width(header, column)
            if room >= title:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, title)

    class _Resized(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Resize:
                QTimer.singleShot(0, self, share_out)
            return False

    view.viewport().installEventFilter(_Resized(view))
    on_text_size_change(view, measure)
    return measure


def rows_tall(view: QTableView, rows: int) -> None:
    """Keep a list at least ``rows`` rows (and its titles) tall, so it never shrinks to a
    sliver when the page around it is short."""

    def measure() -> None:
        row = view.verticalHeader().defaultSectionSize()
        titles = view.horizontalHeader().sizeHint().height()
        scroll = view.horizontalScrollBar().sizeHint().height()
        view.setMinimumHeight(titles + rows * row + scroll + 2 * view.frameWidth())

    on_text_size_change(view, measure)


# -- layouts --------------------------------------------------------------------------------


def stack_when_narrow(layout: QBoxLayout, owner: QWidget, chars: int) -> None:
    """Lay ``layout``'s panes side by side while ``owner`` has ``chars`` characters of
    room, and one above the other when it has less (200 % text in a small window)."""

    class _Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if watched is owner and event.type() == QEvent.Type.ParentChange:
                parent = owner.parentWidget()  # put into a scroll area after it was built
                if parent is not None:
                    parent.installEventFilter(self)
            if event.type() in (QEvent.Type.Resize, QEvent.Type.ParentChange, *_REMEASURE):
                QTimer.singleShot(0, self, decide)
            return False

    def room() -> int:
        # In a scroll area the page is at least as wide as its content: ask the viewport.
        parent = owner.parentWidget()
        return parent.width() if parent is not None else owner.width()

    def decide() -> None:
        wide = room() >= chars * owner.fontMetrics().averageCharWidth()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if layout.direction() != direction:
            layout.setDirection(direction)

    watch = _Watch(owner)
    owner.installEventFilter(watch)
    parent = owner.parentWidget()
    if parent is not None:
        parent.installEventFilter(watch)
    decide()



def pair(*widgets: QWidget) -> QWidget:
    """Widgets kept together on one line (a caption and its field) inside a FlowLayout."""
    holder = QWidget()
    holder.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    return holder
