"""Dialogs whose wrapped text grows with the text size (200 % must not overlap lines).

Qt does not give a top-level window the height its word-wrapped labels need at the width it
ends up with (height-for-width is ignored for the minimum size). So the width is set in
characters rather than pixels, and the layout's height-for-width at that width becomes the
minimum height.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLayout, QWidget


def fit_to_text(window: QWidget, chars: int = 56) -> None:
    """Size ``window`` to about ``chars`` characters wide and as tall as its text needs."""
    layout = window.layout()
    if layout is None:
        return
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
    width = max(window.fontMetrics().averageCharWidth() * chars, layout.minimumSize().width())
    height = layout.heightForWidth(width) if layout.hasHeightForWidth() else -1
    height = max(height, layout.minimumSize().height())
    window.setMinimumSize(width, height)
    window.resize(width, height)
