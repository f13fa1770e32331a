"""Core fixtures: a vault in a temporary folder, unlocked with the cheap test KDF."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from warmline import crypto
from warmline.accounts import Role
from warmline.session import Session
from warmline.vault import Vault

crypto.allow_cheap_kdf_for_tests()

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "line"


@pytest.fixture
def vault_and_session(data_dir: Path) -> Iterator[tuple[Vault, Session]]:
    vault, session = Vault.create(
        data_dir, "Test Line", "Alex", PASSPHRASE, kdf_factory=crypto.cheap_test_params
    )
    yield vault, session
    with contextlib.suppress(Exception):  # a test may have closed it already
        vault.close()


@pytest.fixture
def vault(vault_and_session: tuple[Vault, Session]) -> Vault:
    return vault_and_session[0]


@pytest.fixture
def session(vault_and_session: tuple[Vault, Session]) -> Session:
    return vault_and_session[1]


@pytest.fixture
def volunteer(vault: Vault, session: Session) -> Session:
    """A second account, a volunteer, unlocked."""
    account = session.team.add_account("Sam", "sam's own passphrase", Role.VOLUNTEER)
    return vault.unlock(account.uuid, "sam's own passphrase")
