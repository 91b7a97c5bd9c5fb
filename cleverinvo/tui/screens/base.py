"""What every screen shares: the open books, and core calls run in worker threads with errors as notifications."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker

from cleverinvo.core import Books, CleverInvoError

if TYPE_CHECKING:
    from cleverinvo.tui.app import CleverInvoApp

R = TypeVar("R")
LOADING_DELAY = 0.15  # seconds of work before a loading indicator appears
ScreenResult = TypeVar("ScreenResult")


class CoreScreen(Screen[ScreenResult]):
    """A screen over the books: ``shell`` (the app), ``books`` and ``run_core``."""

    @property
    def shell(self) -> CleverInvoApp:
        """The running CleverInvo app."""
        return cast("CleverInvoApp", self.app)

    @property
    def books(self) -> Books:
        return self.shell.books

    def holds_unsaved_work(self) -> bool:
        """Whether leaving now would throw away what was typed: the app's jumps to a section (``d``, ``c``, …, a
        letter typed while a button or a choice list has the focus) then wait until it is saved or left."""
        return False

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

        ``busy`` shows a loading indicator meanwhile (after ``LOADING_DELAY``). A ``CleverInvoError`` goes to
        ``failed`` (by default a notification); anything else becomes an error notification, never a traceback on
        the screen. A run in a named ``group`` supersedes the previous run of that group: its result is dropped.
        """
        app = self.app
        # The loading indicator shows only when the work is slow enough to be seen, so quick work does not
        # flicker. It takes the focus from what it covers; the focus is given back when the work is done.
        # A superseded run never shows the indicator: the run that replaced it owns it (and clears it).
        focused = app.focused if busy is not None and busy.has_focus_within else None

        def show_loading() -> None:
            if busy is not None and not worker.is_cancelled:
                busy.loading = True

        timer = self.set_timer(LOADING_DELAY, show_loading) if busy is not None else None

        def finish(callback: Callable[[], object]) -> None:
            if timer is not None:
                timer.stop()
            if worker.is_cancelled:
                return
            if busy is not None:
                busy.loading = False
            if focused is not None and focused.is_attached and app.focused is not focused:
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

        worker: Worker[None] = self.run_worker(
            work, thread=True, group=group or "core", exclusive=group is not None, exit_on_error=False
        )
        return worker


class CoreModal(ModalScreen[ScreenResult], CoreScreen[ScreenResult]):
    """A dialog over the books."""
