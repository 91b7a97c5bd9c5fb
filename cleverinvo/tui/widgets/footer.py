"""The footer of keys, without half keys: in a narrow terminal the keys that do not fit whole are left out (the
help screen, ``?``, lists them all), instead of a cut one such as ``del Delet`` or a stray ``e``."""

from typing import Any

from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)
        self.composed_for: tuple[Any, ...] | None = None  # what the keys shown were last composed from

    def keys_wanted(self) -> tuple[Any, ...]:
        """Everything the keys are composed from: the screen's active bindings, each enabled or not."""
        bindings = tuple(
            (key, active.binding, active.enabled, active.tooltip) for key, active in self.screen.active_bindings.items()
        )
        return self._bindings_ready, self.compact, self.show_command_palette, bindings

    async def recompose(self) -> None:
        """Compose the keys again only when they would change. The screen asks after every change of focus and
        every page shown, and most leave the keys as they were: composing them anew mounts a widget per key."""
        if not self.is_attached or self._pruning:  # its screen has gone meanwhile
            return
        wanted = self.keys_wanted()
        if wanted == self.composed_for:
            return
        self.composed_for = wanted
        await super().recompose()
        self.call_after_refresh(self.fit_keys)

    def on_resize(self, event: events.Resize) -> None:
        for key in self.query(FooterKey):
            key.display = True
        self.call_after_refresh(self.fit_keys)

    def fit_keys(self) -> None:
        """Hide, from the first that does not fit whole, the keys left of the command palette's."""
        keys = list(self.query(FooterKey))
        palette = [key.region.x for key in keys if key.has_class("-command-palette")]
        limit = min(palette, default=self.region.right)
        for key in (key for key in keys if not key.has_class("-command-palette")):
            key.display = key.region.right <= limit
