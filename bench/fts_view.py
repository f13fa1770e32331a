"""A prototype of the unlocked view as one private in-memory SQLite database with FTS5.

Written to be measured against ``warmline.search.SearchIndex`` (bench/bench_unlocked_view.py),
not (yet) used by the app. It answers the same questions as that index: calls whose notes hold
every word of a query (the last one as a prefix while it is being typed), filtered by author,
shift, regular caller, part of a caller's alias, topic and a date range, newest first, one page
and the total. On top of that it understands a phrase in double quotes and ``OR`` between words.

Privacy: the database is ``:memory:`` with ``temp_store = MEMORY``, so neither its pages nor
the temporary b-trees of a sort ever go to a file; a test lists the temporary folder and the
working folder around a build and a round of queries. :meth:`FtsView.clear` closes it (lock).

Shape:

* ``calls``: one row per call with the opened facts (ISO start time, author, shift, caller,
  follow-up, damaged) and ``doc``, the rowid of its words in ``notes``. People (author, shift,
  caller) are small numbers handed out here (``_people``), not their 36-character UUIDs, which
  made the table and its indexes twice the size. ``calls_order`` is the list order (``started
  desc, uuid``); each filter's index is ``(person, started desc)``, so a filtered page is read
  in order and only calls started at the same microsecond are sorted by UUID;
* ``notes``: FTS5, contentless (``content=''``: the note text is not kept a second time, only
  the index of its words), no per-row sizes (``columnsize=0``: nothing is ranked by relevance,
  the list is in time order), ``unicode61 remove_diacritics 2`` folds case and accents;
  ``automerge`` 16 rather than 4, since a build commits a small segment per step and merging
  them four at a time took a third of the build;
* ``topics`` (folded, as ``SearchIndex`` compares them) and ``aliases`` for the other filters.

A contentless table cannot delete a row without being handed the old text again (SQLite 3.43
adds ``contentless_delete``; the Python here ships 3.40), so an edit gives the new revision a
new ``doc`` and the old one's words stay behind unreachable: every search joins ``calls``,
which no longer holds it. The same as ``SearchIndex`` retiring a doc; both are rebuilt at the
next unlock.

Query words: stop words (``warmline.search.STOP_WORDS``) are dropped from plain words the way
``SearchIndex`` drops them, so plain searches mean the same in both; they are indexed all the
same (a phrase needs their positions) and kept inside a phrase. Differences from the hand-made
index, all from the tokenizer: ``unicode61`` does not casefold ``ß`` to ``ss`` nor decompose
compatibility characters (the ``ﬁ`` ligature), and a prefix being typed also matches stop
words and single letters (``the`` finds "the" itself; ``SearchIndex`` only finds other words
it starts, such as "theatre"). The agreement test keeps to queries without these.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warmline.search import STOP_WORDS, fold_topic
from warmline.timeutil import to_iso

_SCHEMA = """
create table calls (
    doc integer primary key,
    uuid text not null unique,
    revision integer not null,
    started text not null,
    author integer not null,
    shift integer,
    caller integer,
    follow_up integer not null,
    damaged integer not null
);
create index calls_order on calls (started desc, uuid);
create index calls_author on calls (author, started desc);
create index calls_shift on calls (shift, started desc);
create index calls_caller on calls (caller, started desc);
create table topics (topic text not null, doc integer not null, primary key (topic, doc))
    without rowid;
create table aliases (caller integer primary key, alias text not null);
create virtual table notes using fts5 (
    body, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2'
);
insert into notes (notes, rank) values ('automerge', 16);
"""

# The revisions held of a batch of calls (their UUIDs as one JSON list).
_HELD = "select uuid, revision from calls where uuid in (select value from json_each(?))"

#: What :meth:`FtsView.add_rows` reads from each opened call.
ROW_KEYS = (
    "uuid",
    "revision",
    "started",
    "author",
    "shift",
    "caller",
    "topics",
    "follow_up",
    "damaged",
    "text",
)

# A phrase in double quotes (closed or still being typed), OR between words, or a word: runs
# of letters and digits, split where SearchIndex splits them (underscores and apostrophes too).
_QUERY_PARTS = re.compile(r'"([^"]*)"?|\b(OR)\b|([^\W_]+)')


@dataclass(frozen=True)
class Page:
    """One page of matching call UUIDs, newest first, and how many match in all."""

    uuids: list[str]
    total: int
    too_common: bool = False


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def match_expression(query: str) -> tuple[str | None, bool]:
    """The FTS5 expression for a query, and whether it held only stop words.

    Plain words must all match, stop words dropped; the last word is a prefix while the query
    ends in it; ``"…"`` is a phrase (stop words kept, in order); ``a OR b`` matches either, and
    binds tighter than the words around it ("sleep walk OR garden": sleep and either). None
    when nothing is left to match.
    """
    groups: list[list[str]] = []
    join_next = False
    dropped = False
    for found in _QUERY_PARTS.finditer(query):
        phrase, either, word = found.groups()
        if either:
            join_next = bool(groups)
            continue
        if phrase is not None:
            term = _quoted(" ".join(re.findall(r"[^\W_]+", phrase)))
            if term == '""':
                continue
        elif found.end() == len(query):  # still being typed: a prefix, stop words too
            term = _quoted(word) + "*"
        elif word.casefold() in STOP_WORDS:
            dropped = True
            continue
        else:
            term = _quoted(word)
        if join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if not groups:
        return None, dropped
    return " AND ".join("(" + " OR ".join(g) + ")" for g in groups), False


class FtsView:
    """The opened calls in a private ``:memory:`` SQLite database; see the module doc."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._next_doc = 1
        self._people: dict[str, int] = {}  # author, shift and caller UUIDs -> small numbers

    @property
    def db(self) -> sqlite3.Connection:
        """The open database, made on first use (after unlock)."""
        if self._db is None:
            db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            db.execute("pragma temp_store = memory")
            db.execute("pragma journal_mode = off")
            db.executescript(_SCHEMA)
            db.create_function("casefold", 1, str.casefold, deterministic=True)
            self._db, self._next_doc, self._people = db, 1, {}
        return self._db

    def clear(self) -> None:
        """Close the database (on lock): its memory goes back, nothing was ever on disk."""
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db = None
            self._people = {}

    def __len__(self) -> int:
        with self._lock:
            return int(self.db.execute("select count(*) from calls").fetchone()[0])

    def _person(self, person_uuid: str | None) -> int | None:
        if not person_uuid:
            return None
        return self._people.setdefault(person_uuid, len(self._people) + 1)

    def set_aliases(self, aliases: Mapping[str, str]) -> None:
        with self._lock:
            db = self.db
            db.execute("delete from aliases")
            named = [(self._person(caller), alias) for caller, alias in aliases.items()]
            db.executemany("insert into aliases values (?, ?)", named)

    def add_rows(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Add opened calls (one build step, or one save); an older revision is replaced.

        A row is skipped when the view already holds that revision of the call or a newer one
        (revision 0 always replaces, as in ``SearchIndex``). One transaction per call of this
        method: FTS5 writes the step's words out at commit.
        """
        newest: dict[str, Mapping[str, Any]] = {}
        for row in rows:
            seen = newest.get(row["uuid"])
            if seen is None or not row["revision"] or row["revision"] > seen["revision"]:
                newest[row["uuid"]] = row
        with self._lock:
            db, person = self.db, self._person
            held = dict(db.execute(_HELD, [json.dumps(list(newest))]))
            facts: list[tuple[Any, ...]] = []
            notes: list[tuple[int, str]] = []
            topics: list[tuple[str, int]] = []
            db.execute("begin")
            try:
                for uuid, row in newest.items():
                    old = held.get(uuid)
                    if old is not None:
                        if row["revision"] and row["revision"] <= old:
                            continue
                        self._retire(db, uuid)
                    doc = self._next_doc
                    self._next_doc += 1
                    facts.append(
                        (
                            *(doc, uuid, row["revision"], row["started"]),
                            *map(person, (row["author"], row["shift"], row["caller"])),
                            *(row["follow_up"], row["damaged"]),
                        )
                    )
                    if row["text"]:
                        notes.append((doc, row["text"]))
                    topics.extend((t, doc) for t in dict.fromkeys(map(fold_topic, row["topics"])))
                db.executemany("insert into calls values (?, ?, ?, ?, ?, ?, ?, ?, ?)", facts)
                db.executemany("insert into notes (rowid, body) values (?, ?)", notes)
                db.executemany("insert into topics values (?, ?)", topics)
                db.execute("commit")
            except BaseException:
                db.execute("rollback")
                raise
        return len(facts)

    def remove(self, call_uuid: str) -> None:
        """Forget a deleted call (its words stay unreachable until the next build)."""
        with self._lock:
            self._retire(self.db, call_uuid)

    @staticmethod
    def _retire(db: sqlite3.Connection, call_uuid: str) -> None:
        db.execute(
            "delete from topics where doc in (select doc from calls where uuid = ?)", [call_uuid]
        )
        db.execute("delete from calls where uuid = ?", [call_uuid])

    def search(
        self,
        query: str = "",
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        author: str | None = None,
        shift: str | None = None,
        caller: str | None = None,
        alias_text: str | None = None,
        topic: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
        count: bool = True,
    ) -> Page:
        """Calls that match, newest first, like ``SearchIndex.search`` (see the module doc).

        ``count=False`` skips the total (``-1``) for a page that does not show it.
        """
        expression, too_common = match_expression(query)
        if too_common:
            return Page([], 0, too_common=True)
        source = "calls"
        where: list[str] = []
        params: list[Any] = []
        if expression is not None and not (author or shift or caller or start or end):
            # Words alone: a join takes half the time "doc in (…)" takes on a common word.
            # With a filter the join probes the words once per call the filter keeps, which
            # took 40 ms at 10,000 calls; then the matches are collected once, as a list.
            source = "notes join calls on calls.doc = notes.rowid"
            where.append("notes match ?")
            params.append(expression)
        elif expression is not None:
            where.append("doc in (select rowid from notes where notes match ?)")
            params.append(expression)
        for column, value in (("author", author), ("shift", shift), ("caller", caller)):
            if value:
                where.append(f"{column} = ?")
                params.append(self._people.get(value, 0))
        if start is not None:
            where.append("started >= ?")
            params.append(to_iso(start))
        if end is not None:
            where.append("started < ?")
            params.append(to_iso(end))
        if topic:
            where.append("doc in (select doc from topics where topic = ?)")
            params.append(fold_topic(topic))
        if alias_text and alias_text.strip():
            where.append("caller in (select caller from aliases where instr(casefold(alias), ?))")
            params.append(alias_text.strip().casefold())
        matching = f"{source} where {' and '.join(where)}" if where else source
        page_sql = f"select uuid from {matching} order by started desc, uuid limit ? offset ?"
        with self._lock:
            db = self.db
            uuids = [u for (u,) in db.execute(page_sql, [*params, limit or -1, offset])]
            total = -1
            if count:
                total = db.execute(f"select count(*) from {matching}", params).fetchone()[0]
        return Page(uuids, total)

