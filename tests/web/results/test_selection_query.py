"""A selection's URL query is exactly what urlencode gives, with values quoted once."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofte.web.results.selection import Selection

text = st.text(max_size=12)


@given(st.tuples(*[text] * 11), st.sampled_from(["view", "chart", "period_from", "region"]), text)
def test_query_string_is_urlencode_of_the_params(values, field, changed):
    sel = Selection(*values)
    assert sel.query_string() == urlencode(sel.params())
    assert sel.query_string(**{field: changed}) == urlencode(sel.params(**{field: changed}))
    param = {"period_from": "from"}.get(field, field)
    assert sel.params(**{field: changed})[param] == changed


def test_an_unknown_field_is_refused_as_replace_would():
    sel = Selection(*["x"] * 11)
    with pytest.raises(TypeError):
        sel.query_string(colour="red")
