"""`vault_file` (and `team_file`) leading outside the runbook: never read, written or
published. The vault commands refuse in one line, the build refuses, the lint reports."""

from __future__ import annotations

import pytest
from vault_helpers import DAY, enrolled

from conftest import mkdocs_build, releve
from releve.vault import ops, store

PEOPLE = {"ana": {"ops"}, "ben": {"ops"}}
PASS = {"ana": "ana-outside-maple-river-lantern", "ben": "ben-outside-cedar-compass-k"}
TEAM = "people:\n  - {id: ana, name: Ana, roles: [ops]}\n  - {id: ben, name: Ben, roles: [ops]}\n"


@pytest.fixture
def setup(make_runbook, tmp_path):
    rb = make_runbook(team=TEAM)
    other = tmp_path / "other-team"
    other.mkdir()
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", "CANARY-other", today=DAY)
    store.write_atomic(other / "vault.yml", store.dump(v))
    return rb, other / "vault.yml"


def configure(rb, value: str) -> None:
    config = rb.root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      binder: false\n", f"      binder: false\n      vault_file: {value}\n"),
        encoding="utf-8")  # fmt: skip


@pytest.mark.parametrize("how", ["relative", "absolute", "link"])
def test_the_vault_commands_refuse_a_vault_outside(setup, how):
    rb, outside = setup
    before = outside.read_bytes()
    if how == "relative":
        configure(rb, "../other-team/vault.yml")
    elif how == "absolute":
        configure(rb, str(outside))
    else:
        (rb.root / "vault.yml").symlink_to(outside)
    env = {"RELEVE_USER": "ana", "RELEVE_PASSPHRASE": PASS["ana"]}
    for args, stdin in ((("vault", "list"), None), (("vault", "show", "bank"), None),
                        (("vault", "add", "x", "--audience", "ops"), "value"),
                        (("vault", "init"), None), (("vault", "check"), None)):  # fmt: skip
        done = releve(*args, "--root", str(rb.root), env=env, stdin=stdin)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "outside" in done.stderr, done.stderr
        assert "CANARY" not in done.stdout + done.stderr
    assert outside.read_bytes() == before


def test_the_build_refuses_a_vault_outside(setup):
    rb, _ = setup
    configure(rb, "../other-team/vault.yml")
    done = mkdocs_build(rb.root)
    assert done.returncode == 1
    line = next(ln for ln in done.stderr.splitlines() if "vault_file" in ln)
    assert "outside the runbook" in line and "Traceback" not in done.stderr
    site = rb.root / "site"
    assert not (site / "assets" / "releve" / "vault.json").exists()


def test_the_lint_reports_a_vault_outside(setup):
    rb, _ = setup
    configure(rb, "../other-team/vault.yml")
    done = releve("lint", "--root", str(rb.root), "--format", "json")
    import json

    found = [f for f in json.loads(done.stdout) if f["code"] == "RB008"]
    assert found and "outside" in found[0]["message"]
