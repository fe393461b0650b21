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

from kg.server.safety import unescape

# Only what decides the question: strings, comments and IRIs (skipped whole, so a brace or keyword
# inside them does not count), braces, and the few keywords that matter, not inside a variable or
# prefixed name. Matching just these is ~5x faster than the endpoint's full tokeniser, and a wrong
# reading can only make the caller count rows the slow way or hit a parse error that it retries on
# the text as written (see kg.server.engine.run_job): it cannot change an answer.
_SCAN = re.compile(
    r"""
    \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
  | "(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'
  | \#[^\n\r]*
  | <[^<>"{}|^`\\\x00-\x20]*>
  | (?P<brace>[{}])
  | (?<![\w?$:.%\\-])(?P<keyword>SELECT|ASK|CONSTRUCT|DESCRIBE|LIMIT|VALUES)(?![\w:.-])
    """,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)
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
        # valid without scanning. An unbalanced text fails to parse either way, and the caller then
        # reports the parser's message on the text as written.
        return f"{text}\nLIMIT {max_rows + 1}\n"
    plain = unescape(text)
    form = None
    depth = 0
    limit: int | None = None
    for match in _SCAN.finditer(plain):
        if match.group("brace"):
            depth += 1 if match.group("brace") == "{" else -1
            continue
        keyword = (match.group("keyword") or "").upper()
        if not keyword:
            continue
        if form is None:
            if keyword not in _FORMS:
                return None  # LIMIT or VALUES before any query form: not a query this can reason about
            form = keyword
            if form != "SELECT":
                return None
        elif depth == 0 and keyword == "VALUES":
            return None
        elif depth == 0 and keyword == "LIMIT":
            number = _INTEGER.match(plain, match.end())
            if limit is not None or number is None:
                return None
            limit = int(number.group(1))
    if form is None or depth != 0:
        return None  # unbalanced: let the engine report the syntax error on the text as written
    if limit is not None:
        return text if limit <= max_rows else None
    return f"{text}\nLIMIT {max_rows + 1}\n"
