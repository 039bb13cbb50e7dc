"""What each D probe becomes in bpftrace 0.17: the tables behind the probe mapping.

D providers name illumos probes; Linux has tracepoints, kprobes and timers instead. These
tables say, per provider and probe name, which bpftrace probe stands for it, which predicate the
translation adds (``proc:::exit`` is ``sched_process_exit`` for the main thread only), and what
the D built-ins and arguments become there. :mod:`.probes` reads them to expand a probe
description; anything not in them is refused with the reason given here.
"""

from __future__ import annotations

from typing import Required, TypedDict

from .. import _syscalls


class ProbeSpec(TypedDict, total=False):
    """One D probe of a provider table; the keys besides ``probe`` fill a :class:`~.probes.Target`."""

    probe: Required[str]  # the bpftrace probe
    implicit: str  # predicate the translation adds
    env: dict[str, str]  # builtin -> bpftrace text
    refuse: dict[str, str]  # builtin -> why not
    argn: dict[int, str]  # argN -> bpftrace text
    args_index: dict[int, str]  # args[N] -> bpftrace text
    members: dict[tuple[int, str], str]  # args[N]->member -> bpftrace text
    self_key: str  # the key of self-> variables (tid by default)
    arg0_key: str  # arg0 as the only subscript of an array


#: D's ``errno`` in a system call's return probe.
SYSCALL_ERRNO = "(args->ret < 0 ? - args->ret : 0)"
_CLONE_THREAD = "0x10000"

#: illumos/FreeBSD system call names -> Linux.
SYSCALL_RENAMES = {
    "open64": "open",
    "creat64": "creat",
    "stat64": "stat",
    "fstat64": "fstat",
    "lstat64": "lstat",
    "fstatat": "newfstatat",
    "fstatat64": "newfstatat",
    "pread": "pread64",
    "pwrite": "pwrite64",
    "getdents64": "getdents64",
    "exece": "execve",
    "pollsys": "ppoll",
    "llseek": "lseek",
    "openat64": "openat",
    "rexit": "exit_group",
    "fork1": "fork",
    "forkall": "fork",
    "forksys": "clone",
}

_TP_TO_SYSCALL = {tp: name for name, tp in _syscalls.TRACEPOINT_NAME.items()}
LINUX_SYSCALLS = sorted(_TP_TO_SYSCALL.get(tp, tp) for tp in _syscalls.ENTRY_FIELDS)


def tracepoint_event(call: str) -> str:
    """The name of the tracepoint event of Linux system call ``call`` (they differ for a few)."""
    return _syscalls.TRACEPOINT_NAME.get(call, call)


_PID_NEXT = "(uint64)args->next_pid"
_TCP = "args->protocol == 6"

PROBE_TABLES: dict[str, dict[str, ProbeSpec]] = {
    "proc": {
        "exec-success": {"probe": "tracepoint:sched:sched_process_exec"},
        "exec": {"probe": "tracepoint:syscalls:sys_enter_execve", "args_index": {0: "str(args->filename)"}},
        "exec-failure": {
            "probe": "tracepoint:syscalls:sys_exit_execve",
            "implicit": "args->ret < 0",
            "args_index": {0: "- args->ret"},
            "argn": {0: "- args->ret"},
        },
        "create": {
            "probe": "tracepoint:task:task_newtask",
            "implicit": f"(args->clone_flags & {_CLONE_THREAD}) == 0",
            "members": {(0, "pr_pid"): "(uint64)args->pid", (0, "pr_fname"): "args->comm"},
        },
        "lwp-create": {
            "probe": "tracepoint:task:task_newtask",
            "implicit": f"(args->clone_flags & {_CLONE_THREAD}) != 0",
            "members": {(0, "pr_lwpid"): "(uint64)args->pid"},
        },
        "exit": {"probe": "tracepoint:sched:sched_process_exit", "implicit": "pid == tid"},
        "lwp-exit": {"probe": "tracepoint:sched:sched_process_exit"},
        "signal-send": {
            "probe": "tracepoint:signal:signal_generate",
            "args_index": {2: "args->sig"},
            "argn": {2: "args->sig"},
            "members": {
                (1, "pr_pid"): "(uint64)args->pid",
                (0, "pr_lwpid"): "(uint64)args->pid",
                (1, "pr_fname"): "args->comm",
            },
        },
    },
    "sched": {
        "on-cpu": {
            "probe": "tracepoint:sched:sched_switch",
            "env": {"execname": "args->next_comm", "tid": _PID_NEXT},
            "self_key": _PID_NEXT,
            "refuse": {
                name: "sched_switch runs as the outgoing thread; the incoming thread's "
                f"{name} is not in its arguments"
                for name in ("pid", "uid", "gid", "ppid", "stack", "ustack")
            },
        },
        "off-cpu": {
            "probe": "tracepoint:sched:sched_switch",
            "members": {
                (0, "pr_lwpid"): _PID_NEXT,
                (1, "pr_fname"): "args->next_comm",
                (0, "pr_pri"): "args->next_prio",
            },
        },
        "preempt": {
            "probe": "tracepoint:sched:sched_switch",
            "implicit": "(args->prev_state & 0xff) == 0 && args->prev_pid != 0",
        },
        "sleep": {"probe": "tracepoint:sched:sched_switch", "implicit": "(args->prev_state & 0xff) != 0"},
        "wakeup": {
            "probe": "tracepoint:sched:sched_wakeup",
            "members": {
                (0, "pr_lwpid"): "(uint64)args->pid",
                (1, "pr_fname"): "args->comm",
                (0, "pr_pri"): "args->prio",
            },
        },
    },
    "io": {
        "start": {
            "probe": "tracepoint:block:block_rq_issue",
            "members": {
                (0, "b_bcount"): "args->bytes",
                (0, "b_bufsize"): "args->bytes",
                (0, "b_blkno"): "args->sector",
                (0, "b_lblkno"): "args->sector",
                (0, "b_edev"): "args->dev",
                (1, "dev_statname"): "args->dev",
                (1, "dev_name"): "args->dev",
                (1, "dev_pathname"): "args->dev",
                (1, "dev_major"): "(args->dev >> 20)",
                (1, "dev_minor"): "(args->dev & 0xfffff)",
            },
            "arg0_key": "args->dev, args->sector",
        },
        "done": {
            "probe": "tracepoint:block:block_rq_complete",
            "members": {
                (0, "b_bcount"): "(args->nr_sector * 512)",
                (0, "b_bufsize"): "(args->nr_sector * 512)",
                (0, "b_error"): "args->error",
                (0, "b_blkno"): "args->sector",
                (0, "b_lblkno"): "args->sector",
                (0, "b_edev"): "args->dev",
                (1, "dev_statname"): "args->dev",
                (1, "dev_name"): "args->dev",
                (1, "dev_pathname"): "args->dev",
                (1, "dev_major"): "(args->dev >> 20)",
                (1, "dev_minor"): "(args->dev & 0xfffff)",
            },
            "arg0_key": "args->dev, args->sector",
        },
    },
    "tcp": {
        "connect-request": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->newstate == 2",
        },
        "connect-established": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->oldstate == 2 && args->newstate == 1",
        },
        "connect-refused": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->oldstate == 2 && args->newstate == 7",
        },
        "accept-established": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->oldstate == 3 && args->newstate == 1",
        },
        "state-change": {"probe": "tracepoint:sock:inet_sock_set_state", "implicit": _TCP},
    },
    "ip": {
        "send": {"probe": "tracepoint:net:net_dev_xmit"},
        "receive": {"probe": "tracepoint:net:netif_receive_skb"},
    },
    "mib": {
        "tcpRetransSegs": {"probe": "tracepoint:tcp:tcp_retransmit_skb", "argn": {0: "1"}},
        "tcpOutRsts": {"probe": "tracepoint:tcp:tcp_send_reset", "argn": {0: "1"}},
        "tcpActiveOpens": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->newstate == 2",
            "argn": {0: "1"},
        },
        "tcpPassiveOpens": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->oldstate == 3 && args->newstate == 1",
            "argn": {0: "1"},
        },
        "tcpAttemptFails": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && (args->oldstate == 2 || args->oldstate == 3) && args->newstate == 7",
            "argn": {0: "1"},
        },
    },
    # illumos counts the bytes each read/write family call moves (readch, writech; 0 at end of file)
    "sysinfo": {
        name: {
            "probe": ",".join(f"tracepoint:syscalls:sys_exit_{c}" for c in calls),
            "implicit": "args->ret >= 0",
            "argn": {0: "args->ret"},
        }
        for name, calls in (
            ("readch", ("read", "readv", "pread64", "preadv")),
            ("writech", ("write", "writev", "pwrite64", "pwritev")),
        )
    },
    "vminfo": {
        "as_fault": {"probe": "tracepoint:exceptions:page_fault_user", "argn": {0: "1"}},
    },
}

PROVIDER_REFUSALS = {
    "lockstat": "the lockstat provider (kernel locks) has no bpftrace 0.17 equivalent",
    "plockstat": "the plockstat provider (user locks) has no bpftrace 0.17 equivalent",
    "pid": "pid provider probes need the binary's path on Linux (uprobe:/path:func); not translated",
    "usdt": "USDT probes need the binary's path on Linux (usdt:/path:provider:probe); not translated",
    "sdt": "sdt probes are OS-specific kernel probes",
    "fsinfo": "the fsinfo provider has no Linux equivalent",
    "sysinfo": "the sysinfo provider has no Linux equivalent but for readch and writech",
    "cpc": "the cpc provider (CPU performance counters) is not translated",
    "fpuinfo": "the fpuinfo provider has no Linux equivalent",
    "udp": "udp provider probes have no stable Linux tracepoint",
}

NET_ARGS = "network providers' arguments (pktinfo_t, csinfo_t, ipinfo_t, tcpsinfo_t ...) have no bpftrace translation"

PROFILE_UNITS = {
    "": ("hz", 1),
    "hz": ("hz", 1),
    "ns": ("ns", 1),
    "nsec": ("ns", 1),
    "us": ("us", 1),
    "usec": ("us", 1),
    "ms": ("ms", 1),
    "msec": ("ms", 1),
    "s": ("s", 1),
    "sec": ("s", 1),
    "m": ("s", 60),
    "min": ("s", 60),
    "h": ("s", 3600),
    "hour": ("s", 3600),
    "d": ("s", 86400),
    "day": ("s", 86400),
}

#: bpftrace reg() name of the program counter, by architecture.
PC_REGISTER = {"x86_64": "ip", "amd64": "ip", "aarch64": "pc", "arm64": "pc"}
