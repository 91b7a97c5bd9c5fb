"""``run(db)``, which the ``cleverinvo`` command calls with no subcommand: it opens that database for the app."""

from cleverinvo.tui import app as tui_app


def test_run_opens_the_database_it_is_given_and_closes_it(tmp_path, monkeypatch):
    seen = {}

    def fake_run(self):
        seen["clients"] = self.books.clients.list().total
        seen["ci"] = self.ci

    monkeypatch.setattr(tui_app.CleverInvoApp, "run", fake_run)
    target = tmp_path / "books.db"
    tui_app.run(str(target))
    assert target.exists() and seen["clients"] == 0
    assert seen["ci"].database.is_closed()
