"""``schedules.toml``, the configuration of ``baotinh serve``, read and checked in full.

Every setting is checked when the file is read (type, range, cron syntax, dates, unknown
names), so ``baotinh serve --print`` rejects exactly what ``baotinh serve`` would, before
anything is registered. A mistake is a ``ValueError`` of one line naming the file, the
section and the setting."""

from __future__ import annotations

import contextlib
import math
import re
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

DEFAULT_CONFIG = Path(__file__).with_name("schedules.toml")

Sites = str | tuple[str, ...]  # "all", a group's name, or registry keys


@dataclass(frozen=True)
class Crawl:
    """``[crawl]``: the incremental crawl."""

    cron: str = "0 */6 * * *"
    sites: Sites = "all"
    concurrency: int = 4
    timeout_minutes: float | None = None
    mode: str = "incremental"


@dataclass(frozen=True)
class Backfill:
    """``[backfill]``: one step further back in time, down to ``start``."""

    cron: str = "0 2 * * 0"
    sites: Sites = "all"
    start: date = date(2015, 1, 1)
    step_days: int = 180
    concurrency: int = 2
    timeout_minutes: float | None = None


@dataclass(frozen=True)
class Health:
    """``[health]``: the nightly health table, optionally reprocessing first."""

    cron: str = "30 3 * * *"
    reprocess: bool = False
    days: int = 30


@dataclass(frozen=True)
class Schedules:
    """``schedules.toml``, checked (see :meth:`load`)."""

    timezone: str = "Asia/Ho_Chi_Minh"
    max_runs: int = 4
    papers_crawling: int = 4
    poll_seconds: float = 0.5
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    crawl: Crawl = field(default_factory=Crawl)
    backfill: Backfill = field(default_factory=Backfill)
    health: Health = field(default_factory=Health)
    source: str = field(default="schedules", compare=False)  # the file, for messages

    @classmethod
    def load(cls, path: str | Path | None = None) -> Schedules:
        """Read and check ``path`` (default: ``flows/schedules.toml``); ValueError naming
        the file, section and setting of the first mistake."""
        path = Path(path or DEFAULT_CONFIG)
        return parse(_read(path), str(path))

    def sites(self, section: str, registry: str | None = None) -> list[str]:
        """The papers of ``[section]`` (``"all"``, a group's name or registry keys) as
        registry keys, checked against the registry."""
        from registry import all_sites

        known = all_sites(registry)
        value = getattr(self, section).sites
        if value == "all":
            return list(known)
        keys = self.groups[value] if isinstance(value, str) else value
        if missing := [key for key in keys if key not in known]:
            where = f"[groups] {value}" if isinstance(value, str) else f"[{section}] sites"
            raise ValueError(
                f"{self.source}: {where}: unknown papers {missing} (see `baotinh sites`)"
            )
        return list(keys)


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib names the line, except for a file that ends too early.
        where = f"(at the end of the file, after line {max(1, len(text.splitlines()))})"
        message = re.sub(r"\(at end of document\)", where, str(exc))
        raise ValueError(f"{path}: not valid TOML: {message}") from None


class _Checker:
    """Reads one table's settings, naming the file and section in every complaint."""

    def __init__(self, source: str, section: str | None, data: object) -> None:
        self.source, self.section = source, section
        if not isinstance(data, dict):
            raise ValueError(f"{source}: [{section}] must be a table, not {data!r}")
        self.data = data

    def fail(self, key: str, problem: str) -> ValueError:
        where = f"[{self.section}] {key}" if self.section else key
        return ValueError(f"{self.source}: {where}: {problem}")

    def unknown(self, allowed: set[str]) -> None:
        if extra := sorted(set(self.data) - allowed):
            where = f"[{self.section}]" if self.section else "the top level"
            raise ValueError(
                f"{self.source}: unknown setting {extra[0]!r} in {where}"
                f" (known: {', '.join(sorted(allowed))})"
            )

    def whole(self, key: str, default: int, least: int = 1) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise self.fail(key, f"must be a whole number of at least {least}, not {value!r}")
        return value

    def positive(self, key: str, default: float | None) -> float | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or value <= 0:
            raise self.fail(key, f"must be a number above 0, not {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def choice(self, key: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.data.get(key, default)
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def day(self, key: str, default: date) -> date:
        value = self.data.get(key, default)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(value)
        if not isinstance(value, date) or isinstance(value, datetime):
            raise self.fail(key, f"must be a date (YYYY-MM-DD), not {value!r}")
        return value

    def keys(self, key: str, value: object) -> tuple[str, ...]:
        """A non-empty list of registry keys."""
        if not isinstance(value, list) or not value:
            raise self.fail(key, f"must be a non-empty list of papers, not {value!r}")
        if bad := [item for item in value if not isinstance(item, str)]:
            raise self.fail(key, f"papers are registry keys (text), not {bad[0]!r}")
        return tuple(value)

    def sites(self, key: str, groups: dict[str, tuple[str, ...]]) -> Sites:
        value = self.data.get(key, "all")
        if isinstance(value, str):
            if value != "all" and value not in groups:
                known = ", ".join(["all", *groups])
                raise self.fail(key, f"no group {value!r} in [groups] (known: {known})")
            return value
        return self.keys(key, value)

    def cron(self, key: str, default: str, timezone: str) -> str:
        """A cron expression, as Prefect will check it when the deployment is built."""
        import pydantic
        from prefect.client.schemas.schedules import CronSchedule

        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(
                key, f'must be a cron expression in quotes, e.g. "0 2 * * *", not {value!r}'
            )
        try:
            CronSchedule(cron=value, timezone=timezone)
        except pydantic.ValidationError as exc:
            message = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise self.fail(key, message) from None
        return value


def parse(data: dict[str, Any], source: str) -> Schedules:
    """The settings of a parsed ``schedules.toml``, checked in full."""
    top = _Checker(source, None, data)
    sections = {"crawl": Crawl, "backfill": Backfill, "health": Health}
    top.unknown({f.name for f in fields(Schedules)} - {"source"})
    defaults = Schedules()
    timezone = data.get("timezone", defaults.timezone)
    if not isinstance(timezone, str) or timezone not in available_timezones():
        raise top.fail(
            "timezone", f"must be an IANA time zone (e.g. Asia/Ho_Chi_Minh), not {timezone!r}"
        )
    listed = _Checker(source, "groups", data.get("groups", {}))
    groups = {name: listed.keys(name, value) for name, value in listed.data.items()}
    if "all" in groups:
        raise listed.fail("all", '"all" means every paper: give the group another name')
    max_runs = top.whole("max_runs", defaults.max_runs)
    papers_crawling = top.whole("papers_crawling", defaults.papers_crawling)
    poll_seconds = top.positive("poll_seconds", defaults.poll_seconds)
    read = {}
    for name, kind in sections.items():
        section = _Checker(source, name, data.get(name, {}))
        section.unknown({f.name for f in fields(kind)})
        read[name] = _section(section, kind(), timezone, groups)
    return Schedules(
        timezone=timezone,
        max_runs=max_runs,
        papers_crawling=papers_crawling,
        poll_seconds=poll_seconds,
        groups=groups,
        source=source,
        **read,
    )


def _section(
    section: _Checker, default: Any, timezone: str, groups: dict[str, tuple[str, ...]]
) -> Any:
    """One of ``[crawl]``, ``[backfill]``, ``[health]``, each setting by its type."""
    values: dict[str, Any] = {"cron": section.cron("cron", default.cron, timezone)}
    if isinstance(default, Health):
        values["reprocess"] = section.flag("reprocess", default.reprocess)
        values["days"] = section.whole("days", default.days)
        return Health(**values)
    values["sites"] = section.sites("sites", groups)
    values["concurrency"] = section.whole("concurrency", default.concurrency)
    values["timeout_minutes"] = section.positive("timeout_minutes", default.timeout_minutes)
    if isinstance(default, Crawl):
        values["mode"] = section.choice("mode", default.mode, ("incremental", "full"))
        return Crawl(**values)
    values["start"] = section.day("start", default.start)
    values["step_days"] = section.whole("step_days", default.step_days)
    return Backfill(**values)
