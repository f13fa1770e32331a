"""The section list on the left shows every name whole, at any text size and theme."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import wait_idle
from ui.backend import Backend
from ui.pages import page_types, wire_pages
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme
from ui.workspace import Workspace


@pytest.fixture
def restore_theme(qapp: QApplication) -> Iterator[None]:
    yield
    apply_theme(qapp, Theme.SYSTEM, 100)


@pytest.mark.parametrize(("theme", "scale"), [(Theme.LIGHT, 100), (Theme.HIGH_CONTRAST, 200)])
def test_every_section_name_fits_even_with_a_scroll_bar(
    qtbot: QtBot,
    qapp: QApplication,
    backend: Backend,
    runner: TaskRunner,
    restore_theme: None,
    theme: Theme,
    scale: int,
) -> None:
    apply_theme(qapp, theme, scale)
    workspace = Workspace(backend, page_types())
    wire_pages(workspace, None)
    qtbot.addWidget(workspace)
    workspace.resize(1024, 600)  # short: at 200 % the list needs its scroll bar
    workspace.show()
    wait_idle(qtbot, runner)
    nav = workspace.nav
    fm = nav.fontMetrics()
    for row in range(nav.count()):
        item = nav.item(row)
        # The item's box as laid out (after any scroll bar), less its padding (style.qss).
        room = min(nav.visualItemRect(item).width(), nav.viewport().width()) - 2 * (12 + 6)
        assert fm.horizontalAdvance(item.text()) <= room, f"{item.text()!r} is cut at {scale} %"
