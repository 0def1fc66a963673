"""A small runbook in a real git repository, for `releve diff` tests.

Three people, two procedures needing sealed credentials, absences that leave
everything covered: each test commits this state, changes one thing, commits
again and reads what `releve diff` says about it.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

# Sealed values in this vault are canaries: no output of `releve diff` may show them.
CANARY = "CANARYdiffQz9sealedvalue0000000000000000"

MKDOCS = """\
site_name: Diff test
theme:
  name: material
  language: {lang}
plugins:
  - releve:
      binder: false
"""

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops, finance]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
absences:
  - {person: ana, from: 2026-12-01, to: 2026-12-05}
  - {person: chloe, from: 2026-12-14, to: 2026-12-18}
  - {person: ben, from: 2026-12-15, to: 2026-12-15}
"""

SLOT = '{generation: 1, ephemeral: "ZXBo", nonce: "bm9uY2U=", key: "' + CANARY + '"}'

VAULT = f"""\
version: 2
audiences:
  ops:
    generation: 1
    slots:
      ana: {SLOT}
      ben: {SLOT}
  finance:
    generation: 1
    slots:
      ben: {SLOT}
      chloe: {SLOT}
credentials:
  inbox:
    label: Shared inbox
    audience: ops
    url: "https://mail.example/"
    rotated: 2026-10-01
    fields:
      password: {{generation: 1, nonce: "bm9uY2Vub25jZQ==", value: "{CANARY}"}}
  bank:
    label: Bank portal
    audience: finance
    rotated: 2026-09-01
    fields:
      password: {{generation: 1, nonce: "bm9uY2Vub25jZQ==", value: "{CANARY}"}}
"""

TRIAGE = """\
---
title: Triage the shared inbox
service: ops
owner: ana
backup: [ben]
priority: urgent
schedule: daily
credentials: [inbox]
success_criteria: [Inbox is empty at noon]
reviewed: 2026-11-01
last_drill: 2026-11-01
---
1. Open the shared inbox.
2. Label each message with the client's name.
3. Answer, or assign it.
"""

INVOICES = """\
---
title: Send the weekly invoices
service: finance
owner: chloe
backup: [ben]
priority: important
schedule: weekly fri
credentials: [bank]
success_criteria: [Every invoice of the week is sent]
reviewed: 2026-11-01
---
1. Export the week's hours.
2. Send each invoice from the bank portal.
"""


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


class GitRunbook:
    """The runbook above in `root` (a git repository on branch main, one commit)."""

    def __init__(self, root: Path, lang: str = "en", subdir: str = "") -> None:
        self.top = root
        self.root = root / subdir if subdir else root
        self.root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main")
        self.write("mkdocs.yml", MKDOCS.format(lang=lang))
        self.write("team.yml", TEAM)
        self.write("vault.yml", VAULT)
        self.write("procedures/ops/triage.md", TRIAGE)
        self.write("procedures/finance/invoices.md", INVOICES)
        self.commit("base")

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, (rel, old)
        self.write(rel, text.replace(old, new))

    def commit(self, message: str) -> str:
        git(self.top, "add", "-A")
        git(self.top, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.top, "rev-parse", "HEAD").strip()

    def git(self, *args: str) -> str:
        return git(self.top, *args)
