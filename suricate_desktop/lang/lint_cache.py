"""Lexing for the linter, line by line with a cache.

As a script is typed, it is linted again and again with one line changed.
A line's tokens depend only on its text and on the lexer state it starts in,
so they are cached under (language, start state, text); a lint lexes only
the lines it has not seen.  A first lint lexes the whole text in one go.
"""

from __future__ import annotations

from itertools import repeat
from operator import itemgetter

from .tokens import INITIAL_STATE, LexerSpec, LexState, Token, run_lexer

#: a lexer state as a plain tuple (mode, depth, inside a comment): hashed for each line looked up
StateTuple = tuple[int, int, bool]
#: (language, start state, line text) -> (end state, tokens, comments, line number they carry)
LINE_CACHE: dict[tuple[str, StateTuple, str], tuple[StateTuple, list[Token], list[Token], int]] = {}
_LINE_CACHE_MAX = 50_000
_MISSES_BEFORE_BULK = 4
_ig0, _ig1, _ig2, _ig3 = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


def _relined(toks: list[Token], line: int) -> list[Token]:
    """The same tokens, moved to ``line``."""
    new = tuple.__new__
    return list(map(new, repeat(Token), zip(map(_ig0, toks), map(_ig1, toks), repeat(line), map(_ig3, toks))))


def lex_lines(
    spec: LexerSpec, lang: str, text: str
) -> tuple[list[Token], list[Token], StateTuple, list[StateTuple]]:
    """Non-blank tokens of ``text`` (comments apart), its comments, its end state and each line's start state."""
    cache = LINE_CACHE
    get = cache.get
    lines = text.split("\n")
    sig: list[Token] = []
    extend = sig.extend
    comments: list[Token] = []
    coms: list[Token]
    states: list[StateTuple] = []
    state: StateTuple = (INITIAL_STATE.mode, INITIAL_STATE.depth, INITIAL_STATE.comment)
    misses = 0
    nlines = len(lines)
    i = 0
    while i < nlines:
        src = lines[i]
        hit = get((lang, state, src))
        if hit is not None:
            end, toks, coms, at = hit
            states.append(state)
            if toks:
                extend(toks if at == i + 1 else _relined(toks, i + 1))
            if coms:
                comments.extend(coms if at == i + 1 else _relined(coms, i + 1))
            state = end
            i += 1
            continue
        misses += 1
        if misses < _MISSES_BEFORE_BULK:
            # one line
            coms = []
            toks, end_state = run_lexer(spec, src, LexState(*state), i + 1, keep_blanks=False, comments=coms)
            end = (end_state.mode, end_state.depth, end_state.comment)
            if len(cache) >= _LINE_CACHE_MAX:
                cache.clear()
            cache[(lang, state, src)] = (end, toks, coms, i + 1)
            states.append(state)
            extend(toks)
            comments.extend(coms)
            state = end
            i += 1
            continue
        # many misses: lex the rest in one go, then file its lines in the cache
        start_off = sum(map(len, lines[:i])) + i
        rest_states: list[StateTuple] = []
        firsts: list[int] = []
        coms = []
        toks, end_state = run_lexer(
            spec,
            text[start_off:],
            LexState(*state),
            i + 1,
            keep_blanks=False,
            line_states=rest_states,
            line_starts=firsts,
            comments=coms,
        )
        extend(toks)
        comments.extend(coms)
        states.extend(rest_states)
        if len(cache) + len(rest_states) >= _LINE_CACHE_MAX:
            cache.clear()
        end = (end_state.mode, end_state.depth, end_state.comment)
        firsts.append(len(toks))
        ends = rest_states[1:]
        ends.append(end)
        by_line: dict[int, list[Token]] = {}
        for c in coms:
            by_line.setdefault(c[2], []).append(c)
        none: list[Token] = []
        for k, (st, src, nxt, a, b) in enumerate(
            zip(rest_states, lines[i:], ends, firsts, firsts[1:], strict=False), i + 1
        ):
            cache[(lang, st, src)] = (nxt, toks[a:b], by_line.get(k, none), k)
        return sig, comments, end, states
    return sig, comments, state, states
