"""Recursive-descent parser for the D subset the translator understands.

It turns a D script into a :class:`~.nodes.Program`: clauses (probe descriptions, predicate,
statements), ``#pragma D option`` lines and ``inline`` constants. Declarations it cannot carry
over (translators, types, providers, cpp directives) are refused here, at their line; variable
declarations (``self int t;``) carry nothing to translate and are skipped.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, ScriptError
from .lexer import IDENT, Lexer, Tok
from .nodes import (
    Agg,
    Assign,
    Binary,
    Call,
    Cast,
    Clause,
    Desc,
    ExprStmt,
    If,
    Index,
    Macro,
    Member,
    Name,
    Node,
    Num,
    Program,
    Stmt,
    Str,
    Ternary,
    Unary,
    Var,
)
from .refusal import Located, Refusal, refusal_at

C_TYPES = {
    "char",
    "short",
    "int",
    "long",
    "signed",
    "unsigned",
    "float",
    "double",
    "void",
    "string",
    "const",
    "volatile",
    "size_t",
    "ssize_t",
    "uintptr_t",
    "intptr_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uchar_t",
    "ushort_t",
    "uint_t",
    "ulong_t",
    "u_longlong_t",
    "longlong_t",
    "hrtime_t",
    "pid_t",
    "id_t",
    "uid_t",
    "gid_t",
    "caddr_t",
    "boolean_t",
    "dev_t",
    "off_t",
}
_REFUSED_DECLS = {
    "translator": "translator declarations: bpftrace has no translators",
    "typedef": "typedef declarations",
    "struct": "struct declarations",
    "union": "union declarations",
    "enum": "enum declarations",
    "provider": "provider declarations (USDT): define the probes in the application",
    "extern": "extern declarations (kernel symbols differ on Linux)",
    "import": "import declarations",
}
_ASSIGN_OPS = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}
BINARY_PREC = {
    "||": 3,
    "^^": 4,
    "&&": 5,
    "|": 6,
    "^": 7,
    "&": 8,
    "==": 9,
    "!=": 9,
    "<": 10,
    "<=": 10,
    ">": 10,
    ">=": 10,
    "<<": 11,
    ">>": 11,
    "+": 12,
    "-": 12,
    "*": 13,
    "/": 13,
    "%": 13,
}


class Parser:
    """Parses one D script; :meth:`parse` raises ScriptError at the first syntax error or refusal."""

    def __init__(self, text: str, file: str) -> None:
        self.lex = Lexer(text)
        self.file = file
        self.warnings: list[Diagnostic] = []
        self.options: dict[str, str] = {}
        self.inlines: dict[str, Node] = {}
        self.in_predicate = False

    def fail(self, where: Located, message: str) -> Refusal:
        return refusal_at(where, message)

    def warn(self, line: int, col: int, message: str) -> None:
        self.warnings.append(Diagnostic(line, col, "warning", message, self.file))

    def parse(self) -> Program:
        try:
            return self._parse()
        except Refusal as r:
            raise ScriptError(Diagnostic(r.line, r.column, "error", r.message, self.file)) from None

    def _parse(self) -> Program:
        lex = self.lex
        clauses: list[Clause] = []
        while True:
            lex.skip_space()
            if lex.pos >= len(lex.text):
                break
            c = lex.text[lex.pos]
            if c == "#" and lex.at_line_start():
                self._control_line()
                continue
            if c == ";":
                lex._advance(1)
                continue
            m = IDENT.match(lex.text, lex.pos)
            word = m.group(0) if m else ""
            if word == "inline":
                self._inline()
                continue
            if word in _REFUSED_DECLS:
                raise Refusal(lex.line, lex.col, f"cannot translate {_REFUSED_DECLS[word]}")
            if word in ("self", "this") or word in C_TYPES:
                # a variable declaration: ``self int t;``, ``int x;`` -- nothing to translate
                line, col = lex.line, lex.col
                end = lex.text.find(";", lex.pos)
                if end < 0 or "{" in lex.text[lex.pos : end]:
                    raise Refusal(line, col, f"unterminated declaration starting with {word!r}")
                lex._advance(end + 1 - lex.pos)
                continue
            clauses.append(self._clause())
        return Program(clauses, self.warnings, self.options, self.inlines)

    def _inline(self) -> None:
        """``inline TYPE NAME = expr;``: a named constant, substituted where it is used."""
        lex = self.lex
        start = lex.next()  # 'inline'
        words: list[Tok] = []
        while lex.peek().text != "=":
            tok = lex.next()
            if tok.kind == "eof" or tok.text in (";", "{"):
                raise self.fail(tok, "syntax error in inline declaration: expected '='")
            words.append(tok)
        if not words or words[-1].kind != "ident" or len(words) < 2:
            raise self.fail(start, "syntax error in inline declaration: expected a type and a name")
        lex.next()
        value = self.expr()
        self.expect(";")
        self.inlines[words[-1].text] = value

    def _control_line(self) -> None:
        lex = self.lex
        line, col = lex.line, lex.col
        text = lex.rest_of_line().strip()
        if text.startswith("#!"):
            return
        words = text[1:].split()
        if not words:
            return
        if words[0] == "pragma":
            if len(words) >= 3 and words[1] == "D" and words[2] == "option":
                for opt in words[3:]:
                    name, _, value = opt.partition("=")
                    self.options[name] = value
                    if name != "quiet":
                        self.warn(line, col, f"option {name} has no bpftrace script equivalent; dropped")
                return
            if len(words) >= 2 and words[1] == "D":
                self.warn(line, col, f"#pragma D {' '.join(words[2:3])} dropped")
                return
            return  # other pragmas are ignored by dtrace too
        if words[0].isdigit() or words[0] == "line":
            return
        raise Refusal(
            line,
            col,
            f"preprocessor directive #{words[0]}: needs dtrace -C, which bpftrace has no equivalent of",
        )

    def _clause(self) -> Clause:
        lex = self.lex
        descs = []
        first = lex.probe_desc()
        descs.append(Desc(first.text, first.line, first.col))
        while lex.peek_char() == ",":
            lex.skip_space()
            lex._advance(1)
            d = lex.probe_desc()
            descs.append(Desc(d.text, d.line, d.col))
        pred = None
        lex.skip_space()
        if lex.pos < len(lex.text) and lex.text[lex.pos] == "/":
            lex._advance(1)
            self.in_predicate = True
            pred = self.expr()
            self.in_predicate = False
            tok = lex.next()
            if tok.text != "/":
                raise self.fail(tok, f"closing / expected in predicate, found {tok.text or 'end of input'!r}")
        tok = lex.next()
        if tok.text != "{":
            if tok.kind == "eof":
                raise self.fail(tok, "expected actions { } following probe description")
            raise self.fail(tok, f"syntax error near {tok.text!r}: expected {{ after the probe description")
        body = self.block_body()
        return Clause(descs, pred, body, first.line, first.col)

    def block_body(self) -> list[Stmt]:
        """Statements up to and including the closing brace."""
        lex = self.lex
        stmts: list[Stmt] = []
        while True:
            tok = lex.peek()
            if tok.kind == "eof":
                raise self.fail(tok, "syntax error near end of input: missing }")
            if tok.text == "}":
                lex.next()
                return stmts
            if tok.text == ";":
                lex.next()
                continue
            stmts.append(self.statement())

    def statement(self) -> Stmt:
        lex = self.lex
        tok = lex.peek()
        if tok.kind == "ident" and tok.text == "if":
            lex.next()
            self.expect("(")
            cond = self.expr()
            self.expect(")")
            then = self.branch()
            other = None
            nxt = lex.peek()
            if nxt.kind == "ident" and nxt.text == "else":
                lex.next()
                other = self.branch()
            return If(tok.line, tok.col, cond, then, other)
        if tok.kind == "ident" and tok.text in (
            "for",
            "while",
            "do",
            "switch",
            "goto",
            "return",
            "break",
            "continue",
        ):
            raise self.fail(tok, f"'{tok.text}' is reserved in D and unusable (D has no loops)")
        e = self.expr()
        end = lex.peek()
        if end.text == ";":
            lex.next()
        elif end.text != "}":
            raise self.fail(end, f"syntax error near {end.text or 'end of input'!r}: expected ; or }}")
        return ExprStmt(e.line, e.col, e)

    def branch(self) -> list[Stmt]:
        if self.lex.peek().text == "{":
            self.lex.next()
            return self.block_body()
        if self.lex.peek().kind == "ident" and self.lex.peek().text == "if":
            return [self.statement()]
        return [self.statement()]

    def expect(self, text: str) -> Tok:
        tok = self.lex.next()
        if tok.text != text:
            raise self.fail(tok, f"syntax error near {tok.text or 'end of input'!r}: expected {text!r}")
        return tok

    # expressions
    def expr(self) -> Node:
        e = self.assignment()
        while self.lex.peek().text == ",":
            # D has a comma operator only inside argument lists; a bare one is a syntax error
            raise self.fail(self.lex.peek(), "syntax error near ','")
        return e

    def assignment(self) -> Node:
        left = self.ternary()
        tok = self.lex.peek()
        if tok.kind == "op" and tok.text in _ASSIGN_OPS:
            self.lex.next()
            value = self.assignment()
            return Assign(left.line, left.col, tok.text, left, value)
        return left

    def ternary(self) -> Node:
        cond = self.binary(3)
        if self.lex.peek().text == "?":
            self.lex.next()
            a = self.assignment()
            self.expect(":")
            b = self.ternary()
            return Ternary(cond.line, cond.col, cond, a, b)
        return cond

    def _is_predicate_end(self) -> bool:
        """In a predicate, '/' closes it when the next non-blank character ends the clause head."""
        lex = self.lex
        tok = lex.peek()
        if not (self.in_predicate and tok.text == "/"):
            return False
        save = (lex.pos, lex.line, lex.col)
        lex.pos, lex.line, lex.col = tok.pos + 1, tok.line, tok.col + 1
        c = lex.peek_char()
        lex.pos, lex.line, lex.col = save
        return c in ("", "{", ";", "/")

    def binary(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            tok = self.lex.peek()
            prec = BINARY_PREC.get(tok.text) if tok.kind == "op" else None
            if prec is None or prec < min_prec:
                return left
            if tok.text == "/" and self._is_predicate_end():
                return left
            self.lex.next()
            right = self.binary(prec + 1)
            left = Binary(left.line, left.col, tok.text, left, right)

    def unary(self) -> Node:
        lex = self.lex
        tok = lex.peek()
        if tok.kind == "op" and tok.text in ("!", "~", "-", "+", "*", "&", "++", "--"):
            lex.next()
            operand = self.unary()
            return Unary(tok.line, tok.col, tok.text, operand)
        if tok.kind == "ident" and tok.text in ("sizeof", "offsetof", "xlate", "stringof"):
            if tok.text == "stringof":
                lex.next()
                operand = self.unary()
                return Call(tok.line, tok.col, "stringof", [operand])
            raise self.fail(tok, f"{tok.text}: needs C types, which bpftrace 0.17 scripts do not have")
        if tok.text == "(":
            # a cast?
            lex.next()
            nxt = lex.peek()
            if nxt.kind == "ident" and (nxt.text in C_TYPES or nxt.text in ("struct", "union", "enum")):
                words = []
                while lex.peek().text != ")":
                    t = lex.next()
                    if t.kind == "eof":
                        raise self.fail(t, "syntax error near end of input in a cast")
                    words.append(t.text)
                lex.next()
                operand = self.unary()
                return Cast(tok.line, tok.col, " ".join(words), operand)
            # not a cast: rewind and parse as a parenthesised expression
            lex.rewind(tok)
        return self.postfix(self.primary())

    def primary(self) -> Node:
        lex = self.lex
        tok = lex.next()
        if tok.kind == "int" or tok.kind == "char":
            digits = tok.text.rstrip("uUlL")
            text = digits if tok.kind == "int" and digits[:2] in ("0x", "0X") else str(tok.value)
            assert isinstance(tok.value, int)  # the lexer gives int and char tokens their value
            return Num(tok.line, tok.col, tok.value, text)
        if tok.kind == "str":
            return Str(tok.line, tok.col, tok.text)
        if tok.kind == "agg":
            return Agg(tok.line, tok.col, str(tok.value))
        if tok.kind == "macro":
            return Macro(tok.line, tok.col, tok.text)
        if tok.kind == "ident":
            if tok.text in ("self", "this") and lex.peek().text == "->":
                lex.next()
                name = lex.next()
                if name.kind != "ident":
                    raise self.fail(
                        name, f"syntax error near {name.text!r}: expected a variable name after {tok.text}->"
                    )
                return Var(tok.line, tok.col, tok.text, name.text)
            if lex.peek().text == "(":
                lex.next()
                args = []
                if lex.peek().text != ")":
                    while True:
                        args.append(self.assignment())
                        if lex.peek().text == ",":
                            lex.next()
                            continue
                        break
                self.expect(")")
                return Call(tok.line, tok.col, tok.text, args)
            return Name(tok.line, tok.col, tok.text)
        if tok.text == "(":
            was = self.in_predicate
            self.in_predicate = False
            e = self.expr()
            self.in_predicate = was
            self.expect(")")
            return e
        raise self.fail(tok, f"syntax error near {tok.text or 'end of input'!r}")

    def postfix(self, node: Node) -> Node:
        lex = self.lex
        while True:
            tok = lex.peek()
            if tok.text == "[":
                lex.next()
                args = []
                was = self.in_predicate
                self.in_predicate = False
                while True:
                    args.append(self.assignment())
                    if lex.peek().text == ",":
                        lex.next()
                        continue
                    break
                self.in_predicate = was
                self.expect("]")
                node = Index(node.line, node.col, node, args)
            elif tok.text in ("->", "."):
                lex.next()
                name = lex.next()
                if name.kind != "ident":
                    raise self.fail(name, f"syntax error near {name.text!r}: expected a member name")
                node = Member(node.line, node.col, node, name.text, tok.text == "->")
            elif tok.text in ("++", "--"):
                lex.next()
                node = Unary(node.line, node.col, tok.text, node, postfix=True)
            else:
                return node
