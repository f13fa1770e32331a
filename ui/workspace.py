"""The unlocked part of the main window: navigation on the left, the chosen section on the right.

A Workspace exists only while someone is unlocked. Locking deletes it, and with it every
page, model and widget that held decrypted text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QWidget,
)

from ui.backend import Backend
from ui.screens.base import Page


class Workspace(QWidget):
    page_changed = Signal(str)

    def __init__(
        self, backend: Backend, page_types: list[type[Page]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self.backend = backend
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Sections")
        self.nav.setProperty("role", "nav")
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        for number, page_type in enumerate(
            [p for p in page_types if p.available_to(backend)], start=1
        ):
            page = page_type(backend)
            self.pages[page_type.key] = page
            self.stack.addWidget(self._scrolling(page))
            item = QListWidgetItem(page_type.title)
            item.setData(Qt.ItemDataRole.UserRole, page_type.key)
            if number <= 10:
                key = section_key(number)
                item.setToolTip(f"{page_type.title} ({key})")
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setObjectName(f"shortcut-go-{page_type.key}")
                shortcut.activated.connect(lambda k=page_type.key: self._jump_to(k))
            self.nav.addItem(item)
            page.nav_text_changed.connect(lambda text, item=item: self._set_nav_text(item, text))
        self.nav.currentRowChanged.connect(self._row_changed)
        self._fit_nav()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        if self.nav.count():
            self.nav.setCurrentRow(0)

    def _set_nav_text(self, item: QListWidgetItem, text: str) -> None:
        item.setText(text)
        self._fit_nav()

    def _fit_nav(self) -> None:
        """The navigation is as wide as its longest label at the current text size.

        Room for the item's padding and margin (style.qss: 12 + 6 px a side), the focus
        frame, and a scroll bar: at 200 % text ten sections can be taller than the window,
        and a scroll bar appearing then used to cut the labels short ("Regular …").
        """
        style = self.nav.style()
        scroll_bar = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.nav)
        frame = 2 * self.nav.frameWidth() + 8
        self.nav.setFixedWidth(max(170, self.nav.sizeHintForColumn(0) + 36 + frame + scroll_bar))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_nav()  # text size changed in Settings: no cut-off section names
        super().changeEvent(event)

    @staticmethod
    def _scrolling(page: Page) -> QScrollArea:
        """Each page scrolls as a whole when it is taller than the window (at 200 % text,
        say), instead of squeezing its fields until their letters are clipped."""
        area = QScrollArea()
        area.setObjectName(f"scroll-{page.key}")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        area.setWidget(page)
        return area

    def current_page(self) -> Page | None:
        row = self.stack.currentIndex()
        pages = list(self.pages.values())
        return pages[row] if 0 <= row < len(pages) else None

    def _jump_to(self, key: str) -> None:
        """Alt+n: go there *and* into the page, even from the list on the left (typing
        after Alt+3 used to go nowhere while the focus stayed in the list)."""
        page = self.show_page(key)
        if page is not None:
            page.focus_first()

    def show_page(self, key: str) -> Page | None:
        page = self.pages.get(key)
        if page is None:
            return None
        self.nav.setCurrentRow(list(self.pages).index(key))
        return page

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        pages = list(self.pages.values())
        page = pages[row] if row < len(pages) else None
        self.stack.setCurrentIndex(row)
        if isinstance(page, Page):
            page.activated()
            if not self.nav.hasFocus():  # chosen by shortcut or menu: go into the page
                page.focus_first()
            self.page_changed.emit(page.key)


def section_key(number: int) -> str:
    """Alt+1 … Alt+9 for the first nine sections, Alt+0 for the tenth (the number row)."""
    return f"Alt+{number % 10}"
