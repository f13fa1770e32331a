#!/usr/bin/env python3
"""Coverage-guided fuzzing (atheris) of what Warmline reads from a file it did not write.

Usage, after ``pip install -e '.[fuzz]'``::

    python scripts/fuzz_blob.py -max_total_time=600 -print_final_stats=1 [CORPUS_DIR]

Each input is taken apart by a FuzzedDataProvider and fed to the parsers a damaged or
hostile vault reaches before any key check can stop it: the sealed-blob header and opener
(``open_sealed``, ``open_at``, ``key_for``, ``key_id_of``, ``blob_version``), a sealed JSON
body (``open_json_with``) and an account's stored key-derivation settings
(``KdfParams.from_json``, which is stored in clear). Every one of them must answer with a
result or one of Warmline's own errors (a message a person can read); anything else,
an ``IndexError`` or an ``OverflowError`` say, is a crash and stops the run with the input
that caused it saved beside it (libFuzzer's ``crash-*`` file).

The run's figures (executions, coverage, crashes) go in docs/reliability.md. The pytest
suite has the same properties as hypothesis tests (tests/reliability/test_hostile_files.py);
this is the long, separate run.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from warmline import crypto
    from warmline.errors import WarmlineError

KEY = crypto.Key(bytes(range(32)), bytes(range(16)))
OTHER = crypto.Key(bytes(range(1, 33)), bytes(range(2, 18)))
KEYS = {KEY.key_id: KEY, OTHER.key_id: OTHER}
#: A well-formed blob to start mutations from, so the fuzzer reaches past the header.
SEED = crypto.seal(KEY, b'{"note":"seed"}', crypto.SealContext("calls", "row-1"))


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    choice = fdp.ConsumeIntInRange(0, 3)
    if choice == 0:
        blob = fdp.ConsumeBytes(fdp.remaining_bytes())
        revision = 0
    elif choice == 1:  # a real blob with a few bytes changed
        blob = bytearray(SEED)
        revision = fdp.ConsumeIntInRange(0, 2)
        for _ in range(fdp.ConsumeIntInRange(1, 4)):
            if not blob:
                break
            blob[fdp.ConsumeIntInRange(0, len(blob) - 1)] = fdp.ConsumeInt(1) & 0xFF
        cut = fdp.ConsumeIntInRange(0, len(blob))
        blob = bytes(blob[:cut]) + fdp.ConsumeBytes(fdp.remaining_bytes())
    elif choice == 2:
        text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
        with contextlib.suppress(WarmlineError):
            crypto.KdfParams.from_json(text)
        return
    else:
        blob = fdp.ConsumeBytes(fdp.remaining_bytes())
        with contextlib.suppress(WarmlineError):
            crypto.open_json_with(KEYS, blob, crypto.SealContext("calls", "row-1"))
        return

    crypto.blob_version(blob)
    crypto.key_id_of(blob)
    crypto.key_for(KEYS, blob)
    for opener in (
        lambda: crypto.open_sealed(KEY, blob, crypto.SealContext("calls", "row-1")),
        lambda: crypto.open_at(KEY, blob, "calls", "row-1", "record", "", revision),
    ):
        with contextlib.suppress(WarmlineError):
            opener()


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
