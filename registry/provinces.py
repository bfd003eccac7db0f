"""Vietnam's provinces before and after the 1 July 2025 merger, from ``vietnamadminunits``.

Names, codes and the old → new mapping come from that maintained package's data files,
not from a table typed here. Names are the package's short forms ("Nghệ An", "Hồ Chí
Minh", "Bà Rịa - Vũng Tàu", "Huế"); :func:`lookup` also accepts common spellings
("TP Hồ Chí Minh", "Thừa Thiên Huế", "tỉnh Bà Rịa–Vũng Tàu").
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Literal

Era = Literal["before_2025", "from_2025"]

# Spellings a reader will type that the package does not list as a name.
_ALIASES = {"thua thien hue": "hue", "tp hcm": "ho chi minh", "sai gon": "ho chi minh"}


@dataclass(frozen=True)
class Province:
    """One provincial-level unit of one era."""

    code: str  # the General Statistics Office code, e.g. "40"
    name: str  # short name, e.g. "Nghệ An"
    full_name: str  # "Tỉnh Nghệ An", "Thành phố Hà Nội"
    key: str  # the package's key, e.g. "tinhnghean"
    era: Era


def _package_data() -> Path:
    """The data folder of ``vietnamadminunits``, found without importing the package: its
    ``__init__`` parses every file into globals and imports numpy (~70 MB in each process
    that only needs the province tables)."""
    spec = find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def _data() -> tuple[dict[str, Province], dict[str, Province], dict[str, str]]:
    """(pre-2025 provinces by key, post-2025 provinces by key, old key → new key)."""
    folder = _package_data()

    def read(name: str) -> dict:
        return json.loads((folder / name).read_text(encoding="utf-8"))

    def provinces(raw: dict, era: Era) -> dict[str, Province]:
        return {
            key: Province(v["provinceCode"], v["provinceShort"], v["province"], key, era)
            for key, v in raw["DICT_PROVINCE"].items()
        }

    before = provinces(read("parser_legacy.json"), "before_2025")
    after = provinces(read("parser_from_2025.json"), "from_2025")
    successor = {
        old: new
        for new, olds in read("converter_2025.json")["DICT_PROVINCE"].items()
        for old in olds
    }
    return before, after, successor


def provinces_before_2025() -> list[Province]:
    """The 63 provinces and centrally-run cities before the merger."""
    return list(_data()[0].values())


def provinces_from_2025() -> list[Province]:
    """The 34 provincial-level units since 1 July 2025."""
    return list(_data()[1].values())


def fold(name: str) -> str:
    """A spelling-insensitive key: no diacritics, no "tỉnh"/"thành phố"/"TP", single spaces."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^(?:tinh|thanh pho|tp)\s+", "", text)
    return _ALIASES.get(text, text)


def lookup(name: str, era: Era = "before_2025") -> Province:
    """The province of ``era`` called ``name``; ValueError naming the choices otherwise."""
    table = _data()[0] if era == "before_2025" else _data()[1]
    wanted = fold(name)
    for province in table.values():
        if fold(province.name) == wanted or fold(province.full_name) == wanted:
            return province
    known = ", ".join(sorted(p.name for p in table.values()))
    raise ValueError(f"no province {name!r} {era.replace('_', ' ')}; known: {known}")


def successor(name: str) -> Province:
    """The post-2025 province a pre-2025 province became part of."""
    _, after, mapping = _data()
    return after[mapping[lookup(name, "before_2025").key]]


def predecessors(name: str) -> list[Province]:
    """The pre-2025 provinces merged into the post-2025 province ``name``."""
    before, _, mapping = _data()
    target = lookup(name, "from_2025").key
    return [before[old] for old, new in mapping.items() if new == target]
