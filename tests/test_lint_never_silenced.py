"""RB009 (a plaintext secret) can be silenced neither per page nor in mkdocs.yml."""

from __future__ import annotations

import json

from conftest import GOOD, releve

SECRET_BODY = "1. Open the bank site.\n2. Mot de passe : Soleil2024!\n"


def codes(rb) -> list[tuple[str, str]]:
    result = releve("lint", "--root", str(rb.root), "--format", "json")
    assert "Soleil2024" not in result.stdout + result.stderr
    return [(f["code"], f["severity"]) for f in json.loads(result.stdout)]


def test_releve_ignore_cannot_silence_a_secret(make_runbook):
    rb = make_runbook()
    rb.procedure("ops/bank.md", GOOD + 'releve_ignore: {RB009: "we know"}\n', SECRET_BODY)
    found = codes(rb)
    assert ("RB009", "error") in found
    assert ("RB016", "warning") in found  # the entry itself is reported, and silences nothing


def test_severity_cannot_turn_a_secret_off_or_down(make_runbook):
    rb = make_runbook()
    rb.procedure("ops/bank.md", GOOD, SECRET_BODY)
    text = (rb.root / "mkdocs.yml").read_text(encoding="utf-8")
    for level in ("off", "warning"):
        rb.write("mkdocs.yml", text + f"      severity: {{RB009: {level}, RB010: off}}\n")
        assert codes(rb) == [("RB009", "error")]
