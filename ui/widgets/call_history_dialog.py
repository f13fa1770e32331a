"""A small read-only window showing the earlier versions of a call's notes.

Edits never overwrite: the core keeps each replaced version, still sealed, so a note can be
checked against what was first written (the person a note is about may ask what changed).
This dialog only reads them; nothing here can change a call.
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
from ui.theme import set_role
from warmline.calls import Call
from warmline.ips import tasks
from warmline.session import Session


def _tr(text: str) -> str:
    return QCoreApplication.translate("CallHistoryDialog", text)


def version_text(call: Call) -> str:
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
    return "\n\n".join(parts) if parts else _tr("(No notes in this version.)")


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

        def load(session: Session) -> list[Call]:
            return [*session.calls.history(call_uuid), session.calls.get(call_uuid)]

        backend.run(load, self._loaded, self._failed)

    @property
    def versions(self) -> list[Call]:
        return list(self._versions)

    def _loaded(self, versions: list[Call]) -> None:
        self._versions = versions
        self.list.clear()
        last = len(versions) - 1
        for number in range(len(versions)):
            if number == last:
                label = self.tr("Current version")
            else:
                label = self.tr("Version {n}").format(n=number + 1)
            self.list.addItem(QListWidgetItem(label))
        if last == 0:
            self.summary.setText(
                self.tr("This call has not been edited, so there are no earlier versions.")
            )
        else:
            self.summary.setText(
                self.tr(
                    "Edited {n} times. Pick a version to read it; nothing here changes it."
                ).format(n=last)
            )
        if versions:
            self.list.setCurrentRow(0 if last else last)
            self.list.setFocus()

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(describe(error))
        set_role(self.summary, "error")

    def _show_version(self, row: int) -> None:
        if 0 <= row < len(self._versions):
            self.text.setPlainText(version_text(self._versions[row]))
        else:
            self.text.clear()

    def done(self, result: int) -> None:
        """Drop the opened versions as the window closes."""
        self._versions = []
        self.text.clear()
        super().done(result)
