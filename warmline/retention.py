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

from warmline import audit
from warmline.accounts import Role
from warmline.calls import Call
from warmline.db import checkpoint, writing
from warmline.errors import InvalidInput, NotAllowed
from warmline.gc_pause import collector_paused
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
    """One run of the policy over the unlocked session's line, a batch at a time.

    Nothing is planned up front (at 100,000 calls that would be one long task): each step
    opens the next ``batch`` old rows of one kind, by day and then UUID, and erases those
    that still hold text; regulars come last (they need the newest call of each). ``left``
    is the number of old rows still to look at, from the clear days alone.
    """

    session: Session
    policy: RetentionPolicy
    today: date = field(default_factory=lambda: utcnow().date())
    batch: int = 300
    done: int = 0
    _kinds: list[str] | None = None
    _cursor: str = ""
    _left: int | None = None

    def preview(self) -> RetentionCounts:
        """What a run would change now (opens the old records; run it on the worker)."""
        counts = RetentionCounts()
        with collector_paused():
            for kind in KINDS:
                cut = self._cutoff(kind)
                if cut is None:
                    continue
                if kind == "regulars":
                    counts.regulars = len(self._former_regulars(cut))
                    continue
                for page in _older(self._repo(kind), cut):
                    setattr(counts, kind, getattr(counts, kind) + len(self._wanted(kind, page)))
        return counts

    def left(self) -> int:
        if self._left is None:
            self._left = sum(
                self._repo(kind).count("day < ?", [cut])
                for kind in KINDS
                if kind != "regulars" and (cut := self._cutoff(kind)) is not None
            )
        return self._left

    def step(self) -> RetentionProgress:
        """Look at up to ``batch`` old rows and erase those with text left, in one
        transaction; at the very end tidy the file (checkpoint, VACUUM) so the old text is
        gone from every page."""
        if self._kinds is None:
            self._kinds = [kind for kind in KINDS if self._cutoff(kind) is not None]
            self.left()
        ctx = self.session.calls._ctx
        with collector_paused(), writing(ctx.db, ctx.path):  # one fsync per batch
            budget = self.batch
            while budget > 0 and self._kinds:
                kind = self._kinds[0]
                cut = self._cutoff(kind)
                assert cut is not None
                if kind == "regulars":
                    former = set(self._former_regulars(cut))
                    callers = [c for c in self.session.callers.select() if c.uuid in former]
                    self.done += self._erase(kind, callers)
                    self._kinds.pop(0)
                    continue
                page = self._repo(kind).select(
                    "day < ? and uuid > ?", [cut, self._cursor], order_by="uuid", limit=budget
                )
                if not page:
                    self._kinds.pop(0)
                    self._cursor = ""
                    continue
                self._cursor = page[-1].uuid
                budget -= len(page)
                self._left = max(0, (self._left or 0) - len(page))
                self.done += self._erase(kind, self._wanted(kind, page))
        if self._kinds:
            return RetentionProgress(self.done, max(1, self._left or 0), False)
        if self.done:
            # Which records and what they held is not said: only that a run erased this many.
            audit.record(self.session, audit.Kind.RETENTION_RUN, count=self.done)
            self._tidy()
        return RetentionProgress(self.done, 0, True)

    def run(self) -> RetentionProgress:
        progress = RetentionProgress(self.done, self.left(), False)
        while not progress.finished:
            progress = self.step()
        return progress

    # --- finding -------------------------------------------------------------------------

    def _cutoff(self, kind: str) -> str | None:
        days = self.policy.calls_days if kind in ("calls", "regulars") else None
        if kind in ("handovers", "followups"):
            days = self.policy.handovers_days
        return cutoff(days, self.today)

    def _repo(self, kind: str) -> Repository[Any]:
        s = self.session
        repos: dict[str, Repository[Any]] = {
            "calls": s.calls, "handovers": s.handovers, "followups": s.followups,
            "regulars": s.callers,
        }  # fmt: skip
        return repos[kind]

    @staticmethod
    def _wanted(kind: str, page: list[Any]) -> list[Any]:
        """The records of a page that still hold text this policy erases."""
        if kind == "calls":
            return [c for c in page if _has_text(c, CALL_TEXT)]
        if kind == "handovers":
            return [h for h in page if _has_text(h, SECTIONS) or (h.summary and not h.damaged)]
        return [f for f in page if not f.is_open and _has_text(f, ("text", "done_note"))]

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

    def _erase(self, kind: str, records: list[Any]) -> int:
        """Rewrite these records of one kind with their free text gone and no history."""
        if not records:
            return 0
        s = self.session
        if kind == "calls":
            blank: dict[str, Any] = dict.fromkeys(CALL_TEXT, "")
            return len(s.calls.rewrite_forgetting_history([replace(c, **blank) for c in records]))
        if kind == "regulars":
            erased = [
                replace(c, alias=FORMER_REGULAR, notes="", agreement_notes="") for c in records
            ]
            return len(s.callers.rewrite_forgetting_history(erased))
        if kind == "handovers":
            blank = dict.fromkeys(SECTIONS, "")
            wanted = {h.uuid for h in records}
            replies = [
                replace(a, reply="")
                for a in s.handovers.acks.select()
                if a.handover_uuid in wanted and a.reply
            ]
            s.handovers.acks.rewrite_forgetting_history(replies)
            handovers = [replace(h, summary={}, **blank) for h in records]
            return len(s.handovers.rewrite_forgetting_history(handovers))
        followups = [replace(f, text="", done_note="") for f in records]
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
        if len(page) < batch:
            # The last page. (Asking again would be one more query, and a row whose UUID
            # was changed by hand to text that is not UTF-8 reads back differently, so
            # ``uuid >`` it would find that row again for ever.)
            return out
        after = page[-1].uuid


def _has_text(rec: Any, names: tuple[str, ...]) -> bool:
    return not rec.damaged and any(str(getattr(rec, name) or "").strip() for name in names)
