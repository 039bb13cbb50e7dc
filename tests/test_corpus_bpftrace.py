"""The script corpus against the real bpftrace: every valid bpftrace script, and every translation of a valid D script
that the translator accepts, passes ``bpftrace -d``.

The corpus (``tests/corpus/{bpftrace,d}/valid/``) is collected when the tests
run, so scripts added later are covered without touching this file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bpftrace_dryrun import SKIP_REASON, dry_run_all

from suricate_desktop.lang import ScriptError
from suricate_desktop.lang.translate import translate

CORPUS = Path(__file__).parent / "corpus"
BT_FILES = sorted((CORPUS / "bpftrace" / "valid").glob("*.bt"))
D_FILES = sorted((CORPUS / "d" / "valid").glob("*.d"))


def _params(files: list[Path], what: str) -> list:
    assert files, f"the corpus has no {what}"
    return [pytest.param(f, id=f.name) for f in files]


def _translation(path: Path) -> str | None:
    """The bpftrace translation of a corpus D script, or None where the translator refuses it."""
    try:
        return translate(path.read_text(encoding="utf-8"), path.name, arch="x86_64")
    except ScriptError:
        return None


@pytest.fixture(scope="module")
def compiled():
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    texts = [f.read_text(encoding="utf-8") for f in BT_FILES]
    texts += [t for t in map(_translation, D_FILES) if t is not None]
    return dry_run_all(texts)


@pytest.mark.root
@pytest.mark.parametrize("path", _params(BT_FILES, "tests/corpus/bpftrace/valid/*.bt"))
def test_valid_bpftrace_compiles(compiled, path):
    result = compiled[path.read_text(encoding="utf-8")]
    assert result.ok, result.errors()


@pytest.mark.root
@pytest.mark.parametrize("path", _params(D_FILES, "tests/corpus/d/valid/*.d"))
def test_translation_of_valid_d_compiles(compiled, path):
    text = _translation(path)
    if text is None:
        # A construct without a bpftrace equivalent: refused at its line, by name.
        with pytest.raises(ScriptError) as refused:
            translate(path.read_text(encoding="utf-8"), path.name, arch="x86_64")
        first = refused.value.first
        assert first.line > 0 and first.file == path.name, first.format()
        assert "cannot translate" in first.message or "no bpftrace equivalent" in first.message, (
            first.format()
        )
        return
    result = compiled[text]
    assert result.ok, f"translation:\n{text}\n{result.errors()}"
