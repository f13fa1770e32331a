"""An unlocked session: one person's keys in memory and the repositories they open.

Locking wipes the keys (as far as Python allows) and makes every repository refuse
further work, so nothing decrypted can be fetched after a lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warmline.accounts import Account, Role
from warmline.callers import CallerRepository
from warmline.calls import CallRepository
from warmline.debriefs import DebriefRepository
from warmline.drafts import DraftRepository
from warmline.followups import FollowUpRepository
from warmline.handovers import HandoverRepository
from warmline.records import Unlocked
from warmline.shifts import ShiftRepository
from warmline.team import TeamAdmin
from warmline.team_settings import TeamSettings

if TYPE_CHECKING:
    from warmline.vault import Vault


class Session:
    def __init__(self, vault: Vault, ctx: Unlocked) -> None:
        self.vault = vault
        self._ctx = ctx
        self.calls = CallRepository(ctx)
        self.callers = CallerRepository(ctx)
        self.shifts = ShiftRepository(ctx)
        self.handovers = HandoverRepository(ctx)
        self.followups = FollowUpRepository(ctx)
        self.debriefs = DebriefRepository(ctx)
        self.drafts = DraftRepository(ctx)
        self.settings = TeamSettings(ctx)
        self.team = TeamAdmin(vault, ctx)

    @property
    def account(self) -> Account:
        return self._ctx.account

    @property
    def is_coordinator(self) -> bool:
        return self._ctx.account.role is Role.COORDINATOR

    @property
    def is_lead(self) -> bool:
        return self._ctx.account.role in (Role.SHIFT_LEAD, Role.COORDINATOR)

    @property
    def locked(self) -> bool:
        return self._ctx.locked

    def lock(self) -> None:
        """Drop the keys. Safe to call twice."""
        if not self._ctx.locked:
            self._ctx.locked = True
            self._ctx.keys.wipe()

    def __repr__(self) -> str:
        state = "locked" if self.locked else "unlocked"
        return f"<Session {self._ctx.account.display_name!r} {state}>"
