"""The card beside the call form that helps a volunteer reconnect with a regular caller.

It shows the call agreement the regular and the line worked out together, how many times
they have called today, and what they wanted to move towards last time. Reaching the agreed
number of calls is mentioned gently and never stops anyone from talking: the agreement is
something to keep kindly, together, not a rule the app enforces.

For a saved call opened from the list, the counts are about *that* call's day and the calls
before it, so reading Tuesday's call on Friday does not speak of Friday.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ui.theme import set_role


def _tr(text: str) -> str:
    return QCoreApplication.translate("CallerCard", text)


def calls_today_text(count: int) -> str:
    """Plain words for how often a regular has called today (before this call)."""
    if count == 0:
        return _tr("This is their first call today.")
    if count == 1:
        return _tr("They have already called once today.")
    return _tr("They have already called {count} times today.").format(count=count)


def calls_that_day_text(count: int) -> str:
    """For a saved call: how often the regular had called that day before it."""
    if count == 0:
        return _tr("This was their first call that day.")
    if count == 1:
        return _tr("Before this call, they had called once that day.")
    return _tr("Before this call, they had called {count} times that day.").format(count=count)


def sentence_case(text: str) -> str:
    """Capital letters where sentences start, for display only (what is stored is kept)."""
    parts = text.strip().split(". ")
    return ". ".join(part[:1].upper() + part[1:] for part in parts)


def agreement_reached_text(count: int, calls_per_day: int | None, that_day: bool = False) -> str:
    """A gentle note when this call reaches past the agreed calls a day; "" otherwise."""
    if not calls_per_day or count < calls_per_day:
        return ""
    if that_day:
        return _tr("Their agreement is up to {limit} a day, and this was call {number}.").format(
            limit=calls_per_day, number=count + 1
        )
    return _tr(
        "Their agreement is up to {limit} a day, and this is call {number}. It is fine to talk; "
        "you might gently mention the agreement together."
    ).format(limit=calls_per_day, number=count + 1)


class CallerCard(QFrame):
    """A calm summary of one regular caller; hidden when no regular is picked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caller-card")
        self.setAccessibleName(self.tr("About this regular caller"))
        set_role(self, "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        self.alias = self._label("caller-card-alias", "subtitle")
        self.agreement = self._label("caller-card-agreement")
        self.today = self._label("caller-card-today")
        self.reached = self._label("caller-card-reached", "hint")
        self.last = self._label("caller-card-last")
        for label in (self.alias, self.agreement, self.today, self.reached, self.last):
            layout.addWidget(label)
        self.hide()

    def _label(self, name: str, role: str | None = None) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if role:
            set_role(label, role)
        return label

    def show_loading(self, alias: str) -> None:
        """Show the alias at once while the details load, so picking feels immediate."""
        self.alias.setText(alias)
        for label in (self.agreement, self.today, self.reached, self.last):
            label.clear()
            label.hide()
        self.show()

    def show_regular(
        self,
        alias: str,
        agreement: str,
        calls_today: int,
        calls_per_day: int | None,
        last_moving_towards: str | None,
        that_day: bool = False,
    ) -> None:
        """Fill the card for a regular. ``last_moving_towards`` None means no earlier call.

        ``that_day``: the card is for a saved call, and ``calls_today`` counts the calls
        before it on its own day.
        """
        self.alias.setText(alias)
        self.agreement.setText(
            self.tr("Call agreement: {text}").format(text=sentence_case(agreement))
            if agreement.strip()
            else self.tr("No call agreement written down.")
        )
        self.today.setText(
            calls_that_day_text(calls_today) if that_day else calls_today_text(calls_today)
        )
        reached = agreement_reached_text(calls_today, calls_per_day, that_day)
        self.reached.setText(reached)
        if last_moving_towards is None:
            self.last.setText(self.tr("No earlier call logged with them yet."))
        elif last_moving_towards.strip():
            self.last.setText(
                self.tr("Last time they wanted to move towards: {text}").format(
                    text=last_moving_towards.strip()
                )
            )
        else:
            self.last.setText(self.tr("Last time, nothing was noted about moving towards."))
        for label in (self.agreement, self.today, self.last):
            label.show()
        self.reached.setVisible(bool(reached))
        self.setAccessibleDescription(
            " ".join(
                label.text()
                for label in (self.agreement, self.today, self.reached, self.last)
                if label.text()
            )
        )
        self.show()

    def clear(self) -> None:
        """Hide the card and forget what it showed."""
        for label in (self.alias, self.agreement, self.today, self.reached, self.last):
            label.clear()
        self.setAccessibleDescription("")
        self.hide()
