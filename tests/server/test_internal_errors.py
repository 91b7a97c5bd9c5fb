"""An unexpected failure is a 500 with a plain JSON message: no stack trace, no internals, logged server-side."""

import logging

from starlette.testclient import TestClient

import cleverinvo.core
from cleverinvo.core.clients import Clients
from cleverinvo.server.app import create_app


def test_unexpected_failure_is_a_bare_500(db_target, monkeypatch, caplog):
    key = cleverinvo.core.open(db_target).books().keys.create().key

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(Clients, "list", explode)
    with TestClient(create_app(db_target), raise_server_exceptions=False) as http, caplog.at_level(logging.ERROR):
        response = http.get("/api/v1/clients", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error"}
    assert response.headers["connection"] == "close"  # uvicorn ends the connection after it
    assert "secret" not in response.text and "Traceback" not in response.text
    assert "secret internals" in caplog.text
