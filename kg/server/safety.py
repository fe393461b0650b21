"""Reading a SPARQL request's shape before it is evaluated, so unsafe requests never reach the engine.

pyoxigraph evaluates ``SERVICE`` with its own HTTP client (no Python hook sees it), and other
engines fetch ``FROM`` graphs from the web; both would let a query make the server send requests.
So every query and update is first cut into SPARQL tokens by a tokeniser that knows the grammar's
strings, comments, IRIs and prefixed names: a keyword is only a keyword outside those, so
``"SERVICE"`` in a string, ``ex:service`` or ``?service`` pass, and the keyword ``SERVICE``
anywhere (a subquery, an ``OPTIONAL``, after a ``\\u`` escape) is refused. The same pass finds
the query form (to choose a response format before evaluating), the ``FROM`` / ``FROM NAMED``
graphs and the top-level operations of an update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.store import PREFIXES

_PN_CHARS_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f" \
                 "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040\\-"
TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][""" + _PN_CHARS + r"""]+)
  | (?P<pname>(?:[""" + _PN_CHARS_BASE + r"""](?:[""" + _PN_CHARS + r""".]*[""" + _PN_CHARS + r"""])?)?:
              (?:(?:[""" + _PN_CHARS + r""":]|%[0-9A-Fa-f]{2}|\\[_~.!$&'()*+,;=/?\#@%-])
                 (?:[""" + _PN_CHARS + r""".:]|%[0-9A-Fa-f]{2}|\\[_~.!$&'()*+,;=/?\#@%-])*)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_OPS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
REFUSED = {
    "SERVICE": "SERVICE (federated query) is not allowed: this endpoint never makes outbound requests",
    "LOAD": "LOAD is not allowed: this endpoint never fetches remote data",
}


class UnsafeRequest(ValueError):
    """The request is refused before evaluation; the message says why (HTTP 400)."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str | None:
        return self.text.upper() if self.kind == "word" else None


@dataclass
class RequestShape:
    """What the tokens say about a query or update."""

    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None for an update
    is_update: bool = False
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    operations: list[tuple[str, str]] = field(default_factory=list)  # update: (first keyword(s), text)


def unescape(text: str) -> str:
    """Apply SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes, which the grammar allows anywhere."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def tokens(text: str) -> list[Token]:
    """Significant tokens (no whitespace or comments) of a query or update."""
    out = []
    for m in TOKEN.finditer(text):
        if m.lastgroup not in ("ws", "comment"):
            out.append(Token(m.lastgroup, m.group(), m.start()))
    return out


def _resolve(token: Token, prefixes: dict[str, str]) -> str:
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    raise UnsafeRequest(f"cannot resolve the graph name {token.text}")


def inspect(text: str) -> RequestShape:
    """The request's shape; raises UnsafeRequest for SERVICE, LOAD and anything else refused."""
    for variant in {text, unescape(text)}:
        for token in tokens(variant):
            if token.keyword in REFUSED:
                raise UnsafeRequest(REFUSED[token.keyword])
    toks = tokens(text)
    shape = RequestShape()
    prefixes = dict(PREFIXES)
    depth = 0
    op_start: int | None = None
    i = 0
    while i < len(toks):
        tok = toks[i]
        kw = tok.keyword
        if kw == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            name = toks[i + 1].text.rstrip(":")
            prefixes[name] = shape.prefixes[name] = toks[i + 2].text[1:-1]
            i += 3
            continue
        if tok.text in "{(" and tok.kind == "other":
            depth += 1
        elif tok.text in "})" and tok.kind == "other":
            depth -= 1
        elif kw in FORMS and shape.form is None and not shape.is_update:
            shape.form = kw
        elif kw in UPDATE_OPS and depth == 0 and shape.form is None:
            shape.is_update = True
            if op_start is None:
                op_start = tok.start
        elif kw == "FROM" and shape.form is not None and i + 1 < len(toks):
            named = toks[i + 1].keyword == "NAMED"
            target = toks[i + 2] if named and i + 2 < len(toks) else toks[i + 1]
            (shape.from_named if named else shape.from_graphs).append(_resolve(target, prefixes))
        elif tok.text == ";" and depth == 0 and shape.is_update and op_start is not None:
            shape.operations.append(_operation(text[op_start:tok.start]))
            op_start = None
        i += 1
    if shape.is_update and op_start is not None:
        shape.operations.append(_operation(text[op_start:]))
    return shape


def _operation(text: str) -> tuple[str, str]:
    words = [t.keyword for t in tokens(text)[:2] if t.keyword]
    return " ".join(words), text.strip()
