"""The language lens: gentle suggestions about clinical or stigmatising words in notes.

Why this exists: the ability to write about someone is a form of power, and clinical
records have followed people around for decades. Peer notes aim for everyday language,
the caller's own words and the relationship rather than diagnoses, judgments and labels.
The lens points at words worth a second look and offers alternatives. It only ever
*suggests*: it never blocks saving, never rewrites text, and a worker is free to ignore it.

The word list is data, not code (``warmline/data/language_table.json``), so it can be
reviewed and changed by people who are not programmers. Each entry names the published
guides it rests on (the table's ``sources``); the suggestions and explanations are our own
words. The table also lists phrases to *leave alone*: everyday idioms that contain a
flagged word but label nobody ("mad at", "crazy busy", "mental health"), each group with
the reason it is left alone.

How a table phrase is written, and why:

* ``(s)`` after a word makes the ending optional and ``(e|es|ed|ing)`` offers one of
  several, so ``nutter(s)`` or ``decompensat(e|es|ed|ing)`` covers the forms people write
  without a long list to keep in step; ``(a|)`` makes a whole word optional.
* ``{be}`` stands for every word in the table's named set ``be`` (is, was, she's, …) and
  ``{so?}`` for any word of the set ``so`` or none, so "she's bipolar" and "was so
  bipolar" come from one line. A set member may not hold groups or sets itself; one level
  is enough and keeps the table readable.
* A space between words matches any run of whitespace (notes get wrapped and pasted) or a
  hyphen; a hyphen inside a word matches a hyphen (a line break may follow it), a space or
  nothing. So ``self-harmer``
  also finds "self harmer" and "selfharmer", and ``attention seeking`` finds
  "attention-seeking". Either apostrophe style matches.

Matching rules, and why:

* Case-insensitive, whole words only. A hyphen counts as part of a word, so ``psycho``
  does not fire inside ``psycho-social`` and ``clean`` not inside ``clean-shaven``.
* A *leave-alone* phrase silences any flagged phrase it overlaps: "she's mad at him" is
  about anger, so "mad at" keeps "she's mad" quiet. Where a flagged and a leave-alone
  phrase start at the same word, the longer one is what is found.
* On overlap the longest flagged match wins, so "is a schizophrenic" is one suggestion.
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
* Words with an everyday sense (``clean``, ``patient``, ``mad``, ``mental``) are only
  flagged in the shapes that label a person ("been clean for", "a patient", "she's
  mental"), never on their own; the lens would rather miss a rare case than nag on
  ordinary sentences, because a lens that cries wolf gets ignored.

The whole table, written forms expanded, compiles into one regular expression factored by
shared prefixes, so a 2,000-word note scans in about a millisecond and the editor can
rescan after every pause in typing.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, TypeAlias

__all__ = [
    "LanguageLens",
    "LeaveAlone",
    "LensEntry",
    "LensHit",
    "LensTable",
    "expand_phrase",
    "load_entries",
    "load_table",
    "suggestion_text",
    "table_from_json",
]

_DATA_PACKAGE = "warmline.data"
_TABLE_FILE = "language_table.json"

_HYPHENS = "-‐‑"  # hyphen-minus, hyphen, non-breaking hyphen
_HYPHEN_CLASS = r"\-‐‑"  # the same, for inside [...]
# A word character or a hyphen: what may not sit directly before or after a match.
_WORDISH = rf"[\w{_HYPHEN_CLASS}]"
# Between two words of a phrase: whitespace (wrapped, pasted) or a hyphen.
_WORD_GAP = rf"(?:[{_HYPHEN_CLASS}]\s*|\s+)"
# A hyphen written inside a table word: a hyphen, a space or nothing at all.
_HYPHEN_GAP = _WORD_GAP + "?"
# What is dropped to compare a written phrase with a table form: case, spacing, hyphens and
# the apostrophe style all vary freely between the two.
_KEY_DROP = re.compile(rf"[\s{_HYPHEN_CLASS}]+")
# A blank line (possibly holding spaces) separates paragraphs; quotes never cross one.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_QUOTE_CHAR = re.compile("[\"'“”‘’]")
_DOUBLE_CLOSE = re.compile('["”]')
# A straight ' opens a quote only at the start of a word: no word character before it,
# one after it. A ' or ’ closes a single quote only at the end of a word: no whitespace
# before it, no word character after it (so the ’ in don’t never does).
_STRAIGHT_OPENER = re.compile(r"(?<!\w)'(?=\w)")
_SINGLE_CLOSER = re.compile(r"(?<!\s)['’](?!\w)")
# The table's shorthand: {set} or (a|b|…).
_NOTATION = re.compile(r"\{([a-z_]+)(\?)?\}|\(([^(){}]*)\)")


@dataclass(frozen=True)
class LensEntry:
    """One row of the table: phrases worth a second look, what to consider, and why.

    ``phrases`` are written in the table's shorthand (see the module docstring); the lens
    expands them. ``sources`` are keys into the table's list of published guides.
    """

    id: str
    phrases: tuple[str, ...]
    consider: tuple[str, ...]
    why: str
    sources: tuple[str, ...] = ()

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
        sources = data.get("sources")
        source_keys = () if sources is None else _string_tuple(sources, f"{entry_id}.sources")
        return cls(id=entry_id, phrases=phrases, consider=consider, why=why, sources=source_keys)


@dataclass(frozen=True)
class LeaveAlone:
    """Everyday phrases that contain a flagged word but label nobody, and why they are fine."""

    phrases: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class LensTable:
    """The whole packaged table: entries, idioms to leave alone, word sets and sources."""

    entries: tuple[LensEntry, ...]
    leave_alone: tuple[LeaveAlone, ...] = ()
    sets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)


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


def expand_phrase(phrase: str, sets: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """Every written form a table phrase stands for, lower-case, single-spaced, in order.

    ``nutter(s)`` gives nutter, nutters; ``{be} (so|) ocd`` gives "is so ocd", "is ocd", …
    """
    sets = sets or {}
    pieces: list[list[str]] = []
    pos = 0
    for m in _NOTATION.finditer(phrase):
        pieces.append([phrase[pos : m.start()]])
        name, optional, group = m.groups()
        if name is not None:
            if name not in sets:
                raise ValueError(f"language table: {phrase!r} uses an unknown set {{{name}}}")
            pieces.append([*sets[name], ""] if optional else list(sets[name]))
        else:
            options = group.split("|")
            pieces.append([*options, ""] if len(options) == 1 else options)
        pos = m.end()
    pieces.append([phrase[pos:]])
    forms: dict[str, None] = {}
    for combo in itertools.product(*pieces):
        form = " ".join("".join(combo).lower().split())
        if any(ch in form for ch in "(){}|"):
            raise ValueError(f"language table: cannot read the shorthand in {phrase!r}")
        if form:
            forms[form] = None
    if not forms:
        raise ValueError(f"language table: {phrase!r} stands for no words at all")
    return list(forms)


def _key(text: str) -> str:
    """How a written phrase is compared with table forms: case, spacing, hyphens and
    apostrophe style are all free, so "Self Harmer" and "self-harmer" meet."""
    return _KEY_DROP.sub("", text.lower().replace("’", "'"))


@functools.cache
def _char_atom(ch: str) -> str:
    """One written character as regex: apostrophes in either style, hyphens loosened."""
    if ch in "'’":
        return "['’]"
    if ch in _HYPHENS:
        return _HYPHEN_GAP
    return re.escape(ch)


def _literal_atoms(text: str) -> list[str]:
    """A plain stretch of words (a group or set member) as regex pieces, gaps loosened."""
    atoms: list[str] = []
    for k, word in enumerate(text.lower().split()):
        if k:
            atoms.append(_WORD_GAP)
        atoms.extend(map(_char_atom, word))
    return atoms


# How far an idiom to leave alone may reach beyond the word it protects.
_IDIOM_REACH = 80
_SLOT = re.compile("\0(\\d+)\0")


def _phrase_paths(phrase: str, sets: Mapping[str, tuple[str, ...]]) -> list[list[str]]:
    """A table phrase as one or more lists of regex pieces for the prefix tree.

    Letters are one piece each so phrases share prefixes. A group or set later in the
    phrase is one piece (its own small prefix tree), so "{be} {so?} bipolar" costs a few
    pieces rather than hundreds of spelled-out forms. A group or set that *starts* the
    phrase is spelled out instead, one path per option, so the tree's first level stays a
    choice between letters: that is what keeps a scan to about a millisecond. Endings
    inside a word are spelled out too, so the tree, not a folded optional, decides between
    "epileptic" and "epileptic fits" and the longer one wins.
    """
    phrase = phrase.strip()
    for m in _NOTATION.finditer(phrase):
        inside_a_word = (m.start() > 0 and phrase[m.start() - 1] != " ") or (
            m.end() < len(phrase) and phrase[m.end()] != " "
        )
        if inside_a_word:  # an ending such as nutter(s): spell it out, it is small
            options, empty = _slot_options(m, sets)
            head, tail = phrase[: m.start()], phrase[m.end() :]
            variants = [head + option + tail for option in options]
            if empty:
                variants.append(head + tail)
            return [path for variant in variants for path in _phrase_paths(variant, sets)]
    first = _NOTATION.match(phrase)
    if first is None:
        return [_phrase_atoms(phrase, sets)]
    options, empty = _slot_options(first, sets)
    tail = phrase[first.end() :]
    variants = [option + tail for option in options]
    if empty and tail.strip():
        variants.append(tail)
    return [path for variant in variants for path in _phrase_paths(variant, sets)]


def _slot_options(m: re.Match[str], sets: Mapping[str, tuple[str, ...]]) -> tuple[list[str], bool]:
    """The options a matched {set}, {set?} or (a|b|) stands for, and whether it may be empty."""
    name, optional, group = m.groups()
    if name is not None:
        return list(sets[name]), bool(optional)
    parts = group.split("|")
    options = [o for o in parts if o.strip()]
    return options, len(parts) == 1 or len(options) < len(parts)


@functools.cache
def _alternation(options: tuple[str, ...]) -> str:
    """Any one of the options, as a small prefix tree (a set is used by many phrases)."""
    return "(?:" + _trie_pattern(_literal_atoms(o) for o in options) + ")"


def _phrase_atoms(phrase: str, sets: Mapping[str, tuple[str, ...]]) -> list[str]:
    """A table phrase as regex pieces, its groups and sets folded into small alternations.

    A whole word that may be left out takes its gap with it, so "(a|) psycho" matches
    "psycho" without a stray space.
    """
    slots: list[tuple[list[str], bool]] = []

    def hold(m: re.Match[str]) -> str:
        slots.append(_slot_options(m, sets))
        return f"\0{len(slots) - 1}\0"

    def alternation(index: int) -> tuple[str, bool]:
        options, empty = slots[index]
        return _alternation(tuple(options)), empty

    atoms: list[str] = []
    leading = True  # no word emitted yet that the next one must be separated from
    for word in _NOTATION.sub(hold, phrase.lower()).split():
        whole = _SLOT.fullmatch(word)
        if whole:
            body, optional = alternation(int(whole.group(1)))
            if optional:
                atoms.append(f"(?:{body}{_WORD_GAP})?" if leading else f"(?:{_WORD_GAP}{body})?")
                continue
            if not leading:
                atoms.append(_WORD_GAP)
            atoms.append(body)
        else:
            if not leading:
                atoms.append(_WORD_GAP)
            for k, part in enumerate(_SLOT.split(word)):
                if k % 2:
                    body, optional = alternation(int(part))
                    atoms.append(body + "?" if optional else body)
                else:
                    atoms.extend(map(_char_atom, part))
        leading = False
    return atoms


_Trie: TypeAlias = dict[str, "_Trie"]
_END = ""  # trie key marking that a phrase ends here; no atom is empty


def _trie_pattern(phrases: Iterable[list[str]]) -> str:
    """One regex matching any of the phrases (given as atoms), factored by shared prefixes.

    Where a phrase ends but longer ones continue, the continuation is a greedy optional
    group, so the engine prefers the longest phrase and backtracks to a shorter one only
    if the longer one does not end on a word boundary.
    """
    root: _Trie = {}
    for atoms in phrases:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[_END] = {}

    def emit(node: _Trie) -> str:
        # A branch that may match nothing goes last: alternatives are tried in order, and
        # an empty match first would stop a longer phrase from being found.
        atoms = sorted((a for a in node if a != _END), key=lambda a: a.endswith(")?"))
        branches = [atom + emit(node[atom]) for atom in atoms]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if _END in node else body

    return emit(root)


def table_from_json(raw: str) -> LensTable:
    """Parse the table's JSON text and check that every source and set it names exists.

    A bare JSON list of entries (the table's first shape) is still accepted.
    """
    data = json.loads(raw)
    if isinstance(data, list):
        data = {"entries": data}
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError("language table must be a JSON object with a list of entries")
    entries = []
    for item in data["entries"]:
        if not isinstance(item, dict):
            raise ValueError(f"language table entry is not an object: {item!r}")
        entries.append(LensEntry.from_mapping(item))
    sources = data.get("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        raise ValueError("language table: sources must map a short key to a citation")
    for entry in entries:
        unknown = [key for key in entry.sources if key not in sources]
        if unknown:
            raise ValueError(f"language table: {entry.id!r} cites unknown sources {unknown}")
    sets = {
        name: _string_tuple(members, f"sets.{name}")
        for name, members in data.get("sets", {}).items()
    }
    for name, members in sets.items():
        if any(ch in member for member in members for ch in "(){}|"):
            raise ValueError(f"language table: set {name!r} may hold plain words only")
    leave_alone = []
    for k, group in enumerate(data.get("leave_alone", [])):
        phrases = _string_tuple(group.get("phrases"), f"leave_alone[{k}].phrases")
        why = group.get("why")
        if not isinstance(why, str) or not why.strip():
            raise ValueError(f"language table: leave_alone[{k}] needs a 'why'")
        leave_alone.append(LeaveAlone(phrases, why))
    return LensTable(tuple(entries), tuple(leave_alone), sets, sources)


def entries_from_json(raw: str) -> tuple[LensEntry, ...]:
    """Parse the table's JSON text, keeping only the entries."""
    return table_from_json(raw).entries


def load_table() -> LensTable:
    """Read the packaged table through importlib.resources so it works from a wheel too."""
    raw = resources.files(_DATA_PACKAGE).joinpath(_TABLE_FILE).read_text(encoding="utf-8")
    return table_from_json(raw)


def load_entries() -> tuple[LensEntry, ...]:
    """The packaged table's entries."""
    return load_table().entries


class LanguageLens:
    """Finds table phrases in free text, outside quotation marks, and explains each one."""

    def __init__(
        self,
        entries: Iterable[LensEntry | Mapping[str, Any]],
        *,
        leave_alone: Iterable[LeaveAlone] = (),
        sets: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """Compile every phrase into one regex, and index its written forms.

        The phrases are merged into a prefix tree first, so at each word start the regex
        engine checks a few dozen first letters instead of trying every phrase in turn;
        that keeps a 2,000-word note to about a millisecond. The shorthand stays folded
        inside the regex (a set is one alternation), which keeps building it quick; the
        spelled-out forms only go into a dictionary that says which entry a match
        belongs to, and that catches a form claimed by two entries.
        """
        self._entries: tuple[LensEntry, ...] = tuple(
            e if isinstance(e, LensEntry) else LensEntry.from_mapping(e) for e in entries
        )
        self._leave_alone = tuple(leave_alone)
        word_sets = {name: tuple(members) for name, members in (sets or {}).items()}
        self._forms: dict[str, tuple[str, ...]] = {}
        # key -> the entry it belongs to, or None for a phrase to leave alone
        self._by_key: dict[str, LensEntry | None] = {}
        self._phrases: list[tuple[list[str], LensEntry | None]] = []
        seen_ids: set[str] = set()
        for entry in self._entries:
            if entry.id in seen_ids:
                raise ValueError(f"language table: duplicate entry id {entry.id!r}")
            seen_ids.add(entry.id)
            forms = [f for phrase in entry.phrases for f in expand_phrase(phrase, word_sets)]
            self._forms[entry.id] = tuple(dict.fromkeys(forms))
            for form in forms:
                self._claim(form, entry, entry.id)
            self._phrases += [
                (path, entry) for p in entry.phrases for path in _phrase_paths(p, word_sets)
            ]
        for group in self._leave_alone:
            for phrase in group.phrases:
                for form in expand_phrase(phrase, word_sets):
                    self._claim(form, None, "leave alone")
                self._phrases += [(path, None) for path in _phrase_paths(phrase, word_sets)]
        # Flags and idioms get a regex each: at one word start a regex reports one match,
        # and an idiom must be found even where a flagged phrase starts at the same word.
        self._pattern = _compile([atoms for atoms, owner in self._phrases if owner is not None])
        self._quiet_pattern = _compile([atoms for atoms, owner in self._phrases if owner is None])

    def _claim(self, form: str, entry: LensEntry | None, owner: str) -> None:
        """Record which entry a written form belongs to; two owners is a table error."""
        key = _key(form)
        if key in self._by_key:
            earlier = self._by_key[key]
            if earlier is entry:
                return
            earlier_owner = earlier.id if earlier is not None else "leave alone"
            raise ValueError(
                f"language table: phrase {form!r} appears in both {earlier_owner!r} and {owner!r}"
            )
        self._by_key[key] = entry

    @classmethod
    def from_table(cls, table: LensTable) -> LanguageLens:
        """A lens for a whole table, idioms to leave alone and word sets included."""
        return cls(table.entries, leave_alone=table.leave_alone, sets=table.sets)

    @classmethod
    def default(cls) -> LanguageLens:
        """The lens built from the packaged table.

        Building compiles the whole table, so the plain class's lens is built once and
        shared (it is never changed after construction); subclasses get a fresh one.
        """
        if cls is LanguageLens:
            return _default_lens()
        return cls.from_table(load_table())

    @property
    def entries(self) -> tuple[LensEntry, ...]:
        """The table this lens was built from, for screens that list it."""
        return self._entries

    @property
    def leave_alone(self) -> tuple[LeaveAlone, ...]:
        """The idioms this lens deliberately leaves alone."""
        return self._leave_alone

    def forms(self, entry_id: str) -> tuple[str, ...]:
        """Every written form an entry's phrases stand for (lower-case, single-spaced)."""
        return self._forms[entry_id]

    def scan(self, text: str) -> list[LensHit]:
        """Every phrase worth a second look in ``text``, sorted by position.

        Hits never overlap, never fall inside quotation marks or on an idiom left alone,
        and always satisfy ``text[hit.start:hit.end] == hit.phrase``.
        """
        if self._pattern is None or not text:
            return []
        found = [match.span(1) for match in self._pattern.finditer(text)]
        if not found:
            return []

        candidates: list[tuple[int, int, LensEntry]] = []
        for start, end in found:
            owner = self._owner(text[start:end])
            if owner is not None:  # None only if a flag form is also an idiom: never
                candidates.append((start, end, owner))
        if self._quiet_pattern is not None and candidates:
            quiet = self._quiet_spans(text, candidates)
            quiet_starts = [s for s, _ in quiet]  # sorted: matches come in text order
            quiet_ends = list(itertools.accumulate((e for _, e in quiet), max))
            candidates = [
                c for c in candidates if not _overlaps_any(quiet_starts, quiet_ends, c[0], c[1])
            ]
        quoted = _quoted_spans(text) if candidates else []
        if quoted:
            quote_starts = [s for s, _ in quoted]
            quote_ends = [e for _, e in quoted]
            candidates = [
                c for c in candidates if not _overlaps(quote_starts, quote_ends, c[0], c[1])
            ]

        # Longest wins; on a tie the earlier one. Accepted spans are kept sorted and
        # disjoint, so one bisect finds the only neighbours that could clash.
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        kept: dict[int, tuple[int, LensEntry]] = {}
        kept_starts: list[int] = []
        kept_ends: list[int] = []
        for start, end, entry in candidates:
            if _overlaps(kept_starts, kept_ends, start, end):
                continue
            at = bisect.bisect_left(kept_starts, start)
            kept_starts.insert(at, start)
            kept_ends.insert(at, end)
            kept[start] = (end, entry)

        hits = []
        for start in kept_starts:
            end, entry = kept[start]
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

    def _quiet_spans(
        self, text: str, near: list[tuple[int, int, LensEntry]]
    ) -> list[tuple[int, int]]:
        """Idioms to leave alone, looked for only around the flagged candidates (an idiom
        is never longer than a line), so a long note with one flag stays quick."""
        assert self._quiet_pattern is not None
        spans: list[tuple[int, int]] = []
        searched_to = 0
        for start, end, _ in near:
            lo = max(searched_to, start - _IDIOM_REACH)
            hi = end + _IDIOM_REACH
            while hi < len(text) and not text[hi].isspace():
                hi += 1  # never cut a word in two: the cut would look like a word's end
            if lo < hi:
                spans += [m.span(1) for m in self._quiet_pattern.finditer(text, lo, hi)]
            searched_to = max(searched_to, hi)
        return sorted(set(spans))

    def _owner(self, written: str) -> LensEntry | None:
        """The entry a matched piece of text belongs to, or None for an idiom left alone.

        Normally a dictionary lookup. Case-insensitive matching follows Unicode case
        folding, which ``str.lower`` does not always mirror (the long s, the Kelvin sign),
        so fall back to matching each phrase in turn.
        """
        key = _key(written)
        if key in self._by_key:
            return self._by_key[key]
        for atoms, owner in self._phrases:
            if re.fullmatch("".join(atoms), written, re.IGNORECASE):
                return owner
        raise AssertionError(f"lens matched {written!r} but no phrase fits it")  # pragma: no cover


def _compile(paths: list[list[str]]) -> re.Pattern[str] | None:
    """One case-insensitive regex finding any of the paths as whole words, or None."""
    if not paths:
        return None
    trie = _trie_pattern(paths)
    # A zero-width lookahead yields a candidate at every word start, including ones that
    # overlap an earlier candidate, so the longest can win afterwards.
    return re.compile(rf"(?<!{_WORDISH})(?=({trie})(?!{_WORDISH}))", re.IGNORECASE)


@functools.cache
def _default_lens() -> LanguageLens:
    return LanguageLens.from_table(load_table())


def _overlaps_any(starts: list[int], running_max_ends: list[int], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any span, given spans sorted by start that may overlap
    each other (``running_max_ends[i]`` is the furthest end among the first i + 1)."""
    i = bisect.bisect_left(starts, end)
    return i > 0 and running_max_ends[i - 1] > start


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
