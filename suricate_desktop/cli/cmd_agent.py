"""``suricate agent``: run a tracing script on this host and publish its aggregations."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..agent.backends import BACKENDS
from ..lang.diagnostics import ScriptError
from ..transport.settings import SECRET_ENV
from .broker_errors import BROKER_REFUSED, BrokerWatch
from .options import add_broker_options, quiet_pika
from .signals import on_terminate

if TYPE_CHECKING:
    from ..agent.runner import Sink
    from ..schema import Snapshot
    from .options import Subparsers

log = logging.getLogger("suricate.agent")


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "agent",
        help="run a tracing script and publish its aggregations to AMQP",
        description="Run a D or bpftrace script (or the unprivileged sampler) and publish one snapshot per "
        "aggregation per interval to the broker's topic exchange, routing key <host>.<source>.<aggregation>.",
    )
    p.add_argument("script", nargs="?", help="script file (.d or .bt); omit for the sampler")
    p.add_argument("-e", "--eval", metavar="PROGRAM", help="an inline one-liner instead of a file")
    p.add_argument(
        "-b",
        "--backend",
        default="auto",
        choices=["auto", *BACKENDS],
        help="tracer (default: auto: bpftrace on Linux as root, python-dtrace or dtrace(1) where DTrace "
        "exists, else the sampler)",
    )
    p.add_argument("--lang", choices=["d", "bpftrace"], help="script language (default: from the extension)")
    p.add_argument("-i", "--interval", type=float, default=1.0, help="seconds between snapshots (default: 1)")
    p.add_argument(
        "-d", "--duration", type=float, default=0.0, help="seconds to run; 0 = until stopped (default)"
    )
    p.add_argument("--host", help="host name in the routing key (default: this host's short name)")
    p.add_argument("--source", help="source name in the routing key (default: the script's file name)")
    p.add_argument(
        "--stdout", action="store_true", help="print snapshots as JSON lines instead of publishing"
    )
    p.add_argument(
        "--buffer",
        type=int,
        default=100_000,
        help="messages kept while the broker is away; older ones are dropped and counted (default: 100000)",
    )
    p.add_argument(
        "--control",
        action="store_true",
        help="also listen on queue suricate.control.<host> for signed compile/run/stop/status requests "
        "from the desk, until SIGTERM; the script is then optional (see docs/control-protocol.md)",
    )
    p.add_argument(
        "--secret-file",
        metavar="FILE",
        help=f"with --control: the shared secret, in a file only its owner may read (chmod 600); "
        f"default: ${SECRET_ENV}. Never give the secret itself on the command line",
    )
    p.add_argument(
        "--allow-unsafe-actions",
        action="store_true",
        help="with --control: let remote scripts run commands, read or write files, signal or stop "
        "processes (bpftrace's system, cat, signal, override, skboutput; D's destructive actions, "
        "freopen; #include of a file). Refused by default; the desk cannot grant it",
    )
    p.add_argument(
        "--nonce-file",
        metavar="FILE",
        help="with --control: where accepted requests' nonces are kept until they are stale, so a "
        "request replayed after a restart is refused (default: "
        "$XDG_STATE_HOME/suricate/control-nonces-<host>, else ~/.local/state/suricate/...)",
    )
    add_broker_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred, as in every command: the backends, the codecs and pika load only when an agent runs
    from ..agent.backends import make_backend
    from ..agent.runner import AgentRunner
    from ..schema import encode
    from ..transport.publisher import Publisher

    quiet_pika()
    if args.eval and args.script:
        print("suricate agent: give a script file or -e PROGRAM, not both", file=sys.stderr)
        return 2
    for given, name in (
        (args.secret_file, "--secret-file"),
        (args.allow_unsafe_actions, "--allow-unsafe-actions"),
        (args.nonce_file, "--nonce-file"),
    ):
        if given and not args.control:
            print(f"suricate agent: {name} goes with --control", file=sys.stderr)
            return 2
    if args.control:
        return run_control(args)
    path = args.script
    try:
        script = _read_script(args) or ""
    except OSError as exc:
        print(f"suricate agent: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    source = args.source or (Path(path).stem if path else ("oneliner" if args.eval else "sampler"))
    try:
        backend = make_backend(
            args.backend,
            script,
            lang=args.lang,
            path=path,
            interval=args.interval,
            host=args.host,
            source=source,
        )
    except ScriptError as exc:
        _report(exc, path)
        return 1
    except (ValueError, RuntimeError, ImportError) as exc:
        print(f"suricate agent: {exc}", file=sys.stderr)
        return 2

    sink: Sink
    if args.stdout:
        publisher = None

        def print_sink(snaps: list[Snapshot]) -> None:
            out = sys.stdout.buffer
            for s in snaps:
                out.write(encode(s) + b"\n")
            out.flush()

        sink = print_sink
        sink_drops = None
    else:
        publisher = Publisher(args.broker, args.exchange, max_buffer=args.buffer, tls_ca=args.tls_ca).start()
        sink = publisher
        sink_drops = lambda: publisher.dropped  # noqa: E731

    def output(text: str) -> None:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")

    runner = AgentRunner(backend, sink, duration=args.duration, output=output, sink_drops=sink_drops)
    on_terminate(runner.stop)
    watch = BrokerWatch("agent", *([publisher] if publisher else []), log=log)
    watch.stop_on_failure(runner.stop, runner.stop_event)
    log.info(
        "agent: %s backend, %s every %.3gs, host %s, source %s%s",
        backend.name,
        "publishing to " + args.exchange if publisher else "printing",
        args.interval,
        backend.host,
        source,
        f", for {args.duration:g}s" if args.duration else "",
    )
    status = 0
    try:
        runner.run()
    except ScriptError as exc:
        _report(exc, path)
        status = 1
    except RuntimeError as exc:
        print(f"suricate agent: {exc}", file=sys.stderr)
        status = 2
    finally:
        if publisher is not None:
            if watch.failed():  # said once already, by the transport
                publisher.close(timeout=0)
                status = status or BROKER_REFUSED
            elif not publisher.close(timeout=10):
                print(
                    f"suricate agent: {publisher.buffered()} messages not confirmed by the broker "
                    f"({publisher.last_error or 'no answer'})",
                    file=sys.stderr,
                )
                status = status or 3
            stats = publisher.stats()
            log.info(
                "agent: %d snapshots, %d confirmed, %d dropped",
                runner.snapshots,
                stats["confirmed"],
                stats["dropped"],
            )
    return status


def _report(exc: ScriptError, path: str | None) -> None:
    for diag in exc.diagnostics:
        if path and diag.file in ("<script>", "stdin"):
            diag = type(diag)(diag.line, diag.column, diag.severity, diag.message, path, diag.end_column)
        print(diag.format(), file=sys.stderr)


def run_control(args: argparse.Namespace) -> int:
    """``--control``: serve the desk's signed requests (and run the given script, if any) until SIGTERM."""
    from ..agent.control_handler import AgentControlHandler
    from ..schema import encode
    from ..transport.control import ControlServer, SecretError, load_secret
    from ..transport.publisher import Publisher

    try:
        secret = load_secret(args.secret_file)
    except SecretError as exc:
        print(f"suricate agent: {exc}", file=sys.stderr)
        return 2
    path = args.script
    try:
        script = _read_script(args)
    except OSError as exc:
        print(f"suricate agent: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    if script is None and args.backend == "sampler":
        script = ""  # the sampler runs no script: start it at once
    host = args.host or socket.gethostname().split(".")[0]
    sinks: list[Sink] = []
    handler = AgentControlHandler(
        lambda: sinks[0], host, default_backend=args.backend, allow_unsafe=args.allow_unsafe_actions
    )
    nonce_file = args.nonce_file or _default_nonce_file(host)
    try:
        server = ControlServer(args.broker, host, secret, handler, nonce_file=nonce_file, tls_ca=args.tls_ca)
    except ValueError as exc:
        print(f"suricate agent: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"suricate agent: cannot keep the nonce file {nonce_file} ({exc.strerror or exc}); without it a "
            "request could be replayed after a restart. Give --nonce-file FILE somewhere writable",
            file=sys.stderr,
        )
        return 2
    if args.allow_unsafe_actions:
        log.warning(
            "agent: --allow-unsafe-actions: remote scripts may run commands and read files as this user"
        )

    if args.stdout:
        publisher = None
        lock = threading.Lock()

        def sink(snaps: list[Snapshot]) -> None:
            with lock:
                out = sys.stdout.buffer
                for s in snaps:
                    out.write(encode(s) + b"\n")
                out.flush()

        sinks.append(sink)
    else:
        publisher = Publisher(args.broker, args.exchange, max_buffer=args.buffer, tls_ca=args.tls_ca).start()
        sinks.append(publisher)

    def output(text: str) -> None:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")

    stop = threading.Event()
    on_terminate(stop.set)
    status = 0
    if script is not None:
        source = args.source or (Path(path).stem if path else ("oneliner" if args.eval else "sampler"))
        try:
            handler.start_run(
                script,
                args.lang,
                args.backend,
                args.interval,
                args.duration,
                source,
                path=path,
                output=output,
            )
        except ScriptError as exc:
            _report(exc, path)
            status = 1
        except (ValueError, RuntimeError, ImportError) as exc:
            print(f"suricate agent: {exc}", file=sys.stderr)
            status = 2
        if status:
            handler.stop_all(0)
            if publisher is not None:
                publisher.close(timeout=10)
            return status

    server.start()
    watch = BrokerWatch("agent", server, *([publisher] if publisher else []), log=log)
    if server.wait_ready(10):
        log.info(
            "agent: listening for control requests on %s, host %s, %s",
            server.queue,
            host,
            "publishing to " + args.exchange if publisher else "printing",
        )
    elif not server.failed.is_set():
        log.warning(
            "agent: control queue %s not ready yet (%s); still trying",
            server.queue,
            server.last_error or "no answer from the broker",
        )
    try:
        while not stop.wait(0.5) and not watch.failed():
            pass
    finally:
        log.info("agent: stopping %d run(s)", len(handler.run_ids()))
        handler.stop_all(timeout=15)
        server.stop()
        if watch.failed():  # said once already, by the transport
            status = BROKER_REFUSED
        if publisher is not None:
            if watch.failed():
                publisher.close(timeout=0)
            elif not publisher.close(timeout=10):
                print(
                    f"suricate agent: {publisher.buffered()} messages not confirmed by the broker "
                    f"({publisher.last_error or 'no answer'})",
                    file=sys.stderr,
                )
                status = 3
            stats = publisher.stats()
            log.info("agent: %d confirmed, %d dropped", stats["confirmed"], stats["dropped"])
    return status


def _default_nonce_file(host: str) -> Path:
    """The per-user state folder's nonce file for ``host`` (XDG_STATE_HOME, else ~/.local/state)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in host)
    return Path(base) / "suricate" / f"control-nonces-{safe}"


def _read_script(args: argparse.Namespace) -> str | None:
    """The script of ``-e PROGRAM`` or of the file named, None when neither was given (OSError: unreadable)."""
    if args.eval:
        return str(args.eval)
    if args.script:
        return Path(args.script).read_text()
    return None
