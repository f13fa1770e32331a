"""Erasing old notes as the team chose, in the background, after unlock.

The same batch-at-a-time machinery as moving notes to a new lock (:mod:`ui.reseal_service`):
each batch is its own task on the worker, so a save waits behind one batch at most and the
GUI never stalls. It starts after every unlock (any member can do the work: it needs only
the team's key) and again when a coordinator saves a new choice. With nothing chosen it
finds nothing to do.
"""

from __future__ import annotations

from ui.reseal_service import ResealService, StepJob
from warmline.retention import Retention, load_policy
from warmline.session import Session


class RetentionService(ResealService):
    triggers = ("settings",)

    def _make_job(self, session: Session) -> StepJob:
        return Retention(session, load_policy(session), batch=self._batch)
