"""What sealing every record costs, measured against the same rows in plain SQLite.

Why: Warmline seals everything a person types (AES-256-GCM, one sealed JSON body per row)
and promises that this stays cheap enough not to be felt: opening a list of 100,000 calls
must be instant, and searching all notes must not take long. This script puts numbers on
that promise so a change to records.py or crypto.py can be judged by them.

What it measures, at each size (default 10,000 and 100,000 calls, notes of about 1 KB from
the fiction generator):

* insert: ``session.calls.add_many`` in batches of 1,000 (one transaction each) against
  ``insert_all`` of the same rows into a plain table with the same clear columns and the
  sealed fields as ordinary text columns, in batches of 1,000 inside ``db.atomic()``, with
  the same pragmas (WAL, synchronous FULL, secure_delete ON) and the same indexes;
* load newest 100: ``session.calls.page(0, 100)`` against the same query on the plain table;
* load all: iterating ``session.calls.iter_all()`` (decrypting every row) against one query
  over the plain table; both build the same ``Call`` objects and keep them all, as the
  search index does;
* peak memory while loading all: peak resident set size in a fresh process that opens the
  file (and unlocks), resets the kernel's high-water mark, and loads every call (VmHWM,
  the counter behind ``getrusage`` maxrss, which itself cannot be reset; the run's overall
  ``getrusage`` maxrss is reported too); and the tracemalloc peak of the same load in
  this process (a separate, untimed run, because tracing slows Python down);
* unlock: ``Vault.open`` and ``vault.unlock`` with the real, calibrated Argon2id profile,
  and the key derivation on its own, so the unlock overhead beyond the KDF is visible.

Each timing is the best of several runs (inserts into fresh files each time), sealed and
plain interleaved so drift hits both alike. The output is human-readable and ends with one
line of JSON holding every figure.

Run from the repository root::

    .venv/bin/python bench/bench_storage.py                 # 10,000 and 100,000 calls
    .venv/bin/python bench/bench_storage.py --sizes 10000   # one size
    .venv/bin/python bench/bench_storage.py --quick         # 2,000 calls, one run each
    .venv/bin/python bench/bench_storage.py --profile       # also cProfile the sealed path
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import cryptography
from sqlite_utils import Database

from warmline import crypto
from warmline.calls import Call, CallRepository
from warmline.fiction import FictionGenerator
from warmline.session import Session
from warmline.timeutil import from_iso, to_iso, utcnow
from warmline.vault import Vault

PASSPHRASE = "benchmark passphrase, not a secret"
BATCH = 1000
RATIO_BUDGET = 1.5
KDF_BUDGET = (0.3, 1.0)
# A fixed end to the invented history, so every run inserts exactly the same rows.
NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
T = TypeVar("T")


# --- helpers -------------------------------------------------------------------------------


def batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def best_of(repeats: int, run: Callable[[], object]) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), times


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux 4.0+), if allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def maxrss_mb() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024, 1)


def _status_mb(field: str) -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


def current_rss_mb() -> float:
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """This process's peak RSS since the mark was last reset.

    ``getrusage`` maxrss cannot be reset, and in a freshly spawned child it already holds
    the parent's peak from before the exec. VmHWM is the same kernel counter for this
    address space alone, and ``reset_peak_rss`` resets it; so read that where it exists.
    """
    hwm = _status_mb("VmHWM")
    return hwm if hwm == hwm else maxrss_mb()  # NaN check: no /proc, fall back


def file_mb(path: Path) -> float:
    total = sum(
        Path(str(path) + suffix).stat().st_size
        for suffix in ("", "-wal")
        if Path(str(path) + suffix).exists()
    )
    return round(total / 1e6, 1)


def ratio(sealed: float, plain: float) -> float:
    return round(sealed / plain, 2) if plain > 0 else float("inf")


def verdict(value: float) -> str:
    return "ok" if value <= RATIO_BUDGET else "over"


# --- the plain table -----------------------------------------------------------------------

CLEAR = CallRepository.clear_fields
SEALED = CallRepository.sealed_fields
DATETIMES = {"started_at", "ended_at", "updated_at"}
INTS = {"duration_s"}
BOOLS = {"crisis_offered", "crisis_connected"}
LISTS = {"topics"}


def plain_connect(path: Path) -> Database:
    """A plain SQLite file opened the way warmline.db opens the vault (same pragmas)."""
    conn = sqlite3.connect(str(path), check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    with db.ensure_autocommit_on():
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    columns: dict[str, Any] = {"uuid": str, "revision": int}
    for name in (*CLEAR, *SEALED):
        columns[name] = int if name in INTS | BOOLS else str
    db.table("calls").create(columns, pk="uuid", if_not_exists=True)
    db.table("calls").create_index(["started_at"], if_not_exists=True)
    db.table("calls").create_index(["caller_uuid", "started_at"], if_not_exists=True)
    db.table("calls").create_index(["shift_uuid"], if_not_exists=True)
    return db


def plain_row(call: Call) -> dict[str, Any]:
    """The same encoding the repository does for clear fields, applied to every field."""
    row: dict[str, Any] = {"uuid": call.uuid, "revision": 1}
    for name in (*CLEAR, *SEALED):
        value = getattr(call, name)
        if name == "updated_at":
            value = to_iso(utcnow())
        elif name in DATETIMES:
            value = to_iso(value)
        elif name in LISTS:
            value = json.dumps(value)
        elif name in BOOLS:
            value = int(bool(value))
        row[name] = value
    return row


def plain_call(row: dict[str, Any]) -> Call:
    """Build the same dataclass the sealed path builds, from a plain row."""
    return Call(
        uuid=row["uuid"],
        revision=row["revision"],
        started_at=from_iso(row["started_at"]),
        ended_at=from_iso(row["ended_at"]),
        duration_s=row["duration_s"],
        author_uuid=row["author_uuid"],
        shift_uuid=row["shift_uuid"],
        caller_uuid=row["caller_uuid"],
        updated_at=from_iso(row["updated_at"]),
        caller_kind=row["caller_kind"],
        channel=row["channel"],
        contact_kind=row["contact_kind"],
        connection=row["connection"],
        worldview=row["worldview"],
        mutuality=row["mutuality"],
        moving_towards=row["moving_towards"],
        topics=json.loads(row["topics"]) if row["topics"] else [],
        resources_shared=row["resources_shared"],
        crisis_offered=bool(row["crisis_offered"]),
        crisis_connected=bool(row["crisis_connected"]),
        follow_up=row["follow_up"],
    )


PLAIN_ORDER = "order by started_at desc, uuid"


def plain_insert(db: Database, calls: Sequence[Call]) -> None:
    for chunk in batched(calls, BATCH):
        with db.atomic():
            db.table("calls").insert_all([plain_row(c) for c in chunk], batch_size=BATCH)


def plain_newest(db: Database) -> list[Call]:
    return [plain_call(r) for r in db.query(f"select * from calls {PLAIN_ORDER} limit 100")]


def plain_all(db: Database) -> list[Call]:
    return [plain_call(r) for r in db.query(f"select * from calls {PLAIN_ORDER}")]


# --- the sealed vault ----------------------------------------------------------------------


def sealed_insert(session: Session, calls: Sequence[Call]) -> None:
    for chunk in batched(calls, BATCH):
        session.calls.add_many(chunk)


def sealed_all(session: Session) -> list[Call]:
    out: list[Call] = []
    for page in session.calls.iter_all():
        out.extend(page)
    return out


def checkpoint(db: Database) -> None:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- one size ------------------------------------------------------------------------------


def measure_size(
    n: int,
    root: Path,
    kdf_factory: Callable[[], crypto.KdfParams],
    *,
    insert_repeats: int,
    load_repeats: int,
    profile: bool,
) -> dict[str, Any]:
    print(f"\n== {n:,} calls ==", flush=True)
    gen = FictionGenerator(seed=7, now=NOW)
    callers = gen.callers(max(12, n // 2500))
    start = time.perf_counter()
    calls = list(gen.calls(n, callers, max(30, n // 40), ["bench-author"]))
    generate_s = time.perf_counter() - start
    texts = [c.note_text().encode() for c in calls]
    conv = [len(t) for t, c in zip(texts, calls, strict=True) if c.contact_kind == "conversation"]
    note_mean = statistics.mean(len(t) for t in texts)
    print(
        f"generated in {generate_s:.1f} s; notes: {statistics.mean(conv):.0f} B on average "
        f"for conversations ({len(conv) / n:.0%} of calls), {note_mean:.0f} B over all calls"
    )
    del texts

    sealed_times: list[float] = []
    plain_times: list[float] = []
    vault: Vault | None = None
    session: Session | None = None
    plain_db: Database | None = None
    plain_path = root / "none"
    for attempt in range(insert_repeats):
        last = attempt == insert_repeats - 1
        if vault is not None:
            vault.close()
        if plain_db is not None:
            plain_db.close()
        vdir = root / f"sealed-{n}-{attempt}"
        vault, session = Vault.create(
            vdir, "Bench line (fictional)", "Bench", PASSPHRASE, kdf_factory=kdf_factory
        )
        gc.collect()
        t = time.perf_counter()
        sealed_insert(session, calls)
        sealed_times.append(time.perf_counter() - t)

        plain_path = root / f"plain-{n}-{attempt}.db"
        plain_db = plain_connect(plain_path)
        gc.collect()
        t = time.perf_counter()
        plain_insert(plain_db, calls)
        plain_times.append(time.perf_counter() - t)
        print(
            f"  insert run {attempt + 1}: sealed {sealed_times[-1]:.2f} s, "
            f"plain {plain_times[-1]:.2f} s",
            flush=True,
        )
        if not last:  # keep only the newest pair on disk
            vault.close()
            vault = None
            plain_db.close()
            plain_db = None
            for p in vdir.iterdir():
                p.unlink()
            for suffix in ("", "-wal", "-shm"):
                Path(str(plain_path) + suffix).unlink(missing_ok=True)
    assert vault is not None and session is not None and plain_db is not None

    checkpoint(vault.db)
    checkpoint(plain_db)
    body_mean = next(vault.db.query("select avg(length(body)) as b from calls"))["b"]
    sealed_file = file_mb(vault.path)
    plain_file = file_mb(plain_path)
    insert_profile = ""
    if profile:  # into a fresh vault, so the profiled rows do not change the load figures
        pdir = root / f"profile-{n}"
        pvault, psession = Vault.create(
            pdir, "Profile", "Bench", PASSPHRASE, kdf_factory=kdf_factory
        )
        sample = calls[:5000]
        insert_profile = profile_text(lambda: sealed_insert(psession, sample))
        pvault.close()
    del calls
    gc.collect()

    newest_sealed: list[float] = []
    newest_plain: list[float] = []
    for _ in range(max(load_repeats, 5)):
        newest_sealed.append(best_of(1, lambda: session.calls.page(0, 100))[0])
        newest_plain.append(best_of(1, lambda: plain_newest(plain_db))[0])
    assert len(session.calls.page(0, 100)) == len(plain_newest(plain_db)) == 100

    all_sealed: list[float] = []
    all_plain: list[float] = []
    for attempt in range(load_repeats):
        for kind, run in (
            ("sealed", lambda: sealed_all(session)),
            ("plain", lambda: plain_all(plain_db)),
        ):
            gc.collect()
            t = time.perf_counter()
            loaded = run()
            took = time.perf_counter() - t
            assert len(loaded) == n, (kind, len(loaded))
            del loaded
            (all_sealed if kind == "sealed" else all_plain).append(took)
        print(
            f"  load-all run {attempt + 1}: sealed {all_sealed[-1]:.2f} s, "
            f"plain {all_plain[-1]:.2f} s",
            flush=True,
        )

    traced: dict[str, float] = {}
    for kind, run in (
        ("sealed", lambda: sealed_all(session)),
        ("plain", lambda: plain_all(plain_db)),
    ):
        gc.collect()
        tracemalloc.start()
        loaded = run()
        traced[kind] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
        tracemalloc.stop()
        del loaded
    load_profile = profile_text(lambda: sealed_all(session)) if profile else ""

    vault_dir = vault.data_dir
    vault.close()
    plain_db.close()
    # Resident memory in a fresh process, so what this one allocated earlier cannot hide
    # or inflate it: open (and unlock), then load every call.
    rss = {
        kind: child_memory(kind, where)
        for kind, where in (("sealed", vault_dir), ("plain", plain_path))
    }

    result: dict[str, Any] = {
        "calls": n,
        "generate_s": round(generate_s, 2),
        "note_bytes_mean_conversation": round(statistics.mean(conv)),
        "note_bytes_mean_all": round(note_mean),
        "sealed_body_bytes_mean": round(body_mean),
        "file_mb": {"sealed": sealed_file, "plain": plain_file},
        "insert_s": {
            "sealed": round(min(sealed_times), 3),
            "plain": round(min(plain_times), 3),
            "ratio": ratio(min(sealed_times), min(plain_times)),
            "runs": insert_repeats,
            "sealed_rows_per_s": round(n / min(sealed_times)),
        },
        "newest_100_ms": {
            "sealed": round(min(newest_sealed) * 1000, 2),
            "plain": round(min(newest_plain) * 1000, 2),
            "ratio": ratio(min(newest_sealed), min(newest_plain)),
            "runs": len(newest_sealed),
        },
        "load_all_s": {
            "sealed": round(min(all_sealed), 3),
            "plain": round(min(all_plain), 3),
            "ratio": ratio(min(all_sealed), min(all_plain)),
            "runs": load_repeats,
        },
        "memory_load_all_mb": {
            "sealed_rss_before_mb": rss["sealed"]["rss_before_mb"],
            "sealed_rss_peak_mb": rss["sealed"]["rss_peak_mb"],
            "plain_rss_before_mb": rss["plain"]["rss_before_mb"],
            "plain_rss_peak_mb": rss["plain"]["rss_peak_mb"],
            "sealed_tracemalloc_peak_mb": traced["sealed"],
            "plain_tracemalloc_peak_mb": traced["plain"],
            "unlock_rss_peak_mb": rss["sealed"]["unlock_rss_peak_mb"],
        },
    }
    print_size(result)
    if profile:
        print("\n-- cProfile: sealed insert of 5,000 calls (tottime) --")
        print(insert_profile)
        print("-- cProfile: sealed load-all (tottime) --")
        print(load_profile)
    return result


def profile_text(run: Callable[[], object]) -> str:
    prof = cProfile.Profile()
    prof.enable()
    run()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).strip_dirs().sort_stats("tottime").print_stats(18)
    return out.getvalue()


def print_size(r: dict[str, Any]) -> None:
    ins, new, lall, mem = (
        r["insert_s"],
        r["newest_100_ms"],
        r["load_all_s"],
        r["memory_load_all_mb"],
    )
    print(
        f"  insert      sealed {ins['sealed']:8.3f} s   plain {ins['plain']:8.3f} s   "
        f"ratio {ins['ratio']:.2f}  (<= {RATIO_BUDGET}: {verdict(ins['ratio'])})"
    )
    print(
        f"  newest 100  sealed {new['sealed']:8.2f} ms  plain {new['plain']:8.2f} ms  "
        f"ratio {new['ratio']:.2f}  (<= {RATIO_BUDGET}: {verdict(new['ratio'])})"
    )
    print(
        f"  load all    sealed {lall['sealed']:8.3f} s   plain {lall['plain']:8.3f} s   "
        f"ratio {lall['ratio']:.2f}  (<= {RATIO_BUDGET}: {verdict(lall['ratio'])})"
    )
    print(
        f"  memory, load all (fresh process): peak RSS sealed {mem['sealed_rss_peak_mb']} MB "
        f"(from {mem['sealed_rss_before_mb']} after unlock), plain {mem['plain_rss_peak_mb']} MB "
        f"(from {mem['plain_rss_before_mb']}); tracemalloc peak sealed "
        f"{mem['sealed_tracemalloc_peak_mb']} MB, plain {mem['plain_tracemalloc_peak_mb']} MB; "
        f"unlock itself peaks at {mem['unlock_rss_peak_mb']} MB (Argon2id memory)"
    )
    print(
        f"  files: sealed {r['file_mb']['sealed']} MB, plain {r['file_mb']['plain']} MB; "
        f"sealed body {r['sealed_body_bytes_mean']} B per call on average"
    )


# --- memory in a fresh process ----------------------------------------------------------------


def child_memory(kind: str, where: Path) -> dict[str, float]:
    """Run :func:`child_load` in a new interpreter and return what it measured."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child-load", kind, str(where)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def child_load(kind: str, where: Path) -> dict[str, float]:
    """Open the file (unlocking a vault), reset the peak-RSS mark, load every call.

    Unlocking alone peaks at the Argon2id memory cost (hundreds of MB, freed at once),
    so the mark is reset after it, and the unlock peak is reported separately.
    """
    unlock_peak = 0.0
    if kind == "sealed":
        vault = Vault.open(where)
        session = vault.unlock(vault.accounts()[0].uuid, PASSPHRASE)
        unlock_peak = peak_rss_mb()
        run: Callable[[], list[Call]] = lambda: sealed_all(session)  # noqa: E731
    else:
        db = plain_connect(where)
        run = lambda: plain_all(db)  # noqa: E731
    gc.collect()
    if not reset_peak_rss():
        raise SystemExit("cannot reset the peak-RSS mark (needs Linux 4.0 or later)")
    before = current_rss_mb()
    loaded = run()
    return {
        "rss_before_mb": before,
        "rss_peak_mb": peak_rss_mb(),
        "unlock_rss_peak_mb": unlock_peak,
        "loaded": len(loaded),
    }


# --- unlock --------------------------------------------------------------------------------


def measure_unlock(root: Path, calibration: crypto.Calibration, repeats: int) -> dict[str, Any]:
    params = calibration.params
    vdir = root / "unlock"
    vault, session = Vault.create(
        vdir, "Unlock bench (fictional)", "Bench", PASSPHRASE, kdf_factory=params.with_new_salt
    )
    account = session.account.uuid
    kdf_json = next(vault.db.query("select kdf from accounts where uuid = ?", [account]))["kdf"]
    vault.close()
    stored = crypto.KdfParams.from_json(kdf_json)
    opens, unlocks, kdfs = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        vault = Vault.open(vdir, kdf_factory=params.with_new_salt)
        opens.append(time.perf_counter() - t)
        t = time.perf_counter()
        vault.unlock(account, PASSPHRASE)
        unlocks.append(time.perf_counter() - t)
        vault.close()
        t = time.perf_counter()
        crypto.derive_kek(PASSPHRASE, stored).wipe()
        kdfs.append(time.perf_counter() - t)
    kdf_s = min(kdfs)
    return {
        "params": {
            "memory_mib": params.memory_kib // 1024,
            "iterations": params.iterations,
            "lanes": params.lanes,
        },
        "calibration_target_s": 0.5,
        "calibration_measured_s": round(calibration.seconds, 3),
        "calibration_trials": [[m // 1024, t, round(s, 3)] for m, t, s in calibration.trials],
        "kdf_s": round(kdf_s, 3),
        "vault_open_s": round(min(opens), 4),
        "unlock_s": round(min(unlocks), 3),
        "unlock_beyond_kdf_s": round(min(unlocks) - kdf_s, 4),
        "runs": repeats,
        "kdf_budget": "ok" if KDF_BUDGET[0] <= kdf_s <= KDF_BUDGET[1] else "out",
    }


# --- main ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cryptography": cryptography.__version__,
    }


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--quick", action="store_true", help="2,000 calls, one run of each")
    parser.add_argument("--insert-repeats", type=int, default=3)
    parser.add_argument("--load-repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the sealed path too")
    parser.add_argument("--child-load", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_load:
        kind, where = args.child_load
        print(json.dumps(child_load(kind, Path(where))))
        return 0
    if args.quick:
        args.sizes = [2_000]
        args.insert_repeats = args.load_repeats = 1

    started = time.perf_counter()
    info = machine()
    print(f"Warmline storage benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {info['cpus']} cores, {info['cpu']}; Python {info['python']}, "
        f"SQLite {info['sqlite']}, cryptography {info['cryptography']}"
    )

    t = time.perf_counter()
    calibration = crypto.calibrate()
    calibrate_s = time.perf_counter() - t
    p = calibration.params
    print(
        f"KDF calibrated in {calibrate_s:.1f} s: Argon2id {p.memory_kib // 1024} MiB, "
        f"{p.iterations} passes, {p.lanes} lanes, {calibration.seconds:.3f} s per derivation"
    )

    results: dict[str, Any] = {
        "benchmark": "warmline-storage",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": info,
        "batch": BATCH,
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="warmline-bench-") as tmp:
        root = Path(tmp)
        unlock = measure_unlock(root, calibration, 5)
        unlock["calibrate_s"] = round(calibrate_s, 2)
        results["unlock"] = unlock
        print(
            f"\nunlock: Vault.open {unlock['vault_open_s'] * 1000:.1f} ms, unlock "
            f"{unlock['unlock_s']:.3f} s, of which KDF {unlock['kdf_s']:.3f} s "
            f"(KDF {KDF_BUDGET[0]}-{KDF_BUDGET[1]} s: {unlock['kdf_budget']})"
        )
        for n in args.sizes:
            results["sizes"][str(n)] = measure_size(
                n,
                root,
                p.with_new_salt,
                insert_repeats=args.insert_repeats,
                load_repeats=args.load_repeats,
                profile=args.profile,
            )

    budgets: dict[str, str] = {"kdf_0.3-1.0_s": unlock["kdf_budget"]}
    print("\n== budgets ==")
    for n, r in results["sizes"].items():
        for key in ("insert_s", "newest_100_ms", "load_all_s"):
            value = r[key]["ratio"]
            budgets[f"{n}_{key.removesuffix('_s').removesuffix('_ms')}_ratio<=1.5"] = verdict(value)
            print(f"{n:>7} calls  {key:<14} ratio {value:5.2f} <= {RATIO_BUDGET}: {verdict(value)}")
    print(
        f"KDF {unlock['kdf_s']:.3f} s within {KDF_BUDGET[0]}-{KDF_BUDGET[1]} s: "
        f"{unlock['kdf_budget']}"
    )
    results["budgets"] = budgets
    results["process_maxrss_mb"] = maxrss_mb()  # getrusage, whole run (Argon2id included)
    results["total_s"] = round(time.perf_counter() - started, 1)
    print(f"total {results['total_s']} s")
    print(json.dumps(results, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
