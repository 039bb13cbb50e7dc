"""Translate a D script (DTrace) into a bpftrace 0.17 script.

``translate(d_text)`` returns the bpftrace text, or raises
:class:`~suricate_desktop.lang.diagnostics.ScriptError` whose diagnostics name
every construct it cannot translate, at its line and column.
``translate_program`` returns a :class:`Translation` with the warnings (things
translated with a caveat) and the names of the maps that hold the D
aggregations, so that a consumer can tell them from helper maps.

The package is the translator's public face; the work is done in stages, one
module each: ``front`` reads the script with the D front end lint uses
(:mod:`..d`, which builds the syntax tree of :mod:`..d.tree` for it), so a
script lint rejects is refused at lint's line and both read one grammar;
``probes`` expands each probe description with ``probe_tables``;
``clause`` translates a clause for each of its probes, with ``builtin_tables``,
``formats`` (printf) and ``syscall_names`` (``probefunc`` on every call);
``program`` puts the clauses together and renders the text; ``result`` holds
the :class:`Translation`; ``refusal`` is the error every stage raises.

It translates meanings, not words: D names illumos probes and types, bpftrace
names Linux tracepoints and kernel functions, so each D construct becomes the
bpftrace construct that observes the same event or value:

===============================  =============================================
D                                bpftrace 0.17
===============================  =============================================
``BEGIN``, ``END``               ``BEGIN``, ``END`` (several D clauses are
                                 merged into one, predicates become ``if``)
``syscall::NAME:entry/return``   ``tracepoint:syscalls:sys_enter_NAME`` /
                                 ``sys_exit_NAME``; ``argN`` -> ``args->FIELD``
                                 (the call's own field names), return ``arg0``
                                 / ``arg1`` -> ``args->ret``; ``errno`` ->
                                 ``(args->ret < 0 ? - args->ret : 0)``; a glob
                                 expands to the matching Linux calls
``syscall:::entry/return``       ``tracepoint:raw_syscalls:sys_enter/exit``;
                                 ``argN`` -> ``args->args[N]``
``probefunc`` (syscall)          the call's name: a string literal for a named
                                 call; for ``raw_syscalls`` a lookup of
                                 ``args->id`` in a table of this architecture's
                                 numbers (bpftrace 0.17 has no
                                 ``syscall_name()``; ``sys_enter_*`` with
                                 ``probe`` takes ~25 s to attach 360 probes)
``probename``, ``probeprov``     string literals
``profile-N[unit]``              ``profile:hz|s|ms|us:N``; ``arg0`` / ``arg1``
                                 (kernel / user PC, 0 in the other mode) ->
                                 ``reg("ip")`` (``"pc"`` on arm64) tested for
                                 a kernel (top-bit) address
``tick-N[unit]``                 ``interval:hz|s|ms|us:N``
``proc:::exec-success``          ``tracepoint:sched:sched_process_exec``
``proc:::exec`` / ``exec-failure``  ``sys_enter_execve`` / ``sys_exit_execve``
                                 with ``args->ret < 0``
``proc:::create`` / ``lwp-create``  ``tracepoint:task:task_newtask`` without /
                                 with ``CLONE_THREAD``
``proc:::exit`` / ``lwp-exit``   ``tracepoint:sched:sched_process_exit``
                                 (``exit``: the main thread, ``pid == tid``)
``proc:::signal-send``           ``tracepoint:signal:signal_generate``
``sched:::on-cpu``               ``tracepoint:sched:sched_switch`` seen from the
                                 incoming thread: ``execname`` ->
                                 ``args->next_comm``, ``tid`` and ``self->``
                                 keys -> ``args->next_pid``
``sched:::off-cpu``              ``tracepoint:sched:sched_switch``
``sched:::preempt`` / ``sleep``  ``sched_switch`` with ``prev_state`` running /
                                 not running
``sched:::wakeup``               ``tracepoint:sched:sched_wakeup``
``io:::start`` / ``io:::done``   ``tracepoint:block:block_rq_issue`` /
                                 ``block_rq_complete``; ``b_bcount`` ->
                                 ``args->bytes``; ``arg0`` as the only key of
                                 an array (the buf) -> ``args->dev,
                                 args->sector``
``ip:::send`` / ``receive``      ``net:net_dev_xmit`` / ``net:netif_receive_skb``
``tcp:::connect-request`` ...    ``sock:inet_sock_set_state`` with states
``mib:::tcpRetransSegs`` ...     ``tcp:tcp_retransmit_skb`` ...; ``arg0`` -> 1
``vminfo:::as_fault``            ``exceptions:page_fault_user`` (x86)
``fbt::F:entry`` / ``return``    ``kprobe:F`` / ``kretprobe:F``
``execname`` ``timestamp``       ``comm`` ``nsecs``
``pid tid uid gid cpu``          same; ``ppid`` -> ``curtask->real_parent->tgid``
``self->x``                      ``@self_x[tid]``; ``self->x = 0`` ->
                                 ``delete(@self_x[tid])``
``this->x``                      ``$x``; read by a later clause of the same
                                 probe: the clauses become one block of ifs
global ``x``, ``x[k]``           ``@global_x``, ``@global_x[k]``
                                 (helper maps are cleared in ``END`` so that
                                 only aggregations print at exit)
``count sum avg min max``        same
``quantize(x)``                  ``hist(x)``
``lquantize(x, lo, hi[, s])``    ``lhist(x, lo, hi, s)`` (step default 1)
``printa([fmt, ]@a)``            ``print(@a)`` (a format is dropped, with a
                                 warning); in ``END`` also ``clear(@a)``
                                 afterwards (dtrace does not print a printa'd
                                 aggregation again at exit, bpftrace would)
``clear(@a)``                    ``zero(@a)`` (keeps the keys)
``trunc(@a)``                    ``clear(@a)`` (removes the keys)
``trunc(@a, n)``                 the next ``printa(@a)`` of the clause becomes
                                 ``print(@a, n)``; in ``END`` or before
                                 ``exit()`` without a ``printa``:
                                 ``print(@a, n); clear(@a)``; else refused
``normalize(@a, n)``             likewise, ``print(@a, 0, n)``
``exit(n)``                      ``exit()`` (0.17 takes no status)
``printf`` / ``trace(x)``        ``printf`` (``%i`` -> ``%d``) / ``print(x)``
``copyinstr(p)`` ``stringof``    ``str(p)``
``stringof(copyin(p, n))``       ``str(p, n + 1)`` (warning: 64 bytes at most)
``printf("%S")``                 ``%s`` (warning: no escaping)
the parent under ``curthread``   ``curtask->real_parent``: ``t_procp->p_parent``
                                 ``->p_user.u_comm`` -> ``->comm``,
                                 ``->p_pidp->pid_id`` -> ``->tgid`` (warning);
                                 other curthread data is refused
``enum { A, B }``                the constants as numbers (warning)
``typedef`` of a basic type      read through in casts
``\\b \\a \\f \\v`` in strings    ``\\010`` ... (octal: bpftrace 0.17's lexer
                                 lacks those escapes)
``stack()`` ``ustack()``         ``kstack`` ``ustack``
``SIGxxx``, ``Exxx``             their Linux values
``inline T N = e;``              ``e`` substituted where ``N`` is used
``$1`` / ``$$1``                 ``$1`` / ``str($1)``
===============================  =============================================

Refused, with the construct and its line: speculations, ``stddev``,
``llquantize``, increment arguments, ``denormalize``,
translators (``curpsinfo``, ``curlwpsinfo``, ``fds[]``, ...), ``curthread`` (but above),
``walltimestamp``, ``vtimestamp``, ``lockstat``, ``plockstat``, ``pid``/usdt
providers, network providers' arguments, the ``ERROR`` probe, ``translator``
and struct/union/pointer type declarations, ``#include``/``#define`` (cpp), ``$target`` and the
other macro variables, string subroutines missing from 0.17, kernel symbols,
pointer casts and dereferences, and destructive actions. Each refusal is a
Diagnostic at the construct's line and column; one run reports every refused
statement, not just the first. Globs: a function glob on ``syscall`` expands
to the matching Linux calls (``*stat`` -> cachestat, fstat, lstat, stat,
ustat); an illumos name with a different Linux name (``open64``, ``exece``)
is renamed with a warning.
"""

from __future__ import annotations

import platform

from .front import read_program
from .program import ProgramTranslator
from .result import Translation
from .syscall_names import supported_architectures

__all__ = ["Translation", "supported_architectures", "translate", "translate_program"]


def translate(d_text: str, file: str = "<script>", *, arch: str | None = None) -> str:
    """Return the bpftrace 0.17 equivalent of the D script ``d_text``.

    ``arch`` (``platform.machine()`` by default) chooses the system call number
    table used when a script asks for ``probefunc`` on every system call.
    Raises ScriptError naming each construct that has no translation.
    """
    return translate_program(d_text, file, arch=arch).text


def translate_program(d_text: str, file: str = "<script>", *, arch: str | None = None) -> Translation:
    """Like :func:`translate`, with warnings and the names of the maps."""
    program = read_program(d_text, file)
    return ProgramTranslator(program, file, arch or platform.machine()).run()
