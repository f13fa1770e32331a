"""The signed roster's chain rules, entry by entry, with entries signed by a real key.

The key tests go through the vault; these build entries by hand so that each rule is seen
refusing on its own: an entry correctly signed but naming the wrong line, sequence or
predecessor must still be refused.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlite_utils import Database

from warmline.accounts import Role
from warmline.crypto import Key, KeyPair, sign
from warmline.roster import (
    ROSTER_VERSION,
    Member,
    NeedsReset,
    NotOnRoster,
    Pin,
    RosterState,
    RosterTampered,
    _apply,
    commitment,
    found,
    has_roster,
    legacy_proof_message,
    verify_roster,
)

LINE = "line-1"


def _db() -> Database:
    db = Database(memory=True)
    db["roster"].create({"seq": int, "body": bytes, "signature": bytes}, pk="seq")
    return db


def _founded(
    members: list[Member] | None = None, min_format: int = 1
) -> tuple[Database, RosterState, KeyPair]:
    signer = KeyPair.generate("sign")
    box = KeyPair.generate("box")
    alex = Member("alex", Role.COORDINATOR, sign=signer.public, box=box.public)
    db = _db()
    state = found(db, LINE, "alex", signer, [alex, *(members or [])], Key.generate(), min_format)
    return db, state, signer


def _row(state: RosterState, signer: KeyPair, row_seq: int | None = None, **body: Any) -> dict:
    fields: dict[str, Any] = {
        "v": ROSTER_VERSION,
        "line": state.line_uuid,
        "seq": state.seq + 1,
        "prev": state.head,
        "kind": "add",
        "by": "alex",
        "account": "sam",
        "role": Role.VOLUNTEER.value,
        "sign": None,
        "box": None,
    }
    fields.update(body)
    raw = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    seq = state.seq + 1 if row_seq is None else row_seq
    return {"seq": seq, "body": raw, "signature": sign(signer, raw)}


def test_a_well_formed_entry_is_taken() -> None:
    _, state, signer = _founded()
    after = _apply(state, _row(state, signer), None)
    assert "sam" in after.members and after.seq == 2


@pytest.mark.parametrize(
    "change",
    [
        {"v": ROSTER_VERSION + 1},
        {"line": "another-line"},
        {"seq": 3},
        {"prev": "0" * 64},
        {"row_seq": 3},
    ],
    ids=["version", "line", "body-seq", "prev", "row-seq"],
)
def test_a_signed_entry_out_of_place_is_refused(change: dict[str, Any]) -> None:
    _, state, signer = _founded()
    with pytest.raises(RosterTampered):
        _apply(state, _row(state, signer, **change), None)


def test_the_founding_entry_lists_each_member_as_written() -> None:
    sam = Member("sam", Role.VOLUNTEER, disabled=True, sign=b"\x01" * 32, box=b"\x02" * 32)
    _, state, _ = _founded([sam], min_format=2)
    alex, kept = state.members["alex"], state.members["sam"]
    assert (alex.confirmed, alex.own_keys, alex.disabled) == (True, True, False)
    assert (kept.confirmed, kept.own_keys, kept.disabled) == (False, False, True)
    assert state.min_format == 2 and state.founder == "alex"
    assert [m.uuid for m in state.active_coordinators()] == ["alex"]


def test_a_founding_entry_without_a_format_means_format_1() -> None:
    signer = KeyPair.generate("sign")
    state = RosterState(LINE)
    row = _row(
        state, signer, kind="found", commit="c",
        members=[{"account": "alex", "role": "coordinator", "sign": signer.public.hex()}],
    )  # fmt: skip
    assert _apply(state, row, None).min_format == 1


@pytest.mark.parametrize(
    "founder",
    [
        {"account": "alex", "role": "volunteer"},  # not a coordinator
        {"account": "alex", "role": "coordinator"},  # no signing key listed
        {"account": "sam", "role": "coordinator"},  # signed by someone not listed
    ],
)
def test_only_a_listed_coordinator_with_a_key_can_found(founder: dict[str, str]) -> None:
    signer = KeyPair.generate("sign")
    listed = dict(founder)
    if founder["role"] == "volunteer" or founder["account"] == "sam":
        listed["sign"] = signer.public.hex()
    row = _row(RosterState(LINE), signer, kind="found", commit="c", members=[listed])
    with pytest.raises(RosterTampered):
        _apply(RosterState(LINE), row, None)


def test_the_first_entry_a_member_remembers_must_be_the_first() -> None:
    db, state, _ = _founded()
    assert verify_roster(db, LINE, state.pin()) is not None
    with pytest.raises(RosterTampered):
        verify_roster(db, LINE, Pin("another first entry", state.seq, state.head))


def test_stored_forms_read_the_same_as_ever() -> None:
    """Golden values: pins and commitments are stored and signed, so their bytes must hold."""
    assert Pin("a", 3, "h").to_bytes() == b'{"first":"a","head":"h","seq":3,"v":1}'
    assert RosterState(LINE).pin() == Pin("", 0, "")
    assert legacy_proof_message(LINE, "sam", b"\x01", b"\x02") == (
        b'{"account":"sam","box":"02","line":"line-1","sign":"01"}'
    )
    assert commitment(LINE, 2, Key(bytes(32), bytes(16))) == (
        "901782e71df3c78242e0f845b257cc75404905074d3c7313b245d46361bb02bc"
    )


@pytest.mark.parametrize(
    ("error", "opening"),
    [
        (RosterTampered, "The team list in this file was changed outside Warmline, so it cannot"),
        (NotOnRoster, "This name was added to the file outside Warmline, so it cannot be opened."),
        (NeedsReset, "The team's lock was changed before you had opened Warmline since it was"),
    ],
)
def test_roster_refusals_say_what_happened_and_who_can_help(
    error: type[Exception], opening: str
) -> None:
    """These reach the person as they are (the unlock screen shows them): plain words that
    say what happened, and that a coordinator can put it right."""
    text = str(error())
    assert text.startswith(opening)
    assert "coordinator" in text and text.endswith(".")


def test_a_file_has_a_roster_once_founded() -> None:
    assert not has_roster(_db())
    db, _, _ = _founded()
    assert has_roster(db)
