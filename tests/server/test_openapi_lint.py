"""The OpenAPI document passes Redocly's recommended rules with no warnings but the deliberate ones, and names,
tags and documents every operation. CI installs @redocly/cli with npm (.ci/run); without it the lint is skipped."""

import json
import shutil
import subprocess

import pytest

from cleverinvo.server.openapi import document

# /healthz and this document itself cannot answer 4xx: they take no input and need no key.
DELIBERATE = {
    ("operation-4xx-response", "#/paths/~1healthz/get/responses"),
    ("operation-4xx-response", "#/paths/~1api~1v1~1openapi.json/get/responses"),
}


def test_redocly_finds_nothing_but_the_deliberate_warnings(tmp_path):
    redocly = shutil.which("redocly")
    if redocly is None:
        pytest.skip("@redocly/cli is not installed (npm install @redocly/cli; .ci/run does)")
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document()))
    linted = subprocess.run(
        [redocly, "lint", str(path), "--format=json"], capture_output=True, text=True, timeout=180, cwd=tmp_path
    )
    problems = json.loads(linted.stdout)["problems"]
    found = {(p["ruleId"], p["location"][0]["pointer"]) for p in problems}
    assert found == DELIBERATE, json.dumps(problems, indent=1)[:4000]


def test_every_operation_has_a_unique_operation_id_a_tag_and_the_limits_are_documented():
    doc = document()
    operations = [op for item in doc["paths"].values() for method, op in item.items() if method != "parameters"]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids)) and "clientCreate" in ids and "clientUpdatePatch" in ids
    assert all(op["tags"] for op in operations)
    assert {t["name"] for t in doc["tags"]} >= {"clients", "invoices", "service"}
    assert "6 decimal places" in doc["info"]["description"]
    assert "control characters" in doc["info"]["description"]
    assert "currency's places" in doc["components"]["schemas"]["PaymentInput"]["properties"]["amount"]["description"]
    client = doc["paths"]["/api/v1/clients/{id}"]
    assert "412" in client["patch"]["responses"] and "304" in client["get"]["responses"]
    assert "Location" in doc["paths"]["/api/v1/clients"]["post"]["responses"]["201"]["headers"]
    example = doc["paths"]["/api/v1/clients"]["post"]["requestBody"]["content"]["application/json"]["example"]
    assert example["name"] == "Acme Corp"
