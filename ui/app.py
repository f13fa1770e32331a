"""Entry point: ``warmline [--data-dir DIR] [--demo] [--version]``.

Startup does as little as possible before the window shows: the vault is opened on the
worker thread while the window already says "Opening…".
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

START = time.perf_counter()

import warmline  # noqa: E402
from warmline.paths import (  # noqa: E402
    DEMO_FOLDER,
    ENV_DATA_DIR,
    default_data_dir,
    folder_refusal,
    resolve_data_dir,
)

APP_NAME = "Warmline"
#: Exit status when the data folder named is not one Warmline may use (as for a bad option).
EXIT_BAD_FOLDER = 2
log = logging.getLogger("warmline")


#: Commands that run without a window (warmline/cli_backup.py); no Qt is loaded for them.
BACKUP_COMMANDS = ("backup", "verify-backup", "restore")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="warmline",
        description="Call notes, handovers and private reflections for peer-run warmlines.",
        epilog="Backups without a window: warmline backup --to DIR, "
        "warmline verify-backup FILE, warmline restore FILE --data-dir DIR "
        "(each with --help).",
    )
    parser.add_argument("--version", action="version", version=f"Warmline {warmline.__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"folder for this line's data (default: ${ENV_DATA_DIR} or {default_data_dir()})",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a demo line with fictional calls (made on first use, kept apart from real data)",
    )
    return parser.parse_known_args(argv)[0]


PR_SET_DUMPABLE = 4  # from <linux/prctl.h>


def harden_process() -> None:
    """Files we create are private, and a crash leaves no core dump holding keys.

    On Linux the process is also made not "dumpable": besides no core file, another program
    running as the same user can no longer attach a debugger or read /proc/<pid>/mem. What
    Windows and macOS get instead is written down in docs/architecture.md.
    """
    os.umask(0o077)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):  # not on every platform
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl (an unusual libc): carry on
            pass


def data_dir_for(args: argparse.Namespace) -> Path:
    """The folder to open. ``--demo`` never uses ``WARMLINE_DATA_DIR``, which names the real
    line: the demo goes to the ``demo`` folder inside the default data folder, or to the
    ``--data-dir`` given with it (which then must be new, empty or a demo line: a real line
    there is refused once opened, see ``AppController``)."""
    if args.demo:
        if args.data_dir:
            return resolve_data_dir(args.data_dir)
        return default_data_dir() / DEMO_FOLDER
    return resolve_data_dir(args.data_dir)


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given and given[0] in BACKUP_COMMANDS:
        from warmline.cli_backup import main as backup_main

        harden_process()  # a passphrase and keys are in memory: no core dump may keep them
        return backup_main(given)
    args = parse_args(argv)
    data_dir = data_dir_for(args)
    refusal = folder_refusal(data_dir)
    if refusal is not None:  # before anything is created, changed or locked in it
        print(f"warmline: {refusal}", file=sys.stderr)
        return EXIT_BAD_FOLDER
    harden_process()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.controller import AppController
    from ui.preferences import last_appearance
    from ui.prompts import Prompts
    from ui.resources import app_icon
    from ui.single_instance import SingleInstance
    from ui.theme import apply_theme

    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(warmline.__version__)
    QApplication.setDesktopFileName("warmline")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setWindowIcon(app_icon())
    theme, scale = last_appearance()
    apply_theme(app, theme, scale)

    instance = SingleInstance(data_dir)
    if not instance.claim():
        Prompts.info(
            None,
            APP_NAME,
            app.translate(
                "app",
                "Warmline is already open for this line. We have brought that window to the front.",
            ),
        )
        return 0

    controller = AppController(data_dir, demo=args.demo, app=app)
    instance.raise_requested.connect(controller.raise_window)
    app.aboutToQuit.connect(controller.shutdown)
    controller.window.show()
    controller.start()

    if os.environ.get("WARMLINE_TIMING"):

        def report(what: str) -> None:
            ms = 1000 * (time.perf_counter() - START)
            print(f"startup: {what} after {ms:.0f} ms", file=sys.stderr)

        QTimer.singleShot(0, lambda: report("window shown"))
        controller.vault_ready.connect(lambda: report("unlock screen ready"))
    code = app.exec()
    controller.shutdown()
    instance.release()
    return code


if __name__ == "__main__":
    sys.exit(main())
