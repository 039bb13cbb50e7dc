"""A remote script that reads files or runs commands is refused by default; the agent's own flag allows it."""

import random
import uuid

import pytest

from suricate_desktop.agent.control_handler import AgentControlHandler
from suricate_desktop.lang import ScriptError
from suricate_desktop.lang.safety import BPFTRACE_UNSAFE, D_UNSAFE, unsafe_calls
from suricate_desktop.transport.control import ControlClient, ControlServer

SECRET = b"0123456789abcdef0123456789abcdef"

SHADOW = 'BEGIN\n{\n  printf("reading\\n");\n  cat("/etc/shadow");\n  exit();\n}\n'
SYSTEM_BT = 'tracepoint:syscalls:sys_enter_execve\n{\n  @[comm] = count();\n  system("id");\n}\n'
SYSTEM_D = (
    "#pragma D option quiet\n#pragma D option destructive\n\nsyscall::read:entry\n{\n"
    '  @reads[execname] = count();\n  system("id");\n}\n'
)


class NoSink:
    def __call__(self, snaps):
        raise AssertionError("a refused script must not run")


@pytest.fixture
def handler():
    h = AgentControlHandler(NoSink, "web01")
    yield h
    h.stop_all(timeout=5)


@pytest.mark.parametrize(
    "script, lang, line, action",
    [
        (SHADOW, "bpftrace", 4, "cat"),
        (SYSTEM_BT, "bpftrace", 4, "system"),
        (SYSTEM_D, "d", 7, "system"),
    ],
)
def test_real_scripts_that_read_a_file_or_run_a_command_are_refused_by_default(
    handler, script, lang, line, action
):
    with pytest.raises(ScriptError) as info:
        handler("run", {"script": script, "lang": lang, "backend": "sampler"})
    [diag] = info.value.diagnostics
    assert (diag.line, diag.severity) == (line, "error")
    assert diag.message.startswith(f"{action}()") and "--allow-unsafe-actions" in diag.message
    assert handler.run_ids() == []
    # compile says the same, at the same line, so the editor underlines it
    [d] = handler("compile", {"script": script, "lang": lang})["diagnostics"]
    assert (d["line"], d["severity"]) == (line, "error") and d["message"].startswith(f"{action}()")
    # the language is found the way the backend finds it when the desk does not say
    assert [x.line for x in handler.refusals(script)] == [line]

    allowed = AgentControlHandler(NoSink, "web01", allow_unsafe=True)
    try:
        assert allowed.refusals(script, lang) == []  # passes the check (it would then compile and run)
    finally:
        allowed.stop_all(timeout=5)


def test_every_listed_action_is_refused_and_names_in_comments_strings_maps_and_members_are_not():
    for name in BPFTRACE_UNSAFE:
        [d] = unsafe_calls(f"BEGIN {{ {name}(1); }}", "bpftrace")
        assert d.message.startswith(f"{name}()")
    for name in D_UNSAFE:
        [d] = unsafe_calls(f"BEGIN {{ {name}(1); }}", "d")
        assert d.message.startswith(f"{name}()")
    harmless = (
        'BEGIN { printf("system(\\"id\\") cat(/etc/shadow)\\n"); // system("id")\n'
        '/* cat("/etc/shadow") */ @system = count(); @cat[comm] = count(); $cat = 1;'
        " @x[args->system] = count(); }\n"
    )
    assert unsafe_calls(harmless, "bpftrace") == []
    assert (
        unsafe_calls(
            'syscall::read:entry /* system("id") */ { printf("stop()"); this->stop = 1; '
            "self->raise = 2; @[execname] = count(); }",
            "d",
        )
        == []
    )


def test_calls_are_found_whatever_the_spacing_comments_and_line_breaks_around_them():
    rng = random.Random(13)
    gaps = [" ", "", "\n", "\t", " /* c */ ", "\n  // note\n"]
    safe = [
        'printf("%d\\n", pid);',
        "@c[comm] = count();",
        '$x = "system(";',
        '// cat("/x")\n',
        "@h = hist(arg2);",
    ]
    for trial in range(400):
        lang = "bpftrace" if trial % 2 else "d"
        names = list(BPFTRACE_UNSAFE if lang == "bpftrace" else D_UNSAFE)
        if lang == "d":
            safe_here = [
                'printf("%d\\n", pid);',
                "@c[execname] = count();",
                'trace("system(");',
                "/* copyout( */",
                "@q = quantize(arg2);",
            ]
        else:
            safe_here = safe
        text, expected = "BEGIN\n{\n", []
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.3:
                name = rng.choice(names)
                expected.append((name, text.count("\n") + 1))
                text += f'  {name}{rng.choice(gaps)}({rng.choice(gaps)}"x"{rng.choice(gaps)});\n'
            else:
                text += "  " + rng.choice(safe_here) + "\n"
        text += "}\n"
        found = [(d.message.split("()")[0], d.line) for d in unsafe_calls(text, lang)]
        assert found == expected, (lang, text)


def test_preprocessor_lines_cannot_smuggle_a_call_or_a_file_in():
    refused = [
        '#include "/etc/shadow"\nBEGIN { exit(); }',
        "#include </etc/shadow>\nBEGIN { exit(); }",
        "#include <../../etc/shadow.h>\nBEGIN { exit(); }",
        '#define RUN system\nBEGIN { RUN("id"); }',
        '#define J(a, b) a ## b\nBEGIN { J(sys, tem)("id"); }',
    ]
    for text in refused:
        [d] = unsafe_calls(text, "bpftrace")
        assert d.line == 1 and "--allow-unsafe-actions" in d.message, text
    assert unsafe_calls("#include <linux/sched.h>\n#define N 16\nBEGIN { @ = count(); }", "bpftrace") == []


@pytest.mark.broker
@pytest.mark.timeout(60)
def test_the_desk_gets_the_refusal_at_its_line_and_nothing_runs(broker_url):
    host = f"uns{uuid.uuid4().hex[:8]}"
    handler = AgentControlHandler(NoSink, host)
    server = ControlServer(broker_url, host, SECRET, handler).start()
    assert server.wait_ready()
    try:
        with ControlClient(broker_url, host, SECRET, timeout=30) as client:
            with pytest.raises(ScriptError) as info:
                client.run(SHADOW, lang="bpftrace", backend="bpftrace")
            assert info.value.diagnostics[0].line == 4
            assert "cat() reads a file" in str(info.value)
            assert client.status()["runs"] == []
    finally:
        server.stop()
        handler.stop_all(timeout=5)


@pytest.mark.broker
@pytest.mark.timeout(120)
def test_only_the_agents_own_flag_lets_such_a_script_through(tmp_path, broker_url, exchange):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from suricate_desktop.transport.control import SECRET_ENV, ControlNoAgent

    secret_file = tmp_path / "secret"
    secret_file.write_bytes(SECRET)
    secret_file.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")

    def compile_with(*flags):
        host = f"flag{uuid.uuid4().hex[:8]}"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "suricate_desktop",
                "agent",
                "--control",
                "--secret-file",
                str(secret_file),
                "--host",
                host,
                "--broker",
                broker_url,
                "--exchange",
                exchange,
                *flags,
            ],
            cwd=Path(__file__).resolve().parents[1],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            with ControlClient(broker_url, host, SECRET, timeout=30) as client:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        client.status(timeout=5)
                        break
                    except ControlNoAgent:
                        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[1]
                # the sampler compiles nothing: whatever comes back is the agent's own check
                return client.compile(SYSTEM_D, lang="d", backend="sampler")
        finally:
            proc.send_signal(signal.SIGTERM)
            err = proc.communicate(timeout=60)[1]
            assert proc.returncode == 0, err

    [refusal] = compile_with()
    assert refusal["line"] == 7 and refusal["message"].startswith("system() runs a command")
    assert compile_with("--allow-unsafe-actions") == []
