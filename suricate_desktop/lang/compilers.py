"""Ask the real compiler, where one is installed, and turn its messages into Diagnostics.

* bpftrace (Linux, root): ``bpftrace -d FILE`` on 0.17 to 0.21 (parse, analyse
  and generate code without loading anything), ``bpftrace --dry-run FILE`` on
  0.22 and later.  ``--unsafe`` is passed so that ``system()``/``signal()``
  compile; the linter warns about them separately.  Messages look like
  ``FILE:3:9-24: ERROR: msg`` (or ``FILE:1-3: ERROR: msg`` for a line range).
* DTrace: ``dtrace -e -s FILE`` (compile and exit before enabling): messages
  look like ``dtrace: failed to compile script FILE: line N: msg``.
* python-dtrace, if importable and dtrace is not on the PATH:
  ``DTraceConsumer().compile(text)`` raises
  ``Exception('Unable to compile the script: ', b'line 3: ...')``.

libdtrace gives a line and no column (string compiles may give neither): the
column, and the line when missing, are found by looking for the name the
message mentions.  :func:`compiler_check` returns None when no compiler can
be used here (not installed, no privileges, timed out).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from typing import Any, cast

from .diagnostics import Diagnostic

__all__ = [
    "available_compiler",
    "bpftrace_version",
    "compiler_check",
    "parse_bpftrace_output",
    "parse_dtrace_output",
    "parse_python_dtrace_error",
]

#: Messages bpftrace prints on every run on some hosts; they are not about the script.
_BPFTRACE_NOISE = ("RLIMIT_MEMLOCK", "Error while reading traceable functions")

_BT_LOC_RE = re.compile(
    r"^(?P<path>.*?):(?P<line>\d+)(?:-(?P<line2>\d+))?(?::(?P<col>\d+)(?:-(?P<col2>\d+))?)?:"
    r" (?P<sev>ERROR|WARNING|error|warning|fatal error): (?P<msg>.*)$"
)
_BT_BARE_RE = re.compile(r"(?:^|(?<=[a-z.]))(?P<sev>ERROR|FATAL|WARNING): (?P<msg>.*)$")
_DT_RE = re.compile(
    r"^dtrace: (?:failed to compile script (?P<script>.*?)|invalid probe specifier (?P<spec>.*?)): "
    r"(?:(?:\"(?P<cppfile>[^\"]*)\", )?line (?P<line>\d+): )?(?P<msg>.*)$"
)
_TAG_RE = re.compile(r"^\[D_[A-Z_0-9]+\] ")
_CONTEXT_RE = re.compile(r"^in (?:predicate|action list): ")


# ---------------------------------------------------------------------------
# Parsers (pure functions: tested on captured strings)
# ---------------------------------------------------------------------------


def parse_bpftrace_output(stderr: str, file: str = "<script>", returncode: int = 1) -> list[Diagnostic]:
    """Diagnostics from bpftrace's stderr.

    Located lines become diagnostics at their line and column (``end_column``
    is bpftrace's exclusive end); ``ERROR:``/``FATAL:`` lines without a
    location (and clang's errors about headers) become line-0 errors.  With
    ``returncode`` 0 only warnings are kept.
    """
    out: list[Diagnostic] = []
    skip = 0
    for raw in stderr.splitlines():
        line = raw.rstrip()
        if skip:  # bpftrace echoes the source line and a ~~~ marker under a located message
            skip -= 1
            continue
        if not line:
            continue
        m = _BT_LOC_RE.match(line)
        if m:
            sev = "warning" if m.group("sev").lower() == "warning" else "error"
            msg = m.group("msg")
            path = m.group("path")
            col = int(m.group("col")) if m.group("col") else 1
            end = int(m.group("col2")) if m.group("col2") else None
            if m.group("sev") in ("error", "warning", "fatal error"):
                # clang, about a header file: keep the header's location in the message
                out.append(Diagnostic(0, 0, sev, f"{path}:{m.group('line')}:{col}: {msg}", file))
                continue
            out.append(Diagnostic(int(m.group("line")), col, sev, msg, file, end))
            skip = 2 if m.group("col") else 0
            continue
        m = _BT_BARE_RE.search(line)
        if m:
            msg = m.group("msg")
            if any(n in msg for n in _BPFTRACE_NOISE):
                continue
            sev = "warning" if m.group("sev") == "WARNING" else "error"
            out.append(Diagnostic(0, 0, sev, msg, file))
    if returncode == 0:
        out = [d for d in out if d.severity == "warning"]
    elif not any(d.severity == "error" for d in out):
        last = next((ln.strip() for ln in reversed(stderr.splitlines()) if ln.strip()), "")
        msg = f"bpftrace exited with status {returncode}" + (f": {last}" if last else "")
        out.append(Diagnostic(0, 0, "error", msg, file))
    return out


def _candidates(msg: str) -> list[str]:
    """Names a libdtrace message points at, most specific first."""
    pats = [
        r'near "([^"]+)"',
        r"(?:undefined function name|aggregation redefined|invalid D pragma|invalid control directive): #?(\S+)",
        r"failed to resolve (\S+?):",
        r"^((?:self|this)->\w+) has not",
        r"^(@\w*) must be assigned",
        r"^(\w+)\( \)",
        r"probe description (\S+) does not",
        r"failed to set option '([^']+)'",
        r"(@\w+)",
    ]
    out = []
    for p in pats:
        m = re.search(p, msg)
        if m:
            name = m.group(1)
            if (name.startswith("@") and len(name) > 1 and name not in out) or name not in out:
                out.append(name)
    return out


def _locate(text: str | None, line: int, msg: str) -> tuple[int, int]:
    """(line, column) for a libdtrace message that gave ``line`` (0: unknown) and no column."""
    if not text:
        return line, 1 if line else 0
    lines = text.split("\n")
    for name in _candidates(msg):
        word = re.escape(name)
        if re.match(r"^\w", name):
            word = r"(?<![\w`])" + word
        if re.search(r"\w$", name):
            word += r"(?![\w`])"
        rx = re.compile(word)
        if line and 0 < line <= len(lines):
            m = rx.search(lines[line - 1])
            if m:
                return line, m.start() + 1
        elif not line:
            for n, src in enumerate(lines, 1):
                m = rx.search(src)
                if m:
                    return n, m.start() + 1
    if line and 0 < line <= len(lines):
        src = lines[line - 1]
        return line, len(src) - len(src.lstrip()) + 1
    return line, 1 if line else 0


def _dtrace_message(msg: str) -> str:
    msg = _TAG_RE.sub("", msg.strip())
    return _CONTEXT_RE.sub("", msg)


def parse_dtrace_output(stderr: str, file: str = "<script>", text: str | None = None) -> list[Diagnostic]:
    """Diagnostics from ``dtrace -e -s``'s stderr (``dtrace: failed to compile script F: line N: msg``)."""
    out: list[Diagnostic] = []
    for raw in stderr.splitlines():
        m = _DT_RE.match(raw.strip())
        if not m:
            continue
        msg = _dtrace_message(m.group("msg"))
        line = int(m.group("line")) if m.group("line") else 0
        line, col = _locate(text, line, msg)
        out.append(Diagnostic(line, col, "error", msg, file))
    return out


def parse_python_dtrace_error(
    exc: BaseException | tuple[object, ...] | str, file: str = "<script>", text: str | None = None
) -> list[Diagnostic]:
    """Diagnostics from python-dtrace's ``Exception('Unable to compile the script: ', b'line 3: ...')``."""
    args = exc.args if isinstance(exc, BaseException) else (exc if isinstance(exc, tuple) else (exc,))
    parts = []
    for a in args:
        if isinstance(a, bytes):
            a = a.decode("utf-8", "replace")
        parts.append(str(a))
    detail = parts[-1] if len(parts) > 1 else (parts[0] if parts else "")
    detail = re.sub(r"^Unable to compile the script:\s*", "", detail.strip())
    out = []
    for chunk in [c for c in detail.splitlines() if c.strip()] or [detail]:
        m = re.match(r"^(?:(?:\"[^\"]*\", )?line (\d+): )?(.*)$", chunk.strip())
        assert m is not None  # every part is optional but the rest of the line: it always matches
        line = int(m.group(1)) if m.group(1) else 0
        msg = _dtrace_message(m.group(2))
        line, col = _locate(text, line, msg)
        out.append(Diagnostic(line, col, "error", msg, file))
        break  # libdtrace reports one error; the rest are continuation lines
    return out


# ---------------------------------------------------------------------------
# Running the compilers
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def bpftrace_version(binary: str = "bpftrace") -> tuple[int, int, int] | None:
    """The installed bpftrace's version, e.g. (0, 17, 0); None if there is none."""
    path = shutil.which(binary)
    if not path:
        return None
    try:
        res = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"v?(\d+)\.(\d+)(?:\.(\d+))?", res.stdout + res.stderr)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _python_dtrace() -> Callable[[], Any] | None:
    """python-dtrace's consumer class (it ships no types), or None where it is not installed."""
    try:
        from dtrace import DTraceConsumer
    except Exception:
        return None
    return cast(Callable[[], Any], DTraceConsumer)


def available_compiler(lang: str) -> str | None:
    """A short description of the compiler :func:`compiler_check` would use, or None."""
    if lang == "bpftrace":
        ver = bpftrace_version()
        if ver is None or not _is_root():
            return None
        mode = "--dry-run" if ver >= (0, 22, 0) else "-d"
        return f"bpftrace {'.'.join(map(str, ver))} ({mode})"
    if shutil.which("dtrace") and _dtrace_binary_is_real():
        return "dtrace -e"
    if _python_dtrace() is not None:
        return "python-dtrace"
    return None


@functools.lru_cache(maxsize=1)
def _dtrace_binary_is_real() -> bool:
    """Some Linux distributions ship a ``dtrace`` that only builds USDT probes (systemtap-sdt)."""
    path = shutil.which("dtrace")
    if not path:
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return False
    return not head.startswith(b"#!")  # the systemtap one is a Python script


def _write_temp(text: str, suffix: str) -> str:
    fd, path = tempfile.mkstemp(prefix="suricate-lint-", suffix=suffix)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def _bpftrace_check(text: str, file: str, timeout: float) -> list[Diagnostic] | None:
    ver = bpftrace_version()
    if ver is None or not _is_root():
        return None
    path = _write_temp(text, ".bt")
    mode = ["--dry-run"] if ver >= (0, 22, 0) else ["-d"]
    try:
        res = subprocess.run(
            [shutil.which("bpftrace") or "bpftrace", *mode, "--unsafe", path],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
            env={**os.environ, "BPFTRACE_NO_USER_SYMBOLS": "1"},
        )
    except subprocess.TimeoutExpired:
        return None
    except OSError:
        return None
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
    return parse_bpftrace_output(res.stderr, file, res.returncode)


def _dtrace_check(text: str, file: str, timeout: float) -> list[Diagnostic] | None:
    if shutil.which("dtrace") and _dtrace_binary_is_real():
        path = _write_temp(text, ".d")
        try:
            res = subprocess.run(
                ["dtrace", "-e", "-s", path],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                timeout=timeout,
            )
        except (subprocess.TimeoutExpired, OSError):
            res = None
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass
        if res is not None:
            if "requires additional privileges" in res.stderr or "failed to initialize dtrace" in res.stderr:
                return None
            if res.returncode == 0:
                return []
            diags = parse_dtrace_output(res.stderr, file, text)
            if diags:
                return diags
            last = next((ln for ln in reversed(res.stderr.splitlines()) if ln.strip()), "")
            return [Diagnostic(0, 0, "error", last or f"dtrace exited with status {res.returncode}", file)]
    consumer_cls = _python_dtrace()
    if consumer_cls is None:
        return None
    try:
        consumer = consumer_cls()
    except Exception:
        return None
    try:
        consumer.compile(text)
    except Exception as exc:
        return parse_python_dtrace_error(exc, file, text)
    return []


def compiler_check(
    text: str, lang: str, file: str = "<script>", timeout: float = 60.0
) -> list[Diagnostic] | None:
    """Compile ``text`` with the real compiler; None when there is no usable compiler here.

    An empty list means the compiler accepted the script.
    """
    lang = "bpftrace" if lang in ("bpftrace", "bt") else "d"
    if lang == "bpftrace":
        return _bpftrace_check(text, file, timeout)
    return _dtrace_check(text, file, timeout)
