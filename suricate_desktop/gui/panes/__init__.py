"""The features of the main window, each a ``Pane`` (see ``gui/pane.py``): what ``main_window.py`` lists."""

from .analytics import DependencyGraph, Models
from .console import Console
from .dashboard import Dashboards, Timeline
from .editor import Editor, RemoteAgents
from .help import Help
from .rules import Rules
from .sources import Sources, Streams

__all__ = [
    "Console",
    "Dashboards",
    "DependencyGraph",
    "Editor",
    "Help",
    "Models",
    "RemoteAgents",
    "Rules",
    "Sources",
    "Streams",
    "Timeline",
]
