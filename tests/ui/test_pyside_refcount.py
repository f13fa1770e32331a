"""Guard against a PySide6 bug that aborts the interpreter (seen in 6.12.0 on Python 3.11).

Each ``signal.emit()`` from Python dropped one reference to ``True``; Python 3.11 does not
make ``True`` immortal, so after a few hundred emits it is freed and Python aborts with
"bool_dealloc". pyproject.toml keeps PySide6 below 6.12 until a fixed release is checked.

From Python 3.12 ``True`` is immortal: its reference count is a fixed marker that no emit can
move, so this guard could never fail there (and the bug cannot abort there either). It is
skipped on 3.12+ rather than left passing without meaning; the 3.11 run it guards is the
supported one this project ships on.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    with_value = Signal(object)
    bare = Signal()


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="True is immortal from Python 3.12: the count cannot move, nor the bug abort",
)
def test_emitting_signals_does_not_leak_references_to_true(qapp: object) -> None:
    emitter = _Emitter()
    before = sys.getrefcount(True)
    assert before < 2**30  # a real count (3.11), not the immortal marker of 3.12+
    for _ in range(200):
        emitter.with_value.emit(1)
        emitter.bare.emit()
    assert sys.getrefcount(True) >= before - 5
