"""Guard against a PySide6 bug that aborts the interpreter (seen in 6.12.0 on Python 3.11).

Each ``signal.emit()`` from Python dropped one reference to ``True``; Python 3.11 does not
make ``True`` immortal, so after a few hundred emits it is freed and Python aborts with
"bool_dealloc". pyproject.toml keeps PySide6 below 6.12 until a fixed release is checked.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    with_value = Signal(object)
    bare = Signal()


def test_emitting_signals_does_not_leak_references_to_true(qapp: object) -> None:
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.with_value.emit(1)
        emitter.bare.emit()
    assert sys.getrefcount(True) >= before - 5
