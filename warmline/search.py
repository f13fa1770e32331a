"""An in-memory search index over decrypted call notes, built after unlock, dropped on lock.

Why in memory: everything a person typed is sealed before it reaches SQLite, so a full-text
index on disk (SQLite FTS) would put the notes back in clear, in the very file the sealing
protects. Instead the notes are opened once after unlock and turned into an inverted index
that lives only as long as the session: :meth:`SearchIndex.clear` drops it on lock.

Shape, chosen to keep 100,000 calls fast and modest in memory:

* each call gets a small integer ("doc") instead of its 36-character UUID;
* ``token -> array('I')`` of docs (4 bytes a posting) for the words of the notes, casefolded
  and accent-folded (``Café`` finds ``cafe``), split on anything that is not a letter or digit;
* the clear facts needed to filter without decrypting again (start time, who logged it, shift,
  caller, topics, follow-up) per doc, plus ``value -> docs`` maps for the filters;
* every doc kept in one list sorted newest first (the order of the calls list), so a result
  is an in-order walk rather than a sort, and a date range is a slice of that list.

An edit retires the old doc and adds a new one (the retired doc is only skipped, its postings
are left in place): edits are few per session, so this is cheaper and simpler than removing
a doc's words from every posting list.

Building runs in small steps (:meth:`SearchIndex.begin_build` then :meth:`build_step` until
it returns False) so the UI can run one step per background task and let other database work
through in between; :meth:`build` does the whole walk in one call for scripts and tests.

Building walks the calls like ``calls.iter_all`` (newest first, keyset pages) but writes the
keyset condition as a range, which SQLite answers from the ``started_at`` index; the OR form
in ``iter_all`` made it gather and sort every older row for each batch.

Thread safety: the UI calls everything on its one worker thread, except :meth:`clear`, which
the lock path calls from the GUI thread. ``clear`` never waits (it swaps in empty state) and
every method works on the state it read at its start, so a step still running during a lock
finishes into the old state, which is then dropped. A lock serialises the rest for callers
that do use several threads.

Garbage collector: full collections hold the GIL, so they stall the GUI thread too. The index
keeps its 100,000 small records as exact tuples (which the collector stops tracking) and its
filters as arrays (which it never traverses), so a collection stays in the milliseconds.
"""

from __future__ import annotations

import bisect
import itertools
import re
import sys
import threading
import unicodedata
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeAlias

from warmline.calls import Call
from warmline.timeutil import from_iso, to_iso

if TYPE_CHECKING:
    from warmline.session import Session

__all__ = [
    "DEFAULT_BATCH",
    "MIN_PREFIX",
    "CallFacts",
    "CallFilter",
    "SearchIndex",
    "SearchResult",
    "fold_topic",
    "load_calls",
    "query_terms",
    "tokenize",
]

#: Calls opened per build step: about 20 ms of work on a modest machine, short enough that a
#: page load the person asks for mid-build waits behind at most one step.
DEFAULT_BATCH = 500

#: The last word of a query matches as a prefix ("gard" finds "garden") once it is this long.
#: Even one letter stays under 60 ms at 100,000 calls, so typing feels live from the start.
MIN_PREFIX = 1

_MAX_CHAR = chr(0x10FFFF)

# -- folding and tokenizing ----------------------------------------------------------------

# ASCII text (most notes) takes a fast path: one translate that lower-cases letters and turns
# every other character that is not a letter or digit into a space, then str.split. For ASCII
# that is exactly what casefold and the general path below give.
_ASCII_TABLE = str.maketrans(
    {chr(c): (chr(c).lower() if chr(c).isalnum() else " ") for c in range(128)}
)


class _FoldTable(dict[int, Any]):
    """A str.translate table for decomposed (NFKD) text, filled in as characters are seen.

    Combining marks are deleted (so the decomposed ``e`` + acute accent becomes ``e``),
    letters and digits kept, everything else becomes a space. Filling it lazily avoids
    scanning all of Unicode at import time.
    """

    def __missing__(self, code: int) -> Any:
        char = chr(code)
        value: Any
        if unicodedata.category(char).startswith("M"):
            value = None
        elif char.isalnum():
            value = code
        else:
            value = " "
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def _spaced_general(text: str) -> str:
    """The general path: casefold, decompose (NFKD), drop marks, non-word characters to spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).casefold()
    return decomposed.translate(_FOLD_TABLE)


class _SeparatorCache(dict[str, bool]):
    """Whether a non-ASCII character only ever separates words (curly quotes, dashes, …).

    Such characters are common in notes (a third of generated ones have some) and sending the
    whole note down the general path for them would double the cost of indexing it.
    """

    def __missing__(self, char: str) -> bool:
        folded = _spaced_general(char)
        value = bool(folded) and folded.isspace()  # a lone combining mark folds to ""
        self[char] = value
        return value


_SEPARATORS = _SeparatorCache()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _spaced(text: str) -> str:
    """Casefolded, accent-folded ``text`` with every non-word character turned into a space.

    Text that is ASCII apart from separators (curly quotes, dashes, ellipses) takes the fast
    path: those become spaces, then one ASCII translate. Anything else (accented letters,
    other scripts) takes the general path. A test holds the two paths to the same words.
    """
    if not text.isascii():  # O(1) in CPython
        odd = set(_NON_ASCII.findall(text))
        if not all(map(_SEPARATORS.__getitem__, odd)):
            return _spaced_general(text)
        for char in odd:
            text = text.replace(char, " ")
    return text.translate(_ASCII_TABLE)


def tokenize(text: str) -> list[str]:
    """The words of ``text`` as the index sees them: folded, in order, repeats kept."""
    return _spaced(text).split()


def query_terms(query: str) -> tuple[tuple[str, ...], str | None]:
    """Split a query into whole words and, while the last word is still being typed, a prefix.

    The last word counts as a prefix when the query ends in it (no space or punctuation
    after it) and it has at least :data:`MIN_PREFIX` characters: "garden gro" finds
    "garden group", while "garden " only finds "garden".
    """
    spaced = _spaced(query)
    words = spaced.split()
    if not words:
        return (), None
    prefix: str | None = None
    if not spaced[-1].isspace() and len(words[-1]) >= MIN_PREFIX:
        prefix = words.pop()
    return tuple(dict.fromkeys(words)), prefix


def fold_topic(topic: str) -> str:
    """A topic as the index compares it: folded words joined by single spaces."""
    return " ".join(tokenize(topic))


# -- results and facts ---------------------------------------------------------------------


class CallFacts(NamedTuple):
    """What the index knows about a call besides its words: enough to filter and list it."""

    uuid: str
    revision: int
    started_iso: str  # as stored ("" if unknown); ISO text sorts in time order
    author_uuid: str
    shift_uuid: str | None
    caller_uuid: str | None
    topics: tuple[str, ...]  # folded, see fold_topic()
    follow_up: bool
    damaged: bool

    @property
    def started_at(self) -> datetime | None:
        return from_iso(self.started_iso)


# What the index holds per call, as a plain tuple: the cyclic garbage collector stops tracking
# exact tuples of strings and numbers, but not NamedTuples, and 100,000 tracked objects made
# its full passes (which hold the GIL, so stall the GUI too) take tens of milliseconds.
# The start time lives in the sort key instead.
_Doc: TypeAlias = tuple[str, int, str, str | None, str | None, tuple[str, ...], bool, bool]
_UUID: Final = 0
_REVISION: Final = 1
_AUTHOR: Final = 2
_SHIFT: Final = 3
_CALLER: Final = 4
_TOPICS: Final = 5
_FOLLOW_UP: Final = 6
_DAMAGED: Final = 7


@dataclass(frozen=True)
class SearchResult:
    """One page of matching call UUIDs, newest first, and how many match in all."""

    uuids: list[str]
    total: int


@dataclass(frozen=True)
class CallFilter:
    """A query and filters, as the calls list holds them. Empty fields do not filter.

    ``start`` is inclusive and ``end`` exclusive, like :meth:`CallRepository.between`.
    ``alias_text`` matches any part of a regular's alias, ignoring case.
    """

    text: str = ""
    start: datetime | None = None
    end: datetime | None = None
    author: str | None = None
    shift: str | None = None
    caller: str | None = None
    alias_text: str | None = None
    topic: str | None = None

    def is_empty(self) -> bool:
        """True when nothing narrows the list, so it can page straight from the database."""
        return not (
            self.text.strip()
            or self.start
            or self.end
            or self.author
            or self.shift
            or self.caller
            or (self.alias_text or "").strip()
            or self.topic
        )


# Sort keys: the stored ISO start time with every digit flipped (0<->9), then the UUID. Plain
# string order on that is "newest first, then UUID", the order of CallRepository.page.
_FLIP = str.maketrans("0123456789", "9876543210")


def _sort_key(started_iso: str, call_uuid: str) -> str:
    return started_iso.translate(_FLIP) + call_uuid


def _bound(moment: datetime) -> str:
    """A key just after every call that started exactly at ``moment``."""
    return (to_iso(moment) or "").translate(_FLIP) + _MAX_CHAR


# -- the index -----------------------------------------------------------------------------


@dataclass
class _BuildState:
    total: int = 0
    done: int = 0
    cursor: tuple[str, str] | None = None  # (started_at ISO, uuid) of the last row read


def _new_postings() -> defaultdict[str, array[int]]:
    return defaultdict(partial(array, "I"))


@dataclass
class _Data:
    """Everything the index holds, in one object so clear() can drop it in one go."""

    facts: list[_Doc | None] = field(default_factory=list)  # doc -> facts (None: retired)
    keys: list[str] = field(default_factory=list)  # doc -> sort key
    ids: dict[str, int] = field(default_factory=dict)  # uuid -> live doc
    ordered: list[int] = field(default_factory=list)  # live docs, newest first
    postings: defaultdict[str, array[int]] = field(default_factory=_new_postings)
    vocabulary: list[str] = field(default_factory=list)  # every token, sorted (for prefixes)
    retired: set[int] = field(default_factory=set)
    # Filters: value -> docs. Arrays rather than sets: a set of 100,000 numbers added about
    # 4 ms to every full pass of the garbage collector (which holds the GIL); an array is not
    # traversed at all, and turning the one a search needs into a set costs less than that.
    by_author: dict[str, array[int]] = field(default_factory=dict)
    by_shift: dict[str, array[int]] = field(default_factory=dict)
    by_caller: dict[str, array[int]] = field(default_factory=dict)
    by_topic: dict[str, array[int]] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)  # one shared copy per UUID
    topic_folds: dict[str, str] = field(default_factory=dict)  # topic as typed -> folded
    aliases: dict[str, str] = field(default_factory=dict)  # caller uuid -> alias
    watermark: datetime | None = None  # newest updated_at seen


class SearchIndex:
    """Inverted index over call notes plus the clear facts to filter by. See the module doc."""

    #: Below one match per this many calls in the date range, matches are sorted on their own
    #: instead of walking the newest-first list (tests set it to force either path).
    sparse_ratio = 16

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._data = _Data()
        self._build: _BuildState | None = None
        self._ready = False

    # -- state -----------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once a build has walked every call (and until clear())."""
        return self._ready

    @property
    def building(self) -> bool:
        return self._build is not None

    def progress(self) -> tuple[int, int]:
        """(done, total) of the build in progress, or of the last one."""
        state = self._build
        if state is None:
            n = len(self._data.ids)
            return n, n
        return min(state.done, state.total), state.total

    def __len__(self) -> int:
        return len(self._data.ids)

    def __contains__(self, call_uuid: object) -> bool:
        return call_uuid in self._data.ids

    def clear(self) -> None:
        """Drop every word, fact and alias (called on lock). The index can be built again.

        Never waits: it only swaps in empty state. Work already running on another thread
        holds the old state and finishes into it, and then that is dropped too.
        """
        self._build = None
        self._ready = False
        self._data = _Data()

    def memory_estimate(self) -> int:
        """Rough bytes held by the postings, facts and filters (for benchmarks and logs).

        Counts containers and the strings only the index holds; an estimate, not a promise.
        """
        size = sys.getsizeof
        with self._lock:
            d = self._data
            total = sum(size(a) + size(t) for t, a in d.postings.items())
            total += size(d.postings) + size(d.vocabulary)
            total += size(d.facts) + size(d.keys) + size(d.ordered) + size(d.ids)
            total += sum(size(f) for f in d.facts if f is not None)
            total += sum(size(k) for k in d.keys)
            for facet in (d.by_author, d.by_shift, d.by_caller, d.by_topic):
                total += size(facet) + sum(size(s) for s in facet.values())
            total += sum(size(s) for s in d.strings)
            total += 28 * len(d.facts)  # the int objects behind doc numbers
            return total

    # -- building --------------------------------------------------------------------------

    def build(
        self,
        session: Session,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        batch: int = DEFAULT_BATCH,
    ) -> bool:
        """Index every call in one go, newest first. False if ``should_stop`` ended it early."""
        self.begin_build(session)
        while True:
            if should_stop is not None and should_stop():
                return False
            more = self.build_step(session, batch)
            if progress is not None:
                progress(*self.progress())
            if not more:
                return True

    def begin_build(self, session: Session) -> tuple[int, int]:
        """Start a fresh build: forget what was indexed, load aliases, count the calls."""
        aliases = {c.uuid: c.alias for c in session.callers.all() if not c.damaged}
        total = session.calls.count()
        with self._lock:
            self._data = _Data(aliases=aliases)
            self._build = _BuildState(total=total)
            self._ready = False
        return 0, total

    def build_step(self, session: Session, batch: int = DEFAULT_BATCH) -> bool:
        """Index the next ``batch`` calls, newest first; True while there are more to come.

        The same walk as ``calls.iter_all``, but each step is its own query, so the UI can
        run one step per background task. The keyset condition is written as a range
        (``started_at <= ? and (...)``) so SQLite walks the started_at index instead of
        collecting and sorting every older row for each batch.
        """
        state = self._build
        if state is None:
            return False
        if state.cursor is None:
            calls = session.calls.select(limit=batch)
        else:
            started, last_uuid = state.cursor
            calls = session.calls.select(
                "started_at <= ? and (started_at < ? or uuid > ?)",
                [started, started, last_uuid],
                limit=batch,
            )
        with self._lock:
            d = self._data  # read before the check: clear() drops the build state first
            if self._build is not state:  # cleared or restarted meanwhile
                return False
            words_before = len(d.postings)
            for call in calls:
                self._add_call(d, call)
            self._merge_vocabulary(d, words_before)
            state.done += len(calls)
            if calls:
                last = calls[-1]
                state.cursor = (to_iso(last.started_at) or "", last.uuid)
            if len(calls) < batch:
                state.total = max(state.total, state.done)
                state.done = state.total
                if self._build is state:
                    self._build = None
                    self._ready = True
                return False
            return True

    def set_aliases(self, aliases: dict[str, str]) -> None:
        """Replace the caller uuid -> alias map (after a regular was added or renamed)."""
        with self._lock:
            self._data.aliases = dict(aliases)

    def alias(self, caller_uuid: str | None) -> str:
        """The alias of a regular caller, or "" if unknown."""
        if not caller_uuid:
            return ""
        return self._data.aliases.get(caller_uuid, "")

    # -- keeping current -------------------------------------------------------------------

    def add_or_update(self, call: Call) -> bool:
        """Index a saved call, replacing an older revision of it; False if it was not newer."""
        with self._lock:
            d = self._data
            words_before = len(d.postings)
            added = self._add_call(d, call)
            self._merge_vocabulary(d, words_before)
            return added

    def remove(self, call_uuid: str) -> None:
        """Forget a deleted call (a no-op if it was never indexed)."""
        with self._lock:
            d = self._data
            doc = d.ids.get(call_uuid)
            if doc is not None:
                self._retire(d, doc)

    def refresh(self, session: Session) -> int:
        """Catch up with calls saved or deleted since the index last looked; returns how many.

        Saves are found by ``updated_at`` (every save sets it); deletions by comparing the
        number of calls, then the list of UUIDs (clear columns only, nothing is opened).
        """
        if not (self._ready or self._build is not None):
            return 0  # nothing built yet: the build will read everything anyway
        watermark = self._data.watermark
        if watermark is None and not self._ready:
            return 0  # the build has not read a row yet, so it will see every change
        repo = session.calls
        if watermark is not None:
            changed = repo.select("updated_at >= ?", [to_iso(watermark)])
        else:
            changed = repo.select()
        added = sum(self.add_or_update(call) for call in changed)
        removed = 0
        if self._ready and repo.count() != len(self._data.ids):
            present = {row["uuid"] for row in repo._db.query("select uuid from calls")}
            with self._lock:
                d = self._data
                for call_uuid in [u for u in d.ids if u not in present]:
                    self._retire(d, d.ids[call_uuid])
                    removed += 1
        return added + removed

    # -- internals: adding and retiring ------------------------------------------------------

    @staticmethod
    def _is_stale(d: _Data, call_uuid: str, revision: int) -> bool:
        """True if the index already holds this revision of the call or a newer one."""
        doc = d.ids.get(call_uuid)
        if doc is None or not revision:
            return False
        facts = d.facts[doc]
        return facts is not None and revision <= facts[_REVISION]

    def _add_call(self, d: _Data, call: Call) -> bool:
        if self._is_stale(d, call.uuid, call.revision):
            return False  # e.g. saved and indexed while the build had not reached it yet
        damaged = call.damaged
        self._add(
            d,
            call.uuid,
            call.revision,
            to_iso(call.started_at) or "",
            call.author_uuid or "",
            call.shift_uuid,
            call.caller_uuid,
            call.updated_at,
            () if damaged else call.topics,
            False if damaged else call.has_follow_up,
            damaged,
            "" if damaged else call.note_text(),
        )
        return True

    def _add(
        self,
        d: _Data,
        call_uuid: str,
        revision: int,
        started_iso: str,
        author_uuid: str,
        shift_uuid: str | None,
        caller_uuid: str | None,
        updated_at: datetime | None,
        topics: Sequence[str],
        follow_up: bool,
        damaged: bool,
        text: str,
    ) -> None:
        old = d.ids.get(call_uuid)
        if old is not None:
            self._retire(d, old)
        doc = len(d.facts)
        strings = d.strings
        author = strings.setdefault(author_uuid, author_uuid)
        shift = strings.setdefault(shift_uuid, shift_uuid) if shift_uuid else None
        caller = strings.setdefault(caller_uuid, caller_uuid) if caller_uuid else None
        folded_topics: tuple[str, ...] = ()
        if topics:
            folds = d.topic_folds
            folded_topics = tuple(
                dict.fromkeys(folds.get(t) or folds.setdefault(t, fold_topic(t)) for t in topics)
            )
        d.facts.append(
            (call_uuid, revision, author, shift, caller, folded_topics, follow_up, damaged)
        )
        key = _sort_key(started_iso, call_uuid)
        keys = d.keys
        keys.append(key)
        d.ids[call_uuid] = doc
        ordered = d.ordered
        if not ordered or key >= keys[ordered[-1]]:
            ordered.append(doc)  # the usual case while building: rows arrive in order
        else:
            ordered.insert(bisect.bisect_left(ordered, key, key=keys.__getitem__), doc)
        _file(d.by_author, author, doc)
        if shift:
            _file(d.by_shift, shift, doc)
        if caller:
            _file(d.by_caller, caller, doc)
        for topic in folded_topics:
            _file(d.by_topic, topic, doc)
        if updated_at is not None and (d.watermark is None or updated_at > d.watermark):
            d.watermark = updated_at
        if text:
            words = set(_spaced(text).split())
            # Appending through map() keeps the per-word loop in C: this is most of the build.
            deque(map(_append, map(d.postings.__getitem__, words), itertools.repeat(doc)), 0)

    def _retire(self, d: _Data, doc: int) -> None:
        """Take a doc out of every filter and the ordered list; its postings are skipped."""
        facts = d.facts[doc]
        if facts is None:
            return
        pos = bisect.bisect_left(d.ordered, d.keys[doc], key=d.keys.__getitem__)
        if pos < len(d.ordered) and d.ordered[pos] == doc:
            del d.ordered[pos]
        else:  # cannot happen while keys stay unique; stay correct anyway
            d.ordered.remove(doc)
        _discard(d.by_author, facts[_AUTHOR], doc)
        _discard(d.by_shift, facts[_SHIFT], doc)
        _discard(d.by_caller, facts[_CALLER], doc)
        for topic in facts[_TOPICS]:
            _discard(d.by_topic, topic, doc)
        if d.ids.get(facts[_UUID]) == doc:
            del d.ids[facts[_UUID]]
        d.facts[doc] = None
        d.retired.add(doc)

    def _merge_vocabulary(self, d: _Data, words_before: int) -> None:
        """Add the words new since ``words_before`` to the sorted vocabulary.

        New keys are the last ones in the dict's insertion order. Appending them and
        re-sorting lets Timsort merge two sorted runs, which stays cheap however large it grows.
        """
        new = len(d.postings) - words_before
        if new:
            d.vocabulary.extend(itertools.islice(reversed(d.postings), new))
            d.vocabulary.sort()

    # -- searching -------------------------------------------------------------------------

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
    ) -> SearchResult:
        """Calls whose notes hold every word of ``query`` and that pass every filter.

        Newest first (the order of the calls list). ``limit=None`` returns every match.
        """
        with self._lock:
            d = self._data
            docs = self._matching(d, query, start, end, author, shift, caller, alias_text, topic)
            facts = d.facts
            stop = None if limit is None else offset + limit
            uuids = [f[_UUID] for f in map(facts.__getitem__, docs[offset:stop]) if f is not None]
            return SearchResult(uuids, len(docs))

    def search_filter(
        self, query: CallFilter, limit: int | None = 100, offset: int = 0
    ) -> SearchResult:
        """:meth:`search` with the query and filters held in a :class:`CallFilter`."""
        return self.search(
            query.text,
            start=query.start,
            end=query.end,
            author=query.author,
            shift=query.shift,
            caller=query.caller,
            alias_text=query.alias_text,
            topic=query.topic,
            limit=limit,
            offset=offset,
        )

    def facts(self, call_uuid: str) -> CallFacts | None:
        """The clear facts the index holds for a call, if it is indexed."""
        with self._lock:
            d = self._data
            doc = d.ids.get(call_uuid)
            if doc is None:
                return None
            held = d.facts[doc]
            if held is None:
                return None
            started_iso = d.keys[doc][: -len(call_uuid)].translate(_FLIP)
            return CallFacts(
                held[_UUID],
                held[_REVISION],
                started_iso,
                held[_AUTHOR],
                held[_SHIFT],
                held[_CALLER],
                held[_TOPICS],
                held[_FOLLOW_UP],
                held[_DAMAGED],
            )

    def _matching(
        self,
        d: _Data,
        query: str,
        start: datetime | None,
        end: datetime | None,
        author: str | None,
        shift: str | None,
        caller: str | None,
        alias_text: str | None,
        topic: str | None,
    ) -> list[int]:
        """Docs that match, newest first."""
        words, prefix = query_terms(query)
        candidates: set[int] | None = None
        from_postings = False

        # Filters backed by small sets first: they usually narrow the most.
        facets: list[Collection[int]] = []
        for facet, value in (
            (d.by_author, author),
            (d.by_shift, shift),
            (d.by_caller, caller),
            (d.by_topic, fold_topic(topic) if topic else None),
        ):
            if value:
                docs = facet.get(value)
                if not docs:
                    return []
                facets.append(docs)
        if alias_text and alias_text.strip():
            needle = alias_text.strip().casefold()
            union: set[int] = set()
            for caller_uuid, alias in d.aliases.items():
                if needle in alias.casefold():
                    union.update(d.by_caller.get(caller_uuid, ()))
            if not union:
                return []
            facets.append(union)
        for narrowing in sorted(facets, key=len):
            if candidates is None:
                candidates = set(narrowing)
            else:
                candidates.intersection_update(narrowing)
            if not candidates:
                return []

        # Whole words: intersect, smallest posting list first.
        lists = []
        for word in words:
            posting = d.postings.get(word)
            if not posting:
                return []
            lists.append(posting)
        for posting in sorted(lists, key=len):
            from_postings = True
            if candidates is None:
                candidates = set(posting)
            else:
                candidates.intersection_update(posting)
            if not candidates:
                return []

        # The word still being typed: any word starting with it.
        if prefix is not None:
            from_postings = True
            vocab = d.vocabulary
            lo = bisect.bisect_left(vocab, prefix)
            hi = bisect.bisect_left(vocab, prefix + _MAX_CHAR, lo)
            expansions = sorted((d.postings[w] for w in vocab[lo:hi]), key=len, reverse=True)
            hits: set[int] = set()
            if candidates is None:
                for posting in expansions:
                    hits.update(posting)
            else:
                want = len(candidates)
                for posting in expansions:
                    hits.update(candidates.intersection(posting))
                    if len(hits) == want:
                        break
            candidates = hits
            if not candidates:
                return []

        if from_postings and candidates is not None and d.retired:
            candidates -= d.retired

        # Dates: a slice of the newest-first list. Then keep the candidates, in order.
        ordered = d.ordered
        keys = d.keys
        lo_key = _bound(end) if end is not None else ""
        hi_key = _bound(start) if start is not None else None
        lo_pos = bisect.bisect_left(ordered, lo_key, key=keys.__getitem__) if lo_key else 0
        hi_pos = len(ordered)
        if hi_key is not None:
            hi_pos = bisect.bisect_left(ordered, hi_key, lo_pos, key=keys.__getitem__)
        if candidates is None:
            return ordered[lo_pos:hi_pos]
        if len(candidates) * self.sparse_ratio < hi_pos - lo_pos:
            # Few matches in a long list: order just them instead of walking everything.
            kept = [
                i for i in candidates if keys[i] > lo_key and (hi_key is None or keys[i] < hi_key)
            ]
            kept.sort(key=keys.__getitem__)
            return kept
        return [i for i in itertools.islice(ordered, lo_pos, hi_pos) if i in candidates]


_append = array.append


def _file(facet: dict[str, array[int]], value: str, doc: int) -> None:
    docs = facet.get(value)
    if docs is None:
        docs = facet[value] = array("I")
    docs.append(doc)


def _discard(facet: dict[str, array[int]], value: str | None, doc: int) -> None:
    if not value:
        return
    docs = facet.get(value)
    if docs is not None and doc in docs:
        docs.remove(doc)  # scans the array: fine for the few edits a session makes
        if not docs:
            del facet[value]


# -- loading calls for a page --------------------------------------------------------------


def load_calls(session: Session, uuids: Iterable[str]) -> list[Call]:
    """The calls with these UUIDs, in the order given (missing ones are left out).

    One query for a page of search results instead of one ``get`` per row.
    """
    wanted = list(uuids)
    if not wanted:
        return []
    found: dict[str, Call] = {}
    for start in range(0, len(wanted), 500):  # SQLite's variable limit is generous; stay modest
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for call in session.calls.select(f"uuid in ({marks})", chunk):
            found[call.uuid] = call
    return [found[u] for u in wanted if u in found]
