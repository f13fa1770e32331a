"""The language lens: what it flags, what it leaves alone, and that it stays quick.

The lens must never be noisy about the caller's own words (quotes), must not fire inside
other words, and must always point at the exact text written so the UI can underline it.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from importlib import resources

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from warmline.fiction import FictionGenerator
from warmline.language import (
    LanguageLens,
    LeaveAlone,
    LensEntry,
    LensHit,
    expand_phrase,
    load_entries,
    load_table,
    suggestion_text,
    table_from_json,
)

LENS = LanguageLens.default()
TABLE = load_table()
ENTRIES = load_entries()
FORMS = [(entry, LENS.forms(entry.id)) for entry in ENTRIES]


def ids(text: str) -> list[str]:
    return [hit.entry_id for hit in LENS.scan(text)]


def phrases(text: str) -> list[str]:
    return [hit.phrase for hit in LENS.scan(text)]


# --- the table -----------------------------------------------------------------------


def test_table_is_packaged_json_with_the_expected_shape() -> None:
    raw = resources.files("warmline.data").joinpath("language_table.json").read_text("utf-8")
    data = json.loads(raw)
    assert {"about", "sources", "sets", "entries", "leave_alone"} <= set(data)
    assert len(data["entries"]) >= 50
    for item in data["entries"]:
        assert set(item) == {"id", "phrases", "consider", "why", "sources"}
        assert item["why"].strip() and len(item["why"]) < 160
    for group in data["leave_alone"]:
        assert set(group) == {"phrases", "why"} and group["why"].strip()


def test_every_entry_cites_a_published_guide_or_says_it_is_ours() -> None:
    for entry in ENTRIES:
        assert entry.sources, entry.id
        assert set(entry.sources) <= set(TABLE.sources), entry.id
    cited = {key for entry in ENTRIES for key in entry.sources}
    assert set(TABLE.sources) == cited  # no citation left dangling
    # Recovery-language and disability-language guides both back the table.
    assert {"uofl", "mindframe", "nida", "gov_uk_disability", "ncdj"} <= cited


def test_table_covers_the_domain_doc_rows_and_the_wider_guides() -> None:
    entry_ids = {entry.id for entry in ENTRIES}
    for expected in (
        "attention_seeking",
        "refused",
        "suffers_from",
        "non_compliant",
        "frequent_flyer",
        "is_schizophrenic",
        "is_bipolar",
        "is_borderline",
        "clean",
        "dirty",
        "patient_client_consumer",
        "the_mentally_ill",
        "committed_suicide",
        "kicking_off",
        "lacks_insight",
        "believes_that",
        "slurs",
        "crazy",
        "mad",
        "clinical_framing",
        "caller_labels",
        "self_harm_labels",
        "alcoholic",
        "wheelchair_bound",
        "handicapped",
        "battling",
        "normal_people",
        "ocd_as_adjective",
    ):
        assert expected in entry_ids


def test_forms_are_lowercase_and_trimmed() -> None:
    for _, forms in FORMS:
        for form in forms:
            assert form == form.lower() == " ".join(form.split())


@pytest.mark.parametrize(("entry", "forms"), FORMS, ids=[e.id for e, _ in FORMS])
def test_every_written_form_is_flagged_with_its_alternatives(
    entry: LensEntry, forms: tuple[str, ...]
) -> None:
    for form in forms:
        text = f"Note: {form}."
        hits = LENS.scan(text)
        assert [(h.entry_id, h.phrase) for h in hits] == [(entry.id, form)], text
        hit = hits[0]
        assert text[hit.start : hit.end] == form
        assert hit.consider == entry.consider
        assert hit.why == entry.why


@pytest.mark.parametrize(("entry", "forms"), FORMS, ids=[e.id for e, _ in FORMS])
def test_every_written_form_is_left_alone_inside_quotes(
    entry: LensEntry, forms: tuple[str, ...]
) -> None:
    for form in forms:
        assert LENS.scan(f'Robin said "{form}" twice.') == []
        assert LENS.scan(f"Robin said “{form}” twice.") == []
        assert LENS.scan(f"Robin said ‘{form}’ twice.") == []


def test_idioms_left_alone_raise_nothing_on_their_own() -> None:
    for group in TABLE.leave_alone:
        for phrase in group.phrases:
            for form in expand_phrase(phrase, TABLE.sets):
                assert LENS.scan(f"Note: {form}.") == [], form


def test_suggestions_themselves_pass_the_lens() -> None:
    for entry in ENTRIES:
        for option in entry.consider:
            assert LENS.scan(option) == [], (entry.id, option)


def test_the_table_builds_quickly() -> None:
    """Built once per run, when the first note field opens; it must not be felt."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        LanguageLens.from_table(TABLE)
        best = min(best, time.perf_counter() - started)
    assert best < 1.0  # about 0.12 s on the development machine


# --- the shorthand ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "forms"),
    [
        ("nutter(s)", ["nutters", "nutter"]),
        ("refus(e|ed)", ["refuse", "refused"]),
        ("(a|) psycho", ["a psycho", "psycho"]),
        ("act(s|) out", ["acts out", "act out"]),
        ("{be} {so?} ocd", ["is so ocd", "is ocd", "was so ocd", "was ocd"]),
        ("Self-Harmer", ["self-harmer"]),
    ],
)
def test_shorthand_expands_to_written_forms(phrase: str, forms: list[str]) -> None:
    assert expand_phrase(phrase, {"be": ["is", "was"], "so": ["so"]}) == forms


@pytest.mark.parametrize("bad", ["{nope} mad", "mad (at", "(|)", "(a|(b|c))"])
def test_bad_shorthand_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        expand_phrase(bad, {})


def test_a_set_may_hold_plain_words_only() -> None:
    raw = json.dumps({"sets": {"be": ["(is|was)"]}, "entries": []})
    with pytest.raises(ValueError, match="plain words"):
        table_from_json(raw)


def test_an_entry_citing_an_unknown_source_is_rejected() -> None:
    entry = {"id": "e", "phrases": ["x"], "consider": ["y"], "why": "w", "sources": ["nope"]}
    with pytest.raises(ValueError, match="unknown sources"):
        table_from_json(json.dumps({"sources": {"a": "A"}, "entries": [entry]}))


def test_a_bare_list_of_entries_still_loads() -> None:
    entry = {"id": "e", "phrases": ["x"], "consider": ["y"], "why": "w"}
    assert [e.id for e in table_from_json(json.dumps([entry])).entries] == ["e"]


def test_sets_and_groups_match_inside_running_text() -> None:
    lens = LanguageLens(
        [LensEntry("e", ("{be} {so?} blue(s)",), ("x",), "why")],
        sets={"be": ["is", "she's"], "so": ["so", "a bit"]},
    )
    for text in ("she's blue", "She is a bit blue", "SHE’S SO BLUES", "it is\nso blue"):
        assert [h.entry_id for h in lens.scan(text)] == ["e"], text
    assert lens.scan("she's green") == []
    assert lens.scan("he was blue") == []


def test_a_leave_alone_phrase_silences_any_flag_it_overlaps() -> None:
    lens = LanguageLens(
        [LensEntry("mad", ("{be} mad", "mad"), ("x",), "why")],
        leave_alone=[LeaveAlone(("mad at", "mad (keen|busy)"), "anger and keenness")],
        sets={"be": ["is", "she's"]},
    )
    assert lens.scan("she's mad at him") == []
    assert lens.scan("She is mad keen on bowls") == []
    assert [h.phrase for h in lens.scan("she's mad, at times")] == ["she's mad"]
    assert [h.phrase for h in lens.scan("mad at him, and then mad")] == ["mad"]


def test_a_form_claimed_twice_is_rejected() -> None:
    with pytest.raises(ValueError, match="appears in both"):
        LanguageLens(
            [LensEntry("a", ("self-harmer",), ("x",), "w")],
            leave_alone=[LeaveAlone(("self harmer",), "w")],
        )


# --- matching rules --------------------------------------------------------------------


def test_case_insensitive_and_reports_text_as_written() -> None:
    hits = LENS.scan("She REFUSED. He Suffers From headaches.")
    assert [h.phrase for h in hits] == ["REFUSED", "Suffers From"]
    assert [h.entry_id for h in hits] == ["refused", "suffers_from"]


def test_whole_words_only() -> None:
    assert LENS.scan("The cleaner came, then a clean-up, and refusedly something.") == []
    assert LENS.scan("Impatient, clientele, unclean, consumerism, victimhood.") == []
    assert ids("He has been clean for a year.") == ["clean"]


def test_apostrophe_after_a_word_still_counts_as_a_boundary() -> None:
    assert phrases("the patient's notes and the client’s phone") == ["patient", "client"]


def test_multi_word_phrase_across_newline_and_runs_of_whitespace() -> None:
    text = "Robin suffers\nfrom headaches and is   a\n\tschizophrenic apparently."
    hits = LENS.scan(text)
    assert [h.entry_id for h in hits] == ["suffers_from", "is_schizophrenic"]
    assert hits[0].phrase == "suffers\nfrom"
    assert hits[1].phrase == "is   a\n\tschizophrenic"


def test_hits_are_sorted_by_start() -> None:
    hits = LENS.scan("psycho, nutter, relapse, denial, victim")
    starts = [h.start for h in hits]
    assert starts == sorted(starts)
    assert len(hits) == 5


def test_longest_match_wins_on_overlap() -> None:
    assert phrases("he is a schizophrenic") == ["is a schizophrenic"]
    assert phrases("talking about the mentally ill") == ["the mentally ill"]
    assert phrases("a failed suicide attempt") == ["failed suicide attempt"]


def test_longest_wins_even_when_a_shorter_match_starts_first() -> None:
    lens = LanguageLens(
        [
            LensEntry("short", ("big red",), ("x",), "why"),
            LensEntry("long", ("red bus stop",), ("y",), "why"),
        ]
    )
    hits = lens.scan("the big red bus stop")
    assert [(h.entry_id, h.phrase) for h in hits] == [("long", "red bus stop")]


def test_longer_phrase_that_fails_a_word_boundary_falls_back_to_shorter() -> None:
    lens = LanguageLens(
        [
            LensEntry("clean", ("clean",), ("x",), "why"),
            LensEntry("sober", ("clean and sober",), ("y",), "why"),
        ]
    )
    assert [h.entry_id for h in lens.scan("clean and soberly")] == ["clean"]
    assert [h.entry_id for h in lens.scan("clean and sober.")] == ["sober"]


def test_curly_apostrophe_in_a_phrase_matches_both_styles() -> None:
    lens = LanguageLens([LensEntry("e", ("he's bonkers",), ("x",), "why")])
    assert len(lens.scan("he's bonkers")) == 1
    assert len(lens.scan("he’s bonkers")) == 1


def test_empty_text_and_empty_lens() -> None:
    assert LENS.scan("") == []
    assert LanguageLens([]).scan("refused") == []


def test_entries_may_be_given_as_mappings() -> None:
    lens = LanguageLens(
        [{"id": "e", "phrases": ["refused"], "consider": ["declined"], "why": "because"}]
    )
    assert [h.entry_id for h in lens.scan("refused")] == ["e"]


@pytest.mark.parametrize(
    "bad",
    [
        {"phrases": ["a"], "consider": ["b"], "why": "c"},
        {"id": "x", "phrases": [], "consider": ["b"], "why": "c"},
        {"id": "x", "phrases": ["a"], "consider": [""], "why": "c"},
        {"id": "x", "phrases": ["a"], "consider": ["b"], "why": " "},
    ],
)
def test_malformed_entries_are_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        LanguageLens([bad])


def test_duplicate_phrases_or_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="appears in both"):
        LanguageLens(
            [LensEntry("a", ("refused",), ("x",), "w"), LensEntry("b", ("Refused",), ("y",), "w")]
        )
    with pytest.raises(ValueError, match="duplicate entry id"):
        LanguageLens([LensEntry("a", ("one",), ("x",), "w"), LensEntry("a", ("two",), ("y",), "w")])


def test_default_is_built_once() -> None:
    assert LanguageLens.default() is LanguageLens.default()


# --- quotes ----------------------------------------------------------------------------


def test_straight_and_curly_double_quotes_protect_the_callers_words() -> None:
    assert LENS.scan('Robin said "I was refused again" and laughed.') == []
    assert LENS.scan("Robin said “I was refused again” and laughed.") == []


def test_text_outside_the_quote_is_still_scanned() -> None:
    hits = LENS.scan('He refused. "I refused," he said. Then refused again.')
    assert [h.start for h in hits] == [3, 39]


def test_curly_single_quotes_with_an_apostrophe_inside() -> None:
    assert LENS.scan("She said ‘I don’t want to be a patient’ and hung up.") == []


def test_straight_single_quotes_only_at_word_edges() -> None:
    assert LENS.scan("They called it 'attention seeking' back then.") == []
    # Apostrophes are not quotes: the words between them are the worker's own.
    assert ids("Robin's sister isn't a patient, she's a friend.") == ["patient_client_consumer"]
    assert ids("The callers' phones: they refused calls. It's fine.") == ["refused"]


def test_unmatched_straight_single_quote_is_an_apostrophe() -> None:
    assert ids("Back in the '90s she was refused help.") == ["refused"]


def test_unclosed_quote_runs_to_the_end_of_its_paragraph_only() -> None:
    text = 'Robin said "I suffer from nerves\nand was refused\n\nLater: she refused a callback.'
    hits = LENS.scan(text)
    assert [h.phrase for h in hits] == ["refused"]
    assert hits[0].start == text.rindex("refused")


def test_quotes_never_cross_a_blank_line() -> None:
    text = '"first paragraph\n   \nrefused here" and more'
    assert ids(text) == ["refused"]


def test_phrase_straddling_a_quote_mark_is_not_flagged() -> None:
    assert LENS.scan('he suffers "from it all"') == []


# --- suggestion text -------------------------------------------------------------------


def test_suggestion_text_is_a_warm_sentence() -> None:
    hit = LENS.scan("He suffers from headaches.")[0]
    assert suggestion_text(hit) == (
        "Consider “is living with” or “is experiencing” instead of “suffers from”."
    )


def test_suggestion_text_single_and_many_options_and_folded_whitespace() -> None:
    one = LensHit(0, 1, "lacks\ninsight", "lacks_insight", ("sees it differently",), "w")
    assert suggestion_text(one) == "Consider “sees it differently” instead of “lacks insight”."
    three = LensHit(0, 1, "X", "e", ("a", "b", "c"), "w")
    assert suggestion_text(three) == "Consider “a”, “b” or “c” instead of “X”."


# --- speed -----------------------------------------------------------------------------


def test_scanning_five_kilobytes_is_quick() -> None:
    """A loose bound (ten times the target) so slow CI machines do not make this flaky."""
    chunk = (
        'Robin suffers from low mood and said "I refused the pills". She is not a '
        "frequent flyer, just lonely; the cleaner came round. We talked about ‘being a "
        "patient’ and what she wants more of.\n"
    )
    text = (chunk * (5000 // len(chunk) + 1))[:5000]
    LENS.scan(text)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        LENS.scan(text)
        best = min(best, time.perf_counter() - started)
    assert best < 0.05


def test_many_unmatched_apostrophes_stay_quick() -> None:
    """Every ' here could open a quote but none can close one: must not go quadratic."""
    text = ("'a " * 1700)[:4990] + " refused"
    started = time.perf_counter()
    hits = LENS.scan(text)
    assert time.perf_counter() - started < 0.1
    assert [h.phrase for h in hits] == ["refused"]


# --- properties ------------------------------------------------------------------------

_phrase_strategy = st.sampled_from([form for _, forms in FORMS for form in forms])
_noise = st.text(
    alphabet=st.sampled_from(list("abcdefg xyz-_.,;!?'’‘\"“”\n\t0123ABCÉé")), max_size=12
)
_mixed_text = st.lists(st.one_of(_phrase_strategy, _noise), max_size=20).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_mixed_text, st.text(max_size=300)))
def test_scan_never_raises_and_hits_are_sane(text: str) -> None:
    hits = LENS.scan(text)
    previous_end = 0
    for hit in hits:
        assert 0 <= previous_end <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.phrase
        assert hit.consider
        previous_end = hit.end


_quote_safe_noise = st.text(
    alphabet=st.sampled_from(list("abcdefg xyz-_.,;!?'’‘0123ABC\n")), max_size=12
)
_inside_quotes = st.lists(st.one_of(_phrase_strategy, _quote_safe_noise), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_inside_quotes, st.sampled_from([('"', '"'), ("“", "”")]))
def test_text_wrapped_in_double_quotes_never_produces_hits(
    inner: str, marks: tuple[str, str]
) -> None:
    assume(not re.search(r"\n[^\S\n]*\n", inner))
    opening, closing = marks
    assert LENS.scan(f"{opening}{inner}{closing}") == []
    # Also when surrounded by quote-free text: no hit may reach into the quote.
    text = f"He refused. {opening}{inner}{closing} and then refused"
    start = text.index(opening)
    end = text.rindex(closing) + 1
    hits = LENS.scan(text)
    assert all(hit.end <= start or hit.start >= end for hit in hits)
    assert len(hits) == 2


# --- sentences a peer note might hold ----------------------------------------------------
# Our own sentences, not the table's phrases: each should raise exactly the named entries.

SHOULD_FLAG: list[tuple[str, list[str]]] = [
    # slurs and insults
    ("Her brother called her a psycho again.", ["slurs"]),
    ("He said the psychos at the bus stop scared him.", ["slurs"]),
    ("The neighbours think he's a nutter.", ["slurs"]),
    ("Nutters, the lot of them, he kept saying.", ["slurs"]),
    ("She felt like a lunatic for crying in the shop.", ["slurs"]),
    ("He calls himself a bit schizo when he's tired.", ["slurs"]),
    ("Everyone in the flats calls him loony.", ["slurs"]),
    ("She has seemed unhinged since the move.", ["slurs"]),
    ("Her ex was a total psychopath, she thinks.", ["slurs"]),
    ("His landlord is insane.", ["slurs"]),
    ("He went mental when the letter came.", ["slurs"]),
    ("She's proper mental, her sister says.", ["slurs"]),
    ("He's nuts, according to his mum.", ["slurs"]),
    ("A real nut-job lives downstairs.", ["slurs"]),
    ("He called himself a basket case.", ["slurs"]),
    ("Her dad is stark raving mad.", ["slurs"]),
    ("The man shouting outside was deranged.", ["slurs"]),
    ("The crazy lady upstairs bangs on the floor.", ["crazy"]),
    ("He's crazy, she said.", ["crazy"]),
    ("She worries people will think she is crazy.", ["crazy"]),
    ("He felt like he was going crazy.", ["crazy"]),
    ("Her family think she's mad.", ["mad"]),
    ("He was worried he was going mad.", ["mad"]),
    ("The mad woman at the bus stop waved.", ["mad"]),
    ("Some madman drove into the bins.", ["mad"]),
    # clinical framing
    ("He was quite manic on the phone tonight.", ["clinical_framing"]),
    ("She's been symptomatic all week.", ["clinical_framing"]),
    ("I think he is decompensating.", ["clinical_framing"]),
    ("He decompensated after the move.", ["clinical_framing"]),
    ("She talked about her schizophrenic episodes.", ["clinical_framing"]),
    ("He had a nervous breakdown last year.", ["clinical_framing"]),
    ("She had an episode on Tuesday.", ["clinical_framing"]),
    ("Flat affect throughout the call.", ["clinical_framing"]),
    ("He's been very labile tonight.", ["clinical_framing"]),
    ("She seemed hypomanic.", ["clinical_framing"]),
    ("Talked about his psychotic episode in March.", ["clinical_framing"]),
    ("He has been hallucinating again.", ["unusual_experiences"]),
    ("She is delusional about the neighbours.", ["unusual_experiences"]),
    ("Reported suicidal ideation.", ["ideation"]),
    ("She was malingering, according to the doctor.", ["doubting_labels"]),
    # labels
    ("He's an alcoholic.", ["alcoholic"]),
    ("Her dad was an alcoholic and she worries about her own drinking.", ["alcoholic"]),
    ("The drunks outside the shop frighten her.", ["alcoholic"]),
    ("She describes herself as a self-harmer.", ["self_harm_labels"]),
    ("She was a self harmer as a teenager.", ["self_harm_labels"]),
    ("He's a cutter, his friend said.", ["self_harm_labels"]),
    ("Typical manipulator.", ["manipulative"]),
    ("She manipulates the staff to get a bed.", ["manipulative"]),
    ("He is a chronic caller.", ["caller_labels"]),
    ("Some volunteers see him as a time waster.", ["caller_labels"]),
    ("She's a time-waster, the last shift wrote.", ["caller_labels"]),
    ("Timewasters ring on Sundays.", ["caller_labels"]),
    ("Known frequent flyer.", ["frequent_flyer"]),
    ("She's very needy tonight.", ["needy"]),
    ("He's a junkie, his brother says.", ["addict"]),
    ("The crackheads by the station worry her.", ["addict"]),
    ("She volunteers with drug users.", ["addict"]),
    ("He is a recovering addict.", ["addict"]),
    ("He's been clean for two years.", ["clean"]),
    ("She stayed clean through Christmas.", ["clean"]),
    ("His test came back dirty.", ["dirty"]),
    ("He is a substance abuser.", ["substance_abuse"]),
    ("She abused alcohol for years.", ["substance_abuse"]),
    ("She relapsed last week.", ["relapse"]),
    ("He's in denial about his drinking.", ["denial"]),
    ("He committed suicide in 2019.", ["committed_suicide"]),
    ("She's just attention-seeking.", ["attention_seeking"]),
    ("He only wants attention.", ["attention_seeking"]),
    ("She has been non-compliant with her meds.", ["non_compliant"]),
    ("He is noncompliant.", ["non_compliant"]),
    ("He has treatment-resistant depression.", ["resistant"]),
    ("She is high functioning.", ["functioning"]),
    ("He's low-functioning, the social worker said.", ["functioning"]),
    ("The patient was upset about the ward.", ["patient_client_consumer"]),
    ("He refused to talk about it.", ["refused"]),
    ("He's a danger to himself.", ["dangerous"]),
    ("She thinks he's dangerous.", ["dangerous"]),
    ("He doesn't like the happy pills.", ["institution_slang"]),
    ("She spent a month in the loony bin.", ["institution_slang"]),
    ("Her shrink moved away.", ["institution_slang"]),
    ("He kicked off at the housing office.", ["kicking_off"]),
    ("Services for the mentally ill are stretched.", ["the_mentally_ill"]),
    # diagnosis used as an identity or an adjective
    ("She's so bipolar today.", ["is_bipolar"]),
    ("The weather has been so bipolar this week.", ["is_bipolar"]),
    ("She is bipolar.", ["is_bipolar"]),
    ("He is a bit OCD about the kitchen.", ["ocd_as_adjective"]),
    ("Robin says she's OCD about the dishes.", ["ocd_as_adjective"]),
    ("He was psychotic last spring.", ["is_psychotic"]),
    ("She is schizophrenic.", ["is_schizophrenic"]),
    ("A paranoid schizophrenic, the letter called him.", ["is_schizophrenic"]),
    ("He is borderline, apparently.", ["is_borderline"]),
    ("He's an epileptic.", ["diagnosis_as_identity"]),
    ("She had an epileptic fit at work.", ["diagnosis_as_identity"]),
    ("Anorexics get no help round here, she said.", ["diagnosis_as_identity"]),
    # disability language
    ("He's been wheelchair bound since the accident.", ["wheelchair_bound"]),
    ("She is confined to a wheelchair.", ["wheelchair_bound"]),
    ("He's bound to a wheelchair now.", ["wheelchair_bound"]),
    ("Her son is mentally handicapped.", ["handicapped"]),
    ("He's afflicted with arthritis.", ["suffers_from"]),
    ("She suffers with her nerves.", ["suffers_from"]),
    ("He has been battling depression for years.", ["battling"]),
    ("She lost her battle with cancer last spring.", ["battling"]),
    ("He battled with addiction.", ["battling"]),
    ("She is a victim of abuse.", ["victim_sufferer"]),
    ("Her brother is retarded, she said.", ["retarded"]),
    ("He's been a cripple since the fall.", ["cripple"]),
    ("The disabled get nothing from the council.", ["the_disabled"]),
    ("He's fit and able-bodied.", ["the_disabled"]),
    ("She just wants to be with normal people.", ["normal_people"]),
    ("Sane people don't do that, he said.", ["normal_people"]),
    # case, curly apostrophes, hyphen and space variants, line breaks
    ("She’s SO bipolar lately.", ["is_bipolar"]),
    ("HE IS A NUTTER.", ["slurs"]),
    ("She is a self‐harmer (with a Unicode hyphen).", ["self_harm_labels"]),
    ("He is wheelchair-\nbound.", ["wheelchair_bound"]),
    ("She is\nconfined to\na wheelchair.", ["wheelchair_bound"]),
    ("Two things: he's a nutter and he's been clean for a year.", ["slurs", "clean"]),
]

SHOULD_STAY_QUIET: list[str] = [
    # the issue's own examples
    "She cleaned the kitchen.",
    "He uses drugs sometimes.",
    "She is a regular caller.",
    "He's been clean-shaven since the summer.",
    "We had a crazy busy day at work.",
    # anger, keenness and hurry
    "She's mad at her brother.",
    "He gets mad about the bins.",
    "She is mad keen on gardening.",
    "The kids drive her mad.",
    "The noise upstairs is driving him crazy.",
    "She is crazy about her grandchildren.",
    "He worked like mad to finish the garden.",
    "We were mad busy on the phones.",
    # days, shifts and the world, not people
    "It's crazy how fast the week went.",
    "That's mad, she said, and laughed.",
    "Work was manic today.",
    "It was a manic shift.",
    "This is a crazy idea, but she wants to try the choir.",
    "It's been a mad week for her.",
    # conditions and services named plainly
    "She talked about her mental health.",
    "He is on the mental health ward.",
    "She has bipolar disorder.",
    "She is living with bipolar.",
    "He has a diagnosis of schizophrenia.",
    "She has OCD and finds mornings hard.",
    "The bipolar support group meets on Mondays.",
    "She goes to Alcoholics Anonymous on Tuesdays.",
    "Victim Support rang her back.",
    "She used the disabled toilet at the library.",
    "He is a wheelchair user.",
    "She uses a wheelchair and wants a ground-floor flat.",
    "He used to self-harm and wants to talk about it.",
    "She hears voices at night.",
    "He's been struggling with sleep.",
    "She said she has been depressed.",
    "He had a breakdown on the motorway and waited two hours.",
    "The car broke down again.",
    # patient, clean, refuse, and other everyday senses
    "He was patient with me.",
    "Please be patient with the new volunteers.",
    "She was very patient.",
    "He is a patient listener.",
    "She lost patience with the council.",
    "The refuse collection was late.",
    "She changed into clean clothes.",
    "He keeps the flat clean.",
    "The kitchen was clean.",
    "He wants a clean slate.",
    "She got clean sheets from the launderette.",
    "She's clean out of teabags.",
    "She's clean and tidy and proud of the flat.",
    "Her dirty dishes piled up.",
    "He ordered a non-alcoholic beer.",
    "We offered him a non-alcoholic drink.",
    "He got a pizza cutter for his birthday.",
    "He is battling the council over repairs.",
    "She has an episode of her favourite show saved.",
    "They watched the latest episode together.",
    # drinking, drugs and moods described plainly
    "She had a drink at the pub.",
    "He's been drinking more since the winter.",
    "She takes her medication most days.",
    "He feels anxious about the appointment.",
    "Her mood has been up and down.",
    "He sounded flat tonight.",
    "She said the day felt normal for once.",
    "He wants a normal life.",
    "Keeping busy keeps her sane.",
    # calls and the line
    "She's been a caller for years.",
    "The caller rang three times today.",
    "He calls often and we know him well.",
    "She is a frequent caller and likes the evening shift.",
    "He is a repeat caller on Sundays.",
    "She declined the offer of a callback.",
    "We offered the number of the crisis line.",
    "He is a regular at the café.",
    "She is disabled and her flat has no lift.",
    "Disabled people face long waits for repairs.",
    "He's deaf and uses BSL.",
    "She can be very particular about tidying.",
    "Manic Street Preachers were on the radio.",
    "The weather was mad yesterday.",
]


@pytest.mark.parametrize(("text", "expected"), SHOULD_FLAG, ids=[t for t, _ in SHOULD_FLAG])
def test_sentences_that_should_be_flagged(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize("text", SHOULD_STAY_QUIET)
def test_sentences_that_should_stay_quiet(text: str) -> None:
    assert phrases(text) == []


@pytest.mark.parametrize(
    ("text", "expected"), SHOULD_FLAG[:40], ids=[t for t, _ in SHOULD_FLAG[:40]]
)
def test_flagged_words_are_quiet_when_they_are_the_callers_own(
    text: str, expected: list[str]
) -> None:
    assert LENS.scan(f"In her words: “{text}”") == []


def test_ordinary_peer_writing_in_the_demo_notes_raises_nothing() -> None:
    """Precision: a thousand calls of fictional peer notes, written in everyday language
    by people who never saw this table's latest rows, must not draw a single flag."""
    now = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)
    gen = FictionGenerator(seed=23, now=now)
    callers = gen.callers(12)
    texts = [c.note_text() for c in gen.calls(1000, callers, 60)]
    texts += [c.notes for c in callers] + [c.agreement_notes for c in callers]
    assert sum(len(t.split()) for t in texts) > 50_000
    flagged = {t: phrases(t) for t in texts if LENS.scan(t)}
    assert flagged == {}


def test_a_two_thousand_word_note_scans_in_a_few_milliseconds() -> None:
    """The note editor rescans after each pause in typing. About 1.3 ms on the development
    machine; the bound is loose so a busy test machine does not make this flaky."""
    chunk = (
        "Robin rang after tea and said the week had been long. She suffers from bad nights "
        'and told me "I feel like a nutter some days". We had a crazy busy chat about the '
        "garden, her mental health and the bus that never comes; she is living with bipolar "
        "and wants to try the choir. He's been clean for a year, her brother says.\n"
    )
    words = chunk.split(" ")
    text = " ".join((words * (2000 // len(words) + 1))[:2000])
    assert len(LENS.scan(text)) > 20
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        LENS.scan(text)
        best = min(best, time.perf_counter() - started)
    assert best < 0.03


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She has been confined to bed for weeks.", ["wheelchair_bound"]),
        ("A nut case, he said of himself.", ["slurs"]),
        ("She has manic depression.", ["diagnosis_as_identity"]),
        ("He had a psychotic break in the spring.", ["clinical_framing"]),
        ("He's low functioning and high-functioning by turns.", ["functioning", "functioning"]),
    ],
)
def test_more_forms_from_the_guides(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize(
    "text", ["He left a drunk message at two.", "Her paranoid neighbour complained again."]
)
def test_more_everyday_sentences_stay_quiet(text: str) -> None:
    assert phrases(text) == []
