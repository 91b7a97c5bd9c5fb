"""The soak of bench/soak.py for 60 s against a real server: mixed traffic, then zero 5xx and zero lost writes."""

import pytest

from bench import soak
from bench._common import HIGH_RATE_LIMIT
from tests.server.helpers import start_server


@pytest.mark.slow
def test_a_minute_of_mixed_traffic_loses_nothing_and_never_fails(tmp_path):
    server = start_server(tmp_path, env={"CLEVERINVO_RATE_LIMIT": HIGH_RATE_LIMIT})
    try:
        result = soak.run(server.url, server.key("soak"), seconds=60, concurrency=8)
    finally:
        assert server.stop() == 0
    print(result.summary())
    assert result.passed, result.summary()
    assert result.requests > 500, result.summary()  # the soak really drove traffic
    assert result.created["invoices"] > 50 and result.verified["invoices"] > 0, result.summary()
    assert set(result.by_status) >= {200, 201, 400, 404, 409}, result.summary()  # and really sent bad requests
