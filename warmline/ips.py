"""Intentional Peer Support (IPS) framing, read from data by every screen that needs it.

Why this is data: the call form, the private debrief and the reports all frame a call the
same way (four tasks, three principles, the same channels and kinds of contact). Keeping
the wording in one file (``warmline/data/ips.json``) means it stays consistent, can be
reviewed by peer workers rather than programmers, and can be adjusted by a line without a
code change.

All wording is our own paraphrase: the IPS materials are copyrighted, so ideas are carried
over and sentences are not. The text is also written to pass our own language lens; a test
holds it to that.

The data is loaded once per process and handed out as frozen dataclasses and tuples, so no
caller can change what another screen sees.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "Choice",
    "DebriefQuestion",
    "Principle",
    "ReflectionFrame",
    "Task",
    "channels",
    "contact_kinds",
    "debrief_questions",
    "default_topics",
    "principles",
    "reflection",
    "tasks",
]

_DATA_PACKAGE = "warmline.data"
_DATA_FILE = "ips.json"
_TASK_IDS = ("connection", "worldview", "mutuality", "moving_towards")


@dataclass(frozen=True)
class Task:
    """One of the four IPS tasks, with what the call note asks about it.

    ``prompt`` is the one-line question above the task's box on the call note; ``example``
    is grey placeholder text showing a short note in the caller's own terms; ``about`` is a
    plain description for help text.
    """

    id: str
    title: str
    about: str
    prompt: str
    example: str


@dataclass(frozen=True)
class Principle:
    """One of the three IPS principles: the lens for every screen that asks for reflection."""

    id: str
    title: str
    summary: str


@dataclass(frozen=True)
class DebriefQuestion:
    """A private after-call question for the worker; ``relates_to`` is a task or principle id.

    The link lets the debrief screen show which part of IPS a question comes from, so the
    questions read as practice rather than as an assessment of the worker.
    """

    id: str
    text: str
    relates_to: str


@dataclass(frozen=True)
class Choice:
    """A stable id stored in records, with the label people see."""

    id: str
    label: str


@dataclass(frozen=True)
class ReflectionFrame:
    """The parts of the private reflection that are not questions: what it promises, the
    check-in scale (a value and its words, lowest first) and what the worker may need."""

    privacy: str
    check_in_question: str
    check_in_scale: tuple[tuple[int, str], ...]
    needs_question: str
    needs: tuple[Choice, ...]

    def check_in_label(self, value: int) -> str:
        """The words for a check-in value ("" for none or an unknown one)."""
        return next((label for v, label in self.check_in_scale if v == value), "")

    def need_label(self, need_id: str) -> str:
        return next((n.label for n in self.needs if n.id == need_id), "")


@dataclass(frozen=True)
class _IpsData:
    tasks: tuple[Task, ...]
    principles: tuple[Principle, ...]
    debrief_questions: tuple[DebriefQuestion, ...]
    reflection: ReflectionFrame
    channels: tuple[Choice, ...]
    contact_kinds: tuple[Choice, ...]
    default_topics: tuple[str, ...]


def tasks() -> tuple[Task, ...]:
    """The four tasks, in their IPS order: each builds on the ones before it."""
    return _load().tasks


def principles() -> tuple[Principle, ...]:
    """The three principles, in their usual order."""
    return _load().principles


def debrief_questions() -> tuple[DebriefQuestion, ...]:
    """Questions for the worker's private self-reflection after a call."""
    return _load().debrief_questions


def reflection() -> ReflectionFrame:
    """The check-in, the needs and the privacy promise of the private reflection."""
    return _load().reflection


def channels() -> tuple[Choice, ...]:
    """How a contact reached the line (phone, text, chat)."""
    return _load().channels


def contact_kinds() -> tuple[Choice, ...]:
    """What sort of contact it was, from a full conversation to a wrong number."""
    return _load().contact_kinds


def default_topics() -> tuple[str, ...]:
    """A starting list of topics in everyday words; each line can edit its own copy."""
    return _load().default_topics


@functools.cache
def _load() -> _IpsData:
    """Read and check the packaged JSON once; importlib.resources makes it wheel-safe."""
    raw = resources.files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    return _parse(json.loads(raw))


def _parse(data: object) -> _IpsData:
    """Turn the JSON into dataclasses, failing loudly: a typo must break tests, not screens."""
    root = _mapping(data, "ips.json")
    parsed_tasks = tuple(
        Task(
            id=_text(item, "id", where),
            title=_text(item, "title", where),
            about=_text(item, "about", where),
            prompt=_text(item, "prompt", where),
            example=_text(item, "example", where),
        )
        for where, item in _objects(root, "tasks")
    )
    if tuple(task.id for task in parsed_tasks) != _TASK_IDS:
        raise ValueError(f"ips.json: tasks must be {_TASK_IDS} in that order")
    parsed_principles = tuple(
        Principle(
            id=_text(item, "id", where),
            title=_text(item, "title", where),
            summary=_text(item, "summary", where),
        )
        for where, item in _objects(root, "principles")
    )
    known = {task.id for task in parsed_tasks} | {p.id for p in parsed_principles}
    questions = tuple(
        DebriefQuestion(
            id=_text(item, "id", where),
            text=_text(item, "text", where),
            relates_to=_text(item, "relates_to", where),
        )
        for where, item in _objects(root, "debrief_questions")
    )
    for question in questions:
        if question.relates_to not in known:
            raise ValueError(
                f"ips.json: debrief question {question.id!r} relates to unknown "
                f"{question.relates_to!r}"
            )
    parsed = _IpsData(
        tasks=parsed_tasks,
        principles=parsed_principles,
        debrief_questions=questions,
        reflection=_reflection(root),
        channels=_choices(root, "channels"),
        contact_kinds=_choices(root, "contact_kinds"),
        default_topics=_topics(root),
    )
    for section, ids in (
        ("principles", [p.id for p in parsed.principles]),
        ("debrief_questions", [q.id for q in parsed.debrief_questions]),
        ("channels", [c.id for c in parsed.channels]),
        ("contact_kinds", [c.id for c in parsed.contact_kinds]),
    ):
        if len(set(ids)) != len(ids):
            raise ValueError(f"ips.json: duplicate id in {section}")
    return parsed


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a JSON object")
    return value


def _objects(root: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    """The objects in list ``key``, each with a location for error messages."""
    items = root.get(key)
    if not isinstance(items, list) or not items:
        raise ValueError(f"ips.json: {key!r} must be a non-empty list")
    return [
        (f"ips.json {key}[{i}]", _mapping(item, f"ips.json {key}[{i}]"))
        for i, item in enumerate(items)
    ]


def _text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value


def _choices(root: dict[str, Any], key: str) -> tuple[Choice, ...]:
    return tuple(
        Choice(id=_text(item, "id", where), label=_text(item, "label", where))
        for where, item in _objects(root, key)
    )


def _reflection(root: dict[str, Any]) -> ReflectionFrame:
    item = _mapping(root.get("reflection"), "ips.json reflection")
    where = "ips.json reflection"
    scale = []
    for step_where, step in _objects(item, "check_in_scale"):
        value = step.get("value")
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{step_where}: 'value' must be a whole number")
        scale.append((value, _text(step, "label", step_where)))
    values = [v for v, _ in scale]
    if values != sorted(set(values)):
        raise ValueError(f"{where}: check-in values must rise, without repeats")
    needs = _choices(item, "needs")
    if "lead" not in {n.id for n in needs}:
        raise ValueError(f"{where}: the needs must include 'lead' (a word with the shift lead)")
    return ReflectionFrame(
        privacy=_text(item, "privacy", where),
        check_in_question=_text(item, "check_in_question", where),
        check_in_scale=tuple(scale),
        needs_question=_text(item, "needs_question", where),
        needs=needs,
    )


def _topics(root: dict[str, Any]) -> tuple[str, ...]:
    items = root.get("default_topics")
    if not isinstance(items, list) or not items:
        raise ValueError("ips.json: 'default_topics' must be a non-empty list")
    if not all(isinstance(item, str) and item.strip() for item in items):
        raise ValueError("ips.json: 'default_topics' must hold only non-empty strings")
    if len(set(items)) != len(items):
        raise ValueError("ips.json: duplicate entry in 'default_topics'")
    return tuple(items)
