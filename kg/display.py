"""User-supplied strings made safe to print: one line, no terminal control, no rich markup.

File names, JSONL ids, manifest values, exception texts and graph labels all come from the input. In
a message they must not break it: ``[/]`` in a file name made rich raise MarkupError and lose every
message after it; a newline splits one warning into two lines a script would misread; an ESC sequence
or a right-to-left override rewrites what the terminal shows. So every such string is passed through
:func:`visible` (control characters and invisible direction marks shown as escapes, long values cut),
and :func:`markup_safe` when rich will print it.
"""

from __future__ import annotations

import unicodedata

MAX_SHOWN = 500

# Characters that change what a terminal shows without being seen themselves: bidirectional
# embeddings, overrides and isolates, and the Unicode line and paragraph separators.
_INVISIBLE = {0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029, 0xFEFF}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` as one printable line: control, surrogate and direction characters as ``\\x..`` escapes,
    cut to ``limit`` characters with a note of the full length."""
    text = str(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    if text.isprintable() and not any(ord(c) in _INVISIBLE for c in text):
        return text
    return "".join(
        _escape(c)
        if unicodedata.category(c) in ("Cc", "Cs") or ord(c) in _INVISIBLE
        else c
        for c in text
    )


def markup_safe(value: object, limit: int = MAX_SHOWN) -> str:
    """:func:`visible`, with rich's markup escaped so ``[bold]`` or ``[/]`` print as written."""
    from rich.markup import escape

    return escape(visible(value, limit))
