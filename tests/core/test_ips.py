"""IPS framing data: complete, in order, in our own words, and clean under our own lens."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from importlib import resources

import pytest

from warmline import ips
from warmline.language import LanguageLens


def _raw() -> object:
    return json.loads(resources.files("warmline.data").joinpath("ips.json").read_text("utf-8"))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_four_tasks_in_ips_order() -> None:
    tasks = ips.tasks()
    assert [t.id for t in tasks] == ["connection", "worldview", "mutuality", "moving_towards"]
    assert [t.title for t in tasks] == ["Connection", "Worldview", "Mutuality", "Moving towards"]


def test_each_task_has_a_one_line_prompt_and_a_realistic_example() -> None:
    for task in ips.tasks():
        assert task.prompt.endswith("?")
        assert "\n" not in task.prompt and len(task.prompt) <= 120
        assert "Robin" in task.example
        assert 60 <= len(task.example) <= 400
        assert task.about


def test_three_principles() -> None:
    principles = ips.principles()
    assert [p.id for p in principles] == ["learning", "relationship", "hope"]
    for principle in principles:
        assert principle.summary.endswith(".")
        # One plain sentence each.
        assert principle.summary.count(".") == 1


def test_debrief_questions_are_tied_to_a_task_or_principle() -> None:
    questions = ips.debrief_questions()
    assert 6 <= len(questions) <= 8
    known = {t.id for t in ips.tasks()} | {p.id for p in ips.principles()}
    for question in questions:
        assert question.relates_to in known
        assert question.text.endswith("?")
    covered = {q.relates_to for q in questions}
    assert known <= covered, "every task and principle gets at least one question"
    assert len({q.id for q in questions}) == len(questions)


def test_reflection_asks_about_the_worker_not_the_caller() -> None:
    """Each question is about the worker's own part (I, me, my), as IPS reflection is."""
    for question in ips.debrief_questions():
        words = set(re.findall(r"[a-z]+", question.text.lower()))
        assert words & {"i", "me", "my", "mine", "us"}, question.text
        assert "should" not in words and "risk" not in words, question.text


def test_reflection_frame_check_in_and_needs() -> None:
    frame = ips.reflection()
    assert [v for v, _ in frame.check_in_scale] == [1, 2, 3, 4, 5]
    assert frame.check_in_label(5) and frame.check_in_label(0) == ""
    assert [n.id for n in frame.needs] == ["nothing", "break", "lead"]
    assert frame.need_label("lead") == "A word with the shift lead"
    assert "Only you" in frame.privacy


def test_reflection_frame_refuses_a_scale_that_does_not_rise() -> None:
    raw = _raw()
    assert isinstance(raw, dict)
    raw["reflection"]["check_in_scale"] = [{"value": 2, "label": "a"}, {"value": 1, "label": "b"}]
    with pytest.raises(ValueError, match="rise"):
        ips._parse(raw)
    raw = _raw()
    assert isinstance(raw, dict)
    raw["reflection"]["needs"] = [{"id": "nothing", "label": "Nothing"}]
    with pytest.raises(ValueError, match="lead"):
        ips._parse(raw)


def test_channels_and_contact_kinds() -> None:
    assert [c.id for c in ips.channels()] == ["phone", "text", "chat"]
    assert [c.id for c in ips.contact_kinds()] == [
        "conversation",
        "check_in",
        "silent",
        "hang_up",
        "wrong_number",
    ]
    for choice in (*ips.channels(), *ips.contact_kinds()):
        assert choice.label and choice.label[0].isupper()
        assert re.fullmatch(r"[a-z_]+", choice.id)


def test_default_topics_are_plain_and_unique() -> None:
    topics = ips.default_topics()
    assert isinstance(topics, tuple)
    assert len(set(topics)) == len(topics) >= 10
    for expected in (
        "Loneliness",
        "Family and relationships",
        "Housing",
        "Money",
        "Substance use",
        "Grief and loss",
        "Voices and unusual experiences",
        "Just wanted to talk",
    ):
        assert expected in topics


def test_loaded_once_and_immutable() -> None:
    assert ips.tasks() is ips.tasks()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ips.tasks()[0].title = "changed"  # type: ignore[misc]


def test_every_text_in_ips_json_passes_the_language_lens() -> None:
    lens = LanguageLens.default()
    for text in _strings(_raw()):
        assert lens.scan(text) == [], text


def test_no_flagged_words_even_inside_quotes() -> None:
    """Quotes hide words from the lens; our own data must not lean on that."""
    lens = LanguageLens.default()
    for text in _strings(_raw()):
        unquoted = re.sub('["“”‘’]', " ", text)
        assert lens.scan(unquoted) == [], text


def test_no_clinical_wording_in_topics_or_prompts() -> None:
    words = " ".join([*ips.default_topics(), *(t.prompt for t in ips.tasks())]).lower()
    for clinical in ("disorder", "symptom", "diagnos", "psychosis", "depression", "risk"):
        assert clinical not in words
