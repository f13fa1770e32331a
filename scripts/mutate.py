"""Mutation testing for Warmline's security core and lock path (``dev.py mutate``).

mutmut plants one small change at a time in a module (``<`` becomes ``<=``, a constant moves, a
call is dropped) and runs the tests that reach the changed function; a change that no test notices
("survived") is a bug the suite would let through. docs/testing.md has the scores and the reasons
the survivors are left.

Why this shape:

* Each target runs in its own scratch copy under ``build/mutate/<target>/`` with its own
  ``[tool.mutmut]`` section, so the checkout is never touched and two targets can run side by
  side.
* Each target names only the test files that exercise it. mutmut first runs those once to learn
  which test reaches which function, then runs only those tests per mutant. The whole suite per
  mutant would take hours on a shared two-core machine; this takes minutes.

Only the standard library is used here; mutmut itself runs as its own command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutate"


@dataclass(frozen=True)
class Target:
    """One module under mutation and the test files that speak for it."""

    source: str
    tests: tuple[str, ...]
    #: mutmut names (globs) of the functions that count, when only part of a file is the
    #: target (the controller's lock path, not its every screen).
    only: tuple[str, ...] = ()


#: What ``dev.py mutate`` measures. calls.py, search.py and the other modules built on
#: records.py are not here yet (see docs/testing.md, "Not measured yet").
#: The unit-level core tests that speak for the keys. The whole core suite would do too, but
#: a mutant that survives runs every test that reaches its function, and seal() is reached by
#: nearly all of them: on a shared two-core machine that turns minutes into hours.
KEY_TESTS = (
    "tests/core/test_keys.py",
    "tests/core/test_key_migration.py",
    "tests/core/test_keyring.py",
    "tests/core/test_roster_chain.py",
)
#: Opening and unlocking: the roster checks and the carry-over of accounts made before the
#: roster are reached only by the migration and roster tests.
VAULT_TESTS = (
    "tests/core/test_vault.py",
    "tests/core/test_paths.py",
    "tests/core/test_keys.py",
    "tests/core/test_key_migration.py",
    "tests/core/test_roster_chain.py",
    "tests/core/test_bad_input.py",
)

TARGETS: dict[str, Target] = {
    "crypto": Target(
        "warmline/crypto.py",
        (
            "tests/core/test_crypto.py",
            "tests/core/test_crypto_edges.py",
            "tests/core/test_keyring.py",
            "tests/core/test_roster_chain.py",
        ),
    ),
    "keyring": Target("warmline/keyring.py", KEY_TESTS),
    "roster": Target("warmline/roster.py", KEY_TESTS),
    "own_keys": Target(
        "warmline/own_keys.py",
        (*KEY_TESTS, "tests/core/test_own_key_reseal.py", "tests/core/test_own_key_renewal.py"),
    ),
    "vault": Target("warmline/vault.py", (*VAULT_TESTS, "tests/core/test_vault_edges.py")),
    "accounts": Target("warmline/accounts.py", (*VAULT_TESTS, "tests/core/test_account_rows.py")),
    "team": Target(
        "warmline/team.py",
        (*VAULT_TESTS, "tests/core/test_own_key_reseal.py", "tests/core/test_team_admin.py"),
    ),
    "records": Target(
        "warmline/records.py",
        (
            "tests/core/test_records.py",
            "tests/core/test_format2.py",
            "tests/core/test_format3.py",
            "tests/core/test_record_binding.py",
            "tests/core/test_record_paths.py",
            "tests/core/test_record_damage.py",
            "tests/core/test_retention.py",
            "tests/core/test_bad_input.py",
        ),
    ),
    "rotation": Target(
        "warmline/rotation.py",
        (
            "tests/core/test_keys.py",
            "tests/core/test_format2.py",
            "tests/core/test_audit.py",
            "tests/core/test_rotation_steps.py",
            "tests/core/test_rotation_passes.py",
        ),
    ),
    "idle": Target("ui/idle.py", ("tests/ui/test_idle.py",)),
    "clipboard": Target("ui/clipboard.py", ("tests/ui/test_clipboard.py",)),
    "controller": Target(
        "ui/controller.py",
        ("tests/ui/test_shell.py",),
        only=tuple(
            f"ui.controller.xǁAppControllerǁ{name}__mutmut_*"
            for name in ("lock", "_lock_idle", "_lock_system", "_application_state_changed")
        ),
    ),
    "autosave": Target(
        "ui/widgets/call_drafts.py",
        (
            "tests/ui/test_draft_keeper.py",
            "tests/ui/test_call_form.py",
            "tests/ui/test_call_keys.py",
        ),
        only=("ui.widgets.call_drafts.xǁDraftKeeperǁ*",),
    ),
}

#: Copied into each scratch run: the code, the data it ships and the tests.
COPY = ("warmline", "ui", "resources", "tests", "pyproject.toml")


def mutmut_section(target: Target) -> str:
    """The ``[tool.mutmut]`` table for one target (appended to the scratch pyproject.toml)."""
    return "\n".join(
        [
            "",
            "[tool.mutmut]",
            'source_paths = ["warmline", "ui"]',
            f"only_mutate = [{json.dumps(target.source)}]",
            'also_copy = ["resources"]',
            f"pytest_add_cli_args_test_selection = {json.dumps(list(target.tests))}",
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]',
            # Qt and the task runner's threads are not safe to fork from a process that ran them.
            'process_isolation = "forkserver"',
            "use_git_change_detection = false",
            # mutmut's default (15) lets a mutant that hangs use 30 times its tests' CPU time
            # before it counts as a timeout (killed); a re-seal mutant's tests take a minute.
            # 8 times still tells a hang from slow work, and keeps such a run within the hour.
            "timeout_multiplier = 4.0",
            "",
        ]
    )


def prepare(name: str, target: Target) -> Path:
    """A fresh scratch copy of the checkout for *name*, set up for mutmut."""
    run_dir = WORK / name
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for entry in COPY:
        src = ROOT / entry
        if src.is_dir():
            shutil.copytree(src, run_dir / entry, ignore=ignore)
        else:
            shutil.copy2(src, run_dir / entry)
    pyproject = run_dir / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + mutmut_section(target))
    return run_dir


def tally(
    run_dir: Path, mutmut: Path, env: dict[str, str], only: tuple[str, ...]
) -> tuple[dict[str, int], list[str]]:
    """Counts per status, and the names of the mutants that were not killed."""
    proc = subprocess.run(
        [str(mutmut), "results", "--all", "true"],
        cwd=run_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    counts: dict[str, int] = {}
    left: list[str] = []
    for line in proc.stdout.splitlines():
        key, sep, status = line.strip().rpartition(": ")
        if not sep or (only and not any(fnmatchcase(key, pattern) for pattern in only)):
            continue
        counts[status] = counts.get(status, 0) + 1
        if status not in ("killed", "timeout", "caught by type check"):
            left.append(f"{key}: {status}")
    return counts, left


def run_target(name: str, python: Path, jobs: int) -> int:
    """Mutate one target; print its score and its survivors. Returns mutmut's exit code."""
    target = TARGETS[name]
    run_dir = prepare(name, target)
    mutmut = python.parent / "mutmut"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    print(f"mutate: {name} ({target.source}) with {', '.join(target.tests)}", flush=True)
    started = time.monotonic()
    proc = subprocess.run(
        [str(mutmut), "run", "--max-children", str(jobs), *target.only],
        cwd=run_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    # The spinner redraws one line per mutant; keep the rest.
    log = [line for line in proc.stdout.splitlines() if not "\u2800" <= line[:1] <= "\u28ff"]
    (run_dir / "run.log").write_text("\n".join(log) + "\n")
    counts, left = tally(run_dir, mutmut, env, target.only)
    total = sum(counts.values())
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    score = 100.0 * killed / total if total else 0.0
    summary = [
        f"{name}: {killed}/{total} killed ({score:.1f} %) in {elapsed / 60:.1f} min",
        "  " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
        *(f"  left: {line}" for line in left),
        f"  (inspect one: cd {run_dir} && {mutmut} show NAME)",
    ]
    text = "\n".join(summary)
    (run_dir / "summary.txt").write_text(text + "\n")
    print(text, flush=True)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], file=sys.stderr)
    return proc.returncode


def main(args: list[str], python: Path) -> int:
    """``dev.py mutate [target...]``: every target when none is named."""
    names = args or list(TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        print(
            f"mutate: unknown target(s) {', '.join(unknown)}; pick from {', '.join(TARGETS)}",
            file=sys.stderr,
        )
        return 2
    if not (python.parent / "mutmut").exists():
        print(
            f"mutate: mutmut is not installed in {python.parent.parent}; "
            "install the dev extras: pip install -e '.[test,dev]'",
            file=sys.stderr,
        )
        return 1
    jobs = int(os.environ.get("WARMLINE_MUTATE_JOBS", "2"))
    worst = 0
    for name in names:
        worst = max(worst, run_target(name, python, jobs))
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], Path(sys.executable)))
