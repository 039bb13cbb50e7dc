"""The words of D: one source of truth for the D lexer and the D linter.

Everything here comes from the project's fact sheet on tracing languages
(``../shared/docs/tracing-languages.md``, the project's reference material,
outside this repository): libdtrace's own tables (``dt_lex.l``,
``dt_open.c``, ``dt_options.c``, ``dt_pragma.c``).  Plain data, no imports
beyond the standard library, no Qt.  bpftrace's words are in
:mod:`.vocabulary_bpftrace`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: Reserved words D uses (dt_lex.l), including the 2016 ``if``/``else`` sugar.
D_KEYWORDS: frozenset[str] = frozenset(
    [
        "char",
        "const",
        "counter",
        "double",
        "enum",
        "extern",
        "float",
        "import",
        "inline",
        "int",
        "long",
        "offsetof",
        "probe",
        "provider",
        "restrict",
        "self",
        "short",
        "signed",
        "sizeof",
        "string",
        "stringof",
        "struct",
        "this",
        "translator",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
        "xlate",
        "if",
        "else",
    ]
)
#: Lexed as keywords but unusable: storage classes and C's loop/jump statements (D has no loops).
D_UNUSABLE_KEYWORDS: frozenset[str] = frozenset(
    [
        "auto",
        "register",
        "static",
        "break",
        "case",
        "continue",
        "default",
        "do",
        "for",
        "goto",
        "return",
        "switch",
        "while",
    ]
)
#: Every word the D lexer treats as a keyword.
D_ALL_KEYWORDS: frozenset[str] = D_KEYWORDS | D_UNUSABLE_KEYWORDS | frozenset({"userland"})
#: Keywords that may start a declaration in the outer scope (dt_lex.l state S2).
D_DECL_KEYWORDS: frozenset[str] = frozenset(
    [
        "auto",
        "char",
        "const",
        "counter",
        "double",
        "enum",
        "extern",
        "float",
        "import",
        "inline",
        "int",
        "long",
        "provider",
        "register",
        "restrict",
        "self",
        "short",
        "signed",
        "static",
        "string",
        "struct",
        "this",
        "translator",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
    ]
)

#: Built-in variables, with their type or meaning (dt_open.c ``_dtrace_globals``, sched.d, procfs.d, io.d).
D_BUILTINS: dict[str, str] = {
    **{f"arg{i}": "int64_t: raw probe argument" for i in range(10)},
    "args": "typed probe arguments args[] (CTF or translator types)",
    "caller": "uintptr_t: kernel PC of the caller",
    "ucaller": "uint64_t: user PC of the caller",
    "cpu": "processorid_t: current CPU id",
    "chip": "chipid_t: current chip",
    "lgrp": "lgrp_id_t: current locality group",
    "pset": "psetid_t: current processor set",
    "curcpu": "cpuinfo_t *: current CPU (sched.d, illumos)",
    "curthread": "kthread_t *: current kernel thread",
    "curpsinfo": "psinfo_t *: current process (procfs.d)",
    "curlwpsinfo": "lwpsinfo_t *: current LWP (procfs.d)",
    "cwd": "string: current working directory",
    "root": "string: process root directory",
    "fds": "fileinfo_t fds[]: open files (io.d)",
    "epid": "uint_t: enabled probe id",
    "id": "uint_t: probe id",
    "errno": "int: errno of the thread's last system call",
    "execname": "string: process name",
    "pid": "pid_t: process id",
    "ppid": "pid_t: parent process id",
    "tid": "id_t: thread id",
    "uid": "uid_t: real user id",
    "gid": "gid_t: real group id",
    "probeprov": "string: provider of the current probe",
    "probemod": "string: module of the current probe",
    "probefunc": "string: function of the current probe",
    "probename": "string: name of the current probe",
    "stackdepth": "uint32_t: kernel stack depth",
    "ustackdepth": "uint32_t: user stack depth",
    "timestamp": "uint64_t: nanoseconds since an arbitrary origin",
    "vtimestamp": "uint64_t: on-CPU nanoseconds of the thread",
    "walltimestamp": "int64_t: nanoseconds since the epoch",
    "ipl": "uint_t: interrupt priority level",
    "uregs": "uint64_t uregs[]: user registers",
    "vmregs": "uint64_t vmregs[]: virtual machine registers",
    "zonename": "string: zone name (illumos)",
    "execargs": "string: process arguments (FreeBSD)",
    "jailname": "string: jail name (FreeBSD)",
    "jid": "int: jail id (FreeBSD)",
    "NULL": "inline long NULL = 0",
}
#: Built-ins only some platforms have.
D_PLATFORM_BUILTINS: dict[str, frozenset[str]] = {
    "freebsd": frozenset({"execargs", "jailname", "jid"}),
    "illumos": frozenset({"zonename", "curcpu", "chip", "lgrp", "pset", "vmregs"}),
}


class Proto(NamedTuple):
    """A libdtrace function prototype, parsed the way ``dt_idcook_func`` does.

    ``argc`` counts the listed parameters, ``optargs`` is the index of the first
    ``[optional]`` one (or -1) and ``varargs`` the index of ``...`` (or -1).
    """

    name: str
    text: str
    argc: int
    optargs: int
    varargs: int

    @property
    def min_args(self) -> int:
        if self.varargs >= 0:
            return self.varargs
        if self.optargs >= 0:
            return self.optargs
        return self.argc

    @property
    def max_args(self) -> int | None:
        """None when the function takes any number of arguments."""
        if self.varargs >= 0:
            return None
        return self.argc

    def mismatch(self, nargs: int) -> str | None:
        """libdtrace's D_PROTO_LEN message for ``nargs`` arguments, or None when they fit."""
        if self.varargs >= 0:
            if nargs >= self.varargs:
                return None
            expected = f"at least {self.varargs}" if self.varargs else "0"
        elif self.optargs >= 0:
            if self.optargs <= nargs <= self.argc:
                return None
            expected = f"at least {self.optargs}" if nargs < self.optargs else f"at most {self.argc}"
        else:
            if nargs == self.argc:
                return None
            expected = str(self.argc)
        plural = " " if nargs == 1 else "s "
        return f"{self.name}( ) prototype mismatch: {nargs} arg{plural}passed, {expected} expected"


def _proto(name: str, text: str) -> Proto:
    params = text[text.index("(") + 1 : text.rindex(")")].strip()
    parts = [p.strip() for p in params.split(",")] if params else []
    optargs = varargs = -1
    for i, p in enumerate(parts):
        if p == "...":
            varargs = i
        elif p.startswith("[") and optargs < 0:
            optargs = i
    return Proto(name, text, len(parts), optargs, varargs)


#: Aggregating functions: prototypes from dt_open.c.
_D_AGG_PROTOS = {
    "avg": "void(@)",
    "count": "void()",
    "llquantize": "void(@, int32_t, int32_t, int32_t, int32_t, ...)",
    "lquantize": "void(@, int32_t, int32_t, ...)",
    "max": "void(@)",
    "min": "void(@)",
    "quantize": "void(@, ...)",
    "stddev": "void(@)",
    "sum": "void(@)",
}
#: Upper bounds dt_cc.c enforces after the prototype (``argmax``).
D_AGG_MAX_ARGS: dict[str, int] = {"quantize": 2, "lquantize": 5, "llquantize": 6}

#: Actions (DT_IDENT_ACTFUNC) and subroutines (DT_IDENT_FUNC), prototypes from dt_open.c.
_D_ACTION_PROTOS = {
    "breakpoint": "void()",
    "chill": "void(int)",
    "clear": "void(...)",
    "commit": "void(int)",
    "denormalize": "void(...)",
    "discard": "void(int)",
    "exit": "void(int)",
    "freopen": "void(@, ...)",
    "ftruncate": "void()",
    "func": "_symaddr(uintptr_t)",
    "jstack": "stack(...)",
    "mod": "_symaddr(uintptr_t)",
    "normalize": "void(...)",
    "panic": "void()",
    "pcap": "void(void *, int)",
    "print": "void(@)",
    "printa": "void(@, ...)",
    "printf": "void(@, ...)",
    "printm": "void(size_t, uintptr_t *)",
    "raise": "void(int)",
    "setopt": "void(const char *, [const char *])",
    "speculate": "void(int)",
    "stack": "stack(...)",
    "stop": "void()",
    "sym": "_symaddr(uintptr_t)",
    "system": "void(@, ...)",
    "trace": "void(@)",
    "tracemem": "void(@, size_t, ...)",
    "trunc": "void(...)",
    "uaddr": "_usymaddr(uintptr_t)",
    "ufunc": "_usymaddr(uintptr_t)",
    "umod": "_usymaddr(uintptr_t)",
    "ustack": "stack(...)",
    "usym": "_usymaddr(uintptr_t)",
}
_D_SUBROUTINE_PROTOS = {
    "alloca": "void *(size_t)",
    "basename": "string(const char *)",
    "bcopy": "void(void *, void *, size_t)",
    "cleanpath": "string(const char *)",
    "copyin": "void *(uintptr_t, size_t)",
    "copyinstr": "string(uintptr_t, [size_t])",
    "copyinto": "void(uintptr_t, size_t, void *)",
    "copyout": "void(void *, uintptr_t, size_t)",
    "copyoutstr": "void(char *, uintptr_t, size_t)",
    "ddi_pathname": "string(void *, int64_t)",
    "dirname": "string(const char *)",
    "getf": "file_t *(int)",
    "getmajor": "major_t(dev_t)",
    "getminor": "minor_t(dev_t)",
    "htonl": "uint32_t(uint32_t)",
    "htonll": "uint64_t(uint64_t)",
    "htons": "uint16_t(uint16_t)",
    "index": "int(const char *, const char *, [int])",
    "inet_ntoa": "string(ipaddr_t *)",
    "inet_ntoa6": "string(in6_addr_t *, [int])",
    "link_ntop": "string(int, void *)",
    "d_path": "string(struct path *)",
    "inet_ntop": "string(int, void *)",
    "json": "string(const char *, const char *)",
    "lltostr": "string(int64_t, [int])",
    "memref": "uintptr_t *(void *, size_t)",
    "memstr": "string(void *, char, size_t)",
    "msgdsize": "size_t(mblk_t *)",
    "msgsize": "size_t(mblk_t *)",
    "mutex_owned": "int(kmutex_t *)",
    "mutex_owner": "kthread_t *(kmutex_t *)",
    "mutex_type_adaptive": "int(kmutex_t *)",
    "mutex_type_spin": "int(kmutex_t *)",
    "ntohl": "uint32_t(uint32_t)",
    "ntohll": "uint64_t(uint64_t)",
    "ntohs": "uint16_t(uint16_t)",
    "progenyof": "int(pid_t)",
    "rand": "int()",
    "rindex": "int(const char *, const char *, [int])",
    "rw_iswriter": "int(krwlock_t *)",
    "rw_read_held": "int(krwlock_t *)",
    "rw_write_held": "int(krwlock_t *)",
    "speculation": "int()",
    "strchr": "string(const char *, char)",
    "strjoin": "string(const char *, const char *)",
    "strlen": "size_t(const char *)",
    "strrchr": "string(const char *, char)",
    "strstr": "string(const char *, const char *)",
    "strtok": "string(const char *, const char *)",
    "strtoll": "int64_t(const char *, [int])",
    "substr": "string(const char *, int, [int])",
    "sx_exclusive_held": "int(struct sx *)",
    "sx_isexclusive": "int(struct sx *)",
    "sx_shared_held": "int(struct sx *)",
    "tolower": "string(const char *)",
    "toupper": "string(const char *)",
}

D_AGG_FUNCS: dict[str, Proto] = {n: _proto(n, t) for n, t in _D_AGG_PROTOS.items()}
D_ACTIONS: dict[str, Proto] = {n: _proto(n, t) for n, t in _D_ACTION_PROTOS.items()}
D_SUBROUTINES: dict[str, Proto] = {n: _proto(n, t) for n, t in _D_SUBROUTINE_PROTOS.items()}
#: Every callable D name (aggregating functions, actions, subroutines).
D_FUNCTIONS: dict[str, Proto] = {**D_SUBROUTINES, **D_ACTIONS, **D_AGG_FUNCS}

#: Functions only some platforms have.
D_PLATFORM_FUNCTIONS: dict[str, frozenset[str]] = {
    "freebsd": frozenset(
        {"memref", "memstr", "printm", "sx_exclusive_held", "sx_isexclusive", "sx_shared_held"}
    ),
    "illumos": frozenset({"msgdsize", "msgsize", "ddi_pathname", "getf"}),
}
#: Destructive actions: need ``-w`` or ``#pragma D option destructive``.
D_DESTRUCTIVE: frozenset[str] = frozenset({"stop", "raise", "copyout", "copyoutstr", "system"})
#: Kernel-destructive actions.
D_KERNEL_DESTRUCTIVE: frozenset[str] = frozenset({"breakpoint", "panic", "chill"})
#: Actions that take aggregations as arguments.
D_AGG_ACTIONS: frozenset[str] = frozenset({"printa", "clear", "trunc", "normalize", "denormalize"})
#: Actions that produce output (a script with none of these and no aggregation has nothing to show).
D_OUTPUT_ACTIONS: frozenset[str] = frozenset(
    [
        "trace",
        "tracemem",
        "printf",
        "printa",
        "print",
        "stack",
        "ustack",
        "jstack",
        "sym",
        "func",
        "mod",
        "usym",
        "ufunc",
        "umod",
        "uaddr",
        "system",
        "freopen",
    ]
)

#: Option names from libdtrace's tables (dt_options.c), with the kind of value each takes.
#: Kinds: "bool" (no value needed), "size" (k/m/g/t suffixes), "rate" (ns/us/ms/s/hz...),
#: "int", "str", or a tuple of the permitted words.
D_OPTIONS_COMPILE: dict[str, object] = {
    "aggpercpu": "bool",
    "amin": "str",
    "argref": "bool",
    "core": "str",
    "cpp": "bool",
    "cpphdrs": "bool",
    "cpppath": "str",
    "ctypes": "str",
    "debug": "bool",
    "defaultargs": "bool",
    "define": "str",
    "droptags": "bool",
    "dtypes": "str",
    "empty": "bool",
    "encoding": "str",
    "errtags": "bool",
    "evaltime": ("exec", "preinit", "postinit", "main"),
    "incdir": "str",
    "iregs": "int",
    "kdefs": "bool",
    "knodefs": "bool",
    "late": "str",
    "lazyload": "bool",
    "ldpath": "str",
    "libdir": "str",
    "linkmode": ("kernel", "dynamic", "static"),
    "linktype": ("elf", "dof"),
    "nolibs": "bool",
    "pgmax": "int",
    "pspec": "bool",
    "setenv": "str",
    "stdc": ("a", "c", "s", "t"),
    "strip": "bool",
    "syslibdir": "str",
    "tree": "int",
    "tregs": "int",
    "udefs": "bool",
    "undef": "str",
    "unodefs": "bool",
    "unsetenv": "str",
    "verbose": "bool",
    "version": "str",
    "zdefs": "bool",
}
D_OPTIONS_RUNTIME: dict[str, object] = {
    "aggsize": "size",
    "bufsize": "size",
    "bufpolicy": ("fill", "ring", "switch"),
    "bufresize": ("auto", "manual"),
    "cleanrate": "rate",
    "cpu": "int",
    "destructive": "bool",
    "dynvarsize": "size",
    "grabanon": "bool",
    "jstackframes": "int",
    "jstackstrsize": "size",
    "nspec": "int",
    "specsize": "size",
    "stackframes": "int",
    "statusrate": "rate",
    "strsize": "size",
    # DTrace on Linux (oracle/dtrace-utils dt_options.c)
    "maxframes": "int",
    "scratchsize": "size",
    "printsize": "size",
    "lockmem": "size",
    "noresolve": "bool",
    "temporal": "bool",
    "ustackframes": "int",
}
D_OPTIONS_DYNAMIC: dict[str, object] = {
    "agghist": "bool",
    "aggpack": "bool",
    "aggrate": "rate",
    "aggsortkey": "bool",
    "aggsortkeypos": "int",
    "aggsortpos": "int",
    "aggsortrev": "bool",
    "aggzoom": "bool",
    "flowindent": "bool",
    "quiet": "bool",
    "rawbytes": "bool",
    "stackindent": "int",
    "switchrate": "rate",
}
D_OPTIONS: dict[str, object] = {**D_OPTIONS_COMPILE, **D_OPTIONS_RUNTIME, **D_OPTIONS_DYNAMIC}

#: ``#pragma D`` directives and the directives allowed after a bare ``#`` (dt_pragma.c).
D_PRAGMAS_D: frozenset[str] = frozenset(
    {"attributes", "binding", "depends_on", "option", "error", "ident", "line"}
)
D_PRAGMAS_SUB: frozenset[str] = frozenset({"error", "ident", "line"})

_SIZE_RE = re.compile(r"^[0-9]+[kKmMgGtT]?$")
_RATE_RE = re.compile(r"^[0-9]+(?:ns|nsec|us|usec|ms|msec|s|sec|m|min|h|hour|d|day|hz)?$")


#: compile-time options a script may not set (dt_options.c: they act before the program is read)
_NOT_IN_PROGRAM = frozenset({"ldpath", "modpath", "cpp", "cpppath", "libdir", "syslibdir"})


def d_option_error(name: str, value: str | None) -> str | None:
    """libdtrace's message for ``#pragma D option name[=value]``, or None when it is accepted."""
    if name in _NOT_IN_PROGRAM:
        return f"failed to set option '{name}' to '{value}': Option cannot be used from within a D program"
    kind = D_OPTIONS.get(name)
    if kind is None:
        if value is None:
            return f"failed to set option '{name}': Invalid option name"
        return f"failed to set option '{name}' to '{value}': Invalid option name"
    if value is None:
        # Valued options refuse a missing value (dt_options.c); flags take none.
        if kind == "bool" or kind == "str":
            return None
        return f"failed to set option '{name}': Invalid value for specified option"
    bad = False
    if kind == "size":
        bad = not _SIZE_RE.match(value)
    elif kind == "rate":
        bad = not _RATE_RE.match(value)
    elif kind == "int":
        bad = not re.match(r"^-?[0-9]+$", value) or int(value) >= 1 << 63
    elif isinstance(kind, tuple):
        bad = value not in kind
    if bad:
        return f"failed to set option '{name}' to '{value}': Invalid value for specified option"
    return None


#: Providers each platform has (``prov:mod:func:name``).  USDT providers
#: (``name$target``, ``name1234``) are defined by applications and always accepted.
D_PROVIDERS: dict[str, frozenset[str]] = {
    "illumos": frozenset(
        [
            "dtrace",
            "syscall",
            "fbt",
            "sdt",
            "profile",
            "proc",
            "sched",
            "io",
            "pid",
            "usdt",
            "lockstat",
            "plockstat",
            "sysinfo",
            "vminfo",
            "fsinfo",
            "mib",
            "ip",
            "tcp",
            "udp",
            "iscsi",
            "nfsv3",
            "nfsv4",
            "srp",
            "fc",
            "xpv",
            "cpc",
            "fasttrap",
        ]
    ),
    "freebsd": frozenset(
        [
            "dtrace",
            "syscall",
            "fbt",
            "sdt",
            "profile",
            "proc",
            "sched",
            "io",
            "pid",
            "usdt",
            "lockstat",
            "ip",
            "tcp",
            "udp",
            "udplite",
            "sctp",
            "vfs",
            "dtmalloc",
            "dtaudit",
            "mac",
            "mac_framework",
            "priv",
            "kinst",
            "cam",
            "callout_execute",
            "linuxulator",
            "linuxulator32",
            "nfscl",
            "nfsserver",
            "mib",
            "vm",
            "vmm",
            "fasttrap",
        ]
    ),
    "macos": frozenset(
        [
            "dtrace",
            "syscall",
            "fbt",
            "sdt",
            "profile",
            "proc",
            "sched",
            "io",
            "pid",
            "usdt",
            "lockstat",
            "plockstat",
            "mach_trap",
            "fsinfo",
            "sysinfo",
            "vminfo",
            "objc",
            "fasttrap",
        ]
    ),
    # Oracle Linux DTrace (D on Linux).
    "linux": frozenset(
        [
            "dtrace",
            "syscall",
            "fbt",
            "rawfbt",
            "sdt",
            "profile",
            "proc",
            "sched",
            "io",
            "pid",
            "usdt",
            "lockstat",
            "ip",
            "tcp",
            "udp",
            "cpc",
            "rawtp",
        ]
    ),
}


def d_provider(spec: str) -> str | None:
    """The provider field of a D probe description, or None when it has fewer than four fields.

    ``pid$target`` and ``plockstat1234`` give ``pid`` and ``plockstat``; a bare
    ``profile-997``/``tick-1s`` gives ``profile``.
    """
    parts = spec.split(":")
    if len(parts) < 4:
        if len(parts) == 1 and re.match(r"^(profile|tick)-", spec):
            return "profile"
        if len(parts) == 1 and spec in ("BEGIN", "END", "ERROR"):
            return "dtrace"
        return None
    prov = parts[0]
    return re.sub(r"(\$[A-Za-z_]\w*|\$[0-9]+|[0-9]+)$", "", prov)
