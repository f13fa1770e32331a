"""Fixtures shared by every test.

Sections:
  * Qt       — headless platform, isolated QSettings, no real modal dialogs.
  * (core)   — core fixtures are appended below the Qt section.

Qt and ui modules are imported inside the fixtures, not at the top, so this file stays cheap
to load and core tests never depend on the ui package importing cleanly.
"""

from __future__ import annotations

import os

# Must happen before any QApplication exists: tests run headless on CI and on desktops alike,
# and never flash windows at the person running them. setdefault lets a developer override it
# (QT_QPA_PLATFORM=xcb) to watch a test.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ui.prompts import Prompts

# ============================================================================================
# Qt
# ============================================================================================

TEST_ORGANISATION = "WarmlineTests"
TEST_APPLICATION = "warmline-tests"
_UI_TESTS = Path(__file__).parent / "ui"


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> Iterator[Path]:
    """Send every QSettings read and write to this test's tmp_path.

    Autouse so no test, however it builds its QSettings, can read or overwrite the settings of
    the person running the suite. Both scopes and both formats are redirected because code may
    use QSettings() (default format) or name a format explicitly.
    """
    from PySide6.QtCore import QCoreApplication, QSettings

    settings_dir = tmp_path / "qsettings"
    settings_dir.mkdir()
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(settings_dir))

    previous = (
        QSettings.defaultFormat(),
        QCoreApplication.organizationName(),
        QCoreApplication.applicationName(),
    )
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QCoreApplication.setOrganizationName(TEST_ORGANISATION)
    QCoreApplication.setApplicationName(TEST_APPLICATION)
    yield settings_dir
    QSettings.setDefaultFormat(previous[0])
    QCoreApplication.setOrganizationName(previous[1])
    QCoreApplication.setApplicationName(previous[2])


@pytest.fixture
def prompts() -> Iterator[type[Prompts]]:
    """Put ui.prompts into scripted mode and yield the Prompts class to script it.

    A real modal dialog would hang a headless test forever; in scripted mode an unexpected
    confirm/save prompt raises instead, and every prompt is recorded in ``prompts.asked``.
    Tests answer with ``prompts.set_next_answers([...])``.
    """
    from ui.prompts import Prompts

    Prompts.set_next_answers([])
    yield Prompts
    Prompts.reset()


@pytest.fixture(autouse=True)
def _no_real_dialogs(request: pytest.FixtureRequest) -> None:
    """Use ``prompts`` for every test under tests/ui, so none can block on a real dialog.

    Only there, so core tests never import the ui package.
    """
    if _UI_TESTS in Path(request.path).parents:
        request.getfixturevalue("prompts")


# ============================================================================================
# (core fixtures go below this line)
# ============================================================================================
