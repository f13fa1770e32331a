#!/usr/bin/env python3
"""One-command developer setup for Warmline.

Usage (from anywhere, with any Python 3.11+ interpreter)::

    python3 scripts/dev.py run [app args...]     # set up, then launch .venv/bin/warmline
    python3 scripts/dev.py test [pytest args...] # set up, then run the test suite
    python3 scripts/dev.py test --quick [...]    # the same without the slow tests
    python3 scripts/dev.py setup                 # only set up
    python3 scripts/dev.py mutate [target...]    # mutation testing (slow; see docs/testing.md)
    python3 scripts/dev.py planted [number...]   # replay the planted bugs of docs/testing.md

"Setting up" means, in order:

1. System packages (Debian/Ubuntu only): the shared libraries Qt needs. Missing ones are
   installed with apt-get when running as root; otherwise the exact ``sudo apt-get install``
   command is printed and the script stops.
2. ``.venv`` in the repository root, created with the running interpreter if missing.
3. ``pip install -e '.[test]'`` into it, skipped while a stamp file in ``.venv`` says
   ``pyproject.toml`` has not changed since the last successful install.

This file runs before anything is installed, so it must use only the standard library.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from typing import TypeAlias

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VENV_PY = VENV / "bin" / "python"
STAMP = VENV / ".warmline-dev-stamp"

MIN_PYTHON = (3, 11)

#: Bump to force every checkout to reinstall after changing how the venv is populated.
SETUP_VERSION = "1"
PIP_TARGET = ".[test]"
#: ``dev.py mutate`` also needs the dev extras (mutmut); installed only when it is used.
DEV_PIP_TARGET = ".[test,dev]"

#: Each entry is a tuple of alternative package names (any one installed satisfies it); when
#: installing, the first one apt knows is used. Ubuntu 24.04+/Debian 13+ renamed glib to
#: ``libglib2.0-0t64``. The alias is a string so that Python < 3.9 still reaches the
#: "needs Python 3.11" message instead of crashing.
Requirement: TypeAlias = "tuple[str, ...]"

#: Needed by PySide6 even with the headless "offscreen" platform plugin (tests).
TEST_PACKAGES: list[Requirement] = [
    ("libegl1",),
    ("libgl1",),
    ("libxkbcommon0",),
    ("libfontconfig1",),
    ("libdbus-1-3",),
    ("libglib2.0-0t64", "libglib2.0-0"),
    # desktop-file-validate, for the test that checks resources/warmline.desktop.
    ("desktop-file-utils",),
]

#: Additionally needed by the "xcb" platform plugin to open a real window.
RUN_PACKAGES: list[Requirement] = [
    *TEST_PACKAGES,
    ("libxkbcommon-x11-0",),
    ("libxcb-cursor0",),
    ("libxcb-icccm4",),
    ("libxcb-keysyms1",),
    ("libxcb-image0",),
    ("libxcb-render-util0",),
    ("libxcb-render0",),
    ("libxcb-shape0",),
    ("libxcb-util1",),
    ("libxcb-xkb1",),
]

USAGE = """\
usage: python3 scripts/dev.py COMMAND [ARGS...]

commands:
  run [app args...]       set up, then launch the app (.venv/bin/warmline ARGS...)
  test [pytest args...]   set up, then run the test suite (.venv/bin/python -m pytest ARGS...)
  test --quick [...]      the same, leaving out tests marked slow (kill loops, fuzzing, load);
                          CI runs everything
  setup                   only set up (system packages, .venv, pip install -e '.[test]')
  mutate [target...]      set up with the dev extras, then run mutmut over the security core
                          and lock path (all targets, or those named; see docs/testing.md)
  planted [number...]     set up, then plant each known bug in a scratch copy and check the
                          tests fail (docs/testing.md lists them)

environment:
  WARMLINE_SKIP_SYSTEM_PACKAGES=1   do not check or install apt packages
"""


class SetupError(Exception):
    """A setup step failed; the message is shown to the user as-is."""


def log(message: str) -> None:
    """Print a short progress line to stderr."""
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def run_quietly(cmd: Sequence[str], *, env: dict[str, str] | None = None) -> None:
    """Run *cmd* with its output captured; show the output only if it fails."""
    proc = subprocess.run(
        list(cmd),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout)
        raise SetupError(f"command failed (exit {proc.returncode}): {' '.join(cmd)}")


@contextmanager
def setup_lock() -> Iterator[None]:
    """Serialise concurrent setups of the same checkout (flock on the repo directory).

    Locking the directory itself avoids creating a lock file in the working tree.
    """
    fd = os.open(ROOT, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("waiting for another dev.py setup in this checkout to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- system packages


def installed_packages(names: Sequence[str]) -> set[str]:
    """Return the subset of *names* that dpkg reports as fully installed."""
    if not names:
        return set()
    proc = subprocess.run(
        ["dpkg", "-s", *names],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        check=False,
    )
    found: set[str] = set()
    package = ""
    for line in proc.stdout.splitlines():
        if line.startswith("Package:"):
            package = line.split(":", 1)[1].strip()
        elif line.startswith("Status:") and line.split()[-1] == "installed":
            # "install ok installed"; removed packages keep "deinstall ok config-files".
            found.add(package)
    return found


def missing_requirements(requirements: Sequence[Requirement]) -> list[Requirement]:
    """Requirements for which none of the alternative packages is installed."""
    installed = installed_packages([name for req in requirements for name in req])
    return [req for req in requirements if not installed.intersection(req)]


def apt_knows(name: str) -> bool:
    """True if the apt package lists contain a real (non-virtual) package *name*."""
    proc = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", name],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return proc.returncode == 0


def pick_names(requirements: Sequence[Requirement]) -> list[str]:
    """Choose one installable package name per requirement (falls back to the last one)."""
    names = []
    for req in requirements:
        chosen = next((name for name in req if len(req) == 1 or apt_knows(name)), req[-1])
        names.append(chosen)
    return names


def venv_requirement() -> Requirement | None:
    """The apt package providing ``ensurepip`` for this interpreter, if it is missing."""
    if importlib.util.find_spec("ensurepip") is not None:
        return None
    if not sys.prefix.startswith("/usr") or shutil.which("dpkg") is None:
        raise SetupError(
            f"{sys.executable} has no 'ensurepip' module, so it cannot create a virtualenv.\n"
            "Install your distribution's venv package for it (Debian/Ubuntu: python3-venv)."
        )
    major, minor = sys.version_info[:2]
    return (f"python{major}.{minor}-venv",)


def ensure_system_packages(requirements: list[Requirement], command: str) -> None:
    """Install (as root) or ask for (otherwise) the missing Debian/Ubuntu packages."""
    if os.environ.get("WARMLINE_SKIP_SYSTEM_PACKAGES") == "1":
        return
    if shutil.which("dpkg") is None:
        return  # Not Debian-based: we cannot check, so trust the user.
    missing = missing_requirements(requirements)
    if not missing:
        return

    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        names = pick_names(missing) if shutil.which("apt-cache") else [r[-1] for r in missing]
        raise SetupError(
            "missing system packages: "
            + " ".join(names)
            + "\nInstall them with:\n\n    sudo apt-get install "
            + " ".join(names)
            + f"\n\nthen re-run: python3 scripts/dev.py {command}\n"
            "(Set WARMLINE_SKIP_SYSTEM_PACKAGES=1 to skip this check.)"
        )

    log("Installing system packages…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "-q", "-o", "DPkg::Lock::Timeout=300"]
    run_quietly([*apt, "update"], env=env)
    names = pick_names(missing)
    log(f"  apt-get install {' '.join(names)}")
    run_quietly([*apt, "install", "-y", "--no-install-recommends", *names], env=env)
    still_missing = missing_requirements(missing)
    if still_missing:
        raise SetupError(f"apt-get did not install: {' '.join(r[0] for r in still_missing)}")


# --------------------------------------------------------------------------------- venv


def venv_is_healthy() -> bool:
    """True if .venv's interpreter runs, is new enough and has pip."""
    if not VENV_PY.exists():  # also False for a dangling symlink (base Python removed)
        return False
    check = f"import sys, pip; sys.exit(sys.version_info < {MIN_PYTHON!r})"
    proc = subprocess.run(
        [str(VENV_PY), "-c", check],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return proc.returncode == 0


def stamp_value() -> str:
    """What the stamp must contain for the installed environment to count as current."""
    digest = hashlib.sha256()
    digest.update((ROOT / "pyproject.toml").read_bytes())
    digest.update(f"\0{SETUP_VERSION}\0{PIP_TARGET}\0{os.path.realpath(VENV_PY)}".encode())
    return digest.hexdigest()


def venv_is_current() -> bool:
    """Fast path: the venv exists and was fully installed from this pyproject.toml."""
    try:
        return VENV_PY.exists() and STAMP.read_text().strip() == stamp_value()
    except OSError:
        return False


def create_venv() -> None:
    """(Re)create .venv with the running interpreter."""
    if VENV.exists():
        log("Recreating broken .venv…")
        shutil.rmtree(VENV)
    else:
        log("Setting up .venv…")
    run_quietly([sys.executable, "-m", "venv", "--prompt", "warmline", str(VENV)])


def pip_install() -> None:
    """Install the project (editable) with its test extras, then write the stamp."""
    log(f"Installing Python packages (pip install -e '{PIP_TARGET}'); this can take a while…")
    STAMP.unlink(missing_ok=True)
    # Output is captured (pip's progress and warnings are noise here) and shown on failure.
    run_quietly(
        [str(VENV_PY), "-m", "pip", "install", "--disable-pip-version-check", "-e", PIP_TARGET]
    )
    STAMP.write_text(stamp_value() + "\n")


def setup(command: str) -> None:
    """Bring system packages and .venv up to date for *command* ("run", "test", "setup")."""
    if sys.version_info < MIN_PYTHON:
        want = ".".join(map(str, MIN_PYTHON))
        have = ".".join(map(str, sys.version_info[:3]))
        raise SetupError(
            f"Warmline needs Python {want}+, but {sys.executable} is {have}.\n"
            f"Install python{want} (and python{want}-venv) and run: "
            f"python{want} scripts/dev.py {command}"
        )
    requirements = list(TEST_PACKAGES if command == "test" else RUN_PACKAGES)
    with setup_lock():
        if venv_is_current():
            ensure_system_packages(requirements, command)
            return
        healthy = venv_is_healthy()
        if not healthy:
            venv_req = venv_requirement()
            if venv_req is not None:
                requirements.append(venv_req)
        ensure_system_packages(requirements, command)
        if not healthy:
            create_venv()
        pip_install()


# ------------------------------------------------------------------------------ commands


def run_app(args: Sequence[str]) -> NoReturn:
    """Replace this process with the app, so exit codes and signals pass straight through."""
    if not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        log(
            "warning: no DISPLAY or WAYLAND_DISPLAY; the window may fail to open "
            "(QT_QPA_PLATFORM=offscreen runs headless)."
        )
    exe = VENV / "bin" / "warmline"
    os.execv(exe, [str(exe), *args])


def pytest_args(args: Sequence[str]) -> list[str]:
    """``--quick`` becomes ``-m "not slow"`` (a local run in about half the time)."""
    out = list(args)
    if "--quick" in out:
        out.remove("--quick")
        out = ["-m", "not slow", *out]
    return out


def run_tests(args: Sequence[str]) -> int:
    """Run pytest headless (Qt "offscreen") and return its exit code; 5 counts as failure."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [str(VENV_PY), "-m", "pytest", *pytest_args(args)], cwd=ROOT, env=env
    )
    # Let pytest handle Ctrl-C itself (it prints a summary); we just wait for it.
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: None)
    try:
        code = proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    if code == 5:
        log("error: pytest collected no tests (exit 5).")
    if code < 0:  # killed by a signal
        return 128 - code
    return code


def ensure_dev_extras() -> None:
    """Install the dev extras (mutmut) into .venv if they are missing."""
    if (VENV / "bin" / "mutmut").exists():
        return
    log(f"Installing the dev extras (pip install -e '{DEV_PIP_TARGET}')…")
    run_quietly(
        [str(VENV_PY), "-m", "pip", "install", "--disable-pip-version-check", "-e", DEV_PIP_TARGET]
    )


def run_script(script: str, args: Sequence[str]) -> int:
    """Run one of the scripts beside this one with the venv's Python (mutate, planted)."""
    proc = subprocess.run([str(VENV_PY), str(ROOT / "scripts" / script), *args], cwd=ROOT)
    return proc.returncode


def main(argv: Sequence[str]) -> int:
    """Entry point: ``dev.py COMMAND [ARGS...]``."""
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    command, args = argv[0], argv[1:]
    if command not in ("run", "test", "setup", "mutate", "planted"):
        sys.stderr.write(f"dev.py: unknown command {command!r}\n\n{USAGE}")
        return 2
    if command == "setup" and args:
        sys.stderr.write("dev.py: 'setup' takes no arguments\n")
        return 2
    try:
        setup("test" if command in ("mutate", "planted") else command)
        if command == "mutate":
            ensure_dev_extras()
    except SetupError as exc:
        log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted.")
        return 130
    if command == "run":
        run_app(args)
    if command == "test":
        return run_tests(args)
    if command == "mutate":
        return run_script("mutate.py", args)
    if command == "planted":
        return run_script("planted_bugs.py", args)
    log("Setup complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
