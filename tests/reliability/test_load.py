"""The load benchmark (bench/bench_load.py) at a small size, so CI keeps it working and
checks what a test can: every step answers with the right counts, and an hour of simulated
use grows memory by no more than the search index gains. Wall-clock budgets are measured by
the full-size run (docs/reliability.md), not asserted here: a shared CI machine cannot
promise them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_load import make_line, measure
from warmline import crypto

pytestmark = pytest.mark.slow

CALLS, SHIFTS, REFLECTIONS, HOUR_ACTIONS = 1_500, 40, 30, 400
#: RSS wobbles by a few MB between two readings (the allocator keeps freed pages).
RSS_NOISE_MB = 15


def test_a_small_load_run_answers_and_an_hour_does_not_grow_memory(
    tmp_path: Path, qapp: object
) -> None:
    made = make_line(tmp_path / "line", CALLS, SHIFTS, REFLECTIONS, crypto.cheap_test_params)
    assert made["calls"] == CALLS and made["handovers"] == made["shifts"] > 0
    figures = measure(tmp_path / "line", HOUR_ACTIONS, crypto.cheap_test_params)
    assert figures["report_calls"] == CALLS
    assert figures["search_matches"] > 0 and figures["filter_matches"] > 0
    assert sum(figures["hour"].values()) == HOUR_ACTIONS
    assert figures["growth_beyond_index_mb"] < RSS_NOISE_MB
