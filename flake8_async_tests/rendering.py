"""Expressions as text, for messages and for comparing two spellings, in bounded stack and time.

Why not astroid's `as_string()`: it recurses once (several frames) per level of nesting, so a
conftest holding a 330-term string concatenation raised RecursionError, and every finding that
depended on that conftest disappeared. Here a small expression is still rendered by
`as_string()` (so messages read as before), but "small" is measured first, iteratively, with
a cap on both nodes and depth; anything larger is read back from the source text through the
node's positions, and only as far as the text asked for.
"""

from __future__ import annotations

import io
import tokenize
import weakref

from astroid import nodes

#: Above either bound an expression is read from the source instead of `as_string()`: depth
#: bounds as_string's recursion (a few frames per level), the node count its time.
MAX_RENDERED_DEPTH = 25
MAX_RENDERED_NODES = 400
#: What an expression without positions or source is shown as, when it is too large.
UNRENDERABLE = "..."


def short_text(node: nodes.NodeNG, limit: int | None = 60) -> str:
    """`node` as text, at most `limit` characters (on one line), ending in '...' when cut;
    None: the whole text (`expression_text`)."""
    if _is_small(node):
        text = node.as_string()
        if limit is not None:
            text = _one_line(text)
    else:
        text = _from_source(node, limit)
    if limit is not None and len(text) > limit:
        return cut_at_boundary(text, limit)
    return text


def cut_at_boundary(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, ending in '...' when cut, and never cut inside an
    identifier or a number (`client.fetch_us...` would name something that does not exist):
    `client.fetch_user(user_id=1, na...` is cut back to `client.fetch_user(user_id=1,...`.
    When that would leave nothing (one long name), the first identifier is kept whole, past
    the limit: a message must still name what it is about."""
    if len(text) <= limit:
        return text
    end = max(limit - 3, 0)
    while 0 < end < len(text) and _word_char(text[end - 1]) and _word_char(text[end]):
        end -= 1
    kept = text[:end].rstrip().rstrip(".")
    if not kept:
        end = 0
        while end < len(text) and _word_char(text[end]):
            end += 1
        kept = text[:end]
        if end == len(text):
            return text
    return kept + "..."


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def config_source(source: str) -> str:
    """Where a setting came from, short: 'default' for pytest-asyncio's own default (the long
    form says which config file left it unset), the file and line of a default loop scope, else
    the source as given (`pytest.ini:2`)."""
    if source.startswith("the default"):
        return "default"
    setting, found, place = source.partition(" in ")
    return place if found and setting.startswith("asyncio_default_") else source


def expression_text(node: nodes.NodeNG) -> str:
    """`node` as text, whole: for comparing two expressions (`client.fetch` here and there).
    Two expressions of the same shape get the same text, whatever their size."""
    return short_text(node, limit=None)


def module_source(module: nodes.Module) -> str:
    """The source text a module was built from; '' when it is not known (never rendered)."""
    data = _utf8_source(module)
    return data.decode("utf-8", errors="replace") if data is not None else ""


def _is_small(node: nodes.NodeNG) -> bool:
    stack = [(node, 1)]
    count = 0
    while stack:
        current, depth = stack.pop()
        count += 1
        if count > MAX_RENDERED_NODES or depth > MAX_RENDERED_DEPTH:
            return False
        stack.extend((child, depth + 1) for child in current.get_children())
    return True


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _from_source(node: nodes.NodeNG, limit: int | None) -> str:
    """The node's own spelling, cut from its module's text by its positions; read line by line
    and only until `limit` characters are collected."""
    start, end = (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)
    lines = _source_lines(node.root())
    if None in (*start, *end) or lines is None or not 1 <= start[0] <= end[0] <= len(lines):
        return UNRENDERABLE
    pieces: list[str] = []
    collected = 0
    for number in range(start[0], end[0] + 1):
        line = lines[number - 1]
        if number == end[0]:
            line = line[: end[1]]
        if number == start[0]:
            line = line[start[1]:]
        piece = _one_line(line.decode("utf-8", errors="replace"))
        if piece:
            pieces.append(piece)
            collected += len(piece) + 1
        if limit is not None and collected > limit:
            break
    return " ".join(pieces) or UNRENDERABLE


#: The lines (UTF-8 bytes, as ast's column offsets count) of the last module read.
_LAST_LINES: tuple[weakref.ref, list[bytes] | None] | None = None


def _source_lines(module: nodes.NodeNG) -> list[bytes] | None:
    global _LAST_LINES
    if _LAST_LINES is not None and _LAST_LINES[0]() is module:
        return _LAST_LINES[1]
    data = _utf8_source(module) if isinstance(module, nodes.Module) else None
    lines = data.splitlines() if data is not None else None  # bytes: only \n, \r\n and \r
    try:
        _LAST_LINES = (weakref.ref(module), lines)
    except TypeError:  # not weakly referable: not kept
        _LAST_LINES = None
    return lines


def _utf8_source(module: nodes.Module) -> bytes | None:
    """The module's text as UTF-8 bytes: the text it was built from, else its file decoded with
    its declared encoding (a `# -*- coding: latin-1 -*-` file), never executed."""
    data = getattr(module, "file_bytes", None)
    if isinstance(data, str):
        return data.encode("utf-8", errors="replace")
    if isinstance(data, bytes):
        return data  # built from text: flake8's, or astroid's string_build, both UTF-8
    if not module.file or module.file.startswith("<"):
        return None
    try:
        with open(module.file, "rb") as stream:
            raw = stream.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw.decode(encoding, errors="replace").encode("utf-8")
    except (OSError, SyntaxError, LookupError):
        return None


def callee_text(callee) -> str:
    """What inference found a call's target to be, short enough for a status line:
    "'Client.fetch' is async" for a coroutine function ("is sync" for a sync one; where it is
    defined is left to `flake8-async-tests rule`), else the callee's own description."""
    short = {"coroutine function": "async", "sync function": "sync"}.get(callee.kind)
    if short is None:
        return callee.describe()
    return f"{callee.name!r} is {short}"


#: How long a call is shown in a message before its arguments give way to `(...)`.
CALL_TEXT_LIMIT = 40


def call_text(call: nodes.NodeNG, limit: int = CALL_TEXT_LIMIT) -> str:
    """A call as text for a message: whole when short, else its callee whole with `(...)` for the
    arguments (`client.fetch(...)`: it still names what is called, and starts as the source does,
    which `--fix` relies on), else cut at an identifier boundary."""
    text = short_text(call, limit=None if _is_small(call) else limit + 1)
    if len(text) <= limit:
        return text
    if isinstance(call, nodes.Call) and _is_small(call.func):
        return f"{_one_line(call.func.as_string())}(...)"
    return cut_at_boundary(_one_line(text), limit)


def compact(text: str, limit: int) -> str:
    """Text already rendered (a mock's origin, a substitute), at most `limit` characters: the
    first argument list gives way to `(...)` (`AsyncMock(side_effect=...)` -> `AsyncMock(...)`),
    then the text is cut at an identifier boundary."""
    while len(text) > limit:
        opening = text.find("(")
        closing = _matching(text, opening) if opening >= 0 else -1
        if closing < 0 or text[opening + 1:closing] in ("", "..."):
            break
        text = text[:opening + 1] + "..." + text[closing:]
    return cut_at_boundary(text, limit)


def _matching(text: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(text)):
        if text[index] in "([{":
            depth += 1
        elif text[index] in ")]}":
            depth -= 1
            if depth == 0:
                return index
    return -1
