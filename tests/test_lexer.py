"""Lexers: typed tokens, exact round trip, block-by-block resumption."""

from __future__ import annotations

import pathlib
import random
import re

import pytest

from suricate_desktop.lang import lexer_bpftrace, lexer_d
from suricate_desktop.lang.lexer import normalize_lang, tokenize, tokenize_line, tokenize_with_state
from suricate_desktop.lang.tokens import (
    INITIAL_STATE,
    MODE_BODY,
    MODE_DECL,
    MODE_OUTER,
    MODE_PRED,
    LexState,
    Token,
    TokenType,
    run_lexer,
)

T = TokenType
CORPUS = pathlib.Path(__file__).parent / "corpus"
FILES = sorted(p for p in CORPUS.glob("*/*/*") if p.suffix in (".d", ".bt"))
LANGS = ("d", "bpftrace")


def lang_of(path: pathlib.Path) -> str:
    return "d" if path.suffix == ".d" else "bpftrace"


def by_blocks(text: str, lang: str, packed: bool = False) -> list[Token]:
    """Lex like the editor's highlighter: one block (line) at a time, handing on the state."""
    out: list[Token] = []
    state: LexState | int | None = -1 if packed else None
    lines = text.split("\n")
    for n, line in enumerate(lines, 1):
        toks, end = tokenize_line(line, lang, state, line=n)
        out.extend(toks)
        state = end.to_int() if packed else end
        if n < len(lines):
            out.append(Token(T.NEWLINE, "\n", n, len(line) + 1))
    return out


def exact_only(lang: str):
    """The lexer with its fast path disabled: every line goes through the per-state regexes."""
    spec = (lexer_d if lang == "d" else lexer_bpftrace).SPEC._replace(pieces=re.compile("(?!)"))
    return lambda text: run_lexer(spec, text, INITIAL_STATE, 1)[0]


def random_text(rng: random.Random, n: int) -> str:
    alphabet = [
        *list("abcxyz_019 \t\n{}()[];,/*\"'#$@:.-+<>=!&|^%?~\\`"),
        "self->",
        "/*",
        "*/",
        "//",
        "\n#pragma D ",
        "syscall::read:entry",
        "kprobe:vfs_read",
        "@x[pid] = count();",
        "/pid == 1/",
        "é",
        "\r\n",
        "$1",
        "$x",
    ]
    return "".join(rng.choice(alphabet) for _ in range(n))


def check_positions(text: str, toks: list[Token]) -> None:
    line, col = 1, 1
    for t in toks:
        assert (t.line, t.column) == (line, col), t
        assert t.text, t
        assert "\n" not in t.text or t.type is T.NEWLINE
        if t.type is T.NEWLINE:
            line, col = line + 1, 1
        else:
            col += len(t.text)
    assert "".join(t.text for t in toks) == text


# ---------------------------------------------------------------------------


def test_corpus_is_there():
    assert len(FILES) >= 60


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
@pytest.mark.parametrize("lang", LANGS)
def test_round_trip_and_positions_on_corpus(path, lang):
    text = path.read_text()
    toks = tokenize(text, lang)
    check_positions(text, toks)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_blocks_equal_whole_text_on_corpus(path):
    text = path.read_text()
    lang = lang_of(path)
    whole = tokenize(text, lang)
    assert by_blocks(text, lang) == whole
    assert by_blocks(text, lang, packed=True) == whole


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_fast_path_equals_exact_path_on_corpus(path):
    text = path.read_text()
    lang = lang_of(path)
    assert tokenize(text, lang) == exact_only(lang)(text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("seed", range(150))
def test_random_text(lang, seed):
    rng = random.Random(seed)
    text = random_text(rng, rng.randint(0, 400))
    toks = tokenize(text, lang)
    check_positions(text, toks)
    assert by_blocks(text, lang) == toks
    assert exact_only(lang)(text) == toks


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize(
    "state",
    [
        LexState(MODE_PRED, 0, False),
        LexState(MODE_BODY, 2, False),
        LexState(MODE_DECL, 0, False),
        LexState(MODE_DECL, 1, False),
    ],
)
def test_random_text_from_inner_states(lang, seed, state):
    """Lexed from a predicate, body or declaration state, the fast and exact paths must agree."""
    rng = random.Random(1000 + seed)
    text = random_text(rng, 300)
    spec = (lexer_d if lang == "d" else lexer_bpftrace).SPEC
    fast = run_lexer(spec, text, state, 1)
    exact = run_lexer(spec._replace(pieces=re.compile("(?!)")), text, state, 1)
    assert fast == exact
    assert "".join(t.text for t in fast[0]) == text
    # the linter's mode: the same tokens without the blanks, the same line states
    states: list = []
    lean = run_lexer(spec, text, state, 1, keep_blanks=False, line_states=states)
    assert lean[0] == [t for t in fast[0] if t.type not in (T.WHITESPACE, T.NEWLINE)]
    assert lean[1] == fast[1]
    assert len(states) == text.count("\n") + 1 and states[0] == tuple(state)
    # ... and with the comments set apart
    coms: list = []
    apart = run_lexer(spec, text, state, 1, keep_blanks=False, comments=coms)
    assert apart[1] == fast[1]
    assert apart[0] == [t for t in lean[0] if t.type is not T.COMMENT]
    assert coms == [t for t in lean[0] if t.type is T.COMMENT]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "text",
    [
        "BEGIN { x = self->`y; z = self->foo`bar; }",
        "BEGIN /x//y/ { }",
        "BEGIN /a/*c*/{ }",
        "BEGIN { a //b\n}",
        "  #pragma D option quiet\nBEGIN {\n  # x\n}",
        "BEGIN { kstack (perf); @[kstack] = count(); }",
        "struct s { int a; };\nBEGIN { }",
        "inline int N = 1;\nint x;\n",
        "BEGIN\n/x\n/\n{ }",
        "BEGIN { @b = sum(args->count); @n = count (); x.count = 1; }",
    ],
)
def test_tricky_lines_agree_between_paths(lang, text):
    toks = tokenize(text, lang)
    check_positions(text, toks)
    assert exact_only(lang)(text) == toks
    assert by_blocks(text, lang) == toks


def test_state_packing():
    for state in (INITIAL_STATE, LexState(3, 7, True), LexState(2, 0, False), LexState(4, 123456, True)):
        assert LexState.from_int(state.to_int()) == state
        assert state.to_int() >= 0
    assert LexState.from_int(-1) == INITIAL_STATE
    assert LexState.from_int(None) == INITIAL_STATE


def test_normalize_lang():
    assert normalize_lang("D") == "d"
    assert normalize_lang("bt") == "bpftrace"
    with pytest.raises(ValueError):
        normalize_lang("systemtap")


def types(text: str, lang: str) -> list[tuple[TokenType, str]]:
    return [(t.type, t.text) for t in tokenize(text, lang) if t.type not in (T.WHITESPACE, T.NEWLINE)]


def test_d_token_types():
    src = (
        "#pragma D option quiet\n"
        "syscall::read:entry,\nsyscall::write:entry\n/pid == $target && arg0 / 2 > 1/\n"
        "{ self->ts = timestamp; this->n = 10UL; @dist[execname] = lquantize(arg0, 0, 12, 2);\n"
        '  printf("%d\\n", x); }\n'
    )
    got = types(src, "d")
    assert got[0] == (T.PRAGMA, "#pragma D option quiet")
    assert (T.PROBE, "syscall::read:entry") in got
    assert (T.PROBE, "syscall::write:entry") in got
    preds = [i for i, (tt, _) in enumerate(got) if tt is T.PREDICATE]
    assert len(preds) == 2
    inside = got[preds[0] + 1 : preds[1]]
    assert (T.OPERATOR, "/") in inside  # "arg0 / 2": division inside the predicate
    assert (T.MACRO, "$target") in inside
    assert (T.BUILTIN, "pid") in inside
    assert (T.VARIABLE, "self->ts") in got
    assert (T.VARIABLE, "this->n") in got
    assert (T.NUMBER, "10UL") in got
    assert (T.AGGREGATION, "@dist") in got
    assert (T.AGG_FUNC, "lquantize") in got
    assert (T.ACTION, "printf") in got
    assert (T.BUILTIN, "execname") in got
    assert (T.STRING, '"%d\\n"') in got
    assert (T.IDENTIFIER, "x") in got


def test_d_outer_scope():
    got = types("profile-997 /arg0/ { @[stack()] = count(); }\ntick-1s { exit(0); }\n", "d")
    assert got[0] == (T.PROBE, "profile-997")
    assert (T.PROBE, "tick-1s") in got
    assert (T.AGGREGATION, "@") in got
    assert (T.ACTION, "stack") in got
    got = types("inline int MAX = 10;\nuint64_t total;\nBEGIN { total = MAX; }\n", "d")
    assert got[0] == (T.KEYWORD, "inline")
    assert (T.IDENTIFIER, "uint64_t") in got
    assert (T.PROBE, "BEGIN") in got
    got = types("pid$target::malloc:entry, fbt::vfs_*:entry { }", "d")
    assert got[0] == (T.PROBE, "pid$target::malloc:entry")
    assert got[2] == (T.PROBE, "fbt::vfs_*:entry")


def test_d_comments_and_errors():
    toks, state = tokenize_with_state("BEGIN /* a\nb */ { x = 1; // no\n}", "d")
    texts = [(t.type, t.text) for t in toks]
    assert (T.COMMENT, "/* a") in texts and (T.COMMENT, "b */") in texts
    assert (T.ERROR, "// no") in texts
    assert state == INITIAL_STATE
    toks, state = tokenize_with_state("/* open", "d")
    assert state.comment and toks[0].type is T.COMMENT
    # the next block continues the comment
    more, state2 = tokenize_line("still */ BEGIN {", "d", state, line=2)
    assert more[0] == Token(T.COMMENT, "still */", 2, 1)
    assert more[-1].text == "{" and state2.mode == MODE_BODY and state2.depth == 1
    assert types("#!/usr/sbin/dtrace -s\n", "d")[0] == (T.COMMENT, "#!/usr/sbin/dtrace -s")


def test_d_predicate_close_rule():
    # "/" followed by ; { / or the end of the line closes the predicate; otherwise it divides
    got = types("BEGIN\n/x / 2/\n{ }", "d")
    assert [tt for tt, _ in got].count(T.PREDICATE) == 2
    got = types("BEGIN /a/ /* c */ { }", "d")
    assert [tt for tt, _ in got].count(T.PREDICATE) == 2 and (T.COMMENT, "/* c */") in got


def test_bpftrace_token_types():
    src = (
        "#include <linux/sched.h>\n"
        "uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc /pid == $1/ { @[ustack] = hist(arg0); }\n"
        "kprobe:vfs_* { $x = kstack(5); @s[kstack] = count(); } // trailing\n"
        "interval:s:1 { print(@s); zero(@s); }\n"
    )
    got = types(src, "bpftrace")
    assert got[0] == (T.PRAGMA, "#include <linux/sched.h>")
    assert (T.PROBE, "uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc") in got
    assert (T.PROBE, "kprobe:vfs_*") in got
    assert (T.PROBE, "interval:s:1") in got
    assert (T.MACRO, "$1") in got
    assert (T.VARIABLE, "$x") in got
    assert (T.ACTION, "kstack") in got  # kstack(5): a function
    assert (T.BUILTIN, "kstack") in got  # @s[kstack]: the builtin
    assert (T.AGG_FUNC, "hist") in got and (T.AGG_FUNC, "count") in got
    assert (T.COMMENT, "// trailing") in got
    assert (T.ACTION, "zero") in got and (T.BUILTIN, "ustack") in got
    assert [tt for tt, _ in got].count(T.PREDICATE) == 2


@pytest.mark.parametrize(
    "lang,src",
    [
        (
            "bpftrace",
            "tracepoint:syscalls:sys_enter_read { @b[comm] = sum(args->count); @n = count (); exit(); }",
        ),
        ("d", "syscall::read:entry { @b[execname] = sum(args[2]); c = count; @n = count (); exit(0); }"),
    ],
)
def test_function_names_are_functions_only_where_called(lang, src):
    """``args->count`` is a member (bpftrace's read(2) argument), not the aggregating function."""
    got = types(src, lang)
    assert (T.IDENTIFIER, "count") in got  # args->count / a bare name: coloured as a name
    assert (T.AGG_FUNC, "count") in got and (T.AGG_FUNC, "sum") in got  # count (): called
    assert (T.ACTION, "exit") in got
    assert got.count((T.AGG_FUNC, "count")) == 1


def test_bpftrace_struct_definition():
    got = types("struct foo { int a; }\nBEGIN { exit(); }", "bpftrace")
    assert got[0] == (T.KEYWORD, "struct")
    assert (T.PROBE, "BEGIN") in got


def test_bpftrace_single_quote_is_an_error():
    assert (T.ERROR, "'") in types("BEGIN { $c = 'a'; }", "bpftrace")


def test_tokenize_line_numbers_tokens():
    toks, state = tokenize_line("  @x = count();", "d", LexState(MODE_BODY, 1, False), line=7)
    assert toks[0] == Token(T.WHITESPACE, "  ", 7, 1)
    assert toks[1] == Token(T.AGGREGATION, "@x", 7, 3)
    assert toks[1].end_column == 5
    assert state == LexState(MODE_BODY, 1, False)
    toks, state = tokenize_line("}", "d", state)
    assert state.mode == MODE_OUTER


def test_empty_and_newline_only():
    assert tokenize("", "d") == []
    assert tokenize("\n\n", "bpftrace") == [Token(T.NEWLINE, "\n", 1, 1), Token(T.NEWLINE, "\n", 2, 1)]
