"""System call arguments by meaning: what a D script's ``argN`` is, and which Linux field holds it.

A D script's ``syscall::open*:entry { printf("%s", copyinstr(arg0)); }`` means "the path": on the
illumos it was written for, ``open(path, oflag, mode)``. Mapping ``arg0`` by position to Linux's
``openat(dfd, filename, flags, mode)`` would print the directory descriptor instead, silently. So each
``argN`` is given its role from the illumos signature of the call the probe names (for a glob, the call
its stem names, ``open`` for ``open*``, or the role every matching illumos call agrees on), and the role
is looked up among the fields of each Linux call's tracepoint format (``syscalls.json``, read from
``/sys/kernel/tracing/events/syscalls/*/format``). A Linux call that has no field of that role is left out
of the clause with a warning; a call whose illumos signature is unknown keeps positional arguments, with a
warning at the line that uses one.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

#: The roles of the arguments of illumos system calls, in order (illumos ``sysent.c`` and the man pages
#: of section 2; the ``*64`` large-file calls have the same roles as their plain twins).
ILLUMOS_SIGNATURES: dict[str, tuple[str, ...]] = {
    "read": ("fd", "buf", "size"),
    "write": ("fd", "buf", "size"),
    "pread": ("fd", "buf", "size", "offset"),
    "pwrite": ("fd", "buf", "size", "offset"),
    "pread64": ("fd", "buf", "size", "offset"),
    "pwrite64": ("fd", "buf", "size", "offset"),
    "readv": ("fd", "iov", "iovcnt"),
    "writev": ("fd", "iov", "iovcnt"),
    "open": ("path", "flags", "mode"),
    "open64": ("path", "flags", "mode"),
    "openat": ("dirfd", "path", "flags", "mode"),
    "openat64": ("dirfd", "path", "flags", "mode"),
    "creat": ("path", "mode"),
    "creat64": ("path", "mode"),
    "close": ("fd",),
    "readlink": ("path", "buf", "size"),
    "readlinkat": ("dirfd", "path", "buf", "size"),
    "stat": ("path", "statbuf"),
    "lstat": ("path", "statbuf"),
    "stat64": ("path", "statbuf"),
    "lstat64": ("path", "statbuf"),
    "fstat": ("fd", "statbuf"),
    "fstat64": ("fd", "statbuf"),
    "fstatat": ("dirfd", "path", "statbuf", "flags"),
    "fstatat64": ("dirfd", "path", "statbuf", "flags"),
    "unlink": ("path",),
    "unlinkat": ("dirfd", "path", "flags"),
    "mkdir": ("path", "mode"),
    "mkdirat": ("dirfd", "path", "mode"),
    "rmdir": ("path",),
    "chdir": ("path",),
    "fchdir": ("fd",),
    "access": ("path", "mode"),
    "chmod": ("path", "mode"),
    "fchmod": ("fd", "mode"),
    "chown": ("path", "uid", "gid"),
    "fchown": ("fd", "uid", "gid"),
    "lchown": ("path", "uid", "gid"),
    "rename": ("path", "newpath"),
    "renameat": ("dirfd", "path", "newdirfd", "newpath"),
    "link": ("path", "newpath"),
    "symlink": ("path", "newpath"),
    "execve": ("path", "argv", "envp"),
    "exece": ("path", "argv", "envp"),
    "kill": ("pid", "sig"),
    "setuid": ("uid",),
    "setgid": ("gid",),
    "seteuid": ("uid",),
    "setegid": ("gid",),
    "exit": ("status",),
    "rexit": ("status",),
    "mmap": ("addr", "size", "prot", "flags", "fd", "offset"),
    "mmap64": ("addr", "size", "prot", "flags", "fd", "offset"),
    "munmap": ("addr", "size"),
    "mprotect": ("addr", "size", "prot"),
    "brk": ("addr",),
    "ioctl": ("fd", "cmd", "arg"),
    "fcntl": ("fd", "cmd", "arg"),
    "lseek": ("fd", "offset", "whence"),
    "llseek": ("fd", "offset", "whence"),
    "dup": ("fd",),
    "pipe": ("fds",),
    "poll": ("fds", "nfds", "timeout"),
    "connect": ("fd", "addr", "addrlen"),
    "accept": ("fd", "addr", "addrlen"),
    "bind": ("fd", "addr", "addrlen"),
    "listen": ("fd", "backlog"),
    "send": ("fd", "buf", "size", "flags"),
    "recv": ("fd", "buf", "size", "flags"),
    "sendto": ("fd", "buf", "size", "flags", "addr", "addrlen"),
    "recvfrom": ("fd", "buf", "size", "flags", "addr", "addrlen"),
    "sendmsg": ("fd", "msg", "flags"),
    "recvmsg": ("fd", "msg", "flags"),
    "socket": ("domain", "type", "protocol"),
    "shutdown": ("fd", "how"),
    "getdents": ("fd", "buf", "size"),
    "getdents64": ("fd", "buf", "size"),
    "fsync": ("fd",),
    "nanosleep": ("req", "rem"),
    "sigaction": ("sig", "act", "oact"),
    "sigqueue": ("pid", "sig", "value"),
    "chroot": ("path",),
    "mknod": ("path", "mode", "dev"),
    "utime": ("path", "times"),
    "utimes": ("path", "times"),
    "statvfs": ("path", "buf"),
    "fstatvfs": ("fd", "buf"),
    "truncate": ("path", "size"),
    "ftruncate": ("fd", "size"),
    "umask": ("mode",),
    "getcwd": ("buf", "size"),
    "sync": (),
    "getpid": (),
    "fork": (),
    "vfork": (),
    "forkall": (),
    "fork1": (),
}

#: The role of a field of a Linux tracepoint format, by its name (the kernel's parameter names).
FIELD_ROLES: dict[str, str] = {
    "filename": "path",
    "pathname": "path",
    "path": "path",
    "oldname": "path",
    "newname": "newpath",
    "fd": "fd",
    "fildes": "fd",
    "ufd": "fd",
    "dfd": "dirfd",
    "olddfd": "dirfd",
    "newdfd": "newdirfd",
    "buf": "buf",
    "ubuf": "buf",
    "buff": "buf",
    "count": "size",
    "bufsiz": "size",
    "len": "size",
    "size": "size",
    "length": "size",
    "pos": "offset",
    "offset": "offset",
    "off": "offset",
    "origin": "whence",
    "whence": "whence",
    "mode": "mode",
    "flags": "flags",
    "flag": "flags",
    "pid": "pid",
    "sig": "sig",
    "uid": "uid",
    "gid": "gid",
    "user": "uid",
    "group": "gid",
    "statbuf": "statbuf",
    "argv": "argv",
    "envp": "envp",
    "cmd": "cmd",
    "arg": "arg",
    "addr": "addr",
    "uservaddr": "addr",
    "upeer_sockaddr": "addr",
    "umyaddr": "addr",
    "addrlen": "addrlen",
    "addr_len": "addrlen",
    "upeer_addrlen": "addrlen",
    "prot": "prot",
    "vec": "iov",
    "vlen": "iovcnt",
    "error_code": "status",
    "ufds": "fds",
    "nfds": "nfds",
    "timeout_msecs": "timeout",
    "family": "domain",
    "type": "type",
    "protocol": "protocol",
    "backlog": "backlog",
    "msg": "msg",
    "how": "how",
    "dev": "dev",
    "rqtp": "req",
    "rmtp": "rem",
    "times": "times",
    "utimes": "times",
    "fildes2": "fd",
}

_GLOB = re.compile(r"[*?\[]")


def d_roles(func: str) -> tuple[str, ...] | None:
    """The roles of ``arg0``... in a D clause on ``syscall::FUNC:entry``; None when they are not known.

    An exact name takes its own signature. A glob takes its stem's (``open*`` -> ``open``,
    ``*read*`` -> ``read``) when that is an illumos call, else the roles on which every illumos call it
    matches agrees, position by position, up to the first disagreement.
    """
    if not _GLOB.search(func):
        return ILLUMOS_SIGNATURES.get(func)
    stem = _GLOB.sub("", func)
    if stem in ILLUMOS_SIGNATURES:
        return ILLUMOS_SIGNATURES[stem]
    matched = [sig for name, sig in ILLUMOS_SIGNATURES.items() if fnmatch.fnmatchcase(name, func)]
    if not matched:
        return None
    agreed: list[str] = []
    for roles in zip(*matched, strict=False):
        if len(set(roles)) != 1:
            break
        agreed.append(roles[0])
    return tuple(agreed) or None


@dataclass
class ArgMap:
    """How one Linux call's tracepoint answers a D clause's ``argN``."""

    argn: dict[int, str] = field(default_factory=dict)  # argN -> bpftrace text
    missing: dict[int, str] = field(default_factory=dict)  # argN -> why this call has no such argument
    positional: dict[int, str] = field(default_factory=dict)  # argN -> warning: mapped by position only


def map_args(func: str, call: str, fields: tuple[str, ...]) -> ArgMap:
    """``argN`` of ``syscall::FUNC:entry`` on Linux call ``call`` whose tracepoint has ``fields``."""
    out = ArgMap()
    roles = d_roles(func)
    if roles is None:
        for i, f in enumerate(fields):
            out.argn[i] = f"args->{f}"
            out.positional[i] = (
                f"arg{i} of {func} mapped by position to {call}'s {f}: the translator does not know "
                f"what arg{i} means in {func} on illumos; check that it is the same"
            )
        return out
    linux_roles = [FIELD_ROLES.get(f) for f in fields]
    for i, role in enumerate(roles):
        if role in linux_roles:
            text = f"args->{fields[linux_roles.index(role)]}"
            # a user buffer is a pointer field for bpftrace, an integer in D (which && and || take)
            out.argn[i] = f"(uint64){text}" if role in _BUFFERS else text
        else:
            out.missing[i] = f"{call} has no {role} argument (arg{i} of {_stem(func)} is its {role})"
    return out


#: Roles of user-space buffers: D's argN is an integer, the tracepoint's field a pointer.
_BUFFERS = frozenset({"buf", "iov", "statbuf"})


def _stem(func: str) -> str:
    stem = _GLOB.sub("", func)
    return stem if stem in ILLUMOS_SIGNATURES else func
