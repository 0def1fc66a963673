"""The reference cannot drift from the code.

- Every `sh` block of reference/*.md is an example: each `releve` command in it
  runs against a copy of the sample runbook (a git repository, as a team's is)
  and must end with the exit code written beside it (`# exit N`).
- Every lint code is in the reference's table, and every code of the table
  exists; every command and option of `releve` appears in the reference, and
  every `releve` command line the reference shows names a real command with
  real options.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, TODAY, VENV_BIN
from releve.cli.main import build_parser
from releve.lint.codes import CODES

REFERENCE = REPO / "reference"
PAGES = sorted(REFERENCE.glob("*.md"))
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
EXIT = re.compile(r"#\s*exit (\d)\b")


def blocks(page: Path, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(page.read_text("utf-8")) if lang == language]


def examples(page: Path) -> list[tuple[str, int]]:
    """(command line, documented exit code) of the page's `sh` blocks, in order."""
    out = []
    for body in blocks(page, "sh"):
        for line in body.replace("\\\n", " ").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            found = EXIT.search(line)
            assert found, f"{page.name}: an example without its exit code: {line}"
            out.append((line[: line.index("#", found.start())].strip(), int(found.group(1))))
    return out


def sample_repository(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("mkdocs.yml", "team.yml", "vault.yml", "procedures", "clients", "docs",
                 "overrides", "records"):  # fmt: skip
        src = REPO / name
        if src.is_dir():
            subprocess.run(["cp", "-r", str(src), str(root / name)], check=True)
        elif src.exists():
            subprocess.run(["cp", str(src), str(root / name)], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.invalid"}  # fmt: skip
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    return root


PAGES_WITH_EXAMPLES = [p for p in PAGES if blocks(p, "sh")]


def test_the_reference_has_examples():
    assert {p.name for p in PAGES_WITH_EXAMPLES} >= {"commands.md", "vault.md"}
    assert sum(len(examples(p)) for p in PAGES_WITH_EXAMPLES) >= 20


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES, ids=lambda p: p.name)
def test_examples_run_with_their_documented_exit_codes(page, tmp_path):
    root = sample_repository(tmp_path)
    env = {**os.environ, "RELEVE_TODAY": TODAY, "VALUE": "un-code-d-alarme-4417",
           "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}  # fmt: skip
    env.pop("RELEVE_USER", None), env.pop("RELEVE_PASSPHRASE", None)
    ran = 0
    for line, code in examples(page):
        if not re.search(r"(^|[|;&]\s*|=\S*\s+)releve\b", line):
            continue
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=root, env=env,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == code, (line, done.stdout[-500:], done.stderr[-500:])
        assert "Traceback" not in done.stderr, line
        ran += 1
    assert ran


# --- codes, commands and options, both ways -----------------------------------------------


def test_every_lint_code_is_in_the_reference_and_every_code_there_exists():
    text = (REFERENCE / "lint.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| (RB\d{3}) \|", text, flags=re.M))
    assert rows == set(CODES)
    mentioned = set(re.findall(r"\bRB\d{3}\b", "\n".join(p.read_text("utf-8") for p in PAGES)))
    assert mentioned <= set(CODES), sorted(mentioned - set(CODES))


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def all_commands(parser=None, prefix: str = "releve"):
    """(`releve x y`, its parser) for every command, nested ones included."""
    parser = parser or build_parser()
    for name, sub in subcommands(parser).items():
        yield f"{prefix} {name}", sub
        yield from all_commands(sub, f"{prefix} {name}")


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings}


def snippets() -> list[str]:
    """Every `releve ...` command line the reference shows: code blocks and inline code."""
    out = []
    for page in PAGES:
        text = page.read_text("utf-8")
        for _, body in FENCE.findall(text):
            body = re.sub(r"\n[ \t]+(?=\[)", " ", body.replace("\\\n", " "))  # wrapped synopses
            out += [line for line in body.splitlines() if "releve " in line]
        prose = FENCE.sub("", text)
        out += [s for s in re.findall(r"`([^`\n]+)`", prose) if "releve " in s]
    return out


def resolve(line: str) -> tuple[str, argparse.ArgumentParser, list[str]] | None:
    """The command a snippet names, its parser, and the words after it."""
    words = shlex.split(re.sub(r"#.*", "", line).replace("|", " | ").replace("\\", ""),
                        posix=True) if line.count('"') % 2 == 0 else line.split()  # fmt: skip
    start = None
    for index, word in enumerate(words):  # `releve` as the command, not `pipx install releve`
        if word == "releve" and all(re.match(r"^\w+=", w) for w in words[:index]):
            start = index
            break
        if word in ("|", ";", "&&"):
            words_before = index + 1
            rest = words[words_before:]
            assign = 0
            while assign < len(rest) and re.match(r"^\w+=", rest[assign]):
                assign += 1
            if assign < len(rest) and rest[assign] == "releve":
                start = words_before + assign
                break
    if start is None:
        return None
    words = words[start + 1 :]
    parser, name = build_parser(), "releve"
    while words and words[0] in subcommands(parser):
        parser, name = subcommands(parser)[words[0]], f"{name} {words[0]}"
        words = words[1:]
    return name, parser, words


def test_every_command_and_option_is_in_the_reference():
    shown: dict[str, set[str]] = {}
    for line in snippets():
        found = resolve(line)
        if found:
            name, _, words = found
            shown.setdefault(name, set()).update(
                re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", " ".join(words))
            )
    commands = list(all_commands())
    assert len(commands) > 20
    # Said once for all: every command takes --root; every vault action takes --as.
    said_once = {"--root"}
    for name, parser in commands:
        if subcommands(parser):
            continue  # `releve vault`: its actions are the commands
        assert name in shown, f"{name} is in no example or synopsis of the reference"
        for action in parser._actions:
            if not action.option_strings or "--help" in action.option_strings:
                continue
            said = said_once | ({"--as"} if name.startswith("releve vault ") else set())
            assert set(action.option_strings) & (shown[name] | said), (name, action.dest)


def test_every_command_line_in_the_reference_is_real():
    wrong = []
    for line in snippets():
        found = resolve(line)
        if found is None:
            continue
        name, parser, words = found
        if name == "releve":
            if words and not words[0].startswith(("-", "@")) and words[0] not in ("...", "…"):
                wrong.append(f"unknown command: {line}")
            continue
        if subcommands(parser) and words and words[0] not in ("...", "…", "|"):
            wrong.append(f"unknown action of {name}: {line}")
            continue
        known = options(parser) | {"--version"}
        segment = " ".join(words).split(" | ")[0]
        for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", segment):
            if option not in known:
                wrong.append(f"{name} has no option {option}: {line}")
    assert wrong == []
