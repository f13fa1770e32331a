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


# --- each kind of entry does what it says, and only for whom it may ---------------------------


def _step(state: RosterState, signer: KeyPair, **body: Any) -> RosterState:
    return _apply(state, _row(state, signer, **body), None)


def _with_sam() -> tuple[RosterState, KeyPair, KeyPair]:
    """Alex founded the line and added Sam, a volunteer with keys of their own."""
    _, state, alex = _founded()
    sam = KeyPair.generate("sign")
    box = KeyPair.generate("box")
    state = _step(state, alex, sign=sam.public.hex(), box=box.public.hex())
    return state, alex, sam


def test_switching_someone_off_drops_their_keys() -> None:
    state, alex, _ = _with_sam()
    after = _step(state, alex, kind="off")
    sam = after.members["sam"]
    assert (sam.disabled, sam.sign, sam.box) == (True, None, None)
    assert state.members["sam"].sign is not None  # the state before is left as it was


def test_a_reset_switches_on_only_when_it_says_so() -> None:
    state, alex, _ = _with_sam()
    off = _step(state, alex, kind="off")
    keys = {"sign": "01" * 32, "box": "02" * 32}
    still_off = _step(off, alex, kind="reset", **keys)
    on = _step(off, alex, kind="reset", switch_on=True, **keys)
    assert still_off.members["sam"].disabled is True
    assert on.members["sam"].disabled is False
    for after in (still_off, on):
        sam = after.members["sam"]
        assert (sam.confirmed, sam.own_keys) == (True, False)
        assert sam.sign == bytes.fromhex("01" * 32)


def test_a_switched_off_coordinator_signs_nothing() -> None:
    state, alex, _ = _with_sam()
    promoted = _step(state, alex, kind="role", role="coordinator")
    sam_signer = KeyPair.generate("sign")
    off = _step(promoted, alex, kind="off")
    # Given keys again but left switched off: holding a key is not being in good standing.
    reset = _step(off, alex, kind="reset", sign=sam_signer.public.hex(), box="02" * 32)
    assert reset.members["sam"].disabled and reset.members["sam"].sign == sam_signer.public
    with pytest.raises(RosterTampered):
        _step(reset, sam_signer, by="sam", account="jo", sign=None, box=None)


def test_members_announce_their_own_new_keys_and_no_one_elses() -> None:
    state, alex, sam = _with_sam()
    new_sign, new_box = KeyPair.generate("sign"), KeyPair.generate("box")
    keys = {"sign": new_sign.public.hex(), "box": new_box.public.hex()}
    after = _step(state, sam, kind="keys", by="sam", **keys)
    assert after.members["sam"].own_keys is True
    assert after.members["sam"].sign == new_sign.public
    with pytest.raises(RosterTampered):  # Alex may not announce keys for Sam
        _step(state, alex, kind="keys", by="alex", **keys)
    with pytest.raises(RosterTampered):  # half a key set is no key set
        _step(state, sam, kind="keys", by="sam", sign=new_sign.public.hex(), box=None)


def test_the_format_only_moves_forward_and_only_by_a_member_in_good_standing() -> None:
    state, alex, sam = _with_sam()
    moved = _step(state, sam, kind="format", by="sam", version=2)
    assert moved.min_format == 2
    with pytest.raises(RosterTampered):  # the same format again is no move
        _step(moved, sam, kind="format", by="sam", version=2)
    off = _step(state, alex, kind="off")
    with pytest.raises(RosterTampered):
        _step(off, sam, kind="format", by="sam", version=2)
