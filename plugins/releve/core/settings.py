"""Relève settings, read from the `releve` plugin entry of mkdocs.yml.

The core reads them without MkDocs (the CLI must not need a site build), and
the MkDocs plugin fills the same dataclass from its validated config.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor

from ..i18n import language_of
from .days import DAY_LIMITS
from .md_options import extension_map


@dataclass
class Settings:
    language: str = "en"
    procedures_dir: str = "procedures"
    clients_dir: str = "clients"
    team_file: str = "team.yml"
    vault_file: str = "vault.yml"
    records_dir: str = "records"  # one YAML file per record of a task done (`releve done`)
    # Whether the runbook keeps records: a past due day with none is "not recorded" and
    # RB022 applies. auto: yes once records_dir holds a record.
    records: bool | str = "auto"
    docs_dir: str = "docs"  # MkDocs' own pages: published as they are, so scanned for secrets
    custom_dir: str | None = None  # the theme's overrides (mkdocs.yml `theme.custom_dir`)
    review_every: int = 180
    drill_every: int = 90
    max_words: int = 600
    horizon: int = 90
    non_working_due: str = "before"  # a due day off work moves: before | after | skip
    rotate_every: int = 365  # days between changes of a sealed credential's value (RB018)
    severity: dict[str, str] = field(default_factory=dict)  # code -> error|warning|off
    service_titles: dict[str, str] = field(default_factory=dict)
    binder: bool = True
    repo_url: str | None = None
    edit_uri: str | None = None
    site_name: str = "Runbook"
    markdown_extensions: dict[str, Any] = field(default_factory=dict)  # mkdocs.yml, name -> options
    paper: str = "a4"  # binders: letter | a4
    # The published site's address (mkdocs.yml `site_url`): a binder links pages it does
    # not print to the site; without it they are plain text.
    site_url: str | None = None
    directory_urls: bool = True  # mkdocs.yml `use_directory_urls`: how page URLs look

    def service_title(self, service: str) -> str:
        """Display name of a service: configured, else the id with dashes as spaces."""
        title = self.service_titles.get(service)
        return str(title) if title else service.replace("-", " ").capitalize()

    @classmethod
    def from_options(cls, options: dict[str, Any], **extra: Any) -> Settings:
        known = {f.name: f for f in fields(cls)}
        values = {k: v for k, v in {**options, **extra}.items() if k in known and v is not None}
        for name in list(values):  # mkdocs.yml read by the CLI is not validated: types first
            if not isinstance(values[name], _TYPES.get(name, object)):
                del values[name]  # `service_titles: [x]`: the default, never a traceback later
        for name, limit in LIMITS.items():  # mkdocs.yml read by the CLI is not validated
            value = values.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):  # fmt: skip
                del values[name]
            elif value is not None and value > limit:
                values[name] = limit
        return cls(**values)


# The type each option must have (a value of another type falls back to the default).
_TYPES: dict[str, type | tuple[type, ...]] = {
    "language": str, "procedures_dir": str, "clients_dir": str, "team_file": str,
    "vault_file": str, "docs_dir": str, "custom_dir": str, "review_every": int,
    "drill_every": int, "max_words": int, "horizon": int, "non_working_due": str,
    "rotate_every": int, "severity": dict, "service_titles": dict, "binder": (bool, str),
    "repo_url": str, "edit_uri": str, "site_name": str, "markdown_extensions": dict,
    "paper": str,
}  # fmt: skip
# Numbers of days (core/days.py) or words past which an option is a typo: kept to the limit.
LIMITS = {**DAY_LIMITS, "max_words": 10_000_000}


class _TolerantLoader(YAML):
    """Safe YAML that reads mkdocs.yml's `!!python/name:` and `!ENV` tags as plain values."""

    def __init__(self) -> None:
        super().__init__(typ="safe", pure=True)

        def any_tag(constructor: Any, suffix: Any, node: Any = None) -> Any:
            node = node if node is not None else suffix
            if hasattr(node, "value") and isinstance(node.value, str):
                return node.value
            return None

        # A subclass: add_multi_constructor is a class method, and on SafeConstructor
        # itself it would make every later YAML read (the model's) accept any tag.
        class Tolerant(SafeConstructor):
            pass

        Tolerant.add_multi_constructor("", any_tag)
        self.Constructor = Tolerant


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "releve" in entry:
            return entry["releve"] or {}
    return {}


MAX_CONFIG_BYTES = 1024 * 1024  # mkdocs.yml: a configuration, not a data file


def read_config(path: Path) -> str | None:
    """mkdocs.yml's text, or None: only a regular file of at most MAX_CONFIG_BYTES is read
    (`mkdocs.yml -> /dev/zero` in a pull request must not exhaust the memory)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CONFIG_BYTES:
                return None
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_CONFIG_BYTES:
        return None
    return raw.decode("utf-8", "replace")


def load_settings(root: Path) -> Settings:
    """Settings for the runbook at `root`; defaults when mkdocs.yml is absent or unreadable."""
    text = read_config(root / "mkdocs.yml")
    try:
        config = _TolerantLoader().load(text) or {} if text is not None else {}
    except (OSError, ValueError, Exception):
        config = {}
    if not isinstance(config, dict):
        config = {}
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    return Settings.from_options(
        plugin_options(config),
        language=language_of(theme.get("language")),
        repo_url=config.get("repo_url"),
        edit_uri=config.get("edit_uri"),
        site_name=config.get("site_name") or "Runbook",
        markdown_extensions=extension_map(config.get("markdown_extensions")),
        docs_dir=config.get("docs_dir") if isinstance(config.get("docs_dir"), str) else "docs",
        custom_dir=theme.get("custom_dir") if isinstance(theme.get("custom_dir"), str) else None,
        site_url=_site_url(config.get("site_url")),
        directory_urls=config.get("use_directory_urls") is not False,
    )


def _site_url(value: Any) -> str | None:
    """mkdocs.yml's `site_url` when it is a web address (http or https), else None."""
    text = value.strip() if isinstance(value, str) else ""
    return text if text.lower().startswith(("https://", "http://")) else None
