"""Tracing backends, one module per tracer, and the choice between them.

``make_backend`` picks a backend for a script and a host: bpftrace on Linux
(a D script is translated first, so the same one-liner runs on SmartOS and
Linux), python-dtrace or else dtrace(1) where DTrace exists, and the psutil
sampler where there is no tracer or no privilege.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from typing import TYPE_CHECKING, Any

from ...lang.diagnostics import ScriptError

if TYPE_CHECKING:  # the base class loads the schema's codecs; `suricate agent --help` needs only BACKENDS
    from ..backend import Backend

#: name -> "module:Class", imported only when chosen (python-dtrace exists on few hosts).
BACKENDS = {
    "bpftrace": "bpftrace:BpftraceBackend",
    "dtrace": "pydtrace:PyDTraceBackend",
    "dtrace-cli": "dtrace_cli:DTraceCliBackend",
    "sampler": "sampler:SamplerBackend",
}


def backend_class(name: str) -> type[Backend]:
    try:
        module, cls = BACKENDS[name].split(":")
    except KeyError:
        raise ValueError(f"unknown backend {name!r}; expected one of {', '.join(BACKENDS)}") from None
    backend: type[Backend] = getattr(importlib.import_module(f".{module}", __package__), cls)
    return backend


def detect_lang(script: str, path: str | None = None) -> str:
    """``d`` or ``bpftrace``, from the file's extension or the script's probes."""
    if path:
        if path.endswith(".d"):
            return "d"
        if path.endswith(".bt"):
            return "bpftrace"
    head = script.lstrip()
    bpftrace_probes = (
        "tracepoint:",
        "kprobe:",
        "kretprobe:",
        "uprobe:",
        "interval:",
        "profile:",
        "BEGIN",
        "END",
        "t:",
        "k:",
        "kr:",
        "software:",
        "hardware:",
        "kfunc:",
        "fentry:",
        "usdt:",
    )
    return "bpftrace" if head.startswith(bpftrace_probes) else "d"


def auto_backend(lang: str) -> str:
    """The best backend this host has for a script in ``lang``."""
    if sys.platform.startswith("linux"):
        if shutil.which("bpftrace") and os.geteuid() == 0:
            return "bpftrace"
        return "sampler"
    try:
        importlib.import_module("dtrace")
        return "dtrace"
    except ImportError:
        pass
    if shutil.which("dtrace"):
        return "dtrace-cli"
    return "sampler"


def make_backend(
    name: str, script: str, *, lang: str | None = None, path: str | None = None, **options: Any
) -> Backend:
    """Build the named backend (``auto`` chooses) for ``script``; translate D for bpftrace."""
    lang = lang or detect_lang(script, path)
    if name == "auto":
        name = "sampler" if not script.strip() else auto_backend(lang)
    if name == "bpftrace" and lang == "d":
        from ...lang.translate import translate_program

        translation = translate_program(script, file=path or "<script>")
        script = translation.text
        options = {**options, "translation": translation, "script_file": path or "<script>"}
    elif name in ("dtrace", "dtrace-cli") and lang == "bpftrace":
        raise ScriptError(f"the {name} backend runs D scripts; this is a bpftrace script")
    return backend_class(name)(script, **options)
