"""The in-memory search index: words, prefixes, stop words, filters, ordering, keeping current.

The property test holds the index to a brute-force filter over the same calls, written
independently (regular expressions and plain loops), so the index's shortcuts (word codes and
signatures, the newest-first list, date slices) cannot drift from what a search means. It
shares only the list of stop words, which is a definition rather than a mechanism.
"""

from __future__ import annotations

import random
import re
import unicodedata
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warmline.callers import Caller
from warmline.calls import Call
from warmline.search import (
    STOP_WORDS,
    CallFilter,
    SearchIndex,
    _doc_from_row,
    _index_words,
    _new_codes,
    _spaced,
    _spaced_general,
    load_calls,
    query_terms,
    tokenize,
    too_common,
)
from warmline.session import Session
from warmline.timeutil import to_iso

T0 = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)


def built(session: Session) -> SearchIndex:
    index = SearchIndex()
    assert index.build(session, batch=3)
    return index


# -- tokenizing ------------------------------------------------------------------------------


def test_tokenize_folds_case_accents_and_punctuation() -> None:
    assert tokenize("Café, NAÏVE—naïve! Straße  x_y 42") == [
        "cafe",
        "naive",
        "naive",
        "strasse",
        "x",
        "y",
        "42",
    ]
    assert tokenize("ﬁne Ｆｕｌｌ") == ["fine", "full"]  # compatibility forms fold too
    assert tokenize("“Tea” — later…") == ["tea", "later"]  # the quick path for punctuation
    assert tokenize("cafe\u0301 ™") == ["cafe", "tm"]
    assert tokenize("") == []


_ASCII_PART = list("abcXYZ019 .,'-_\n")
_SEPARATOR_PART = list("“”‘’—–…«»\u00a0\u2009")
_OTHER_PART = list("éÉñßİﬁ™½\u0301\u0308ｆ한字")


@given(
    st.one_of(
        st.text(alphabet=st.sampled_from(_ASCII_PART + _SEPARATOR_PART), max_size=40),
        st.text(alphabet=st.sampled_from(_ASCII_PART + _SEPARATOR_PART + _OTHER_PART)),
    )
)
def test_fast_and_general_tokenizing_agree(text: str) -> None:
    """Separators-only non-ASCII text takes a shortcut; it must find the very same words.

    The index's own (bytes) tokenizer must find them too.
    """
    assert _spaced(text).split() == _spaced_general(text).split()
    assert _index_words(text) == [word.encode() for word in tokenize(text)]


def test_query_terms_treat_the_last_word_as_typed_so_far() -> None:
    assert query_terms("garden gro") == (("garden",), "gro")
    assert query_terms("garden gro ") == (("garden", "gro"), None)
    assert query_terms("Garden, garden.") == (("garden",), None)
    assert query_terms("  ") == ((), None)
    assert query_terms("é") == ((), "e")


def test_stop_words_leave_the_query_but_the_word_being_typed_stays() -> None:
    assert query_terms("The garden and a ") == (("garden",), None)
    assert query_terms("the garden a") == (("garden",), "a")  # "a" may become "allotment"
    assert query_terms("I'd") == ((), "d")
    assert too_common("the ") and too_common("The, and a.") and too_common("I'd ")
    assert not too_common("the")  # still being typed: "theatre"
    assert not too_common("the garden ") and not too_common("") and not too_common("  ")
    assert {"the", "and", "i", "a", "x"} <= STOP_WORDS
    assert STOP_WORDS.isdisjoint({"about", "can", "will", "us", "may", "sleep", "42"})


# -- searching a real vault --------------------------------------------------------------------


@pytest.fixture
def calls(session: Session) -> list[Call]:
    """Five calls a minute apart (newest last), with words, topics and a regular caller."""
    robin = session.callers.add(Caller(alias="Robin"))
    session.callers.add(Caller(alias="Bea"))
    shift = session.shifts.start()
    texts = [
        ("We talked about the garden group", ["Loneliness"], None),
        ("Robin wants to try the choir again", ["Sleep"], robin.uuid),
        ("Quiet call, mostly about sleep and tea", ["Sleep", "Work"], robin.uuid),
        ("Gardening helps; café on Tuesdays", [], None),
        ("Talked about money worries", ["Money"], None),
    ]
    out = []
    for i, (text, topics, caller) in enumerate(texts):
        out.append(
            session.calls.add(
                Call(
                    started_at=T0 + timedelta(minutes=i),
                    connection=text,
                    topics=topics,
                    caller_uuid=caller,
                    caller_kind="regular" if caller else "anonymous",
                    shift_uuid=shift.uuid if i % 2 else None,
                    follow_up="Ring back after nine" if i == 1 else "",
                )
            )
        )
    return out


def test_build_finds_a_call_by_a_word_in_its_notes_only(
    session: Session, calls: list[Call]
) -> None:
    index = built(session)
    assert index.ready and len(index) == 5
    assert index.search("choir").uuids == [calls[1].uuid]
    assert index.search("choir garden").total == 0  # every word must match
    assert index.search("CAFE").uuids == [calls[3].uuid]  # case and accents folded
    assert index.search("nothing-like-this").total == 0


def test_prefix_on_the_last_word_and_newest_first(session: Session, calls: list[Call]) -> None:
    index = built(session)
    assert index.search("gard").uuids == [calls[3].uuid, calls[0].uuid]
    assert index.search("gard ").total == 0  # a finished word matches whole words only
    assert index.search("talked abo").uuids == [calls[4].uuid, calls[0].uuid]
    assert index.search("sleep").uuids == [calls[2].uuid, calls[1].uuid]  # topics count too


def test_paging_with_limit_and_offset(session: Session, calls: list[Call]) -> None:
    index = built(session)
    everything = index.search("", limit=None)
    assert everything.total == 5
    assert everything.uuids == [c.uuid for c in reversed(calls)]
    page = index.search("", limit=2, offset=2)
    assert page.total == 5 and page.uuids == everything.uuids[2:4]


def test_filters_combine_with_search(session: Session, calls: list[Call]) -> None:
    index = built(session)
    robin = calls[1].caller_uuid
    assert index.search("", caller=robin).uuids == [calls[2].uuid, calls[1].uuid]
    assert index.search("choir", caller=robin).uuids == [calls[1].uuid]
    assert index.search("", alias_text="rob").uuids == [calls[2].uuid, calls[1].uuid]
    assert index.search("", alias_text="bea").total == 0  # Bea has no calls
    assert index.search("", alias_text="nobody").total == 0
    assert index.search("", topic="sleep").total == 2
    assert index.search("", topic="SLEEP", caller=robin, shift=calls[1].shift_uuid).uuids == [
        calls[1].uuid
    ]
    assert index.search("", author=session.account.uuid).total == 5
    assert index.search("", author="someone else").total == 0
    window = index.search(
        "", start=T0 + timedelta(minutes=1), end=T0 + timedelta(minutes=3), limit=None
    )
    assert window.uuids == [calls[2].uuid, calls[1].uuid]  # start inclusive, end exclusive
    assert index.search("about", start=T0 + timedelta(minutes=1)).uuids == [
        calls[4].uuid,
        calls[2].uuid,
    ]
    assert index.search_filter(CallFilter(text="robin", topic="Sleep")).uuids == [calls[1].uuid]


def test_stop_words_are_not_searchable_and_say_so(session: Session, calls: list[Call]) -> None:
    index = built(session)
    common = index.search("the ")
    assert common.total == 0 and common.uuids == [] and common.too_common
    assert index.search("The, and... ").too_common
    assert index.search("the ", topic="sleep").too_common  # filters do not rescue it
    assert index.search("the garden ").uuids == [calls[0].uuid]  # "the" is simply dropped
    assert not index.search("the garden ").too_common
    assert index.search("garden group a").uuids == [calls[0].uuid]  # "a" is a word being typed
    assert index.search("choir a ").uuids == [calls[1].uuid]
    assert index.search("the").total == 0 and not index.search("the").too_common
    assert index.search("nothing-like-this ").too_common is False


def test_open_rows_gives_columns_as_stored_and_bodies(session: Session, calls: list[Call]) -> None:
    rows = list(session.calls.open_rows("uuid = ?", [calls[2].uuid], limit=1))
    assert len(rows) == 1
    clear, body = rows[0]
    assert clear["uuid"] == calls[2].uuid and clear["revision"] == 1
    assert clear["day"] == calls[2].day and clear["started_at"] is None  # sealed now
    assert "body" not in clear
    assert body is not None and body["connection"] == calls[2].connection
    assert body["started_at"] == to_iso(calls[2].started_at)  # ISO text, not a datetime
    assert body["caller_uuid"] == calls[2].caller_uuid
    assert body["topics"] == ["Sleep", "Work"]
    days = [c["day"] for c, _ in session.calls.open_rows()]
    assert days == sorted(days, reverse=True) and len(days) == len(calls)
    db = session._ctx.db
    other = next(db.query("select body from calls where uuid = ?", [calls[1].uuid]))["body"]
    db.execute("update calls set body = ? where uuid = ?", [other, calls[0].uuid])
    damaged = list(session.calls.open_rows("uuid = ?", [calls[0].uuid]))
    assert [(c["uuid"], body) for c, body in damaged] == [(calls[0].uuid, None)]


def test_the_build_reads_what_a_saved_call_gives(session: Session, calls: list[Call]) -> None:
    """The build's light reader and the path for saved calls must index a call the same way."""
    index = SearchIndex()
    for row in session.calls.open_rows():
        clear, _body = row
        call = session.calls.get(clear["uuid"])
        light, full = _doc_from_row(row), index._row_of(call)
        assert light[:7] == full[:7]
        assert list(light[7]) == list(full[7]) and light[8:10] == full[8:10]
        assert tokenize(light[10]) == tokenize(full[10])


def test_words_past_the_last_code_are_left_out(session: Session, calls: list[Call]) -> None:
    index = SearchIndex()
    index._data.codes = _new_codes(range(1, 4))  # room for three words only
    for call in calls:
        index.add_or_update(call)
    assert index.search("talked about the garden ").uuids == [calls[0].uuid]
    assert index.search("group ").total == 0  # the fourth word met had no code left
    assert index._data.vocabulary == ["about", "garden", "talked"]


def test_facts_kept_in_clear(session: Session, calls: list[Call]) -> None:
    index = built(session)
    facts = index.facts(calls[1].uuid)
    assert facts is not None
    assert facts.started_at == calls[1].started_at
    assert facts.caller_uuid == calls[1].caller_uuid
    assert facts.topics == ("sleep",)
    assert facts.follow_up and not facts.damaged
    assert index.alias(facts.caller_uuid) == "Robin"
    assert index.facts("not a call") is None


def test_add_or_update_keeps_the_index_current(session: Session, calls: list[Call]) -> None:
    index = built(session)
    edited = session.calls.get(calls[0].uuid)
    edited.connection = "We talked about the allotment"
    edited = session.calls.update(edited)
    index.add_or_update(edited)
    assert index.search("allotment").uuids == [edited.uuid]
    assert index.search("garden ").total == 0
    index.add_or_update(calls[0])  # an older revision arriving late changes nothing
    assert index.search("allotment").uuids == [edited.uuid]
    new = session.calls.add(Call(started_at=T0 + timedelta(hours=1), connection="kites"))
    index.add_or_update(new)
    assert index.search("", limit=1).uuids == [new.uuid]
    index.remove(new.uuid)
    assert index.search("kites").total == 0 and len(index) == 5
    index.remove("never indexed")


def test_saves_through_the_session_reach_its_view_at_once(
    session: Session, calls: list[Call]
) -> None:
    view = session.view
    assert view.build(session, batch=3)
    edited = session.calls.get(calls[4].uuid)
    edited.connection = "Talked about the allotment"
    session.calls.update(edited)
    added = session.calls.add(Call(started_at=T0 - timedelta(days=1), connection="kites"))
    session.calls.delete(calls[3].uuid)
    assert view.search("allotment").uuids == [calls[4].uuid]
    assert view.search("kites").uuids == [added.uuid]
    assert len(view) == 5
    assert view.refresh(session) == 0  # nothing another program did


def test_refresh_picks_up_another_programs_saves_and_deletions(
    session: Session, calls: list[Call]
) -> None:
    """Another connection to the file (a second copy of the app, a tool) saves and deletes;
    the view notices through SQLite's data_version and opens only what changed."""
    import dataclasses
    import sqlite3

    from sqlite_utils import Database

    from warmline.calls import CallRepository

    index = session.view
    assert index.build(session, batch=3)
    other = Database(sqlite3.connect(session._ctx.path))
    elsewhere = CallRepository(dataclasses.replace(session._ctx, db=other, on_change=None))
    edited = elsewhere.get(calls[4].uuid)
    edited.connection = "Talked about the allotment"
    elsewhere.update(edited)
    added = elsewhere.add(Call(started_at=T0 - timedelta(days=1), connection="kites"))
    elsewhere.delete(calls[3].uuid)
    other.conn.close()
    assert index.search("allotment").total == 0  # not yet seen
    assert index.refresh(session) == 3  # one edit, one new call, one deletion
    assert index.refresh(session) == 0  # nothing new since
    assert index.search("allotment").uuids == [calls[4].uuid]
    assert index.search("kites").uuids == [added.uuid]
    assert index.search("cafe").total == 0
    assert len(index) == 5


def test_damaged_row_is_indexed_by_its_clear_facts(session: Session, calls: list[Call]) -> None:
    db = session._ctx.db
    other = next(db.query("select body from calls where uuid = ?", [calls[1].uuid]))["body"]
    db.execute("update calls set body = ? where uuid = ?", [other, calls[0].uuid])
    index = built(session)
    assert len(index) == 5
    facts = index.facts(calls[0].uuid)
    assert facts is not None and facts.damaged
    assert index.search("group").total == 0
    # Its exact time is sealed in the body that failed: it is listed at the start of its day.
    day_start = T0.replace(hour=0, minute=0)
    assert calls[0].uuid in index.search("", start=day_start, limit=None).uuids
    assert calls[0].uuid not in index.search("", start=T0, limit=None).uuids
    loaded = load_calls(session, [calls[0].uuid, calls[2].uuid])
    assert [c.damaged for c in loaded] == [True, False]


def test_clear_drops_everything_and_allows_a_rebuild(session: Session, calls: list[Call]) -> None:
    index = built(session)
    index.clear()
    assert not index.ready and len(index) == 0
    assert index.search("choir").total == 0
    assert index.memory_estimate() < 10_000
    assert index.alias(calls[1].caller_uuid) == ""
    index.build(session)
    assert index.search("choir").uuids == [calls[1].uuid]


def test_build_reports_progress_and_can_stop(session: Session, calls: list[Call]) -> None:
    seen: list[tuple[int, int]] = []
    index = SearchIndex()
    assert index.build(session, progress=lambda d, t: seen.append((d, t)), batch=2)
    assert seen[-1] == (5, 5) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    stopped = SearchIndex()
    assert not stopped.build(session, should_stop=lambda: True)
    assert not stopped.ready


def test_saves_during_a_stepwise_build_are_not_lost(session: Session, calls: list[Call]) -> None:
    index = session.view
    assert index.begin_build(session) == (0, 5)
    assert index.build_step(session, 2)
    assert index.progress() == (2, 5)
    # An older call is edited before the build reaches it, a new one arrives behind it.
    edited = session.calls.get(calls[0].uuid)
    edited.connection = "allotment"
    edited = session.calls.update(edited)  # the session's view takes both saves at once
    new = session.calls.add(Call(started_at=T0 + timedelta(days=1), connection="kites"))
    while index.build_step(session, 2):
        pass
    assert index.ready and len(index) == 6
    assert index.search("allotment").uuids == [edited.uuid]
    assert index.search("garden ").total == 0
    assert index.search("kites").uuids == [new.uuid]
    assert index.search("", limit=None).total == 6


def test_load_calls_keeps_the_order_asked_for(session: Session, calls: list[Call]) -> None:
    wanted = [calls[3].uuid, "missing", calls[0].uuid]
    assert [c.uuid for c in load_calls(session, wanted)] == [calls[3].uuid, calls[0].uuid]
    assert load_calls(session, []) == []


# -- the property: the index agrees with brute force ----------------------------------------------

WORDS = ["garden", "gardening", "Choir", "café", "CAFE", "tea", "teal", "Straße", "naïve", "42"]
STOPS = ["the", "The", "them", "a", "I'd", "and"]  # stop words, some prefixes of other words
AUTHORS = ["author-a", "author-b"]
SHIFTS = [None, "shift-1", "shift-2"]
CALLERS = {None: "", "caller-r": "Robin", "caller-b": "Bea", "caller-x": "Rob Bea"}
TOPICS = ["Sleep", "sleep", "Money", "Grief and loss"]
TIMES = [T0 + timedelta(minutes=m) for m in (0, 0, 5, 30, 90)]  # repeats force ties on time


def _only_stop_words(query: str) -> bool:
    """A query whose finished words are all stop words (and no word is being typed)."""
    words = re.findall(r"[^\W_]+", _fold(query))
    typing = bool(words) and re.search(r"[^\W_]$", _fold(query)) is not None
    return bool(words) and not typing and all(w in STOP_WORDS for w in words)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", _fold(text)))


def brute_force(calls: dict[str, Call], query: str, f: CallFilter) -> list[str]:
    """What a search means, spelled out the slow way."""
    words = re.findall(r"[^\W_]+", _fold(query))
    prefix = None
    if words and re.search(r"[^\W_]$", _fold(query)):
        prefix = words.pop()
    if _only_stop_words(query):
        return []
    words = [w for w in words if w not in STOP_WORDS]  # stop words are not searched for
    out = []
    for call in calls.values():
        # Stop words are not indexed, so a word being typed cannot complete to one.
        have = set() if call.damaged else _words(call.note_text()) - STOP_WORDS
        if not all(w in have for w in words):
            continue
        if prefix is not None and not any(w.startswith(prefix) for w in have):
            continue
        assert call.started_at is not None
        if f.start is not None and call.started_at < f.start:
            continue
        if f.end is not None and call.started_at >= f.end:
            continue
        if f.author and call.author_uuid != f.author:
            continue
        if f.shift and call.shift_uuid != f.shift:
            continue
        if f.caller and call.caller_uuid != f.caller:
            continue
        if f.alias_text and f.alias_text.strip():
            alias = CALLERS.get(call.caller_uuid, "")
            if not alias or f.alias_text.strip().casefold() not in alias.casefold():
                continue
        topic = _words_list(f.topic or "")
        if topic and not any(_words_list(t) == topic for t in call.topics):
            continue
        out.append(call)
    out.sort(key=lambda c: c.uuid)
    out.sort(key=lambda c: c.started_at or T0, reverse=True)
    return [c.uuid for c in out]


def _words_list(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", _fold(text))


texts = st.lists(st.sampled_from([*WORDS, *STOPS, "theatre", "!", ",", "—", " "]), max_size=8).map(
    " ".join
)


def _call(
    uid: uuidlib.UUID,
    revision: int,
    text: str,
    when: datetime,
    author: str,
    shift: str | None,
    caller: str | None,
    topics: list[str],
    follow_up: str,
    damaged: bool,
) -> Call:
    """A call as the index may meet it; a damaged one has only its clear fields."""
    call = Call(
        uuid=str(uid),
        revision=revision,
        started_at=when,
        author_uuid=author,
        shift_uuid=shift,
        caller_uuid=caller,
    )
    if damaged:
        return replace(call, damaged=True)
    return replace(call, connection=text, topics=topics, follow_up=follow_up)


call_strategy = st.builds(
    _call,
    st.uuids(),
    st.integers(1, 3),
    texts,
    st.sampled_from(TIMES),
    st.sampled_from(AUTHORS),
    st.sampled_from(SHIFTS),
    st.sampled_from(list(CALLERS)),
    st.lists(st.sampled_from(TOPICS), max_size=2),
    st.sampled_from(["", "ring back"]),
    st.sampled_from([False, False, False, True]),
)

query_strategy = st.builds(
    lambda words, cut, space: " ".join(words)[: len(" ".join(words)) - cut] + space,
    st.lists(st.sampled_from([*WORDS, *STOPS, "gar", "te", "zzz", "C"]), max_size=2),
    st.integers(0, 2),
    st.sampled_from(["", " "]),
)


def sometimes(values: Sequence[object]) -> st.SearchStrategy[object]:
    """Mostly no filter, so that many searches still match several calls."""
    return st.one_of(st.none(), st.none(), st.none(), st.sampled_from(values))


filter_strategy = st.builds(
    CallFilter,
    text=st.just(""),
    start=sometimes(TIMES),
    end=sometimes(TIMES),
    author=sometimes(AUTHORS),
    shift=sometimes(["shift-1", "shift-2"]),
    caller=sometimes(["caller-r", "caller-b", "caller-x"]),
    alias_text=sometimes(["rob", "BEA", "x", " "]),
    topic=sometimes(["sleep", "SLEEP", "grief and loss", "money"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(call_strategy, max_size=25, unique_by=lambda c: c.uuid),
    st.lists(st.tuples(st.integers(0, 24), texts), max_size=4),
    st.lists(st.integers(0, 24), max_size=3),
    st.lists(st.tuples(query_strategy, filter_strategy), min_size=1, max_size=5),
    st.sampled_from([0, 16, 10**9]),
)
def test_search_equals_brute_force(
    added: list[Call],
    edits: list[tuple[int, str]],
    removals: list[int],
    searches: list[tuple[str, CallFilter]],
    sparse_ratio: int,
) -> None:
    index = SearchIndex()
    index.sparse_ratio = sparse_ratio  # 0: always walk the ordered list; 10**9: always sort
    index.set_aliases({k: v for k, v in CALLERS.items() if k})
    truth: dict[str, Call] = {}
    for call in added:
        index.add_or_update(call)
        truth[call.uuid] = call
    for position, text in edits:
        if added:
            old = truth.get(added[position % len(added)].uuid)
            if old is not None:
                new = replace(old, revision=old.revision + 1, worldview=text, damaged=False)
                index.add_or_update(new)
                truth[new.uuid] = new
    for position in removals:
        if added:
            gone = added[position % len(added)].uuid
            index.remove(gone)
            truth.pop(gone, None)
    assert len(index) == len(truth)
    for query, f in searches:
        f = replace(f, text=query)
        expected = brute_force(truth, query, f)
        result = index.search_filter(f, limit=None)
        assert result.uuids == expected
        assert result.total == len(expected)
        assert result.too_common == _only_stop_words(query)
        page = index.search_filter(f, limit=2, offset=1)
        assert page.uuids == expected[1:3] and page.total == len(expected)


def test_prefixes_over_hundreds_of_words_equal_brute_force() -> None:
    """Enough words that codes take every ASCII character, regex specials ("]", "-", "\\")
    included, and a word being typed expands to hundreds of them."""
    rng = random.Random(5)
    words = [f"w{n:03d}" for n in range(300)]
    index = SearchIndex()
    truth: dict[str, Call] = {}
    for i in range(80):
        call = Call(
            uuid=str(uuidlib.UUID(int=i + 1)),
            revision=1,
            started_at=T0 + timedelta(minutes=i % 7),
            author_uuid="author-a",
            connection=" ".join(rng.sample(words, 6)),
        )
        index.add_or_update(call)
        truth[call.uuid] = call
    assert len(index._data.vocabulary) > 200
    for query in ["w", "w0", "w1", "w09", "w29", "w000", "w123 w2", "w045 ", "w3", "w04 "]:
        expected = brute_force(truth, query, CallFilter())
        assert index.search(query, limit=None).uuids == expected, query


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(call_strategy, min_size=1, max_size=12, unique_by=lambda c: c.uuid))
def test_built_index_equals_brute_force(session: Session, added: list[Call]) -> None:
    """The same property through a real build: rows read in batches and opened from disk."""
    session._ctx.db.execute("delete from calls")
    stored = {}
    for call in added:
        saved = session.calls.add(replace(call, uuid=str(uuidlib.uuid4()), damaged=False))
        stored[saved.uuid] = saved
    index = SearchIndex()
    index.build(session, batch=5)
    for query in ["", "gar", "cafe", "tea ", "straße naive", "the", "the ", "the tea a"]:
        assert index.search(query, limit=None).uuids == brute_force(stored, query, CallFilter())
