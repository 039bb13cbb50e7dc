"""Signalling and stopping a tracer's child process, shared by the dtrace(1) and bpftrace backends.

Both run the tracer as a subprocess, stop it with SIGINT (so it prints its final aggregations) and
kill it if it does not exit in time; a process that has already gone is not an error.
"""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def exit_status(returncode: int) -> str:
    """How a child ended, in words: "exited with status N" or "was killed by SIGX"."""
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


def send_signal(proc: subprocess.Popen[Any], sig: int) -> None:
    """Send ``sig`` to ``proc``; a process that has already exited is left alone."""
    try:
        proc.send_signal(sig)
    except ProcessLookupError:
        pass


def terminate(proc: subprocess.Popen[Any], timeout: float) -> None:
    """SIGINT, then SIGKILL if ``proc`` has not exited within ``timeout`` seconds; waits for it."""
    send_signal(proc, signal.SIGINT)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        send_signal(proc, signal.SIGKILL)
        proc.wait()
