"""The footer of keys, without half keys: in a narrow terminal the keys that do not fit whole are left out (the
help screen, ``?``, lists them all), instead of a cut one such as ``del Delet`` or a stray ``e``."""

from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)

    async def recompose(self) -> None:
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
