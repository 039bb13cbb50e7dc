"""A workload the pipeline tests drive: a process with a distinctive name that makes known calls.

Run as ``python tests/workload.py NAME getppid N`` (N getppid(2) calls) or
``python tests/workload.py NAME write BYTES`` (BYTES written to a temp file).
It first renames itself (the kernel's comm, which bpftrace and psutil see),
then, until a line arrives on stdin, makes one call every 50 ms as a heartbeat
(so the test can see the tracer is live), then does the counted work, prints
"done" and waits for stdin to close. With ``--as-nobody`` it drops to uid 65534
first, to prove the sampler needs no privilege.
"""

import ctypes
import os
import select
import sys
import tempfile

PR_SET_NAME = 15
PR_SET_DUMPABLE = 4


def main() -> None:
    args = sys.argv[1:]
    if args[0] == "--as-nobody":
        os.setgid(65534)
        os.setuid(65534)
        # A process that changed uid is made non-dumpable, which hides its
        # /proc/PID/io even from its own user; an ordinary user's process is not.
        ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
        args = args[1:]
    name, what, amount = args[0], args[1], int(args[2])
    ctypes.CDLL(None).prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)
    while not select.select([sys.stdin], [], [], 0.05)[0]:
        os.getppid()
    sys.stdin.readline()
    if what == "getppid":
        for _ in range(amount):
            os.getppid()
    elif what == "write":
        chunk = b"x" * 65536
        with tempfile.TemporaryFile(dir="/tmp") as fh:
            left = amount
            while left > 0:
                left -= os.write(fh.fileno(), chunk[: min(left, len(chunk))])
        # burn a little CPU too, so cpu_time has something to show
        total = 0
        for i in range(3_000_000):
            total += i
    print("done", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
