"""The one seam for message boxes and file dialogs.

Every question the app asks the user through a modal dialog goes through :class:`Prompts`, so
tests can answer it (a real modal dialog would block a headless test forever). This follows
KeePassXC's ``MessageBox::setNextAnswer``: in production the methods open QMessageBox and
QFileDialog; after ``Prompts.set_next_answers([...])`` they open nothing, take the next
scripted answer instead and record what was asked in ``Prompts.asked``.

Usage::

    if Prompts.confirm(self, self.tr("Discard draft?"), text, self.tr("Discard"), self.tr("Keep")):
        ...
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import ClassVar, NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


class Asked(NamedTuple):
    """One prompt shown while scripted; lets a test check what the user would have seen."""

    kind: str  # "info", "warn", "confirm", "passphrase", "save_file", "open_file" or "folder"
    title: str
    text: str


class Prompts:
    """Modal questions to the user, answerable by tests.

    Class-level state rather than an instance passed around: any screen can ask without being
    handed a dependency, and a test switches every screen over at once.
    """

    # None: production, open real dialogs. A deque: scripted, answers are taken from it.
    _script: ClassVar[deque[object] | None] = None
    asked: ClassVar[list[Asked]] = []

    # -- test seam -------------------------------------------------------------------------

    @classmethod
    def set_next_answers(cls, answers: Iterable[object]) -> None:
        """Switch to scripted mode and queue answers, in the order the prompts will come.

        ``confirm`` takes a bool, ``passphrase`` a string or None (cancelled) and
        ``save_file``, ``open_file`` and ``folder`` a path string or None (cancelled);
        ``info`` and ``warn`` have nothing to answer and take nothing from the queue. When
        the queue runs dry, a confirm or save prompt raises rather than blocking.
        """
        if cls._script is None:
            cls._script = deque()
        cls._script.extend(answers)

    @classmethod
    def reset(cls) -> None:
        """Back to production mode: real dialogs, empty queue and record."""
        cls._script = None
        cls.asked = []

    @classmethod
    def _take(cls, kind: str, title: str, text: str) -> object:
        """Record a scripted prompt and return the next answer (only for answerable kinds)."""
        assert cls._script is not None
        cls.asked.append(Asked(kind, title, text))
        if kind in ("info", "warn"):
            return None
        if not cls._script:
            raise LookupError(f"No scripted answer left for {kind} prompt {title!r}")
        return cls._script.popleft()

    # -- prompts ---------------------------------------------------------------------------

    @classmethod
    def info(cls, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user something that needs no decision."""
        if cls._script is not None:
            cls._take("info", title, text)
            return
        QMessageBox.information(parent, title, text)

    @classmethod
    def warn(cls, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user something went wrong or needs care."""
        if cls._script is not None:
            cls._take("warn", title, text)
            return
        QMessageBox.warning(parent, title, text)

    @classmethod
    def confirm(
        cls, parent: QWidget | None, title: str, text: str, ok_label: str, cancel_label: str
    ) -> bool:
        """Ask a yes/no question; True only if the user chose ``ok_label``.

        The buttons carry verbs ("Discard draft", "Keep writing") rather than OK/Cancel, so
        the choice reads without the text. The cancel button is the default and Escape picks
        it: a stray Enter from someone typing mid-call must not do the irreversible thing.
        """
        if cls._script is not None:
            answer = cls._take("confirm", title, text)
            if not isinstance(answer, bool):
                raise TypeError(f"confirm prompt {title!r} needs a bool answer, got {answer!r}")
            return answer
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        ok = box.addButton(ok_label, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(cancel_label, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is ok

    @classmethod
    def passphrase(cls, parent: QWidget | None, title: str, text: str) -> str | None:
        """Ask for the person's current passphrase (hidden as it is typed); None if they
        cancelled. What they type is never stored: the caller checks it by unwrapping."""
        if cls._script is not None:
            answer = cls._take("passphrase", title, text)
            if answer is not None and not isinstance(answer, str):
                raise TypeError(f"passphrase prompt {title!r} needs str or None, got {answer!r}")
            return answer
        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(text)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
        )
        ok = dialog.exec() == QInputDialog.DialogCode.Accepted
        typed = dialog.textValue()
        dialog.setTextValue("")
        return typed if ok and typed else None

    @classmethod
    def save_file(
        cls, parent: QWidget | None, title: str, filter: str, directory: str = ""
    ) -> str | None:
        """Ask where to save a file; the chosen path, or None if the user cancelled.

        ``filter`` is a QFileDialog name filter such as ``"CSV files (*.csv)"``; ``directory``
        may hold a suggested folder or file name.
        """
        if cls._script is not None:
            answer = cls._take("save_file", title, filter)
            if answer is not None and not isinstance(answer, str):
                raise TypeError(f"save_file prompt {title!r} needs str or None, got {answer!r}")
            return answer
        path, _selected_filter = QFileDialog.getSaveFileName(parent, title, directory, filter)
        return path or None

    @classmethod
    def open_file(
        cls, parent: QWidget | None, title: str, filter: str, directory: str = ""
    ) -> str | None:
        """Ask which existing file to open; its path, or None if the user cancelled."""
        if cls._script is not None:
            answer = cls._take("open_file", title, filter)
            if answer is not None and not isinstance(answer, str):
                raise TypeError(f"open_file prompt {title!r} needs str or None, got {answer!r}")
            return answer
        path, _selected_filter = QFileDialog.getOpenFileName(parent, title, directory, filter)
        return path or None

    @classmethod
    def folder(cls, parent: QWidget | None, title: str, directory: str = "") -> str | None:
        """Ask for a folder (the dialog can make a new one); its path, or None."""
        if cls._script is not None:
            answer = cls._take("folder", title, "")
            if answer is not None and not isinstance(answer, str):
                raise TypeError(f"folder prompt {title!r} needs str or None, got {answer!r}")
            return answer
        path = QFileDialog.getExistingDirectory(parent, title, directory)
        return path or None
