"""Benchmark: the calls list and its search at 100,000 calls.

What it measures, against the budgets in docs/architecture.md:

* first page: a ``CallsModel`` on a real ``Backend``/``TaskRunner`` (offscreen Qt), from
  ``reload()`` to 100 rows present in the model (budget < 50 ms);
* index build through ``SearchService`` in the background: total time from ``start()`` to
  ``ready`` (budget < 3 s), the longest single step (worker side, measured on a plain core
  build of the same data) and the longest gap between progress signals;
* GUI stalls: a QTimer ticks every 5 ms on the GUI thread during the build; the longest gap
  between ticks minus 5 ms is the longest the event loop was kept from running
  (budget: never over 50 ms);
* a first page asked for *during* the build (how long it waits behind a step);
* searches once indexed: the core ``SearchIndex.search`` alone, and through the service and
  the model, from the request to the first page of rows present (budget < 100 ms);
* memory: the index's own estimate, process RSS before and after the build, and a
  tracemalloc figure from a separate core build.

Data: ``warmline.fiction`` with a fixed seed (notes of about 1 KB for conversations). The
vault is created with the production Argon2id profile (``allow_cheap_kdf_for_tests`` only
works inside pytest). ``--keep DIR`` reuses a vault made by an earlier run, which saves the
minute it takes to seal 100,000 calls.

Run::

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_calls_list.py
    .venv/bin/python bench/bench_calls_list.py --calls 10000
    .venv/bin/python bench/bench_calls_list.py --keep /tmp/wl-bench   # make once, reuse

Prints figures and ends with one line of JSON.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import gc
import itertools
import json
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.clock import SystemClock
from ui.models.calls_model import CallsModel
from ui.search_service import SearchService
from ui.tasks import TaskRunner
from warmline.fiction import FictionGenerator
from warmline.search import DEFAULT_BATCH, CallFilter, SearchIndex
from warmline.vault import Vault

PASSPHRASE = "benchmark passphrase, fictional line"
NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
SEED = 7
TICK_MS = 5
QUERIES = [
    "garden",  # a common word
    "walk",
    "sleep better",  # two words, both must match
    "mo",  # a short prefix while typing
    "the",  # a stop word still being typed: finds "theatre", "themselves", …
    "the ",  # a stop word: too common to search for, answered at once with nothing
    "choir group",
    "zzzzqx",  # nothing
]


# -- memory -----------------------------------------------------------------------------------


def _status_mb(field: str) -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def rss_mb() -> float:
    return round(_status_mb("VmRSS"), 1)


def maxrss_mb() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024, 1)


# -- the vault -----------------------------------------------------------------------------------


def make_vault(where: Path, n: int) -> dict[str, Any]:
    """Invent ``n`` calls and seal them into a new vault (production KDF)."""
    gen = FictionGenerator(seed=SEED, now=NOW)
    t = time.perf_counter()
    vault, session = Vault.create(where, "Bench line (fictional)", "Bench (demo)", PASSPHRASE)
    unlock_s = time.perf_counter() - t
    callers = gen.callers(max(12, n // 2500))
    session.callers.add_many(callers)
    t = time.perf_counter()
    calls = list(gen.calls(n, callers, max(30, n // 40), [session.account.uuid]))
    generate_s = time.perf_counter() - t
    note_mean = statistics.mean(len(c.note_text().encode()) for c in calls)
    t = time.perf_counter()
    for start in range(0, n, 1000):
        session.calls.add_many(calls[start : start + 1000])
    insert_s = time.perf_counter() - t
    vault.close()
    return {
        "create_unlock_s": round(unlock_s, 2),
        "generate_s": round(generate_s, 2),
        "insert_s": round(insert_s, 2),
        "note_mean_bytes": round(note_mean),
    }


# -- Qt helpers ----------------------------------------------------------------------------------


def wait_until(done: Callable[[], bool], signals: Sequence[Any], timeout_s: float = 300) -> None:
    """Run a real event loop (``exec``, as the app does) until ``done()``.

    ``done`` is checked whenever one of ``signals`` fires, so nothing polls: a polling loop
    would itself compete with the worker for the GIL and distort the timings.
    """
    if done():
        return
    loop = QEventLoop()

    def check(*_args: object) -> None:
        if done():
            loop.quit()

    for signal in signals:
        signal.connect(check)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    for signal in signals:
        signal.disconnect(check)
    if not done():
        raise SystemExit("timed out waiting for the event loop")


class StallMeter:
    """Ticks every 5 ms on the GUI thread; the longest gap between ticks is the worst stall."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.last = 0
        self.gaps: list[int] = []

    def start(self) -> None:
        self.clock.start()
        self.last = 0
        self.gaps = []
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last)
        self.last = now

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        gaps = sorted(self.gaps) or [0]
        return {
            "ticks": len(self.gaps),
            "longest_gap_ms": gaps[-1],
            "longest_stall_ms": max(0, gaps[-1] - TICK_MS),
            "p99_gap_ms": gaps[int(len(gaps) * 0.99) - 1] if len(gaps) > 1 else gaps[-1],
        }


def time_first_page(backend: Backend, repeats: int) -> list[float]:
    """From ``reload()`` to 100 rows present, on a fresh model each time."""
    out = []
    for _ in range(repeats):
        model = CallsModel(backend)

        def shown(m: CallsModel = model) -> bool:
            return m.total is not None and m.rowCount() >= min(100, m.total)

        t = time.perf_counter()
        model.reload()
        wait_until(shown, [model.rowsInserted, model.status_changed])
        out.append((time.perf_counter() - t) * 1000)
        model.clear()
        model.deleteLater()
    return out


# -- the run -----------------------------------------------------------------------------------


def run(where: Path, n: int, batch: int) -> dict[str, Any]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    vault = Vault.open(where)
    t = time.perf_counter()
    session = vault.unlock(vault.accounts()[0].uuid, PASSPHRASE)
    unlock_s = time.perf_counter() - t
    count = session.calls.count()
    print(f"vault: {count:,} calls; unlock {unlock_s:.2f} s (production Argon2id)")

    runner = TaskRunner()
    backend = Backend(runner, session, SystemClock(), SafeClipboard(), vault.line_name)
    backend.refresh_accounts()
    wait_until(lambda: not runner.busy, [runner.busy_changed])
    gc.collect()

    # -- first page --------------------------------------------------------------------------
    t = time.perf_counter()
    session.calls.page(0, 100)
    direct_page_ms = (time.perf_counter() - t) * 1000
    first_pages = time_first_page(backend, 7)
    print(
        f"first page (model, request -> 100 rows present): best {min(first_pages):.1f} ms, "
        f"median {statistics.median(first_pages):.1f} ms "
        f"(calls.page(0, 100) alone {direct_page_ms:.1f} ms)"
    )

    # -- the index, built in the background ---------------------------------------------------
    gc.collect()
    rss_before = rss_mb()
    service = SearchService(backend, batch=batch)
    progress_times: list[float] = []
    service.progress.connect(lambda _d, _t: progress_times.append(time.perf_counter()))
    meter = StallMeter()
    during: dict[str, float] = {}
    model = CallsModel(backend)

    def ask_for_page_mid_build(done: int, total: int) -> None:
        if "asked" not in during and total and done >= total // 5:
            during["asked"] = time.perf_counter()
            model.reload()

    def page_arrived(*_args: object) -> None:
        if "asked" in during and "page_ms" not in during and model.rowCount() >= 100:
            during["page_ms"] = (time.perf_counter() - during["asked"]) * 1000

    service.progress.connect(ask_for_page_mid_build)
    model.rowsInserted.connect(page_arrived)
    meter.start()
    t0 = time.perf_counter()
    service.start()
    wait_until(lambda: service.is_ready, [service.ready])
    build_s = time.perf_counter() - t0
    stalls = meter.stop()
    steps = service.steps
    gaps = [b - a for a, b in itertools.pairwise(progress_times)]
    wait_until(lambda: not runner.busy, [runner.busy_changed])
    gc.collect()
    rss_after = rss_mb()
    index_mb = service.memory_estimate() / 2**20
    print(
        f"index build (SearchService, {steps} steps of {batch}): {build_s:.2f} s total; "
        f"longest gap between progress signals {max(gaps) * 1000:.1f} ms"
    )
    print(
        f"GUI thread during the build: {stalls['ticks']} ticks, longest gap "
        f"{stalls['longest_gap_ms']} ms (stall {stalls['longest_stall_ms']} ms), "
        f"p99 gap {stalls['p99_gap_ms']} ms"
    )
    page_during = during.get("page_ms", float("nan"))
    print(f"first page asked for during the build: {page_during:.1f} ms")
    print(
        f"memory: index estimate {index_mb:.0f} MB; RSS {rss_before:.0f} -> {rss_after:.0f} MB "
        f"(+{rss_after - rss_before:.0f} MB)"
    )

    # -- searches once indexed -----------------------------------------------------------------
    index = service._index  # the bench reads the index directly for the core-only figure
    assert index is not None
    core_ms: dict[str, float] = {}
    totals: dict[str, int] = {}
    for query in QUERIES:
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            result = index.search(query, limit=None)
            runs.append((time.perf_counter() - t) * 1000)
        core_ms[query] = round(min(runs), 2)
        totals[query] = result.total
        if result.too_common:
            print(f"search {query!r}: too common to search for (stop words only)")
    author = session.account.uuid
    filtered = CallFilter(text="garden", topic="Sleep", author=author)
    t = time.perf_counter()
    filtered_total = index.search_filter(filtered, limit=None).total
    core_ms["garden + topic + author"] = round((time.perf_counter() - t) * 1000, 2)
    # Filters alone (budget < 100 ms each): a regular, a volunteer, the last 30 days.
    regular = max(index._data.by_caller.items(), key=lambda kv: len(kv[1]))[0]
    newest = session.calls.page(0, 1)[0].started_at
    assert newest is not None
    filters = {
        "filter: a regular": CallFilter(caller=regular),
        "filter: an author": CallFilter(author=author),
        "filter: 30 days": CallFilter(start=newest - timedelta(days=30), end=newest),
    }
    for name, query_filter in filters.items():
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            totals[name] = index.search_filter(query_filter, limit=100).total
            runs.append((time.perf_counter() - t) * 1000)
        core_ms[name] = round(min(runs), 2)
        print(f"{name}: {core_ms[name]} ms ({totals[name]:,} calls)")

    ui_ms: dict[str, float] = {}
    for query in QUERIES:
        model.set_search(service)
        t = time.perf_counter()
        model.set_filter(CallFilter(text=query))
        wait_until(
            lambda: (
                model.total is not None
                and model.rowCount() >= min(100, model.total)
                and not model.loading
            ),
            [model.rowsInserted, model.status_changed],
        )
        ui_ms[query] = round((time.perf_counter() - t) * 1000, 1)
    for query in QUERIES:
        print(
            f"search {query!r:>16}: {totals[query]:>7,} matches; index {core_ms[query]:6.2f} ms; "
            f"request -> first rows in the model {ui_ms[query]:6.1f} ms"
        )
    print(
        f"search 'garden' + topic Sleep + author: {filtered_total:,} matches, "
        f"{core_ms['garden + topic + author']:.2f} ms"
    )

    # -- lock: everything dropped ---------------------------------------------------------------
    model.clear()
    service.clear()
    backend.close()
    runner.shutdown(wait=True)
    session.lock()
    vault.close()
    gc.collect()
    rss_locked = rss_mb()

    # -- a core build for the step figures and tracemalloc -------------------------------------
    vault = Vault.open(where)
    session = vault.unlock(vault.accounts()[0].uuid, PASSPHRASE)
    core = SearchIndex()
    steps_s: list[float] = []
    t = time.perf_counter()
    core.begin_build(session)
    while True:
        ts = time.perf_counter()
        more = core.build_step(session, batch)
        steps_s.append(time.perf_counter() - ts)
        if not more:
            break
    core_build_s = time.perf_counter() - t
    core.clear()
    gc.collect()
    tracemalloc.start()
    core.build(session, batch=batch)
    gc.collect()
    traced_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    core.clear()
    session.lock()
    vault.close()
    print(
        f"core build (no Qt): {core_build_s:.2f} s; longest step {max(steps_s) * 1000:.1f} ms, "
        f"median {statistics.median(steps_s) * 1000:.1f} ms; tracemalloc {traced_mb:.0f} MB "
        f"held by the index"
    )
    print(f"after lock: RSS {rss_locked:.0f} MB; process peak RSS {maxrss_mb():.0f} MB")

    search_worst = max(max(core_ms.values()), max(ui_ms.values()))
    return {
        "calls": count,
        "batch": batch,
        "first_page_ms": round(min(first_pages), 1),
        "first_page_median_ms": round(statistics.median(first_pages), 1),
        "page_direct_ms": round(direct_page_ms, 1),
        "first_page_during_build_ms": round(page_during, 1),
        "build_s": round(build_s, 2),
        "build_steps": steps,
        "core_build_s": round(core_build_s, 2),
        "longest_step_ms": round(max(steps_s) * 1000, 1),
        "median_step_ms": round(statistics.median(steps_s) * 1000, 1),
        "longest_progress_gap_ms": round(max(gaps) * 1000, 1),
        "gui_longest_gap_ms": stalls["longest_gap_ms"],
        "gui_longest_stall_ms": stalls["longest_stall_ms"],
        "gui_p99_gap_ms": stalls["p99_gap_ms"],
        "search_index_ms": core_ms,
        "search_ui_ms": ui_ms,
        "search_matches": totals,
        "search_worst_ms": search_worst,
        "index_estimate_mb": round(index_mb, 1),
        "index_tracemalloc_mb": round(traced_mb, 1),
        "rss_before_build_mb": rss_before,
        "rss_after_build_mb": rss_after,
        "rss_after_lock_mb": rss_locked,
        "maxrss_mb": maxrss_mb(),
        "budgets_met": {
            "first_page_lt_50ms": min(first_pages) < 50,
            "search_lt_100ms": search_worst < 100,
            "build_lt_3s": build_s < 3,
            "no_stall_gt_50ms": stalls["longest_stall_ms"] <= 50,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--keep", type=Path, help="make the vault here once and reuse it")
    args = parser.parse_args()

    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}"
    )
    made: dict[str, Any] = {}
    temp: tempfile.TemporaryDirectory[str] | None = None
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
    if made:
        print(
            f"  generated in {made['generate_s']} s, sealed in {made['insert_s']} s; notes "
            f"average {made['note_mean_bytes']} B"
        )
    try:
        figures = run(where, args.calls, args.batch)
    finally:
        if temp is not None:
            shutil.rmtree(temp.name, ignore_errors=True)
    figures.update({f"make_{k}": v for k, v in made.items()})
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
