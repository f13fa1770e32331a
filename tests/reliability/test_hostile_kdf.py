"""An account's key-derivation settings are stored in clear; a hostile value is refused."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmline import crypto
from warmline.errors import WeakKdfParameters

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


@pytest.mark.parametrize(
    "text",
    ["1", "[]", '"argon2id"', "null", '{"alg":"argon2id","salt":"","m":1e999,"t":3,"p":1,"v":1}',
     "[" * 5000 + "]" * 5000],
)  # fmt: skip
def test_settings_that_are_not_an_object_are_refused_plainly(text: str) -> None:
    with pytest.raises(WeakKdfParameters):
        crypto.KdfParams.from_json(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | json_values.map(json.dumps))
def test_any_stored_text_gives_settings_or_a_plain_refusal(text: str) -> None:
    with contextlib.suppress(WeakKdfParameters):
        crypto.KdfParams.from_json(text)
