"""Fixtures of the TUI tests: a fixed clock and the app over the test's real SQLite file."""

import datetime as dt
import itertools

import pytest

from cleverinvo.core import CleverInvo, clock
from cleverinvo.tui.app import CleverInvoApp

NOW = dt.datetime(2026, 11, 24, 9, 0, 0)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 2026-11-24; every reading of the clock is one second later, so creation order is stable."""
    ticks = itertools.count()
    monkeypatch.setattr(clock, "now", lambda: NOW + dt.timedelta(seconds=next(ticks)))


@pytest.fixture
def app(ci: CleverInvo) -> CleverInvoApp:
    return CleverInvoApp(ci)
