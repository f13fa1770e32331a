"""What an encrypted backup costs, measured against a plain SQLite backup of the same file.

Why: a backup is taken at the end of a shift, often to a USB stick, while the app is open.
It must be quick enough that nobody minds, and sealing the copy as a whole must not cost
much beyond copying it. This script puts numbers on both.

What it measures, at each size (default 10,000 calls of fiction-generator notes; pass
``--sizes 100000`` for the large line), in the same run and on the same file:

* backup: ``make_backup`` (online copy into memory, sealed in 1 MiB chunks, written through a
  temporary file, fsync, rename), against a plain baseline: ``sqlite3`` online backup of the
  same vault into a file, fsync, then a file copy of it to the backup folder, fsync;
* verify: ``verify`` (every chunk opened and checked, nothing written) against reading the
  plain copy and hashing it with SHA-256;
* restore: ``restore`` into a new folder (the whole file checked first, then written, fsync,
  and opened as a vault once) against copying the plain copy into a new folder, fsync;
* in the app: the same backup through the app's own ``BackupService`` (a worker of its own,
  offscreen Qt) with a 5 ms ticker on the GUI thread (the calls-list benchmark's stall
  meter): the longest GUI stall while a backup runs (budget 50 ms), and how long a save on
  the app's shared worker waits meanwhile (one call added through ``Backend.run`` every
  50 ms; the longest submit-to-done time);
* the Argon2id derivation on its own, with the machine's calibrated profile. Each of the
  three derives the key once (about half a second by design); the three are timed with the
  key already derived (as automatic backups hold it), so the sealing itself is compared
  with the baseline, and the derivation is added back in a column of its own.

Each timing is the best of ``--repeats`` runs. MB/s is the vault file's size over the time.
The output is human-readable and ends with one line of JSON holding every figure.

Run from the repository root::

    .venv/bin/python bench/bench_backup.py                    # 10,000 calls
    .venv/bin/python bench/bench_backup.py --sizes 100000     # the large line
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from warmline import crypto
from warmline.backup import BackupKey, make_backup, restore, verify
from warmline.calls import Call
from warmline.fiction import FictionGenerator
from warmline.vault import Vault, default_kdf_factory

PASSPHRASE = "benchmark passphrase, not a secret"
BACKUP_PASSPHRASE = "benchmark backup passphrase, not a secret"
NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)


def invent(n: int) -> list[Call]:
    gen = FictionGenerator(seed=7, now=NOW)
    callers = gen.callers(max(12, n // 2500))
    return list(gen.calls(n, callers, max(30, n // 40), ["bench-author"]))


def fresh_line(where: Path, n: int) -> Vault:
    def floor() -> crypto.KdfParams:  # the members' KDF plays no part in a backup
        return crypto.KdfParams(b"", crypto.FLOOR.memory_kib, 3, 4).with_new_salt()

    vault, session = Vault.create(where, "Bench line (fictional)", "Bench (demo)", PASSPHRASE,
                                  kdf_factory=floor)  # fmt: skip
    calls = invent(n)
    for i in range(0, len(calls), 1000):
        session.calls.add_many(calls[i : i + 1000])
    session.lock()
    return vault


def best(repeats: int, run: Callable[[int], object]) -> float:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return min(times)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def plain_backup(vault_path: Path, work: Path, folder: Path, i: int) -> Path:
    """The plain way: SQLite's online backup into a file, then a copy onto the stick."""
    local = work / f"plain-{i}.db"
    source = sqlite3.connect(f"{vault_path.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(local)
    source.backup(target)
    target.close()
    source.close()
    fsync_file(local)
    copy = folder / local.name
    shutil.copyfile(local, copy)
    fsync_file(copy)
    return copy


def measure(n: int, root: Path, repeats: int) -> dict[str, Any]:
    vault = fresh_line(root / f"line-{n}", n)
    vault.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = vault.path.stat().st_size
    mb = size / 1e6
    work, stick = root / f"work-{n}", root / f"stick-{n}"
    work.mkdir()
    stick.mkdir()

    params = default_kdf_factory()
    kdf_s = best(repeats, lambda _i: crypto.derive_kek(BACKUP_PASSPHRASE, params).wipe())
    key = BackupKey(params, crypto.derive_kek(BACKUP_PASSPHRASE, params))

    plain_copies: list[Path] = []
    plain_backup_s = best(
        repeats, lambda i: plain_copies.append(plain_backup(vault.path, work, stick, i))
    )
    made: list[Path] = []
    backup_s = best(
        repeats, lambda _i: made.append(make_backup(vault.data_dir, stick, key, keep=None).path)
    )
    plain = plain_copies[-1]
    backup_file = made[-1]

    plain_verify_s = best(repeats, lambda _i: hashlib.sha256(plain.read_bytes()).digest())
    verify_s = best(repeats, lambda _i: verify(backup_file, key))

    def plain_restore(i: int) -> None:
        target = root / f"plain-restore-{n}-{i}"
        target.mkdir()
        shutil.copyfile(plain, target / "warmline.db")
        fsync_file(target / "warmline.db")

    plain_restore_s = best(repeats, plain_restore)
    restore_s = best(repeats, lambda i: restore(backup_file, key, root / f"restore-{n}-{i}"))
    key.wipe()
    vault.close()

    def figures(sealed: float, baseline: float) -> dict[str, float]:
        return {
            "s": round(sealed, 3),
            "mb_per_s": round(mb / sealed, 1),
            "plain_s": round(baseline, 3),
            "ratio": round(sealed / baseline, 2),
            "with_kdf_s": round(sealed + kdf_s, 3),
        }

    return {
        "calls": n,
        "vault_mb": round(mb, 1),
        "backup_file_mb": round(backup_file.stat().st_size / 1e6, 1),
        "kdf_s": round(kdf_s, 3),
        "kdf": {
            "memory_kib": params.memory_kib,
            "iterations": params.iterations,
            "lanes": params.lanes,
        },
        "backup": figures(backup_s, plain_backup_s),
        "verify": figures(verify_s, plain_verify_s),
        "restore": figures(restore_s, plain_restore_s),
    }


def measure_gui(n: int, root: Path) -> dict[str, Any]:
    """A backup through the app's own service while the GUI thread ticks and saves go on."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from bench.bench_calls_list import StallMeter, wait_until
    from ui.backend import Backend
    from ui.backup_service import BackupService
    from ui.clipboard import SafeClipboard
    from ui.clock import SystemClock
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    vault = Vault.open(root / f"line-{n}", kdf_factory=default_kdf_factory)
    coordinator = vault.accounts()[0]
    session = vault.unlock(coordinator.uuid, PASSPHRASE)
    runner = TaskRunner()
    backend = Backend(runner, session, SystemClock(), SafeClipboard(), vault.line_name)
    service = BackupService()
    stick = root / f"gui-stick-{n}"
    stick.mkdir()
    outcome: list[object] = []
    waits: list[float] = []

    def save() -> None:
        submitted = time.perf_counter()
        backend.run(
            lambda s: s.calls.add(Call(connection="saved while a backup runs")),
            lambda _call: waits.append(time.perf_counter() - submitted),
        )

    saver = QTimer()
    saver.setInterval(50)
    saver.timeout.connect(save)
    meter = StallMeter()
    meter.start()
    saver.start()
    start = time.perf_counter()
    service.back_up(
        session.vault_path, stick, BACKUP_PASSPHRASE, line_name=vault.line_name, keep=None,
        kdf_factory=default_kdf_factory, on_done=outcome.append, on_error=outcome.append,
    )  # fmt: skip
    wait_until(lambda: bool(outcome), [service.progress, runner.busy_changed], timeout_s=600)
    while not outcome:
        app.processEvents()
    took = time.perf_counter() - start
    saver.stop()
    stalls = meter.stop()
    assert not isinstance(outcome[0], BaseException), outcome[0]
    service.shutdown()
    backend.close()
    runner.shutdown(wait=True)
    vault.close()
    return {
        "calls": n,
        "in_app_backup_s": round(took, 2),
        "ticks": stalls["ticks"],
        "longest_gui_stall_ms": stalls["longest_stall_ms"],
        "saves_during": len(waits),
        "longest_save_wait_ms": round(1000 * max(waits, default=0.0)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-gui", action="store_true", help="skip the in-app measurement")
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    gui: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="warmline-bench-backup-") as tmp:
        for n in args.sizes:
            r = measure(n, Path(tmp), args.repeats)
            results.append(r)
            print(
                f"{n:>7,} calls, vault {r['vault_mb']} MB, backup file {r['backup_file_mb']} "
                f"MB, Argon2id {r['kdf_s']:.2f} s",
                flush=True,
            )
            for what in ("backup", "verify", "restore"):
                f = r[what]
                print(
                    f"  {what:<8} {f['s']:.2f} s ({f['mb_per_s']} MB/s); plain "
                    f"{f['plain_s']:.2f} s; ratio {f['ratio']}; with the key derivation "
                    f"{f['with_kdf_s']:.2f} s",
                    flush=True,
                )
            if not args.no_gui:
                g = measure_gui(n, Path(tmp))
                gui.append(g)
                print(
                    f"  in the app: {g['in_app_backup_s']:.2f} s, longest GUI stall "
                    f"{g['longest_gui_stall_ms']} ms (budget 50 ms); {g['saves_during']} saves "
                    f"meanwhile, the longest waited {g['longest_save_wait_ms']} ms",
                    flush=True,
                )
    print(json.dumps({"sizes": results, "gui": gui}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
