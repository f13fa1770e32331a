"""Lock when the desktop locks or the machine goes to sleep, where the system tells us.

Qt has no portable signal for "screen locked" or "about to sleep". On Linux desktops these
arrive over D-Bus: logind's ``PrepareForSleep(true)`` on the system bus, and the
freedesktop screensaver's ``ActiveChanged(true)`` on the session bus. Where neither bus is
reachable (Windows, macOS, a bare X server) nothing is connected and the idle timer,
Ctrl+L and the Lock button remain. Qt's ``ApplicationSuspended`` state is handled by the
controller as well.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QObject, Signal, Slot

log = logging.getLogger(__name__)

_SOURCES = (
    # (bus, service, path, interface, signal)
    (
        "system",
        "org.freedesktop.login1",
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
        "PrepareForSleep",
    ),
    (
        "session",
        "org.freedesktop.ScreenSaver",
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
        "ActiveChanged",
    ),
    (
        "session",
        "org.gnome.ScreenSaver",
        "/org/gnome/ScreenSaver",
        "org.gnome.ScreenSaver",
        "ActiveChanged",
    ),
)


class SystemEvents(QObject):
    """Emits ``should_lock`` when the system is about to sleep or the screen locks."""

    should_lock = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.connected: list[str] = []

    def connect_buses(self) -> list[str]:
        """Subscribe to whatever is available; returns the names that were connected."""
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # pragma: no cover - QtDBus ships with PySide6 on Linux
            return []
        for bus_name, service, path, interface, name in _SOURCES:
            bus = (
                QDBusConnection.systemBus()
                if bus_name == "system"
                else QDBusConnection.sessionBus()
            )
            # PySide6 takes the SLOT() string here; its stubs only list bytes.
            if bus.isConnected() and bus.connect(  # type: ignore[call-overload]
                service, path, interface, name, self, SLOT("on_state(bool)")
            ):
                self.connected.append(f"{interface}.{name}")
        if self.connected:
            log.info("locking on: %s", ", ".join(self.connected))
        return self.connected

    @Slot(bool)
    def on_state(self, active: bool) -> None:
        """Sleep starting or the screensaver coming on both mean: lock now."""
        if active:
            self.should_lock.emit()
