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

The invented text is built from many small sentence templates so notes differ from call
to call, and every template is written to pass the language lens; a test holds the
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
import itertools
import random
import uuid as uuidlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from warmline import ips
from warmline.accounts import Account, Role
from warmline.callers import Caller
from warmline.calls import Call, CallerKind
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
TOPIC_WEIGHTS: dict[str, float] = {
    "Just wanted to talk": 14,
    "Loneliness": 14,
    "Family and relationships": 9,
    "Friendships": 5,
    "Housing": 6,
    "Money": 6,
    "Work": 5,
    "Physical health": 6,
    "Sleep": 6,
    "Substance use": 3,
    "Grief and loss": 4,
    "Feeling low": 10,
    "Worry and stress": 9,
    "Voices and unusual experiences": 4,
    "Experiences with services": 5,
    CRISIS_TOPIC: 1.2,
}

ALIASES = (
    "Robin", "Blue", "Mr Tuesday", "Sparrow", "Juniper", "Captain", "Moss", "Lark",
    "Penny", "Night Owl", "Teacup", "Marigold", "Fox", "Wren", "Dusty", "Sailor", "Pip",
    "Clementine", "Otter", "Saturday Sue", "Biscuit", "Harbour", "Ginger", "Stargazer",
    "Maple", "The Poet", "Nimbus", "Tilly", "Bramble", "Comet",
)  # fmt: skip

# --- sentence material ---------------------------------------------------------------------
# Templates use {N} (the caller, starting a sentence), {n} (mid-sentence) and {p} (their
# name as a possessive). Every other {slot} is filled once per call from FILLERS, so a
# call that mentions the rain twice mentions the same rain.

FILLERS: dict[str, tuple[str, ...]] = {
    "smalltalk": (
        "the rain", "a programme they'd watched", "their cat", "their tomato plants",
        "the buses being late again", "a crossword clue", "what they'd had for tea",
        "the dog next door", "a song on the radio", "how bright the moon was",
        "the cold in the flat", "a jigsaw puzzle", "the pigeons on the balcony",
        "the price of bread", "an old film on the telly",
    ),
    "self_detail": (
        "burn toast most mornings", "talk to my plants", "find Sundays long",
        "put off phone calls", "lie awake when it's windy", "lose my keys every day",
        "cry at adverts", "keep the radio on for company",
    ),
    "texture": ("tiredness", "flatness", "worry", "restlessness", "sadness", "edginess"),
    "touchy": (
        "their brother", "last year's hospital stay", "work", "their ex", "money",
        "their mum", "the letter from the council", "an old friend", "Christmas",
        "the move", "their neighbours",
    ),
    "assumption": (
        "it was about the neighbours", "they wanted advice", "they'd had a bad day",
        "they wanted a short call", "the letter was the main worry",
        "they were on their own tonight", "they wanted me to agree with them",
        "things had got worse since last time",
    ),
    "own_exp": (
        "my own move last year", "a time when I couldn't get out of bed for a week",
        "how I got through my first winter on my own", "falling out with my sister",
        "a job I left because it wore me down", "the months when I stopped answering the door",
    ),
    "learned": (
        "that routine is what makes a day bearable for them",
        "how much a short walk to the shop can mean",
        "a new way of thinking about quiet evenings",
        "that small plans feel safer to them than big ones",
        "the name of a radio station that plays old songs all night",
        "that they have been through worse and know how they got through it",
        "how they use music to change the feel of a room",
        "that for them the hard part is the hour before bed, not the night itself",
    ),
    "tip": (
        "keeping tea in a flask so it stays warm", "a library that lends out board games",
        "writing three good things down before bed", "a bus route along the coast",
        "freezing bread so none goes to waste", "a free swim on Wednesday mornings",
        "a podcast where people read bedtime stories",
    ),
    "own_theme": (
        "how I handle change", "who I lean on", "how I spend my evenings",
        "what rest looks like for me", "how often I say I'm fine when I'm not",
    ),
    "when": (
        "tomorrow evening", "on Thursday", "at the weekend", "after the appointment",
        "next week", "tomorrow after tea", "on Sunday",
    ),
    "feel": ("calm", "ordinary in a good way", "less empty", "like their own", "unhurried"),
    "lookforward": (
        "a visit from their niece", "the market on Saturday", "a new library book",
        "seeing the sea on Sunday", "fish and chips on Friday", "the allotment opening up",
        "a new series starting on the radio",
    ),
    "background": (
        "a television", "traffic", "rain", "a kettle", "a dog", "music playing quietly",
        "a clock ticking",
    ),
    "wrong_place": (
        "a taxi firm", "the chemist", "a pizza place", "their cousin", "the council",
        "a vet", "the bus station",
    ),
}  # fmt: skip

OPEN_PHONE = (
    "{N} rang just after {clock} and started by telling me about {smalltalk}.",
    "{N} rang around {clock}. We spent the first few minutes on {smalltalk}, which seemed "
    "to settle us both.",
    "It took a while to find our feet; {n} kept saying sorry for calling, and I said there "
    "was nothing to be sorry for.",
    "There was a long quiet at the start. I said I was in no hurry, and after a bit {n} "
    "began to talk.",
    "{N} called around {clock} and asked straight away how my evening was going, which made "
    "me smile.",
    "I could hear the {texture} in {p} voice from the first hello, and I said it sounded "
    "like a long day.",
)
OPEN_WRITTEN = (
    "{N} messaged just after {clock} and started with {smalltalk}.",
    "The first messages were short and careful. I wrote back slowly and kept it simple, and "
    "{n} began to open up.",
    "{N} got in touch around {clock} and asked if it was all right to just type for a while.",
    "{N} wrote that typing was easier than talking tonight, and we went at their pace.",
)
CONNECTION_MIDDLE = (
    "{N} laughed when I said I {self_detail} too, and that seemed to open things up.",
    "When I asked about {touchy}, {n} went quiet. I said I'd noticed and asked whether to "
    "leave it for now; they said yes, so we did.",
    "At one point I jumped in with a thought of my own too soon, and {n} said I'd missed the "
    "point. I said sorry and asked them to tell me again.",
    "I lost the thread when {n} talked about {touchy}; I said so, and they put it a different way.",
    "We drifted apart for a moment when I mentioned {touchy}. Naming it helped, and we came "
    "back to it later on their terms.",
    "I noticed the {texture} in how {n} was talking and said it sounded like a heavy day. "
    "They said it was.",
    "Something shifted when {n} talked about {smalltalk}; there was warmth in it, and I said "
    "I could hear that.",
    "We both went quiet for a while, and it felt like a comfortable quiet rather than an "
    "awkward one.",
    "{N} checked a couple of times whether I was still there. I said I was, and that I "
    "wasn't going anywhere.",
    "I said I'd noticed we kept circling back to {touchy}, and asked if that was where they "
    "wanted to be. It was.",
    "{N} said it helped that I didn't rush to fill the gaps.",
    "For a bit it felt like I was asking too many questions, so I stopped and listened.",
    "{N} mentioned {touchy} in passing, and I asked if they wanted to say more. Not tonight, "
    "they said, and that was fine.",
)
CONNECTION_CLOSE = (
    "By the end the pace had slowed and {n} was joking about {smalltalk}.",
    "It felt like we were on the same page for most of the call.",
    "{N} thanked me for not rushing them, and I said I had enjoyed the talk too.",
    "We ended on {smalltalk}, which felt like a good place to stop.",
    "As we wound down, {n} said the evening felt a bit lighter.",
)
WORLDVIEW_GENERIC = (
    "I caught myself assuming {assumption}, and asked about it instead.",
    "I noticed I wanted to reassure them and held back, so I could hear how they see it.",
    "Their way of seeing it is different from mine, and I tried to stay curious rather than "
    "put my view in.",
    "I asked what it is like for them, rather than guessing from my own experience.",
    "I asked how they came to see it that way, and {n} talked about {touchy}.",
    "I had a picture in my head of how this goes, from my own life, and tried to put it "
    "down and listen.",
    "It makes sense of a lot for {n}, and I could see why.",
)
QUOTE_FRAMES = (
    "{N} put it like this: “{quote}”",
    "In {p} own words: “{quote}”",
    "{N} said, “{quote}”",
    "One thing {n} said stayed with me: “{quote}”",
)
MUTUALITY = (
    "{N} asked what I'd do in their shoes. I said I honestly wasn't sure and shared a little "
    "about {own_exp}.",
    "I learned {learned}.",
    "{N} told me about {tip}, and I'm going to try it myself.",
    "I noticed I was steering towards solutions; I said so, and {n} said they mostly wanted "
    "to be heard tonight.",
    "We talked openly about the call having a time limit and how that feels. {N} said it "
    "helps to know where the edges are.",
    "When {n} asked for advice, I said I'm not an expert, just someone who has had hard "
    "times too, and we thought it through together.",
    "It stretched me to sit with not having an answer, and {n} seemed fine with that.",
    "{N} asked how I was doing, and I gave an honest answer without taking over the call.",
    "I came away thinking about {own_theme}.",
    "{N} pointed out that I'd said 'should' three times, and they were right; we laughed about it.",
    "I asked how it sits with them that the line sets the agreements and the time limits. "
    "{N} said it feels fair most days, and that it helps to be asked.",
    "We swapped stories about {smalltalk}, and it felt like two people talking rather than "
    "one helping the other.",
    "{N} noticed before I did that I was tired, and said so kindly.",
)
MOVING_FRAMES = (
    "{N} wants {want}.",
    "{N} said they'd like {want}.",
    "Looking ahead, {n} would like {want}.",
)
MOVING_EXTRA = (
    "They'd like to ring back {when} and say how it goes.",
    "{N} wants more evenings that feel {feel}.",
    "We talked about one small step for tomorrow, and {n} chose it themselves.",
    "{N} wasn't sure yet what they want more of, and that's fine; we left it open.",
    "{N} said they'd like to keep calling while things settle.",
    "Before we finished, {n} named one thing to look forward to this week: {lookforward}.",
)
CRISIS_OFFERED = (
    "I asked whether they'd like the number of the crisis line, and {n} said they'd keep it "
    "by the phone.",
    "We talked about the crisis line as one option; {n} already knows the number and said "
    "they'd think about it.",
)
CRISIS_CONNECTED = (
    "With {p} agreement, we rang the crisis line together and I stayed on until they were "
    "connected.",
    "{N} asked to be put through to the crisis line. I stayed on the line with them until "
    "someone there picked up.",
)
FOLLOW_UPS = (
    "{N} might ring back {when} to say how {event} went; worth asking.",
    "If {n} calls again, ask how {event} went.",
    "{N} said they'd call {when}; they'd like whoever answers to know about {event}.",
    "Ask {n} about {event} next time; they said they'd like that.",
)
CHECK_IN = (
    "{N} rang for a quick hello before bed, as they often do.",
    "Short call: {n} wanted to say the day had gone all right.",
    "{N} checked in to say they had made it to the shops today.",
    "A brief call to say goodnight; {n} sounded settled.",
    "{N} got in touch to say how {event} went, as they'd said they would.",
    "Quick check-in. {N} mostly wanted to hear a friendly voice and talk about {smalltalk}.",
)
CHECK_IN_MOVING = (
    "{N} is looking forward to {lookforward}.",
    "{N} said they'd get an early night.",
    "They'd like to ring back {when} for a longer chat.",
)
SILENT = (
    "Silent contact. I said hello, that I was here, and that it was fine to stay on the line "
    "without talking. I stayed for a few minutes.",
    "Nobody spoke, but I could hear {background} in the background. I said the line is open "
    "until two if they want to talk later.",
    "A silent call. I talked a little about {smalltalk} in case it helped to hear a voice, "
    "then said goodbye gently.",
)
SILENT_WRITTEN = (
    "The chat opened but no messages came. I wrote that I was here whenever they were ready.",
    "An empty message, then nothing. I wrote back that the line is open until two.",
)
SILENT_REGULAR = (
    "{N} sometimes starts silent. I said hello and that I was here; they stayed on a while "
    "without speaking, and that was all right.",
)
HANG_UP = (
    "The call ended after a few seconds, before anyone spoke.",
    "I said hello and the line went dead.",
    "A breath, then the call ended.",
    "Ended straight away. If it was someone working up to calling, we're here.",
)
WRONG_NUMBER = (
    "Wrong number: they were trying to reach {wrong_place}. Wished them a good evening.",
    "Someone looking for {wrong_place}. Told them this is a listening line and wished them well.",
)
CLOCK_WORDS = {
    10: "ten", 11: "eleven", 12: "midday", 13: "one", 14: "two", 15: "three", 16: "four",
    17: "five", 18: "six", 19: "seven", 20: "eight", 21: "nine", 22: "ten", 23: "eleven",
    0: "midnight", 1: "one",
}  # fmt: skip


@dataclass(frozen=True)
class _TopicBank:
    """What a conversation about one topic tends to hold, in the caller's terms."""

    situations: tuple[str, ...]
    quotes: tuple[str, ...]
    wants: tuple[str, ...]
    event: str
    resources: tuple[str, ...] = ()


TOPIC_BANKS: dict[str, _TopicBank] = {
    "Just wanted to talk": _TopicBank(
        (
            "{N} said there was nothing in particular, just a long day and nobody to tell "
            "about it.",
            "{N} sees the call as part of the evening, like the news or a cup of tea.",
            "For {n}, hearing another voice makes the flat feel less big.",
        ),
        (
            "I don't need anything fixed, I just want a chat.",
            "You're the only person I've spoken to today.",
            "It's nice to talk to someone who isn't in a rush.",
        ),
        (
            "more chats like this one, where nobody is in a hurry",
            "to find a second person to talk to in the week",
            "to try the drop-in at the community centre",
        ),
        "their week",
        ("Times of the peer-run drop-in at the community centre (Tuesdays and Fridays).",),
    ),
    "Loneliness": _TopicBank(
        (
            "{N} described the weekends as the longest part of the week since their friend "
            "moved away.",
            "To {n}, being on their own isn't the hard part; it is feeling that nobody would "
            "notice either way.",
            "{N} said the building goes quiet after the neighbours' lights go off, and that "
            "is when it bites.",
        ),
        (
            "The walls start talking back after a while.",
            "Nobody knocks any more.",
            "I miss having someone to moan about the telly with.",
        ),
        (
            "to get to know one person in the building",
            "to join the Thursday knitting group at the library",
            "to write to an old friend they lost touch with",
        ),
        "the knitting group",
        ("The befriending scheme's number.", "Details of the Thursday knitting group."),
    ),
    "Family and relationships": _TopicBank(
        (
            "{N} talked about a row with their sister and feels they always end up the one "
            "who says sorry.",
            "{N} has noticed their son's visits getting shorter and wonders what changed.",
            "For {n}, family get-togethers bring back how things were when they were young.",
        ),
        (
            "I love them but they wear me out.",
            "My mum still talks to me like I'm twelve.",
            "I want to be part of it without losing myself.",
        ),
        (
            "to tell their sister how they feel without it turning into a row",
            "an easier Sunday lunch with the family",
            "to ring their dad on his birthday",
        ),
        "the talk with their sister",
        ("The carers' support group at the community centre.",),
    ),
    "Friendships": _TopicBank(
        (
            "{N} feels they do all the texting first in one friendship and wonders whether "
            "to stop.",
            "{N} has a new friend from the allotment and isn't sure how much to share yet.",
        ),
        (
            "I'm always the one who reaches out.",
            "I don't want to scare her off by being too much.",
        ),
        (
            "to invite their friend for a walk at the weekend",
            "to say yes the next time they're asked out",
        ),
        "the walk with their friend",
    ),
    "Housing": _TopicBank(
        (
            "{N} said the new neighbours slam doors late at night, and it feels like being "
            "pushed out of the first place they've felt settled in years.",
            "The damp in the bedroom has got into everything, and {n} feels nobody at the "
            "housing office listens.",
            "{N} is waiting to hear about a move and said not knowing is the hardest part.",
        ),
        (
            "It's my home and it doesn't feel like mine.",
            "I've rung them six times about the boiler.",
        ),
        (
            "a flat that feels like home again",
            "to ask a friend to come along to the housing office",
            "to put some pictures up once the damp is sorted",
        ),
        "the housing office visit",
        ("The tenants' advice line and the housing charity's drop-in hours.",),
    ),
    "Money": _TopicBank(
        (
            "{N} talked about the benefits letter and how official language makes them feel small.",
            "For {n}, the end of the month is when everything gets tight and the worry gets loud.",
            "{N} has been skipping meals to pay for the electric and didn't want to make a "
            "fuss about it.",
        ),
        (
            "I open the post with my eyes half shut.",
            "Money's not everything but it's the thing I think about most.",
        ),
        (
            "to open the letters with someone else there",
            "to try the free advice session at the library on Monday",
            "a week without counting every coin",
        ),
        "the benefits appointment",
        ("The free money advice session at the library on Mondays.", "Food bank opening times."),
    ),
    "Work": _TopicBank(
        (
            "{N} started a new job and worries that people there can tell they're struggling.",
            "{N} feels their manager only notices when something goes wrong.",
            "{N} has been off work for a while and thinks about going back with a mix of hope "
            "and dread.",
        ),
        (
            "I'm good at my job, I just can't do Mondays.",
            "They keep saying their door is open, but it never feels like it.",
        ),
        (
            "a return to work that goes at their pace",
            "to tell one colleague what's been going on",
            "to find work that uses their hands",
        ),
        "the meeting with their manager",
        ("The employment rights advice line.",),
    ),
    "Physical health": _TopicBank(
        (
            "{N} has had pain in their back for weeks and said it colours everything else.",
            "{N} is waiting for test results and finds the waiting harder than the tests.",
            "For {n}, being tired all the time makes it hard to tell what is body and what is "
            "mood.",
        ),
        (
            "My body has its own opinions these days.",
            "I just want someone to believe me about the pain.",
        ),
        (
            "to write their questions down before the next appointment",
            "to get back to short walks round the park",
            "a doctor who listens",
        ),
        "the test results",
        ("A list of questions for the next appointment, which we wrote together.",),
    ),
    "Sleep": _TopicBank(
        (
            "{N} has been awake most nights until four and said the house sounds different "
            "at that hour.",
            "For {n}, lying awake is when the worries line up one after another.",
            "{N} sleeps better on nights after calling and thinks it's the talking that does it.",
        ),
        (
            "Three in the morning is the loneliest time there is.",
            "I'm tired but my head won't switch off.",
        ),
        (
            "a wind-down routine with the radio on low",
            "to try getting up at the same time each day",
            "one good night's sleep this week",
        ),
        "the new bedtime routine",
        ("A sleep leaflet written by people at the peer centre.",),
    ),
    "Substance use": _TopicBank(
        (
            "{N} said drinking has crept up since the winter and they're in two minds about it.",
            "{N} has gone three weeks without a drink and talked about what fills the "
            "evenings now.",
            "For {n}, a drink is what gets them through the evenings, and they want to look "
            "at that in their own time.",
        ),
        (
            "It's not the drink, it's what's under it.",
            "Three weeks today, and nobody to tell.",
        ),
        (
            "to mark a month without a drink with something nice",
            "to try the peer-run group on Tuesday evenings",
            "to keep talking about it without being told what to do",
        ),
        "the Tuesday group",
        ("The peer-run group on Tuesday evenings for people thinking about their drinking.",),
    ),
    "Grief and loss": _TopicBank(
        (
            "It's a year since {p} partner died, and the anniversary has brought it all back.",
            "{N} lost their dog last month and said people don't understand how big that is.",
            "{N} talked about their mum, who died in the spring, and how the house still "
            "smells of her.",
        ),
        (
            "Everyone's moved on except me.",
            "I still set two cups out some mornings.",
        ),
        (
            "to find a way to mark the anniversary",
            "to plant something in the garden in their memory",
            "to talk about them more, not less",
        ),
        "the anniversary",
        ("The bereavement café at the library, first Saturday of the month.",),
    ),
    "Feeling low": _TopicBank(
        (
            "{N} described the last week as grey, with everything taking twice the effort.",
            "For {n}, the low patches come with the darker evenings, and they know the "
            "pattern well.",
            "{N} said getting dressed was today's big achievement, and we agreed it counts.",
        ),
        (
            "It's like walking through treacle.",
            "I know it'll lift, it just doesn't feel like it tonight.",
        ),
        (
            "a little more light in the day, maybe a walk before noon",
            "to go easier on themselves about the small stuff",
            "to do one thing tomorrow just for themselves",
        ),
        "the walk they planned",
        ("The walking group that meets at the park gate on Sundays.",),
    ),
    "Worry and stress": _TopicBank(
        (
            "{N} has a lot going on at once and said their mind keeps running through the "
            "worst versions.",
            "{N} is worried about an appointment on Friday and has been rehearsing it in "
            "their head.",
            "For {n}, worry shows up in the body first: a tight chest and shaky hands.",
        ),
        (
            "My head is like a browser with forty tabs open.",
            "I know it probably won't happen, but try telling my brain that.",
        ),
        (
            "to write the worries down and leave them on the table overnight",
            "to take someone with them on Friday",
            "a quieter weekend",
        ),
        "Friday's appointment",
        ("A breathing exercise sheet from the peer centre.",),
    ),
    "Voices and unusual experiences": _TopicBank(
        (
            "{N} hears voices that have been louder this week; they said the voices get "
            "nastier when they're tired.",
            "{N} talked about the voices as old companions, some unkind and one that's on "
            "their side.",
            "To {n}, the messages in the radio feel very real, and I listened to what they "
            "mean to them rather than arguing.",
        ),
        (
            "They're loud tonight but I'm louder.",
            "The kind one told me to ring you.",
        ),
        (
            "to get back to the hearing voices group",
            "a calmer night with music on",
            "to tell the voices they can wait until morning",
        ),
        "the hearing voices group",
        ("Details of the hearing voices group that meets on Wednesday evenings.",),
    ),
    "Experiences with services": _TopicBank(
        (
            "{N} talked about a hard appointment where they felt talked over.",
            "{N} has been passed between teams and said it feels like nobody owns it.",
            "For {n}, past hospital stays shape how they feel about asking for anything now.",
        ),
        (
            "They wrote about me like I wasn't in the room.",
            "I just want to be asked what I think.",
        ),
        (
            "to take a written list to the next appointment",
            "to ask for a copy of what's written about them",
            "an advocate who can come along",
        ),
        "the next appointment",
        ("The independent advocacy service's number.",),
    ),
    CRISIS_TOPIC: _TopicBank(
        (
            "{N} said thoughts of ending their life have been around this week. We talked "
            "about it openly, and I asked what tonight was like for them.",
            "{N} talked about urges to hurt themselves and what has got them through before.",
            "For {n}, the thoughts come and go, and saying them out loud takes some of the "
            "weight off.",
        ),
        (
            "I'm not going to do anything tonight, I just needed to say it.",
            "Saying it out loud makes it smaller.",
        ),
        (
            "to get through tonight and ring back tomorrow",
            "to spend tomorrow at their friend's",
            "to keep the crisis number by the phone",
        ),
        "getting through the night",
    ),
}
GENERIC_RESOURCES = (
    "Times of the peer-run drop-in at the community centre (Tuesdays and Fridays).",
    "The line's own opening hours, written down for the fridge.",
)

CALLER_NOTES = (
    "Likes to start with how the cat is doing.",
    "Prefers not to talk about work unless they bring it up.",
    "Finds Sunday evenings hardest.",
    "Plays in a brass band and will happily tell you about it.",
    "Sometimes starts silent; give it a minute.",
    "Calls from a mobile that cuts out, so a redial is usual.",
    "Enjoys a crossword clue at the end of a call.",
    "Chose this name themselves and likes being greeted by it.",
    "Has been calling for a couple of years; knows the line well.",
    "Likes to hear a bit about the volunteer's day too.",
)
AGREEMENT_NOTES = (
    "A redial straight after a dropped call counts as the same call.",
    "Prefers calls after 8 pm, when the house is quiet.",
    "Agreed we'd end each call with one thing to look forward to.",
    "Likes a gentle reminder when we're near the end of the time.",
    "Worked out together in the spring; we look at it again every few months.",
)
SHIFT_NOTES = (
    "Checked in at the start: both a bit tired but glad to be here.",
    "Debriefed at the end over tea.",
    "Checked in at the start; one of us had a long day, so we agreed to swap for breaks.",
    "Quick debrief at the end. Both fine.",
)
HOW_IT_WAS = (
    "Most callers wanted company more than anything.",
    "A steady shift with a couple of long calls.",
    "Lots of short calls early on, longer ones later.",
    "Several people mentioned the weather getting them down.",
    "It felt like a settled shift overall.",
)
TEAM_AND_PHONES = (
    "Phone 2 crackles again; we used phone 1 after {clock}.",
    "We checked in at the start and debriefed at the end; both fine.",
    "Headset battery ran low; the charger is in the top drawer.",
    "The chat window logged us out once; logging back in fixed it.",
    "Nothing to report on the phones.",
    "Took breaks in turn, which worked well.",
    "The resource folder needs the new drop-in times adding.",
)

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

    def __init__(self, rng: random.Random, extra: dict[str, tuple[str, ...]]) -> None:
        super().__init__()
        self._rng = rng
        self._extra = extra

    def __missing__(self, key: str) -> str:
        options = self._extra.get(key) or FILLERS[key]
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
        self._topic_cum = _cumulative(TOPIC_WEIGHTS.get(t, 3.0) for t in topics)
        self._banks = {t: TOPIC_BANKS.get(t, TOPIC_BANKS["Just wanted to talk"]) for t in topics}
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
        names = list(ALIASES)
        rng.shuffle(names)
        out = []
        for i in range(n):
            alias = names[i % len(names)]
            if i >= len(names):
                alias = f"{alias} {i // len(names) + 1}"
            per_day = rng.choices((None, 1, 2, 3), (2, 2, 3, 4))[0]
            minutes = rng.choice((10, 15, 20, 20, 30)) if per_day else None
            notes = " ".join(rng.sample(CALLER_NOTES, rng.randint(0, 2)))
            agreement = rng.choice(AGREEMENT_NOTES) if per_day and rng.random() < 0.5 else ""
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
                notes = rng.choice(SHIFT_NOTES) if rng.random() < 0.4 else ""
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
            slots = _Slots(rng, {})
            slots.update(N=big, n=small, p=possessive)
            pool: Sequence[str]
            if kind == "hang_up":
                pool = HANG_UP
            elif kind == "wrong_number":
                pool = WRONG_NUMBER
            else:
                pool = SILENT if channel == "phone" else SILENT_WRITTEN
            call.connection = _pick(r, pool).format_map(slots)
            return call

        topics = self._topics_for(r, profile, kind)
        bank = self._banks[topics[0]]
        slots = _Slots(rng, {"want": bank.wants, "quote": bank.quotes})
        slots.update(N=big, n=small, p=possessive, clock=CLOCK_WORDS[hour], event=bank.event)
        call.topics = topics

        if kind == "silent":  # a regular who sometimes starts silent
            call.connection = _pick(r, SILENT_REGULAR).format_map(slots)
            return call
        if kind == "check_in":
            call.connection = _pick(r, CHECK_IN).format_map(slots)
            if r() < 0.5:
                call.moving_towards = _pick(r, CHECK_IN_MOVING).format_map(slots)
            if r() < 0.05:
                call.follow_up = _pick(r, FOLLOW_UPS).format_map(slots)
            return call

        # A conversation: notes of about a kilobyte, longer for longer calls.
        scale = min(1.3, max(0.75, 0.8 + seconds / 3600))
        opener = OPEN_PHONE if channel == "phone" else OPEN_WRITTEN
        quote_in_connection = r() < 0.15
        quote_in_worldview = not quote_in_connection and r() < 0.4
        call.connection = _compose(
            r,
            slots,
            [_pick(r, opener)],
            CONNECTION_MIDDLE,
            int(215 * scale),
            ending=_pick(r, CONNECTION_CLOSE) if r() < 0.5 else None,
            quote=quote_in_connection,
        )
        situations = [_pick(r, bank.situations)]
        if len(topics) > 1 and r() < 0.5:
            situations.append(_pick(r, self._banks[topics[1]].situations))
        call.worldview = _compose(
            r,
            slots,
            situations,
            WORLDVIEW_GENERIC,
            int(235 * scale),
            quote=quote_in_worldview,
        )
        call.mutuality = _compose(r, slots, [], MUTUALITY, int(195 * scale))
        moving = _compose(r, slots, [_pick(r, MOVING_FRAMES)], MOVING_EXTRA, int(140 * scale))

        crisis_chance = 0.6 if CRISIS_TOPIC in topics else 0.002
        if r() < crisis_chance:
            call.crisis_offered = True
            if r() < 0.2:
                call.crisis_connected = True
                moving += " " + _pick(r, CRISIS_CONNECTED).format_map(slots)
            else:
                moving += " " + _pick(r, CRISIS_OFFERED).format_map(slots)
        call.moving_towards = moving

        if r() < 0.14:
            call.resources_shared = _pick(r, bank.resources or GENERIC_RESOURCES)
        if r() < 0.2:
            call.follow_up = _pick(r, FOLLOW_UPS).format_map(slots)
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
        slots = _Slots(rng, {})
        end = (shift.ended_at or self.now).astimezone(tz)
        slots["clock"] = CLOCK_WORDS.get((end.hour - 2) % 24, "nine")

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
            how += " " + _pick(r, HOW_IT_WAS[1:] if top == JUST_TALK else HOW_IT_WAS)
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
        team = " ".join(_pick(r, TEAM_AND_PHONES).format_map(slots) for _ in range(1 + (r() < 0.3)))
        if team.count("Nothing to report") and len(team) > 40:
            team = _pick(r, TEAM_AND_PHONES[1:]).format_map(slots)
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
    quote: bool = False,
) -> str:
    """Sentences until the text is about ``target`` characters, each middle one used once."""
    parts = [t.format_map(slots) for t in start]
    if quote:
        parts.append(_pick(r, QUOTE_FRAMES).format_map(slots))
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

    handovers = session.handovers.add_many(
        [generator.handover(s, by_shift.get(s.uuid, []), callers) for s in shifts]
    )
    summary.handovers = len(handovers)

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
            other = session.vault.unlock(account.uuid, passphrase)
        except WarmlineError:  # a reused account with its own passphrase: skip it
            continue
        try:
            for handover_uuid in incoming[account.uuid]:
                other.handovers.acknowledge(handover_uuid)
                summary.acknowledgements += 1
        finally:
            other.lock()
    return summary


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
