"""Fixtures of the TUI tests: a fixed clock, books with a seller profile, and the app over the test's real database."""

import datetime as dt
import itertools

import pytest
from textual.widgets import Input

from cleverinvo.core import Books, CleverInvo, clock
from cleverinvo.tui.app import CleverInvoApp

NOW = dt.datetime(2026, 11, 24, 9, 0, 0)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 2026-11-24; every reading of the clock is one second later, so creation order is stable."""
    ticks = itertools.count()
    monkeypatch.setattr(clock, "now", lambda: NOW + dt.timedelta(seconds=next(ticks)))


@pytest.fixture
def books(ci: CleverInvo) -> Books:
    """The default account's books with its seller named, as they are once the first run is done."""
    opened = ci.books()
    opened.settings.update({"sellerName": "Zoë Ørsted Design"})
    return opened


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text cursors do not blink, so a snapshot never depends on when in the blink it was taken (it did, on a
    busy machine: the same screen drawn with and without its cursor)."""
    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture(autouse=True)
def own_state_folder(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the TUI remembers between runs (the last export folder) goes to the test's folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def app(ci: CleverInvo, books: Books) -> CleverInvoApp:
    return CleverInvoApp(ci)
