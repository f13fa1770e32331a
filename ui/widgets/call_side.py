"""The column beside the call note: the regular's card and the lens's wording hint.

Why apart: these are things to glance at, never to type into, so they sit outside the
note's tab order. The hint speaks only about the section being written, and only ever as a
suggestion; the card is :class:`~ui.widgets.caller_card.CallerCard`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.theme import set_role
from ui.widgets.caller_card import CallerCard
from ui.widgets.lens_edit import LensTextEdit
from warmline.language import suggestion_text


class CallSide(QWidget):
    """The regular's card above the wording hint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call-side")
        self.card = CallerCard(self)
        self.lens_hint = QLabel(self)
        self.lens_hint.setObjectName("lens-hint")
        self.lens_hint.setWordWrap(True)
        self.lens_hint.setAccessibleName(self.tr("Wording suggestions"))
        set_role(self.lens_hint, "lens-hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self.card)
        layout.addWidget(self.lens_hint)
        layout.addStretch(1)
        self.show_hints_for(None)

    def show_hints_for(self, source: LensTextEdit | None) -> None:
        """Suggestions for the section being written; a calm default otherwise."""
        hits = source.hits() if source is not None else []
        if not hits:
            self.lens_hint.setText(
                self.tr(
                    "Wording suggestions show here as you write. Words in quotation marks "
                    "are the caller's own and are left as they are."
                )
            )
            return
        lines = list(dict.fromkeys(suggestion_text(hit) for hit in hits))
        self.lens_hint.setText(self.tr("Just a suggestion:") + "\n" + "\n".join(lines))
