"""Helpers shared by the scanners of running text: a lowercased twin with the same offsets,
and a word-start search that lets the regex engine skip ahead."""

from __future__ import annotations

import re
from collections.abc import Iterable


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


def trie_alternation(words: Iterable[str]) -> str:
    """A regex that matches what the alternation of ``words`` (longest first) matches: the
    longest of them at a position. Shared heads are written once ("th(?:áng|ứ)"), so the
    regex engine reads each character once instead of once per word that starts alike."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _trie_regex(tree)


def _trie_regex(node: dict[str, dict]) -> str:
    """The regex of a trie node. Its branches start with different characters, so at most
    one of them can go on; a word ending here is taken only when none does (greedy ``?``)."""
    branches = [
        re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
