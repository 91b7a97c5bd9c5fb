"""Clients: validation with the API's exact messages, partial updates, soft delete, search and paging."""

import pytest

from cleverinvo.core import NotFound, ValidationError

SEED_CLIENT = {
    "name": "Acme Corp",
    "email": "billing@acme.example",
    "address": "123 Main St, New York, NY 10001",
    "taxId": "US-123456789",
    "phone": "+1-555-0100",
    "notes": "Net 30 terms",
}


def test_create_and_read_the_seed_client(books):
    made = books.clients.create(SEED_CLIENT)
    assert (made.name, made.email, made.tax_id, made.phone, made.notes) == (
        "Acme Corp",
        "billing@acme.example",
        "US-123456789",
        "+1-555-0100",
        "Net 30 terms",
    )
    assert made.is_active and made.created_at == made.updated_at
    assert books.clients.get(made.id) == made


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Missing required field: name"),
        ({"name": None}, "Missing required field: name"),
        ({"name": "   "}, "Missing required field: name"),
        ({"name": 42}, "Invalid field: name must be a string"),
        ({"name": "x" * 256}, "Invalid field: name must be at most 255 characters"),
        ({"name": "A", "email": "not-an-address"}, "Invalid field: email must be a valid email address"),
        ({"name": "A", "colour": "red"}, "Unknown field: colour"),
        ({"name": "A", "isActive": False}, "Unknown field: isActive"),
        ({"name": "A\x00B"}, "Invalid field: name must not contain control characters"),
        (["name"], "Invalid input: The request body must be a JSON object"),
    ],
)
def test_bad_client_input_is_refused_and_changes_nothing(books, body, message):
    with pytest.raises(ValidationError) as err:
        books.clients.create(body)
    assert err.value.message == message
    assert books.clients.list(active=None).total == 0


def test_update_changes_only_the_fields_given(books):
    made = books.clients.create(SEED_CLIENT)
    changed = books.clients.update(
        made.id, {"name": "Acme Corporation", "email": "ap@acme.example", "phone": "+1-555-0200"}
    )
    assert (changed.name, changed.email, changed.phone) == ("Acme Corporation", "ap@acme.example", "+1-555-0200")
    assert (changed.address, changed.tax_id, changed.notes) == (made.address, made.tax_id, made.notes)
    assert changed.updated_at >= made.updated_at and changed.created_at == made.created_at
    cleared = books.clients.update(made.id, {"notes": None})
    assert cleared.notes is None and cleared.phone == "+1-555-0200"


def test_invalid_update_changes_nothing(books):
    made = books.clients.create(SEED_CLIENT)
    with pytest.raises(ValidationError):
        books.clients.update(made.id, {"phone": "+1", "email": "broken"})
    assert books.clients.get(made.id) == made


def test_archive_hides_from_lists_keeps_readable_and_restore_brings_back(books):
    made = books.clients.create(SEED_CLIENT)
    books.clients.archive(made.id)
    assert books.clients.list().total == 0
    assert books.clients.list(active=False).items[0].id == made.id
    assert books.clients.get(made.id).is_active is False
    books.clients.restore(made.id)
    assert books.clients.list().items[0].id == made.id


def test_unknown_client_is_not_found(books):
    with pytest.raises(NotFound):
        books.clients.get("cnope")
    with pytest.raises(NotFound):
        books.clients.update("cnope", {"name": "x"})


def test_list_is_newest_first_stable_and_paged(books):
    ids = [books.clients.create({"name": f"Client {n:02d}"}).id for n in range(25)]
    first, second, third = (books.clients.list(page=p, limit=10) for p in (1, 2, 3))
    assert first.total == 25 and first.total_pages == 3
    listed = [c.id for page in (first, second, third) for c in page.items]
    assert listed == ids[::-1]
    assert books.clients.list(page=4, limit=10).items == ()


def test_search_is_case_insensitive_on_name_and_email_with_literal_wildcards(books):
    books.clients.create({"name": "Zoë Ørsted", "email": "zoe@studio.example"})
    books.clients.create({"name": "100% Design", "email": "hi@design.example"})
    books.clients.create({"name": "Under_score Ltd"})
    books.clients.create({"name": "Underxscore Ltd"})
    assert [c.name for c in books.clients.list(search="ZOË").items] == ["Zoë Ørsted"]
    assert [c.name for c in books.clients.list(search="STUDIO.EX").items] == ["Zoë Ørsted"]
    assert [c.name for c in books.clients.list(search="100%").items] == ["100% Design"]
    assert [c.name for c in books.clients.list(search="%").items] == ["100% Design"]
    assert [c.name for c in books.clients.list(search="r_s").items] == ["Under_score Ltd"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"page": 0}, "page"), ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"search": "x" * 256}, "search")],
)
def test_paging_bounds(books, kwargs, field):
    with pytest.raises(ValidationError) as err:
        books.clients.list(**kwargs)
    assert err.value.field == field


def test_search_follows_renames_and_deletions_and_short_terms(books):
    made = books.clients.create({"name": "Northwind Traders"})
    assert books.clients.list(search="wind").total == 1
    books.clients.update(made.id, {"name": "Southern Supplies"})
    assert books.clients.list(search="wind").total == 0
    assert books.clients.list(search="thern sup").total == 1
    assert books.clients.list(search="so").total == 1
    assert books.clients.list(search='"ern').total == 0


@pytest.mark.sqlite_only
def test_sqlite_search_is_driven_by_the_trigram_index_not_by_the_accounts_rows(books, ci):
    from cleverinvo.core.storage import models
    from cleverinvo.core.storage.search import matching

    books.clients.create({"name": "Northwind Traders"})
    sql, params = models.Client.select().where(matching(models.Client, books.account_id, "wind")).sql()
    plan = [row[-1] for row in ci.database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]
    assert any(step.startswith("SCAN client_fts VIRTUAL TABLE INDEX 0:M") for step in plan), plan
    assert "SEARCH t1 USING INDEX sqlite_autoindex_client_1 (id=?)" in plan
    assert not any("account_id" in step for step in plan), plan


def test_a_page_far_past_the_end_is_empty(books):
    books.clients.create({"name": "Only"})
    far = books.clients.list(page=864364775170617527645766554746880, limit=40)
    assert (far.items, far.total, far.total_pages) == ((), 1, 1)
    assert books.invoices.list(page=10**30).items == ()


def test_control_characters_in_a_search_are_refused(books):
    for bad in ("a\x00b", "tab\there", "\x7f"):
        with pytest.raises(ValidationError) as err:
            books.clients.list(search=bad)
        assert err.value.field == "search"


def test_search_ignores_accents_and_case_on_every_backend(books):
    lodz = books.clients.create({"name": "Łódź Studio", "email": "biuro@ŁÓDŹ.example"})
    books.clients.create({"name": "Zoë Ørsted Æble"})
    books.clients.create({"name": "Müller Straße GmbH"})
    found = {term: [c.name for c in books.clients.list(search=term).items] for term in ("lodz", "ŁÓDŹ", "ódz", "zoe")}
    assert found == {
        "lodz": ["Łódź Studio"],
        "ŁÓDŹ": ["Łódź Studio"],
        "ódz": ["Łódź Studio"],
        "zoe": ["Zoë Ørsted Æble"],
    }
    assert [c.name for c in books.clients.list(search="orsted aeble").items] == ["Zoë Ørsted Æble"]
    assert [c.name for c in books.clients.list(search="MULLER STRASSE").items] == ["Müller Straße GmbH"]
    assert books.clients.list(search="ło").total == 1  # a short term (no trigram) folds the same way
    invoice = books.invoices.create(
        {"clientId": lodz.id, "lineItems": [{"description": "Logo", "quantity": 1, "unitPrice": 900}]}
    )
    assert [i.id for i in books.invoices.list(search="lodz").items] == [invoice.id]
