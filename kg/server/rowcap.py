"""Bounding a SELECT to the endpoint's row limit in its own text, so the engine can serialise it natively.

The endpoint refuses results over ``max_rows``. Counting rows in Python while they are read costs
10-30 % on large results; Oxigraph's serialiser is much faster but writes the whole result before
anything can be counted, so it is only safe on a result that cannot be huge. Appending
``LIMIT max_rows + 1`` makes it so: a result within the limit is unchanged (LIMIT applies after
ORDER BY, DISTINCT and projection), and one over the limit comes back with exactly one row too many,
which :func:`kg.query.result_rows` detects.

Appending is only done where the grammar guarantees it is valid and changes nothing else: a
``SELECT`` whose top level (outside every ``{ }``) has no ``LIMIT`` and no trailing ``VALUES``
(``SolutionModifier`` ends with ``LimitOffsetClauses?``, where ``OFFSET n LIMIT m`` is valid, and
only ``ValuesClause`` may follow). A top-level ``LIMIT n`` with ``n <= max_rows`` already bounds the
result. Anything else gets ``None`` and the caller counts rows the slow way. Keywords are found with
the endpoint's SPARQL tokeniser (strings, IRIs, comments and ``\\u`` escapes are understood), not by searching text.
"""

from __future__ import annotations

import re

from kg.server.safety import tokens, unescape

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_INTEGER = re.compile(r"\s*([0-9]+)")
_NOT_PLAIN_SELECT = ("LIMIT", "VALUES", "ASK", "CONSTRUCT", "DESCRIBE", "\\U")  # substrings, upper-cased


def cap_select(text: str, max_rows: int) -> str | None:
    """``text`` made to return at most ``max_rows + 1`` solutions, or None when that cannot be done safely.

    Returns ``text`` itself when a top-level ``LIMIT`` of at most ``max_rows`` already bounds it.
    """
    upper = text.upper()
    if "SELECT" in upper and not any(word in upper for word in _NOT_PLAIN_SELECT):
        # No LIMIT or VALUES anywhere, so none at the top level, and no other query form: appending is
        # valid without tokenising (~0.1 ms of a small lookup). An unbalanced text fails to parse
        # either way, and the caller then reports the parser's message on the text as written.
        return f"{text}\nLIMIT {max_rows + 1}\n"
    plain = unescape(text)
    toks = tokens(plain)
    form = next((t.keyword for t in toks if t.keyword in _FORMS), None)
    if form != "SELECT":
        return None
    depth = 0
    limit: int | None = None
    for tok in toks:
        if tok.kind == "other" and tok.text == "{":
            depth += 1
        elif tok.kind == "other" and tok.text == "}":
            depth -= 1
        elif depth == 0 and tok.keyword == "VALUES":
            return None
        elif depth == 0 and tok.keyword == "LIMIT":
            number = _INTEGER.match(plain, tok.start + len(tok.text))
            if limit is not None or number is None:
                return None
            limit = int(number.group(1))
    if depth != 0:
        return None  # unbalanced: let the engine report the syntax error on the text as written
    if limit is not None:
        return text if limit <= max_rows else None
    return f"{text}\nLIMIT {max_rows + 1}\n"
