"""The console's Jupyter kernel: in-process, so user code sees the workbench's objects themselves.

qtconsole's ``QtInProcessKernelManager`` runs an IPython kernel inside this process; its
client executes a request synchronously on the GUI thread (that is what lets ``ws`` hand
out the live stores without any copying across processes, and why long work belongs in
``ws.background``). An exception in user code is caught by IPython and shown as a
traceback; the kernel and the application go on.

Restarting: IPython's shell is a process-wide singleton, so a new in-process kernel finds
the old shell again. ``restart()`` therefore starts a new kernel object *and* resets the
shell (a new namespace, a new history session, the output cache flushed) before the
namespace (``ws``, ``pd``, ``np``, ``sklearn``) is pushed again. Modules already imported
stay imported: it is one Python process.
"""

from __future__ import annotations

import os

#: Results ``Out[n]`` keeps at most (IPython's default is 1000, each possibly a large DataFrame).
OUTPUT_CACHE = 100


class ConsoleKernel:
    def __init__(self):
        self.manager = None
        self.client = None
        self.starts = 0

    @property
    def shell(self):
        """The kernel's IPython shell (its ``user_ns`` is the console's namespace)."""
        return self.manager.kernel.shell

    def start(self, namespace: dict) -> None:
        """Start the kernel and put ``namespace`` in it."""
        # debugpy (an ipykernel dependency) warns about frozen modules on every start otherwise
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        from IPython.core.interactiveshell import InteractiveShell
        from qtconsole.inprocess import QtInProcessKernelManager

        # A new shell is fresh; only one that served an earlier kernel needs the reset (whose
        # full garbage collection takes a second with a big heap: not on a first open).
        reused = InteractiveShell.initialized()
        manager = QtInProcessKernelManager()
        manager.start_kernel(show_banner=False)
        client = manager.client()
        client.start_channels()
        self.manager, self.client = manager, client
        shell = manager.kernel.shell
        if reused:
            shell.reset(new_session=True)  # the singleton shell served an earlier kernel
        shell.displayhook.cache_size = OUTPUT_CACHE
        shell.push(namespace)
        self.starts += 1

    def restart(self, namespace: dict) -> None:
        """A new kernel with a fresh namespace holding ``namespace``."""
        self.shutdown()
        self.start(namespace)

    def push(self, namespace: dict) -> None:
        self.shell.push(namespace)

    def shutdown(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            self.manager.shutdown_kernel()
        self.manager = self.client = None
