"""The fictional-data generator: reproducible, lens-clean, shaped like a real warmline.

Demos, screenshots and the storage benchmark all lean on this data, so the tests hold it to
what those uses need: the same seed gives the same line, every sentence passes the language
lens, conversation notes are about a kilobyte, evenings are busiest, regulars make up about
60% of calls within their agreements, and the demo vault opens with the shown passphrase.
"""

from __future__ import annotations

import json
import statistics
import string
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import pytest

from warmline import crypto, fiction, ips
from warmline.accounts import Role
from warmline.callers import Caller
from warmline.calls import Call, day_start
from warmline.errors import NotAllowed
from warmline.fiction import (
    DEMO_COORDINATOR,
    DEMO_LINE_NAME,
    DEMO_PASSPHRASE,
    DEMO_TEAM,
    FictionGenerator,
    create_demo_vault,
    populate_demo,
)
from warmline.language import LanguageLens
from warmline.session import Session
from warmline.shifts import Shift
from warmline.vault import Vault

# A fixed "now" in a zone east of UTC, so local hours and UTC hours differ.
LOCAL = timezone(timedelta(hours=2))
NOW = datetime(2026, 3, 14, 15, 30, tzinfo=LOCAL)
IDS = ("a-lead", "b-lead", "c-vol", "d-vol")
TEXT_FIELDS = (*Call.IPS_FIELDS, "resources_shared", "follow_up")


def note_length(call: Call) -> int:
    return sum(len(getattr(call, name)) for name in TEXT_FIELDS)


def local_hour(call: Call) -> int:
    assert call.started_at is not None
    return call.started_at.astimezone(LOCAL).hour


@pytest.fixture(scope="module")
def line() -> tuple[list[Caller], list[Shift], list[Call]]:
    """Three months of a fictional line: 12 regulars, every shift, 2,000 calls."""
    gen = FictionGenerator(seed=11, now=NOW)
    callers = gen.callers(12)
    shifts = gen.shifts(90, IDS[:2], IDS)
    calls = list(gen.calls(2000, callers, 90, IDS, shifts))
    return callers, shifts, calls


# --- determinism ----------------------------------------------------------------------------


def test_same_seed_same_line() -> None:
    a, b = FictionGenerator(seed=3, now=NOW), FictionGenerator(seed=3, now=NOW)
    assert a.callers(8) == b.callers(8)
    assert a.shifts(10, IDS[:2], IDS) == b.shifts(10, IDS[:2], IDS)
    callers = a.callers(8)
    shifts = a.shifts(10, IDS[:2], IDS)
    calls_a = list(a.calls(300, callers, 10, IDS, shifts))
    calls_b = list(b.calls(300, callers, 10, IDS, shifts))
    assert calls_a == calls_b
    assert a.handover(shifts[-1], calls_a[-5:], callers) == b.handover(
        shifts[-1], calls_b[-5:], callers
    )


def test_method_order_does_not_change_the_output() -> None:
    """Each method has its own random stream, so asking for shifts first changes nothing."""
    a, b = FictionGenerator(seed=3, now=NOW), FictionGenerator(seed=3, now=NOW)
    b.shifts(10, IDS[:2], IDS)
    list(b.calls(50, [], 10, IDS))
    assert a.callers(5) == b.callers(5)


def test_different_seed_different_line() -> None:
    a, b = FictionGenerator(seed=1, now=NOW), FictionGenerator(seed=2, now=NOW)
    assert [c.alias for c in a.callers(10)] != [c.alias for c in b.callers(10)]
    notes_a = [c.worldview for c in a.calls(50, [], 10)]
    notes_b = [c.worldview for c in b.calls(50, [], 10)]
    assert notes_a != notes_b


def test_now_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError):
        FictionGenerator(now=datetime(2026, 3, 14, 15, 30))


# --- the language lens ----------------------------------------------------------------------


def test_every_generated_text_passes_the_language_lens(
    line: tuple[list[Caller], list[Shift], list[Call]],
) -> None:
    lens = LanguageLens.default()
    callers, shifts, calls = line
    gen = FictionGenerator(seed=11, now=NOW)
    texts: list[str] = []
    for caller in [*callers, *gen.callers(40)]:
        texts += [caller.alias, caller.agreement_text(), caller.notes]
    texts += [s.notes for s in shifts]
    for call in calls[:600]:
        texts += [getattr(call, name) for name in TEXT_FIELDS]
    by_shift: defaultdict[str, list[Call]] = defaultdict(list)
    for call in calls:
        by_shift[call.shift_uuid or ""].append(call)
    for shift in shifts[-60:]:
        texts.append(gen.handover(shift, by_shift[shift.uuid], callers).text())
    flagged = {text: lens.scan(text) for text in texts if text}
    assert {t: [h.phrase for h in hits] for t, hits in flagged.items() if hits} == {}
    assert sum(1 for t in texts if "“" in t) > 50  # the callers' own words do appear


def test_every_sentence_template_passes_the_lens() -> None:
    """Check the raw material too, so a rare template cannot slip past the sample above."""
    lens = LanguageLens.default()
    pools = fiction.writing().all_sentences()
    assert len(pools) > 300
    assert [t for t in pools if lens.scan(t)] == []


# --- the material file ----------------------------------------------------------------------

SLOTS_ALWAYS_SET = {"N", "n", "p", "clock", "event", "want", "quote"}


def test_material_is_packaged_json_beside_the_language_table() -> None:
    raw = resources.files("warmline.data").joinpath("fiction.json").read_text("utf-8")
    data = json.loads(raw)
    assert {"aliases", "fillers", "templates", "topics"} <= set(data)
    material = fiction.writing()
    assert material is fiction.writing()  # read once
    assert set(ips.default_topics()) <= set(material.topics)
    assert all(bank.weight > 0 for bank in material.topics.values())
    assert set(material.clock_words) == {*range(10, 24), 0, 1}


def test_every_template_slot_can_be_filled() -> None:
    """A typo such as {smaltalk} in the data file would only fail on the rare call that
    draws that sentence; catch it here instead."""
    material = fiction.writing()
    known = SLOTS_ALWAYS_SET | set(material.fillers)
    used: set[str] = set()
    for text in material.all_sentences():
        used |= {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    assert used - known == set()
    assert {"smalltalk", "touchy", "N", "n", "p"} <= used


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("templates", "hang_up"), [], "hang_up must be a non-empty list"),
        (("templates", "hang_up"), ["ok", " "], "only non-empty strings"),
        (("fillers", "smalltalk"), "the rain", "fillers.smalltalk"),
        (("topics", "Money", "quotes"), [], "Money.quotes"),
    ],
)
def test_malformed_material_is_rejected(path: tuple[str, ...], value: object, message: str) -> None:
    raw = resources.files("warmline.data").joinpath("fiction.json").read_text("utf-8")
    data = json.loads(raw)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValueError, match=message):
        fiction.writing_from_json(json.dumps(data))


def test_missing_or_unknown_template_pool_is_rejected() -> None:
    raw = resources.files("warmline.data").joinpath("fiction.json").read_text("utf-8")
    data = json.loads(raw)
    data["templates"]["hang_ups"] = data["templates"].pop("hang_up")
    with pytest.raises(ValueError, match="hang_up"):
        fiction.writing_from_json(json.dumps(data))


# --- shape ----------------------------------------------------------------------------------


def test_conversation_notes_are_about_a_kilobyte(
    line: tuple[list[Caller], list[Shift], list[Call]],
) -> None:
    calls = line[2]
    conversations = [note_length(c) for c in calls if c.contact_kind == "conversation"]
    assert 850 <= statistics.mean(conversations) <= 1200
    assert min(conversations) >= 500 and max(conversations) <= 2000
    for kind in ("hang_up", "wrong_number", "silent"):
        short = [note_length(c) for c in calls if c.contact_kind == kind]
        assert short and max(short) < 250, kind
    # The four tasks are all written for a conversation, and notes differ from call to call.
    for call in calls:
        if call.contact_kind == "conversation":
            assert all(getattr(call, name) for name in Call.IPS_FIELDS)
    notes = [c.note_text() for c in calls if c.contact_kind == "conversation"]
    assert len(set(notes)) == len(notes)


def test_evenings_are_busiest(line: tuple[list[Caller], list[Shift], list[Call]]) -> None:
    hours = Counter(local_hour(c) for c in line[2])
    assert set(hours) <= {*range(10, 24), 0, 1}  # the demo line is open 10:00-02:00
    assert hours.most_common(1)[0][0] in (21, 22)
    peak = (hours[21] + hours[22]) / 2
    daytime = sum(hours[h] for h in range(10, 16)) / 6
    assert peak > 2.5 * daytime
    assert hours[0] + hours[1] > 0  # some late-night calls


def test_kinds_channels_durations_and_topics(
    line: tuple[list[Caller], list[Shift], list[Call]],
) -> None:
    calls = line[2]
    n = len(calls)
    kinds = Counter(c.contact_kind for c in calls)
    assert set(kinds) <= {k.id for k in ips.contact_kinds()}
    assert 0.6 <= kinds["conversation"] / n <= 0.8
    channels = Counter(c.channel for c in calls)
    assert set(channels) <= {k.id for k in ips.channels()}
    assert channels["phone"] / n > 0.7
    topics = set(ips.default_topics())
    assert all(set(c.topics) <= topics for c in calls)
    for call in calls:
        assert call.duration_s is not None
        if call.contact_kind in ("hang_up", "wrong_number"):
            assert call.duration_s <= 75
            assert call.topics == []
    minutes = [
        c.duration_s / 60 for c in calls if c.contact_kind == "conversation" and c.duration_s
    ]
    inside = sum(1 for m in minutes if 5 <= m <= 30) / len(minutes)
    assert inside > 0.75
    offered = sum(c.crisis_offered for c in calls) / n
    connected = sum(c.crisis_connected for c in calls) / n
    assert 0 < offered < 0.03 and connected <= offered
    assert all(c.crisis_offered for c in calls if c.crisis_connected)
    follow_ups = sum(c.has_follow_up for c in calls) / n
    assert 0.09 <= follow_ups <= 0.21
    assert 0 < sum(bool(c.resources_shared) for c in calls) / n < 0.2


def test_times_order_and_ids(line: tuple[list[Caller], list[Shift], list[Call]]) -> None:
    calls = line[2]
    starts = [c.started_at for c in calls]
    assert starts == sorted(starts)  # type: ignore[type-var]
    assert all(s is not None and NOW - timedelta(days=91) < s < NOW for s in starts)
    assert all(c.ended_at and c.ended_at <= NOW for c in calls)
    assert len({c.uuid for c in calls}) == len(calls)


def test_regulars_make_about_sixty_percent_and_keep_their_agreements() -> None:
    gen = FictionGenerator(seed=5, now=NOW)
    callers = gen.callers(12)
    calls = list(gen.calls(600, callers, 30, IDS))
    regular = [c for c in calls if c.caller_kind == "regular"]
    assert 0.5 <= len(regular) / len(calls) <= 0.7
    assert all(c.caller_uuid for c in regular)
    assert not any(c.caller_uuid for c in calls if c.caller_kind != "regular")
    # A few regulars make many of the calls, as on real lines.
    per_caller = Counter(c.caller_uuid for c in regular).most_common()
    assert per_caller[0][1] > 3 * per_caller[-1][1]
    caps = {c.uuid: c.calls_per_day for c in callers}
    per_day: Counter[tuple[str, datetime]] = Counter()
    for c in regular:
        assert c.caller_uuid and c.started_at
        per_day[c.caller_uuid, day_start(c.started_at.astimezone(LOCAL))] += 1
    for (caller_uuid, _day), count in per_day.items():
        cap = caps[caller_uuid]
        if cap:
            assert count <= cap  # the agreement resets at midnight


def test_regulars_have_chosen_aliases_and_agreements() -> None:
    callers = FictionGenerator(now=NOW).callers(45)  # more than the alias list
    aliases = [c.alias for c in callers]
    assert len(set(aliases)) == len(aliases)
    assert {"Robin", "Sparrow", "Mr Tuesday"} <= set(aliases)
    assert any(c.calls_per_day for c in callers)
    assert all(c.created_at and c.created_at < NOW for c in callers)
    with_cap = next(c for c in callers if c.calls_per_day and c.usual_minutes)
    assert with_cap.agreement_text().startswith("up to")


def test_calls_fall_in_their_shift_and_are_written_by_its_people(
    line: tuple[list[Caller], list[Shift], list[Call]],
) -> None:
    _, shifts, calls = line
    by_uuid = {s.uuid: s for s in shifts}
    assert sum(1 for c in calls if c.shift_uuid) > 0.95 * len(calls)
    for call in calls:
        if call.shift_uuid:
            shift = by_uuid[call.shift_uuid]
            assert shift.started_at and shift.ended_at and call.started_at
            assert shift.started_at <= call.started_at < shift.ended_at
            assert call.author_uuid in shift.members
        else:
            assert call.author_uuid in IDS


def test_shifts_are_four_hours_with_two_people_and_a_lead(
    line: tuple[list[Caller], list[Shift], list[Call]],
) -> None:
    shifts = line[1]
    assert len(shifts) >= 89 * 4
    for shift in shifts:
        assert shift.started_at and shift.ended_at
        assert shift.ended_at - shift.started_at == timedelta(hours=4)
        assert shift.ended_at <= NOW
        assert len(shift.members) == 2 and shift.lead_uuid == shift.members[0]
        assert shift.lead_uuid in IDS[:2]


def test_handover_names_regulars_and_follow_ups(
    line: tuple[list[Caller], list[Shift], list[Call]],
) -> None:
    callers, shifts, calls = line
    gen = FictionGenerator(seed=11, now=NOW)
    by_shift: defaultdict[str, list[Call]] = defaultdict(list)
    for call in calls:
        if call.shift_uuid:
            by_shift[call.shift_uuid].append(call)
    aliases = {c.uuid: c.alias for c in callers}
    busy = max(shifts, key=lambda s: len(by_shift[s.uuid]))
    taken = by_shift[busy.uuid]
    handover = gen.handover(busy, taken, callers)
    assert handover.shift_uuid == busy.uuid
    assert handover.author_uuid == busy.lead_uuid
    assert handover.created_at == busy.ended_at
    assert handover.how_it_was.startswith(f"{len(taken)} contacts")
    regulars_there = {aliases[c.caller_uuid] for c in taken if c.caller_uuid}
    assert any(alias in handover.callers_to_keep_in_mind for alias in regulars_there)
    for call in taken:
        if call.has_follow_up:
            assert call.follow_up in handover.follow_ups
    assert handover.team_and_phones
    empty = gen.handover(busy, [], callers)
    assert "no calls" in empty.how_it_was
    assert empty.follow_ups == "Nothing to follow up."


def test_fast_enough_for_the_benchmark() -> None:
    """The benchmark makes 100,000 calls; 20,000 here must take well under its budget."""
    gen = FictionGenerator(now=NOW)
    callers = gen.callers(30)
    start = time.perf_counter()
    count = sum(1 for _ in gen.calls(20_000, callers, 500, IDS))
    assert count == 20_000
    assert time.perf_counter() - start < 4.0


# --- writing a demo into a vault --------------------------------------------------------------


def test_populate_demo_fills_a_session(session: Session) -> None:
    summary = populate_demo(session, calls=300, days=14, now=NOW)
    assert summary.passphrase == DEMO_PASSPHRASE
    assert summary.calls == session.calls.count() == 300
    assert summary.callers == len(session.callers.all()) == 12
    names = {a.display_name for a in session.team.accounts()}
    assert {name for name, _ in DEMO_TEAM} <= names
    shifts = session.shifts.recent(1000)
    assert summary.shifts == len(shifts) >= 13 * 4
    handovers = session.handovers.recent(1000)
    assert summary.handovers == len(handovers) == len(shifts)
    # The newest two are left for the reminder; the rest have been read.
    unread = session.handovers.unacknowledged(limit=10)
    assert [h.uuid for h in unread] == [h.uuid for h in handovers[:2]]
    readers = {
        a.account_uuid for h in handovers[5:] for a in session.handovers.acknowledgements(h.uuid)
    }
    assert len(readers) >= 2  # the coordinator and at least one demo lead
    assert summary.acknowledgements > len(handovers)
    # Sealed and opened like any other record, and linked up.
    shift_ids = {s.uuid for s in shifts}
    caller_ids = {c.uuid for c in session.callers.all()}
    page = session.calls.page(0, 300)
    assert all(not c.damaged for c in page)
    assert all(c.shift_uuid is None or c.shift_uuid in shift_ids for c in page)
    assert all(c.caller_uuid is None or c.caller_uuid in caller_ids for c in page)
    assert any(c.contact_kind == "conversation" and len(c.worldview) > 100 for c in page)


def test_populate_demo_needs_a_coordinator(volunteer: Session) -> None:
    with pytest.raises(NotAllowed):
        populate_demo(volunteer, calls=10, days=2, now=NOW)


def test_create_demo_vault_opens_with_the_shown_passphrase(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    vault, session, passphrase = create_demo_vault(
        data_dir, kdf_factory=crypto.cheap_test_params, now=NOW
    )
    try:
        assert passphrase == DEMO_PASSPHRASE
        assert vault.line_name == DEMO_LINE_NAME
        assert "fictional" in vault.line_name
        assert session.account.display_name == DEMO_COORDINATOR
        assert session.is_coordinator
        assert session.calls.count() == 600
        newest = session.calls.page(0, 1)[0]
        assert newest.started_at and NOW - timedelta(days=2) < newest.started_at < NOW
    finally:
        vault.close()
    vault = Vault.open(data_dir, kdf_factory=crypto.cheap_test_params)
    try:
        accounts = vault.accounts()
        assert len(accounts) == 1 + len(DEMO_TEAM)
        for account in accounts:  # every demo account shares the shown passphrase
            unlocked = vault.unlock(account.uuid, passphrase)
            assert unlocked.calls.count() == 600
            unlocked.lock()
        roles = Counter(a.role for a in accounts)
        assert roles[Role.COORDINATOR] == 1 and roles[Role.SHIFT_LEAD] == 2
    finally:
        vault.close()


def test_create_demo_vault_cleans_up_when_filling_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "demo"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(fiction, "populate_demo", broken)
    with pytest.raises(RuntimeError):
        create_demo_vault(data_dir, kdf_factory=crypto.cheap_test_params, now=NOW)
    assert not Vault.exists(data_dir)
    monkeypatch.undo()
    vault, _, _ = create_demo_vault(
        data_dir, kdf_factory=crypto.cheap_test_params, calls=20, days=3, now=NOW
    )
    vault.close()
