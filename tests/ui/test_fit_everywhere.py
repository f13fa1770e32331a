"""Every screen and dialog at 100 % and 200 % text: no label, button, field or column title
is narrower (or shorter) than its own words.

Walks the running app (see screen_tour) in a 1024x700 window and at the default size, and
measures each control with its own font (see fit_check for the rules). 200 % is checked in
high contrast, whose thicker borders leave the least room.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.fit_check import clipped
from tests.ui.screen_tour import STOPS, Tour, appearance, copy_line, make_demo_line, settle
from ui.theme import Theme

LOOKS = [pytest.param(Theme.LIGHT, 100, id="100"), pytest.param(Theme.HIGH_CONTRAST, 200, id="200")]


@pytest.fixture(scope="module")
def demo_line(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_line(tmp_path_factory.mktemp("fit-demo"))


@pytest.mark.parametrize(("theme", "scale"), LOOKS)
@pytest.mark.parametrize("stop", STOPS)
def test_text_fits(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, demo_line: Path, stop: str, theme: Theme,
    scale: int,
) -> None:  # fmt: skip
    problems: list[str] = []

    def check(window: QWidget, where: str) -> None:
        problems.extend(f"{where}: {line}" for line in clipped(window))

    fresh = stop.startswith("first-run")
    data_dir = tmp_path / "new-line" if fresh else copy_line(demo_line, tmp_path)
    with appearance(qapp, theme, scale):
        tour = Tour(qtbot, data_dir, theme, scale, fresh=fresh)
        try:
            tour.visit(stop, check)
        finally:
            tour.close()
    assert problems == [], f"text cut off at {scale} %:\n" + "\n".join(problems)


@pytest.mark.parametrize(("theme", "scale"), LOOKS)
def test_a_combo_list_shows_every_choice_whole(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, demo_line: Path, theme: Theme, scale: int
) -> None:
    """The list a combo box opens is tall and wide enough for its choices ("High contrast"
    in Settings › Theme was cut off below the third)."""
    cut: list[str] = []
    with appearance(qapp, theme, scale):
        tour = Tour(qtbot, copy_line(demo_line, tmp_path), theme, scale)
        try:
            tour.unlock()
            page = tour.page("settings")
            settle(qtbot, tour.window)
            for combo in page.findChildren(QComboBox):
                if not combo.isVisible():
                    continue
                combo.showPopup()
                view = combo.view()
                qtbot.waitUntil(view.isVisible)
                room = view.viewport().rect()
                for row in range(combo.count()):
                    item = view.visualRect(combo.model().index(row, 0))
                    needed = view.fontMetrics().horizontalAdvance(combo.itemText(row))
                    if not room.contains(item) or item.width() < needed:
                        cut.append(f"{combo.objectName()}: {combo.itemText(row)!r}")
                combo.hidePopup()
        finally:
            tour.close()
    assert cut == []
