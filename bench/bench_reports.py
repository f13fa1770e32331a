"""Benchmark: a report over 100,000 calls, and how much the window notices while it runs.

What it measures, against the budgets in issue 12:

* the report in the core (``warmline.reports.build_report``) over a period holding every
  call: budget < 2 s. Baseline in the same run: opening every call through the same
  repository walk (``calls.open_rows``) and counting nothing, i.e. the cost of reading the
  sealed records at all;
* the report in the app: the Reports page on a real ``Backend``/``TaskRunner`` (offscreen
  Qt), from ``refresh()`` to the charts drawn, while a QTimer ticks every 5 ms on the GUI
  thread; the longest gap between ticks minus 5 ms is the longest stall (budget 50 ms).
  Baseline: the same ticking with the app idle for as long, measured just before.

Data: ``warmline.fiction`` (seed 7): 100,000 calls with notes of about 1 KB over about
seven years, every finished shift, in a vault with the production Argon2id. ``--keep DIR``
makes the vault once and reuses it.

Run::

    .venv/bin/python bench/bench_reports.py
    .venv/bin/python bench/bench_reports.py --keep /tmp/wl-reports   # make once, reuse

Prints figures and ends with one line of JSON.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import gc
import json
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from bench.bench_calls_list import StallMeter, wait_until
from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.clock import SystemClock
from ui.screens.reports import ReportsPage
from ui.tasks import TaskRunner
from ui.workspace import Workspace
from warmline.fiction import FictionGenerator
from warmline.reports import Period, build_report
from warmline.vault import Vault

PASSPHRASE = "benchmark passphrase, fictional line"
NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
DAYS = 2500
EVERYTHING = Period(date(2019, 1, 1), date(2026, 6, 2))


def make_vault(where: Path, n: int) -> dict[str, Any]:
    gen = FictionGenerator(seed=7, now=NOW)
    vault, session = Vault.create(where, "Bench line (fictional)", "Bench (demo)", PASSPHRASE)
    me = session.account.uuid
    callers = session.callers.add_many(gen.callers(40))
    shifts = session.shifts.add_many(gen.shifts(DAYS, [me], [me]))
    t = time.perf_counter()
    calls = list(gen.calls(n, callers, DAYS, [me], shifts))
    for start in range(0, n, 1000):
        session.calls.add_many(calls[start : start + 1000])
    made = {"insert_s": round(time.perf_counter() - t, 1), "shifts": len(shifts)}
    vault.close()
    return made


def core_times(session: Any, runs: int) -> dict[str, Any]:
    """Best of ``runs``, report and baseline alternating so noise hits both alike."""
    report, baseline = [], []
    calls = 0
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        n = sum(1 for _row in session.calls.open_rows())
        baseline.append(time.perf_counter() - t)
        gc.collect()
        t = time.perf_counter()
        figures = build_report(session, EVERYTHING, None)
        report.append(time.perf_counter() - t)
        calls = figures.calls
        assert n == calls, (n, calls)
    return {
        "calls": calls,
        "report_s": round(min(report), 3),
        "report_runs_s": [round(x, 3) for x in report],
        "open_all_baseline_s": round(min(baseline), 3),
        "counting_s": round(min(report) - min(baseline), 3),
    }


def app_times(session: Any, line_name: str) -> dict[str, Any]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    runner = TaskRunner()
    backend = Backend(runner, session, SystemClock(), SafeClipboard(), line_name)
    backend.refresh_accounts()
    wait_until(lambda: not runner.busy, [runner.busy_changed])
    page = ReportsPage(backend)
    area = Workspace._scrolling(page)  # the page scrolls inside the window, as in the app
    area.resize(1100, 800)
    area.show()
    page.set_dates(EVERYTHING.first, EVERYTHING.last)
    app.processEvents()

    meter = StallMeter()
    # Baseline: the event loop with nothing to do, for about as long as a report takes.
    meter.start()
    idle_until = time.perf_counter() + 1.5
    wait_until(lambda: time.perf_counter() >= idle_until, [meter.timer.timeout])
    idle = meter.stop()

    results = []
    for _ in range(3):
        gc.collect()
        meter.start()
        t = time.perf_counter()
        page.refresh()
        wait_until(lambda: not page.running, [runner.busy_changed, meter.timer.timeout])
        elapsed = time.perf_counter() - t
        stall = meter.stop()
        results.append((elapsed, stall))
    best = min(results, key=lambda r: r[0])
    worst_stall = max(r[1]["longest_stall_ms"] for r in results)
    runner.shutdown(wait=True)
    return {
        "app_report_s": round(best[0], 3),
        "app_report_runs_s": [round(r[0], 3) for r in results],
        "gui_longest_stall_ms": worst_stall,
        "gui_stall_runs_ms": [r[1]["longest_stall_ms"] for r in results],
        "gui_p99_gap_ms": max(r[1]["p99_gap_ms"] for r in results),
        "idle_longest_stall_ms": idle["longest_stall_ms"],
        "idle_p99_gap_ms": idle["p99_gap_ms"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="make the vault here once and reuse it")
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}"
    )
    temp: tempfile.TemporaryDirectory[str] | None = None
    made: dict[str, Any] = {}
    if args.keep is not None:
        where = args.keep
        if not Vault.exists(where):
            print(f"making a vault of {args.calls:,} fictional calls in {where} …", flush=True)
            made = make_vault(where, args.calls)
    else:
        temp = tempfile.TemporaryDirectory(prefix="warmline-bench-")
        where = Path(temp.name) / "line"
        print(f"making a vault of {args.calls:,} fictional calls …", flush=True)
        made = make_vault(where, args.calls)
    try:
        vault = Vault.open(where)
        session = vault.unlock(vault.accounts()[0].uuid, PASSPHRASE)
        figures: dict[str, Any] = {"benchmark": "warmline-reports", **made}
        figures.update(core_times(session, args.runs))
        print(
            f"core report over {figures['calls']:,} calls: {figures['report_s']:.2f} s "
            f"(budget < 2 s); opening every call alone: {figures['open_all_baseline_s']:.2f} s; "
            f"counting adds {figures['counting_s']:.2f} s"
        )
        figures.update(app_times(session, vault.line_name))
        print(
            f"in the app: {figures['app_report_s']:.2f} s from refresh to charts; longest GUI "
            f"stall {figures['gui_longest_stall_ms']} ms (budget 50 ms; idle baseline "
            f"{figures['idle_longest_stall_ms']} ms)"
        )
        figures["budgets_met"] = {
            "report_lt_2s": figures["report_s"] < 2.0,
            "no_stall_gt_50ms": figures["gui_longest_stall_ms"] <= 50,
        }
        session.lock()
        vault.close()
    finally:
        if temp is not None:
            shutil.rmtree(temp.name, ignore_errors=True)
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
