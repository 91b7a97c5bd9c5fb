"""What every screen shares: the open books, and core calls run in worker threads with errors as notifications."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker

from cleverinvo.core import Books, CleverInvoError

if TYPE_CHECKING:
    from cleverinvo.tui.app import CleverInvoApp

R = TypeVar("R")
ScreenResult = TypeVar("ScreenResult")


class CoreWork:
    """Mixed into screens: ``shell`` (the app), ``books`` and ``run_core``."""

    app: Any

    @property
    def shell(self) -> CleverInvoApp:
        """The running CleverInvo app."""
        return cast("CleverInvoApp", self.app)

    @property
    def books(self) -> Books:
        return self.shell.books

    def run_core(
        self,
        job: Callable[[], R],
        done: Callable[[R], object],
        *,
        busy: Widget | None = None,
        failed: Callable[[CleverInvoError], object] | None = None,
        group: str | None = None,
    ) -> Worker[None]:
        """Run ``job`` (a core call) in a worker thread, then ``done(result)`` on the UI thread.

        ``busy`` shows a loading indicator meanwhile. A ``CleverInvoError`` goes to ``failed`` (by default a
        notification); anything else becomes an error notification, never a traceback on the screen. A run in a
        named ``group`` supersedes the previous run of that group: its result is dropped.
        """
        app = self.app
        # A loading indicator takes the focus from what it covers; it is given back when the work is done.
        focused = app.focused if busy is not None and busy.has_focus_within else None
        if busy is not None:
            busy.loading = True

        def finish(callback: Callable[[], object]) -> None:
            if worker.is_cancelled:
                return
            if busy is not None:
                busy.loading = False
            if focused is not None and focused.is_attached:
                focused.focus()
            callback()

        def work() -> None:
            try:
                result = job()
            except CleverInvoError as error:
                app.call_from_thread(finish, partial(failed or notify_error, error))
            except Exception as error:  # a bug or an OS error must not take the screen down
                app.log.error(repr(error))
                app.call_from_thread(finish, partial(app.notify, str(error), title="Error", severity="error"))
            else:
                app.call_from_thread(finish, partial(done, result))

        def notify_error(error: CleverInvoError) -> None:
            app.notify(error.message, severity="error")

        worker: Worker[None] = cast(Screen[Any], self).run_worker(
            work, thread=True, group=group or "core", exclusive=group is not None, exit_on_error=False
        )
        return worker


class CoreScreen(CoreWork, Screen[ScreenResult]):
    """A full screen over the books."""


class CoreModal(CoreWork, ModalScreen[ScreenResult]):
    """A dialog over the books."""
