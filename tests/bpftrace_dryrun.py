"""Compile bpftrace scripts with the real ``bpftrace -d`` (0.17: parse, semantic analysis, codegen; nothing loaded).

Shared by the translator, template and corpus tests. ``bpftrace -d`` takes a
few seconds per script, so the tests hand a whole batch to :func:`dry_run_all`,
which runs them a few at a time and caches each result by script text.

``SKIP_REASON`` says why the real compiler cannot be used here (bpftrace
absent, or not root: bpftrace 0.17 checks for root before it parses), or is
None.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

BPFTRACE = shutil.which("bpftrace")

if BPFTRACE is None:
    SKIP_REASON: str | None = "bpftrace is not installed (apt-get install bpftrace)"
elif os.geteuid() != 0:
    SKIP_REASON = "bpftrace 0.17 needs root even for a dry run (-d); run the tests as root"
else:
    SKIP_REASON = None

#: The mark of a test that needs the real bpftrace (installed, and run as root).
needs_bpftrace = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")

#: Stderr lines bpftrace prints on success too, in a container without kprobes or memlock.
_NOISE = ("RLIMIT_MEMLOCK", "available_filter_functions")


@dataclass(frozen=True)
class DryRun:
    returncode: int
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def errors(self) -> str:
        return "\n".join(
            ln for ln in self.stderr.splitlines() if ln.strip() and not any(n in ln for n in _NOISE)
        )


_cache: dict[str, DryRun] = {}
_prepared = False


def prepare() -> None:
    """tracefs mounted and RLIMIT_MEMLOCK raised (inherited by every bpftrace)."""
    global _prepared
    if _prepared:
        return
    if not os.path.ismount("/sys/kernel/tracing"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=False)
    _soft, hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    try:
        resource.setrlimit(resource.RLIMIT_MEMLOCK, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_MEMLOCK, (hard, hard))
    _prepared = True


def dry_run(text: str) -> DryRun:
    """``bpftrace -d`` of one script (from a file, so that its messages carry line numbers)."""
    if text in _cache:
        return _cache[text]
    assert BPFTRACE is not None
    prepare()
    with tempfile.NamedTemporaryFile("w", suffix=".bt", prefix="suricate-test-", delete=False) as fh:
        fh.write(text)
        path = fh.name
    try:
        proc = subprocess.run(
            [BPFTRACE, "-d", path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )
        result = DryRun(proc.returncode, proc.stderr.decode("utf-8", "replace"))
    finally:
        os.unlink(path)
    _cache[text] = result
    return result


def dry_run_all(texts) -> dict[str, DryRun]:
    """Dry-run every script in ``texts`` (a few in parallel); returns text -> result."""
    todo = [t for t in dict.fromkeys(texts) if t not in _cache]
    if todo:
        prepare()
        workers = max(2, min(4, (os.cpu_count() or 2) * 2))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(dry_run, todo))
    return {t: _cache[t] for t in texts}
