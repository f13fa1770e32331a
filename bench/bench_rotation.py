"""What replacing the team key costs, measured against a sealed insert of the same rows.

Why: switching someone off replaces the team key and re-seals every older record to the new
generation in the background (warmline/rotation.py). The budget is that the re-seal runs at
least as fast as sealing the same rows in the first place, and that the app never stalls
for more than 50 ms while it runs. A passphrase change now makes new personal keys and
re-seals that person's private records; its cost beyond the key derivation is measured too.

What it measures, at each size (default 10,000 and 100,000 calls of fiction-generator notes):

* baseline: ``session.calls.add_many`` of the same calls into a fresh file, batches of 1,000;
* re-seal: ``replace_team_key`` then ``Reseal(batch=500).run()`` over every row, in the same
  run, so the two are compared on the same machine at the same moment;
* the GUI thread during the re-seal in the app's own machinery (TaskRunner, Backend,
  ResealService, offscreen Qt): the longest gap between 5 ms timer ticks;
* a passphrase change with 200 private reflections, with the production KDF, and the KDF
  alone, so the re-sealing part is visible.

Run from the repository root::

    .venv/bin/python bench/bench_rotation.py                 # 10,000 and 100,000 calls
    .venv/bin/python bench/bench_rotation.py --sizes 2000    # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from warmline import crypto
from warmline.calls import Call
from warmline.debriefs import Debrief
from warmline.fiction import FictionGenerator
from warmline.vault import Vault, default_kdf_factory

PASSPHRASE = "benchmark passphrase, not a secret"
NEW_PASSPHRASE = "another benchmark passphrase entirely"
NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
STALL_BUDGET_MS = 50


def invent(n: int) -> list[Call]:
    gen = FictionGenerator(seed=7, now=NOW)
    callers = gen.callers(max(12, n // 2500))
    return list(gen.calls(n, callers, max(30, n // 40), ["bench-author"]))


def fresh_vault(where: Path) -> tuple[Vault, Any]:
    # The KDF does not matter here (re-sealing never derives a key); the floor keeps it quick.
    def floor() -> crypto.KdfParams:
        return crypto.KdfParams(b"", crypto.FLOOR.memory_kib, 3, 4).with_new_salt()

    return Vault.create(where, "Bench line (fictional)", "Bench (demo)", PASSPHRASE,
                        kdf_factory=floor)  # fmt: skip


def insert(session: Any, calls: Sequence[Call]) -> float:
    start = time.perf_counter()
    for i in range(0, len(calls), 1000):
        session.calls.add_many(calls[i : i + 1000])
    return time.perf_counter() - start


def measure_core(n: int, root: Path) -> dict[str, Any]:
    calls = invent(n)
    vault, session = fresh_vault(root / f"insert-{n}")
    insert_s = insert(session, calls)
    start = time.perf_counter()
    session.team.replace_team_key()
    progress = session.reseal(batch=500).run()
    reseal_s = time.perf_counter() - start
    assert progress.finished, progress
    vault.close()
    return {
        "calls": n,
        "sealed_insert_s": round(insert_s, 3),
        "reseal_s": round(reseal_s, 3),
        "resealed_rows": progress.done,
        "rows_per_s": round(progress.done / reseal_s),
        "ratio_reseal_to_insert": round(reseal_s / insert_s, 2),
    }


def downgrade_to_format_2(session: Any) -> int:
    """Rewrite every call as the previous release stored it (record format 2): exact times,
    duration, author, shift and regular in clear columns, bound into a format-2 body that
    holds only the rest. Bench-only; the real thing is a file made by that release."""
    from warmline import moved_columns
    from warmline.crypto import SealContext, open_sealed, seal
    from warmline.records import canonical_clear

    ctx = session._ctx
    db, key = ctx.db, ctx.keys.team
    moved = moved_columns.MOVED["calls"]
    saved = crypto.FORMAT_VERSION
    n = 0
    try:
        with db.atomic():
            for row in list(db.query("select rowid, * from calls")):
                bound = canonical_clear(row)
                plain = json.loads(open_sealed(key, row["body"], SealContext(
                    "calls", row["uuid"], "record", "", row["revision"], bound)))  # fmt: skip
                old = {name: plain.pop(name, None) for name in moved}
                clear_row = {**old, "uuid": row["uuid"], "revision": row["revision"]}
                ctx2 = SealContext("calls", row["uuid"], "record", "", row["revision"],
                                   canonical_clear(clear_row))  # fmt: skip
                crypto.FORMAT_VERSION = 2  # only while sealing: opening needs to know 3
                body = seal(key, json.dumps(plain).encode(), ctx2)
                crypto.FORMAT_VERSION = saved
                sets = ", ".join(f"[{k}] = ?" for k in old)
                db.execute(
                    f"update calls set {sets}, rev_id = null, rev_parent = null, body = ? "
                    "where rowid = ?",
                    [*old.values(), body, row["rowid"]],
                )
                n += 1
    finally:
        crypto.FORMAT_VERSION = saved
    return n


def measure_migration(n: int, root: Path) -> dict[str, Any]:
    """Moving a previous release's file (format 2, times and links in clear) to format 3:
    the background re-seal at the first unlock (budget: 100,000 calls in under a minute)."""
    import warmline.vault as vaultmod

    saved = vaultmod.FORMAT_VERSION
    vaultmod.FORMAT_VERSION = 2  # a line founded by that release: its signed floor is 2
    try:
        vault, session = fresh_vault(root / f"migrate-{n}")
    finally:
        vaultmod.FORMAT_VERSION = saved
    insert(session, invent(n))
    downgrade_to_format_2(session)
    uuid = session.account.uuid
    session.lock()
    session = vault.unlock(uuid, PASSPHRASE)
    start = time.perf_counter()
    progress = session.reseal(batch=500).run()
    took = time.perf_counter() - start
    assert progress.finished, progress
    left = next(vault.db.query("select count(*) as n from calls where started_at is not null"))
    assert left["n"] == 0
    vault.close()
    return {"calls": n, "migration_s": round(took, 2), "rows_per_s": round(progress.done / took)}


def run_service_in_app(vault: Vault, session: Any, make_service: Any) -> dict[str, Any]:
    """Run a batch service (re-seal, retention) to its end in the app's own machinery
    (TaskRunner, Backend, offscreen Qt) with a 5 ms ticker on the GUI thread."""
    from PySide6.QtWidgets import QApplication

    from bench.bench_calls_list import StallMeter, wait_until
    from ui.backend import Backend
    from ui.clipboard import SafeClipboard
    from ui.clock import SystemClock
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    backend = Backend(runner, session, SystemClock(), SafeClipboard(), vault.line_name)
    service = make_service(backend)
    finished: list[bool] = []
    service.finished.connect(lambda: finished.append(True))
    meter = StallMeter()  # the same 5 ms ticker the calls-list benchmark uses
    meter.start()
    start = time.perf_counter()
    service.start()
    wait_until(lambda: bool(finished), [service.finished], timeout_s=900)
    took = time.perf_counter() - start
    stalls = meter.stop()
    backend.close()
    runner.shutdown(wait=True)
    vault.close()
    del app
    return {"in_app_s": round(took, 2), "ticks": stalls["ticks"],
            "longest_gui_stall_ms": stalls["longest_stall_ms"]}  # fmt: skip


def measure_gui(n: int, root: Path) -> dict[str, Any]:
    """The re-seal through the app's own service, with a 5 ms ticker on the GUI thread."""
    from ui.reseal_service import ResealService

    vault, session = fresh_vault(root / f"gui-{n}")
    insert(session, invent(n))
    session.team.replace_team_key()
    result = run_service_in_app(vault, session, lambda b: ResealService(b, batch=500))
    return {"calls": n, "in_app_reseal_s": result["in_app_s"], **result}


def measure_passphrase_change(root: Path, private_records: int = 200) -> dict[str, Any]:
    vault, session = Vault.create(
        root / "passphrase", "Bench line (fictional)", "Bench (demo)", PASSPHRASE,
        kdf_factory=default_kdf_factory,
    )  # fmt: skip
    for i in range(private_records):
        session.debriefs.add(Debrief(feeling=f"reflection {i} " + "words " * 60))
    params = default_kdf_factory()
    kdf_times = []
    for _ in range(3):  # the first run also pays for faulting in its memory
        start = time.perf_counter()
        crypto.derive_kek(PASSPHRASE, params).wipe()
        kdf_times.append(time.perf_counter() - start)
    kdf_s = min(kdf_times)
    start = time.perf_counter()
    session.team.change_my_passphrase(PASSPHRASE, NEW_PASSPHRASE)
    change_s = time.perf_counter() - start
    assert len(session.debriefs.select()) == private_records
    vault.close()
    return {
        "private_records": private_records,
        "change_s": round(change_s, 3),
        "one_kdf_s": round(kdf_s, 3),
        # checking the current passphrase and deriving the new key are two derivations
        "beyond_two_kdfs_ms": round(1000 * (change_s - 2 * kdf_s), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--migration-only", action="store_true", help="only the format 2 to 3 migration"
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"sizes": [], "gui": [], "passphrase": None, "migration": []}
    with tempfile.TemporaryDirectory(prefix="warmline-bench-") as tmp:
        root = Path(tmp)
        for n in args.sizes:
            migration = measure_migration(n, root)
            results["migration"].append(migration)
            ok = "within budget" if n < 100_000 or migration["migration_s"] < 60 else "OVER"
            print(
                f"{n:>7,} calls moved from format 2 to 3: {migration['migration_s']:.2f} s "
                f"({migration['rows_per_s']:,} rows/s; {ok}, budget 100,000 in < 60 s)",
                flush=True,
            )
            if args.migration_only:
                continue
            core = measure_core(n, root)
            results["sizes"].append(core)
            ok = "within budget" if core["ratio_reseal_to_insert"] <= 1.0 else "OVER BUDGET"
            print(
                f"{n:>7,} calls: sealed insert {core['sealed_insert_s']:.2f} s, re-seal "
                f"{core['reseal_s']:.2f} s ({core['rows_per_s']:,} rows/s), ratio "
                f"{core['ratio_reseal_to_insert']} ({ok}, budget <= 1.0)",
                flush=True,
            )
            gui = measure_gui(n, root)
            results["gui"].append(gui)
            ok = "within budget" if gui["longest_gui_stall_ms"] <= STALL_BUDGET_MS else "OVER"
            print(
                f"{n:>7,} calls in the app: {gui['in_app_reseal_s']:.2f} s, longest GUI stall "
                f"{gui['longest_gui_stall_ms']} ms ({ok}, budget {STALL_BUDGET_MS} ms)",
                flush=True,
            )
        if args.migration_only:
            print(json.dumps(results))
            return 0
        change = measure_passphrase_change(root)
        results["passphrase"] = change
        print(
            f"passphrase change with {change['private_records']} private records: "
            f"{change['change_s']:.2f} s, of which one key derivation is "
            f"{change['one_kdf_s']:.2f} s; "
            f"{change['beyond_two_kdfs_ms']} ms beyond the two derivations"
        )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
