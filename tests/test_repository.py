"""The repository stands alone: no reference to folders beside it, a reference that
covers what the code does, and vendored data files with their source and checksum."""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from releve.cli.main import build_parser
from releve.lint.codes import CODES
from releve.mkdocs.config import RelevePluginConfig

REFERENCE = REPO / "reference"
SKIP_DIRS = {".git", ".venv", "site", "node_modules", ".artifacts", "__pycache__"}
# Spelled in pieces so that this file does not match itself.
SIBLING = re.compile(re.escape("..") + r"[/\\]" + "shared" + "|" + re.escape("/work/") + "shared")


def tracked_files() -> list[Path]:
    """Files git tracks; every file outside build and cache folders when not a git clone."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                             check=True).stdout  # fmt: skip
        return [REPO / name for name in out.decode("utf-8").split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        return [p for p in REPO.rglob("*")
                if p.is_file() and not SKIP_DIRS & set(p.relative_to(REPO).parts)]  # fmt: skip


def test_no_tracked_file_refers_to_a_sibling_folder():
    files = tracked_files()
    assert len(files) > 50, "the file list is suspiciously short"
    offenders = []
    for path in files:
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if SIBLING.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:80]}")
    assert offenders == []


def test_the_pattern_catches_what_it_should():
    assert SIBLING.search("see " + "../" + "shared/DESIGN.md")
    assert SIBLING.search("REPO.parent / " + '"shared"') is None  # caught by the SARIF test
    assert SIBLING.search("/work/" + "shared/schemas")


# --- the reference ------------------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # headings only outside code blocks
    return {slug(m.group(1)) for m in re.finditer(r"^#+\s+(.+)$", text, flags=re.M)}


def pages() -> list[Path]:
    return [REPO / "README.md", *sorted(REFERENCE.glob("*.md"))]


def test_the_readme_links_to_the_reference():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(reference/README.md)" in readme
    for page in ("formats", "commands", "lint", "vault", "configuration"):
        assert f"({page}.md)" in (REFERENCE / "README.md").read_text(encoding="utf-8"), page


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_relative_link_resolves(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue  # http:, https:, mailto:
        file_part, _, anchor = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.exists() or (anchor and dest.suffix == ".md" and anchor not in anchors(dest)):
            broken.append(target)
    assert broken == []


def reference_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(REFERENCE.glob("*.md")))


def test_the_reference_lists_every_lint_code():
    text = (REFERENCE / "lint.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| (RB\d{3}) \|", text, flags=re.M))
    assert set(CODES) <= rows
    assert {"RB017", "RB018"} <= rows  # specified, marked as planned until they exist


def commands(parser, prefix: str = "releve"):
    """(command line, its option actions) for every subcommand, nested ones included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix} {name}", [a for a in sub._actions if a.option_strings]
                yield from commands(sub, f"{prefix} {name}")


def test_the_reference_describes_every_command():
    text = reference_text()
    found = list(commands(build_parser()))
    assert len(found) > 10
    for command, options in found:
        assert command in text, command
        for action in options:
            if "--help" not in action.option_strings:
                assert any(f in text for f in action.option_strings), (command, action.dest)


def test_the_reference_describes_every_plugin_option():
    text = (REFERENCE / "configuration.md").read_text(encoding="utf-8")
    for option in RelevePluginConfig._schema:
        assert f"| `{option[0]}` |" in text, option[0]


# --- vendored data --------------------------------------------------------------


def test_vendored_schema_matches_its_recorded_checksum():
    notes = (REPO / "tests" / "schemas" / "README.md").read_text(encoding="utf-8")
    schema = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"
    digest = hashlib.sha256(schema.read_bytes()).hexdigest()
    assert digest in notes
    assert "https://docs.oasis-open.org/sarif/sarif/v2.1.0/" in notes and "Licence" in notes
