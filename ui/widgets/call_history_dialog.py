"""A small read-only window showing the earlier versions of a call's notes.

Edits never overwrite: the core keeps each replaced version, still sealed, so a note can be
checked against what was first written (the person a note is about may ask what changed).
This dialog only reads them; nothing here can change a call.

Each version says who saved it and when: the first is the call's author; each later one
comes from :meth:`~warmline.records.Repository.edits`, which opens the sealed note of who
replaced each earlier version and when. Names come from the accounts the backend already
holds.

A call changed on two computers from the same version (only sharing one line between
workstations makes that; see docs/sync.md) keeps both: the window says so, and saving the
call again settles it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Backend, describe
from ui.models.calls_model import time_text
from ui.theme import set_role
from warmline.calls import Call
from warmline.ips import tasks
from warmline.records import Edit
from warmline.session import Session


def _tr(text: str) -> str:
    return QCoreApplication.translate("CallHistoryDialog", text)


def edited_text(count: int) -> str:
    """How often a call was edited, in words."""
    if count == 1:
        return _tr("Edited once.")
    return _tr("Edited {n} times.").format(n=count)


def saved_by_text(who: str, edit: Edit | None) -> str:
    """Who saved a version, and when if known ("Sam, Mon 23 Nov 2026, 18:40")."""
    if edit is None:
        return _tr("first written by {who}").format(who=who)
    when = time_text(edit.edited_at)
    return _tr("edited by {who}, {when}").format(who=who, when=when) if when else who


def version_text(call: Call, saved_by: str = "") -> str:
    """One version of a call's notes as plain text, under the IPS task titles."""
    if call.damaged:
        return _tr(
            "This version could not be opened: it looks damaged or changed outside Warmline."
        )
    titles = {task.id: task.title for task in tasks()}
    parts = []
    for name in Call.IPS_FIELDS:
        text = getattr(call, name).strip()
        if text:
            parts.append(f"{titles.get(name, name)}\n{text}")
    extras = (
        (_tr("Topics"), ", ".join(call.topics)),
        (_tr("Resources shared"), call.resources_shared.strip()),
        (_tr("To follow up"), call.follow_up.strip()),
    )
    parts.extend(f"{title}\n{text}" for title, text in extras if text)
    body = "\n\n".join(parts) if parts else _tr("(No notes in this version.)")
    return f"{saved_by[:1].upper()}{saved_by[1:]}.\n\n{body}" if saved_by else body


NEEDS_A_LOOK = _tr(
    "Needs a look: this call was changed on two computers at the same time, and both "
    "versions are kept here. Save the call again with the words that should stay."
)


class CallHistoryDialog(QDialog):
    """Lists the versions of one call, oldest first, with the chosen one's notes beside it."""

    def __init__(self, backend: Backend, call_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call-history")
        self.setWindowTitle(self.tr("Earlier versions of this call"))
        self.setAccessibleName(self.tr("Earlier versions of this call"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 420)
        self._versions: list[Call] = []
        self._saved_by: list[str] = []
        self._backend = backend

        self.summary = QLabel(self.tr("Opening the earlier versions…"))
        self.summary.setObjectName("call-history-summary")
        self.summary.setWordWrap(True)
        set_role(self.summary, "hint")
        self.list = QListWidget()
        self.list.setObjectName("call-history-versions")
        self.list.setAccessibleName(self.tr("Versions"))
        self.text = QPlainTextEdit()
        self.text.setObjectName("call-history-text")
        self.text.setAccessibleName(self.tr("Notes in this version"))
        self.text.setReadOnly(True)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([150, 470])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("call-history-buttons")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show_version)

        def load(session: Session) -> tuple[list[Call], list[Edit], bool]:
            versions = [*session.calls.history(call_uuid), session.calls.get(call_uuid)]
            both = call_uuid in session.calls.needs_look()
            return versions, session.calls.edits(call_uuid), both

        backend.run(load, self._loaded, self._failed)

    @property
    def versions(self) -> list[Call]:
        return list(self._versions)

    def _loaded(self, result: tuple[list[Call], list[Edit], bool]) -> None:
        versions, edits, needs_look = result
        self._versions = versions
        by_revision = {edit.revision: edit for edit in edits}
        author = versions[-1].author_uuid if versions else ""
        self._saved_by = []
        self.list.clear()
        last = len(versions) - 1
        for number, version in enumerate(versions):
            edit = by_revision.get(version.revision) if number else None
            who = self._backend.display_name(edit.edited_by if edit else author)
            saved_by = saved_by_text(who, edit) if who else ""
            self._saved_by.append(saved_by)
            if number == last:
                label = self.tr("Current version")
            else:
                label = self.tr("Version {n}").format(n=number + 1)
            item = QListWidgetItem(f"{label}\n{saved_by}" if saved_by else label)
            item.setToolTip(saved_by)
            self.list.addItem(item)
        if last == 0:
            self.summary.setText(
                self.tr("This call has not been edited, so there are no earlier versions.")
            )
        else:
            self.summary.setText(
                edited_text(last)
                + " "
                + self.tr("Pick a version to read it; nothing here changes it.")
            )
        if needs_look:
            self.summary.setText(NEEDS_A_LOOK + " " + self.summary.text())
            set_role(self.summary, "banner")
        if versions:
            self.list.setCurrentRow(0 if last else last)
            self.list.setFocus()

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(describe(error))
        set_role(self.summary, "error")

    def _show_version(self, row: int) -> None:
        if 0 <= row < len(self._versions):
            saved_by = self._saved_by[row] if row < len(self._saved_by) else ""
            self.text.setPlainText(version_text(self._versions[row], saved_by))
        else:
            self.text.clear()

    def done(self, result: int) -> None:
        """Drop the opened versions as the window closes."""
        self._versions = []
        self._saved_by = []
        self.text.clear()
        super().done(result)
