"""The script editor pane, offscreen: errors as you type, highlighting, editing, files, templates, runs."""

from __future__ import annotations

import time

import pytest
from bpftrace_dryrun import needs_bpftrace
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QMessageBox, QToolTip

from suricate_desktop.gui.editor import EditorPane, ScriptHighlighter
from suricate_desktop.gui.editor.highlighter import LIGHT
from suricate_desktop.gui.editor.run_options import RunConfig, chart_for
from suricate_desktop.gui.sources.run import RemoteRunSource, RunSource, source_word
from suricate_desktop.lang.lexer import tokenize
from suricate_desktop.lang.templates import load_templates
from suricate_desktop.lang.tokens import LexState, TokenType


@pytest.fixture
def pane(qtbot):
    pane = EditorPane()
    qtbot.addWidget(pane)
    pane.resize(1000, 700)
    pane.show()
    yield pane
    pane.shutdown(timeout=15)


def set_target(pane: EditorPane, key: str, interval: float | None = None) -> None:
    """Choose a run target (and interval) through the run options bar, as a user would."""
    opts = pane.run_options
    index = opts.combo_target.findData(key)
    assert index >= 0, opts.target_keys()
    opts.combo_target.setCurrentIndex(index)
    if interval is not None:
        opts.spin_interval.setValue(interval)


def problem_rows(pane: EditorPane) -> list[tuple[str, str, str]]:
    items = [pane.problems.topLevelItem(i) for i in range(pane.problems.topLevelItemCount())]
    return [(it.text(0), it.text(1), it.text(2)) for it in items]


def tab_title(pane: EditorPane, doc) -> str:
    return pane.tabs.tabText(pane.tabs.indexOf(doc.editor))


# ---------------------------------------------------------------------------------------------------
# Errors as you type
# ---------------------------------------------------------------------------------------------------


def test_typing_an_unknown_aggregating_function_marks_line_1_within_the_debounce_and_fixing_it_clears_it(
    pane, qtbot
):
    doc = pane.new_document("d")
    editor = doc.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "syscall:::entry { @n[execname] = cuont(); }")
    typed = time.monotonic()
    assert editor.toPlainText() == "syscall:::entry { @n[execname] = cuont(); }"
    assert editor.marker_lines() == {}  # the debounce has not fired yet
    qtbot.waitUntil(lambda: editor.marker_lines() == {1: "error"}, timeout=15_000)
    assert time.monotonic() - typed < 1.5
    # the wavy underline spans "cuont" (columns 34-38), in the error colour
    assert editor.underlines() == [(1, 34, 39, "error")]
    [sel] = [
        s
        for s in editor.extraSelections()
        if s.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    ]
    assert sel.cursor.selectedText() == "cuont"
    # the problems list
    [(where, message, origin)] = problem_rows(pane)
    assert where == f"{doc.name}:1:34" and origin == "lint"
    assert message == "undefined function name: cuont"
    assert "1 error" in pane.bottom.tabText(pane.bottom.indexOf(pane.problems))
    # a tooltip over the underlined word says what is wrong
    rect = editor.cursorRect(_cursor_at(editor, 1, 36))
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), editor.viewport().mapToGlobal(rect.center()))
    editor.viewportEvent(event)
    assert "undefined function name: cuont" in QToolTip.text()
    QToolTip.hideText()
    # double-clicking the problem puts the cursor there
    item = pane.problems.topLevelItem(0)
    pane.problems.itemActivated.emit(item, 0)
    assert (editor.textCursor().blockNumber(), editor.textCursor().positionInBlock()) == (0, 33)
    # fix it: select "cuont" and type "count"
    cursor = _cursor_at(editor, 1, 34)
    cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, 5)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "count")
    assert "= count();" in editor.toPlainText()
    qtbot.waitUntil(lambda: editor.marker_lines() == {} and not problem_rows(pane), timeout=15_000)
    assert editor.underlines() == []
    assert pane.bottom.tabText(pane.bottom.indexOf(pane.problems)) == "Problems"


def _cursor_at(editor, line: int, column: int) -> QTextCursor:
    block = editor.document().findBlockByNumber(line - 1)
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + column - 1)
    return cursor


def test_an_error_in_a_multi_line_script_lands_on_its_line_in_both_languages(pane, qtbot):
    d_script = (
        "#pragma D option quiet\n"
        "\n"
        "syscall::read:entry\n"
        '/execname == "bash"/\n'
        "{\n"
        "    @bytes[execname] = sum(arg2);\n"
        "    @calls[probefunc] = cuont();\n"
        "}\n"
    )
    doc = pane.new_document("d", d_script)
    qtbot.waitUntil(lambda: doc.editor.marker_lines() == {7: "error"}, timeout=15_000)
    assert doc.editor.underlines() == [(7, 25, 30, "error")]
    assert problem_rows(pane)[0][0] == f"{doc.name}:7:25"

    bt_script = (
        "tracepoint:syscalls:sys_enter_read\n"
        "{\n"
        "    @start[tid] = nsecs;\n"
        "    @sizes[comm] = hsit(args->count);\n"
        "}\n"
    )
    bt = pane.new_document("bpftrace", bt_script)
    qtbot.waitUntil(lambda: bt.editor.marker_lines() == {4: "error"}, timeout=15_000)
    [(where, message, origin)] = problem_rows(pane)  # the list follows the current tab
    assert where.startswith(f"{bt.name}:4:") and "hsit" in message and origin == "lint"
    # the gutter's marker moves with the text when a line is inserted above it
    cursor = QTextCursor(bt.editor.document())
    cursor.insertText("// a comment line\n")
    assert bt.editor.marker_lines() == {5: "error"}
    qtbot.waitUntil(
        lambda: problem_rows(pane) and problem_rows(pane)[0][0].startswith(f"{bt.name}:5:"), timeout=15_000
    )
    pane.set_current_document(doc)
    assert problem_rows(pane)[0][0] == f"{doc.name}:7:25"


def test_a_warning_gets_its_own_marker_and_colour(pane, qtbot):
    # system() without --unsafe: a warning, not an error
    doc = pane.new_document("bpftrace", 'BEGIN\n{\n    @x = count();\n    system("ls");\n}\n')
    qtbot.waitUntil(lambda: bool(problem_rows(pane)), timeout=15_000)
    assert doc.editor.marker_lines() == {4: "warning"}
    assert doc.editor.underlines() == [(4, 5, 11, "warning")]
    assert [d.severity for d, _ in pane.problems.problems()] == ["warning"]
    assert "1 warning" in pane.bottom.tabText(pane.bottom.indexOf(pane.problems))


# ---------------------------------------------------------------------------------------------------
# Highlighting
# ---------------------------------------------------------------------------------------------------


def _format_at(doc: QTextDocument, line: int, column: int) -> QTextCharFormat:
    block = doc.findBlockByNumber(line - 1)
    ranges = block.layout().formats()
    for r in ranges:
        if r.start <= column - 1 < r.start + r.length:
            return QTextCharFormat(r.format)  # a copy: the range's own goes with the list
    return QTextCharFormat()


def test_highlighting_gives_distinct_formats_and_a_comment_continues_across_blocks(qtbot):
    text = (
        "#pragma D option quiet\n"
        'syscall::read:entry /execname == "bash"/ { @n[execname] = count(); self->t = timestamp; }\n'
        "/* a comment that goes on\n"
        "   over a second line */ int x;\n"
    )
    doc = QTextDocument()
    doc.documentLayout()  # a document without a layout tells no one of its changes
    hl = ScriptHighlighter(doc, "d", LIGHT)
    doc.setPlainText(text)

    def color(line, col):
        return _format_at(doc, line, col).foreground().color().name()

    keyword = color(4, 26)  # int
    aggregation = color(2, 45)  # @n
    agg_func = color(2, 60)  # count
    string = color(2, 34)  # "bash"
    comment = color(3, 1)  # /* ...
    probe = color(2, 1)  # syscall::read:entry
    builtin = color(2, 22)  # execname
    assert len({keyword, aggregation, agg_func, string, comment, probe, builtin}) == 7
    assert _format_at(doc, 4, 26).fontWeight() == 700  # keywords in bold
    # the comment goes on in the second block, which starts inside it (the lexer state is the block state)
    assert color(4, 4) == comment and _format_at(doc, 4, 4).fontItalic()
    assert LexState.from_int(doc.findBlockByNumber(2).userState()).comment
    assert not LexState.from_int(doc.findBlockByNumber(3).userState()).comment
    # closing the comment on its first line re-highlights the next block as code
    cursor = QTextCursor(doc.findBlockByNumber(2))
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    cursor.insertText(" */")
    assert color(4, 4) != comment
    # each token type of the theme gets its own format from the shared lexer's tokens
    for tok in tokenize(text, "d"):
        fmt = hl.format_for(tok.type)
        if fmt is not None and tok.type is not TokenType.COMMENT and tok.line in (1, 2):
            assert _format_at(doc, tok.line, tok.column).foreground().color() == fmt.foreground().color()


def test_bpftrace_line_comments_are_comments_and_d_ones_are_errors(qtbot):
    for lang, expected in (("bpftrace", TokenType.COMMENT), ("d", TokenType.ERROR)):
        doc = QTextDocument()
        doc.documentLayout()
        hl = ScriptHighlighter(doc, lang, LIGHT)
        doc.setPlainText("BEGIN { @x = count(); } // note\n")
        assert _format_at(doc, 1, 27).foreground().color() == hl.format_for(expected).foreground().color()


def test_astral_characters_keep_formats_aligned(qtbot):
    # "😀" is two UTF-16 units: the string after it must still be coloured exactly
    doc = QTextDocument()
    doc.documentLayout()
    hl = ScriptHighlighter(doc, "bpftrace", LIGHT)
    doc.setPlainText('BEGIN { printf("😀"); @x = count(); }\n')
    text = doc.firstBlock().text()
    at = len(text[: text.index("@x")].encode("utf-16-le")) // 2  # Qt's offset: the emoji counts twice
    assert at == text.index("@x") + 1
    fmt = _format_at(doc, 1, at + 1)
    assert fmt.foreground().color() == hl.format_for(TokenType.AGGREGATION).foreground().color()


# ---------------------------------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------------------------------


def test_undo_redo_tab_and_auto_indent(pane, qtbot):
    doc = pane.new_document("bpftrace")
    editor = doc.editor
    editor.setFocus()
    assert not pane.undo_action.isEnabled()
    qtbot.keyClicks(editor, "BEGIN {")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "@x = count();")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "}")
    assert editor.toPlainText() == "BEGIN {\n    @x = count();\n}"
    typed = editor.toPlainText()
    assert pane.undo_action.isEnabled()
    steps = 0
    while editor.document().isUndoAvailable():
        pane.undo_action.trigger()
        steps += 1
    assert editor.toPlainText() == "" and steps >= 1
    assert pane.redo_action.isEnabled()
    while editor.document().isRedoAvailable():
        pane.redo_action.trigger()
    assert editor.toPlainText() == typed
    # Tab inserts spaces to the next multiple of 4; Shift+Tab dedents
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "x")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.textCursor().block().text() == "x   "
    qtbot.keyClick(editor, Qt.Key.Key_Backtab)  # nothing to dedent at the start of "x"
    assert editor.textCursor().block().text() == "x   "
    # Enter between braces puts the closing one on its own line
    editor.selectAll()
    qtbot.keyClicks(editor, "END {}")
    editor.moveCursor(QTextCursor.MoveOperation.Left)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.toPlainText() == "END {\n    \n}"


def test_find_replace_with_case_word_regex_and_replace_all_as_one_undo_step(pane, qtbot):
    text = (
        "syscall::read:entry { @reads[execname] = count(); }\n"
        "syscall::write:entry { @writes[execname] = count(); }\n"
        "/* EXECNAME counts */\n"
    )
    doc = pane.new_document("d", text)
    editor = doc.editor
    bar = pane.find_bar
    pane.find_action.trigger()
    assert bar.isVisible() and not bar.replace_edit.isVisible()
    bar.find_edit.setText("execname")
    assert len(bar.matches()) == 3
    bar.set_options(case=True)
    assert len(bar.matches()) == 2
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    assert bar.find_next()
    assert editor.textCursor().selectedText() == "execname" and editor.textCursor().blockNumber() == 0
    pane.find_next_action.trigger()
    assert editor.textCursor().blockNumber() == 1
    assert bar.count_label.text() == "2 of 2"
    pane.find_next_action.trigger()  # wraps around
    assert editor.textCursor().blockNumber() == 0
    pane.find_prev_action.trigger()
    assert editor.textCursor().blockNumber() == 1
    # whole word
    bar.find_edit.setText("count")
    bar.set_options(word=False)
    assert len(bar.matches()) == 3
    bar.set_options(word=True)
    assert len(bar.matches()) == 2  # not "counts"
    # the matches are tinted in the editor while the bar is open
    assert (
        len([s for s in editor.extraSelections() if s.format.background().color().name() == "#ffe98a"]) == 2
    )
    # regex replace all, with a group in the replacement: one undo step
    pane.replace_action.trigger()
    assert bar.replace_edit.isVisible()
    bar.set_options(word=False, regex=True, case=True)
    bar.find_edit.setText(r"@(\w+)\[execname\]")
    bar.replace_edit.setText(r"@\1_by_program[execname]")
    assert bar.replace_all() == 2
    assert "@reads_by_program[execname]" in editor.toPlainText()
    assert "@writes_by_program[execname]" in editor.toPlainText()
    pane.undo_action.trigger()
    assert editor.toPlainText() == text
    # replace one at a time
    bar.set_options(regex=False)
    bar.find_edit.setText("count()")
    bar.replace_edit.setText("sum(arg2)")
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    bar.replace_current()  # selects the first match
    bar.replace_current()  # replaces it and goes to the next
    assert editor.toPlainText().count("sum(arg2)") == 1
    # a bad regex is said, not raised
    bar.set_options(regex=True)
    bar.find_edit.setText("([")
    assert bar.matches() == [] and "bad regular expression" in bar.error
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()


# ---------------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------------


def test_open_and_save_round_trip_of_d_and_bt_files_with_the_modified_marker(pane, qtbot, tmp_path):
    d_path = tmp_path / "reads.d"
    d_path.write_text("syscall::read:entry\n{\n    @bytes[execname] = sum(arg2);\n}\n")
    bt_path = tmp_path / "reads.bt"
    bt_path.write_text("tracepoint:syscalls:sys_enter_read\n{\n    @bytes[comm] = sum(args->count);\n}\n")
    recent = []
    pane.recentFilesChanged.connect(recent.append)

    d = pane.open_file(d_path)
    assert d.lang == "d" and d.path == str(d_path) and tab_title(pane, d) == "reads.d"
    assert pane.run_options.lang() == "d"
    bt = pane.open_file(bt_path)
    assert (
        bt.lang == "bpftrace" and tab_title(pane, bt) == "reads.bt" and pane.run_options.lang() == "bpftrace"
    )
    assert pane.open_file(d_path) is d  # already open: brought to the front
    assert recent[-1] == [str(d_path), str(bt_path)] or recent[-1][0] == str(bt_path)

    for doc, path in ((d, d_path), (bt, bt_path)):
        pane.set_current_document(doc)
        doc.editor.moveCursor(QTextCursor.MoveOperation.End)
        qtbot.keyClicks(doc.editor, "/* edited */")
        assert doc.modified and tab_title(pane, doc).endswith(" *")
        assert pane.save(doc)
        assert not doc.modified and "*" not in tab_title(pane, doc)
        assert path.read_text() == doc.text() + "\n"
        # undo back to what was saved clears the marker... and redo brings it back
        doc.editor.undo()
        assert doc.modified
        doc.editor.redo()
        assert not doc.modified

    # Save As: a new name, the language follows the extension, the file joins the recent list
    copy = tmp_path / "copy.bt"
    assert pane.save_as(copy, bt)
    assert bt.path == str(copy) and copy.read_text() == bt_path.read_text()
    assert recent[-1][0] == str(copy)
    # an untitled script saved without an extension gets its language's
    new = pane.new_document("d", "BEGIN { trace(1); }")
    assert pane.save_as(tmp_path / "noext", new)
    assert new.path == str(tmp_path / "noext.d") and (tmp_path / "noext.d").exists()
    # reopened from disk, the text is the same
    pane.close_document(d)
    again = pane.open_file(d_path)
    assert again.text().endswith("/* edited */\n")  # saving ends the file with a newline


def test_closing_a_modified_tab_asks_and_honours_cancel_discard_and_save(pane, qtbot, tmp_path, monkeypatch):
    answers = []

    def answer(*args, **kwargs):
        asked.append(args[2] if len(args) > 2 else "")
        return answers.pop(0)

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", answer)

    doc = pane.new_document("d", "BEGIN { trace(1); }")
    assert not doc.modified
    assert pane.close_document(doc) and not asked  # nothing to lose: no question

    doc = pane.new_document("d")
    qtbot.keyClicks(doc.editor, "BEGIN { trace(1); }")
    answers.append(QMessageBox.StandardButton.Cancel)
    pane.tabs.tabCloseRequested.emit(pane.tabs.indexOf(doc.editor))  # the tab's close button
    assert doc in pane.documents() and len(asked) == 1 and doc.name in asked[0]

    answers.append(QMessageBox.StandardButton.Discard)
    assert pane.close_document(doc)
    assert doc not in pane.documents()

    path = tmp_path / "keep.d"
    path.write_text("BEGIN { }\n")
    doc = pane.open_file(path)
    qtbot.keyClicks(doc.editor, "/* more */ ")
    answers.append(QMessageBox.StandardButton.Save)
    assert pane.close_document(doc)
    assert path.read_text().startswith("/* more */ BEGIN { }")

    # maybe_save_all, for the main window's closeEvent
    a = pane.new_document("d")
    b = pane.new_document("bpftrace")
    qtbot.keyClicks(a.editor, "x")
    qtbot.keyClicks(b.editor, "y")
    answers.extend([QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Cancel])
    assert pane.maybe_save_all() is False
    answers.extend([QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Discard])
    assert pane.maybe_save_all() is True
    assert not answers


# ---------------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------------


def test_the_templates_menu_lists_every_template_in_both_languages_and_opens_one(pane, qtbot):
    templates = load_templates()
    menu = pane.templates_menu
    categories = [a.menu() for a in menu.actions() if a.menu() is not None]
    assert len(categories) == len({t.category for t in templates})
    titles = {a.text() for cat in categories for a in cat.actions() if a.menu() is not None}
    assert titles == {t.title for t in templates}
    actions = pane.template_actions()
    assert sorted(a.data() for a in actions) == sorted(
        (t.id, lang) for t in templates for lang in ("bpftrace", "d")
    )

    t = next(t for t in templates if t.id == "seed-syscalls-by-function")
    [bt_action] = [a for a in actions if a.data() == (t.id, "bpftrace")]
    bt_action.trigger()
    doc = pane.current_document()
    assert doc.text() == t.bt_script and doc.lang == "bpftrace"
    assert doc.name == f"{t.id}.bt" and not doc.modified and doc.path is None
    assert doc.run_config.interval == t.interval and doc.chart_hint == t.chart
    assert chart_for(doc.run_config.chart, doc.chart_hint) == t.chart
    [d_action] = [a for a in actions if a.data() == (t.id, "d")]
    d_action.trigger()
    doc = pane.current_document()
    assert doc.text() == t.d_script and doc.lang == "d" and pane.run_options.lang() == "d"
    assert doc.editor.highlighter.lang == "d"
    # the seeds' scripts lint clean
    qtbot.waitUntil(lambda: not doc.lint_inflight, timeout=15_000)
    assert not [p for p in pane.problems.problems() if p[0].severity == "error"]


# ---------------------------------------------------------------------------------------------------
# Workspace
# ---------------------------------------------------------------------------------------------------


def test_state_and_restore_keep_documents_languages_cursors_and_run_options(qtbot, tmp_path):
    path = tmp_path / "saved.bt"
    path.write_text("BEGIN { @x = count(); }\n")
    first = EditorPane()
    qtbot.addWidget(first)
    saved = first.open_file(path)
    unsaved = first.new_document("d", "syscall:::entry { @n[execname] = count(); }")
    set_target(first, "local:sampler", 2.5)
    first.run_options.spin_duration.setValue(30)
    first.run_options.combo_chart.setCurrentIndex(first.run_options.combo_chart.findData("pie"))
    cursor = unsaved.editor.textCursor()
    cursor.setPosition(8)
    unsaved.editor.setTextCursor(cursor)
    first.set_current_document(saved)
    state = first.state()
    first.shutdown()
    assert [d["path"] for d in state["documents"]] == [str(path), None]
    assert "text" not in state["documents"][0] and state["documents"][1]["text"].startswith("syscall")

    second = EditorPane()
    qtbot.addWidget(second)
    second.restore(state)
    a, b = second.documents()
    assert a.path == str(path) and a.lang == "bpftrace"
    assert b.path is None and b.lang == "d" and b.text() == unsaved.text()
    assert b.editor.textCursor().position() == 8
    assert b.run_config == RunConfig("local", "sampler", None, 2.5, 30.0, "pie")
    assert second.current_document() is a
    second.set_current_document(b)
    assert second.run_options.config() == b.run_config
    second.shutdown()


# ---------------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_run_on_the_sampler_fills_its_store_requests_charts_that_plot_data_and_stop_stops_it(
    pane, qtbot, tmp_path
):
    from suricate_desktop.gui.plots import PlotPanel

    doc = pane.new_document(
        "bpftrace", "tracepoint:raw_syscalls:sys_enter { @n[comm] = count(); }\n", name="syscalls.bt"
    )
    set_target(pane, "local:sampler", 0.2)
    assert doc.run_config.backend == "sampler" and doc.run_config.interval == 0.2
    charts = []
    pane.chartRequested.connect(lambda store, stream, chart: charts.append((store, stream, chart)))
    with qtbot.waitSignal(pane.runStarted, timeout=5000) as started:
        pane.run_action.trigger()
    source = started.args[0]
    assert isinstance(source, RunSource) and source.kind == "run" and source is doc.source
    assert pane.tabs.tabText(pane.tabs.indexOf(doc.editor)).startswith("▶")
    assert not pane.run_action.isEnabled() and pane.stop_action.isEnabled()
    qtbot.waitUntil(lambda: source.state == "running", timeout=10_000)
    qtbot.waitUntil(lambda: source.store.snapshots >= 10 and len(charts) >= 5, timeout=20_000)
    streams = {stream for _, stream, _ in charts}
    assert {agg for _, _, agg in streams} == {
        "cpu_time",
        "io_read_bytes",
        "io_write_bytes",
        "ctx_switches",
        "rss",
    }
    assert {src for _, src, _ in streams} == {source_word("syscalls.bt")} == {"syscalls"}
    assert all(store is source.store and chart == "auto" for store, _, chart in charts)
    assert "the sampler runs no script" in pane.output.text()
    # the charts asked for plot data: a plot panel on one of them has rows to show
    stream = next(s for s in streams if s[2] == "rss")
    panel = PlotPanel(source.store, stream, "auto")
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh()
    csv = tmp_path / "rss.csv"
    panel.export_csv(csv)
    rows = csv.read_text().strip().splitlines()
    assert len(rows) >= 2, rows  # a header and data
    # Stop
    with qtbot.waitSignal(pane.runStopped, timeout=15_000) as stopped:
        pane.stop_action.trigger()
    assert stopped.args[0] is source
    assert source.state == "stopped" and not source.running
    assert "stopped after" in source.detail
    assert pane.run_action.isEnabled() and not pane.stop_action.isEnabled()
    assert "■ syscalls.bt: stopped" in pane.output.text()
    assert not pane.tabs.tabText(pane.tabs.indexOf(doc.editor)).startswith("▶")


@pytest.mark.timeout(60)
def test_a_run_with_a_duration_stops_by_itself(pane, qtbot):
    pane.new_document("d", "")
    set_target(pane, "local:sampler", 0.2)
    pane.run_options.spin_duration.setValue(1)
    with qtbot.waitSignal(pane.runStopped, timeout=15_000) as stopped:
        pane.run()
    source = stopped.args[0]
    assert source.state == "stopped" and "finished" in source.detail and source.store.snapshots > 0


def test_a_run_worker_never_touches_widgets_and_output_is_bounded(qtbot):
    """Everything a run says reaches the GUI thread through RunSignals, batched."""
    from PySide6.QtCore import QThread

    source = RunSource("", "d", "sampler", interval=0.2, file="x.d")
    threads = []
    texts = []
    source.signals.output.connect(lambda t: (threads.append(QThread.currentThread()), texts.append(t)))
    source.signals.stateChanged.connect(lambda *a: threads.append(QThread.currentThread()))
    import threading

    def flood():
        for i in range(50_000):
            source._emit_output(f"line {i}\n")

    t = threading.Thread(target=flood)
    t.start()
    t.join()
    source.start()
    qtbot.waitUntil(lambda: source.state == "running", timeout=10_000)
    source.stop(timeout=10)
    qtbot.waitUntil(lambda: bool(texts), timeout=5000)
    gui = QThread.currentThread()
    assert threads and all(th is gui for th in threads)
    joined = "".join(texts)
    assert joined.endswith("line 49999\n") and len(texts) <= 3  # one batch, not 50,000 signals
    assert len(joined) <= 2 * (1 << 20)


@needs_bpftrace
@pytest.mark.root
@pytest.mark.timeout(120)
def test_a_broken_bpftrace_script_reports_the_compilers_error_at_its_line(pane, qtbot, bpftrace_ready):
    script = (
        'BEGIN { printf("starting\\n"); }\n'
        "tracepoint:syscalls:sys_enter_nosuch\n"
        "{\n"
        "    @n[comm] = count();\n"
        "}\n"
    )
    doc = pane.new_document("bpftrace", script, name="broken.bt")
    qtbot.waitUntil(lambda: not doc.lint_inflight, timeout=15_000)
    assert not [p for p in pane.problems.problems() if p[0].severity == "error"]  # the linter cannot know
    set_target(pane, "local:bpftrace")
    with qtbot.waitSignal(pane.runStopped, timeout=90_000) as stopped:
        pane.run()
    source = stopped.args[0]
    assert source.state == "error" and "tracepoint not found" in source.detail
    rows = [r for r in problem_rows(pane) if r[2] == "bpftrace"]
    assert rows, problem_rows(pane)
    where, message, _ = rows[0]
    assert where.startswith("broken.bt:2:") and "tracepoint not found" in message
    assert doc.editor.marker_lines().get(2) == "error"
    assert any(line == 2 and sev == "error" for line, _, _, sev in doc.editor.underlines())
    assert pane.bottom.currentWidget() is pane.problems
    assert "broken.bt:2:" in pane.output.text()
    # editing that line takes the compiler's (now stale) error away; the linter's stay
    cursor = _cursor_at(doc.editor, 2, 37)
    cursor.insertText("x")
    assert 2 not in doc.editor.marker_lines()
    qtbot.waitUntil(lambda: not [r for r in problem_rows(pane) if r[2] == "bpftrace"], timeout=15_000)


@needs_bpftrace
@pytest.mark.root
@pytest.mark.timeout(120)
def test_the_output_pane_shows_a_bpftrace_scripts_printf_output(pane, qtbot, bpftrace_ready):
    doc = pane.new_document(
        "bpftrace", 'BEGIN { printf("hello from bpftrace %d\\n", 42); exit(); }\n', name="hello.bt"
    )
    set_target(pane, "local:bpftrace")
    with qtbot.waitSignal(pane.runStopped, timeout=90_000) as stopped:
        pane.run()
    source = stopped.args[0]
    assert source.state == "stopped", source.detail
    assert source.backend_name == "bpftrace"
    assert "hello from bpftrace 42\n" in pane.output.text()
    assert doc.editor.markers("bpftrace") == []


@needs_bpftrace
@pytest.mark.root
@pytest.mark.timeout(120)
def test_a_d_script_runs_on_bpftrace_translated_and_a_refused_construct_is_marked_at_its_d_line(
    pane, qtbot, bpftrace_ready
):
    doc = pane.new_document(
        "d", 'BEGIN\n{\n    printf("hello from D\\n");\n    exit(0);\n}\n', name="hello.d"
    )
    set_target(pane, "local:bpftrace")
    with qtbot.waitSignal(pane.runStopped, timeout=90_000) as stopped:
        pane.run()
    assert stopped.args[0].state == "stopped", stopped.args[0].detail
    assert "hello from D\n" in pane.output.text()
    # stddev() has no bpftrace translation: refused at its D line, before bpftrace runs
    doc.editor.setPlainText("syscall::read:entry\n{\n    @s[execname] = stddev(arg2);\n}\n")
    with qtbot.waitSignal(pane.runStopped, timeout=90_000) as stopped:
        pane.run()
    assert stopped.args[0].state == "error"
    rows = [r for r in problem_rows(pane) if r[2] == "translate"]
    assert rows and rows[0][0] == "hello.d:3:20" and "stddev" in rows[0][1]


# ---------------------------------------------------------------------------------------------------
# Remote runs (the real broker, an agent with --control in-process)
# ---------------------------------------------------------------------------------------------------


@pytest.mark.broker
@pytest.mark.timeout(120)
def test_a_remote_run_goes_through_the_control_client_and_its_snapshots_come_back(
    pane, qtbot, broker_url, exchange
):
    import uuid

    from suricate_desktop.agent.control_handler import AgentControlHandler
    from suricate_desktop.transport.control import ControlClient, ControlServer
    from suricate_desktop.transport.publisher import Publisher

    secret = b"0123456789abcdef0123456789abcdef"
    host = f"ed{uuid.uuid4().hex[:8]}"
    publisher = Publisher(broker_url, exchange).start()
    handler = AgentControlHandler(lambda: publisher, host)
    server = ControlServer(broker_url, host, secret, handler).start()
    assert server.wait_ready()
    clients = []

    def factory(h):
        clients.append(ControlClient(broker_url, h, secret, timeout=60))
        return clients[-1]

    try:
        pane.set_remote_hosts([host], broker_url=broker_url, client_factory=factory, exchange=exchange)
        doc = pane.new_document("d", "", name="remote.d")
        set_target(pane, f"remote:{host}", 0.2)
        charts = []
        pane.chartRequested.connect(lambda store, stream, chart: charts.append(stream))
        with qtbot.waitSignal(pane.runStarted, timeout=5000) as started:
            pane.run()
        source = started.args[0]
        assert isinstance(source, RemoteRunSource) and source.binding == f"{host}.remote.*"
        qtbot.waitUntil(lambda: source.state == "running", timeout=60_000)
        qtbot.waitUntil(lambda: source.store.snapshots >= 10 and len(charts) >= 5, timeout=30_000)
        assert {s[0] for s in charts} == {host} and {s[1] for s in charts} == {"remote"}
        with qtbot.waitSignal(pane.runStopped, timeout=60_000):
            pane.stop(doc)
        assert source.state == "stopped", source.detail
        assert handler.run_ids() == []
    finally:
        for c in clients:
            c.close()
        handler.stop_all(timeout=10)
        server.stop()
        publisher.close()


def test_the_pane_exposes_named_actions_and_the_templates_menu_for_the_main_window(pane):
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

    items = pane.actions()
    names = {a.objectName() for a in items if isinstance(a, QAction)}
    assert {
        "new-d",
        "new-bpftrace",
        "open",
        "save",
        "save-as",
        "close",
        "undo",
        "redo",
        "cut",
        "copy",
        "paste",
        "find",
        "replace",
        "find-next",
        "find-previous",
        "run",
        "stop",
    } <= names
    assert [m for m in items if isinstance(m, QMenu)] == [pane.templates_menu]
    assert [m.title() for m in pane.menus()] == ["&File", "&Edit", "&Templates", "&Run"]
    by_name = {a.objectName(): a for a in items if isinstance(a, QAction)}
    assert (
        by_name["run"].shortcuts()[0].toString() == "F5"
        and by_name["stop"].shortcut().toString() == "Shift+F5"
    )
    assert (
        by_name["find"].shortcut().toString() == "Ctrl+F"
        and by_name["replace"].shortcut().toString() == "Ctrl+H"
    )
    assert by_name["find-next"].shortcut().toString() == "F3"


def test_diagnostics_without_a_column_past_the_end_or_without_a_line_are_placed_sensibly(pane, qtbot):
    from suricate_desktop.lang.diagnostics import Diagnostic

    doc = pane.new_document("d", "BEGIN\n{\n    trace(1);\n}\n", name="edge.d")
    qtbot.waitUntil(lambda: not doc.lint_inflight, timeout=15_000)
    editor = doc.editor
    editor.set_diagnostics(
        [
            Diagnostic(3, 0, "error", "line only", "x"),  # libdtrace gives lines without columns
            Diagnostic(4, 40, "error", "unexpected end of input", "x"),  # past the end of the line
            Diagnostic(99, 1, "warning", "beyond the last line", "x"),
            Diagnostic(0, 0, "error", "no place at all", "x"),
        ],
        "dtrace",
        drop_on_edit=True,
    )
    lines = sorted(editor.underlines())
    assert (3, 5, 14, "error") in lines  # the line's text, not its indentation
    assert (4, 1, 2, "error") in lines  # the last character
    assert any(line == 5 for line, *_ in lines) or editor.marker_lines().get(5)  # clamped to the last block
    rows = problem_rows(pane)
    assert ("edge.d", "no place at all", "dtrace") in rows and ("edge.d:3", "line only", "dtrace") in rows


# -- the pane in a narrow dock (issue 15) -------------------------------------------------------------------------------
def test_in_a_narrow_dock_stop_stays_in_sight_and_problems_and_output_are_not_cut(qtbot, pane):
    """At the editor dock's laptop width: Stop not behind ">>", a long problem wrapped whole in its row, a long
    output line wrapped instead of running past the edge."""
    from suricate_desktop.lang.diagnostics import Diagnostic

    pane.resize(420, 600)
    doc = pane.new_document("d", "syscall::read:entry { @[execname] = count(); }\n")
    qtbot.wait(50)
    stop = pane.toolbar.widgetForAction(pane.stop_action)
    assert stop.isVisible() and pane.toolbar.rect().contains(stop.geometry())
    long = "the aggregation's key has more components here than where it was first used, " * 2
    pane.problems.set_problems([(Diagnostic(1, 5, "error", long.strip(), doc.name), "lint")])
    pane.bottom.setCurrentWidget(pane.problems)
    qtbot.wait(50)
    view = pane.problems
    index = view.model().index(0, 1)
    line = view.fontMetrics().height()
    assert view.visualRect(index).height() >= 2 * line  # wrapped onto several lines
    assert view.horizontalScrollBar().maximum() == 0
    pane.output.append_status("Run stopped: " + long)
    pane.bottom.setCurrentWidget(pane.output)
    qtbot.wait(50)
    assert pane.output.horizontalScrollBar().maximum() == 0


def test_undoing_a_long_line_leaves_no_horizontal_scroll(qtbot, pane):
    """Issue 15: undoing a pasted long line left a horizontal scroll bar over nothing."""
    pane.resize(420, 600)
    doc = pane.new_document("d", "syscall::read:entry\n{\n    @[execname] = count();\n}\n")
    editor = doc.editor
    qtbot.wait(50)
    assert editor.horizontalScrollBar().maximum() == 0
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    editor.insertPlainText("/* " + "a comment far wider than the dock " * 6 + "*/\n")
    qtbot.wait(50)
    assert editor.horizontalScrollBar().maximum() > 0
    editor.undo()
    qtbot.waitUntil(lambda: editor.horizontalScrollBar().maximum() == 0, timeout=2000)
