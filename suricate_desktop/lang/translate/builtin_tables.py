"""What D's built-in variables, functions and C types become in bpftrace 0.17, or why they cannot.

The clause translator looks names up here; the refusal messages are what the user reads, so
each says what has no equivalent and, where it helps, what bpftrace offers instead.
Per-probe meanings (``execname`` in ``sched:::on-cpu``, ``argN``) are in :mod:`.probe_tables`.
"""

from __future__ import annotations

#: D built-in variables with the same meaning everywhere.
BUILTINS = {
    "execname": "comm",
    "pid": "pid",
    "tid": "tid",
    "uid": "uid",
    "gid": "gid",
    "cpu": "cpu",
    "ppid": "curtask->real_parent->tgid",
    "timestamp": "nsecs",
}
#: members of curpsinfo (psinfo_t, the current process) that are a D built-in, and a warning where the
#: built-in says less than the member
CURPSINFO = {
    "pr_pid": ("pid", None),
    "pr_ppid": ("ppid", None),
    "pr_uid": ("uid", None),
    "pr_gid": ("gid", None),
    "pr_fname": ("execname", None),
    "pr_psargs": (
        "execname",
        "curpsinfo->pr_psargs (the command line) is translated as comm, the command's name: "
        "bpftrace 0.17 cannot read a process's arguments here",
    ),
}
#: illumos kernel data reached through ``curthread`` that Linux's task_struct (bpftrace's ``curtask``) also
#: holds: the chain as written -> (bpftrace text, warning at the line).  Anything else under curthread
#: is refused.
CURTHREAD_CHAINS = {
    "curthread->t_procp->p_parent->p_user.u_comm": (
        "curtask->real_parent->comm",
        "the parent's command name read from Linux's task_struct (curtask->real_parent->comm): "
        "the name of the thread that forked this process",
    ),
    "curthread->t_procp->p_parent->p_pidp->pid_id": (
        "curtask->real_parent->tgid",
        "the parent's process ID read from Linux's task_struct (curtask->real_parent->tgid)",
    ),
}
#: D built-in variables with no bpftrace equivalent, and why.
REFUSED_BUILTINS = {
    "walltimestamp": "walltimestamp: bpftrace 0.17 has wall-clock time only through time()/strftime() in output",
    "vtimestamp": "vtimestamp (on-CPU time of the thread) has no bpftrace equivalent",
    "curthread": "curthread: the kernel thread structure differs on Linux (bpftrace has curtask, a task_struct)",
    "curpsinfo": "the translator curpsinfo (psinfo_t) has no bpftrace equivalent",
    "curlwpsinfo": "the translator curlwpsinfo (lwpsinfo_t) has no bpftrace equivalent",
    "curcpu": "the translator curcpu (cpuinfo_t) has no bpftrace equivalent",
    "fds": "the translator fds[] (fileinfo_t) has no bpftrace equivalent",
    "cwd": "cwd has no bpftrace 0.17 equivalent",
    "root": "root has no bpftrace 0.17 equivalent",
    "zonename": "zonename: Linux has no zones",
    "epid": "epid has no bpftrace equivalent",
    "id": "the probe id has no bpftrace equivalent",
    "ipl": "ipl (interrupt level) has no bpftrace equivalent",
    "caller": "caller has no bpftrace 0.17 equivalent",
    "ucaller": "ucaller has no bpftrace 0.17 equivalent",
    "stackdepth": "stackdepth has no bpftrace equivalent",
    "ustackdepth": "ustackdepth has no bpftrace equivalent",
    "uregs": "uregs[] has no bpftrace equivalent (reg() reads kernel registers)",
    "chip": "chip has no bpftrace equivalent",
    "lgrp": "lgrp has no bpftrace equivalent",
    "pset": "pset has no bpftrace equivalent",
    "probemod": "probemod: kernel module names differ on Linux",
    "execargs": "execargs (FreeBSD) has no bpftrace 0.17 equivalent",
    "jailname": "jailname (FreeBSD) has no Linux equivalent",
    "jid": "jid (FreeBSD) has no Linux equivalent",
}
#: D aggregating functions (some are refused: see REFUSED_FUNCS).
AGG_FUNCS = {"count", "sum", "avg", "min", "max", "quantize", "lquantize", "llquantize", "stddev"}
#: D functions and actions with no bpftrace equivalent, and why.
REFUSED_FUNCS = {
    "speculation": "speculative tracing (speculation) has no bpftrace equivalent",
    "speculate": "speculative tracing (speculate) has no bpftrace equivalent",
    "commit": "speculative tracing (commit) has no bpftrace equivalent",
    "discard": "speculative tracing (discard) has no bpftrace equivalent",
    "stddev": "stddev() has no bpftrace equivalent (stats() gives count, average and total only)",
    "llquantize": "llquantize() has no bpftrace equivalent",
    "denormalize": "denormalize() has no bpftrace equivalent",
    "setopt": "setopt() has no bpftrace equivalent",
    "freopen": "freopen() has no bpftrace equivalent",
    "ftruncate": "ftruncate() has no bpftrace equivalent",
    "tracemem": "tracemem() has no bpftrace 0.17 equivalent",
    "jstack": "jstack() has no bpftrace equivalent",
    "system": "system() is destructive (bpftrace needs --unsafe); not translated",
    "raise": "raise() is destructive (bpftrace needs --unsafe); not translated",
    "stop": "stop() is destructive (bpftrace needs --unsafe); not translated",
    "copyout": "copyout() is destructive and has no bpftrace equivalent",
    "copyoutstr": "copyoutstr() is destructive and has no bpftrace equivalent",
    "breakpoint": "breakpoint() has no bpftrace equivalent",
    "panic": "panic() has no bpftrace equivalent",
    "chill": "chill() has no bpftrace equivalent",
    "mod": "mod() has no bpftrace equivalent",
    "umod": "umod() has no bpftrace equivalent",
    "uaddr": "uaddr() has no bpftrace equivalent",
    "printm": "printm() has no bpftrace equivalent",
    "print": "",  # handled
}
for _f in [
    "strlen",
    "strjoin",
    "substr",
    "index",
    "rindex",
    "strchr",
    "strrchr",
    "strstr",
    "strtok",
    "basename",
    "dirname",
    "cleanpath",
    "lltostr",
    "toupper",
    "tolower",
    "htonl",
    "htonll",
    "htons",
    "ntohl",
    "ntohll",
    "ntohs",
    "inet_ntoa",
    "inet_ntoa6",
    "inet_ntop",
    "progenyof",
    "getmajor",
    "getminor",
    "json",
    "strtoll",
    "alloca",
    "bcopy",
    "copyin",
    "copyinto",
    "msgsize",
    "msgdsize",
    "mutex_owned",
    "mutex_owner",
    "mutex_type_adaptive",
    "mutex_type_spin",
    "rw_iswriter",
    "rw_read_held",
    "rw_write_held",
    "ddi_pathname",
    "getf",
    "memref",
    "memstr",
    "sx_exclusive_held",
    "sx_isexclusive",
    "sx_shared_held",
]:
    REFUSED_FUNCS[_f] = f"{_f}() has no bpftrace 0.17 equivalent"
del REFUSED_FUNCS["print"]

#: D integer types -> bpftrace cast types.
CAST_TYPES = {
    "char": "int8",
    "signed char": "int8",
    "unsigned char": "uint8",
    "uchar_t": "uint8",
    "uint8_t": "uint8",
    "int8_t": "int8",
    "short": "int16",
    "unsigned short": "uint16",
    "ushort_t": "uint16",
    "int16_t": "int16",
    "uint16_t": "uint16",
    "int": "int32",
    "signed": "int32",
    "signed int": "int32",
    "unsigned": "uint32",
    "unsigned int": "uint32",
    "uint_t": "uint32",
    "int32_t": "int32",
    "uint32_t": "uint32",
    "pid_t": "int32",
    "id_t": "int32",
    "uid_t": "uint32",
    "gid_t": "uint32",
    "long": "int64",
    "long long": "int64",
    "signed long": "int64",
    "int64_t": "int64",
    "longlong_t": "int64",
    "hrtime_t": "int64",
    "ssize_t": "int64",
    "intptr_t": "int64",
    "off_t": "int64",
    "unsigned long": "uint64",
    "unsigned long long": "uint64",
    "ulong_t": "uint64",
    "u_longlong_t": "uint64",
    "uint64_t": "uint64",
    "size_t": "uint64",
    "uintptr_t": "uint64",
    "dev_t": "uint64",
}
