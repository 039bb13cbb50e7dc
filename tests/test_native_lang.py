"""The editor defaults to the language this machine's tracer runs; a language the user chose stays chosen."""

import sys

import pytest
from PySide6.QtCore import QSettings

NATIVE = [("linux", "bpftrace"), ("sunos5", "d"), ("freebsd14", "d"), ("darwin", "d")]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


def shown_lang(window) -> str:
    return window.editor.run_options.combo_lang.currentText()


@pytest.mark.parametrize("platform, lang", NATIVE)
def test_a_fresh_window_offers_the_local_tracers_language(make_window, monkeypatch, platform, lang):
    monkeypatch.setattr(sys, "platform", platform)
    w = make_window(restore_sources=False)
    assert shown_lang(w) == {"bpftrace": "bpftrace", "d": "D"}[lang]
    w.editor.new_action.trigger()  # File > New script (Ctrl+N)
    assert w.editor.current_document().lang == lang
    assert shown_lang(w) == {"bpftrace": "bpftrace", "d": "D"}[lang]
    w.editor.close_document(w.editor.current_document())
    assert w.editor.new_document().lang == lang


@pytest.mark.parametrize("platform, native", NATIVE)
def test_the_language_the_user_chose_wins_and_is_remembered(
    make_window, monkeypatch, settings, platform, native
):
    monkeypatch.setattr(sys, "platform", platform)
    other = "d" if native == "bpftrace" else "bpftrace"
    w = make_window(settings=settings, restore_sources=False)
    combo = w.editor.run_options.combo_lang
    combo.setCurrentIndex(combo.findData(other))  # as a click would: no script open yet
    assert w.editor.new_document().lang == other
    w.save_settings()
    w.shutdown()

    again = make_window(settings=settings, restore_sources=False)
    assert again.editor.run_options.lang() == other
    assert again.editor.new_document().lang == other


def test_a_scripts_own_language_beats_the_default(make_window, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    w = make_window(restore_sources=False)
    w.editor.restore(
        {
            "documents": [{"name": "old.d", "lang": "d", "text": "BEGIN { exit(0); }", "modified": False}],
            "current": 0,
        }
    )
    assert w.editor.current_document().lang == "d"
    assert shown_lang(w) == "D"
