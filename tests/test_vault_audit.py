"""`releve vault audit` and RB018: who can open what, what is due for rotation, whose
access to review, from clear metadata alone (no passphrase)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from vault_helpers import enrolled

from conftest import MINIMAL_MKDOCS, RunbookFactory, releve
from releve.vault import ops, store

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
  - {id: dora, name: Dora Mensah, roles: [ops]}
"""
PEOPLE = {"ana": {"ops"}, "ben": {"ops"}, "chloe": {"finance"}, "dora": {"ops"}}
PASS = {
    "ana": "ana-audit-maple-river-lantern",
    "ben": "ben-audit-cedar-compass-kettle",
    "chloe": "chloe-audit-birch-beacon-shore",
}
CANARY = "CANARY-audit-55Xk"


def write(lang: str, root, team: str = TEAM, options: str = "", mail_every: int | None = 10):
    root.mkdir()
    (root / "docs").mkdir()
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang=lang) + options)
    f.write("team.yml", team)
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", CANARY, today=date(2025, 1, 10))
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "mail", "ops", CANARY, today=date(2026, 11, 1))
    v = ops.add(v, PEOPLE, "chloe", PASS["chloe"], "ledger", "finance", CANARY,
                today=date(2026, 10, 1))  # fmt: skip
    v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", "ben")
    if mail_every:
        v.credentials["mail"].extra["rotate_every"] = mail_every  # this one is changed often
    store.write_atomic(root / "vault.yml", store.dump(v))
    return root


@pytest.fixture
def rb(tmp_path):
    # Since sealing: Ben moved to finance, Chloé left the team.
    team = TEAM.replace("Ben Okafor, roles: [ops]", "Ben Okafor, roles: [finance]")
    team = "\n".join(line for line in team.splitlines() if "chloe" not in line) + "\n"
    return write("en", tmp_path / "rb", team)


def test_audit_text(rb):
    r = releve("vault", "audit", "--root", str(rb))
    assert r.returncode == 1, r.stderr  # something to act on
    out = r.stdout
    assert CANARY not in out + r.stderr
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("  ")}
    assert rows["credential"] == ["audience", "ana", "ben", "dora", "chloe"]
    assert rows["bank"] == ["ops", "x", "x", ".", "."]
    assert rows["ledger"] == ["finance", ".", ".", ".", "x"]
    assert "bank: last rotated 2025-01-10, due 2026-01-10 (every 365 days)" in out
    assert "mail: last rotated 2026-11-01, due 2026-11-11 (every 10 days)" in out
    assert "ledger: last" not in out
    assert "ben holds 'ops' without that role" in out
    assert "chloe holds 'finance' but is not in team.yml" in out
    assert "revoke --audience finance --from chloe" in out
    assert "dora: not enrolled" in out
    fingerprint = next(line for line in out.splitlines() if line.startswith("  ana: "))
    assert len(fingerprint.split(": ")[1].split()) == 5


def test_audit_json_and_today(rb):
    r = releve("vault", "audit", "--format", "json", "--today", "2025-02-01", "--root", str(rb))
    data = json.loads(r.stdout)
    assert data["access"] == {"bank": ["ana", "ben"], "ledger": ["chloe"], "mail": ["ana", "ben"]}
    assert data["overdue"] == []  # nothing was due yet on that day
    assert {(s["person"], s["audience"], s["reason"]) for s in data["stray"]} == {
        ("ben", "ops", "no_role"),
        ("chloe", "finance", "unknown"),
    }
    assert data["fingerprints"]["dora"] is None
    assert r.returncode == 1  # the stray holders


def test_a_clean_audit_exits_zero(tmp_path):
    root = write("fr", tmp_path / "rb", options="      rotate_every: 1000\n", mail_every=None)
    r = releve("vault", "audit", "--root", str(root))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Chaque détenteur est dans team.yml avec le rôle." in r.stdout
    assert "Chaque fiche a été changée dans son délai." in r.stdout


def test_rb018_in_the_lint(rb):
    r = releve("lint", "--format", "json", "--root", str(rb))
    found = [f for f in json.loads(r.stdout) if f["code"] == "RB018"]
    text = (rb / "vault.yml").read_text(encoding="utf-8").splitlines()
    lines = {f["line"]: f for f in found}
    assert sorted(text[line - 1].strip() for line in lines) == ["bank:", "mail:"]
    assert all(f["severity"] == "warning" and f["path"] == "vault.yml" for f in found)
    bank = next(f for f in found if "'bank'" in f["message"])
    assert "2025-01-10" in bank["message"] and "--replace" in bank["message"]
    r = releve("lint", "--format", "json", "--today", "2025-02-01", "--root", str(rb))
    assert [f for f in json.loads(r.stdout) if f["code"] == "RB018"] == []


def test_rb018_follows_the_configured_period_in_french(tmp_path):
    root = write("fr", tmp_path / "rb", options="      rotate_every: 1000\n")
    r = releve("lint", "--root", str(root))
    lines = [line for line in r.stdout.splitlines() if "RB018" in line]
    assert len(lines) == 1 and "« mail »" in lines[0] and "tous les 10 jours" in lines[0]
