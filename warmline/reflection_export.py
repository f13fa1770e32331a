"""A worker's own reflections as plain text, for the file they chose to keep them in.

Only ever called with the unlocked person's own reflections (``session.debriefs.mine()``
opens nothing else): there is no team export of reflections, by design. The file this text
goes into is not sealed, and the screen says so before writing it; the text says so again
at its top, for whoever finds the file later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from warmline import ips
from warmline.debriefs import CHECK_IN_MAX, Debrief

Formatter = Callable[[datetime | None], str]


def reflection_lines(rec: Debrief, call_line: str, when: Formatter) -> list[str]:
    """One reflection as lines: when, which call, the check-in, the answers, the note."""
    frame = ips.reflection()
    lines = [when(rec.created_at) or rec.day]
    if rec.damaged:
        return [*lines, "This reflection could not be opened (it looks damaged).", ""]
    if call_line:
        lines.append(f"After the call: {call_line}")
    if rec.check_in:
        label = frame.check_in_label(rec.check_in)
        feeling = f", {rec.feeling}" if rec.feeling else ""
        lines.append(
            f"{frame.check_in_question} {rec.check_in} of {CHECK_IN_MAX} ({label}){feeling}"
        )
    elif rec.feeling:
        lines.append(f"{frame.check_in_question} {rec.feeling}")
    if rec.need:
        lines.append(f"{frame.needs_question} {frame.need_label(rec.need) or rec.need}")
    for question in ips.debrief_questions():
        answer = rec.answers.get(question.id, "").strip()
        if answer:
            lines += [question.text, f"    {answer}"]
    if rec.note_to_self.strip():
        lines += ["A note to myself", f"    {rec.note_to_self.strip()}"]
    return [*lines, ""]


def export_text(
    reflections: Iterable[Debrief],
    call_lines: dict[str, str],
    when: Formatter,
    exported_at: datetime,
) -> str:
    """Every reflection given, newest first as given, under a warning about the file."""
    out = [
        "My reflections",
        f"Kept from Warmline on {when(exported_at)}.",
        "This file is NOT sealed: anyone who can open it can read it. Keep it somewhere only "
        "you can reach, and delete it when you no longer need it.",
        "",
    ]
    for rec in reflections:
        out += reflection_lines(rec, call_lines.get(rec.call_uuid or "", ""), when)
    return "\n".join(out)
