"""The platforms ``suricate lint`` knows (``--platform``).

The languages' own words are in :mod:`.vocabulary_d` and
:mod:`.vocabulary_bpftrace`; this stays apart, and small, so that the command
line can offer the platforms without loading the linter.
"""

from __future__ import annotations

#: Platforms the linter knows, and which language runs there.
PLATFORMS: tuple[str, ...] = ("illumos", "freebsd", "macos", "linux")
