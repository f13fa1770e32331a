"""Team-wide settings (topics list, idle-lock minutes, debrief default), sealed.

Even a topics list says something about a line's callers, so settings are sealed with the
team key like everything else a person chose.
"""

from __future__ import annotations

import math
from typing import Any

from warmline.accounts import Role
from warmline.crypto import SealContext, open_json_with, seal_json
from warmline.db import writing
from warmline.errors import NotAllowed, Tampered
from warmline.ips import default_topics
from warmline.records import Unlocked

#: Idle-lock minutes: the range the Settings page offers and the only one ever applied.
IDLE_LOCK_MIN, IDLE_LOCK_MAX, IDLE_LOCK_DEFAULT = 1, 60, 5

DEFAULTS: dict[str, Any] = {
    "idle_lock_minutes": IDLE_LOCK_DEFAULT,
    "debrief_default": "ask",
    # Whether shift leads may see the Reports page (coordinators always can).
    "reports_for_leads": False,
}


def idle_lock_minutes(value: object) -> int:
    """A stored idle-lock value as whole minutes within range; anything else is the default.

    Applied where the value is used, not only where it is typed: a file edited to hold
    ``Infinity``, ``NaN``, a huge number or a string must not switch the idle lock off or
    crash the screen that shows it.
    """
    if isinstance(value, bool):
        return IDLE_LOCK_DEFAULT
    try:
        minutes = float(str(value))
    except ValueError:
        return IDLE_LOCK_DEFAULT
    if not math.isfinite(minutes):
        return IDLE_LOCK_DEFAULT
    return max(IDLE_LOCK_MIN, min(IDLE_LOCK_MAX, round(minutes)))


class TeamSettings:
    def __init__(self, ctx: Unlocked) -> None:
        self._ctx = ctx

    def _seal_ctx(self, key: str) -> SealContext:
        return SealContext("settings", key, "value")

    def get(self, key: str, default: Any = None) -> Any:
        self._ctx.check()
        rows = list(self._ctx.db.query("select body from settings where key = ?", [key]))
        if rows and rows[0]["body"][2] >= self._ctx.min_format:
            try:
                return open_json_with(
                    self._ctx.keys.ring.by_id(), rows[0]["body"], self._seal_ctx(key), "A setting"
                )
            except Tampered:
                pass  # a damaged setting falls back to its default, like a missing one
        if key == "topics":
            return list(default_topics())
        return DEFAULTS.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Team settings are a coordinator's to change (the Settings page shows them only
        to coordinators; this holds for anyone going around it too)."""
        self._ctx.check()
        if self._ctx.account.role is not Role.COORDINATOR:
            raise NotAllowed("Only a coordinator can change the team's settings.")
        body = seal_json(self._ctx.keys.team, value, self._seal_ctx(key))
        with writing(self._ctx.db, self._ctx.path) as db:
            db.table("settings").upsert({"key": key, "revision": 1, "body": body}, pk="key")

    def topics(self) -> list[str]:
        return list(self.get("topics"))

    def set_topics(self, topics: list[str]) -> None:
        cleaned = list(dict.fromkeys(t.strip() for t in topics if t.strip()))
        self.set("topics", cleaned)
