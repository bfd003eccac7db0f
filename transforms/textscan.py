"""Helpers shared by the scanners of running text: a lowercased twin with the same offsets,
and a word-start search that lets the regex engine skip ahead."""

from __future__ import annotations

import re


def lowered(text: str) -> str:
    """``text`` in lower case with the same length, so offsets carry over."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def at_word_starts(core: re.Pattern[str], text: str) -> list[re.Match[str]]:
    r"""What ``(?<!\w)`` + ``core`` finds with ``finditer`` (``core`` never matches empty).

    A pattern that starts with a literal or a set of them lets the regex engine jump from
    one possible first character to the next; the lookbehind in front of it would make the
    engine try every position. So ``core`` is searched for alone, and a match glued to a
    word character before it is dropped and searched past one character later, as the
    lookbehind would have failed there (``\w`` is ``str.isalnum()`` or "_")."""
    found = []
    search = core.search
    pos = 0
    while (m := search(text, pos)) is not None:
        start = m.start()
        before = text[start - 1] if start else " "
        if before.isalnum() or before == "_":
            pos = start + 1
        else:
            found.append(m)
            pos = m.end()
    return found
