"""Benchmark: a whole line under load, and an hour of use.

A line of 100,000 calls, 3,000 shifts each with its handover, and 2,000 reflections
(``warmline.fiction``, fixed seed). Measured, each on the app's own worker thread (a real
``Backend``/``TaskRunner``, offscreen Qt) with a 5 ms ticker on the GUI thread to find the
longest stall while it runs (``StallMeter`` from bench_calls_list.py):

* opening the folder (``Vault.open``: file checks, ``quick_check``, migrations) and unlocking
  (the production Argon2id profile);
* the calls list's first page; the search index's build (in steps, as ``SearchService``
  does), a search and a filter (a regular, the last 30 days); the handovers and the
  person's own reflections listed; a report over everything (``build_report``);
* an hour of use, simulated as fast as it runs: calls saved and edited, handovers and
  reflections written, searches and first pages between them (``--hour-actions``); process
  RSS and the index's own size estimate before and after, so any growth beyond what the
  index gains for the new calls shows.

Budgets (docs/architecture.md, docs/performance.md): first page < 50 ms, build < 3 s, search
and filter < 100 ms, report < 2 s, no GUI stall over 50 ms. Figures are in
docs/reliability.md. ``tests/reliability/test_load.py`` runs this at a small size in CI, for
the memory check and to keep the script working; wall-clock budgets are not asserted there.

Run::

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_load.py
    .venv/bin/python bench/bench_load.py --calls 10000 --shifts 300 --reflections 200
    .venv/bin/python bench/bench_load.py --keep /tmp/wl-load   # make once, reuse

Prints figures and ends with one line of JSON.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import gc
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from bench.bench_calls_list import StallMeter, rss_mb, wait_until
from ui.backend import Backend
from ui.clipboard import SafeClipboard
from ui.clock import SystemClock
from ui.tasks import TaskRunner
from warmline.calls import Call
from warmline.crypto import KdfParams
from warmline.debriefs import Debrief
from warmline.fiction import FictionGenerator
from warmline.handovers import Handover
from warmline.reports import Period, build_report
from warmline.search import DEFAULT_BATCH
from warmline.session import Session
from warmline.vault import Vault

PASSPHRASE = "benchmark passphrase, fictional load line"
NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
SEED = 14
BUDGET_MS = {"first_page": 50, "search": 100, "filter": 100, "report": 2000, "build": 3000}
STALL_BUDGET_MS = 50
T = TypeVar("T")
KdfFactory = Callable[[], KdfParams]


def make_line(
    where: Path, calls: int, shifts: int, reflections: int, kdf: KdfFactory | None = None
) -> dict[str, Any]:
    """Invent and seal the line; returns how long that took."""
    gen = FictionGenerator(seed=SEED, now=NOW)
    t = time.perf_counter()
    vault, session = Vault.create(
        where, "Load line (fictional)", "Bench (demo)", PASSPHRASE, kdf_factory=kdf
    )
    me = session.account.uuid
    callers = session.callers.add_many(gen.callers(max(12, calls // 2500)))
    days = max(30, shifts // 2 + 1)
    made_shifts = session.shifts.add_many(gen.shifts(days, [me], [me])[-shifts:])
    all_calls = list(gen.calls(calls, callers, days, [me], made_shifts))
    for start in range(0, calls, 1000):
        session.calls.add_many(all_calls[start : start + 1000])
    by_shift: dict[str | None, list[Call]] = defaultdict(list)
    for call in all_calls:
        by_shift[call.shift_uuid].append(call)
    handovers = [gen.handover(s, by_shift[s.uuid], callers) for s in made_shifts]
    for start in range(0, len(handovers), 500):
        session.handovers.add_many(handovers[start : start + 500])
    rng = random.Random(SEED)
    picked = rng.sample(all_calls, min(reflections, len(all_calls)))
    session.debriefs.add_many([
        Debrief(call_uuid=c.uuid, created_at=c.ended_at or NOW, check_in=rng.randint(1, 5),
                note_to_self=c.note_text()[:300]) for c in picked])  # fmt: skip
    vault.close()
    return {"make_s": round(time.perf_counter() - t, 1), "calls": calls,
            "shifts": len(made_shifts), "handovers": len(handovers),
            "reflections": len(picked)}  # fmt: skip


class Worker:
    """Runs work as the app does (on the worker, callbacks on the GUI thread), timing it
    and the GUI thread's longest stall while it ran. Nothing here calls ``gc.collect()``
    while the meter runs: with the index in memory one full collection on the GUI thread
    is itself a stall of a few hundred milliseconds, the bench's and not the app's."""

    def __init__(self, backend: Backend, runner: TaskRunner) -> None:
        self.backend, self.runner, self.meter = backend, runner, StallMeter()
        self.stalls: dict[str, list[int]] = defaultdict(list)

    def idle(self, seconds: float) -> int:
        """The longest stall with nothing to do: the machine's own noise, for comparison."""
        self.meter.start()
        until = time.perf_counter() + seconds
        wait_until(lambda: time.perf_counter() >= until, [self.meter.timer.timeout])
        return int(self.meter.stop()["longest_stall_ms"])

    def longest(self) -> dict[str, int]:
        return {name: max(found) for name, found in self.stalls.items()}

    def p99(self, name: str) -> int:
        found = sorted(self.stalls[name])
        return found[int(len(found) * 0.99) - 1] if len(found) > 1 else found[-1]

    def run(self, name: str, fn: Callable[[Session], T]) -> tuple[float, T]:
        box: list[T] = []
        self.meter.start()
        t = time.perf_counter()
        self.backend.run(fn, box.append)
        wait_until(lambda: bool(box), [self.runner.busy_changed, self.meter.timer.timeout])
        elapsed_ms = (time.perf_counter() - t) * 1000
        stall = int(self.meter.stop()["longest_stall_ms"])
        self.stalls[name].append(stall)
        return elapsed_ms, box[0]

    def build_index(self, batch: int = DEFAULT_BATCH) -> float:
        """The index built a step per task, as SearchService does."""
        t = time.perf_counter()
        self.run("build", lambda s: s.view.begin_build(s))
        more = True
        while more:
            more = self.run("build", lambda s: s.view.build_step(s, batch))[1]
        self.run("build", lambda s: s.view.complete(s.calls, batch))
        return (time.perf_counter() - t) * 1000


def simulate_hour(worker: Worker, actions: int, words: list[str]) -> dict[str, Any]:
    """Saves, edits and searches, mixed as a busy shift would, as fast as they run."""
    rng = random.Random(SEED + 1)
    counts: dict[str, int] = defaultdict(int)
    saved: list[Call] = []
    for _ in range(actions):
        roll = rng.random()
        text = " ".join(rng.sample(words, 12))
        if roll < 0.1:
            _, call = worker.run("hour", lambda s, t=text: s.calls.add(Call(connection=t)))
            saved.append(call)
            counts["calls saved"] += 1
        elif roll < 0.15 and saved:
            at = rng.randrange(len(saved))
            _, saved[at] = worker.run("hour", lambda s, c=saved[at], t=text: s.calls.update(
                Call(**{**c.__dict__, "worldview": t})))  # fmt: skip
            counts["calls edited"] += 1
        elif roll < 0.18:
            worker.run("hour", lambda s, t=text: s.handovers.add(Handover(how_it_was=t)))
            counts["handovers"] += 1
        elif roll < 0.21:
            worker.run("hour", lambda s, t=text: s.debriefs.add(Debrief(note_to_self=t)))
            counts["reflections"] += 1
        elif roll < 0.7:
            word = rng.choice(words)
            worker.run("hour", lambda s, w=word: s.view.search(w))
            counts["searches"] += 1
        else:
            worker.run("hour", lambda s: s.calls.newest(100))
            counts["first pages"] += 1
    return dict(counts)


def measure(where: Path, hour_actions: int, kdf: KdfFactory | None = None) -> dict[str, Any]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    out: dict[str, Any] = {}
    t = time.perf_counter()
    vault = Vault.open(where, kdf_factory=kdf)
    out["open_ms"] = round((time.perf_counter() - t) * 1000, 1)
    account = vault.accounts()[0].uuid
    t = time.perf_counter()
    session = vault.unlock(account, PASSPHRASE)
    out["unlock_ms"] = round((time.perf_counter() - t) * 1000, 1)
    runner = TaskRunner()
    backend = Backend(runner, session, SystemClock(), SafeClipboard(), vault.line_name)
    worker = Worker(backend, runner)
    try:
        ms, page = worker.run("first_page", lambda s: s.calls.newest(100))
        out["first_page_ms"] = round(ms, 1)
        out["build_ms"] = round(worker.build_index(), 1)
        out["index_mb"] = round(session.view.memory_estimate() / 1e6, 1)
        ms, found = worker.run("search", lambda s: s.view.search("garden"))
        out["search_ms"], out["search_matches"] = round(ms, 1), found.total
        regular = next((c.caller_uuid for c in page if c.caller_uuid), None)
        since = NOW - timedelta(days=30)
        ms, found = worker.run("filter", lambda s: s.view.search(caller=regular, start=since))
        out["filter_ms"], out["filter_matches"] = round(ms, 1), found.total
        ms, _ = worker.run("handovers", lambda s: s.handovers.recent(20))
        out["handovers_recent_ms"] = round(ms, 1)
        ms, _ = worker.run("reflections", lambda s: s.debriefs.mine(limit=50))
        out["reflections_mine_ms"] = round(ms, 1)
        period = Period(date(2015, 1, 1), NOW.date() + timedelta(days=1))
        gc.collect()  # outside the meter: the app never collects on the GUI thread like this
        ms, figures = worker.run("report", lambda s: build_report(s, period, None))
        out["report_ms"], out["report_calls"] = round(ms, 1), figures.calls

        gc.collect()
        rss_before, index_before = rss_mb(), session.view.memory_estimate() / 1e6
        words = sorted({w for c in page for w in c.note_text().split() if w.isalpha()})
        out["hour"] = simulate_hour(worker, hour_actions, words or ["garden"])
        gc.collect()
        rss_after, index_after = rss_mb(), session.view.memory_estimate() / 1e6
        out["rss_before_hour_mb"], out["rss_after_hour_mb"] = rss_before, rss_after
        out["index_growth_mb"] = round(index_after - index_before, 2)
        growth = rss_after - rss_before - (index_after - index_before)
        out["growth_beyond_index_mb"] = round(growth, 1)
        out["gui_longest_stall_ms"] = worker.longest()
        out["gui_hour_p99_stall_ms"] = worker.p99("hour")
        out["gui_idle_longest_stall_ms"] = worker.idle(3.0)
    finally:
        backend.close()
        runner.shutdown(wait=True)
        vault.close()
    out["budgets_met"] = {
        **{f"{k}_lt_{v}ms": out[f"{k}_ms"] < v for k, v in BUDGET_MS.items()},
        f"no_stall_gt_{STALL_BUDGET_MS}ms": max(worker.longest().values()) <= STALL_BUDGET_MS,
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--shifts", type=int, default=3_000)
    parser.add_argument("--reflections", type=int, default=2_000)
    parser.add_argument("--hour-actions", type=int, default=3_600)
    parser.add_argument("--keep", type=Path, help="make the line here once and reuse it")
    args = parser.parse_args()
    where = args.keep or Path(tempfile.mkdtemp(prefix="wl-load-")) / "line"
    figures: dict[str, Any] = {"benchmark": "warmline-load"}
    if not Vault.exists(where):
        figures["made"] = make_line(where, args.calls, args.shifts, args.reflections)
        print(f"made: {figures['made']}", flush=True)
    figures.update(measure(where, args.hour_actions))
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
