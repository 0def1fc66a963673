"""Typed access to a parsed YAML mapping, turning wrong types into findings.

Parsers ask for "a list of ids at key backup" and get a clean value, while
every mismatch is recorded as RB008 (wrong type) or RB006 (missing/invalid
required field) at the line of the offending key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from typing import Any

from ..core.days import FIRST_DAY, LAST_DAY
from ..core.findings import Finding
from .types import Pos, Positions

# Ids name files and URLs (people/ID.md, binders/client-ID.pdf), ICS UIDs and anchors:
# `\Z`, not `$`, so that a trailing newline never passes; a length that fits a file name.
MAX_ID = 100
ID_RE = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{MAX_ID - 1}}}\Z")


# Dates a runbook can mean. Far outside, date arithmetic (a review due `review_every` days
# later, a horizon) overflows; such a value is a typo, reported as one.
MIN_DATE, MAX_DATE = FIRST_DAY, LAST_DAY
MAX_INT = 100_000  # days, counts: past this, a number in a runbook is a typo


def date_in_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def is_id(value: object) -> bool:
    return isinstance(value, str) and ID_RE.match(value) is not None


def id_from_file_name(stem: str) -> str:
    """A page's default id: its file name, lowercase, with `_` read as `-`
    (`Weekly_Invoices.md` -> `weekly-invoices`), as people name files."""
    return stem.lower().replace("_", "-")


def safe_id(text: str) -> str:
    """A valid id for a page whose own id is not one: 'Cabinet Lavoie' -> 'cabinet-lavoie'.

    Used for file names, which the team chose; a name with nothing usable left gets a
    short hash, so that it never becomes an empty or shared path.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_ID].strip("-")
    if slug:
        return slug
    return "id-" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:10]


class Fields:
    def __init__(
        self,
        data: Any,
        positions: dict[str, tuple[int, int]],
        path: str,
        findings: list[Finding],
        prefix: str = "",
        origin: tuple[int, int] = (1, 1),
        report_missing: bool = True,
    ) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.positions = positions
        self.path = path
        self.findings = findings
        self.prefix = prefix
        self.origin = origin
        self.report_missing = report_missing  # False when the YAML itself is broken

    # positions -------------------------------------------------------------
    def pos(self, key: str = "") -> Pos:
        full = f"{self.prefix}.{key}" if self.prefix and key else (key or self.prefix)
        line, column = self.positions.get(full, self.origin)
        return Pos(self.path, line, column)

    def all_positions(self) -> Positions:
        """Positions of every key and item below this mapping, relative to it."""
        if not self.prefix:
            return Positions(self.path, dict(self.positions))
        start = f"{self.prefix}."
        return Positions(self.path, {k[len(start) :]: v for k, v in self.positions.items()
                                     if k.startswith(start)})  # fmt: skip

    def sub(self, key: str, data: Any) -> Fields:
        full = f"{self.prefix}.{key}" if self.prefix else key
        origin = self.pos(key)
        return Fields(
            data,
            self.positions,
            self.path,
            self.findings,
            full,
            (origin.line, origin.column),
            self.report_missing,
        )

    def _report(self, code: str, key: str, msg: str, **args: Any) -> None:
        if msg == "field.missing" and not self.report_missing:
            return
        p = self.pos(key)
        self.findings.append(Finding(code, self.path, p.line, p.column, msg, {"key": key, **args}))

    def report(self, code: str, key: str, msg: str, **args: Any) -> None:
        """A finding at `key` for a value the typed getters cannot judge alone."""
        self._report(code, key, msg, **args)

    def wrong_type(self, key: str, expected: str) -> None:
        self._report("RB008", key, "field.wrong_type", expected=expected)

    # typed getters ---------------------------------------------------------
    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._report("RB006", key, "field.missing")
            return None
        if isinstance(value, (bool, dict | list)):
            self.wrong_type(key, "text")
            return None
        return str(value).strip()

    def ident(self, key: str, required: bool = False) -> str | None:
        """A valid id, or None: an invalid one is reported and never reaches a path."""
        value = self.text(key, required)
        if value is not None and not ID_RE.match(value):
            self._report("RB006" if required else "RB008", key, "field.bad_id", value=value)
            return None
        return value

    def choice(self, key: str, choices: tuple[str, ...], required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in choices:
            self._report("RB006", key, "field.bad_choice", value=value, choices=", ".join(choices))
            return None
        return value

    def text_list(self, key: str, required: bool = False) -> list[str]:
        value = self.data.get(key)
        if value is None or value == []:
            if required:
                self._report("RB006", key, "field.missing")
            return []
        if isinstance(value, str | int) and not isinstance(value, bool):
            value = [value]  # `backup: julie` means a list of one
        if not isinstance(value, list):
            self.wrong_type(key, "list")
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float) or item == "":
                p = self.pos(f"{key}[{index}]")
                self.findings.append(
                    Finding("RB008", self.path, p.line, p.column, "field.wrong_item", {"key": key})
                )
                continue
            out.append(str(item).strip())
        return out

    def date(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if hasattr(value, "hour") and hasattr(value, "date"):  # a timestamp: keep the day
            value = value.date()
        if not isinstance(value, date):
            self.wrong_type(key, "date YYYY-MM-DD")
            return None
        if not date_in_range(value):
            self.wrong_type(key, f"a date YYYY-MM-DD from {MIN_DATE} to {MAX_DATE}")
            return None
        return value

    def integer(self, key: str, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            self.wrong_type(key, f"integer from {minimum} to {maximum}")
            return None
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.wrong_type(key, "mapping")
            return {}
        return value

    def items(self, key: str) -> list[tuple[int, Any]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.wrong_type(key, "list")
            return []
        return list(enumerate(value))
