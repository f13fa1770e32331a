"""Realistic, clearly fictional warmline data for demos, screenshots and benchmarks.

Why this exists: nobody may ever put real callers' words into a demo, a screenshot or a
benchmark, yet an empty app says nothing about how it feels to use and a benchmark on
tiny notes says nothing about the real cost of sealing. So this module invents a line:
regular callers with aliases they "chose", a day shaped like a warmline's day (quiet
mornings, a peak late in the evening), notes framed by the four IPS tasks in peer,
everyday language, shifts of two with a lead, and handovers between them.

Everything is deterministic from a seed: the same seed and the same ``now`` give the same
callers, calls, shifts and handovers, down to the UUIDs, so screenshots and benchmark runs
can be repeated. Every method draws from its own random stream (seeded from the seed and
the method's arguments), so the order in which methods are called does not matter.

The invented text is built from many small sentence templates (kept as prose in
``warmline/data/fiction.json``; this module only strings them together) so notes differ
from call to call, and every template is written to pass the language lens; a test holds the
generated text to that over hundreds of calls. Caller words appear in quotation marks, as
peer notes should record them. Anything this module stores is marked as fictional where a
person will see it: the demo line is called "Demo line (fictional)" and demo accounts end
in "(demo)".

The generator is pure and fast (no database work): :meth:`FictionGenerator.calls` yields
100,000 calls with notes of about a kilobyte in a few seconds. :func:`populate_demo` and
:func:`create_demo_vault` are the only parts that write, and they go through the ordinary
repositories, so demo data is sealed exactly like real data.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import json
import random
import uuid as uuidlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TypeVar

from warmline import ips
from warmline.accounts import Account, Role
from warmline.callers import Caller
from warmline.calls import Call, CallerKind
from warmline.debriefs import Debrief
from warmline.errors import WarmlineError
from warmline.handovers import Handover
from warmline.session import Session
from warmline.shifts import Shift
from warmline.vault import KdfFactory, Vault

__all__ = [
    "DEMO_COORDINATOR",
    "DEMO_LINE_NAME",
    "DEMO_PASSPHRASE",
    "DEMO_TEAM",
    "DemoSummary",
    "FictionGenerator",
    "create_demo_vault",
    "populate_demo",
]

DEMO_LINE_NAME = "Demo line (fictional)"
DEMO_COORDINATOR = "Demo Coordinator"
# Shown on screen on purpose: the demo holds no real data, and a demo nobody can open is
# no demo. Every demo account shares it, which would be wrong anywhere but here.
DEMO_PASSPHRASE = "demo warmline passphrase"
DEMO_TEAM: tuple[tuple[str, Role], ...] = (
    ("Ash (demo)", Role.SHIFT_LEAD),
    ("Bea (demo)", Role.SHIFT_LEAD),
    ("Cal (demo)", Role.VOLUNTEER),
    ("Dee (demo)", Role.VOLUNTEER),
    ("Eli (demo)", Role.VOLUNTEER),
)

# The demo line is open from 10:00 to 02:00 local time: four 4-hour shifts of two people.
OPENS_AT_HOUR = 10
OPEN_HOURS = 16
SHIFT_HOURS = 4
# Relative call volume for each open hour, from 10:00 to 01:00: quiet in the day, rising
# through the evening, busiest 21:00-23:00, tailing off after midnight.
HOUR_WEIGHTS: tuple[float, ...] = (
    2.0, 2.2, 2.5, 2.5, 2.8, 3.0, 3.4, 4.0,  # 10:00 .. 17:00
    5.0, 6.0, 7.2, 9.5, 10.0, 7.5, 5.0, 3.0,  # 18:00 .. 01:00
)  # fmt: skip
# Busier at weekends, Sunday most of all (Monday = 0).
WEEKDAY_WEIGHTS = (1.0, 0.95, 0.95, 1.0, 1.05, 1.15, 1.2)

REGULAR_SHARE = 0.6  # lower only if every regular has used up the day's agreed calls
CHANNELS = (("phone", 0.82), ("text", 0.10), ("chat", 0.08))
REGULAR_KINDS = (("conversation", 78), ("check_in", 15), ("silent", 4), ("hang_up", 3))
OTHER_KINDS = (
    ("conversation", 60),
    ("check_in", 9),
    ("silent", 10),
    ("hang_up", 14),
    ("wrong_number", 7),
)
CRISIS_TOPIC = "Thoughts of suicide or self-harm"
JUST_TALK = "Just wanted to talk"

# --- sentence material ---------------------------------------------------------------------
# The words live in data/fiction.json so they can be read and edited as prose, apart from
# the code that strings them together. Templates use {N} (the caller, starting a sentence),
# {n} (mid-sentence) and {p} (their name as a possessive); every other {slot} is filled once
# per call from the fillers, so a call that mentions the rain twice mentions the same rain.

_DATA_PACKAGE = "warmline.data"
_WRITING_FILE = "fiction.json"
_DEFAULT_TOPIC_WEIGHT = 3.0  # for a topic a line adds that the material does not know


@dataclass(frozen=True)
class _TopicBank:
    """What a conversation about one topic tends to hold, in the caller's terms."""

    weight: float
    situations: tuple[str, ...]
    quotes: tuple[str, ...]
    wants: tuple[str, ...]
    event: str
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Templates:
    """The sentence pools the generator draws from, one per place in a record."""

    open_phone: tuple[str, ...]
    open_written: tuple[str, ...]
    connection_middle: tuple[str, ...]
    connection_close: tuple[str, ...]
    worldview_generic: tuple[str, ...]
    quote_frames: tuple[str, ...]
    mutuality: tuple[str, ...]
    moving_frames: tuple[str, ...]
    moving_extra: tuple[str, ...]
    crisis_offered: tuple[str, ...]
    crisis_connected: tuple[str, ...]
    follow_ups: tuple[str, ...]
    check_in: tuple[str, ...]
    check_in_moving: tuple[str, ...]
    silent: tuple[str, ...]
    silent_written: tuple[str, ...]
    silent_regular: tuple[str, ...]
    hang_up: tuple[str, ...]
    wrong_number: tuple[str, ...]


@dataclass(frozen=True)
class Writing:
    """All the invented words of a demo line, as loaded from ``data/fiction.json``."""

    aliases: tuple[str, ...]
    clock_words: dict[int, str]
    fillers: dict[str, tuple[str, ...]]
    templates: Templates
    topics: dict[str, _TopicBank]
    generic_resources: tuple[str, ...]
    caller_notes: tuple[str, ...]
    agreement_notes: tuple[str, ...]
    shift_notes: tuple[str, ...]
    how_it_was: tuple[str, ...]
    team_and_phones: tuple[str, ...]

    def all_sentences(self) -> list[str]:
        """Every piece of text in the material, for checks such as the language lens."""
        out = [*self.aliases, *self.generic_resources, *self.caller_notes]
        out += [*self.agreement_notes, *self.shift_notes, *self.how_it_was]
        out += self.team_and_phones
        for pool in (*self.fillers.values(), *vars(self.templates).values()):
            out += pool
        for bank in self.topics.values():
            out += [*bank.situations, *bank.quotes, *bank.wants, bank.event, *bank.resources]
        return out


def _strings(value: object, where: str) -> tuple[str, ...]:
    """A non-empty list of non-empty strings, or a loud error naming the place in the file."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"{_WRITING_FILE}: {where} must be a non-empty list")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"{_WRITING_FILE}: {where} must hold only non-empty strings")
    return tuple(value)


def writing_from_json(raw: str) -> Writing:
    """Parse the material, failing loudly: a typo in a hand-edited file should stop the tests,
    not quietly leave a pool empty."""
    data = json.loads(raw)
    pools = data["templates"]
    wanted = {f.name for f in fields(Templates)}
    if set(pools) != wanted:
        raise ValueError(f"{_WRITING_FILE}: templates differ by {sorted(set(pools) ^ wanted)}")
    topics = {
        name: _TopicBank(
            weight=float(bank["weight"]),
            situations=_strings(bank["situations"], f"{name}.situations"),
            quotes=_strings(bank["quotes"], f"{name}.quotes"),
            wants=_strings(bank["wants"], f"{name}.wants"),
            event=_strings([bank["event"]], f"{name}.event")[0],
            resources=_strings(bank["resources"], f"{name}.resources") if bank["resources"] else (),
        )
        for name, bank in data["topics"].items()
    }
    single = ("aliases", "generic_resources", "caller_notes", "agreement_notes", "shift_notes")
    return Writing(
        templates=Templates(**{name: _strings(pools[name], name) for name in wanted}),
        clock_words={int(hour): word for hour, word in data["clock_words"].items()},
        fillers={key: _strings(v, f"fillers.{key}") for key, v in data["fillers"].items()},
        topics=topics,
        how_it_was=_strings(data["how_it_was"], "how_it_was"),
        team_and_phones=_strings(data["team_and_phones"], "team_and_phones"),
        **{name: _strings(data[name], name) for name in single},
    )


@functools.cache
def writing() -> Writing:
    """The packaged material, read once through importlib.resources (works from a wheel)."""
    raw = resources.files(_DATA_PACKAGE).joinpath(_WRITING_FILE).read_text(encoding="utf-8")
    return writing_from_json(raw)


T = TypeVar("T")
_Random = Callable[[], float]  # a bound ``random.Random.random``


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``itertools.batched`` arrived in Python 3.12; we support 3.11."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class _Slots(dict[str, str]):
    """Template slots for one call, filled on first use so unused fillers cost nothing.

    ``str.format_map`` calls ``__missing__`` for any slot not set yet; filling it then and
    keeping it means a call mentions the same rain, cat or brother each time.
    """

    def __init__(
        self,
        rng: random.Random,
        fillers: dict[str, tuple[str, ...]],
        extra: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        super().__init__()
        self._rng = rng
        self._fillers = fillers
        self._extra = extra or {}

    def __missing__(self, key: str) -> str:
        options = self._extra.get(key) or self._fillers[key]
        value = options[int(self._rng.random() * len(options))]
        self[key] = value
        return value


@dataclass
class _Profile:
    """What the generator keeps about a regular beyond the stored record."""

    caller: Caller
    topics: tuple[str, ...]
    cap: int


class FictionGenerator:
    """Invents a warmline's callers, calls, shifts and handovers from one seed."""

    def __init__(self, seed: int = 7, now: datetime | None = None) -> None:
        """``now`` fixes the end of the invented history; its time zone sets the line's
        local hours (the evening peak is an evening where the line is). Tests pass a fixed
        ``now``; without one, the present moment in the machine's zone is used."""
        if now is None:
            now = datetime.now(UTC).astimezone()
        elif now.tzinfo is None:
            raise ValueError("now must carry a time zone")
        self.seed = seed
        self.now = now
        topics = ips.default_topics()
        self._topics = topics
        self._w = material = writing()
        banks = material.topics
        self._topic_cum = _cumulative(
            banks[t].weight if t in banks else _DEFAULT_TOPIC_WEIGHT for t in topics
        )
        self._banks = {t: banks.get(t, banks[JUST_TALK]) for t in topics}
        known = {c.id for c in ips.contact_kinds()}
        for kind, _ in (*REGULAR_KINDS, *OTHER_KINDS):
            if kind not in known:  # pragma: no cover - guards ips.json edits
                raise ValueError(f"contact kind {kind!r} is no longer in ips.json")

    # --- randomness ----------------------------------------------------------------------

    def _stream(self, *parts: object) -> random.Random:
        """An independent, reproducible stream per method and arguments.

        String seeds go through SHA-512 in ``random``, so they do not depend on hash
        randomisation and give the same stream in every run.
        """
        return random.Random("/".join(str(p) for p in (self.seed, *parts)))

    @staticmethod
    def _uuid(rng: random.Random) -> str:
        return str(uuidlib.UUID(int=rng.getrandbits(128), version=4))

    # --- the line's days -----------------------------------------------------------------

    def _periods(self, days: int) -> list[datetime]:
        """Local start (10:00) of each of the last ``days`` opening periods, oldest first."""
        start = self.now.replace(hour=OPENS_AT_HOUR, minute=0, second=0, microsecond=0)
        if start > self.now:
            start -= timedelta(days=1)
        return [start - timedelta(days=k) for k in range(days - 1, -1, -1)]

    # --- callers --------------------------------------------------------------------------

    def callers(self, n: int = 12) -> list[Caller]:
        """``n`` regulars, the ones who call most first. Aliases are the caller's choice."""
        rng = self._stream("callers", n)
        names = list(self._w.aliases)
        rng.shuffle(names)
        out = []
        for i in range(n):
            alias = names[i % len(names)]
            if i >= len(names):
                alias = f"{alias} {i // len(names) + 1}"
            per_day = rng.choices((None, 1, 2, 3), (2, 2, 3, 4))[0]
            minutes = rng.choice((10, 15, 20, 20, 30)) if per_day else None
            notes = " ".join(rng.sample(self._w.caller_notes, rng.randint(0, 2)))
            agreement = (
                rng.choice(self._w.agreement_notes) if per_day and rng.random() < 0.5 else ""
            )
            created = self.now - timedelta(days=rng.randint(45, 900), hours=rng.randint(0, 23))
            out.append(
                Caller(
                    uuid=self._uuid(rng),
                    alias=alias,
                    calls_per_day=per_day,
                    usual_minutes=minutes,
                    agreement_notes=agreement,
                    notes=notes,
                    created_at=created,
                )
            )
        return out

    def _profiles(self, callers: Sequence[Caller]) -> list[_Profile]:
        profiles = []
        for caller in callers:
            rng = self._stream("profile", caller.uuid)
            picks = {self._pick_topic(rng) for _ in range(3)}
            profiles.append(_Profile(caller, tuple(sorted(picks)), caller.calls_per_day or 4))
        return profiles

    def _pick_topic(self, rng: random.Random) -> str:
        at = bisect.bisect_right(self._topic_cum, rng.random() * self._topic_cum[-1])
        return self._topics[min(at, len(self._topics) - 1)]

    # --- shifts ---------------------------------------------------------------------------

    def shifts(self, days: int, leads: Sequence[str], members: Sequence[str]) -> list[Shift]:
        """Every finished 4-hour shift of the last ``days`` days: a lead and a partner.

        ``leads`` are account UUIDs that may lead; ``members`` everyone who takes shifts
        (leads may be partners too). Oldest first.
        """
        if not leads:
            raise ValueError("a shift needs someone who can lead it")
        rng = self._stream("shifts", days, len(leads), len(members))
        people = list(dict.fromkeys([*leads, *members]))
        out = []
        for period in self._periods(days):
            for k in range(OPEN_HOURS // SHIFT_HOURS):
                start = period + timedelta(hours=k * SHIFT_HOURS)
                end = start + timedelta(hours=SHIFT_HOURS)
                if end > self.now:
                    break
                lead = rng.choice(leads)
                partners = [p for p in people if p != lead] or [lead]
                partner = rng.choice(partners)
                notes = rng.choice(self._w.shift_notes) if rng.random() < 0.4 else ""
                out.append(
                    Shift(
                        uuid=self._uuid(rng),
                        started_at=start,
                        ended_at=end,
                        lead_uuid=lead,
                        members=list(dict.fromkeys([lead, partner])),
                        notes=notes,
                    )
                )
        return out

    # --- calls ----------------------------------------------------------------------------

    def calls(
        self,
        n: int,
        callers: Sequence[Caller],
        days: int,
        author_uuids: Sequence[str] = (),
        shifts: Sequence[Shift] | None = None,
    ) -> Iterator[Call]:
        """Yield ``n`` calls over the last ``days`` days, oldest first.

        About 60% come from ``callers`` (earlier ones call more often, each within their
        daily agreement). With ``shifts``, each call belongs to the shift it fell in and is
        written by one of its two people; otherwise an author is drawn from
        ``author_uuids`` (an empty author lets the repository fill in the unlocked person).
        """
        if n <= 0:
            return
        rng = self._stream("calls", n, days, len(callers))
        r = rng.random
        periods = self._periods(max(days, 1))
        profiles = self._profiles(callers)
        caller_cum = _cumulative(1.0 / (i + 1) ** 1.3 for i in range(len(profiles)))
        hour_cum_full = _cumulative(HOUR_WEIGHTS)
        shift_list = sorted(shifts or (), key=lambda s: s.started_at or self.now)
        shift_starts = [s.started_at or self.now for s in shift_list]
        authors = list(author_uuids)

        # Spread n over the days in proportion to each day's weight; the newest day only
        # counts the whole hours already over (and ended at least an hour ago).
        day_weights: list[float] = []
        day_hour_cums: list[list[float]] = []
        for period in periods:
            usable = [
                w if period + timedelta(hours=h + 2) <= self.now else 0.0
                for h, w in enumerate(HOUR_WEIGHTS)
            ]
            cum = hour_cum_full if all(usable) else _cumulative(usable)
            day_hour_cums.append(cum)
            noise = 0.8 + 0.4 * r()
            day_weights.append(
                cum[-1] / hour_cum_full[-1] * WEEKDAY_WEIGHTS[period.weekday()] * noise
            )
        total = sum(day_weights)
        if total <= 0:
            raise ValueError("no opening hours have passed yet in that window")
        counts = [int(n * w / total) for w in day_weights]
        for d in rng.choices(range(len(periods)), day_weights, k=n - sum(counts)):
            counts[d] += 1

        # Agreements count calls per calendar day, resetting at midnight, and an opening
        # period runs past midnight; so count per (caller, local date), not per period.
        after_midnight = (24 - OPENS_AT_HOUR) * 3600
        used: Counter[tuple[int, int]] = Counter()
        for period, count, hour_cum in zip(periods, counts, day_hour_cums, strict=True):
            if not count:
                continue
            top = hour_cum[-1]
            offsets = sorted(
                bisect.bisect_right(hour_cum, r() * top) * 3600 + int(r() * 3600)
                for _ in range(count)
            )
            day = period.toordinal()
            for offset in offsets:
                hour = min(offset // 3600, OPEN_HOURS - 1)
                started = period + timedelta(seconds=offset)
                profile: _Profile | None = None
                if profiles and r() < REGULAR_SHARE:
                    date = day + (offset >= after_midnight)
                    index = bisect.bisect_right(caller_cum, r() * caller_cum[-1])
                    index = min(index, len(profiles) - 1)
                    # Someone who has used up today's calls is not who rings; the next
                    # regular with calls left is. Only if all have does a stranger ring.
                    for step in range(len(profiles)):
                        at = (index + step) % len(profiles)
                        if used[at, date] < profiles[at].cap:
                            profile = profiles[at]
                            used[at, date] += 1
                            break
                call = self._call(rng, started, (OPENS_AT_HOUR + hour) % 24, profile)
                if shift_list:
                    at = bisect.bisect_right(shift_starts, started) - 1
                    if at >= 0 and started < (shift_list[at].ended_at or started):
                        shift = shift_list[at]
                        call.shift_uuid = shift.uuid
                        call.author_uuid = shift.members[int(r() * len(shift.members))]
                if not call.author_uuid and authors:
                    call.author_uuid = authors[int(r() * len(authors))]
                yield call

    def _call(
        self, rng: random.Random, started: datetime, hour: int, profile: _Profile | None
    ) -> Call:
        """One call's record: who, how, how long, and notes that fit all three."""
        r = rng.random
        t = self._w.templates
        regular = profile is not None
        kind = _weighted(r, REGULAR_KINDS if regular else OTHER_KINDS)
        if kind == "hang_up":
            channel = "phone"
        elif kind == "wrong_number":
            channel = "phone" if r() < 0.8 else "text"
        else:
            channel = _weighted(r, CHANNELS)
        if profile is not None:
            caller_kind = CallerKind.REGULAR.value
            name = profile.caller.alias
            big, small, possessive = name, name, f"{name}'s"
        else:
            first_time = kind in ("conversation", "check_in") and r() < 0.45
            caller_kind = (CallerKind.NEW if first_time else CallerKind.ANONYMOUS).value
            noun = (
                ("the new caller" if r() < 0.5 else "the caller")
                if first_time
                else ("this caller" if r() < 0.3 else "the caller")
            )
            big, small, possessive = noun[0].upper() + noun[1:], noun, f"{noun}'s"

        seconds = self._duration(r, kind, profile)
        call = Call(
            uuid=self._uuid(rng),
            started_at=started,
            ended_at=started + timedelta(seconds=seconds),
            duration_s=seconds,
            caller_uuid=profile.caller.uuid if profile else None,
            caller_kind=caller_kind,
            channel=channel,
            contact_kind=kind,
        )
        if kind in ("hang_up", "wrong_number", "silent") and not (kind == "silent" and regular):
            slots = _Slots(rng, self._w.fillers)
            slots.update(N=big, n=small, p=possessive)
            pool: Sequence[str]
            if kind == "hang_up":
                pool = t.hang_up
            elif kind == "wrong_number":
                pool = t.wrong_number
            else:
                pool = t.silent if channel == "phone" else t.silent_written
            call.connection = _pick(r, pool).format_map(slots)
            return call

        topics = self._topics_for(r, profile, kind)
        bank = self._banks[topics[0]]
        slots = _Slots(rng, self._w.fillers, {"want": bank.wants, "quote": bank.quotes})
        clock = self._w.clock_words[hour]
        slots.update(N=big, n=small, p=possessive, clock=clock, event=bank.event)
        call.topics = topics

        if kind == "silent":  # a regular who sometimes starts silent
            call.connection = _pick(r, t.silent_regular).format_map(slots)
            return call
        if kind == "check_in":
            call.connection = _pick(r, t.check_in).format_map(slots)
            if r() < 0.5:
                call.moving_towards = _pick(r, t.check_in_moving).format_map(slots)
            if r() < 0.05:
                call.follow_up = _pick(r, t.follow_ups).format_map(slots)
            return call

        # A conversation: notes of about a kilobyte, longer for longer calls.
        scale = min(1.3, max(0.75, 0.8 + seconds / 3600))
        opener = t.open_phone if channel == "phone" else t.open_written
        quote_in_connection = r() < 0.15
        quote_in_worldview = not quote_in_connection and r() < 0.4
        call.connection = _compose(
            r,
            slots,
            [_pick(r, opener)],
            t.connection_middle,
            int(215 * scale),
            ending=_pick(r, t.connection_close) if r() < 0.5 else None,
            quote_frames=t.quote_frames if quote_in_connection else (),
        )
        situations = [_pick(r, bank.situations)]
        if len(topics) > 1 and r() < 0.5:
            situations.append(_pick(r, self._banks[topics[1]].situations))
        call.worldview = _compose(
            r,
            slots,
            situations,
            t.worldview_generic,
            int(235 * scale),
            quote_frames=t.quote_frames if quote_in_worldview else (),
        )
        call.mutuality = _compose(r, slots, [], t.mutuality, int(195 * scale))
        moving = _compose(r, slots, [_pick(r, t.moving_frames)], t.moving_extra, int(140 * scale))

        crisis_chance = 0.6 if CRISIS_TOPIC in topics else 0.002
        if r() < crisis_chance:
            call.crisis_offered = True
            if r() < 0.2:
                call.crisis_connected = True
                moving += " " + _pick(r, t.crisis_connected).format_map(slots)
            else:
                moving += " " + _pick(r, t.crisis_offered).format_map(slots)
        call.moving_towards = moving

        if r() < 0.14:
            call.resources_shared = _pick(r, bank.resources or self._w.generic_resources)
        if r() < 0.2:
            call.follow_up = _pick(r, t.follow_ups).format_map(slots)
        return call

    def _topics_for(self, r: _Random, profile: _Profile | None, kind: str) -> list[str]:
        how_many = 1 if kind == "check_in" else (1 if r() < 0.45 else 2 if r() < 0.75 else 3)
        picked: list[str] = []
        if profile is not None and r() < 0.7:
            picked.append(_pick(r, profile.topics))
        elif kind == "check_in" and r() < 0.5:
            picked.append("Just wanted to talk" if "Just wanted to talk" in self._banks else "")
        tries = 0
        while len(picked) < how_many and tries < 10:
            tries += 1
            at = bisect.bisect_right(self._topic_cum, r() * self._topic_cum[-1])
            topic = self._topics[min(at, len(self._topics) - 1)]
            if topic not in picked:
                picked.append(topic)
        return [t for t in picked if t] or [self._topics[0]]

    @staticmethod
    def _duration(r: _Random, kind: str, profile: _Profile | None) -> int:
        """Seconds. Conversations mostly 5-30 minutes; hang-ups and wrong numbers under one."""
        if kind == "hang_up":
            return int(r() * 40)
        if kind == "wrong_number":
            return 10 + int(r() * 60)
        if kind == "silent":
            return 30 + int(r() * 570)
        if kind == "check_in":
            return 60 + int(r() * 300)
        usual = profile.caller.usual_minutes if profile and profile.caller.usual_minutes else None
        if usual:
            minutes = usual * (0.6 + 0.7 * r())
        else:  # skewed: most calls 5-20 minutes, a few long ones
            minutes = 4 + 26 * r() * r() + (20 * r() if r() < 0.08 else 0)
        return int(minutes * 60) + int(r() * 60)

    # --- handovers -------------------------------------------------------------------------

    def handover(
        self, shift: Shift, calls: Sequence[Call], callers: Sequence[Caller] = ()
    ) -> Handover:
        """The handover its lead wrote at the end of ``shift``, from the calls taken in it."""
        rng = self._stream("handover", shift.uuid)
        r = rng.random
        by_uuid = {c.uuid: c for c in callers}
        tz = self.now.tzinfo
        slots = _Slots(rng, self._w.fillers)
        end = (shift.ended_at or self.now).astimezone(tz)
        slots["clock"] = self._w.clock_words.get((end.hour - 2) % 24, "nine")

        if not calls:
            how = (
                "A quiet shift with no calls. We read back through the last few handovers and "
                "tidied the resource folder."
            )
        else:
            kinds = Counter(c.contact_kind for c in calls)
            counted = [
                _count(kinds["conversation"], "conversation"),
                _count(kinds["check_in"], "brief check-in"),
                _count(kinds["silent"], "silent call"),
                _count(kinds["hang_up"] + kinds["wrong_number"], "hang-up or wrong number"),
            ]
            hours = Counter((c.started_at or end).astimezone(tz).hour for c in calls)
            busiest = hours.most_common(1)[0][0]
            how = (
                f"{_count(len(calls), 'contact')}: {_join([c for c in counted if c])}. "
                f"Busiest around {busiest:02d}:00."
            )
            topics = Counter(t for c in calls for t in c.topics)
            top = topics.most_common(1)[0][0] if topics else ""
            if top:
                if top == JUST_TALK:
                    how += " Most people just wanted to talk."
                else:
                    how += f" The topic that came up most was {top.lower()}."
            # (the first line would only repeat "just wanted to talk")
            how_it_was = self._w.how_it_was
            how += " " + _pick(r, how_it_was[1:] if top == JUST_TALK else how_it_was)
            if any(c.crisis_offered for c in calls):
                how += " A caller was offered the crisis line number; see the call notes."

        regulars: dict[str, list[Call]] = {}
        for c in calls:
            if c.caller_uuid and c.caller_uuid in by_uuid:
                regulars.setdefault(c.caller_uuid, []).append(c)
        lines = []
        for caller_uuid, theirs in sorted(regulars.items(), key=lambda kv: -len(kv[1]))[:4]:
            alias = by_uuid[caller_uuid].alias
            times = "once" if len(theirs) == 1 else f"{len(theirs)} times"
            topics_seen = {t for c in theirs for t in c.topics}
            talked = sorted(t.lower() for t in topics_seen if t != JUST_TALK)[:2]
            if talked:
                about = f"; talked about {' and '.join(talked)}"
            else:
                about = "; just wanted to talk" if topics_seen else ""
            again = " and may ring back" if any(c.has_follow_up for c in theirs) else ""
            lines.append(f"{alias}: called {times}{about}{again}.")
        keep_in_mind = "\n".join(lines) or "No regulars called this shift."

        follow = [c.follow_up for c in calls if c.has_follow_up]
        follow_ups = "\n".join(f"- {text}" for text in follow) or "Nothing to follow up."
        phones = self._w.team_and_phones
        team = " ".join(_pick(r, phones).format_map(slots) for _ in range(1 + (r() < 0.3)))
        if team.count("Nothing to report") and len(team) > 40:
            team = _pick(r, phones[1:]).format_map(slots)
        return Handover(
            uuid=self._uuid(rng),
            shift_uuid=shift.uuid,
            author_uuid=shift.lead_uuid or (shift.members[0] if shift.members else ""),
            created_at=shift.ended_at,
            how_it_was=how,
            callers_to_keep_in_mind=keep_in_mind,
            follow_ups=follow_ups,
            team_and_phones=team,
        )


# --- helpers used in the hot loop ------------------------------------------------------------


def _pick(r: _Random, options: Sequence[str]) -> str:
    return options[int(r() * len(options))]


def _weighted(r: _Random, options: Sequence[tuple[str, float]]) -> str:
    total = sum(w for _, w in options)
    x = r() * total
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]


def _count(n: int, noun: str) -> str:
    """ "1 conversation", "3 conversations", or "" for none (so it can be left out)."""
    if not n:
        return ""
    if n == 1:
        return f"1 {noun}"
    plural = noun.replace(" or ", "s or ", 1) if " or " in noun else noun
    return f"{n} {plural}s"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _compose(
    r: _Random,
    slots: _Slots,
    start: list[str],
    middle: Sequence[str],
    target: int,
    *,
    ending: str | None = None,
    quote_frames: Sequence[str] = (),
) -> str:
    """Sentences until the text is about ``target`` characters, each middle one used once."""
    parts = [t.format_map(slots) for t in start]
    if quote_frames:
        parts.append(_pick(r, quote_frames).format_map(slots))
    length = sum(len(p) + 1 for p in parts)
    reserve = 90 if ending else 0
    used: set[int] = set()
    tries = 0
    while length + reserve < target and tries < 12:
        tries += 1
        i = int(r() * len(middle))
        if i in used:
            continue
        used.add(i)
        text = middle[i].format_map(slots)
        parts.append(text)
        length += len(text) + 1
    if ending:
        parts.append(ending.format_map(slots))
    return " ".join(parts)


# --- writing a demo into a vault --------------------------------------------------------------


@dataclass
class DemoSummary:
    """What :func:`populate_demo` added, for a status line or a log."""

    passphrase: str
    accounts: list[str] = field(default_factory=list)
    callers: int = 0
    shifts: int = 0
    calls: int = 0
    handovers: int = 0
    acknowledgements: int = 0
    followups: int = 0
    reflections: int = 0


def populate_demo(
    session: Session,
    *,
    calls: int = 600,
    days: int = 30,
    regulars: int = 12,
    seed: int = 7,
    now: datetime | None = None,
    passphrase: str = DEMO_PASSPHRASE,
    team_acknowledgers: int = 2,
) -> DemoSummary:
    """Fill an unlocked coordinator's session with a fictional line's last ``days`` days.

    Adds the demo team (:data:`DEMO_TEAM`, all sharing ``passphrase``, which is shown on
    screen because this is a demo), regular callers, every finished shift, the calls (in
    batches of 1,000, each batch one transaction) and a handover per shift, acknowledged
    by the unlocked person (all but the newest two) and by up to ``team_acknowledgers``
    demo shift leads (for the shifts they came on to).

    Meant for a fresh vault: demo accounts that already exist are reused, not duplicated.
    """
    generator = FictionGenerator(seed=seed, now=now)
    summary = DemoSummary(passphrase=passphrase)
    me = session.account
    existing = {a.display_name.casefold(): a for a in session.team.accounts()}
    team: list[Account] = []
    for name, role in DEMO_TEAM:
        account = existing.get(name.casefold())
        if account is None:
            account = session.team.add_account(name, passphrase, role)
        team.append(account)
        summary.accounts.append(account.display_name)
    leads = [me.uuid] + [a.uuid for a in team if a.role is not Role.VOLUNTEER]
    everyone = [me.uuid] + [a.uuid for a in team]

    callers = session.callers.add_many(generator.callers(regulars))
    summary.callers = len(callers)
    shifts = session.shifts.add_many(generator.shifts(days, leads, everyone))
    summary.shifts = len(shifts)

    by_shift: dict[str, list[Call]] = {}
    for batch in _batched(generator.calls(calls, callers, days, everyone, shifts), 1000):
        session.calls.add_many(batch)
        summary.calls += len(batch)
        for call in batch:
            if call.shift_uuid:
                by_shift.setdefault(call.shift_uuid, []).append(call)

    # Follow-ups: what the calls said to follow up. Those from before the last day were
    # seen to long ago; the newest few are still open, for the next shift to pick up.
    recent = generator.now - timedelta(days=1)
    for shift_calls in by_shift.values():
        for call in shift_calls:
            followup = session.followups.sync_from_call(call) if call.has_follow_up else None
            if followup is None:
                continue
            summary.followups += 1
            if call.started_at and call.started_at < recent:
                session.followups.mark_done(followup, "Done, see the call notes.")

    handovers = session.handovers.add_many(
        [generator.handover(s, by_shift.get(s.uuid, []), callers) for s in shifts]
    )
    summary.handovers = len(handovers)
    summary.reflections = len(_demo_reflections(session, seed))

    # The coordinator has read every handover but the newest two, so the "please read"
    # reminder has something to show. A couple of demo leads acknowledge the handover left
    # for each shift they worked, as the incoming person would; that takes unlocking each
    # of them once, which is one (deliberately slow) key derivation apiece.
    older = handovers[:-2]
    for handover in older:
        if handover.author_uuid != me.uuid:
            session.handovers.acknowledge(handover.uuid)
            summary.acknowledgements += 1
    incoming: dict[str, list[str]] = {}
    for handover, next_shift in zip(older, shifts[1:], strict=False):
        for person in next_shift.members:
            if person != handover.author_uuid:
                incoming.setdefault(person, []).append(handover.uuid)
    readers = [a for a in team if a.role is Role.SHIFT_LEAD and incoming.get(a.uuid)]
    for account in readers[:team_acknowledgers]:
        try:
            other = session.unlock_other(account.uuid, passphrase)
        except WarmlineError:  # a reused account with its own passphrase: skip it
            continue
        try:
            for handover_uuid in incoming[account.uuid]:
                other.handovers.acknowledge(handover_uuid)
                summary.acknowledgements += 1
        finally:
            other.lock()
    return summary


#: A few private reflections the demo coordinator wrote after their own calls (fictional,
#: in our own words), so My reflections and its chart have something to show.
_DEMO_REFLECTIONS: tuple[tuple[str, str, str], ...] = (
    ("learn_or_fix", "I caught myself wanting to sort out her week for her. I asked what a "
     "good evening looks like to her instead.", "a bit tired"),
    ("where_we_connected", "We both laughed about the bus timetable. When I rushed a "
     "question it went quiet, and I said I had noticed.", "glad we talked"),
    ("fear_and_control", "I felt worried when he talked about not sleeping. I noticed it and "
     "stayed curious instead of steering.", "wobbly after that one"),
    ("what_i_learned", "How much a routine holds someone up. I think about my own mornings "
     "differently now.", "steady"),
    ("whose_direction", "He wanted to talk about the allotment, not the letter. I followed "
     "him there and it opened up.", "settled"),
)  # fmt: skip


def _demo_reflections(session: Session, seed: int) -> list[Debrief]:
    """Private reflections by the unlocked (demo) person after some of their own calls."""
    r = random.Random(seed)
    me = session.account.uuid
    mine = [c for c in session.calls.select(limit=400) if c.author_uuid == me and c.ended_at]
    mine.sort(key=lambda c: c.ended_at or datetime.min.replace(tzinfo=UTC))
    picked = mine[-8:]
    out = []
    for i, call in enumerate(picked):
        question, answer, feeling = _DEMO_REFLECTIONS[i % len(_DEMO_REFLECTIONS)]
        assert call.ended_at is not None
        out.append(
            Debrief(
                call_uuid=call.uuid,
                created_at=call.ended_at + timedelta(minutes=4),
                answers={question: answer},
                check_in=r.choice((2, 3, 3, 4, 4, 5)),
                feeling=feeling,
                need=r.choice(("nothing", "nothing", "break")),
            )
        )
    return session.debriefs.add_many(out)


def create_demo_vault(
    data_dir: Path,
    *,
    kdf_factory: KdfFactory | None = None,
    calls: int = 600,
    days: int = 30,
    seed: int = 7,
    now: datetime | None = None,
) -> tuple[Vault, Session, str]:
    """Create "Demo line (fictional)" in ``data_dir``, fill it, and return it unlocked.

    The third value is the demo passphrase, for the screen to show: it opens the demo
    coordinator's account and every demo volunteer's. If filling fails, the half-made demo
    file is removed again so a retry starts clean.
    """
    vault, session = Vault.create(
        data_dir,
        DEMO_LINE_NAME,
        DEMO_COORDINATOR,
        DEMO_PASSPHRASE,
        kdf_factory=kdf_factory,
        demo=True,
    )
    try:
        populate_demo(session, calls=calls, days=days, seed=seed, now=now)
    except BaseException:
        path = vault.path
        vault.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(path) + suffix).unlink()
        raise
    return vault, session, DEMO_PASSPHRASE
