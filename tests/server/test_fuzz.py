"""Hypothesis fuzz of the JSON bodies and query strings against a live ``cleverinvo serve``: never a 500, every
error is ``{"error": str}``, and a refused request (4xx) changes nothing the account's API shows.

The account's state (first pages of clients and invoices, and every fixture object read by id) is snapshotted
after each accepted request; after each refused one it is read again and must be identical.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import simplejson
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.server.helpers import JSON, make_client, make_invoice, start_server

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# Values of every JSON type, including the awkward ones: huge and tiny numbers, long and odd text, nesting.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(min_size=250, max_size=300),
    st.sampled_from(["", " ", "2024-02-30", "2024-13-01", "1.5", "1e400", "-0", "\x00", "Zoë Ørsted – Łódź", "%_"]),
)
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


# Each field is mostly valid and sometimes anything at all, so requests get past the first check and reach the
# deeper ones (and some succeed); each refused request is then checked to have changed nothing.
def mostly(valid: st.SearchStrategy[Any], *odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` nine times in ten, else one of the ``odd`` strategies or any JSON value."""
    return st.sampled_from(range(10)).flatmap(lambda n: valid if n < 9 else st.one_of(*odd, junk))


dates = mostly(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat))
good_money = st.one_of(st.integers(0, 10**6), st.decimals(Decimal(0), Decimal(10**6), places=2))
money = mostly(
    good_money,
    st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1e12"), allow_nan=False, places=4),
    st.integers(min_value=-5, max_value=10**15),
    st.sampled_from([0, Decimal("0.001"), Decimal("99999999999.99"), Decimal("1e11"), Decimal("-0"), 10**20]),
)
good_rate = st.one_of(st.integers(0, 100), st.decimals(Decimal(0), Decimal(100), places=2))
rates = mostly(good_rate, st.decimals(min_value=Decimal("-1"), max_value=Decimal("101"), allow_nan=False, places=5))
clean = st.characters(exclude_categories=("Cc", "Cs"))  # what the core takes as text: no control characters
text = st.text(clean, max_size=30)
extra_keys = st.sampled_from(range(10)).flatmap(
    lambda n: (
        st.just({})
        if n < 9
        else st.dictionaries(
            st.sampled_from(["bogus", "id", "createdAt", "status", "total", ""]), junk, min_size=1, max_size=1
        )
    )
)


def body_of(fields: dict[str, Any], required: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """Objects with the required fields and any subset of the others (sometimes an unknown one, sometimes
    without the required ones), or any other JSON value."""
    merge = st.builds(
        lambda known, extra: {**known, **extra}, st.fixed_dictionaries(required or {}, optional=fields), extra_keys
    )
    loose = st.builds(
        lambda known, extra: {**known, **extra},
        st.fixed_dictionaries({}, optional={**fields, **(required or {})}),
        extra_keys,
    )
    return st.sampled_from(range(8)).flatmap(lambda n: merge if n < 6 else loose if n == 6 else junk)


line_fields = {"taxRate": rates, "discountRate": rates}
line_required = {
    "description": mostly(st.text(clean, min_size=1, max_size=30)),
    "quantity": st.one_of(st.decimals(Decimal("0.01"), Decimal(1000), places=2), money),
    "unitPrice": st.one_of(st.decimals(Decimal(0), Decimal(10_000), places=2), money),
}
line_items = mostly(st.lists(body_of(line_fields, line_required), min_size=1, max_size=4), st.just([]))
client_bodies = body_of(
    {
        "email": mostly(st.emails(), text),
        "address": mostly(text),
        "taxId": mostly(text),
        "phone": mostly(text),
        "notes": mostly(st.text(clean, max_size=300)),
        "isActive": mostly(st.booleans()),
    },
    {"name": mostly(st.text(clean, min_size=1, max_size=40), st.text(min_size=250, max_size=260))},
)
payment_bodies = body_of(
    {"date": dates, "method": mostly(text), "note": mostly(text)},
    {"amount": mostly(st.decimals(Decimal("0.01"), Decimal(50), places=2), money)},
)
send_bodies = body_of({"viaEmail": mostly(st.booleans())})
raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.sampled_from([b"", b"NaN", b'{"amount": NaN}', b'{"name": Infinity}', b"[" * 5000, b'{"a":1,"a":2}', b"\xff"]),
)


def dumps(value: Any) -> str:
    return simplejson.dumps(value, use_decimal=True)


class World:
    """The fuzzed account: fixture objects to aim at, and the state its API showed after the last change."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.clients = [make_client(http, "Fuzz One")["id"], make_client(http, "Fuzz Two")["id"]]
        archived = make_client(http, "Fuzz Archived")["id"]
        assert http.delete(f"/api/v1/clients/{archived}").status_code == 204
        self.clients.append(archived)
        self.invoices: dict[str, str] = {}
        self.resync()

    def resync(self) -> None:
        """Put the fixtures back where fuzzing moved them (two active clients, one archived; a DRAFT, an owed
        and a PAID invoice), then take the snapshot refused requests are compared with."""
        for cid, active in zip(self.clients, (True, True, False), strict=True):
            if self.http.get(f"/api/v1/clients/{cid}").json()["data"]["isActive"] is not active:
                assert self.http.patch(f"/api/v1/clients/{cid}", json={"isActive": active}).status_code == 200
        self.ensure_invoices()
        self.state = self.snapshot()

    def ensure_invoices(self) -> None:
        """A DRAFT, a SENT with something owed and a PAID invoice to aim at, made again when fuzzing used them."""
        statuses = {
            role: self.http.get(f"/api/v1/invoices/{iid}").json()["data"] for role, iid in self.invoices.items()
        }
        if "draft" not in statuses or statuses["draft"]["status"] != "DRAFT":
            self.invoices["draft"] = make_invoice(self.http, self.clients[0], notes="fuzz draft")["id"]
        if "owed" not in statuses or statuses["owed"]["status"] not in ("SENT", "PARTIALLY_PAID"):
            owed = make_invoice(self.http, self.clients[1])["id"]
            assert self.http.post(f"/api/v1/invoices/{owed}/send", json={}).status_code == 200
            self.invoices["owed"] = owed
        if "paid" not in statuses:
            paid = make_invoice(self.http, self.clients[0])["id"]
            assert self.http.post(f"/api/v1/invoices/{paid}/send", json={}).status_code == 200
            assert self.http.post(f"/api/v1/invoices/{paid}/payments", json={"amount": 100}).status_code == 201
            self.invoices["paid"] = paid

    def snapshot(self) -> dict[str, Any]:
        def read(path: str) -> Any:
            response = self.http.get(path)
            assert response.status_code == 200, response.text
            return response.json()

        return {
            "clients": read("/api/v1/clients?limit=100"),
            "invoices": read("/api/v1/invoices?limit=100"),
            **{f"client {cid}": read(f"/api/v1/clients/{cid}") for cid in self.clients},
            **{f"invoice {iid}": read(f"/api/v1/invoices/{iid}") for iid in self.invoices.values()},
        }

    def target(self, role: str) -> str:
        """A fixture invoice's id, or the fuzzed text itself, fit for a URL path."""
        return self.invoices.get(role) or quote(role, safe="")

    def send(self, method: str, path: str, content: bytes | str | None = None, **kw: Any) -> httpx.Response:
        """One fuzzed request, checked: no 5xx, errors as ``{"error": str}``, a refusal changes nothing."""
        headers = JSON if content is not None else {}
        response = self.http.request(method, path, content=content, headers=headers, **kw)
        described = f"{method} {path} {content!r:.500} → {response.status_code} {response.text[:300]}"
        event(f"status {response.status_code}")
        assert response.status_code < 500, described
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/json"), described
            payload = response.json()
            assert isinstance(payload, dict) and list(payload) == ["error"], described
            assert isinstance(payload["error"], str) and payload["error"], described
            assert self.snapshot() == self.state, f"a refused request changed the account: {described}"
        else:
            self.resync()
        return response


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    server = start_server(tmp_path_factory.mktemp("fuzz"), env={"CLEVERINVO_RATE_LIMIT": "100000000"})
    try:
        with server.client(account="fuzz") as http:
            yield World(http)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _fixtures_in_place(world):
    world.resync()


fixture_clients = st.sampled_from(["c0", "c1", "c2"])
client_ids = mostly(fixture_clients, st.text(max_size=30)).filter(lambda v: isinstance(v, str))
fixture_invoices = st.sampled_from(["draft", "owed", "paid"])
invoice_roles = mostly(fixture_invoices, st.text(max_size=30)).filter(lambda v: isinstance(v, str))


def resolve_client(world: World, value: Any) -> Any:
    return world.clients[int(value[1])] if value in ("c0", "c1", "c2") else value


def client_path(world: World, value: str) -> str:
    return f"/api/v1/clients/{quote(resolve_client(world, value), safe='')}"


invoice_bodies = body_of(
    {
        "invoiceNumber": mostly(
            st.text(clean, min_size=1, max_size=20), st.sampled_from(["INV-0001", "INV-0002", "inv-0001", "X" * 65])
        ),
        "currency": mostly(st.sampled_from(["USD", "EUR", "JPY", "KWD"]), st.sampled_from(["usd", "XXX", "ABC", ""])),
        "issueDate": dates,
        "dueDate": dates,
        "notes": mostly(text),
        "terms": mostly(text),
    },
    {"clientId": mostly(st.sampled_from(["c0", "c1"]), st.sampled_from(["c2", "nope"])), "lineItems": line_items},
)


def with_client(world: World, body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("clientId"), str):
        return {**body, "clientId": resolve_client(world, body["clientId"])}
    return body


@SETTINGS
@given(body=client_bodies, target=st.one_of(st.none(), client_ids), method=st.sampled_from(["PUT", "PATCH"]))
def test_client_bodies(world, body, target, method):
    if target is None:
        world.send("POST", "/api/v1/clients", dumps(body))
    else:
        world.send(method, client_path(world, target), dumps(body))


@SETTINGS
@given(body=invoice_bodies, target=st.one_of(st.none(), invoice_roles), method=st.sampled_from(["PUT", "PATCH"]))
def test_invoice_bodies(world, body, target, method):
    if target is None:
        world.send("POST", "/api/v1/invoices", dumps(with_client(world, body)))
    else:
        world.send(method, f"/api/v1/invoices/{world.target(target)}", dumps(with_client(world, body)))


@SETTINGS
@given(body=payment_bodies, target=invoice_roles)
def test_payment_bodies(world, body, target):
    world.send("POST", f"/api/v1/invoices/{world.target(target)}/payments", dumps(body))


@SETTINGS
@given(body=st.one_of(send_bodies, st.none()), target=invoice_roles)
def test_send_bodies(world, body, target):
    world.send("POST", f"/api/v1/invoices/{world.target(target)}/send", "" if body is None else dumps(body))


@settings(SETTINGS, max_examples=150)
@given(
    raw=raw_bodies,
    path=st.sampled_from(["/api/v1/clients", "/api/v1/invoices", "c0", "draft", "draft/send", "owed/payments"]),
)
def test_raw_bodies(world, raw, path):
    if path == "c0":
        world.send("PATCH", f"/api/v1/clients/{world.clients[0]}", raw)
    elif not path.startswith("/"):
        role, _, rest = path.partition("/")
        world.send(
            "PATCH" if not rest else "POST", f"/api/v1/invoices/{world.target(role)}{'/' + rest if rest else ''}", raw
        )
    else:
        world.send("POST", path, raw)


query_values = st.sampled_from(range(2)).flatmap(
    lambda n: (
        st.sampled_from(["1", "2", "20", "100", "DRAFT", "SENT", "PAID", "OVERDUE", "c0", "fuzz", "inv-0"])
        if n == 0
        else odd_query_values
    )
)
odd_query_values = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(
        ["", "1", "100", "101", "0", "-1", "1.5", "1e3", " 2", "０", "DRAFT", "PAID", "paid", "c0", "%", "_"]
    ),
    st.text(max_size=300),
)
query_keys = st.sampled_from(range(10)).flatmap(
    lambda n: (
        st.sampled_from(["page", "limit", "search", "status", "clientId"])
        if n < 8
        else st.one_of(st.sampled_from(["sort", "PAGE", "", "page[]"]), st.text(max_size=10))
    )
)


@settings(SETTINGS, max_examples=300)
@given(params=st.lists(st.tuples(query_keys, query_values), max_size=4), what=st.sampled_from(["clients", "invoices"]))
def test_query_strings(world, params, what):
    resolved = [(k, world.clients[0] if v == "c0" else v) for k, v in params]
    response = world.send("GET", f"/api/v1/{what}", params=resolved)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        page = response.json()
        assert set(page) == {"data", "total", "page", "limit", "totalPages"}
        assert len(page["data"]) <= page["limit"] <= 100
        status = dict(resolved).get("status")
        assert all(item["status"] == status for item in page["data"]) if status else True


def test_the_fuzzed_account_still_adds_up(world):
    """After the fuzz: every invoice the account lists is readable by id and its totals add up."""
    listed = world.http.get("/api/v1/invoices?limit=100").json()
    assert listed["total"] >= 3
    for summary in listed["data"]:
        invoice = world.http.get(f"/api/v1/invoices/{summary['id']}").json(parse_float=Decimal)["data"]
        assert invoice["total"] == invoice["subtotal"] - invoice["discountTotal"] + invoice["taxTotal"]
        assert invoice["amountDue"] == invoice["total"] - invoice["amountPaid"]
