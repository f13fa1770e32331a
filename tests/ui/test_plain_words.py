"""The app speaks to people, not to engineers: no "team key", "re-wrapped", "vault", "KDF"…

Two checks. One walks every screen and dialog as built and reads what a person sees (labels,
buttons, tooltips, placeholders, list items, accessible names). The other reads every
translatable string in ``ui/`` and every message the core raises for a screen, so questions,
busy lines and errors that only appear at the right moment are covered too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.pages import page_types, wire_pages
from ui.screens.first_run import FirstRunScreen
from ui.screens.unlock import UnlockScreen
from ui.tasks import TaskRunner
from ui.widgets.add_person_dialog import AddPersonDialog
from ui.widgets.backup_dialog import BackupDialog
from ui.widgets.csv_preview_dialog import CsvPreviewDialog
from ui.widgets.recovery_code_dialog import RecoveryCodeDialog
from ui.widgets.recovery_unlock_dialog import RecoveryUnlockDialog
from ui.widgets.restore_dialog import RestoreDialog
from ui.widgets.shortcuts_dialog import ShortcutsDialog
from ui.workspace import Workspace
from warmline import errors

ROOT = Path(__file__).resolve().parents[2]

TECHNICAL = re.compile(
    r"\b(keys?|re-?wrap\w*|unwrap\w*|wrap(?:s|ped|ping)?|vaults?|kdf|argon\w*|aes|gcm|"
    r"uuids?|salt|hash\w*|cipher\w*|sqlite|database|blob|socket|plaintext|decrypt\w*)\b",
    re.IGNORECASE,
)
#: Everyday phrases that happen to hold one of the words above.
EVERYDAY = ("house key", "any key")  # "any key": one on the keyboard


def technical_words(text: str) -> list[str]:
    plain = text.replace("&", "")
    for phrase in EVERYDAY:
        plain = re.sub(re.escape(phrase), "", plain, flags=re.IGNORECASE)
    return [m.group(0) for m in TECHNICAL.finditer(plain)]


def seen_text(root: QWidget) -> list[str]:
    texts = [root.windowTitle(), root.toolTip()]
    for widget in root.findChildren(QWidget):
        texts += [widget.toolTip(), widget.accessibleName(), widget.whatsThis()]
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
            texts.append(widget.placeholderText())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
    return [t for t in texts if t]


@pytest.fixture
def everything(qtbot: QtBot, backend: Backend, runner: TaskRunner) -> Iterator[list[QWidget]]:
    workspace = Workspace(backend, page_types())
    wire_pages(workspace, None)
    qtbot.addWidget(workspace)
    workspace.show()
    for key in list(workspace.pages):
        workspace.show_page(key)
        wait_idle(qtbot, runner)
    dialogs: list[QWidget] = [
        AddPersonDialog(backend, workspace),
        RecoveryCodeDialog("ABCDE-FGHJK-LMNPQ-RSTVW-XYZ23", "Alex", "Line", parent=workspace),
        RecoveryUnlockDialog("Alex", parent=workspace),
        ShortcutsDialog(workspace),
        BackupDialog(backend, workspace),
        RestoreDialog(workspace),
        CsvPreviewDialog("table,row,column,value\r\n", "report.csv", workspace),
    ]
    yield [*workspace.pages.values(), UnlockScreen(), FirstRunScreen(), *dialogs]


def test_no_screen_or_dialog_shows_a_technical_word(everything: list[QWidget]) -> None:
    found = [
        f"{root.objectName()}: {words} in {text[:70]!r}"
        for root in everything
        for text in seen_text(root)
        if (words := technical_words(text))
    ]
    assert found == []


def _strings_in_tr_calls(path: Path) -> Iterator[tuple[int, str]]:
    """Literal strings handed to ``tr``/``translate``/``_tr``: what a person may read."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name not in ("tr", "translate", "_tr"):
            continue
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield node.lineno, arg.value


def _core_messages() -> Iterator[tuple[int, str]]:
    """Messages the core's own errors carry to a screen (``describe`` shows them as they are;
    any other exception becomes a generic sentence, so its text is never seen)."""
    shown = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.WarmlineError)
    }
    for path in (ROOT / "warmline").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if called in shown or (path.name == "errors.py" and called == "__init__"):
                for part in (p for arg in node.args for p in ast.walk(arg)):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        yield node.lineno, part.value


def test_no_message_in_the_code_uses_a_technical_word() -> None:
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for line, text in _strings_in_tr_calls(path):
            if words := technical_words(text):
                found.append(f"{path.relative_to(ROOT)}:{line}: {words} in {text[:60]!r}")
    for line, text in _core_messages():
        if words := technical_words(text):
            found.append(f"warmline:{line}: {words} in {text[:60]!r}")
    assert found == []


def test_the_check_itself_finds_technical_words() -> None:
    assert technical_words("Only your keys are re-wrapped") == ["keys", "re-wrapped"]
    assert technical_words("holds the same team key") == ["key"]
    assert technical_words("Keep it as you would a house key") == []
    assert technical_words("Keyboard shortcuts") == []
