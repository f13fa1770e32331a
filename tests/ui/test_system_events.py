"""A real D-Bus signal (sleep, screensaver) reaches SystemEvents and asks for a lock.

test_shell.py checks that ``should_lock`` locks the app; this checks the other half: that the
subscriptions made in ``connect_buses`` are the right ones and land on a slot that exists.
Each case runs a private ``dbus-daemon`` and a child process that plays logind or the
screensaver, so no real desktop is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ui.system_events import _SOURCES

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("system_events_child.py")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="needs dbus-daemon"),
]


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[str]:
    """The address of a private session-type bus, stopped after the test."""
    daemon = subprocess.Popen(
        [
            "dbus-daemon",
            "--session",
            "--nofork",
            "--print-address=1",
            f"--address=unix:path={tmp_path / 'bus'}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    assert address.startswith("unix:")
    yield address
    daemon.terminate()
    daemon.wait(timeout=10)


@pytest.mark.parametrize("source", _SOURCES, ids=lambda s: f"{s[3]}.{s[4]}")
def test_the_system_signal_asks_for_a_lock(bus: str, source: tuple[str, ...]) -> None:
    bus_name, service, path, interface, signal = source
    env = {
        **os.environ,
        "DBUS_SESSION_BUS_ADDRESS": bus,
        "DBUS_SYSTEM_BUS_ADDRESS": bus,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, str(CHILD), bus_name, service, path, interface, signal],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert f"{interface}.{signal}" in output, output  # subscribed as the app does
    assert result.returncode == 0 and "LOCK" in result.stdout.splitlines(), output


def test_sleep_and_the_screensaver_are_what_it_listens_for() -> None:
    """The sources above are read from the module; this pins the ones the app must have."""
    listened = {(s[3], s[4]) for s in _SOURCES}
    assert ("org.freedesktop.login1.Manager", "PrepareForSleep") in listened
    assert ("org.freedesktop.ScreenSaver", "ActiveChanged") in listened
