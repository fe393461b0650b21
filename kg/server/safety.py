"""Reading a SPARQL request's shape before it is evaluated: its form, its FROM graphs, its update operations.

This is a convenience, not the security boundary. The engine never evaluates a user's text where it could
reach the network (:mod:`kg.sandbox`): a ``SERVICE`` or ``LOAD`` that this reading misses fails inside
the engine and is refused there. What this reading adds is a clear refusal before a worker is taken,
the query form (to choose a response format before evaluating), the ``FROM`` / ``FROM NAMED`` graphs, and
the update's operations (the server applies only the kinds it can keep consistent with the union).

The tokeniser knows the grammar's strings, comments, IRIs and prefixed names, so ``"SERVICE"`` in a
string or ``?service`` pass, while the keyword anywhere (a subquery, an ``OPTIONAL``, after a ``\\u``
escape, or Oxigraph's reading of ``SERVICE:x`` as the keyword and a name) is refused. It runs in time
linear in the text: names are matched as maximal runs and classified afterwards, so no pattern backtracks
over a long run, and ``\\U`` escapes beyond Unicode are left for the engine to report.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from kg.store import PREFIXES

_PN_CHARS_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f" \
                 "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040\\-"
# No pattern may fail after a long scan, or it is retried from every later start and reading turns quadratic:
# - a string runs to its closing quote, or to the end of its line (of the text, for a long string) when it has
#   none (the engine refuses an unterminated string anyway; '"a\\"a\\"a...' was the quadratic case);
# - every character a prefixed name may hold (PN_CHARS, ':', '.', %XX and \\-escapes) is matched as one maximal
#   run, classified by _classify, instead of a pattern that wants a ':' after the run ("a-a-a-...").
_NAME_RUN = r"(?:[" + _PN_CHARS + r".:]|%[0-9A-Fa-f]{2}|\\[_~.!$&'()*+,;=/?\#@%-])+"
TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
              |"(?:[^"\\\n\r]|\\.)*"?|'(?:[^'\\\n\r]|\\.)*'?)
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][""" + _PN_CHARS + r"""]+)
  | (?P<run>""" + _NAME_RUN + r""")
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_OPS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
REFUSED = {
    "SERVICE": "SERVICE (federated query) is not allowed: this endpoint never makes outbound requests",
    "LOAD": "LOAD is not allowed: this endpoint never fetches remote data",
}


class UnsafeRequest(ValueError):
    """The request is refused before evaluation; the message says why (HTTP 400)."""


class Token(NamedTuple):
    """One significant token (a named tuple: a request has hundreds, and a frozen dataclass costs ~3x more to
    make, ~30 % of reading a small lookup)."""

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


def _char(match: re.Match) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()  # not a character: the engine reports it


def unescape(text: str) -> str:
    """Apply SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes (an escape beyond U+10FFFF is left as written)."""
    return _ESCAPE.sub(_char, text)


def _classify(run: str, start: int) -> list[Token]:
    """A name run as tokens: a prefixed name, a word (keywords among them) or other text, and trailing dots
    (a prefixed name cannot end with '.', which then ends a triple)."""
    name = run.rstrip(".")
    out = []
    if name:
        if ":" in name:
            kind = "pname"
        elif _WORD.fullmatch(name):
            kind = "word"
        else:
            kind = "other"
        out.append(Token(kind, name, start))
    out.extend(Token("other", ".", start + i) for i in range(len(name), len(run)))
    return out


#: The longest one reading may take (inspect reads a text with \u escapes twice). The token bound keeps
#: reading short on an idle machine; this keeps it short on a busy one, where a token costs 2-3x more.
MAX_READ_SECONDS = 0.75


def tokens(text: str) -> list[Token]:
    """Significant tokens (no whitespace or comments) of a query or update."""
    out: list[Token] = []
    started = time.perf_counter()
    for step, m in enumerate(TOKEN.finditer(text), 1):
        if not step & 0x1FFF and time.perf_counter() - started > MAX_READ_SECONDS:
            raise UnsafeRequest(f"the request is too large to read in time (over {MAX_READ_SECONDS} s); split it "
                                "or shorten its VALUES lists")
        kind = m.lastgroup
        if kind == "run":
            out.extend(_classify(m.group(), m.start()))
        elif kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    return out


def _refused(token: Token) -> str | None:
    """Why a token is refused: a refused keyword, or a prefixed name Oxigraph reads as one (``SERVICE:x``)."""
    if token.kind == "word":
        return REFUSED.get(token.text.upper())
    if token.kind == "pname":
        return REFUSED.get(token.text.partition(":")[0].upper())
    return None


def _resolve(token: Token, prefixes: dict[str, str]) -> str:
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    raise UnsafeRequest(f"cannot resolve the graph name {token.text}")


# 4-10 us a token, twice for a text with \u escapes: 100,000 is 0.8-2 s (MAX_READ_SECONDS cuts a slow reading
# short); the longest real texts (an article's INSERT DATA: 26,000 for 459 triples) stay far below it
MAX_TOKENS = 100_000
_NAME_OR_SPACE = re.compile(r"[" + _PN_CHARS + r".:\s]+")


def _token_bound(text: str) -> int:
    """An upper bound on the tokens of ``text``, made in C (``re.sub``, ``split``, ``count``) before tokenising
    in Python (4-10 us a token), so the time spent reading a request before the time limit applies is bounded.

    Every token but a name run starts with a character that is neither a name character nor a space; a name
    run starts a word of ``split`` or follows such a token; each trailing dot of a run is a token. Counting
    brackets, operators and quotes alone missed the other one-character tokens (``\\``, ``@``, ``~``, a ``%``
    with no hex digits): 1 MB of backslashes was a million tokens, 3 s of reading under any ``--timeout``."""
    others = len(_NAME_OR_SPACE.sub("", text))
    return len(text.split()) + 2 * others + text.count(".")


def inspect(text: str) -> RequestShape:
    """The request's shape; raises UnsafeRequest for SERVICE, LOAD and anything else refused."""
    bound = _token_bound(text)
    if bound > MAX_TOKENS:
        raise UnsafeRequest(f"the request is too large to read: about {bound:,} tokens, over the limit of "
                            f"{MAX_TOKENS:,}; split it or shorten its VALUES lists")
    toks = tokens(text)
    plain = unescape(text)
    for token in toks if plain == text else [*toks, *tokens(plain)]:
        reason = _refused(token)
        if reason:
            raise UnsafeRequest(reason)
    shape = RequestShape()
    prefixes = dict(PREFIXES)
    depth = 0
    op_start: int | None = None
    after_separator = False
    i = 0
    while i < len(toks):
        tok = toks[i]
        kw = tok.keyword
        if kw == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            name = toks[i + 1].text.rstrip(":")
            prefixes[name] = shape.prefixes[name] = toks[i + 2].text[1:-1]
            i += 3
            continue
        if kw == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            i += 2
            continue
        if after_separator and op_start is None:
            op_start = tok.start  # whatever follows a ';' is an operation: none is dropped unread
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
            after_separator = True
        i += 1
    if shape.is_update and op_start is not None:
        shape.operations.append(_operation(text[op_start:]))
    return shape


def _operation(text: str) -> tuple[str, str]:
    words = [t.keyword for t in tokens(text)[:2] if t.keyword]
    return " ".join(words), text.strip()
