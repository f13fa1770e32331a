"""TEST-ONLY child process for test_system_events.py: does a real D-Bus signal reach the lock?

Run with ``DBUS_SESSION_BUS_ADDRESS`` and ``DBUS_SYSTEM_BUS_ADDRESS`` both pointing at a
private ``dbus-daemon`` the parent started (a process learns its buses once, so this needs a
process of its own). It plays the part of logind or the screensaver: it owns the service name,
lets :class:`ui.system_events.SystemEvents` subscribe as the app does, then sends the signal.

Usage: ``python system_events_child.py BUS SERVICE PATH INTERFACE SIGNAL``. Prints
``CONNECTED <names>`` and then ``LOCK`` when ``should_lock`` fires, or ``NO LOCK`` after
five seconds; the exit code is 0 only for ``LOCK``.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtDBus import QDBusConnection, QDBusMessage

from ui.system_events import SystemEvents


def main(bus_name: str, service: str, path: str, interface: str, signal: str) -> int:
    app = QCoreApplication(sys.argv[:1])
    # A second connection of our own plays the system service: it owns the name first, as
    # logind does long before the app starts.
    address_var = "DBUS_SYSTEM_BUS_ADDRESS" if bus_name == "system" else "DBUS_SESSION_BUS_ADDRESS"
    import os

    speaker = QDBusConnection.connectToBus(os.environ[address_var], "speaker")
    if not speaker.isConnected() or not speaker.registerService(service):
        print("NO BUS", flush=True)
        return 2
    events = SystemEvents()
    connected = events.connect_buses()
    print("CONNECTED", " ".join(connected), flush=True)
    result = {"locked": False}

    def locked() -> None:
        result["locked"] = True
        app.quit()

    events.should_lock.connect(locked)

    def speak() -> None:
        message = QDBusMessage.createSignal(path, interface, signal)
        message.setArguments([True])
        speaker.send(message)

    QTimer.singleShot(200, speak)
    QTimer.singleShot(5000, app.quit)
    app.exec()
    print("LOCK" if result["locked"] else "NO LOCK", flush=True)
    return 0 if result["locked"] else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
