"""Responses write money exactly: msgspec's output is byte for byte what simplejson (use_decimal, no ASCII escapes,
compact) wrote before, for every value a response can hold."""

from decimal import Decimal

import simplejson
from hypothesis import given
from hypothesis import strategies as st

from cleverinvo.server.jsonio import JSONResponse

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False),
    st.text(alphabet=st.characters(exclude_categories=("Cs",))),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=30,
)


def before(content: object) -> bytes:
    return simplejson.dumps(content, use_decimal=True, ensure_ascii=False, separators=(",", ":")).encode()


@given(values)
def test_json_output_is_byte_identical_to_simplejson(content):
    assert JSONResponse(content).body == before(content)


def test_the_decimals_money_takes():
    for text in ("5500.00", "0.30", "0", "-0", "0E-7", "1E+2", "123456789012.345678", "1.10", "0.000001", "-5.5"):
        assert (
            JSONResponse({"total": Decimal(text)}).body
            == before({"total": Decimal(text)})
            == (b'{"total":' + str(Decimal(text)).encode() + b"}")
        )
