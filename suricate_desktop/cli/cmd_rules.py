"""``suricate rules``: check a rules file, run it against a broker's streams, backtest it on a recording."""

from __future__ import annotations

import argparse
import logging
import math
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..rules import RuleSet
    from ..transport.sharding import ShardGroup
    from .options import Subparsers

log = logging.getLogger("suricate.rules")


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "rules",
        help="alerting rules: check, run headless, backtest on a recording",
        description="Rules over the live streams and what they do when they fire (docs/rules.md).",
    )
    rsub = p.add_subparsers(dest="rules_command", metavar="ACTION")

    def show_help(args: argparse.Namespace) -> int:
        p.print_help()
        return 2

    p.set_defaults(func=show_help)

    c = rsub.add_parser(
        "check",
        help="validate a rules file: each bad rule at its line",
        description="Validate RULES.toml; print FILE:LINE: error: ... for each rule that would be left "
        "out. Exit 1 when any is.",
    )
    c.add_argument("rules", metavar="RULES.toml")
    _add_models_option(c)
    c.set_defaults(func=run_check)

    from .options import add_broker_options

    r = rsub.add_parser(
        "run",
        help="evaluate rules on streams from a broker, run their actions (long-running)",
        description="Consume the bound streams, evaluate the rules on each snapshot, run actions. "
        "One JSON object per line on stdout for each transition and action result. Exit 0 on "
        "SIGTERM/SIGINT. The rules file is re-read when it changes.",
    )
    r.add_argument("rules", metavar="RULES.toml")
    r.add_argument(
        "--bind",
        action="append",
        metavar="PATTERN",
        help="routing-key pattern <host>.<source>.<aggregation> (repeatable; default '#')",
    )
    which = r.add_mutually_exclusive_group()
    which.add_argument("--queue", help="durable queue name (default: an exclusive queue of this process)")
    which.add_argument(
        "--shard",
        metavar="GROUP",
        help="share the streams with the other daemons of GROUP: each stream (routing key) goes to one of "
        "them, so each alert fires in one; a daemon that joins takes a share, one that stops hands its "
        "share back (RabbitMQ's consistent-hash exchange; docs/sharding.md)",
    )
    r.add_argument(
        "--shard-weight",
        type=int,
        default=1,
        metavar="N",
        help="with --shard: this daemon's share relative to the others' (default: %(default)s)",
    )
    r.add_argument(
        "--shard-instance",
        metavar="NAME",
        help="with --shard: this daemon's name in the group, and of its queue (default: <host name>-<pid>)",
    )
    r.add_argument(
        "--shard-expires",
        type=float,
        metavar="SECONDS",
        help="with --shard: keep this daemon's queue for SECONDS after it stops, so a restart with the same "
        "--shard-instance loses nothing (its streams wait for it meanwhile); default: the queue goes "
        "with the daemon and its streams move at once",
    )
    r.add_argument("--history", metavar="FILE", help="append every event to this JSON-lines file")
    r.add_argument(
        "--captures",
        metavar="DIR",
        default="captures",
        help="folder for trace actions' recordings (default: %(default)s)",
    )
    r.add_argument(
        "--secret-file", help="control secret for trace actions (default: $SURICATE_CONTROL_SECRET)"
    )
    r.add_argument("--capacity", type=int, default=600, help="rows kept per stream (default: %(default)s)")
    r.add_argument("--duration", type=float, default=0.0, help="seconds to run; 0 = until stopped")
    _add_models_option(r)
    add_broker_options(r)
    r.set_defaults(func=run_run)

    b = rsub.add_parser(
        "backtest",
        help="replay a recording through the rules; report firings and actions",
        description="Feed a recording's snapshots through the same engine, in recorded order, and "
        "print when each rule would have fired and resolved and which actions it would have run "
        "(none is run).",
    )
    b.add_argument("rules", metavar="RULES.toml")
    b.add_argument("recording", metavar="RECORDING")
    b.add_argument("--json", action="store_true", help="one JSON event per line instead of text")
    b.add_argument("--capacity", type=int, default=600, help="rows kept per stream (default: %(default)s)")
    _add_models_option(b)
    b.set_defaults(func=run_backtest)


def _add_models_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--models",
        metavar="DIR",
        help='a model registry folder: each model NAME becomes scorer "model:NAME" for score '
        "and anomaly_rate rules",
    )


def _register_models(folder: str | None) -> ModelFolder | None:
    """Load every model of the registry folder (nothing in it is run) and offer it to rules as a scorer.
    None (after saying why on stderr) when the folder or a model cannot be read."""
    if not folder:
        return ModelFolder(None)
    if not Path(folder).is_dir():
        print(f"suricate rules: no model registry at {folder}", file=sys.stderr)
        return None
    models = ModelFolder(folder)
    problems = models.read()
    if problems:
        print(f"suricate rules: {problems[0]}", file=sys.stderr)
        return None
    return models


class ModelFolder:
    """The models of ``--models DIR`` as the rules' scorers, read again when the folder changes (``read``):
    a model saved, added or deleted there while ``rules run`` runs is the rules' at its next second."""

    def __init__(self, folder: str | None):
        from ..analytics.registry import ModelRegistry

        self.registry = ModelRegistry(folder) if folder else None
        self.names: list[str] = []
        self._seen: dict[str, Any] | None = None
        self._cache: dict[str, Any] = {}

    def changed(self) -> bool:
        from ..analytics.model_reads import stamps

        return self.registry is not None and stamps(self.registry) != self._seen

    def read(self) -> list[str]:
        """Read the models whose files changed and register them all (those gone, no more); the problems."""
        from ..analytics.model_reads import ModelsRead, stamps
        from ..rules import register_models

        if self.registry is None:
            return []
        self._seen = stamps(self.registry)
        job = ModelsRead(self.registry, list(self._seen), self._cache).read()
        self._cache = job.cache
        self.names = register_models(job.models, replace=True)
        return job.problems


def _load(path: str) -> RuleSet | None:
    from ..rules import load

    try:
        ruleset = load(path)
    except OSError as exc:
        print(f"suricate rules: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return None
    for problem in ruleset.problems:
        print(str(problem), file=sys.stderr)
    return ruleset


def run_check(args: argparse.Namespace) -> int:
    if _register_models(args.models) is None:
        return 2
    ruleset = _load(args.rules)
    if ruleset is None:
        return 2
    print(f"{args.rules}: {len(ruleset.rules)} rules ok, {len(ruleset.problems)} left out")
    return 1 if ruleset.problems else 0


def run_backtest(args: argparse.Namespace) -> int:
    from ..rules import Engine
    from ..store.recording import iter_snapshots

    if _register_models(args.models) is None:
        return 2
    ruleset = _load(args.rules)
    if ruleset is None:
        return 2
    out = sys.stdout

    def show(event: dict[str, Any]) -> None:
        if args.json:
            out.write(_dumps(event) + "\n")
            return
        when = _iso(event.get("ts"))
        if event["event"] == "transition" and event.get("change"):
            value = event.get("value")
            extra = f" value={value:.6g}" if isinstance(value, float) else ""
            if event.get("score") is not None:
                extra += f" score={event['score']:.4g}"
            if event.get("reason"):
                extra += f" ({event['reason']})"
            flag = " (flapping)" if event.get("flapping") else ""
            out.write(
                f"{when}  {event['change'].upper():9s} {event['rule']}  {event['series']}{extra}{flag}\n"
            )
        elif event["event"] == "action":
            detail = {
                k: v
                for k, v in event.items()
                if k in ("args", "url", "exchange", "routing_key", "host", "duration")
            }
            out.write(f"{when}    {event['status']}: {event['action']} {_dumps(detail)}\n")

    engine = Engine(ruleset, capacity=args.capacity, dry_run=True, listeners=[show])
    try:
        n = 0
        for snap in iter_snapshots(args.recording):
            engine.ingest((snap,))
            n += 1
    except FileNotFoundError as exc:
        print(f"suricate rules: {exc}", file=sys.stderr)
        return 2
    from ..rules import firings

    fired = [f for f in firings(engine.history.events()) if f[2] == "firing"]
    summary = {
        "event": "summary",
        "snapshots": n,
        "rules": len(ruleset.rules),
        "firings": len(fired),
        "evaluations": engine.evaluations,
        "problems": len(ruleset.problems),
    }
    if args.json:
        out.write(_dumps(summary) + "\n")
    else:
        out.write(f"backtest: {n} snapshots, {len(ruleset.rules)} rules, {len(fired)} firings\n")
    return 0


def run_run(args: argparse.Namespace) -> int:
    from ..rules import ActionRunner, AlertHistory, Engine, load
    from ..transport.consumer import Consumer
    from .broker_errors import BROKER_REFUSED, BrokerWatch
    from .options import broker_display, quiet_pika
    from .signals import on_terminate

    quiet_pika()
    shard = _shard_group(args)
    if shard is False:
        return 2
    models = _register_models(args.models)
    if models is None:
        return 2
    ruleset = _load(args.rules)
    if ruleset is None:
        return 2
    lock = threading.Lock()

    def emit(event: dict[str, Any]) -> None:
        line = _dumps({"log": "rules", "at": round(time.time(), 3), **event})
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    engine = Engine(ruleset, capacity=args.capacity, history=AlertHistory(args.history), listeners=[emit])
    engine.runner = ActionRunner(
        engine.action_result,
        broker=args.broker,
        exchange=args.exchange,
        captures=args.captures,
        secret_file=args.secret_file,
        tls_ca=args.tls_ca,
    )
    bindings = args.bind or ["#"]
    consumer = Consumer(
        engine, args.broker, args.exchange, bindings, queue=args.queue, shard=shard, tls_ca=args.tls_ca
    )
    done = threading.Event()
    on_terminate(done.set)
    consumer.start()
    emit(
        {
            "event": "started",
            "rules": [r.name for r in ruleset.rules],
            "problems": [str(p) for p in ruleset.problems],
            "bindings": bindings,
            "broker": broker_display(args.broker),
            "models": models.names,
            **({"shard": shard.name, "instance": shard.instance, "weight": shard.weight} if shard else {}),
        }
    )
    path = Path(args.rules)
    mtime = _mtime(path)
    deadline = time.monotonic() + args.duration if args.duration else None
    last_state = None
    watch = BrokerWatch("rules", consumer, log=log)
    evicted, last_caps = (0, 0), time.monotonic()
    while not done.wait(1.0) and not watch.failed():
        if consumer.state != last_state:
            last_state = consumer.state
            emit({"event": "broker", "state": last_state, "error": consumer.last_error or None})
        engine.tick()
        if (
            time.monotonic() - last_caps >= 60.0
        ):  # at most a line a minute, and only when something was evicted
            last_caps = time.monotonic()
            stats = engine.stats()
            if (stats["evicted_streams"], stats["evicted_alerts"]) != evicted:
                evicted = (stats["evicted_streams"], stats["evicted_alerts"])
                emit({"event": "caps", **stats})
        moved = models.changed()
        if moved:
            for problem in models.read():
                emit({"event": "models", "error": problem})
        if moved or _mtime(path) != mtime:
            mtime = _mtime(path)
            try:
                fresh = load(path)
                engine.set_rules(fresh)
            except Exception as exc:  # the file unreadable, or a scorer that cannot be made: the rules stay
                emit({"event": "reload", "error": f"{type(exc).__name__}: {exc}"})
            else:
                emit(
                    {
                        "event": "reload",
                        "rules": [r.name for r in fresh.rules],
                        "problems": [str(p) for p in fresh.problems],
                        "models": models.names,
                    }
                )
        if deadline and time.monotonic() >= deadline:
            break
    if watch.failed():
        emit({"event": "broker", "state": "failed", "error": consumer.last_error})
        if consumer.failure:
            print(f"suricate rules: {consumer.failure}", file=sys.stderr)
    consumer.stop()
    engine.close()
    stats = engine.stats()
    emit(
        {
            "event": "stopped",
            "snapshots": engine.snapshots,
            "evaluations": engine.evaluations,
            "evicted_streams": stats["evicted_streams"],
            "evicted_alerts": stats["evicted_alerts"],
        }
    )
    return BROKER_REFUSED if watch.failed() else 0


def _shard_group(args: argparse.Namespace) -> ShardGroup | Literal[False] | None:
    """The ``ShardGroup`` the options ask for, None without ``--shard``, False (said why) when invalid."""
    from ..transport.sharding import ShardGroup, default_instance

    if not args.shard:
        if args.shard_instance or args.shard_expires is not None or args.shard_weight != 1:
            print(
                "suricate rules: --shard-weight, --shard-instance and --shard-expires go with --shard",
                file=sys.stderr,
            )
            return False
        return None
    try:
        return ShardGroup(
            args.shard, args.shard_instance or default_instance(), args.shard_weight, args.shard_expires
        )
    except ValueError as exc:
        print(f"suricate rules: {exc}", file=sys.stderr)
        return False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _dumps(event: dict[str, Any]) -> str:
    from ..rules.alerts import to_json

    return to_json(event)


def _iso(ts: object) -> str:
    if not isinstance(ts, (int, float)) or not math.isfinite(ts):
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts)) + f".{int((ts % 1) * 1000):03d}"


def main(argv: list[str] | None = None) -> int:
    """``python -m suricate_desktop.cli.cmd_rules ACTION ...``: the same as ``suricate rules ACTION ...``."""
    from . import main as cli_main

    commands = cli_main.COMMANDS
    if "rules" not in commands:
        cli_main.COMMANDS = (*commands, "rules")
    try:
        return cli_main.main(["rules", *(sys.argv[1:] if argv is None else argv)])
    finally:
        cli_main.COMMANDS = commands


if __name__ == "__main__":
    sys.exit(main())
