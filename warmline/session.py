"""An unlocked session: one person's keys in memory and the repositories they open.

Locking wipes the keys (as far as Python allows) and makes every repository refuse
further work, so nothing decrypted can be fetched after a lock.

The session does not know the vault that made it (the core reads top-down: vault ->
session -> repositories and team administration); what it needs from outside is handed in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from warmline.accounts import Account, Role
from warmline.audit import AuditTrail
from warmline.callers import CallerRepository
from warmline.calls import CallRepository
from warmline.crypto import KdfParams
from warmline.debriefs import DebriefRepository
from warmline.drafts import DraftRepository
from warmline.followups import FollowUpRepository
from warmline.handovers import HandoverRepository
from warmline.records import Unlocked
from warmline.rotation import Reseal
from warmline.search import SearchIndex
from warmline.shifts import ShiftRepository
from warmline.team import TeamAdmin
from warmline.team_settings import TeamSettings
from warmline.word_requests import WordRequestRepository

Opener = Callable[[str, str], "Session"]


class Session:
    def __init__(
        self,
        ctx: Unlocked,
        kdf_factory: Callable[[], KdfParams],
        opener: Opener | None = None,
    ) -> None:
        self._ctx = ctx
        self._opener = opener
        #: Argon2id settings for new passphrases made in this session (a backup's, too).
        self.kdf_factory = kdf_factory
        #: The unlocked view: every call's sealed facts and words, built after unlock by
        #: the UI (in steps) or on first need, dropped on lock (warmline/search.py).
        self.view = SearchIndex()
        self.calls = CallRepository(ctx, self.view)
        self.callers = CallerRepository(ctx)
        self.shifts = ShiftRepository(ctx)
        self.handovers = HandoverRepository(ctx)
        self.followups = FollowUpRepository(ctx)
        self.debriefs = DebriefRepository(ctx)
        self.drafts = DraftRepository(ctx)
        self.word_requests = WordRequestRepository(ctx)
        self.settings = TeamSettings(ctx)
        self.team = TeamAdmin(ctx, kdf_factory)
        #: The record of activity; record changes reach it through the context's hook.
        self.audit = AuditTrail(ctx)
        ctx.on_change = self.audit.changed

    @property
    def account(self) -> Account:
        """Who is unlocked, with the role the signed roster gives them."""
        return self._ctx.account

    @property
    def vault_path(self) -> Path:
        """The line's file, for work that reads it through a connection of its own (a
        backup, which copies it beside the app's own work)."""
        return Path(self._ctx.path)

    @property
    def is_coordinator(self) -> bool:
        return self._ctx.account.role is Role.COORDINATOR

    @property
    def is_lead(self) -> bool:
        return self._ctx.account.role in (Role.SHIFT_LEAD, Role.COORDINATOR)

    @property
    def locked(self) -> bool:
        return self._ctx.locked

    @property
    def team_generation(self) -> int:
        """The newest team-key generation this session holds."""
        self._ctx.check()
        return self._ctx.keys.ring.newest_generation

    def reseal(self, batch: int = 500) -> Reseal:
        """A re-seal job moving older records to the newest team key (see rotation)."""
        self._ctx.check()
        return Reseal(self._ctx, batch=batch)

    def unlock_other(self, account_uuid: str, passphrase: str) -> Session:
        """Unlock another account in the same vault (for tools acting for several people,
        such as the demo line's maker). The app itself never holds two sessions."""
        if self._opener is None:
            raise RuntimeError("this session cannot open others")
        return self._opener(account_uuid, passphrase)

    def lock(self) -> None:
        """Drop the keys. Safe to call twice."""
        if not self._ctx.locked:
            self.audit.locked()  # before the keys go; never stops the lock
            self._ctx.locked = True
            self._ctx.keys.wipe()
            self.view.clear()

    def __repr__(self) -> str:
        state = "locked" if self.locked else "unlocked"
        return f"<Session {self._ctx.account.display_name!r} {state}>"
