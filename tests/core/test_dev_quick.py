"""``scripts/dev.py test --quick`` skips the slow tests; without it everything runs (CI)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_leaves_out_the_slow_marker() -> None:
    assert dev().pytest_args(["--quick", "-x", "tests/core"]) == [
        "-m", "not slow", "-x", "tests/core"]  # fmt: skip


def test_without_quick_the_arguments_pass_through_untouched() -> None:
    assert dev().pytest_args([]) == []
    assert dev().pytest_args(["-k", "quick"]) == ["-k", "quick"]


def test_the_usage_names_the_quick_option() -> None:
    assert "--quick" in dev().USAGE
