"""The template library: every template loads, has both twins, a known chart, and a D twin that translates and compiles."""

from __future__ import annotations

import re

import pytest
from bpftrace_dryrun import SKIP_REASON, dry_run_all

from suricate_desktop.cli.main import main
from suricate_desktop.lang.templates import (
    CHARTS,
    TemplateError,
    get_template,
    load_templates,
    templates_root,
)
from suricate_desktop.lang.translate import translate

TEMPLATES = load_templates()
IDS = [t.id for t in TEMPLATES]

#: What the issue asks the library to cover, as template ids.
REQUIRED = {
    "seed-syscalls-by-function",
    "seed-read-sizes-by-program",
    "syscalls-by-process",
    "bytes-read-written-by-process",
    "process-exec",
    "process-creation-by-parent",
    "disk-io-sizes",
    "disk-io-latency",
    "cpu-profile-by-process",
    "off-cpu-time-by-process",
} | {
    f"use-{r}-{m}"
    for r in ("cpu", "memory", "disk", "network")
    for m in ("utilisation", "saturation", "errors")
}


def _strip_header(bt: str) -> str:
    """A translated twin is the translation under leading ``//`` comment lines."""
    lines = bt.splitlines(keepends=True)
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "".join(lines)


def test_the_library_covers_the_issue():
    assert set(IDS) >= REQUIRED, sorted(REQUIRED - set(IDS))
    assert len(IDS) == len(set(IDS))


def test_default_root_is_the_checkouts_resources():
    root = templates_root()
    assert root.name == "templates" and root.parent.name == "resources"
    assert (root.parent.parent / "suricate_desktop").is_dir()


@pytest.mark.parametrize("template", TEMPLATES, ids=IDS)
def test_template_is_complete(template):
    assert template.title and template.description and template.category
    assert template.chart in CHARTS
    assert template.interval > 0
    assert template.d_script.strip() and template.bt_script.strip()
    assert template.script("d") == template.d_script
    assert template.script("bpftrace") == template.bt_script
    # a D twin is D (probe descriptions with D names), the other is bpftrace
    assert "@" in template.d_script and "@" in template.bt_script
    assert not re.search(r"\b(execname|timestamp|quantize)\b", template.bt_script)


@pytest.mark.parametrize(
    "template",
    [t for t in TEMPLATES if t.bt_origin == "translated"],
    ids=[t.id for t in TEMPLATES if t.bt_origin == "translated"],
)
def test_translated_twin_is_the_current_translation(template):
    assert _strip_header(template.bt_script) == translate(template.d_script, arch=template.arch)


@pytest.fixture(scope="module")
def compiled():
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    return dry_run_all(
        [translate(t.d_script, arch=t.arch) for t in TEMPLATES] + [t.bt_script for t in TEMPLATES]
    )


@pytest.mark.root
@pytest.mark.parametrize("template", TEMPLATES, ids=IDS)
def test_d_twin_translation_compiles(compiled, template):
    result = compiled[translate(template.d_script, arch=template.arch)]
    assert result.ok, result.errors()


@pytest.mark.root
@pytest.mark.parametrize("template", TEMPLATES, ids=IDS)
def test_bt_twin_compiles(compiled, template):
    result = compiled[template.bt_script]
    assert result.ok, result.errors()


def _write(folder, toml: str, d: str | None = "BEGIN { exit(0); }\n", bt: str | None = "BEGIN { exit(); }\n"):
    folder.mkdir()
    (folder / "template.toml").write_text(toml)
    if d is not None:
        (folder / "script.d").write_text(d)
    if bt is not None:
        (folder / "script.bt").write_text(bt)


GOOD = 'title = "T"\ndescription = """\nWhat it shows.\n"""\nchart = "bars"\ncategory = "test"\n'


def test_load_from_another_root(tmp_path, monkeypatch):
    _write(tmp_path / "b-two", GOOD.replace('"test"', '"b"'))
    _write(tmp_path / "a-one", GOOD.replace('"test"', '"b"') + "interval = 2\n")
    (tmp_path / "not-a-template").mkdir()
    loaded = load_templates(tmp_path)
    assert [t.id for t in loaded] == ["a-one", "b-two"]
    assert loaded[0].interval == 2.0 and loaded[0].description == "What it shows."
    assert loaded[1].bt_origin == "hand-written"
    monkeypatch.setenv("SURICATE_TEMPLATES", str(tmp_path))
    assert templates_root() == tmp_path
    assert get_template("b-two").title == "T"
    with pytest.raises(KeyError):
        get_template("nope")


@pytest.mark.parametrize(
    "toml,d,bt,message",
    [
        (GOOD.replace('"bars"', '"radar"'), "x", "x", "chart 'radar'"),
        (GOOD.replace('title = "T"\n', ""), "x", "x", "title"),
        (GOOD, None, "x", "script.d"),
        (GOOD, "x", None, "script.bt"),
        (GOOD + "interval = 0\n", "x", "x", "interval"),
        ("title = \n", "x", "x", "template.toml"),
    ],
)
def test_malformed_template_is_an_error(tmp_path, toml, d, bt, message):
    _write(tmp_path / "bad", toml, d, bt)
    with pytest.raises(TemplateError, match=re.escape(message)):
        load_templates(tmp_path)


def test_cli_lists_and_shows(capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    for t in TEMPLATES:
        assert re.search(rf"^{re.escape(t.id)}\s+{t.category}\s+{t.chart}\s+{re.escape(t.title)}$", out, re.M)
    assert main(["templates", "--show", "syscalls-by-process", "--lang", "d"]) == 0
    assert capsys.readouterr().out == get_template("syscalls-by-process").d_script
    assert main(["templates", "--show", "syscalls-by-process", "--lang", "bpftrace"]) == 0
    assert capsys.readouterr().out == get_template("syscalls-by-process").bt_script
    assert main(["templates", "--show", "syscalls-by-process"]) == 0
    both = capsys.readouterr().out
    assert "--- D (script.d)" in both and "--- bpftrace (script.bt, translated)" in both
    assert main(["templates", "--show", "no-such-template"]) == 1
    assert "no-such-template" in capsys.readouterr().err
