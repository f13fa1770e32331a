"""An in-memory search index over decrypted call notes, built after unlock, dropped on lock.

Why in memory: everything a person typed is sealed before it reaches SQLite, so a full-text
index on disk (SQLite FTS) would put the notes back in clear, in the very file the sealing
protects. Instead the notes are opened once after unlock and turned into an index that
lives only as long as the session: :meth:`SearchIndex.clear` drops it on lock.

Shape, chosen to build 100,000 calls in under 3 seconds and stay modest in memory:

* each call gets a small integer ("doc") instead of its 36-character UUID;
* the words of the notes are casefolded and accent-folded (``Café`` finds ``cafe``) and split
  on anything that is not a letter or digit; each distinct word gets a one-character code
  (``word -> code``), and each doc keeps its words as one string of codes, its *signature*;
* :data:`STOP_WORDS` ("the", "and", "i", single letters …) get the empty code, so they drop
  out of signatures (which they would make 70% longer): they are in nearly every call, so
  searching for them found nothing useful. A query drops them; a query of nothing else
  matches nothing and says so (:attr:`SearchResult.too_common`);
* the clear facts needed to filter without decrypting again (start time, who logged it, shift,
  caller, topics, follow-up) per doc, plus ``value -> docs`` maps for the filters;
* every doc kept in one list sorted newest first (the order of the calls list), so a result
  is an in-order walk rather than a sort, and a date range is a slice of that list.

Why signatures rather than posting lists (``word -> docs``): a posting list needs one append
per distinct word per call, 7 to 9 million at 100,000 calls, and no builtin batches them;
they cost 0.7 s of a build that must take under 3 s. A signature is one ``str.join`` of the
codes the call's words look up (one ``itemgetter`` call), so building costs little more than
splitting the text. The price is paid per search instead: each query word is a substring
test per call (``code in signature``, about 6 ms over 100,000 calls), and the word being
typed a character-class regex over the codes of every word it starts (up to about 30 ms);
well inside the 100 ms a search may take. Each word after the first only tests the calls
still matching, and the filters run before any word.

An edit retires the old doc (its signature is emptied, it leaves the filters and the ordered
list) and adds a new one.

Building runs in small steps (:meth:`SearchIndex.begin_build` then :meth:`build_step` until
it returns False) so the UI can run one step per background task and let other database work
through in between; :meth:`build` does the whole walk in one call for scripts and tests.

Building walks the calls like ``calls.iter_all`` (newest first, keyset pages, the keyset
condition written as a range so SQLite answers it from the ``started_at`` index), but reads
rows through :meth:`Repository.open_rows` rather than as ``Call`` objects: the index needs the
clear columns as stored (the ISO start time is its sort key as it is) and the note text, and
building 100,000 full records (three times parsed and a dataclass filled each, then the start
time formatted back) cost half a second.

Thread safety: the UI calls everything on its one worker thread, except :meth:`clear`, which
the lock path calls from the GUI thread. ``clear`` never waits (it swaps in empty state) and
every method works on the state it read at its start, so a step still running during a lock
finishes into the old state, which is then dropped. A lock serialises the rest for callers
that do use several threads.

Garbage collector: full collections hold the GIL, so they stall the GUI thread too. The index
keeps its 100,000 small records as exact tuples (which the collector stops tracking), its
filters as arrays (which it never traverses) and its words and signatures as strings and
bytes (never tracked), so a collection stays in the milliseconds.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import sys
import threading
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeAlias

from warmline.calls import WALK_AFTER, WALK_ORDER, Call, sort_iso
from warmline.timeutil import from_iso, to_iso

if TYPE_CHECKING:
    from warmline.calls import CallRepository
    from warmline.session import Session

__all__ = [
    "DEFAULT_BATCH",
    "MIN_PREFIX",
    "STOP_WORDS",
    "CallFacts",
    "CallFilter",
    "SearchIndex",
    "SearchResult",
    "fold_topic",
    "load_calls",
    "query_terms",
    "tokenize",
    "too_common",
]

#: Calls opened per build step: about 25 ms of work on a modest machine, short enough that a
#: page load the person asks for mid-build waits behind at most one step. Steps run on the
#: worker thread, so their length does not stall the GUI (it only shares the GIL, handed over
#: every 5 ms); each step does cost a round trip through the GUI thread and a query, so fewer,
#: larger steps waste less of the 3 s the build may take.
DEFAULT_BATCH = 1000

#: The last word of a query matches as a prefix ("gard" finds "garden") once it is this long.
#: Even one letter stays under 60 ms at 100,000 calls, so typing feels live from the start.
MIN_PREFIX = 1

_MAX_CHAR = chr(0x10FFFF)

#: Words left out of the index, as folded: English function words found in most calls, and
#: single letters (what is left of "I'd", "don't", "it's" once punctuation splits words).
#: They are over 40% of the words of a typical note, and searching for them found almost
#: every call anyway. Kept short on purpose: a word that could be what someone looks for
#: ("about", "can", "will", "us", "may") stays searchable.
_STOP_TEXT = """
    a an and are as at be been but by did do for from had has have he her him his i if in into
    is it its me my not of on or our she so than that the their them then there these they
    this those to was we were with you your
"""
STOP_WORDS: Final = frozenset(_STOP_TEXT.split()) | frozenset("abcdefghijklmnopqrstuvwxyz")

# -- folding and tokenizing ----------------------------------------------------------------

# ASCII text (most notes) takes a fast path: one translate that lower-cases letters and turns
# every other character that is not a letter or digit into a space, then split. For ASCII
# that is exactly what casefold and the general path below give.
_ASCII_FOLDS = [chr(c).lower() if chr(c).isalnum() else " " for c in range(128)]
_ASCII_TABLE = str.maketrans(dict(zip(map(chr, range(128)), _ASCII_FOLDS, strict=True)))
# The same for the index, on bytes: bytes.translate is a plain table lookup (str.translate
# goes through a dict), and bytes words are cheaper to make: 0.1 s off a 100,000-call build.
_ASCII_BYTES = bytes(map(ord, _ASCII_FOLDS)) + bytes(range(128, 256))


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
# The separators most notes hold (what editors put for quotes, apostrophes, dashes, "..."):
# replaced first with plain str.replace, which is quicker than finding every non-ASCII
# character with a regex; whatever else is left takes that slower way.
_COMMON_SEPARATORS: Final = tuple(
    c for c in "\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00a0" if _SEPARATORS[c]
)


def _ascii_form(text: str) -> str | None:
    """``text`` with its non-ASCII separators turned into spaces, or None if it has letters
    (or anything else) outside ASCII and so needs the general path."""
    if not text.isascii():  # O(1) in CPython
        for char in _COMMON_SEPARATORS:
            if char in text:
                text = text.replace(char, " ")
        if text.isascii():
            return text
        odd = set(_NON_ASCII.findall(text))
        if not all(map(_SEPARATORS.__getitem__, odd)):
            return None
        for char in odd:
            text = text.replace(char, " ")
    return text


def _spaced(text: str) -> str:
    """Casefolded, accent-folded ``text`` with every non-word character turned into a space.

    Text that is ASCII apart from separators (curly quotes, dashes, ellipses) takes the fast
    path: those become spaces, then one ASCII translate. Anything else (accented letters,
    other scripts) takes the general path. A test holds the two paths to the same words.
    """
    ascii_text = _ascii_form(text)
    if ascii_text is None:
        return _spaced_general(text)
    return ascii_text.translate(_ASCII_TABLE)


def _index_words(text: str) -> list[bytes]:
    """The words of ``text`` as the index files them: :func:`tokenize`, UTF-8 encoded.

    Bytes because the fast path is quicker on them (see ``_ASCII_BYTES``). Splitting the
    encoded text finds the same words: only spaces separate words once folded, and UTF-8
    never uses an ASCII byte inside a longer character. A test holds this to tokenize().
    """
    ascii_text = _ascii_form(text)
    if ascii_text is None:
        return _spaced_general(text).encode().split()
    return ascii_text.encode("ascii").translate(_ASCII_BYTES).split()


def tokenize(text: str) -> list[str]:
    """The words of ``text``, folded, in order, repeats and stop words kept.

    The index files these minus :data:`STOP_WORDS`; topics compare on all of them.
    """
    return _spaced(text).split()


def _split_query(query: str) -> tuple[list[str], str | None]:
    """All whole words of a query (stop words too) and the prefix being typed, if any."""
    spaced = _spaced(query)
    words = spaced.split()
    if not words:
        return [], None
    prefix: str | None = None
    if not spaced[-1].isspace() and len(words[-1]) >= MIN_PREFIX:
        prefix = words.pop()
    return words, prefix


def query_terms(query: str) -> tuple[tuple[str, ...], str | None]:
    """Split a query into whole words and, while the last word is still being typed, a prefix.

    The last word counts as a prefix when the query ends in it (no space or punctuation
    after it) and it has at least :data:`MIN_PREFIX` characters: "garden gro" finds
    "garden group", while "garden " only finds "garden". Whole words that are
    :data:`STOP_WORDS` are dropped (the index does not hold them). The prefix is kept
    even if it is one ("the" may become "theatre"); it matches only indexed words.
    """
    words, prefix = _split_query(query)
    return tuple(w for w in dict.fromkeys(words) if w not in STOP_WORDS), prefix


def too_common(query: str) -> bool:
    """True when every word of ``query`` is a stop word, so the search matches nothing.

    For the calls page to say why ("That word is too common…") instead of "No calls match".
    A query still being typed ("the") is not too common: its last word is a prefix.
    """
    words, prefix = _split_query(query)
    return prefix is None and bool(words) and all(w in STOP_WORDS for w in words)


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
    """One page of matching call UUIDs, newest first, and how many match in all.

    ``too_common`` is set when the query held only stop words (see :func:`too_common`), so a
    list can say why nothing matched.
    """

    uuids: list[str]
    total: int
    too_common: bool = False


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


# -- reading rows for a build -------------------------------------------------------------

# The sealed fields whose text is searched: what Call.note_text() joins (a test holds the two
# to the same words), read straight from the opened body.
_TEXT_FIELDS: Final = (*Call.IPS_FIELDS, "resources_shared", "follow_up")

# What _add_rows takes per call, in order: uuid, revision, started_at ISO, author, shift,
# caller, updated_at ISO, topics, follow-up, damaged, note text.
_Row: TypeAlias = tuple[
    str, int, str, str, str | None, str | None, str | None, Sequence[str], bool, bool, str
]


def _doc_from_row(row: tuple[dict[str, Any], dict[str, Any] | None]) -> _Row:
    """What the index keeps of one call, from its stored columns and opened body.

    The facts come from the sealed body (record format 3); a row the background re-seal
    has not moved yet still holds them in clear columns, which win while they are there.
    Times stay ISO text (the sort key is ISO text anyway), so no call pays for parsing a
    time and formatting it back.
    """
    clear, body = row
    get_clear = clear.get
    if body is None:  # damaged: indexed under its day, with whatever clear facts are text
        text = {k: v for k, v in clear.items() if v.__class__ is str}  # not edited by hand
        started = text.get("started_at") or sort_iso(None, text.get("day"))
        head = (
            text.get("uuid", ""), clear["revision"], started, text.get("author_uuid") or "",
            text.get("shift_uuid"), text.get("caller_uuid"), text.get("updated_at"),
        )  # fmt: skip
        return (*head, (), False, True, "")
    get = body.get
    head = (
        clear["uuid"],
        clear["revision"],
        get_clear("started_at") or get("started_at") or sort_iso(None, get_clear("day")),
        get_clear("author_uuid") or get("author_uuid") or "",
        get_clear("shift_uuid") or get("shift_uuid"),
        get_clear("caller_uuid") or get("caller_uuid"),
        get_clear("updated_at") or get("updated_at"),
    )
    topics = get("topics") or []
    follow_up = get("follow_up") or ""
    texts = [get(name) or "" for name in _TEXT_FIELDS]
    texts.extend(topics)
    return (*head, topics, bool(follow_up.strip()), False, " ".join(texts))


# -- the index -----------------------------------------------------------------------------


@dataclass
class _BuildState:
    total: int = 0
    done: int = 0
    cursor: tuple[str | None, str] | None = None  # (day, uuid) of the last row read


def _doc_arrays() -> defaultdict[str, array[int]]:
    return defaultdict(partial(array, "I"))


def _new_codes(points: Iterable[int] | None = None) -> defaultdict[bytes, str]:
    """``word -> code``: a word not seen before takes the next free code, stop words ``""``.

    Codes are single characters, every code point but NUL and the surrogates, handed out in
    the order words are first met (the first 255, usually the commonest, fit in one byte,
    which keeps signatures that hold only those narrow). Once they run out (past 1,111,998
    distinct words) a new word gets ``""`` and is not indexed; a search for it then finds
    nothing. ``points`` is for tests, to run out sooner.
    """
    if points is None:
        points = itertools.chain(range(1, 0xD800), range(0xE000, 0x110000))
    codes: defaultdict[bytes, str] = defaultdict(partial(next, map(chr, points), ""))
    codes.update(dict.fromkeys((word.encode() for word in STOP_WORDS), ""))
    return codes


@dataclass
class _Data:
    """Everything the index holds, in one object so clear() can drop it in one go."""

    facts: list[_Doc | None] = field(default_factory=list)  # doc -> facts (None: retired)
    keys: list[str] = field(default_factory=list)  # doc -> sort key
    ids: dict[str, int] = field(default_factory=dict)  # uuid -> live doc
    ordered: list[int] = field(default_factory=list)  # live docs, newest first
    # word (UTF-8) -> code; see _index_words() for why bytes
    codes: defaultdict[bytes, str] = field(default_factory=_new_codes)
    signatures: list[str] = field(default_factory=list)  # doc -> its words' codes ("": retired)
    # every coded word, sorted, for prefixes; as str, the form queries come in
    vocabulary: list[str] = field(default_factory=list)
    # Filters: value -> docs. Arrays rather than sets: a set of 100,000 numbers added about
    # 4 ms to every full pass of the garbage collector (which holds the GIL); an array is not
    # traversed at all, and turning the one a search needs into a set costs less than that.
    by_author: defaultdict[str, array[int]] = field(default_factory=_doc_arrays)
    by_shift: defaultdict[str, array[int]] = field(default_factory=_doc_arrays)
    by_caller: defaultdict[str, array[int]] = field(default_factory=_doc_arrays)
    by_topic: defaultdict[str, array[int]] = field(default_factory=_doc_arrays)
    strings: dict[str, str] = field(default_factory=dict)  # one shared copy per UUID
    # topics as typed -> folded (a call's list of topics is one of a few combinations)
    topic_folds: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # caller uuid -> alias
    data_version: int | None = None  # SQLite's PRAGMA data_version when last in step


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
        """Rough bytes held by the words, facts and filters (for benchmarks and logs).

        Counts containers and the strings only the index holds; an estimate, not a promise.
        """
        size = sys.getsizeof
        with self._lock:
            d = self._data
            total = sum(size(w) + size(c) for w, c in d.codes.items() if c)  # not stop words
            total += size(d.codes) + size(d.vocabulary) + sum(map(size, d.vocabulary))
            total += size(d.signatures) + sum(map(size, d.signatures))
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
        """Index the next ``batch`` calls; True while there are more to come."""
        return self._step(session.calls, batch)

    def complete(self, calls: CallRepository, batch: int = DEFAULT_BATCH) -> None:
        """Finish the view now (on the worker thread) if it is not ready: a question about
        a regular or a shift cannot wait for the background build, and the steps already
        done are not repeated. Aliases are left for the next :meth:`begin_build` or
        :meth:`set_aliases`."""
        if self._ready:
            return
        if self._build is None:
            with self._lock:
                self._data = _Data(aliases=dict(self._data.aliases))
                self._build = _BuildState(total=calls.count())
        while self._step(calls, batch):
            pass

    def _step(self, calls: CallRepository, batch: int) -> bool:
        """One step of the walk over every call, by day, newest day first (the (day, uuid)
        index read backwards, with a keyset after the last row, keeps each step cheap). Calls arrive
        nearly in list order (only the order within one day is not known before opening),
        so each lands at or near the end of the ordered list. Rows without a day (a
        damaged row) are read last."""
        state = self._build
        if state is None:
            return False
        if state.cursor is None:
            rows = calls.open_rows("day is not null", order_by=WALK_ORDER, limit=batch)
        elif state.cursor[0] is not None:
            rows = calls.open_rows(WALK_AFTER, list(state.cursor), order_by=WALK_ORDER, limit=batch)
        else:
            rows = calls.open_rows(
                "day is null and uuid > ?", [state.cursor[1]], order_by="uuid", limit=batch
            )
        # The cursor keeps each row's day and UUID as stored, whatever their type (a row
        # changed by hand indexes under text of its own, but the walk goes on after it).
        docs = [(_doc_from_row(row), (row[0].get("day"), row[0]["uuid"])) for row in rows]
        with self._lock:
            d = self._data  # read before the check: clear() drops the build state first
            if self._build is not state:  # cleared or restarted meanwhile
                return False
            if d.data_version is None:
                d.data_version = calls.data_version()
            words_before = len(d.codes)
            self._add_rows(d, [doc for doc, _day in docs])
            self._merge_vocabulary(d, words_before)
            state.done += len(docs)
            if docs:
                state.cursor = docs[-1][1]
            if len(docs) < batch:
                dated = state.cursor is None or state.cursor[0] is not None
                if dated and calls.count("day is null"):
                    state.cursor = (None, "")  # now the rows without a day
                    return True
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
        return self.add_many([call]) > 0

    def add_many(self, calls: Sequence[Call]) -> int:
        """Index saved calls (see :meth:`add_or_update`); returns how many were newer."""
        if not calls:
            return 0
        with self._lock:
            d = self._data
            words_before = len(d.codes)
            added = self._add_rows(d, [self._row_of(call) for call in calls])
            self._merge_vocabulary(d, words_before)
            return added

    def refresh_text(self, calls: Sequence[Call]) -> None:
        """New words (and revision) for calls whose time, people and links did not change,
        such as notes erased by retention: cheaper than retiring and adding each, which
        scans every filter it is in."""
        with self._lock:
            d = self._data
            codes, words_before = d.codes, len(d.codes)
            for call in calls:
                doc = d.ids.get(call.uuid)
                held = None if doc is None else d.facts[doc]
                if doc is None or held is None or call.damaged:
                    continue
                d.facts[doc] = (
                    held[_UUID], call.revision, held[_AUTHOR], held[_SHIFT], held[_CALLER],
                    held[_TOPICS], call.has_follow_up, False,
                )  # fmt: skip
                words = _index_words(call.note_text())
                if len(words) > 1:
                    d.signatures[doc] = "".join(itemgetter(*words)(codes))
                else:
                    d.signatures[doc] = codes[words[0]] if words else ""
            self._merge_vocabulary(d, words_before)

    def remove(self, call_uuid: str) -> None:
        """Forget a deleted call (a no-op if it was never indexed)."""
        with self._lock:
            d = self._data
            doc = d.ids.get(call_uuid)
            if doc is not None:
                self._retire(d, doc)

    def refresh(self, session: Session) -> int:
        """Catch up with calls another program saved or deleted; returns how many changed.

        Saves made through this session's repository reach the view as they happen. Another
        connection's commits change SQLite's ``data_version``; only then are the stored
        (uuid, revision) pairs compared with the view's (clear columns only, nothing is
        opened) and the calls that differ opened again.
        """
        if not (self._ready or self._build is not None):
            return 0  # nothing built yet: the build will read everything anyway
        repo = session.calls
        version = repo.data_version()
        d = self._data
        if d.data_version is None or version == d.data_version:
            return 0
        stored = {row[0]: row[1] for row in repo.revisions()}
        with self._lock:
            facts, ids = d.facts, d.ids
            held = {}
            for call_uuid, doc in ids.items():
                fact = facts[doc]
                if fact is not None:
                    held[call_uuid] = fact[_REVISION]
        changed = [u for u, rev in stored.items() if held.get(u) != rev]
        if not self._ready:  # the build will still read rows after its cursor
            changed = [u for u in changed if u in held]
        added = self.add_many(repo.load(changed))
        removed = 0
        if self._ready:
            with self._lock:
                for call_uuid in [u for u in d.ids if u not in stored]:
                    self._retire(d, d.ids[call_uuid])
                    removed += 1
        d.data_version = version
        return added + removed

    # -- internals: adding and retiring ------------------------------------------------------

    @staticmethod
    def _row_of(call: Call) -> _Row:
        """What the index keeps of a call it was handed (a save), as the build reads it."""
        damaged = call.damaged
        return (
            call.uuid,
            call.revision,
            sort_iso(to_iso(call.started_at), call.day),
            call.author_uuid or "",
            call.shift_uuid,
            call.caller_uuid,
            to_iso(call.updated_at),
            () if damaged else call.topics,
            False if damaged else call.has_follow_up,
            damaged,
            "" if damaged else call.note_text(),
        )

    def _add_rows(self, d: _Data, rows: Iterable[_Row]) -> int:
        """Index calls, replacing older revisions; returns how many were added.

        A row is skipped when the index already holds that revision of the call or a newer
        one (e.g. saved and indexed while the build had not reached it yet). Rows in
        newest-first order (as the build reads them) are cheapest: each lands at the end.

        One loop for the build and for single saves, written flat with every lookup hoisted
        out of it, because the build runs it 100,000 times.
        """
        facts, keys, ids, ordered = d.facts, d.keys, d.ids, d.ordered
        signatures, codes, intern = d.signatures, d.codes, d.strings.setdefault
        by_author, by_shift, by_caller, by_topic = d.by_author, d.by_shift, d.by_caller, d.by_topic
        topic_folds, index_words, join = d.topic_folds, _index_words, "".join
        added = 0
        for (
            call_uuid,
            revision,
            started_iso,
            author_uuid,
            shift_uuid,
            caller_uuid,
            _updated_iso,  # carried in the row's shape; refresh uses data_version instead
            topics,
            follow_up,
            damaged,
            text,
        ) in rows:
            old = ids.get(call_uuid)
            if old is not None:
                held = facts[old]
                if revision and held is not None and revision <= held[_REVISION]:
                    continue
                self._retire(d, old)
            doc = len(facts)
            author = intern(author_uuid, author_uuid)
            shift = intern(shift_uuid, shift_uuid) if shift_uuid else None
            caller = intern(caller_uuid, caller_uuid) if caller_uuid else None
            folded_topics: tuple[str, ...] = ()
            if topics:
                as_typed = tuple(topics)
                cached = topic_folds.get(as_typed)
                if cached is None:
                    cached = topic_folds[as_typed] = tuple(dict.fromkeys(map(fold_topic, topics)))
                folded_topics = cached
            facts.append(
                (call_uuid, revision, author, shift, caller, folded_topics, follow_up, damaged)
            )
            key = _sort_key(started_iso, call_uuid)
            keys.append(key)
            ids[call_uuid] = doc
            if not ordered or key >= keys[ordered[-1]]:
                ordered.append(doc)  # the usual case while building: rows arrive in order
            else:
                ordered.insert(bisect.bisect_left(ordered, key, key=keys.__getitem__), doc)
            by_author[author].append(doc)
            if shift:
                by_shift[shift].append(doc)
            if caller:
                by_caller[caller].append(doc)
            for topic in folded_topics:
                by_topic[topic].append(doc)
            added += 1
            words = index_words(text) if text else []
            if len(words) > 1:
                # One itemgetter call looks up (or, through the defaultdict, hands out) the
                # code of every word, repeats and stop words included (theirs is ""), and one
                # join makes the signature: the per-word work stays in C. Leaving repeats in
                # costs less than a set to drop them would.
                signatures.append(join(itemgetter(*words)(codes)))
            else:
                signatures.append(codes[words[0]] if words else "")
        return added

    def _retire(self, d: _Data, doc: int) -> None:
        """Take a doc out of every filter and the ordered list, and empty its signature."""
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
        d.signatures[doc] = ""

    def _merge_vocabulary(self, d: _Data, words_before: int) -> None:
        """Add the words new since ``words_before`` to the sorted vocabulary.

        New keys are the last ones in the dict's insertion order. Appending them and
        re-sorting lets Timsort merge two sorted runs, which stays cheap however large it grows.
        Words left without a code (past the last one) are not indexed, so not listed.
        """
        new = len(d.codes) - words_before
        if new:
            codes = d.codes
            added = itertools.islice(reversed(codes), new)
            d.vocabulary.extend(word.decode() for word in added if codes[word])
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
        Stop words in ``query`` are ignored; a query of only stop words matches nothing and
        the result says so (``too_common``).
        """
        if too_common(query):
            return SearchResult([], 0, too_common=True)
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
        """Docs that match, newest first.

        The words become codes first (a word no call holds ends the search at once), the
        filters and the date range pick the calls to look at, and only then are signatures
        tested, each word on the calls that still match.
        """
        words, prefix = query_terms(query)
        codes = d.codes
        needles: list[str] = []
        for word in words:
            code = codes.get(word.encode())
            if not code:
                return []
            needles.append(code)
        typing: re.Pattern[str] | None = None  # the word being typed: any word it starts
        if prefix is not None:
            vocab = d.vocabulary
            lo = bisect.bisect_left(vocab, prefix)
            hi = bisect.bisect_left(vocab, prefix + _MAX_CHAR, lo)
            if lo == hi:
                return []
            if hi - lo == 1:
                needles.append(codes[vocab[lo].encode()])
            else:
                started = "".join(re.escape(codes[word.encode()]) for word in vocab[lo:hi])
                typing = re.compile(f"[{started}]")

        # Filters backed by small sets first: they usually narrow the most.
        candidates: set[int] | None = None
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
            found = ordered[lo_pos:hi_pos]
        elif len(candidates) * self.sparse_ratio < hi_pos - lo_pos:
            # Few candidates in a long list: order just them instead of walking everything.
            found = [
                i for i in candidates if keys[i] > lo_key and (hi_key is None or keys[i] < hi_key)
            ]
            found.sort(key=keys.__getitem__)
        else:
            found = [i for i in itertools.islice(ordered, lo_pos, hi_pos) if i in candidates]

        # The words: a substring test per signature, run in C by compress() and map().
        signatures = d.signatures.__getitem__
        for code in needles:
            if not found:
                break
            found = list(
                itertools.compress(
                    found, map(operator.contains, map(signatures, found), itertools.repeat(code))
                )
            )
        if typing is not None and found:
            found = list(itertools.compress(found, map(typing.search, map(signatures, found))))
        return found


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
    """The calls with these UUIDs, in the order given (missing ones are left out)."""
    return session.calls.load(uuids)
