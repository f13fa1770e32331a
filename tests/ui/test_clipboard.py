"""SafeClipboard: clears only what it put there."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication

from ui.clipboard import SafeClipboard


@pytest.fixture
def clipboard(qapp: QApplication) -> QClipboard:
    board = QGuiApplication.clipboard()
    board.clear()
    return board


def test_copy_puts_text_on_clipboard(clipboard: QClipboard) -> None:
    safe = SafeClipboard(clipboard)
    safe.copy("Alias: River, prefers evenings")
    assert clipboard.text() == "Alias: River, prefers evenings"
    assert safe.holds_ours()


def test_clear_if_ours_clears_our_text(clipboard: QClipboard) -> None:
    safe = SafeClipboard(clipboard)
    safe.copy("note text")
    assert safe.clear_if_ours() is True
    assert clipboard.text() == ""
    assert not safe.holds_ours()


def test_clear_if_ours_leaves_the_users_own_copy(clipboard: QClipboard) -> None:
    safe = SafeClipboard(clipboard)
    safe.copy("note text")
    clipboard.setText("something the user copied from elsewhere")
    assert safe.clear_if_ours() is False
    assert clipboard.text() == "something the user copied from elsewhere"


def test_after_user_copy_a_later_clear_never_touches_clipboard(clipboard: QClipboard) -> None:
    safe = SafeClipboard(clipboard)
    safe.copy("note text")
    clipboard.setText("theirs")
    safe.clear_if_ours()
    clipboard.setText("note text")  # the user happens to copy the same words themselves
    assert safe.clear_if_ours() is False
    assert clipboard.text() == "note text"


def test_nothing_copied_means_nothing_cleared(clipboard: QClipboard) -> None:
    clipboard.setText("theirs")
    assert SafeClipboard(clipboard).clear_if_ours() is False
    assert clipboard.text() == "theirs"


def test_second_copy_replaces_what_we_remember(clipboard: QClipboard) -> None:
    safe = SafeClipboard(clipboard)
    safe.copy("first")
    safe.copy("second")
    assert safe.holds_ours()
    assert safe.clear_if_ours() is True
    assert clipboard.text() == ""


def test_remembers_a_digest_not_the_text(clipboard: QClipboard) -> None:
    safe = SafeClipboard(clipboard)
    safe.copy("Caller said their name is Sam")
    assert not any(isinstance(v, str) and "Sam" in v for v in vars(safe).values() if v is not None)


def test_sensitive_copy_carries_a_history_hint(
    clipboard: QClipboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.clipboard.sys.platform", "linux")
    safe = SafeClipboard(clipboard)
    safe.copy("x")
    mime = clipboard.mimeData()
    assert mime is not None
    assert mime.hasFormat("x-kde-passwordManagerHint")
    safe.copy("y", sensitive=False)
    mime = clipboard.mimeData()
    assert mime is not None
    assert not mime.hasFormat("x-kde-passwordManagerHint")
    assert clipboard.text() == "y"


def test_the_hint_says_secret_and_an_unknown_system_gets_none(
    clipboard: QClipboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.clipboard.sys.platform", "linux")
    safe = SafeClipboard(clipboard)
    safe.copy("x")
    mime = clipboard.mimeData()
    assert mime is not None and bytes(mime.data("x-kde-passwordManagerHint").data()) == b"secret"
    monkeypatch.setattr("ui.clipboard.sys.platform", "sunos5")
    safe.copy("y")  # no hint known there: copied all the same
    mime = clipboard.mimeData()
    assert mime is not None and clipboard.text() == "y"
    assert not mime.hasFormat("x-kde-passwordManagerHint")


@pytest.mark.parametrize(
    ("platform", "key"),
    [
        ("linux", "linux"),
        ("linux2", "linux"),
        ("freebsd14", "linux"),
        ("win32", "win32"),
        ("darwin", "darwin"),
    ],
)
def test_each_system_gets_its_own_hints(
    monkeypatch: pytest.MonkeyPatch, platform: str, key: str
) -> None:
    from ui import clipboard as module

    monkeypatch.setattr("ui.clipboard.sys.platform", platform)
    assert module._platform_key() == key


def test_without_a_clipboard_given_it_uses_the_applications(
    clipboard: QClipboard, qapp: QApplication
) -> None:
    from PySide6.QtCore import QObject

    owner = QObject()
    safe = SafeClipboard(parent=owner)
    assert safe.parent() is owner  # goes away with whoever made it
    safe.copy("from the default board")
    assert QGuiApplication.clipboard().text() == "from the default board"
    assert safe.clear_if_ours() is True


def test_digests_are_keyed_per_instance(clipboard: QClipboard) -> None:
    """A digest learned from one run cannot be matched against another's."""
    first, second = SafeClipboard(clipboard), SafeClipboard(clipboard)
    assert first._digest("Sam") != second._digest("Sam")
    assert len(first._digest("Sam")) == 32
