"""Processing scripts as a service: user Python modules run headless over a window of streams.

A processing script is a plain Python file with ``process(frames, params)`` (docs/processing-scripts.md).
``scripts`` finds scripts by name and reads their defaults without running them; ``sandbox`` runs one in
a child process with a time and a memory limit, data in and out as JSON; ``results`` turns what it returned
into ``Snapshot``s; ``worker`` is the headless service behind ``suricate worker``. Nothing here imports Qt.
"""
