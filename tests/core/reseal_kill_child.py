"""TEST-ONLY child for test_rotation_kill.py: replace the team key, re-seal, get killed.

Imports pytest first only because the cheap test KDF refuses to work without it. Usage:
``python reseal_kill_child.py DATA_DIR PASSPHRASE ACCOUNT_UUID``. Prints ``ROTATED`` once the
new generation is committed and ``STEP <n> <left>`` after each committed batch, then keeps
going until it is killed (or finishes and prints ``DONE``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest  # noqa: F401  (see the module docstring)

from warmline import crypto
from warmline.vault import Vault

crypto.allow_cheap_kdf_for_tests()


def main() -> int:
    data_dir, passphrase, account = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    session = vault.unlock(account, passphrase)
    if "--rotate" in sys.argv:
        session.team.replace_team_key()
        print("ROTATED", flush=True)
    job = session.reseal(batch=40)
    step = 0
    while True:
        progress = job.step()
        step += 1
        print(f"STEP {step} {progress.left}", flush=True)
        if progress.finished:
            print("DONE", flush=True)
            return 0
        time.sleep(0.01)


if __name__ == "__main__":
    sys.exit(main())
