"""Keeping Python's cycle collector out of one batch of work on the worker thread.

A batch that opens thousands of records makes thousands of short-lived objects, freed by
reference counting as soon as they are used; none form cycles. Left on, the collector still
runs every few hundred of them and now and then walks the whole heap (the app's widgets
included) while holding the GIL, which held the GUI thread for tens to hundreds of
milliseconds. A batch is short, after which collection resumes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
