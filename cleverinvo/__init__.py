"""CleverInvo: self-hosted invoicing with a terminal UI, a Python library and an HTTP API."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cleverinvo")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
