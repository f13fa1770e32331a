"""Keeping notes only as long as there is a reason: erasing old free text for real.

A coordinator may choose that what people typed about calls is erased once the calls are
older than a number of days, and the same (with its own period) for handovers and finished
follow-ups. What stays is what the line's figures need: when, how long, which channel, kind
of contact, topics, crisis resources, who took it. So reports give the same counts after a
run as before it.

What a run erases:

* **calls** older than the period: the four IPS notes, resources shared and the follow-up
  text;
* **regulars** whose newest call and whose record are both older than the period: the
  alias (it becomes "Former regular"), the notes and the agreement's words; the agreed
  numbers stay for the figures;
* **handovers** older than their period: every section and the shift summary inside (it
  names regulars); the short replies to them;
* **follow-ups** older than that period and done: their text and closing note (one still
  open is still work to do, and is left);
* every **earlier version** of each of those records.

Each record is rewritten at a new revision with the text gone and its history deleted; a
batch of them is one transaction, so a crash leaves each record either as it was or erased.
``secure_delete`` overwrites the freed bytes in the file; at the end the WAL is checkpointed
and truncated and the file is ``VACUUM``-ed, so nothing of the old text stays in the WAL,
in free pages or in a page an index once used.

Reflections are never touched: they follow their own author's choice, not the team's.

The job runs in batches, like the re-seal (``left`` then ``step`` until ``finished``), after
any member unlocks (every member holds the team key; the choice itself is a coordinator's,
in the sealed team settings). A crash or a lock loses nothing: the rest is found next time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from warmline.accounts import Role
from warmline.calls import Call
from warmline.db import checkpoint, writing
from warmline.errors import InvalidInput, NotAllowed
from warmline.handovers import SECTIONS
from warmline.records import Repository
from warmline.session import Session
from warmline.timeutil import utcnow

SETTING_KEY = "retention"
#: The shortest period offered: a month, so last week's notes are never erased by a slip.
MIN_DAYS = 30
MAX_DAYS = 36_500
FORMER_REGULAR = "Former regular"
#: The kinds of record a run erases, in the order a batch handles them.
KINDS = ("calls", "regulars", "handovers", "followups")
#: The free text of a call (what a person typed about the caller).
CALL_TEXT = (*Call.IPS_FIELDS, "resources_shared", "follow_up")


@dataclass(frozen=True)
class RetentionPolicy:
    """Days after which free text is erased; None keeps it (the default: nothing expires)."""

    calls_days: int | None = None
    handovers_days: int | None = None

    @property
    def active(self) -> bool:
        return self.calls_days is not None or self.handovers_days is not None

    def to_setting(self) -> dict[str, int | None]:
        return {"calls_days": self.calls_days, "handovers_days": self.handovers_days}

    @classmethod
    def from_setting(cls, value: object) -> RetentionPolicy:
        """The stored choice, with anything malformed (a file edited by hand) read as
        "keep": a bad value must never erase more than was chosen."""
        if not isinstance(value, dict):
            return cls()
        return cls(_days(value.get("calls_days")), _days(value.get("handovers_days")))


def _days(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if MIN_DAYS <= value <= MAX_DAYS else None


def load_policy(session: Session) -> RetentionPolicy:
    return RetentionPolicy.from_setting(session.settings.get(SETTING_KEY))


def save_policy(session: Session, policy: RetentionPolicy) -> None:
    """A coordinator's choice (the team settings refuse anyone else)."""
    for days in (policy.calls_days, policy.handovers_days):
        if days is not None and not MIN_DAYS <= days <= MAX_DAYS:
            raise InvalidInput(f"Choose at least {MIN_DAYS} days.")
    if session.account.role is not Role.COORDINATOR:
        raise NotAllowed("Only a coordinator can choose how long notes are kept.")
    session.settings.set(SETTING_KEY, policy.to_setting())


def cutoff(days: int | None, today: date) -> str | None:
    """The first day still kept, as ``YYYY-MM-DD`` (records of earlier days are erased)."""
    return None if days is None else (today - timedelta(days=days)).isoformat()


@dataclass
class RetentionCounts:
    """How many records a run would change (the preview) or has changed."""

    calls: int = 0
    regulars: int = 0
    handovers: int = 0
    followups: int = 0

    @property
    def total(self) -> int:
        return self.calls + self.regulars + self.handovers + self.followups


@dataclass
class RetentionProgress:
    done: int
    left: int
    finished: bool


@dataclass
class Retention:
    """One run of the policy over the unlocked session's line, a batch at a time."""

    session: Session
    policy: RetentionPolicy
    today: date = field(default_factory=lambda: utcnow().date())
    batch: int = 300
    done: int = 0
    _plan: list[tuple[str, str]] | None = None  # (kind, uuid) still to erase

    def preview(self) -> RetentionCounts:
        """What a run would change now (opens the old records; run it on the worker)."""
        counts = RetentionCounts()
        for kind, _uuid in self._find():
            setattr(counts, kind, getattr(counts, kind) + 1)
        return counts

    def left(self) -> int:
        if self._plan is None:
            self._plan = self._find()
        return len(self._plan)

    def step(self) -> RetentionProgress:
        """Erase up to ``batch`` records, each in its own transaction; tidy the file at
        the end (checkpoint, VACUUM) so the old text is gone from every page."""
        if self._plan is None:
            self._plan = self._find()
        chunk, self._plan = self._plan[: self.batch], self._plan[self.batch :]
        ctx = self.session.calls._ctx
        with writing(ctx.db, ctx.path):  # one transaction (one fsync) per batch
            for kind in KINDS:
                uuids = [uuid for k, uuid in chunk if k == kind]
                if uuids:
                    self.done += self._erase(kind, uuids)
        if self._plan:
            return RetentionProgress(self.done, len(self._plan), False)
        self._tidy()
        return RetentionProgress(self.done, 0, True)

    def run(self) -> RetentionProgress:
        progress = RetentionProgress(self.done, self.left(), False)
        while not progress.finished:
            progress = self.step()
        return progress

    # --- finding -------------------------------------------------------------------------

    def _find(self) -> list[tuple[str, str]]:
        s, out = self.session, []
        calls_from = cutoff(self.policy.calls_days, self.today)
        if calls_from is not None:
            for calls in _older(s.calls, calls_from):
                out += [("calls", c.uuid) for c in calls if _has_text(c, CALL_TEXT)]
            out += [("regulars", uuid) for uuid in self._former_regulars(calls_from)]
        notes_from = cutoff(self.policy.handovers_days, self.today)
        if notes_from is not None:
            for handovers in _older(s.handovers, notes_from):
                out += [
                    ("handovers", h.uuid) for h in handovers if _has_text(h, SECTIONS) or h.summary
                ]
            for followups in _older(s.followups, notes_from):
                out += [
                    ("followups", f.uuid)
                    for f in followups
                    if not f.is_open and _has_text(f, ("text", "done_note"))
                ]
        return out

    def _former_regulars(self, calls_from: str) -> list[str]:
        s = self.session
        out = []
        for caller in s.callers.select():
            if caller.damaged or caller.alias == FORMER_REGULAR:
                continue
            created = caller.created_at.date().isoformat() if caller.created_at else ""
            if created >= calls_from:
                continue
            last = s.calls.last_for_caller(caller.uuid)
            if last is None or last.day < calls_from:
                out.append(caller.uuid)
        return out

    # --- erasing -------------------------------------------------------------------------

    def _erase(self, kind: str, uuids: list[str]) -> int:
        """Rewrite these records of one kind with their free text gone and no history."""
        s = self.session
        if kind == "calls":
            blank: dict[str, Any] = dict.fromkeys(CALL_TEXT, "")
            calls = [replace(c, **blank) for c in s.calls.load(uuids)]
            return len(s.calls.rewrite_forgetting_history(calls))
        if kind == "regulars":
            wanted = set(uuids)
            callers = [
                replace(c, alias=FORMER_REGULAR, notes="", agreement_notes="")
                for c in s.callers.select()
                if c.uuid in wanted
            ]
            return len(s.callers.rewrite_forgetting_history(callers))
        if kind == "handovers":
            blank = dict.fromkeys(SECTIONS, "")
            handovers = [replace(s.handovers.get(uuid), summary={}, **blank) for uuid in uuids]
            wanted = set(uuids)
            replies = [
                replace(a, reply="")
                for a in s.handovers.acks.select()
                if a.handover_uuid in wanted and a.reply
            ]
            s.handovers.acks.rewrite_forgetting_history(replies)
            return len(s.handovers.rewrite_forgetting_history(handovers))
        followups = [replace(s.followups.get(uuid), text="", done_note="") for uuid in uuids]
        return len(s.followups.rewrite_forgetting_history(followups))

    def _tidy(self) -> None:
        """Push the rewritten pages into the file, empty the WAL and rebuild the file so
        no free page keeps an old page's bytes."""
        ctx = self.session.calls._ctx
        checkpoint(ctx.db)
        ctx.db.execute("VACUUM")
        checkpoint(ctx.db)


def _older(repo: Repository[Any], first_kept: str, batch: int = 1000) -> list[list[Any]]:
    """Records of ``repo`` whose coarse day is before ``first_kept``, in batches."""
    out: list[list[Any]] = []
    after = ""
    while True:
        page = repo.select(
            "day < ? and uuid > ?", [first_kept, after], order_by="uuid", limit=batch
        )
        if not page:
            return out
        out.append(page)
        after = page[-1].uuid


def _has_text(rec: Any, names: tuple[str, ...]) -> bool:
    return not rec.damaged and any(str(getattr(rec, name) or "").strip() for name in names)
