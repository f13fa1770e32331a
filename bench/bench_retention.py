"""What erasing old notes costs (warmline/retention.py), and whether the app stalls meanwhile.

A line of N calls over two years, regulars among them; the policy erases call notes older
than a year (about half the calls). Measured in the same run:

* baseline: sealing the same calls in the first place (``add_many``, batches of 1,000);
* preview: counting what the policy would erase (opens every old call);
* the run: ``Retention.run()`` (each record rewritten without its history, then checkpoint
  and VACUUM), and the VACUUM on its own;
* in the app: the same run through ``RetentionService`` (one batch per worker task) with a
  5 ms ticker on the GUI thread; the longest gap between ticks is the longest stall.

Run from the repository root::

    .venv/bin/python bench/bench_retention.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.bench_rotation import NOW, fresh_vault, insert, run_service_in_app
from warmline.calls import Call
from warmline.fiction import FictionGenerator
from warmline.retention import Retention, RetentionPolicy

POLICY = RetentionPolicy(calls_days=365, handovers_days=365)
TODAY: date = NOW.date()
STALL_BUDGET_MS = 50


def two_years(n: int, session: Any) -> list[Call]:
    gen = FictionGenerator(seed=11, now=NOW)
    callers = session.callers.add_many(gen.callers(max(12, n // 2500)))
    return list(gen.calls(n, callers, 730, [session.account.uuid]))


def measure_core(n: int, root: Path) -> dict[str, Any]:
    vault, session = fresh_vault(root / f"core-{n}")
    insert_s = insert(session, two_years(n, session))
    job = Retention(session, POLICY, today=TODAY, batch=500)
    start = time.perf_counter()
    counts = job.preview()
    preview_s = time.perf_counter() - start
    size_before = vault.path.stat().st_size
    start = time.perf_counter()
    progress = job.run()
    run_s = time.perf_counter() - start
    start = time.perf_counter()
    vault.db.execute("VACUUM")
    vacuum_s = time.perf_counter() - start
    vault.close()
    return {
        "calls": n,
        "sealed_insert_s": round(insert_s, 2),
        "preview_s": round(preview_s, 2),
        "erased_records": progress.done,
        "erased_calls": counts.calls,
        "run_s": round(run_s, 2),
        "vacuum_alone_s": round(vacuum_s, 2),
        "ratio_run_to_insert": round(run_s / insert_s, 2),
        "file_mb_before": round(size_before / 1e6, 1),
    }


def measure_gui(n: int, root: Path) -> dict[str, Any]:
    from ui.retention_service import RetentionService
    from warmline.retention import save_policy

    vault, session = fresh_vault(root / f"gui-{n}")
    insert(session, two_years(n, session))
    save_policy(session, POLICY)
    result = run_service_in_app(vault, session, lambda b: RetentionService(b, batch=300))
    return {"calls": n, **result}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"core": [], "gui": []}
    with tempfile.TemporaryDirectory(prefix="warmline-bench-") as tmp:
        root = Path(tmp)
        for n in args.sizes:
            core = measure_core(n, root)
            results["core"].append(core)
            print(
                f"{n:>7,} calls: insert {core['sealed_insert_s']} s; preview "
                f"{core['preview_s']} s; run {core['run_s']} s erasing "
                f"{core['erased_records']:,} records (ratio to insert "
                f"{core['ratio_run_to_insert']}); VACUUM alone {core['vacuum_alone_s']} s",
                flush=True,
            )
            gui = measure_gui(n, root)
            results["gui"].append(gui)
            ok = "ok" if gui["longest_gui_stall_ms"] <= STALL_BUDGET_MS else "OVER"
            print(
                f"{n:>7,} calls in the app: {gui['in_app_s']} s, longest GUI stall "
                f"{gui['longest_gui_stall_ms']} ms ({ok}, budget {STALL_BUDGET_MS} ms)",
                flush=True,
            )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
