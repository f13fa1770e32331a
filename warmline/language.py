"""The language lens: gentle suggestions about clinical or stigmatising words in notes.

Why this exists: the ability to write about someone is a form of power, and clinical
records have followed people around for decades. Peer notes aim for everyday language,
the caller's own words and the relationship rather than diagnoses, judgments and labels.
The lens points at words worth a second look and offers alternatives. It only ever
*suggests*: it never blocks saving, never rewrites text, and a worker is free to ignore it.

The word list is data, not code (``warmline/data/language_table.json``), so it can be
reviewed and changed by people who are not programmers.

Matching rules, and why:

* Case-insensitive, whole words only. A hyphen counts as part of a word, so ``clean`` does
  not fire inside ``clean-up`` or ``cleaner`` (fewer false alarms); hyphenated phrases such
  as ``non-compliant`` are listed explicitly in the table.
* Words in a multi-word phrase may be separated by any run of whitespace, including line
  breaks, because notes get wrapped and pasted.
* On overlap the longest match wins, so "is a schizophrenic" is one suggestion, not two.
* Text inside quotation marks is the caller's own words, and recording someone's words as
  they said them is exactly what peer notes should do, so it is never flagged. Recognised:
  straight double quotes "…", curly double quotes “…” and curly single quotes ‘…’. Straight
  single quotes are far more often apostrophes (don't, callers'), so '…' only counts as a
  quote when the opening ' begins a word (nothing word-like just before it, a word character
  just after it) and a matching closing ' ends one (not preceded by whitespace, no word
  character just after it); a straight ' that never finds such a partner is an apostrophe.
  The same end-of-word rule decides whether ’ closes a ‘…’ quote, so "don’t" inside a quote
  does not end it. Quotes never run across a paragraph break (a blank line): a quote left
  open covers the rest of its paragraph only, so one stray mark cannot silence a whole note.
* Some entries (``clean``, ``dirty``, ``patient``) have everyday senses too and will
  sometimes fire wrongly; their explanation says so, and because the lens never blocks
  anything a false alarm costs a glance, not a rewrite.

The whole table compiles into one regular expression so a scan of a few kilobytes takes
well under a few milliseconds and can run on every keystroke.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeAlias

__all__ = ["LanguageLens", "LensEntry", "LensHit", "load_entries", "suggestion_text"]

_DATA_PACKAGE = "warmline.data"
_TABLE_FILE = "language_table.json"

# A word character or a hyphen: what may not sit directly before or after a match.
_WORDISH = r"[\w-]"
# A blank line (possibly holding spaces) separates paragraphs; quotes never cross one.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_QUOTE_CHAR = re.compile("[\"'“”‘’]")
_DOUBLE_CLOSE = re.compile('["”]')
# A straight ' opens a quote only at the start of a word: no word character before it,
# one after it. A ' or ’ closes a single quote only at the end of a word: no whitespace
# before it, no word character after it (so the ’ in don’t never does).
_STRAIGHT_OPENER = re.compile(r"(?<!\w)'(?=\w)")
_SINGLE_CLOSER = re.compile(r"(?<!\s)['’](?!\w)")


@dataclass(frozen=True)
class LensEntry:
    """One row of the table: phrases worth a second look, what to consider, and why."""

    id: str
    phrases: tuple[str, ...]
    consider: tuple[str, ...]
    why: str

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> LensEntry:
        """Build an entry from one JSON object, failing loudly on a malformed table.

        The table is edited by hand, so a typo should stop the tests, not silently switch
        off part of the lens.
        """
        entry_id = data.get("id")
        if not isinstance(entry_id, str) or not entry_id:
            raise ValueError(f"language table entry without an id: {data!r}")
        phrases = _string_tuple(data.get("phrases"), f"{entry_id}.phrases")
        consider = _string_tuple(data.get("consider"), f"{entry_id}.consider")
        why = data.get("why")
        if not isinstance(why, str) or not why.strip():
            raise ValueError(f"language table entry {entry_id!r} has no 'why'")
        return cls(id=entry_id, phrases=phrases, consider=consider, why=why)


@dataclass(frozen=True)
class LensHit:
    """A place in the text worth a second look. ``phrase`` is the text exactly as written."""

    start: int
    end: int
    phrase: str
    entry_id: str
    consider: tuple[str, ...]
    why: str


def _string_tuple(value: object, where: str) -> tuple[str, ...]:
    """Check a non-empty list of non-empty strings; the table must not hide empty rows."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"language table: {where} must be a non-empty list")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"language table: {where} must hold only non-empty strings")
    return tuple(value)


def _normalise(phrase: str) -> str:
    """Canonical form of a phrase, used only to catch duplicates across entries."""
    return " ".join(phrase.lower().replace("’", "'").split())


def _phrase_pattern(phrase: str) -> str:
    """Regex for one phrase: any whitespace run between words, either apostrophe style."""
    words = []
    for word in phrase.split():
        words.append("['’]".join(re.escape(part) for part in word.split("'")))
    return r"\s+".join(words)


def _phrase_atoms(phrase: str) -> list[str]:
    """A phrase as regex pieces, one per character, with whitespace and apostrophes loosened."""
    atoms: list[str] = []
    for k, word in enumerate(phrase.lower().split()):
        if k:
            atoms.append(r"\s+")
        atoms.extend("['’]" if ch in "'’" else re.escape(ch) for ch in word)
    return atoms


_Trie: TypeAlias = dict[str, "_Trie"]
_END = ""  # trie key marking that a phrase ends here; no atom is empty


def _trie_pattern(phrases: Iterable[str]) -> str:
    """One regex matching any of the phrases, factored by shared prefixes.

    Where a phrase ends but longer ones continue, the continuation is a greedy optional
    group, so the engine prefers the longest phrase and backtracks to a shorter one only
    if the longer one does not end on a word boundary.
    """
    root: _Trie = {}
    for phrase in phrases:
        node = root
        for atom in _phrase_atoms(phrase):
            node = node.setdefault(atom, {})
        node[_END] = {}

    def emit(node: _Trie) -> str:
        branches = [atom + emit(child) for atom, child in node.items() if atom != _END]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if _END in node else body

    return emit(root)


def entries_from_json(raw: str) -> tuple[LensEntry, ...]:
    """Parse the table's JSON text (a list of entry objects)."""
    data = json.loads(raw)
    if not isinstance(data, list):
        raise ValueError("language table must be a JSON list of entries")
    entries = []
    for item in data:
        if not isinstance(item, dict):
            raise ValueError(f"language table entry is not an object: {item!r}")
        entries.append(LensEntry.from_mapping(item))
    return tuple(entries)


def load_entries() -> tuple[LensEntry, ...]:
    """Read the packaged table through importlib.resources so it works from a wheel too."""
    raw = resources.files(_DATA_PACKAGE).joinpath(_TABLE_FILE).read_text(encoding="utf-8")
    return entries_from_json(raw)


class LanguageLens:
    """Finds table phrases in free text, outside quotation marks, and explains each one."""

    def __init__(self, entries: Iterable[LensEntry | Mapping[str, Any]]) -> None:
        """Compile every phrase of every entry into one regular expression.

        The phrases are merged into a prefix tree first, so at each word start the regex
        engine checks a couple of dozen first letters instead of trying every phrase in
        turn; that keeps a 5 KB scan to about a millisecond.
        """
        self._entries: tuple[LensEntry, ...] = tuple(
            e if isinstance(e, LensEntry) else LensEntry.from_mapping(e) for e in entries
        )
        self._by_phrase: dict[str, LensEntry] = {}
        seen_ids: set[str] = set()
        for entry in self._entries:
            if entry.id in seen_ids:
                raise ValueError(f"language table: duplicate entry id {entry.id!r}")
            seen_ids.add(entry.id)
            for phrase in entry.phrases:
                key = _normalise(phrase)
                if key in self._by_phrase:
                    raise ValueError(
                        f"language table: phrase {phrase!r} appears in both "
                        f"{self._by_phrase[key].id!r} and {entry.id!r}"
                    )
                self._by_phrase[key] = entry
        self._pattern: re.Pattern[str] | None = None
        if self._by_phrase:
            trie = _trie_pattern(self._by_phrase)
            # A zero-width lookahead yields a candidate at every word start, including ones
            # that overlap an earlier candidate, so the longest can win afterwards.
            self._pattern = re.compile(rf"(?<!{_WORDISH})(?=({trie})(?!{_WORDISH}))", re.IGNORECASE)

    @classmethod
    def default(cls) -> LanguageLens:
        """The lens built from the packaged table.

        Building compiles the whole table, so the plain class's lens is built once and
        shared (it is never changed after construction); subclasses get a fresh one.
        """
        if cls is LanguageLens:
            return _default_lens()
        return cls(load_entries())

    @property
    def entries(self) -> tuple[LensEntry, ...]:
        """The table this lens was built from, for screens that list it."""
        return self._entries

    def scan(self, text: str) -> list[LensHit]:
        """Every phrase worth a second look in ``text``, sorted by position.

        Hits never overlap, never fall inside quotation marks, and always satisfy
        ``text[hit.start:hit.end] == hit.phrase``.
        """
        if self._pattern is None or not text:
            return []
        candidates = [match.span(1) for match in self._pattern.finditer(text)]
        if not candidates:
            return []

        quoted = _quoted_spans(text)
        if quoted:
            quote_starts = [s for s, _ in quoted]
            quote_ends = [e for _, e in quoted]
            candidates = [
                c for c in candidates if not _overlaps(quote_starts, quote_ends, c[0], c[1])
            ]

        # Longest wins; on a tie the earlier one. Accepted spans are kept sorted and
        # disjoint, so one bisect finds the only neighbours that could clash.
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        kept_starts: list[int] = []
        kept_ends: list[int] = []
        for start, end in candidates:
            if _overlaps(kept_starts, kept_ends, start, end):
                continue
            at = bisect.bisect_left(kept_starts, start)
            kept_starts.insert(at, start)
            kept_ends.insert(at, end)

        hits = []
        for start, end in zip(kept_starts, kept_ends, strict=True):
            entry = self._entry_for(text[start:end])
            hits.append(
                LensHit(
                    start=start,
                    end=end,
                    phrase=text[start:end],
                    entry_id=entry.id,
                    consider=entry.consider,
                    why=entry.why,
                )
            )
        return hits

    def _entry_for(self, written: str) -> LensEntry:
        """The entry a matched piece of text belongs to.

        Normally a dictionary lookup on the normalised text. Case-insensitive matching
        follows Unicode case folding, which ``str.lower`` does not always mirror (the long
        s, the Kelvin sign), so fall back to matching each phrase in turn.
        """
        entry = self._by_phrase.get(_normalise(written))
        if entry is not None:
            return entry
        for phrase, candidate in self._by_phrase.items():
            if re.fullmatch(_phrase_pattern(phrase), written, re.IGNORECASE):
                return candidate
        raise AssertionError(f"lens matched {written!r} but no phrase fits it")  # pragma: no cover


@functools.cache
def _default_lens() -> LanguageLens:
    return LanguageLens(load_entries())


def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of the sorted, disjoint spans given."""
    i = bisect.bisect_left(starts, end)  # spans [0, i) begin before ``end``
    return i > 0 and ends[i - 1] > start


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, split at blank lines."""
    spans = []
    pos = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        spans.append((pos, brk.start()))
        pos = brk.end()
    spans.append((pos, len(text)))
    return spans


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, disjoint (start, end) spans of quoted text, quote marks included.

    Whether a ' or ’ can close a single quote depends only on its neighbours, never on
    where the quote opened, so all possible closers are found in one pass up front and
    each opener finds its partner by bisection; a note full of apostrophes stays linear.
    """
    if _QUOTE_CHAR.search(text) is None:
        return []
    single_closers = [m.start() for m in _SINGLE_CLOSER.finditer(text)]

    def next_single_closer(after: int, limit: int) -> int | None:
        k = bisect.bisect_right(single_closers, after)
        if k < len(single_closers) and single_closers[k] < limit:
            return single_closers[k]
        return None

    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        pos = para_start
        while True:
            m = _QUOTE_CHAR.search(text, pos, para_end)
            if m is None:
                break
            i = m.start()
            ch = text[i]
            close: int | None
            if ch in '"“':
                found = _DOUBLE_CLOSE.search(text, i + 1, para_end)
                close = None if found is None else found.start()
            elif ch == "‘":
                close = next_single_closer(i, para_end)
            elif ch == "'" and _STRAIGHT_OPENER.match(text, i):
                close = next_single_closer(i, para_end)
                if close is None:  # an apostrophe after all
                    pos = i + 1
                    continue
            else:  # an apostrophe, or a closing mark with nothing open
                pos = i + 1
                continue
            quote_end = para_end if close is None else close + 1
            spans.append((i, quote_end))
            pos = quote_end
    return spans


def suggestion_text(hit: LensHit) -> str:
    """One warm sentence for a tooltip, e.g. Consider “is living with” instead of “suffers from”.

    Line breaks inside the matched phrase are folded to spaces so the sentence reads well.
    """
    options = [f"“{option}”" for option in hit.consider]
    if len(options) == 1:
        alternatives = options[0]
    else:
        alternatives = ", ".join(options[:-1]) + " or " + options[-1]
    written = " ".join(hit.phrase.split())
    return f"Consider {alternatives} instead of “{written}”."
