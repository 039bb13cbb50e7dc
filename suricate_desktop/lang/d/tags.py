"""DTrace's ``D_*`` tag for a message the linter words the way libdtrace does (dt_errtags.h).

The front end raises its errors with their tag; the linter's syntax phase and
its older token-level checks only have the message, and this table gives it
the tag libdtrace attaches to the same message.
"""

from __future__ import annotations

import functools
import re

_TABLE: list[tuple[str, str]] = [
    (
        r"^syntax error near|^expected predicate and/or actions|^expected actions \{ \}|^closing [)\]] expected"
        r"|^extra [)\]] in input stream|^extraneous",
        "D_SYNTAX",
    ),
    (r"^invalid control directive", "D_PRAGCTL_INVAL"),
    (r"^invalid D pragma", "D_PRAGMA_INVAL"),
    (r"^malformed #pragma|^superfluous arguments", "D_PRAGMA_MALFORM"),
    (r"^failed to set option", "D_PRAGMA_OPTSET"),
    (r"^#error", "D_PRAGERR"),
    (r"may not explicitly depend on a library", "D_PRAGMA_DEPEND"),
    (r"^malformed #pragma attributes", "D_PRAGMA_MALFORM"),
    (r"^newline encountered in string literal", "D_STR_NL"),
    (r"^newline encountered in character constant", "D_CHR_NL"),
    (r"^empty character constant", "D_CHR_NULL"),
    (r"contains invalid digit", "D_INT_DIGIT"),
    (r"results in integer overflow", "D_INT_OFLOW"),
    (r"^floating-point constants", "D_FLT_LIT"),
    (r"^/\* encountered inside a comment", "D_COMM_NEST"),
    (r"^end-of-file encountered before matching", "D_COMM_EOF"),
    (r"prototype mismatch: \d+ args? passed", "D_PROTO_LEN"),
    (r"^failed to resolve", "D_IDENT_UNDEF"),
    (r"has not yet been declared or assigned", "D_VAR_UNDEF"),
    (r"^undefined function name", "D_FUNC_UNDEF"),
    (r"must be assigned the result of an aggregating function", "D_AGG_FUNC"),
    (r"is an aggregating function", "D_AGG_FUNC"),
    (r"^aggregating function .* may not be called from a D expression", "D_CG_EXPR"),
    (r"^lquantize\( \) argument #1 must be an integer", "D_LQUANT_BASETYPE"),
    (r"^lquantize\( \) argument #1 must be a 32-bit", "D_LQUANT_BASEVAL"),
    (r"^lquantize\( \) argument #2 must be an integer", "D_LQUANT_LIMTYPE"),
    (r"^lquantize\( \) argument #2 must be a 32-bit", "D_LQUANT_LIMVAL"),
    (r"^lquantize\( \) base", "D_LQUANT_MISMATCH"),
    (r"^lquantize\( \) argument #3 must be a non-zero", "D_LQUANT_STEPTYPE"),
    (r"^lquantize\( \) argument #3 must be a 16-bit", "D_LQUANT_STEPVAL"),
    (r"^lquantize\( \) step \(argument #3\) too large", "D_LQUANT_STEPLARGE"),
    (r"^lquantize\( \) step \(argument #3\) too small", "D_LQUANT_STEPSMALL"),
    (r"^llquantize\( \) argument #1 .* must be an integer", "D_LLQUANT_FACTORTYPE"),
    (r"^llquantize\( \) argument #1 ", "D_LLQUANT_FACTORVAL"),
    (r"^llquantize\( \) argument #2 .* must be an integer", "D_LLQUANT_LMAGTYPE"),
    (r"^llquantize\( \) argument #2 ", "D_LLQUANT_LMAGVAL"),
    (r"^llquantize\( \) argument #3 .* must be an integer", "D_LLQUANT_HMAGTYPE"),
    (r"^llquantize\( \) argument #3 ", "D_LLQUANT_HMAGVAL"),
    (r"^llquantize\( \) argument #4 .* must be an integer", "D_LLQUANT_STEPTYPE"),
    (r"^llquantize\( \) argument #4 must be a non-zero", "D_LLQUANT_STEPTYPE"),
    (r"^llquantize\( \) argument #4 ", "D_LLQUANT_STEPVAL"),
    # dt_cc.c gives these llquantize checks the tag of the argument they are about
    (r"^llquantize\( \) factor \(argument #1\) must be two", "D_LLQUANT_FACTORVAL"),
    (r"^llquantize\( \) high magnitude", "D_LLQUANT_HMAGVAL"),
    (r"^llquantize\( \) factor \(argument #1\) must be less", "D_LLQUANT_STEPVAL"),
    (r"^llquantize\( \) factor \(argument #1\) must evenly", "D_LLQUANT_STEPVAL"),
    (r"overflows 64-bits", "D_LLQUANT_HMAGVAL"),
    (r"^aggregation redefined", "D_AGG_REDEF"),
    (r"may not be applied to an aggregation", "D_TRACE_AGG"),
    (r"^trace\( \) may not be applied to a dynamic expression", "D_TRACE_DYN"),
    (r"is an aggregation and may not be used as a value", "D_AGG_SCALAR"),
    (r"requires operands of arithmetic type", "D_OP_ARITH"),
    (r"requires operands of integral type", "D_OP_INT"),
    (r"requires operands of scalar type", "D_OP_SCALAR"),
    (r"is missing a corresponding value argument", "D_PRINTF_ARG_PROTO"),
    (r"arguments required by this format string", "D_PRINTF_ARG_EXTRA"),
]
_COMPILED = [(re.compile(rx), tag) for rx, tag in _TABLE]


@functools.lru_cache(maxsize=1024)
def tag_of(message: str) -> str | None:
    """The D_* tag of a libdtrace message, or None when the message is the linter's own."""
    for rx, tag in _COMPILED:
        if rx.search(message):
            return tag
    return None
