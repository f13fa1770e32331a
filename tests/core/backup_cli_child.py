"""TEST-ONLY child process for test_backup_cli.py: the real ``warmline`` entry point with the
cheap test KDF for new backups.

Never run this outside the test suite. It imports pytest first only because
``warmline.crypto.allow_cheap_kdf_for_tests()`` refuses to work without it. Usage:
``python backup_cli_child.py ARGS...`` with the repository root on PYTHONPATH; exits with the
entry point's status, and with 99 if the backup commands loaded Qt.
"""

from __future__ import annotations

import sys

import pytest  # noqa: F401  (see the module docstring)

from warmline import cli_backup, crypto

crypto.allow_cheap_kdf_for_tests()
cli_backup.default_kdf_factory = crypto.cheap_test_params

from ui import app  # noqa: E402

code = app.main(sys.argv[1:])
sys.stdout.flush()
if any(name.split(".")[0] in ("PySide6", "shiboken6") for name in sys.modules):
    sys.exit(99)
sys.exit(code)
