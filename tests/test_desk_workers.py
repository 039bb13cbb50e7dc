"""The desk side of processing scripts: workers in the Sources pane, "Run now" as a signed job.

A real ``suricate worker`` subprocess on the real broker, with tiny scripts from a tmp folder; the
window's broker source listens to its status and submits jobs with the Remote agents secret.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pika
import pytest

from suricate_desktop.gui.sources.registry import source_from_config
from suricate_desktop.gui.workers_view import NAME, STATUS, ScriptKey
from suricate_desktop.transport.job_client import submit_job

pytestmark = pytest.mark.usefixtures("qtbot")

SECRET = b"0123456789abcdef0123456789abcdef"
ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = {
    "tiny": '"""A constant."""\nSTREAMS = ["nobody.#"]\n\ndef process(frames, params):\n'
    '    return {"answer": 42.0 * params.get("scale", 1)}\n',
    "broken": "def process(frames, params):\n    raise RuntimeError('broken on purpose')\n",
}


@pytest.fixture
def setup(tmp_path, broker_url, exchange):
    folder = tmp_path / "scripts"
    folder.mkdir()
    for name, text in SCRIPTS.items():
        (folder / f"{name}.py").write_text(text)
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    job_queue = f"test.jobs.{uuid.uuid4().hex[:10]}"
    procs: list[subprocess.Popen] = []

    def start_worker(*extra: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "suricate_desktop",
                "worker",
                "--broker",
                broker_url,
                "--exchange",
                exchange,
                "--scripts",
                str(folder),
                "--secret-file",
                str(secret),
                "--job-queue",
                job_queue,
                "--status-exchange",
                f"{exchange}.workers",
                "--status-every",
                "1",
                *extra,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        return proc

    yield {"secret": secret, "job_queue": job_queue, "start_worker": start_worker}
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    conn.channel().queue_delete(job_queue)
    conn.close()


def open_window(make_window, broker_url, exchange, setup, secret=True, tls_ca=None):
    window = make_window(restore_sources=False)
    if secret:
        window.settings.setValue("remote", json.dumps({"secret_file": str(setup["secret"])}))
    source = window.registry.add(
        source_from_config(
            {
                "kind": "broker",
                "url": broker_url,
                "bindings": ["#"],
                "exchange": exchange,
                "job_queue": setup["job_queue"],
                "tls_ca": tls_ca,
            }
        )
    )
    assert source.status_exchange == f"{exchange}.workers"
    return window, source


def script_row(view, worker, script):
    item = view.script_item(worker, script)
    return None if item is None else [item.text(c) for c in range(item.columnCount())]


def worker_id(view) -> str | None:
    return next(iter(k[1] for k in view._workers), None)


def test_a_scheduled_run_shows_in_the_pane_with_its_status_and_a_failure_its_error(
    qtbot, make_window, broker_url, exchange, setup
):
    window, _ = open_window(make_window, broker_url, exchange, setup)
    setup["start_worker"]("--schedule", "tiny", "--schedule", "broken", "--every", "2", "--id", "w-sched")
    view = window.workers_view
    qtbot.waitUntil(lambda: (script_row(view, "w-sched", "tiny") or [""] * 4)[STATUS] == "ok", timeout=30000)
    row = script_row(view, "w-sched", "tiny")
    assert row[1] == "every 2 s over 300 s" and row[2] != "never" and row[4].endswith(" s")
    worker = view.worker_item("w-sched")
    assert worker.text(STATUS) == "running" and worker.text(1)  # the host
    qtbot.waitUntil(
        lambda: (script_row(view, "w-sched", "broken") or [""] * 4)[STATUS] == "error", timeout=30000
    )
    broken = view.script_item("w-sched", "broken")
    assert "broken on purpose" in broken.toolTip(STATUS)
    assert "failed" in broken.text(5)


def test_run_now_from_the_desk_answers_ok_and_its_stream_appears(
    qtbot, make_window, broker_url, exchange, setup
):
    window, source = open_window(make_window, broker_url, exchange, setup)
    setup["start_worker"]("--id", "w-jobs")
    view = window.workers_view
    qtbot.waitUntil(lambda: view.script_item("w-jobs", "tiny") is not None, timeout=30000)
    view.tree.setCurrentItem(view.script_item("w-jobs", "tiny"))
    key = view.selected_script()
    assert key == ScriptKey(id(source), "w-jobs", "tiny")
    messages: list[str] = []
    view.message.connect(messages.append)
    assert view.run(key, params={"scale": 2})
    assert view.script_item("w-jobs", "tiny").text(STATUS) == "running…"
    assert not view.run_action.isEnabled()  # one job per script row at a time
    qtbot.waitUntil(lambda: view.answer(key) is not None, timeout=60000)
    answer = view.answer(key)
    assert answer.status == "ok", answer
    assert answer.worker == "w-jobs" and answer.outputs == ["answer"]
    assert view.script_item("w-jobs", "tiny").text(STATUS) == "ok"
    assert any(m.startswith("tiny: ok on w-jobs") for m in messages)
    assert "tiny: ok on w-jobs" in window.message_label.text()
    # The result arrives through the broker source like any stream, and the Streams pane lists it.
    qtbot.waitUntil(
        lambda: window.streams_pane.first_stream(source, "script-tiny", "answer") is not None, timeout=20000
    )
    stream = window.streams_pane.first_stream(source, "script-tiny", "answer")
    qtbot.waitUntil(lambda: (id(source), *stream) in window.streams_pane._items, timeout=5000)
    frame = source.store.frame(stream)
    assert frame.iloc[-1].tolist() == [84.0]


def test_a_source_behind_a_private_ca_lists_its_workers_and_runs_a_job_through_tls(
    qtbot, make_window, exchange, setup, tls_broker
):
    # The source is amqps:// to a broker whose certificate a private CA signed (the test broker behind a TLS
    # proxy): its streams, its workers' status and the job "Run now" sends all need the source's CA.
    ca = str(tls_broker.certs.ca)
    window, source = open_window(make_window, tls_broker.url(), exchange, setup, tls_ca=ca)
    setup["start_worker"]("--id", "w-tls", "--broker", tls_broker.url(), "--tls-ca", ca)
    view = window.workers_view
    qtbot.waitUntil(lambda: view.script_item("w-tls", "tiny") is not None, timeout=30000)
    key = ScriptKey(id(source), "w-tls", "tiny")
    assert view.run(key)
    qtbot.waitUntil(lambda: view.answer(key) is not None, timeout=60000)
    assert view.answer(key).status == "ok", view.answer(key)
    qtbot.waitUntil(
        lambda: window.streams_pane.first_stream(source, "script-tiny", "answer") is not None, timeout=20000
    )
    assert source.state == "connected" and not source.detail


def test_a_failing_job_shows_its_error_and_an_unknown_script_says_so(
    qtbot, make_window, broker_url, exchange, setup
):
    window, source = open_window(make_window, broker_url, exchange, setup)
    setup["start_worker"]("--id", "w-fail")
    view = window.workers_view
    qtbot.waitUntil(lambda: view.script_item("w-fail", "broken") is not None, timeout=30000)
    key = ScriptKey(id(source), "w-fail", "broken")
    assert view.run(key)
    qtbot.waitUntil(lambda: view.answer(key) is not None, timeout=60000)
    assert view.answer(key).status == "error"
    item = view.script_item("w-fail", "broken")
    assert item.text(STATUS) == "error" and "broken on purpose" in item.toolTip(STATUS)
    assert "broken: error on w-fail: RuntimeError: broken on purpose" in window.message_label.text()
    missing = ScriptKey(id(source), "w-fail", "nosuch")
    assert view.run(missing)
    qtbot.waitUntil(lambda: view.answer(missing) is not None, timeout=60000)
    assert view.answer(missing).status == "unknown-script"
    assert "does not have this script" in window.message_label.text()


def test_without_a_secret_the_run_is_refused_with_a_clear_message(
    qtbot, make_window, broker_url, exchange, setup, monkeypatch
):
    monkeypatch.delenv("SURICATE_CONTROL_SECRET", raising=False)
    warnings: list[str] = []
    monkeypatch.setattr(
        "suricate_desktop.gui.workers_view.QMessageBox.warning", lambda _p, _t, text: warnings.append(text)
    )
    window, source = open_window(make_window, broker_url, exchange, setup, secret=False)
    view = window.workers_view
    assert not view.run(ScriptKey(id(source), "w", "tiny"))
    assert "no control secret is configured" in warnings[0] and "Remote agents" in warnings[0]
    assert "Remote agents" in window.message_label.text()


def test_a_stopped_worker_shows_as_silent(qtbot, make_window, broker_url, exchange, setup):
    window, _ = open_window(make_window, broker_url, exchange, setup)
    proc = setup["start_worker"]("--id", "w-stop")
    view = window.workers_view
    qtbot.waitUntil(lambda: view.worker_item("w-stop") is not None, timeout=30000)
    assert view.worker_item("w-stop").text(STATUS) == "running"
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(20) == 0
    # Its last status says it stopped; three status intervals later it is silent.
    qtbot.waitUntil(lambda: view.worker_item("w-stop").text(STATUS) == "silent", timeout=20000)
    item = view.worker_item("w-stop")
    assert item.text(2).startswith("silent since ")
    assert item.foreground(NAME).color().name() == "#8c959f"


def test_submit_job_without_a_worker_says_no_answer(broker_url, setup):
    answer = submit_job(broker_url, SECRET, "tiny", queue=setup["job_queue"], wait=0.5)
    assert answer.status == "no-answer" and setup["job_queue"] in answer.error


def test_the_run_now_dialog_reads_over_params_and_host(qtbot, monkeypatch):
    from suricate_desktop.gui.workers_view import RunJobDialog

    warnings: list[str] = []
    monkeypatch.setattr(
        "suricate_desktop.gui.workers_view.QMessageBox.warning", lambda _p, _t, text: warnings.append(text)
    )
    dialog = RunJobDialog(None, "tiny", 60.0)
    qtbot.addWidget(dialog.dialog)
    assert "60 s" in dialog.over.specialValueText()
    dialog.params.setPlainText("nonsense")
    dialog._accept()
    assert dialog.result is None and "NAME=VALUE" in warnings[0]
    dialog.over.setValue(30)
    dialog.params.setPlainText('scale=2\nlabel=fast run\n\nflag=true\nquoted="7"')
    dialog.host.setText("web09")
    dialog._accept()
    assert dialog.result == (30.0, {"scale": 2, "label": "fast run", "flag": True, "quoted": "7"}, "web09")
