"""Hypothesis fuzz of the JSON bodies and query strings against a live ``cleverinvo serve``: never a 500, every
error is ``{"error": str}``, and a refused request (4xx) changes nothing the account's API shows.

The account's state (first pages of clients and invoices, and every fixture object read by id) is snapshotted
after each accepted request; after each refused one it is read again and must be identical.
"""

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import simplejson
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.server.helpers import JSON, Server, make_client, make_invoice, start_server

# The budget: CLEVERINVO_FUZZ_EXAMPLES (schemathesis' cases per operation, 60 unless CI lowers it for its second
# backend) scales every test here; at 60, test_client_bodies draws 300 cases.
FUZZ_EXAMPLES = int(os.environ.get("CLEVERINVO_FUZZ_EXAMPLES", "60"))


def budget(times: float) -> int:
    """``times`` × the budget, and never fewer than 10 cases."""
    return max(10, round(FUZZ_EXAMPLES * times))


SETTINGS = settings(
    max_examples=budget(5),
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


def sent_invoice(world: "World", client: int = 1, **fields: Any) -> str:
    made = make_invoice(world.http, world.clients[client], **fields)["id"]
    assert world.http.post(f"/api/v1/invoices/{made}/send", json={}).status_code == 200
    return made


def paid_invoice(world: "World") -> str:
    paid = sent_invoice(world, client=0)
    assert world.http.post(f"/api/v1/invoices/{paid}/payments", json={"amount": 100}).status_code == 201
    return paid


@dataclass(frozen=True)
class Role:
    """A fixture invoice: how to make it, and whether it is still what it was made to be (else it is made again)."""

    make: Callable[["World"], str]
    keep: Callable[[dict[str, Any], dict[str, Any]], bool]  # (as made, as now)


def same_standing(made: dict[str, Any], now: dict[str, Any]) -> bool:
    """Still in the status it was made in, and with payments if it was made with some (so that credits and
    removals can pile up on one invoice until it leaves its status)."""
    return now["status"] == made["status"] and bool(now["payments"]) == bool(made["payments"])


BASIC_ROLES = {
    "draft": Role(
        lambda w: make_invoice(w.http, w.clients[0], notes="fuzz draft")["id"], lambda _, now: now["status"] == "DRAFT"
    ),
    "owed": Role(sent_invoice, lambda _, now: now["status"] in ("SENT", "PARTIALLY_PAID")),
    "paid": Role(paid_invoice, lambda _made, _now: True),
}


class World:
    """The fuzzed account: fixture objects to aim at, and the state its API showed after the last change.

    With ``deep``, the state also holds every fixture invoice's history and credit notes, and each snapshot checks
    that they agree with the invoice (its payments, ``amountPaid``, ``amountCredited``, ``amountDue``, status)."""

    def __init__(self, http: httpx.Client, roles: dict[str, Role] = BASIC_ROLES, deep: bool = False) -> None:
        self.http = http
        self.roles = roles
        self.deep = deep
        self.clients = [make_client(http, "Fuzz One")["id"], make_client(http, "Fuzz Two")["id"]]
        archived = make_client(http, "Fuzz Archived")["id"]
        assert http.delete(f"/api/v1/clients/{archived}").status_code == 204
        self.clients.append(archived)
        self.invoices: dict[str, str] = {}
        self.made: dict[str, dict[str, Any]] = {}
        self.resync()

    def resync(self) -> None:
        """Put the fixtures back where fuzzing moved them (two active clients, one archived; an invoice for each
        role), then take the snapshot refused requests are compared with."""
        for cid, active in zip(self.clients, (True, True, False), strict=True):
            if self.http.get(f"/api/v1/clients/{cid}").json()["data"]["isActive"] is not active:
                assert self.http.patch(f"/api/v1/clients/{cid}", json={"isActive": active}).status_code == 200
        self.ensure_invoices()
        self.state = self.snapshot()

    def ensure_invoices(self) -> None:
        """An invoice for each role, made again when fuzzing moved it out of its role."""
        for role, spec in self.roles.items():
            if role in self.invoices:
                now = self.read(f"/api/v1/invoices/{self.invoices[role]}")["data"]
                if spec.keep(self.made[role], now):
                    continue
            self.invoices[role] = spec.make(self)
            self.made[role] = self.read(f"/api/v1/invoices/{self.invoices[role]}")["data"]

    def read(self, path: str) -> Any:
        response = self.http.get(path)
        assert response.status_code == 200, response.text
        return response.json(parse_float=Decimal)

    def snapshot(self) -> dict[str, Any]:
        state = {
            "clients": self.read("/api/v1/clients?limit=100"),
            "invoices": self.read("/api/v1/invoices?limit=100"),
            **{f"client {cid}": self.read(f"/api/v1/clients/{cid}") for cid in self.clients},
            **{f"invoice {iid}": self.read(f"/api/v1/invoices/{iid}") for iid in self.invoices.values()},
        }
        if self.deep:
            state["credit notes"] = self.read("/api/v1/credit-notes?limit=100")
            for iid in self.invoices.values():
                state[f"events {iid}"] = self.read(f"/api/v1/invoices/{iid}/events")["data"]
                state[f"credit notes {iid}"] = self.read(f"/api/v1/credit-notes?invoiceId={iid}&limit=100")["data"]
                agree(state[f"invoice {iid}"]["data"], state[f"events {iid}"], state[f"credit notes {iid}"])
        return state

    def target(self, role: str) -> str:
        """A fixture invoice's id, or the fuzzed text itself, fit for a URL path."""
        return self.invoices.get(role) or quote(role, safe="")

    def send(
        self,
        method: str,
        path: str,
        content: bytes | str | None = None,
        accepted: Callable[[dict[str, Any], dict[str, Any], httpx.Response], None] | None = None,
        **kw: Any,
    ) -> httpx.Response:
        """One fuzzed request, checked: no 5xx, errors as ``{"error": str}``, a refusal changes nothing; an
        accepted request is checked by ``accepted(state before, state after, response)``."""
        headers = JSON if content is not None else {}
        response = self.http.request(method, path, content=content, headers=headers, **kw)
        described = f"{method} {path} {content!r:.500} → {response.status_code} {response.text[:300]}"
        event(f"status {response.status_code}")
        assert response.status_code < 300 or 400 <= response.status_code < 500, described
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/json"), described
            payload = response.json()
            assert isinstance(payload, dict) and list(payload) == ["error"], described
            assert isinstance(payload["error"], str) and payload["error"], described
            assert self.snapshot() == self.state, f"a refused request changed the account: {described}"
        else:
            if accepted is not None:
                accepted(self.state, self.snapshot(), response)
            self.resync()
        return response


def agree(invoice: dict[str, Any], events: list[dict[str, Any]], credit_notes: list[dict[str, Any]]) -> None:
    """An invoice, its history and its credit notes tell one story: the payments listed are those recorded and
    not removed, the credits are its credit notes, and amountDue and the status follow from them."""
    recorded = {e["detail"]["paymentId"]: e["detail"]["amount"] for e in events if e["type"] == "payment_recorded"}
    for removed in (e["detail"] for e in events if e["type"] == "payment_removed"):
        assert recorded.pop(removed["paymentId"]) == removed["amount"], events
    assert recorded == {p["id"]: p["amount"] for p in invoice["payments"]}, (invoice, events)
    assert invoice["amountPaid"] == sum(recorded.values()), invoice
    credited = {e["detail"]["creditNoteId"]: e["detail"]["total"] for e in events if e["type"] == "credited"}
    assert credited == {c["id"]: c["total"] for c in credit_notes}, (events, credit_notes)
    assert invoice["amountCredited"] == sum(credited.values()) <= invoice["total"], invoice
    total, settled = invoice["total"], invoice["amountPaid"] + invoice["amountCredited"]
    assert invoice["amountDue"] == max(0, total - settled), invoice
    assert invoice["status"] == expected_status(invoice), invoice
    if invoice["status"] == "PAID":
        assert invoice["paidAt"] is not None, invoice
    elif invoice["status"] != "VOID":
        assert invoice["paidAt"] is None, invoice
    issued = [e for e in events if e["type"] == "issued"]
    assert len(issued) == (invoice["status"] != "DRAFT"), events


def expected_status(invoice: dict[str, Any]) -> str:
    """The SPEC's status rules, credits counted as settled, from what the invoice shows."""
    total, credited = invoice["total"], invoice["amountCredited"]
    settled = invoice["amountPaid"] + credited
    if invoice["status"] == "DRAFT":
        assert settled == 0, invoice
        return "DRAFT"
    if credited > 0 and credited >= total:
        return "VOID"
    if settled >= total:
        return "PAID"
    if dt.date.fromisoformat(invoice["dueDate"]) < dt.datetime.now(dt.UTC).date():
        return "OVERDUE"
    if settled > 0:
        return "PARTIALLY_PAID"
    return "VIEWED" if invoice["viewedAt"] else "SENT"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("fuzz"), env={"CLEVERINVO_RATE_LIMIT": "100000000"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def world(fuzz_server: Server) -> Iterator[World]:
    with fuzz_server.client(account="fuzz") as http:
        yield World(http)


@pytest.fixture(autouse=True)
def _fixtures_in_place(world):
    world.resync()


fixture_clients = st.sampled_from(["c0", "c1", "c2"])
# Ids are never empty: ``/api/v1/clients/`` is the collection's path (a redirect to it), not an id.
client_ids = mostly(fixture_clients, st.text(max_size=30)).filter(lambda v: isinstance(v, str) and v != "")
fixture_invoices = st.sampled_from(["draft", "owed", "paid"])
invoice_roles = mostly(fixture_invoices, st.text(max_size=30)).filter(lambda v: isinstance(v, str) and v != "")


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


@settings(SETTINGS, max_examples=budget(2.5))
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


@settings(SETTINGS, max_examples=budget(5))
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


# Credit notes and payment removal --------------------------------------------------------------------------------
# A second account whose invoices stand in every status, each with lines at several rates (one discounted), some
# with payments, some with credit notes: credit notes for the rest or for chosen lines, and DELETE of payments, are
# aimed at each. After an accepted request the invoice, its history and its credit notes must have moved by exactly
# what the answer said; after a refused one, by nothing.

LEDGER_LINES = [
    {"description": "Work", "quantity": 2, "unitPrice": 50, "taxRate": 10},
    {"description": "Design", "quantity": 1, "unitPrice": Decimal("30.50"), "taxRate": 20, "discountRate": 10},
    {"description": "Hosting", "quantity": 3, "unitPrice": Decimal("9.99")},
]


def post(world: World, path: str, body: Any, status: int = 201) -> dict[str, Any]:
    response = world.http.post(path, content=dumps(body), headers=JSON)
    assert response.status_code == status, response.text
    return response.json(parse_float=Decimal)["data"] if response.content else {}


def ledger_invoice(world: World, issued: bool = True, **fields: Any) -> str:
    made = post(world, "/api/v1/invoices", {"clientId": world.clients[1], "lineItems": LEDGER_LINES, **fields})["id"]
    if issued:
        post(world, f"/api/v1/invoices/{made}/send", {}, status=200)
    return made


def paid(world: World, invoice_id: str, *amounts: Decimal | int | str) -> str:
    for amount in amounts:
        rest = world.read(f"/api/v1/invoices/{invoice_id}")["data"]["amountDue"]
        post(world, f"/api/v1/invoices/{invoice_id}/payments", {"amount": rest if amount == "rest" else amount})
    return invoice_id


def credited(world: World, invoice_id: str, *lines: dict[str, Any]) -> str:
    body: dict[str, Any] = {"reason": "fixture"}
    if lines:
        body["lineItems"] = list(lines)
    post(world, f"/api/v1/invoices/{invoice_id}/credit-notes", body)
    return invoice_id


def viewed(world: World, invoice_id: str) -> str:
    url = world.read(f"/api/v1/invoices/{invoice_id}")["data"]["viewUrl"]
    assert httpx.post(f"{url}/seen", headers={"X-CleverInvo-Seen": "1"}).status_code == 204
    return invoice_id


def role(make: Callable[[World], str]) -> Role:
    return Role(make, same_standing)


LEDGER_ROLES = {
    "draft": role(lambda w: ledger_invoice(w, issued=False)),
    "sent": role(ledger_invoice),
    "viewed": role(lambda w: viewed(w, ledger_invoice(w))),
    "overdue": role(lambda w: ledger_invoice(w, issueDate="2020-01-01", dueDate="2020-01-31")),
    "partly": role(lambda w: paid(w, ledger_invoice(w), Decimal("40.10"))),
    "paid": role(lambda w: paid(w, ledger_invoice(w), 100, "rest")),
    "paid credited": role(lambda w: credited(w, paid(w, ledger_invoice(w), 100, "rest"), LEDGER_LINES[0])),
    "credited": role(lambda w: paid(w, credited(w, ledger_invoice(w), {**LEDGER_LINES[0], "quantity": 1}), 20)),
    "overdue credited": role(
        lambda w: credited(w, ledger_invoice(w, issueDate="2020-01-01", dueDate="2020-01-31"), LEDGER_LINES[2])
    ),
    "void": role(lambda w: credited(w, paid(w, ledger_invoice(w), 20))),
}


@pytest.fixture(scope="module")
def ledger(fuzz_server: Server) -> Iterator[World]:
    """The second account, its invoices in every status."""
    with fuzz_server.client(account="fuzz-ledger") as http:
        made = World(http, LEDGER_ROLES, deep=True)
        statuses = {made.state[f"invoice {iid}"]["data"]["status"] for iid in made.invoices.values()}
        assert statuses == {"DRAFT", "SENT", "VIEWED", "OVERDUE", "PARTIALLY_PAID", "PAID", "VOID"}
        yield made


@pytest.fixture(scope="module")
def stranger(fuzz_server: Server) -> dict[str, str]:
    """Ids of a third account's invoice and payment: never found from the ledger's account."""
    with fuzz_server.client(account="fuzz-stranger") as http:
        other = World(http, {"void": LEDGER_ROLES["void"]})
        invoice = other.state[f"invoice {other.invoices['void']}"]["data"]
        return {"invoice": invoice["id"], "payment": invoice["payments"][0]["id"]}


# Lines close to the fixture's: most fields as invoiced, one now and then changed or odd, so that requests reach
# the checks of what is left to credit per rate, and some are accepted.
def near(value: Any, *odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(range(6)).flatmap(lambda n: st.just(value) if n < 5 else st.one_of(*odd, junk))


def near_line(line: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    quantities = st.sampled_from([1, Decimal("0.5"), Decimal("0.01"), line["quantity"] + 1, 0, -1, 10**9])
    categories = st.sampled_from(["S", "Z", "E", "AE", "K", "G", "O", "L", "M", "s", "X"])
    fields = {
        "description": near(line["description"], text, st.just("")),
        "quantity": st.one_of(st.just(line["quantity"]), quantities, money),
        "unitPrice": near(line["unitPrice"], money),
        "taxRate": near(line.get("taxRate", 0), rates, st.just(None)),
        "discountRate": near(line.get("discountRate", 0), rates),
    }
    optional = {"taxCategory": categories, "bogus": junk}
    return st.builds(
        lambda known, extra: {**known, **extra},
        st.fixed_dictionaries(fields),
        st.fixed_dictionaries({}, optional=optional),
    )


credit_lines = st.one_of(
    st.lists(st.sampled_from(LEDGER_LINES).flatmap(near_line), min_size=1, max_size=3),
    st.lists(body_of(line_fields, line_required), min_size=1, max_size=2),
    st.just([]),
    junk,
)
credit_bodies = st.one_of(
    body_of(
        {"lineItems": credit_lines},
        {"reason": mostly(st.text(clean, min_size=1, max_size=40), st.just(""), st.text(min_size=1001, max_size=1001))},
    ),
    raw_bodies,
)
ledger_roles = mostly(st.sampled_from(sorted(LEDGER_ROLES)), st.just("stranger")).filter(lambda v: isinstance(v, str))


def ledger_target(ledger: World, stranger: dict[str, str], role_: str) -> str:
    return stranger["invoice"] if role_ == "stranger" else ledger.target(role_)


@settings(SETTINGS, max_examples=budget(1.5))
@given(body=credit_bodies, target=ledger_roles)
def test_credit_note_bodies(ledger, stranger, body, target):
    invoice_id = ledger_target(ledger, stranger, target)
    content = body if isinstance(body, bytes) else dumps(body)

    def accepted(before: dict[str, Any], after: dict[str, Any], response: httpx.Response) -> None:
        assert response.status_code == 201, response.text
        sent = simplejson.loads(content, use_decimal=True)
        note = response.json(parse_float=Decimal)["data"]
        assert note["invoiceId"] == invoice_id and note["reason"] == sent["reason"].strip()
        assert note["total"] == note["subtotal"] - note["discountTotal"] + note["taxTotal"] > 0, note
        assert note["creditNoteNumber"] == f"CN-{before['credit notes']['total'] + 1:04d}", note
        assert ledger.read(f"/api/v1/credit-notes/{note['id']}")["data"] == note
        was, now = before[f"invoice {invoice_id}"]["data"], after[f"invoice {invoice_id}"]["data"]
        assert was["status"] not in ("DRAFT", "VOID"), was
        assert now["amountCredited"] == was["amountCredited"] + note["total"] <= was["total"], (was, note)
        if "lineItems" not in sent:
            assert now["amountCredited"] == now["total"] and now["status"] == "VOID", now
        assert now["payments"] == was["payments"] and now["lineItems"] == was["lineItems"]
        [new_event] = after[f"events {invoice_id}"][len(before[f"events {invoice_id}"]) :]
        assert after[f"events {invoice_id}"][:-1] == before[f"events {invoice_id}"]
        assert (new_event["type"], new_event["detail"]["creditNoteId"]) == ("credited", note["id"])
        assert after[f"credit notes {invoice_id}"] == [note, *before[f"credit notes {invoice_id}"]]
        untouched(before, after, invoice_id)

    ledger.send("POST", f"/api/v1/invoices/{invoice_id}/credit-notes", content, accepted=accepted)


# Mostly a payment of a fixture invoice (aimed at that invoice three times in four), else another account's
# payment or made-up text.
payment_refs = st.sampled_from(range(10)).flatmap(
    lambda n: (
        st.tuples(st.sampled_from(sorted(LEDGER_ROLES)), st.integers(0, 2))
        if n < 7
        else st.just("stranger")
        if n == 7
        else st.text(min_size=1, max_size=40)
    )
)


@settings(SETTINGS, max_examples=budget(1.5))
@given(target=ledger_roles, payment=payment_refs, same=st.sampled_from([True, True, True, False]))
def test_payment_removal(ledger, stranger, target, payment, same):
    """DELETE of a payment of this invoice, of another invoice, of another account, or of a made-up id."""
    if isinstance(payment, tuple):
        owner, index = payment
        payments = ledger.state[f"invoice {ledger.invoices[owner]}"]["data"]["payments"]
        payment_id = payments[index % len(payments)]["id"] if payments else "none"
        target = owner if same else target
    else:
        payment_id = stranger["payment"] if payment == "stranger" else payment
    invoice_id = ledger_target(ledger, stranger, target)

    def accepted(before: dict[str, Any], after: dict[str, Any], response: httpx.Response) -> None:
        assert response.status_code == 204 and response.content == b"", response.text
        was, now = before[f"invoice {invoice_id}"]["data"], after[f"invoice {invoice_id}"]["data"]
        [removed] = [p for p in was["payments"] if p["id"] == payment_id]
        assert now["payments"] == [p for p in was["payments"] if p["id"] != payment_id]
        assert now["amountPaid"] == was["amountPaid"] - removed["amount"], (was, now)
        assert now["amountCredited"] == was["amountCredited"] and now["lineItems"] == was["lineItems"]
        assert after[f"events {invoice_id}"][:-1] == before[f"events {invoice_id}"]
        last = after[f"events {invoice_id}"][-1]
        assert (last["type"], last["detail"]["paymentId"], last["detail"]["amount"]) == (
            "payment_removed",
            payment_id,
            removed["amount"],
        )
        assert after[f"credit notes {invoice_id}"] == before[f"credit notes {invoice_id}"]
        untouched(before, after, invoice_id)

    ledger.send("DELETE", f"/api/v1/invoices/{invoice_id}/payments/{quote(payment_id, safe='')}", accepted=accepted)


def untouched(before: dict[str, Any], after: dict[str, Any], changed: str) -> None:
    """Every fixture invoice but ``changed``, its history and credit notes, are as they were."""
    for key, value in before.items():
        if not key.endswith(f" {changed}") and key not in ("invoices", "credit notes"):
            assert after[key] == value, key
