"""Benchmark: the unlocked view, today's hand-made index against SQLite FTS5 in memory.

The two candidates (issue 9, item 3):

* ``index``: ``warmline.search.SearchIndex``, the hand-made index the app uses today;
* ``fts``: ``bench/fts_view.py``, one private ``:memory:`` SQLite database holding the opened
  facts and an FTS5 table over the notes.

Both are fed the same opened calls, made in memory: ``warmline.fiction`` (seed 7) invents the
calls and each becomes a dict of facts and note text, the way ``warmline.search._doc_from_row``
turns an opened row into what the index keeps (uuid, revision, ISO start time, author, shift,
caller, topics, follow-up, damaged, text). Nothing is sealed, stored or opened: the cost of
decrypting is the same for both and is measured by bench_calls_list.py. Each candidate builds
in steps of 1,000 calls, newest first, as the app's build does: ``SearchIndex`` through its own
step internals (``_add_rows`` then ``_merge_vocabulary``, exactly what ``build_step`` runs after
reading a batch), the FTS5 view through ``add_rows`` (one transaction per step). Each takes the
dicts as they are, so turning them into what it stores is part of its build.

Each candidate runs in its own fresh process (``--child``) so memory figures do not mix:

* ``rss_mb``: growth of the process's resident memory over the build (everything the build
  left behind, whoever allocated it: Python objects, SQLite's pages and caches, and allocator
  slack); ``rss_after_clear_mb``: how much of that is still held after lock (``clear()``);
* ``traced_mb`` / ``traced_peak_mb``: Python's tracemalloc over a second build: what Python
  objects the view holds, and the most it held at once. SQLite allocates with the C allocator,
  which tracemalloc does not see, so for ``fts`` this is only the Python side;
* ``db_pages_mb`` (fts): ``page_count * page_size``, the database's own pages (tables, indexes,
  the FTS5 index), all in memory since it is ``:memory:``;
* ``sqlite_used_mb`` / ``sqlite_peak_mb`` (fts): ``sqlite3_memory_used()`` and its high-water
  mark, read through ctypes from the same libsqlite3 the ``sqlite3`` module loaded (checked by
  version; "n/a" if it cannot be reached): every byte SQLite holds, pages and caches included;
* ``estimate_mb`` (index): ``SearchIndex.memory_estimate()``.

Queries (each run ``--runs`` times; median and worst): one common word, two words, a prefix
being typed, a phrase, either-or, filters by caller, by author, by date range, a word with a
filter and a date range, and the first page of the 100 newest calls (no query, and matching a
word). Every search asks for the first 100 and the total, as the calls list does. Today's index
has no phrase and no OR: for the phrase it is timed on the words alone (which finds more calls,
"superset" in the table) and either-or is emulated by merging two searches. The parent compares
what both found (the total and the first page) and stops with an error if they differ where
they should agree, so the bench never silently measures two different things.

Also counts lines of code: ``warmline/search.py`` against ``bench/fts_view.py``.

Run::

    .venv/bin/python bench/bench_unlocked_view.py                 # 10,000 and 100,000 calls
    .venv/bin/python bench/bench_unlocked_view.py --sizes 300 --runs 2

Prints a table per size and ends with one line of JSON.
"""

from __future__ import annotations

import argparse
import ast
import ctypes
import ctypes.util
import gc
import hashlib
import heapq
import io
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
import tokenize
import tracemalloc
import uuid as uuidlib
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fts_view import FtsView  # noqa: E402
from warmline.fiction import FictionGenerator  # noqa: E402
from warmline.search import DEFAULT_BATCH, SearchIndex  # noqa: E402
from warmline.timeutil import to_iso  # noqa: E402

NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
SEED = 7
AUTHORS = [str(uuidlib.UUID(int=i + 1)) for i in range(8)]
CANDIDATES = ("index", "fts")

#: What SearchIndex._add_rows takes per call, in its order, from an opened-row dict.
_INDEX_ROW = itemgetter(
    "uuid",
    "revision",
    "started",
    "author",
    "shift",
    "caller",
    "updated",
    "topics",
    "follow_up",
    "damaged",
    "text",
)


# -- the opened calls ----------------------------------------------------------------------


def opened_rows(n: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``n`` invented calls as opened rows (newest first, the build's order) and the aliases."""
    gen = FictionGenerator(seed=SEED, now=NOW)
    callers = gen.callers(max(12, n // 2500))
    rows = [
        {
            "uuid": call.uuid,
            "revision": 1,
            "started": to_iso(call.started_at) or "",
            "author": call.author_uuid,
            "shift": call.shift_uuid,
            "caller": call.caller_uuid,
            "updated": to_iso(call.started_at),
            "topics": list(call.topics),
            "follow_up": call.has_follow_up,
            "damaged": False,
            "text": call.note_text(),
        }
        for call in gen.calls(n, callers, max(30, n // 40), AUTHORS)
    ]
    rows.sort(key=itemgetter("uuid"))
    rows.sort(key=itemgetter("started"), reverse=True)  # newest first, then uuid
    return rows, {c.uuid: c.alias for c in callers}


def queries(rows: Sequence[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The searches timed, with filters drawn from the data (the busiest regular, …)."""
    caller = Counter(r["caller"] for r in rows if r["caller"]).most_common(1)[0][0]
    author = AUTHORS[0]
    newest = datetime.fromisoformat(rows[0]["started"])
    month = {"start": newest - timedelta(days=30), "end": newest}
    quarter = {"start": newest - timedelta(days=90), "end": newest}
    return [
        ("common word", {"text": "said "}),
        ("two words", {"text": "walk friend "}),
        ("prefix typed", {"text": "lon"}),
        ("phrase", {"text": '"talked about"'}),
        ("either-or", {"text": "garden OR music "}),
        ("caller", {"caller": caller}),
        ("author", {"author": author}),
        ("date range", month),
        ("word+author+dates", {"text": "friend ", "author": author, **quarter}),
        ("newest 100", {}),
        ("newest 100 'sleep'", {"text": "sleep "}),
    ]


# -- the candidates --------------------------------------------------------------------------


class IndexCandidate:
    """Today's ``SearchIndex``, built through the step internals ``build_step`` uses."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.view = SearchIndex()
        self.aliases = aliases

    def build(self, rows: Sequence[dict[str, Any]], batch: int) -> list[float]:
        view = self.view
        view.clear()
        view.set_aliases(self.aliases)
        d = view._data
        steps = []
        for at in range(0, len(rows), batch):
            t = time.perf_counter()
            docs = list(map(_INDEX_ROW, rows[at : at + batch]))
            words_before = len(d.codes)
            view._add_rows(d, docs)
            view._merge_vocabulary(d, words_before)
            steps.append(time.perf_counter() - t)
        view._ready = True
        return steps

    def search(self, label: str, q: dict[str, Any]) -> tuple[list[str], int]:
        if label == "either-or":  # no OR today: two searches, merged newest first
            d = self.view._data
            kw = {k: q.get(k) for k in ("start", "end", "author", "shift", "caller")}
            sides = [
                self.view._matching(d, part, alias_text=None, topic=None, **kw)
                for part in q["text"].split(" OR ")
            ]
            docs = list(dict.fromkeys(heapq.merge(*sides, key=d.keys.__getitem__)))
            return [d.facts[i][0] for i in docs[:100]], len(docs)  # type: ignore[index]
        result = self.view.search(q.get("text", ""), **_filters(q), limit=100)
        return result.uuids, result.total

    def memory(self) -> dict[str, float]:
        return {"estimate_mb": _mb(self.view.memory_estimate())}

    def clear(self) -> None:
        self.view.clear()


class FtsCandidate:
    """The FTS5 prototype in bench/fts_view.py."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.view = FtsView()
        self.aliases = aliases

    def build(self, rows: Sequence[dict[str, Any]], batch: int) -> list[float]:
        view = self.view
        view.clear()
        view.set_aliases(self.aliases)
        steps = []
        for at in range(0, len(rows), batch):
            t = time.perf_counter()
            view.add_rows(rows[at : at + batch])
            steps.append(time.perf_counter() - t)
        return steps

    def search(self, label: str, q: dict[str, Any]) -> tuple[list[str], int]:
        page = self.view.search(q.get("text", ""), **_filters(q), limit=100)
        return page.uuids, page.total

    def memory(self) -> dict[str, float]:
        db = self.view.db
        pages = db.execute("pragma page_count").fetchone()[0]
        size = db.execute("pragma page_size").fetchone()[0]
        figures = {"db_pages_mb": _mb(pages * size)}
        used = sqlite_memory()
        if used is not None:
            figures["sqlite_used_mb"] = _mb(used[0])
            figures["sqlite_peak_mb"] = _mb(used[1])
        return figures

    def clear(self) -> None:
        self.view.clear()


Candidate = IndexCandidate | FtsCandidate


def _filters(q: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in q.items() if k != "text"}


def make(name: str, aliases: dict[str, str]) -> Candidate:
    return IndexCandidate(aliases) if name == "index" else FtsCandidate(aliases)


# -- memory ------------------------------------------------------------------------------------


def _mb(n: float) -> float:
    return round(n / 2**20, 1)


def rss_bytes() -> int:
    """Resident memory of this process now (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _sqlite_lib() -> Any:
    """The libsqlite3 the sqlite3 module uses, through ctypes, or None if it cannot be sure."""
    name = ctypes.util.find_library("sqlite3")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.sqlite3_libversion.restype = ctypes.c_char_p
    if lib.sqlite3_libversion().decode() != sqlite3.sqlite_version:
        return None
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    lib.sqlite3_memory_highwater.restype = ctypes.c_int64
    lib.sqlite3_memory_highwater.argtypes = [ctypes.c_int]
    return lib


_LIB = _sqlite_lib()


def sqlite_memory(reset_peak: bool = False) -> tuple[int, int] | None:
    """(bytes SQLite holds now, most it held since the last reset), or None if unknown."""
    if _LIB is None:
        return None
    return int(_LIB.sqlite3_memory_used()), int(_LIB.sqlite3_memory_highwater(int(reset_peak)))


# -- one candidate, in its own process ---------------------------------------------------------


def _fingerprint(uuids: list[str]) -> str:
    return hashlib.sha256("\n".join(uuids).encode()).hexdigest()[:16]


def measure(name: str, n: int, runs: int, batch: int = DEFAULT_BATCH) -> dict[str, Any]:
    """Build one candidate over ``n`` calls, time its queries and weigh it (see module doc)."""
    rows, aliases = opened_rows(n)
    candidate = make(name, aliases)
    gc.collect()
    rss0 = rss_bytes()
    sqlite_memory(reset_peak=True)
    t = time.perf_counter()
    steps = candidate.build(rows, batch)
    build_s = time.perf_counter() - t
    gc.collect()
    out: dict[str, Any] = {
        "candidate": name,
        "calls": n,
        "build_s": round(build_s, 2),
        "longest_step_ms": round(max(steps) * 1000, 1),
        "rss_mb": _mb(rss_bytes() - rss0),
        **candidate.memory(),
    }
    found: dict[str, dict[str, Any]] = {}
    for label, q in queries(rows):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            uuids, total = candidate.search(label, q)
            times.append((time.perf_counter() - t) * 1000)
        found[label] = {
            "median_ms": round(statistics.median(times), 2),
            "worst_ms": round(max(times), 2),
            "total": total,
            "page": _fingerprint(uuids),
        }
    out["queries"] = found
    candidate.clear()
    gc.collect()
    out["rss_after_clear_mb"] = _mb(rss_bytes() - rss0)
    after = sqlite_memory()
    if name == "fts" and after is not None:
        out["sqlite_after_clear_mb"] = _mb(after[0])
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    candidate.build(rows, batch)
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out["traced_mb"] = _mb(current - base)
    out["traced_peak_mb"] = _mb(peak - base)
    candidate.clear()
    return out


# -- lines of code ---------------------------------------------------------------------------


def lines_of_code(path: Path) -> dict[str, int]:
    """All lines, and the lines holding code (not blank, comment-only or docstring)."""
    source = path.read_text()
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                first = body[0]
                docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    code: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip and tok.type != tokenize.ENDMARKER:
            code.update(range(tok.start[0], tok.end[0] + 1))
    return {"lines": len(source.splitlines()), "code": len(code - docstrings)}


# -- the parent: run, compare, print -----------------------------------------------------------

#: Queries today's index cannot answer as asked: timed, but its answer is not compared.
NOT_COMPARED = {"phrase"}


def run_child(name: str, n: int, runs: int, in_process: bool) -> dict[str, Any]:
    if in_process:
        return measure(name, n, runs)
    cmd = [sys.executable, __file__, "--child", name, "--sizes", str(n), "--runs", str(runs)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=os.getcwd())
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def disagreements(index: dict[str, Any], fts: dict[str, Any]) -> list[str]:
    """Where the candidates found different calls on a query they should agree on."""
    out = []
    for label, mine in index["queries"].items():
        theirs = fts["queries"][label]
        if label in NOT_COMPARED:
            if theirs["total"] > mine["total"]:  # a phrase can only narrow its words
                out.append(f"{label}: fts {theirs['total']} > index {mine['total']}")
        elif (mine["total"], mine["page"]) != (theirs["total"], theirs["page"]):
            out.append(f"{label}: index {mine['total']} != fts {theirs['total']} (or page)")
    return out


def table(index: dict[str, Any], fts: dict[str, Any]) -> str:
    def q(r: dict[str, Any]) -> str:
        return f"{r['median_ms']:8.2f} {r['worst_ms']:8.2f}"

    lines = [
        f"{index['calls']:,} calls",
        f"{'':22} {'index':>17}   {'fts5':>17}",
        f"{'build s':22} {index['build_s']:17.2f}   {fts['build_s']:17.2f}",
        f"{'longest step ms':22} {index['longest_step_ms']:17.1f}   {fts['longest_step_ms']:17.1f}",
        f"{'RSS growth MB':22} {index['rss_mb']:17.1f}   {fts['rss_mb']:17.1f}",
        f"{'RSS after clear MB':22} {index['rss_after_clear_mb']:17.1f}   "
        f"{fts['rss_after_clear_mb']:17.1f}",
        f"{'tracemalloc held MB':22} {index['traced_mb']:17.1f}   {fts['traced_mb']:17.1f}",
        f"{'tracemalloc peak MB':22} {index['traced_peak_mb']:17.1f}   "
        f"{fts['traced_peak_mb']:17.1f}",
        f"{'estimate / db pages MB':22} {index['estimate_mb']:17.1f}   {fts['db_pages_mb']:17.1f}",
        f"{'sqlite used/peak MB':22} {'':17}   "
        f"{fts.get('sqlite_used_mb', 'n/a')!s:>8} {fts.get('sqlite_peak_mb', 'n/a')!s:>8}",
        f"{'sqlite after clear MB':22} {'':17}   {fts.get('sqlite_after_clear_mb', 'n/a')!s:>17}",
        f"{'query (median worst)':22} {'index ms':>17}   {'fts5 ms':>17}  matches",
    ]
    for label, mine in index["queries"].items():
        theirs = fts["queries"][label]
        note = f" (index: words only, {mine['total']:,})" if label in NOT_COMPARED else ""
        if label == "either-or":
            note = " (index: two searches merged)"
        lines.append(f"{label:22} {q(mine)}   {q(theirs)}  {theirs['total']:,}{note}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, echo: Callable[[str], None] = print) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated call counts")
    parser.add_argument("--runs", type=int, default=7, help="runs of each query")
    parser.add_argument("--in-process", action="store_true", help="no child processes")
    parser.add_argument("--child", choices=CANDIDATES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        result = measure(args.child, sizes[0], args.runs)
        echo(json.dumps(result))
        return result

    echo(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    figures: dict[str, Any] = {
        "loc": {
            "index": lines_of_code(ROOT / "warmline" / "search.py"),
            "fts": lines_of_code(ROOT / "bench" / "fts_view.py"),
        },
        "sizes": {},
    }
    loc = figures["loc"]
    echo(
        f"lines (all / code): search.py {loc['index']['lines']} / {loc['index']['code']}, "
        f"fts_view.py {loc['fts']['lines']} / {loc['fts']['code']}"
    )
    for n in sizes:
        index = run_child("index", n, args.runs, args.in_process)
        fts = run_child("fts", n, args.runs, args.in_process)
        echo(table(index, fts))
        differ = disagreements(index, fts)
        figures["sizes"][n] = {"index": index, "fts": fts}
        if differ:
            raise SystemExit("the candidates disagree: " + "; ".join(differ))
    echo(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
