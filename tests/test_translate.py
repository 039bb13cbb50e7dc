"""The D-to-bpftrace translator: each construct it supports, each it refuses, and real compiles.

Every translation here, every template's translation and every template's
``script.bt`` also goes through the real ``bpftrace -d`` (skipped, with the
reason, only where bpftrace is absent or the tests do not run as root).
"""

from __future__ import annotations

import textwrap

import pytest
from bpftrace_dryrun import SKIP_REASON, dry_run_all, needs_bpftrace

from suricate_desktop.cli.main import main
from suricate_desktop.lang import ScriptError
from suricate_desktop.lang.templates import load_templates
from suricate_desktop.lang.translate import supported_architectures, translate, translate_program

#: (name, D, expected bpftrace), translated for x86_64.
SUPPORTED = [
    (
        "count-by-execname",
        "syscall:::entry { @[execname] = count(); }",
        """\
tracepoint:raw_syscalls:sys_enter
{
    @[comm] = count();
}
""",
    ),
    (
        "named-syscall-arguments",
        "syscall::read:entry /pid == 42/ { @bytes[execname] = sum(arg2); }",
        """\
tracepoint:syscalls:sys_enter_read /pid == 42/
{
    @bytes[comm] = sum(args->count);
}
""",
    ),
    (
        "return-value",
        "syscall::read:return /arg0 > 0/ { @[execname] = quantize(arg0); }",
        """\
tracepoint:syscalls:sys_exit_read /args->ret > 0/
{
    @[comm] = hist(args->ret);
}
""",
    ),
    (
        "errno",
        "syscall::openat:return /errno != 0/ { @[execname, errno] = count(); }",
        """\
tracepoint:syscalls:sys_exit_openat /(args->ret < 0 ? - args->ret : 0) != 0/
{
    @[comm, (args->ret < 0 ? - args->ret : 0)] = count();
}
""",
    ),
    (
        "copyinstr",
        'syscall::openat:entry { printf("%s %s\\n", execname, copyinstr(arg1)); }',
        """\
tracepoint:syscalls:sys_enter_openat
{
    printf("%s %s\\n", comm, str(args->filename));
}
""",
    ),
    (
        "raw-syscall-arguments",
        "syscall:::entry /arg0 == 3/ { @ = count(); } syscall:::return /errno == EAGAIN/ { @eagain[execname] = count(); }",
        """\
tracepoint:raw_syscalls:sys_enter /args->args[0] == 3/
{
    @ = count();
}

tracepoint:raw_syscalls:sys_exit /(args->ret < 0 ? - args->ret : 0) == 11/
{
    @eagain[comm] = count();
}
""",
    ),
    (
        "probefunc-named-syscall",
        "syscall::write:entry { @[probefunc] = count(); }",
        """\
tracepoint:syscalls:sys_enter_write
{
    @["write"] = count();
}
""",
    ),
    (
        "syscall-glob",
        "syscall::*stat:entry { @[execname] = count(); }",
        """\
tracepoint:syscalls:sys_enter_cachestat,
tracepoint:syscalls:sys_enter_newfstat,
tracepoint:syscalls:sys_enter_newlstat,
tracepoint:syscalls:sys_enter_newstat,
tracepoint:syscalls:sys_enter_ustat
{
    @[comm] = count();
}
""",
    ),
    (
        "aggregating-functions",
        "syscall::read:entry { @c = count(); @s = sum(arg2); @a = avg(arg2); @mn = min(arg2); @mx = max(arg2); @q = quantize(arg2); @l = lquantize(arg2, 0, 100, 10); @l1 = lquantize(arg2, 0, 10); }",
        """\
tracepoint:syscalls:sys_enter_read
{
    @c = count();
    @s = sum(args->count);
    @a = avg(args->count);
    @mn = min(args->count);
    @mx = max(args->count);
    @q = hist(args->count);
    @l = lhist(args->count, 0, 100, 10);
    @l1 = lhist(args->count, 0, 10, 1);
}
""",
    ),
    (
        "timers",
        "profile-997 /pid != 0/ { @[execname] = count(); } profile-10ms { @p = count(); } tick-1s { printa(@p); clear(@p); } tick-2min { exit(0); } tick-10hz { @t = count(); } tick-5000usec { @u = count(); }",
        """\
profile:hz:997 /pid != 0/
{
    @[comm] = count();
}

profile:ms:10
{
    @p = count();
}

interval:s:1
{
    print(@p);
    zero(@p);
}

interval:s:120
{
    exit();
}

interval:hz:10
{
    @t = count();
}

interval:us:5000
{
    @u = count();
}
""",
    ),
    (
        "proc-provider",
        'proc:::exec-success { @[execname] = count(); } proc:::create { @f[execname] = count(); } proc:::exit { @x[execname] = count(); } proc:::signal-send { @s[args[1]->pr_fname, args[2]] = count(); } proc:::exec { printf("%s\\n", stringof(args[0])); }',
        """\
tracepoint:sched:sched_process_exec
{
    @[comm] = count();
}

tracepoint:task:task_newtask /(args->clone_flags & 0x10000) == 0/
{
    @f[comm] = count();
}

tracepoint:sched:sched_process_exit /pid == tid/
{
    @x[comm] = count();
}

tracepoint:signal:signal_generate
{
    @s[args->comm, args->sig] = count();
}

tracepoint:syscalls:sys_enter_execve
{
    printf("%s\\n", str(args->filename));
}
""",
    ),
    (
        "sched-provider",
        "sched:::off-cpu /pid != 0/ { self->ts = timestamp; } sched:::on-cpu /self->ts/ { @[execname] = quantize(timestamp - self->ts); self->ts = 0; } sched:::wakeup { @w[execname] = count(); }",
        """\
tracepoint:sched:sched_switch /pid != 0/
{
    @self_ts[tid] = nsecs;
}

tracepoint:sched:sched_switch /@self_ts[(uint64)args->next_pid]/
{
    @[args->next_comm] = hist(nsecs - @self_ts[(uint64)args->next_pid]);
    delete(@self_ts[(uint64)args->next_pid]);
}

tracepoint:sched:sched_wakeup
{
    @w[comm] = count();
}

END
{
    clear(@self_ts);
}
""",
    ),
    (
        "io-provider",
        "io:::start { start[arg0] = timestamp; @sz[execname] = quantize(args[0]->b_bcount); } io:::done /start[arg0]/ { @ns = quantize(timestamp - start[arg0]); start[arg0] = 0; }",
        """\
tracepoint:block:block_rq_issue
{
    @global_start[args->dev, args->sector] = nsecs;
    @sz[comm] = hist(args->bytes);
}

tracepoint:block:block_rq_complete /@global_start[args->dev, args->sector]/
{
    @ns = hist(nsecs - @global_start[args->dev, args->sector]);
    delete(@global_start[args->dev, args->sector]);
}

END
{
    clear(@global_start);
}
""",
    ),
    (
        "begin-end-merged",
        'BEGIN { printf("tracing\\n"); } BEGIN /$1 > 0/ { limit = $1; } syscall::read:entry { @a[execname] = count(); } END { printa(@a); } END /limit/ { printf("limit %d\\n", limit); }',
        """\
BEGIN
{
    printf("tracing\\n");
    if ($1 > 0) {
        @global_limit = $1;
    }
}

tracepoint:syscalls:sys_enter_read
{
    @a[comm] = count();
}

END
{
    print(@a);
    clear(@a);
    if (@global_limit) {
        printf("limit %d\\n", @global_limit);
    }
    clear(@global_limit);
}
""",
    ),
    (
        "trunc-top-n",
        "syscall:::entry { @a[execname] = count(); } tick-1s { trunc(@a, 10); printa(@a); trunc(@a); }",
        """\
tracepoint:raw_syscalls:sys_enter
{
    @a[comm] = count();
}

interval:s:1
{
    print(@a, 10);
    clear(@a);
}
""",
    ),
    (
        "trunc-at-end",
        "syscall:::entry { @a[execname] = count(); } END { trunc(@a, 5); }",
        """\
tracepoint:raw_syscalls:sys_enter
{
    @a[comm] = count();
}

END
{
    print(@a, 5);
    clear(@a);
}
""",
    ),
    (
        "normalize",
        "syscall:::entry { @a[execname] = count(); } tick-1s { normalize(@a, 1000); printa(@a); clear(@a); }",
        """\
tracepoint:raw_syscalls:sys_enter
{
    @a[comm] = count();
}

interval:s:1
{
    print(@a, 0, 1000);
    zero(@a);
}
""",
    ),
    (
        "exit",
        "tick-5s { exit(0); }",
        """\
interval:s:5
{
    exit();
}
""",
    ),
    (
        "this-variables",
        "syscall::read:entry { this->n = arg2; @ = sum(this->n); }",
        """\
tracepoint:syscalls:sys_enter_read
{
    $n = args->count;
    @ = sum($n);
}
""",
    ),
    (
        "if-else",
        "syscall::read:entry { if (arg2 > 4096) { @big = count(); } else if (arg2 > 512) { @mid = count(); } else { @small = count(); } }",
        """\
tracepoint:syscalls:sys_enter_read
{
    if (args->count > 4096) {
        @big = count();
    } else if (args->count > 512) {
        @mid = count();
    } else {
        @small = count();
    }
}
""",
    ),
    (
        "constants",
        "proc:::signal-send /args[2] == SIGBUS/ { @ = count(); } syscall::openat:return /errno == ENOENT/ { @e = count(); }",
        """\
tracepoint:signal:signal_generate /args->sig == 7/
{
    @ = count();
}

tracepoint:syscalls:sys_exit_openat /(args->ret < 0 ? - args->ret : 0) == 2/
{
    @e = count();
}
""",
    ),
    (
        "builtins",
        'syscall::getppid:entry { printf("%d %d %d %d %d %d %s\\n", pid, tid, uid, gid, ppid, cpu, execname); @t = max(timestamp); }',
        """\
tracepoint:syscalls:sys_enter_getppid
{
    printf("%d %d %d %d %d %d %s\\n", pid, tid, uid, gid, curtask->real_parent->tgid, cpu, comm);
    @t = max(nsecs);
}
""",
    ),
    (
        "probename-probeprov",
        "syscall::read:entry, syscall::read:return { @[probefunc, probename, probeprov] = count(); }",
        """\
tracepoint:syscalls:sys_enter_read
{
    @["read", "entry", "syscall"] = count();
}

tracepoint:syscalls:sys_exit_read
{
    @["read", "return", "syscall"] = count();
}
""",
    ),
    (
        "stacks",
        "profile-99 { @[stack()] = count(); @u[ustack(), execname] = count(); @k5[stack(5)] = count(); }",
        """\
profile:hz:99
{
    @[kstack] = count();
    @u[ustack, comm] = count();
    @k5[kstack(5)] = count();
}
""",
    ),
    (
        "division-in-predicate",
        "syscall::read:entry /arg2 / 2 > 10/ { @ = count(); }",
        """\
tracepoint:syscalls:sys_enter_read /(args->count / 2 > 10)/
{
    @ = count();
}
""",
    ),
    (
        "global-variables",
        "syscall::read:entry { n++; last[pid] = timestamp; } syscall::read:return /last[pid]/ { last[pid] = 0; total = 1; total += 1; }",
        """\
tracepoint:syscalls:sys_enter_read
{
    @global_n++;
    @global_last[pid] = nsecs;
}

tracepoint:syscalls:sys_exit_read /@global_last[pid]/
{
    delete(@global_last[pid]);
    @global_total = 1;
    @global_total += 1;
}

END
{
    clear(@global_n);
    clear(@global_last);
    clear(@global_total);
}
""",
    ),
    (
        "ternary-and-cast",
        'syscall::read:return { @[arg0 < 0 ? "fail" : "ok"] = count(); @s = sum((int)arg0); }',
        """\
tracepoint:syscalls:sys_exit_read
{
    @[args->ret < 0 ? "fail" : "ok"] = count();
    @s = sum((int32)args->ret);
}
""",
    ),
    (
        "trace",
        "syscall::read:entry { trace(arg2); }",
        """\
tracepoint:syscalls:sys_enter_read
{
    print(args->count);
}
""",
    ),
    (
        "default-action",
        "syscall::read:entry /pid == 1/ {}",
        """\
tracepoint:syscalls:sys_enter_read /pid == 1/
{
    printf("%3d %s:%s\\n", cpu, "read", "entry");
}
""",
    ),
    (
        "macro-arguments",
        "syscall::read:entry /pid == $1/ { @ = count(); }",
        """\
tracepoint:syscalls:sys_enter_read /pid == $1/
{
    @ = count();
}
""",
    ),
    (
        "network",
        "ip:::send, ip:::receive { @[probename] = count(); } tcp:::connect-request { @c[execname] = count(); } mib:::tcpRetransSegs { @r = sum(arg0); }",
        """\
tracepoint:net:net_dev_xmit
{
    @["send"] = count();
}

tracepoint:net:netif_receive_skb
{
    @["receive"] = count();
}

tracepoint:sock:inet_sock_set_state /args->protocol == 6 && args->newstate == 2/
{
    @c[comm] = count();
}

tracepoint:tcp:tcp_retransmit_skb
{
    @r = sum(1);
}
""",
    ),
    (
        "fbt",
        "fbt::vfs_read:entry { @[probefunc] = count(); } fbt::vfs_read:return { @r = quantize(arg1); }",
        """\
kprobe:vfs_read
{
    @[func] = count();
}

kretprobe:vfs_read
{
    @r = hist(retval);
}
""",
    ),
    (
        "printa-several",
        "syscall::read:entry { @a = count(); @b = sum(arg2); } tick-1s { printa(@a, @b); trunc(@a); trunc(@b); }",
        """\
tracepoint:syscalls:sys_enter_read
{
    @a = count();
    @b = sum(args->count);
}

interval:s:1
{
    print(@a);
    print(@b);
    clear(@a);
    clear(@b);
}
""",
    ),
    (
        "file-layout",
        textwrap.dedent("""\
#!/usr/sbin/dtrace -qs
#pragma D option quiet
/* comment */
self int t;
int total;

syscall::read:entry
{
\tself->t = timestamp;
}

syscall::read:return
/self->t/
{
\t@ns[execname] = sum(timestamp - self->t);
\tself->t = 0;
}
"""),
        """\
tracepoint:syscalls:sys_enter_read
{
    @self_t[tid] = nsecs;
}

tracepoint:syscalls:sys_exit_read /@self_t[tid]/
{
    @ns[comm] = sum(nsecs - @self_t[tid]);
    delete(@self_t[tid]);
}

END
{
    clear(@self_t);
}
""",
    ),
    (
        "profile-program-counter",
        "profile-997 /arg0/ { @k[stack()] = count(); } profile-997 /arg1/ { @u[execname] = count(); }",
        """\
profile:hz:997 /((int64)reg("ip") < 0 ? reg("ip") : 0)/
{
    @k[kstack] = count();
}

profile:hz:997 /((int64)reg("ip") < 0 ? 0 : reg("ip"))/
{
    @u[comm] = count();
}
""",
    ),
    (
        "printa-at-end",
        "syscall::read:entry { @a = count(); } END { printa(@a); }",
        """\
tracepoint:syscalls:sys_enter_read
{
    @a = count();
}

END
{
    print(@a);
    clear(@a);
}
""",
    ),
    (
        # a thread-local array is one map keyed by the thread and the array's keys
        "thread-local-array",
        "syscall::read:entry { self->n[arg0]++; self->sz[arg0] = arg2; } "
        "syscall::read:return /self->sz[1] != 0/ { @b[execname] = sum(self->sz[1]); self->sz[1] = 0; }",
        """\
tracepoint:syscalls:sys_enter_read
{
    @self_n[tid, args->fd]++;
    @self_sz[tid, args->fd] = args->count;
}

tracepoint:syscalls:sys_exit_read /@self_sz[tid, 1] != 0/
{
    @b[comm] = sum(@self_sz[tid, 1]);
    delete(@self_sz[tid, 1]);
}

END
{
    clear(@self_n);
    clear(@self_sz);
}
""",
    ),
    (
        # illumos counts the bytes of the read and write families; arg0 is that count
        "sysinfo-readch-writech",
        "sysinfo:::readch { @r[execname] = sum(arg0); } sysinfo:::writech { @w[execname] = quantize(arg0); }",
        "tracepoint:syscalls:sys_exit_read,tracepoint:syscalls:sys_exit_readv,"
        "tracepoint:syscalls:sys_exit_pread64,tracepoint:syscalls:sys_exit_preadv /args->ret >= 0/\n"
        """\
{
    @r[comm] = sum(args->ret);
}

"""
        "tracepoint:syscalls:sys_exit_write,tracepoint:syscalls:sys_exit_writev,"
        "tracepoint:syscalls:sys_exit_pwrite64,tracepoint:syscalls:sys_exit_pwritev /args->ret >= 0/\n"
        """\
{
    @w[comm] = hist(args->ret);
}
""",
    ),
    (
        # a = b = v: the innermost first, a constant given again, else the variable just assigned
        "chained-assignment",
        "BEGIN { a = b = c = 0; } syscall::read:entry { x = y = arg2; @[a, b, c, x, y] = count(); }",
        """\
BEGIN
{
    @global_c = 0;
    @global_b = 0;
    @global_a = 0;
}

tracepoint:syscalls:sys_enter_read
{
    @global_y = args->count;
    @global_x = @global_y;
    @[@global_a, @global_b, @global_c, @global_x, @global_y] = count();
}

END
{
    clear(@global_c);
    clear(@global_b);
    clear(@global_a);
    clear(@global_y);
    clear(@global_x);
}
""",
    ),
    (
        # sizeof of a basic type is its size on 64-bit Linux (as on illumos's 64-bit kernel)
        "sizeof-basic-types",
        "syscall::read:entry { @[execname] = sum(arg2 / sizeof (int) + sizeof (unsigned long long) + "
        "sizeof (char *) + sizeof (uint16_t)); }",
        """\
tracepoint:syscalls:sys_enter_read
{
    @[comm] = sum(args->count / 4 + 8 + 8 + 2);
}
""",
    ),
]

#: (name, D, line, column, fragment of the message) of constructs that must be refused.
REFUSED = [
    # a letter outside ASCII is not part of a D identifier: a refusal at it, not a crash
    (
        "non-ascii identifier",
        "syscall::read:entry\n{\n    @caf\u00e9 = count();\n}\n",
        3,
        9,
        'syntax error near "\u00e9"',
    ),
    ("speculation", "syscall::read:entry\n{\n    self->spec = speculation();\n}\n", 3, 18, "speculation"),
    ("speculate", "syscall::read:entry\n{\n    speculate(arg0);\n}\n", 3, 5, "speculate"),
    ("stddev", "syscall::read:entry\n{\n    @sd = stddev(arg2);\n}\n", 3, 11, "stddev"),
    (
        "llquantize",
        "syscall::read:entry\n{\n    @ll = llquantize(arg2, 10, 0, 6, 20);\n}\n",
        3,
        11,
        "llquantize",
    ),
    ("quantize-increment", "syscall::read:entry { @q = quantize(arg2, 4); }\n", 1, 43, "increment"),
    (
        "lquantize-increment",
        "syscall::read:entry { @q = lquantize(arg2, 0, 10, 1, 4); }\n",
        1,
        54,
        "increment",
    ),
    ("curpsinfo", "proc:::exec-success\n{\n    trace(curpsinfo->pr_dmodel);\n}\n", 3, 11, "curpsinfo"),
    ("curlwpsinfo", "sched:::on-cpu { @[curlwpsinfo->pr_pri] = count(); }\n", 1, 20, "curlwpsinfo"),
    ("curthread", "profile-97 { @[curthread->t_pri] = count(); }\n", 1, 16, "curthread"),
    ("fds", "syscall::read:entry { @[fds[arg0].fi_pathname] = count(); }\n", 1, 25, "fds"),
    (
        "proc-args-translator",
        "proc:::exec-success { @[args[0]->pr_fname] = count(); }\n",
        1,
        25,
        "translated types",
    ),
    ("lockstat", "\nlockstat:::adaptive-block\n{\n    @[stack()] = count();\n}\n", 2, 1, "lockstat"),
    ("plockstat", "plockstat$target:::mutex-block { @ = count(); }\n", 1, 1, "plockstat"),
    ("pid-provider", "pid$target::malloc:entry { @ = quantize(arg0); }\n", 1, 1, "pid provider"),
    (
        "tcp-arguments",
        "tcp:::accept-established\n{\n    @[args[3]->tcps_raddr] = count();\n}\n",
        3,
        7,
        "network providers' arguments",
    ),
    ("ip-arguments", "ip:::send { @ = sum(args[2]->ip_plength); }\n", 1, 21, "network providers' arguments"),
    ("tcp-send", "tcp:::send { @ = count(); }\n", 1, 1, "per-segment"),
    ("udp", "udp:::receive { @ = count(); }\n", 1, 1, "udp"),
    ("error-probe", "ERROR { @ = count(); }\n", 1, 1, "ERROR"),
    ("date-of-a-number", 'syscall::read:entry { printf("%Y\\n", timestamp); }\n', 1, 30, "%Y"),
    ("walltimestamp-value", "syscall::read:entry { @ = max(walltimestamp); }\n", 1, 31, "walltimestamp"),
    ("vtimestamp", "syscall::read:entry { self->v = vtimestamp; }\n", 1, 33, "vtimestamp"),
    ("denormalize", "tick-1s { denormalize(@a); }\n", 1, 11, "denormalize"),
    ("translator-declaration", "translator foo_t < int *p > { x = *p; };\n", 1, 1, "translator"),
    ("typedef", "#pragma D option quiet\ntypedef struct s { int a; } s_t;\n", 2, 1, "typedef"),
    ("include", "#include <sys/types.h>\nBEGIN { exit(0); }\n", 1, 1, "#include"),
    ("string-subroutine", 'syscall::read:entry { @[strjoin(execname, "!")] = count(); }\n', 1, 25, "strjoin"),
    ("kernel-symbol", "BEGIN { trace(`max_ncpus); }\n", 1, 15, "`max_ncpus"),
    ("unknown-syscall", "syscall::lwp_park:entry { @ = count(); }\n", 1, 1, "lwp_park"),
    (
        "trunc-without-printa",
        "tick-1s\n{\n    trunc(@a, 5);\n}\n",
        3,
        5,
        "trunc(@a, ...) without a following printa(@a)",
    ),
    ("on-cpu-pid", "sched:::on-cpu /pid == 1/ { @ = count(); }\n", 1, 17, "pid at sched:::on-cpu"),
    (
        "profile-arg2",
        "profile-997 /arg2/ { @ = count(); }\n",
        1,
        14,
        "only arg0 (kernel PC) and arg1 (user PC)",
    ),
    ("tick-arg0", "tick-1s /arg0/ { @ = count(); }\n", 1, 10, "tick probes have no arguments"),
    ("macro-target", "profile-97 /pid == $target/ { @[ustack()] = count(); }\n", 1, 20, "$target"),
    (
        "sizeof-struct",
        "syscall::read:entry { @ = sum(sizeof (struct foo)); }\n",
        1,
        31,
        "sizeof (struct foo)",
    ),
    (
        "sizeof-expression",
        "syscall::read:entry { @ = sum(sizeof (arg0)); }\n",
        1,
        31,
        "sizeof of an expression",
    ),
    ("errno-on-entry", "syscall::read:entry /errno/ { @ = count(); }\n", 1, 22, "errno"),
    ("this-before-assignment", "syscall::read:entry { @ = sum(this->n); }\n", 1, 31, "this->n"),
    ("argument-out-of-range", "syscall::read:entry { @ = sum(arg5); }\n", 1, 31, "read takes 3 arguments"),
    ("reading-an-aggregation", "syscall::read:entry /@a > 1/ { @a = count(); }\n", 1, 22, "@a"),
    ("unknown-identifier", "syscall::read:entry /arg0 == B_READ/ { @ = count(); }\n", 1, 30, "B_READ"),
    ("pointer-cast", "syscall::read:entry { @ = sum(*(int *)arg1); }\n", 1, 31, "unary *"),
    (
        "lquantize-reversed",
        "syscall::read:entry { @d = lquantize(arg0, 12, 0, 2); }\n",
        1,
        28,
        "less than limit",
    ),
    ("destructive-action", "syscall::read:entry { raise(9); }\n", 1, 23, "raise"),
]


@pytest.mark.parametrize("name,d,expected", SUPPORTED, ids=[c[0] for c in SUPPORTED])
def test_supported_construct_translates_to_expected_text(name, d, expected):
    assert translate(d, arch="x86_64") == expected


@pytest.mark.parametrize("name,d,line,column,fragment", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_construct_names_it_at_its_line(name, d, line, column, fragment):
    with pytest.raises(ScriptError) as info:
        translate(d, "refused.d", arch="x86_64")
    first = info.value.first
    assert (first.line, first.column) == (line, column), first.format()
    assert fragment in first.message
    assert first.severity == "error"
    assert first.file == "refused.d"
    assert first.format().startswith(f"refused.d:{line}:{column}: error: ")


def test_every_refusal_of_a_script_is_reported_in_line_order():
    d = textwrap.dedent(
        """\
        syscall::read:entry
        {
            @sd = stddev(arg2);
            @ok = count();
            speculate(1);
        }

        lockstat:::adaptive-block { @ = count(); }

        tick-1s { printa(@ok); }
        """
    )
    with pytest.raises(ScriptError) as info:
        translate(d)
    found = [(x.line, x.column, x.message.split()[0]) for x in info.value.diagnostics]
    assert found == [(3, 11, "stddev()"), (5, 5, "speculative"), (8, 1, "cannot")]


def test_probefunc_on_every_syscall_looks_the_number_up():
    bt = translate("syscall:::entry { @num[probefunc] = count(); }", arch="x86_64")
    assert bt.startswith("tracepoint:raw_syscalls:sys_enter\n{\n    $syscall_nr = args->id;\n")
    assert 'if ($syscall_nr == 0) { $syscall = "read"; }' in bt
    assert 'if ($syscall_nr == 59) { $syscall = "execve"; }' in bt
    assert '$syscall_nr == 469) { $syscall = "file_setattr"; }' in bt
    assert bt.rstrip().endswith("@num[$syscall] = count();\n}")
    arm = translate("syscall:::return { @num[probefunc] = count(); }", arch="aarch64")
    assert arm.startswith("tracepoint:raw_syscalls:sys_exit\n")
    assert '$syscall_nr == 63) { $syscall = "read"; }' in arm
    assert '$syscall_nr == 221) { $syscall = "execve"; }' in arm


def test_inline_constants_are_substituted():
    d = textwrap.dedent(
        """\
        inline int TOP = 5;
        inline string WHO = "bash";
        inline int BIG = TOP * 1024;
        syscall::read:entry /execname == WHO && arg2 > BIG/ { @[execname] = count(); }
        END { trunc(@, TOP); }
        """
    )
    assert translate(d, arch="x86_64") == textwrap.dedent(
        """\
        tracepoint:syscalls:sys_enter_read /comm == "bash" && args->count > (5 * 1024)/
        {
            @[comm] = count();
        }

        END
        {
            print(@, 5);
            clear(@);
        }
        """
    )


def test_probefunc_in_a_predicate_moves_the_predicate_into_the_body():
    bt = translate(
        'syscall:::entry /probefunc == "read" && pid != 1/ { @[execname] = count(); }', arch="x86_64"
    )
    head, _, body = bt.partition("\n")
    assert head == "tracepoint:raw_syscalls:sys_enter"
    assert '    if ($syscall == "read" && pid != 1) {\n        @[comm] = count();\n    }\n}\n' in body


def test_probefunc_on_every_syscall_needs_a_known_architecture():
    with pytest.raises(ScriptError) as info:
        translate("syscall:::entry { @[probefunc] = count(); }", arch="sparc64")
    assert (info.value.first.line, info.value.first.column) == (1, 21)
    assert "sparc64" in info.value.first.message
    assert set(supported_architectures()) >= {"x86_64", "aarch64"}


def test_warnings_for_what_translates_with_a_caveat():
    d = textwrap.dedent(
        """\
        #pragma D option bufsize=8m
        syscall::open64:entry { @[execname] = count(); }
        io:::start { @[args[1]->dev_statname] = count(); }
        tick-10s { exit(1); }
        """
    )
    result = translate_program(d, "w.d", arch="x86_64")
    assert "tracepoint:syscalls:sys_enter_open\n" in result.text
    assert "interval:s:10\n{\n    exit();\n}\n" in result.text
    warnings = [(w.line, w.message) for w in result.warnings]
    assert warnings[0] == (1, "option bufsize has no bpftrace script equivalent; dropped")
    assert (2, "system call open64 is open on Linux") in warnings
    assert any(line == 3 and "dev_t" in msg for line, msg in warnings)
    assert any(line == 4 and "exit status dropped" in msg for line, msg in warnings)
    assert all(w.severity == "warning" and w.file == "w.d" for w in result.warnings)


def test_curpsinfo_members_are_the_builtins_and_psargs_is_comm_with_a_warning():
    d = 'proc:::exec-success\n{\n    printf("%d %d %s\\n", curpsinfo->pr_pid, curpsinfo->pr_ppid, curpsinfo->pr_psargs);\n}\n'
    result = translate_program(d, "p.d", arch="x86_64")
    assert 'printf("%d %d %s\\n", pid, curtask->real_parent->tgid, comm);' in result.text
    ((line, col, message),) = [(w.line, w.column, w.message) for w in result.warnings]
    assert (line, col) == (3, 65) and "pr_psargs (the command line) is translated as comm" in message


def test_printa_format_is_dropped_with_a_warning():
    result = translate_program(
        'syscall::read:entry { @a[execname] = count(); }\ntick-1s\n{\n    printa("%-16s %@d\\n", @a);\n}\n'
    )
    assert "interval:s:1\n{\n    print(@a);\n}\n" in result.text
    assert [(w.line, w.column, w.message) for w in result.warnings] == [
        (4, 5, "printa() format dropped: bpftrace print() has no formats")
    ]


def test_translation_lists_aggregations_and_helper_maps():
    result = translate_program(
        "syscall::read:entry { self->t = timestamp; n++; } "
        "syscall::read:return /self->t/ { @lat[execname] = quantize(timestamp - self->t); @ = count(); self->t = 0; }",
        arch="x86_64",
    )
    assert result.aggregations == ["@lat", "@"]
    assert result.variables == ["@self_t", "@global_n"]
    # helper maps are cleared at END so that only aggregations print at exit
    assert result.text.endswith("END\n{\n    clear(@self_t);\n    clear(@global_n);\n}\n")


def test_cli_prints_the_translation(tmp_path, capsys):
    src = tmp_path / "count.d"
    src.write_text("syscall:::entry { @[execname] = count(); }\n")
    assert main(["translate", str(src)]) == 0
    out, err = capsys.readouterr()
    assert out == "tracepoint:raw_syscalls:sys_enter\n{\n    @[comm] = count();\n}\n"
    assert err == ""


def test_cli_reports_refusals_as_file_line_col(tmp_path, capsys):
    src = tmp_path / "bad.d"
    src.write_text(
        "syscall::read:entry\n{\n    @ = stddev(arg2);\n}\nlockstat:::adaptive-block { @b = count(); }\n"
    )
    assert main(["translate", str(src)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"{src}:3:9: error: stddev()")
    assert lines[1].startswith(f"{src}:5:1: error: cannot translate lockstat:::adaptive-block")


def test_cli_missing_file(tmp_path, capsys):
    assert main(["translate", str(tmp_path / "nope.d")]) == 2
    assert "nope.d" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------
# The real compiler: bpftrace -d on every translation and every template twin.

TEMPLATES = load_templates()


@pytest.fixture(scope="module")
def compiled():
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    texts = [translate(d, arch="x86_64") for _, d, _ in SUPPORTED]
    texts += [translate(t.d_script, arch=t.arch) for t in TEMPLATES]
    texts += [t.bt_script for t in TEMPLATES]
    return dry_run_all(texts)


@needs_bpftrace
@pytest.mark.root
@pytest.mark.parametrize("name,d,expected", SUPPORTED, ids=[c[0] for c in SUPPORTED])
def test_supported_translation_compiles(compiled, name, d, expected):
    result = compiled[translate(d, arch="x86_64")]
    assert result.ok, result.errors()


@needs_bpftrace
@pytest.mark.root
@pytest.mark.parametrize("template", TEMPLATES, ids=[t.id for t in TEMPLATES])
def test_template_translation_compiles(compiled, template):
    result = compiled[translate(template.d_script, arch=template.arch)]
    assert result.ok, result.errors()


@needs_bpftrace
@pytest.mark.root
@pytest.mark.parametrize("template", TEMPLATES, ids=[t.id for t in TEMPLATES])
def test_template_bt_compiles(compiled, template):
    result = compiled[template.bt_script]
    assert result.ok, result.errors()


def test_the_line_map_leads_every_translated_line_back_to_its_d_clause():
    from suricate_desktop.lang import Diagnostic

    d = (
        '#pragma D option quiet\n\nsyscall::read:entry\n/execname == "ls"/\n{\n  @r[execname] = count();\n}\n\n'
        "tick-1s\n{\n  printa(@r);\n  trunc(@r);\n}\n"
    )
    tr = translate_program(d, "ls.d")
    lines = tr.text.split("\n")[:-1]
    assert len(tr.line_map) == len(lines)
    assert {tr.d_line(i + 1) for i, ln in enumerate(lines) if "sys_enter_read" in ln or "count()" in ln} == {
        3
    }
    assert {tr.d_line(i + 1) for i, ln in enumerate(lines) if "interval:s:1" in ln or "print(@r)" in ln} == {
        9
    }
    at = next(i + 1 for i, ln in enumerate(lines) if "print(@r)" in ln)
    [moved] = tr.on_d_lines([Diagnostic(at, 5, "error", "bad", "<script>")], "ls.d")
    assert (moved.file, moved.line, moved.column) == ("ls.d", 9, 1)
    assert moved.message == "bad (in the bpftrace translation: print(@r);)"
