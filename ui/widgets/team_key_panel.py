"""The Team page's card about the team key: replace it on demand, and hand edits to the team list.

Coordinators see a plain-words explanation and a "Change the team's lock…" button. Switching
someone off or resetting a passphrase already replaces it; doing it by hand is for when a copy
of the data folder may have gone somewhere it should not have. The card also lists any place
where the account list in the file disagrees with the signed team list (a role or an account
written into the file with another tool): Warmline follows the signed list, and says so.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.backend import Backend, describe
from ui.prompts import Prompts
from ui.theme import set_role
from warmline.session import Session
from warmline.team import RosterProblem


class TeamKeyPanel(QFrame):
    """A coordinator's controls for the team key, and roster mismatches if there are any."""

    replaced = Signal(int)  # the new generation

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setObjectName("team-key-panel")
        set_role(self, "card")
        title = QLabel(self.tr("The team's lock"))
        set_role(title, "subtitle")
        about = QLabel(
            self.tr(
                "Everything the team writes is locked so that only people on the team can open "
                "it. When someone leaves, switching them off changes the lock for everyone "
                "else and moves older notes over to it, so what they could once open stops "
                "working here. You can also change it by hand, for example if a copy of "
                "Warmline's folder may have gone astray."
            )
        )
        about.setWordWrap(True)
        set_role(about, "hint")
        self.replace_button = QPushButton(self.tr("Change the team's loc&k…"))
        self.replace_button.setObjectName("team-replace-key")
        self.replace_button.setAccessibleName(self.tr("Change the team's lock"))
        self.replace_button.clicked.connect(self.replace_key)
        self.status = QLabel()
        self.status.setObjectName("team-key-status")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        self.problems = QLabel()
        self.problems.setObjectName("team-roster-problems")
        self.problems.setAccessibleName(self.tr("Changes to the team list made outside Warmline"))
        self.problems.setWordWrap(True)
        set_role(self.problems, "error")
        self.problems.setVisible(False)
        self.confirm_button = QPushButton(self.tr("It is them: confirm"))
        self.confirm_button.setObjectName("team-confirm-carried-over")
        self.confirm_button.setAccessibleName(
            self.tr("Confirm the people who set up their accounts again after an update")
        )
        self.confirm_button.clicked.connect(self.confirm_carried_over)
        self.confirm_button.setVisible(False)
        self._unconfirmed: list[RosterProblem] = []

        row = QHBoxLayout()
        row.addWidget(self.replace_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(about)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.problems)
        layout.addWidget(self.confirm_button)
        if not backend.is_coordinator:
            # Only ever hide here: showing a widget before it has a parent would open it
            # as a window of its own for a moment and take the focus from the main window.
            self.hide()
        backend.records_changed.connect(self._records_changed)
        self.check_roster()

    def replace_key(self) -> None:
        if not Prompts.confirm(
            self,
            self.tr("Change the team's lock?"),
            self.tr(
                "Everyone on the team goes on opening notes as before, without doing anything. "
                "Notes written from now on use the new lock, and older notes move over to it "
                "while you keep working. A copy of Warmline's folder made before today stays as "
                "readable as it was: only the file on this computer changes."
            ),
            self.tr("Change the lock"),
            self.tr("Not now"),
        ):
            return
        self.replace_button.setEnabled(False)
        self.backend.run(
            lambda s: s.team.replace_team_key(), self._replaced, self._failed
        )

    def _replaced(self, generation: int) -> None:
        self.replace_button.setEnabled(True)
        self.status.setText(
            self.tr("Done: the team has a new lock. Older notes are moving over to it.")
        )
        self.status.setVisible(True)
        self.backend.changed("team-key")
        self.replaced.emit(generation)

    def _failed(self, error: BaseException) -> None:
        self.replace_button.setEnabled(True)
        self.status.setText(describe(error))
        self.status.setVisible(True)

    def check_roster(self) -> None:
        """Look for hand edits to the team list (coordinators only)."""
        if not self.backend.is_coordinator:
            return

        def problems(session: Session) -> list[RosterProblem]:
            return session.team.roster_problems()

        self.backend.run(problems, self._show_problems, lambda _error: None)

    def _show_problems(self, problems: list[RosterProblem]) -> None:
        self._unconfirmed = [p for p in problems if p.kind == "unconfirmed"]
        self.confirm_button.setVisible(bool(self._unconfirmed))
        problems = [p for p in problems if p.kind != "unconfirmed"]
        if self._unconfirmed:
            names = ", ".join(p.display_name for p in self._unconfirmed)
            self.status.setText(
                self.tr(
                    "{names} set up their accounts again after Warmline was updated. Until you "
                    "confirm it is really them, they can do everything but change the team."
                ).format(names=names)
            )
            self.status.setVisible(True)
        if not problems:
            self.problems.setVisible(False)
            return
        lines = [
            self.tr("Someone changed the team list in the file outside Warmline. Warmline "
                    "goes by the signed team list and ignores these changes:")
        ]  # fmt: skip
        lines += [f"• {p.display_name}: {p.what}" for p in problems]
        self.problems.setText("\n".join(lines))
        self.problems.setVisible(True)

    def confirm_carried_over(self) -> None:
        """Vouch for people carried over from an earlier Warmline (see warmline/roster.py)."""
        people = list(self._unconfirmed)
        if not people or not Prompts.confirm(
            self,
            self.tr("Confirm it is them?"),
            self.tr(
                "Only confirm people you know set up their accounts themselves: {names}."
            ).format(names=", ".join(p.display_name for p in people)),
            self.tr("Confirm"),
            self.tr("Not now"),
        ):
            return

        def confirm(session: Session) -> None:
            roles = {a.uuid: a.role for a in session.team.accounts()}
            for person in people:
                session.team.set_role(person.account_uuid, roles[person.account_uuid])

        self.backend.run(confirm, lambda _none: self.backend.changed("accounts"), self._failed)

    def _records_changed(self, kind: str) -> None:
        if kind == "accounts":
            self.check_roster()
