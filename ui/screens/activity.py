"""Activity: the record of who unlocked, changed, deleted, printed or saved what, and when.

For coordinators only. The list is newest first and filters by person and by what was done.
"Check the record of activity" walks the whole record on the worker and says in plain words
whether anything was removed, changed or added outside Warmline, and from which entry (see
warmline/audit.py for how that is known, and what it cannot know).

Nothing a person typed is ever in this record: only what kind of thing happened, who did it,
when, and which record it touched.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.models.activity_model import GROUPS, ActivityModel, Column
from ui.screens.base import Page
from ui.theme import set_role
from ui.widgets.busy_indicator import BusyIndicator
from ui.widgets.call_drafts import while_alive
from ui.widgets.fit import combo_fits, room_for_mnemonic
from ui.widgets.row_table import RowTableView
from warmline.audit import Entry, Verdict
from warmline.session import Session

#: The newest entries listed (the check always reads them all).
SHOWN = 5000


def load_entries(session: Session) -> list[Entry]:
    return session.audit.entries(limit=SHOWN)


def check_record(session: Session) -> Verdict:
    return session.audit.verify()


class ActivityPage(Page):
    """The record of activity (coordinators only)."""

    title = "Activity"
    key = "activity"

    @classmethod
    def available_to(cls, backend: Backend) -> bool:
        return backend.is_coordinator

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.setAccessibleName(self.tr("Activity"))
        self._loading = False

        heading = QLabel(self.tr("Activity"))
        set_role(heading, "title")
        about = QLabel(
            self.tr(
                "Who unlocked Warmline, changed or deleted a record, printed or saved "
                "something to a file, or changed the team, and when. Nothing anyone typed is "
                "kept here. The record is locked like the notes, and each entry is tied to "
                "the one before it, so Warmline can tell if any were removed or changed."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")

        person_label = QLabel(self.tr("&Person"))
        self.person_combo = QComboBox()
        self.person_combo.setObjectName("activity-person")
        self.person_combo.setAccessibleName(self.tr("Show what this person did"))
        person_label.setBuddy(self.person_combo)
        room_for_mnemonic(person_label)
        self._fit_people = combo_fits(self.person_combo)
        self.person_combo.currentIndexChanged.connect(self._filter)
        kind_label = QLabel(self.tr("&What"))
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("activity-kind")
        self.kind_combo.setAccessibleName(self.tr("Show this kind of activity"))
        kind_label.setBuddy(self.kind_combo)
        room_for_mnemonic(kind_label)
        self.kind_combo.addItem(self.tr("Everything"), -1)
        for number, (label, _kinds) in enumerate(GROUPS):
            self.kind_combo.addItem(self.tr(label), number)
        combo_fits(self.kind_combo)
        self.kind_combo.currentIndexChanged.connect(self._filter)
        filters = QHBoxLayout()
        filters.addWidget(person_label)
        filters.addWidget(self.person_combo, 1)
        filters.addSpacing(16)
        filters.addWidget(kind_label)
        filters.addWidget(self.kind_combo, 1)

        self.model = ActivityModel(backend.display_name, self)
        self.table = RowTableView(Column.WHAT)
        self.table.setObjectName("activity-table")
        self.table.setAccessibleName(self.tr("Activity, newest first"))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.WHEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.WHO, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.WHAT, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("activity-empty")
        self.empty_label.setWordWrap(True)
        set_role(self.empty_label, "hint")
        self.empty_label.setVisible(False)

        self.check_button = QPushButton(self.tr("&Check the record of activity"))
        self.check_button.setObjectName("activity-check")
        self.check_button.setAccessibleName(self.tr("Check the record of activity"))
        set_role(self.check_button, "primary")
        self.check_button.clicked.connect(self.check)
        self.busy = BusyIndicator()
        self.result = QLabel()
        self.result.setObjectName("activity-result")
        self.result.setAccessibleName(self.tr("What the check found"))
        self.result.setWordWrap(True)
        selectable = Qt.TextInteractionFlag
        self.result.setTextInteractionFlags(
            selectable.TextSelectableByKeyboard | selectable.TextSelectableByMouse
        )
        self.result.setVisible(False)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addWidget(self.busy)
        check_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(check_row)
        layout.addWidget(self.result)

        self.setTabOrder(self.person_combo, self.kind_combo)
        self.setTabOrder(self.kind_combo, self.table)
        self.setTabOrder(self.table, self.check_button)
        backend.records_changed.connect(self._records_changed)
        self._fill_people()
        self.refresh()

    # --- loading ---------------------------------------------------------------------------

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self._loading:
            return
        self._loading = True
        if self.backend.run(load_entries, while_alive(self, self._loaded), self._failed) is None:
            self._loading = False

    def _records_changed(self, kind: str) -> None:
        if kind == "accounts":
            self._fill_people()
        if self.isVisible():
            self.refresh()

    def _loaded(self, entries: list[Entry]) -> None:
        self._loading = False
        self.model.set_entries(entries)
        self._fill_people()
        self._filter()

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.empty_label.setText(describe(error))
        self.empty_label.setVisible(True)

    def _fill_people(self) -> None:
        current = self.person_combo.currentData()
        self.person_combo.blockSignals(True)
        self.person_combo.clear()
        self.person_combo.addItem(self.tr("Everyone"), "")
        known = set(self.model.people()) | set(self.backend.accounts)
        for uuid in sorted(known, key=lambda u: self.backend.display_name(u).casefold()):
            self.person_combo.addItem(self.backend.display_name(uuid), uuid)
        self.person_combo.setCurrentIndex(max(self.person_combo.findData(current), 0))
        self.person_combo.blockSignals(False)
        self._fit_people()

    def _filter(self, *_args: object) -> None:
        group = self.kind_combo.currentData()
        kinds = GROUPS[group][1] if isinstance(group, int) and group >= 0 else None
        self.model.set_filter(self.person_combo.currentData() or "", kinds)
        empty = self.model.rowCount() == 0
        self.empty_label.setText(self.tr("Nothing recorded matches these choices."))
        self.empty_label.setVisible(empty)

    # --- checking ----------------------------------------------------------------------------

    def check(self) -> None:
        """Check the whole record on the worker; the answer appears below the button."""
        self.check_button.setEnabled(False)
        self.busy.start(self.tr("Checking every entry…"))
        handle = self.backend.run(
            check_record, while_alive(self, self._checked), self._check_failed
        )
        if handle is None:
            self._check_done()

    def _check_done(self) -> None:
        self.check_button.setEnabled(True)
        self.busy.stop()

    def _checked(self, verdict: Verdict) -> None:
        self._check_done()
        text = verdict.summary
        if len(verdict.problems) > 1:
            shown = verdict.problems[:12]
            text += "\n\n" + "\n".join(f"• {line}" for line in shown)
            if len(verdict.problems) > len(shown):
                text += "\n" + self.tr("…and {n} more.").format(
                    n=len(verdict.problems) - len(shown)
                )
        if not verdict.ok:
            text += "\n\n" + self.tr(
                "Something changed the record outside Warmline. A backup made before the "
                "change holds the record as it was; please tell the other coordinators."
            )
        set_role(self.result, "hint" if verdict.ok else "error")
        self.result.setText(text)
        self.result.setVisible(True)

    def _check_failed(self, error: BaseException) -> None:
        self._check_done()
        set_role(self.result, "error")
        self.result.setText(describe(error))
        self.result.setVisible(True)

    def focus_first(self) -> None:
        self.person_combo.setFocus(Qt.FocusReason.OtherFocusReason)
