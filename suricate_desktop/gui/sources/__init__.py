"""The workbench's data sources; each fills a LiveStore of its own."""

from .base import Source
from .embedded import EmbeddedSource

__all__ = ["EmbeddedSource", "Source"]
