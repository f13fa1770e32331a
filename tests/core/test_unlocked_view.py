"""The unlocked-view benchmark (bench/bench_unlocked_view.py) and its FTS5 prototype.

Three things keep the benchmark honest: it runs at a small size here so it never rots; the
two candidates it times are held to the same answers on a sample of searches (so it cannot
quietly time two different things); and the FTS5 prototype is shown never to write a file,
since a database of opened notes on disk would undo the sealing.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.bench_unlocked_view import (
    _INDEX_ROW,
    AUTHORS,
    FtsCandidate,
    IndexCandidate,
    disagreements,
    main,
    opened_rows,
)
from bench.fts_view import FtsView, match_expression
from warmline.search import STOP_WORDS, SearchIndex, tokenize

ROOT = Path(__file__).resolve().parents[2]
N = 400


@pytest.fixture(scope="module")
def built() -> tuple[list[dict[str, Any]], SearchIndex, FtsView]:
    rows, aliases = opened_rows(N)
    index, fts = IndexCandidate(aliases), FtsCandidate(aliases)
    index.build(rows, 37)  # odd steps, so calls land in several of them
    fts.build(rows, 37)
    return rows, index.view, fts.view


def both(
    index: SearchIndex, fts: FtsView, query: str, **filters: Any
) -> tuple[list[str], list[str]]:
    mine = index.search(query, limit=None, **filters)
    theirs = fts.search(query, limit=None, **filters)
    assert theirs.total == len(theirs.uuids)
    assert mine.total == len(mine.uuids)
    assert mine.too_common == theirs.too_common, query
    return mine.uuids, theirs.uuids


def _sample_queries(rows: Sequence[dict[str, Any]], rng: random.Random) -> list[str]:
    """Words and prefixes drawn from the notes: single words, pairs, and words being typed."""
    words = sorted({w for r in rows[:60] for w in tokenize(r["text"]) if w not in STOP_WORDS})
    stop_prefixes = {w[:i] for w in STOP_WORDS for i in range(1, len(w) + 1)}
    out = ["said ", "the ", "and the ", "zzzqx ", "Friend ", "WALK friend ", "lon", "slee"]
    for _ in range(40):
        a, b = rng.choice(words), rng.choice(words)
        out += [f"{a} ", f"{a} {b} ", f"{a}, {b[:3]}"]
        if len(a) > 3 and a[:2] not in stop_prefixes:  # see fts_view's module doc
            out.append(a[: rng.randint(2, len(a))])
    return out


def test_the_candidates_find_the_same_calls(
    built: tuple[list[dict[str, Any]], SearchIndex, FtsView],
) -> None:
    rows, index, fts = built
    rng = random.Random(9)
    newest = datetime.fromisoformat(rows[0]["started"])
    callers = sorted({r["caller"] for r in rows if r["caller"]})
    topics = sorted({t for r in rows for t in r["topics"]})
    filters: list[dict[str, Any]] = [
        {},
        {"author": AUTHORS[1]},
        {"caller": callers[0]},
        {"caller": "not-a-caller"},
        {"start": newest - timedelta(days=5), "end": newest},
        {"start": newest - timedelta(days=9)},
        {"end": newest - timedelta(days=3), "author": AUTHORS[2]},
        {"topic": topics[0]},
        {"alias_text": "a"},
    ]
    compared = 0
    for query in _sample_queries(rows, rng):
        for f in rng.sample(filters, 3):
            mine, theirs = both(index, fts, query, **f)
            assert mine == theirs, (query, f)
            compared += bool(mine)
    assert compared > 100  # most of the sample found something: not empty == empty


def test_a_phrase_narrows_its_words_and_or_is_the_union(
    built: tuple[list[dict[str, Any]], SearchIndex, FtsView],
) -> None:
    rows, index, fts = built
    text = {r["uuid"]: " ".join(tokenize(r["text"])) for r in rows}
    words_only, phrase = both(index, fts, '"talked about" ')
    assert phrase and set(phrase) < set(words_only)
    assert all(re.search(r"\btalked about\b", text[u]) for u in phrase)
    garden, _ = both(index, fts, "garden ")
    music, _ = both(index, fts, "music ")
    either = fts.search("garden OR music ", limit=None).uuids
    assert set(either) == set(garden) | set(music) and garden and music
    sleep, _ = both(index, fts, "sleep ")
    narrowed = fts.search("sleep garden OR music ", limit=None).uuids
    assert set(narrowed) == set(sleep) & (set(garden) | set(music))


def test_edits_and_deletions_keep_them_in_step() -> None:
    rows, aliases = opened_rows(60)
    index, fts = IndexCandidate(aliases), FtsCandidate(aliases)
    index.build(rows, 25)
    fts.build(rows, 25)
    edited = {**rows[10], "revision": 2, "text": "a quite new zebracrossing note"}
    stale = {**rows[11], "revision": 1, "text": "an older zebracrossing copy"}
    idx = index.view
    words_before = len(idx._data.codes)
    idx._add_rows(idx._data, [_INDEX_ROW(edited), _INDEX_ROW(stale)])
    idx._merge_vocabulary(idx._data, words_before)
    assert fts.view.add_rows([edited, stale]) == 1
    idx.remove(rows[12]["uuid"])
    fts.view.remove(rows[12]["uuid"])
    mine, theirs = both(idx, fts.view, "zebracrossing ")
    assert mine == theirs == [edited["uuid"]]
    first_word = next(w for w in tokenize(rows[10]["text"]) if w not in STOP_WORDS)
    mine, theirs = both(idx, fts.view, first_word + " ")
    assert mine == theirs and edited["uuid"] not in theirs
    assert both(idx, fts.view, "")[0] == both(idx, fts.view, "")[1]
    assert len(fts.view) == len(idx) == 59


def test_match_expression() -> None:
    assert match_expression("walk friend ") == ('("walk") AND ("friend")', False)
    assert match_expression("walk fri") == ('("walk") AND ("fri"*)', False)
    assert match_expression("the and ") == (None, True)
    assert match_expression('"at the shop" OR park ') == ('("at the shop" OR "park")', False)
    assert match_expression('say "it\'s') == ('("say") AND ("it s")', False)
    assert match_expression("  ") == (None, False)


def test_the_disagreement_guard_can_fail() -> None:
    same = {"queries": {"x": {"total": 3, "page": "a"}, "phrase": {"total": 2, "page": "b"}}}
    other = json.loads(json.dumps(same))
    assert disagreements(same, other) == []
    other["queries"]["x"]["page"] = "c"
    other["queries"]["phrase"]["total"] = 5
    assert len(disagreements(same, other)) == 2


def test_the_bench_runs_at_a_small_size() -> None:
    lines: list[str] = []
    figures = main(["--sizes", "300", "--runs", "2", "--in-process"], echo=lines.append)
    at = figures["sizes"][300]
    for name in ("index", "fts"):
        assert at[name]["calls"] == 300
        assert at[name]["build_s"] >= 0
        assert len(at[name]["queries"]) == 11
    assert at["fts"]["db_pages_mb"] > 0
    assert at["index"]["traced_mb"] > 0
    assert figures["loc"]["index"]["code"] < figures["loc"]["index"]["lines"]
    assert any("300 calls" in line for line in lines)


# -- never a file ------------------------------------------------------------------------------

_CHILD = """
import json, os, sys
from bench.bench_unlocked_view import FtsCandidate, opened_rows, queries
rows, aliases = opened_rows(300)
fts = FtsCandidate(aliases)
fts.build(rows, 50)
db = fts.view.db
if sys.argv[1] == "control":  # what the check must catch: a temporary table on disk
    db.execute("pragma temp_store = file")
    db.execute("create temp table spill as select * from calls, calls as c2 limit 50000")
for label, q in queries(rows):
    fts.search(label, q)
db.execute("select uuid from calls order by damaged, revision, uuid desc").fetchall()
held = []
for fd in os.listdir("/proc/self/fd"):
    try:
        held.append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        pass
print(json.dumps({
    "temp_store": db.execute("pragma temp_store").fetchone()[0],
    "files": [row[2] for row in db.execute("pragma database_list")],
    "held": [h for h in held if h.startswith(os.environ["TMPDIR"])],
}))
"""


def _run_child(tmp_path: Path, mode: str) -> dict[str, Any]:
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp), "SQLITE_TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    result["left"] = sorted(p.name for p in (*cwd.iterdir(), *tmp.iterdir()))
    return result


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see open files")
def test_the_fts_view_never_touches_a_file(tmp_path: Path) -> None:
    result = _run_child(tmp_path, "view")
    assert result["temp_store"] == 2  # MEMORY
    assert set(result["files"]) == {""}  # main and temp are in memory
    assert result["held"] == []  # no temporary file open, even one already unlinked
    assert result["left"] == []  # and nothing left in the working or temporary folder
    # The check itself can see a temporary file: the same run with temp_store = file.
    control = _run_child(tmp_path, "control")
    assert control["held"] and all("(deleted)" in h for h in control["held"])


def test_calls_started_at_the_same_moment_keep_one_order() -> None:
    rows, aliases = opened_rows(30)
    for row in rows[5:9]:  # four calls at one moment, with one author, found by one word
        row.update(started=rows[5]["started"], author=AUTHORS[3], text="tie " + row["text"])
    rows.sort(key=lambda r: r["uuid"], reverse=True)  # and handed over in no useful order
    index, fts = IndexCandidate(aliases), FtsCandidate(aliases)
    index.build(rows, 7)
    fts.build(rows, 7)
    for query, filters in (("tie ", {}), ("", {"author": AUTHORS[3]}), ("", {})):
        mine, theirs = both(index.view, fts.view, query, **filters)
        assert mine == theirs and len(mine) >= 4
