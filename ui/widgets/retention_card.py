"""The coordinator's card for how long notes are kept (Settings page).

Erasing is for good, so the card shows what a choice would erase before it is saved
("Check what this would erase" counts it in the background), and saving asks once more.
The choice is sealed in the team settings; the erasing itself is the retention service's,
after this and every later unlock. Reflections are never part of it, and the card says so.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.prompts import Prompts
from ui.theme import set_role
from warmline.retention import (
    Retention,
    RetentionCounts,
    RetentionPolicy,
    load_policy,
    save_policy,
)
from warmline.session import Session

#: The periods offered, in days (None keeps everything). At least a month, always.
CHOICES: tuple[tuple[int | None, str], ...] = (
    (None, "Keep them"),
    (30, "Erase after a month"),
    (91, "Erase after 3 months"),
    (182, "Erase after 6 months"),
    (365, "Erase after a year"),
    (730, "Erase after 2 years"),
    (2557, "Erase after 7 years"),
)


def counts_text(counts: RetentionCounts) -> str:
    """What a choice would erase, in one plain sentence."""
    if counts.total == 0:
        return "Nothing would be erased now."
    parts = [
        f"{n:,} {word}"
        for n, word in (
            (counts.calls, "call notes" if counts.calls != 1 else "call note"),
            (counts.regulars, "regulars' names" if counts.regulars != 1 else "regular's name"),
            (counts.handovers, "handovers" if counts.handovers != 1 else "handover"),
            (
                counts.followups,
                "finished follow-ups" if counts.followups != 1 else "finished follow-up",
            ),
        )
        if n
    ]
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"With these choices, {listed} would be erased for good. The report counts stay."


class RetentionCard(QFrame):
    """Choose, check and save how long call notes and handovers are kept."""

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.setObjectName("settings-retention-card")
        set_role(self, "card")
        title = QLabel(self.tr("How long notes are kept"))
        set_role(title, "subtitle")
        about = QLabel(
            self.tr(
                "Notes can be erased for good once they are older than you choose. When, "
                "how long, topics and the other counts stay, so reports do not change. "
                "Private reflections are never part of this: each person keeps their own."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")
        self.calls_combo = self._combo("retention-calls", self.tr("Call notes and regulars"))
        self.handovers_combo = self._combo(
            "retention-handovers", self.tr("Handovers and finished follow-ups")
        )
        form = QFormLayout()
        # At 200 % text a label beside its choice made this card the page's widest part.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("&Call notes and regulars' names"), self.calls_combo)
        form.addRow(self.tr("Han&dovers and finished follow-ups"), self.handovers_combo)
        self.check_button = QPushButton(self.tr("Chec&k what this would erase"))
        self.check_button.setObjectName("retention-check")
        self.check_button.clicked.connect(self.check)
        self.save_button = QPushButton(self.tr("Save these ch&oices"))
        self.save_button.setObjectName("retention-save")
        self.save_button.clicked.connect(self.save)
        self.result = QLabel("")
        self.result.setObjectName("retention-result")
        self.result.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        if backend.is_coordinator:
            backend.run(load_policy, self._loaded)
        else:
            self.hide()  # (never show() here: without a parent yet it would open a window)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        for days, label in CHOICES:
            combo.addItem(self.tr(label), days)
        combo.currentIndexChanged.connect(lambda _i: self.result.setText(""))
        return combo

    def policy(self) -> RetentionPolicy:
        return RetentionPolicy(self.calls_combo.currentData(), self.handovers_combo.currentData())

    def _loaded(self, policy: RetentionPolicy) -> None:
        for combo, days in ((self.calls_combo, policy.calls_days),
                            (self.handovers_combo, policy.handovers_days)):  # fmt: skip
            index = combo.findData(days)
            if index < 0:  # a period this version does not offer: show it as it is
                combo.addItem(self.tr("Erase after {n} days").format(n=days), days)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
        self.result.setText("")

    def check(self) -> None:
        policy = self.policy()
        self.result.setText(self.tr("Counting…"))

        def count(session: Session) -> RetentionCounts:
            return Retention(session, policy).preview()

        self._backend.run(count, lambda c: self.result.setText(counts_text(c)), self._failed)

    def save(self) -> None:
        """Save the choice; switching erasing on first counts what it would erase and
        asks with that count in front of the person."""
        policy = self.policy()
        if not policy.active:
            self._store(policy)
            return
        self.result.setText(self.tr("Counting…"))

        def count(session: Session) -> RetentionCounts:
            return Retention(session, policy).preview()

        self._backend.run(count, lambda c: self._confirm(policy, c), self._failed)

    def _confirm(self, policy: RetentionPolicy, counts: RetentionCounts) -> None:
        self.result.setText(counts_text(counts))
        question = self.tr(
            "{counts} From now on, notes older than you chose are erased for good after every "
            "unlock. Nobody can bring them back. Save?"
        ).format(counts=counts_text(counts))
        title = self.tr("Erase old notes?")
        if Prompts.confirm(self, title, question, self.tr("Save"), self.tr("Not now")):
            self._store(policy)

    def _store(self, policy: RetentionPolicy) -> None:
        def work(session: Session) -> None:
            save_policy(session, policy)

        self._backend.run(work, self._saved, self._failed)

    def _saved(self, _none: object) -> None:
        self.result.setText(self.tr("Saved."))
        self._backend.changed("settings")

    def _failed(self, error: BaseException) -> None:
        self.result.setText(describe(error))
        set_role(self.result, "error")
