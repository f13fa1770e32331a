"""The reliability suite (docs/reliability.md): faults, hostile files, two copies, load.

Its vaults use the cheap test KDF, as the core tests do, so a run spends its time on the
faults rather than on Argon2.
"""

from __future__ import annotations

from warmline import crypto

crypto.allow_cheap_kdf_for_tests()
