"""`releve vault ...` as a user runs it: exit codes, one-line errors, nothing written on refusal."""

from __future__ import annotations

import pytest

from conftest import releve
from releve.vault import store

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: cleo, name: Cléo Roy, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
"""
PASS = {
    "ana": "ana-cli-maple-river-lantern",
    "ben": "ben-cli-cedar-compass-kettle",
    "cleo": "cleo-cli-heron-pebble-tuque",
    "chloe": "chloe-cli-birch-beacon-shore",
}
CANARY = "CANARY-cli-7Hq2-secret"


@pytest.fixture
def rb(make_runbook):
    f = make_runbook(team=TEAM)
    f.procedure(
        "ops/bank.md",
        """\
        title: Bank
        service: ops
        owner: ana
        backup: [ben]
        priority: urgent
        success_criteria: [done]
        credentials: [bank]
        reviewed: 2026-11-01
        """,
        "Log in with [[cred:bank]].\n",
    )
    return f.root


def vault(root, *args, who="ana", passphrase=None, new=None, stdin=None):
    env = {"RELEVE_USER": who} if who else {}
    if passphrase is not None:
        env["RELEVE_PASSPHRASE"] = passphrase
    if new is not None:
        env["RELEVE_NEW_PASSPHRASE"] = new
    return releve("vault", *args, "--root", str(root), env=env, stdin=stdin)


def no_secret(result, *secrets):
    for secret in (CANARY, *PASS.values(), *secrets):
        assert secret not in result.stderr
    return result


@pytest.fixture
def sealed(rb):
    r = vault(rb, "add", "bank", "--audience", "ops", "--label", "Bank", "--url",
              "https://bank.example/", passphrase=PASS["ana"], stdin=CANARY + "\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert CANARY not in r.stdout + r.stderr
    return rb


def test_init_writes_the_empty_vault_once(rb):
    r = vault(rb, "init", who=None)
    assert r.returncode == 0, r.stderr
    text = (rb / "vault.yml").read_text(encoding="utf-8")
    assert store.parse(text).problems == []
    r = vault(rb, "init", who=None)
    assert r.returncode == 1 and (rb / "vault.yml").read_text(encoding="utf-8") == text


def test_add_then_show_prints_only_the_value(sealed):
    text = (sealed / "vault.yml").read_text(encoding="utf-8")
    assert CANARY not in text and "Bank" in text
    r = vault(sealed, "show", "bank", passphrase=PASS["ana"])
    assert r.returncode == 0 and r.stdout == CANARY + "\n"
    r = vault(sealed, "show", "bank", "--field", "password", "--as", "ana", who=None,
              passphrase=PASS["ana"])  # fmt: skip
    assert r.returncode == 0 and r.stdout == CANARY + "\n"
    listing = vault(sealed, "list", who=None)
    assert listing.returncode == 0 and "bank" in listing.stdout and CANARY not in listing.stdout


REFUSALS = [
    # (args, who, passphrase, stdin, exit code, words expected in the message)
    (["show", "bank"], "ana", "wrong passphrase entirely", None, 1, "wrong passphrase"),
    (["show", "bank"], "chloe", PASS["chloe"], None, 1, "holds no key"),
    (["show", "nope"], "ana", PASS["ana"], None, 2, "unknown credential"),
    (["show", "bank"], "zed", PASS["ana"], None, 2, "unknown person"),
    (["show", "bank"], None, PASS["ana"], None, 2, "--as"),
    (["add", "bank", "--audience", "ops"], "ana", PASS["ana"], "x", 1, "already has"),
    (["add", "bank", "--audience", "finance"], "chloe", PASS["chloe"], "x", 1, "already exists"),
    (["add", "new", "--audience", "nobody"], "ana", PASS["ana"], "x", 2, "unknown audience"),
    (["add", "new", "--audience", "finance"], "ana", PASS["ana"], "x", 1, "role"),
    (["add", "new", "--audience", "ops"], "ana", "wrong passphrase entirely", "x", 1, "wrong"),
    (["grant", "--audience", "ops", "--to", "chloe"], "ana", PASS["ana"], None, 1, "role"),
    (["grant", "--audience", "ops", "--to", "zed"], "ana", PASS["ana"], None, 2, "unknown person"),
    (["grant", "--audience", "finance", "--to", "chloe"], "ana", PASS["ana"], None, 2, "no key"),
    (["grant", "--audience", "ops", "--to", "ben"], "cleo", PASS["cleo"], None, 1, "holds no key"),
    (
        ["grant", "--audience", "ops", "--to", "ben"],
        "ana",
        "wrong passphrase here",
        None,
        1,
        "wrong",
    ),
    (["revoke", "--audience", "ops", "--from", "ben"], "ana", PASS["ana"], None, 1, "holds no"),
    (["revoke", "--audience", "ops", "--from", "ana"], "ana", PASS["ana"], None, 1, "yourself"),
    (["rekey"], "ana", "wrong passphrase entirely", None, 1, "wrong"),
]


@pytest.mark.parametrize("args,who,passphrase,stdin,code,words", REFUSALS)
def test_refusals_are_one_line_and_write_nothing(sealed, args, who, passphrase, stdin, code, words):
    before = (sealed / "vault.yml").read_bytes()
    r = vault(sealed, *args, who=who, passphrase=passphrase, new=PASS["ben"], stdin=stdin)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], r.stderr
    assert lines[0].startswith("releve: ")
    no_secret(r, passphrase or "")
    assert (sealed / "vault.yml").read_bytes() == before


def test_passphrases_never_come_from_argv(sealed):
    r = releve("vault", "show", "bank", "--root", str(sealed), "--as", "ana", "--passphrase", "x")
    assert r.returncode == 2
    r = vault(sealed, "show", "bank", passphrase=None)  # no terminal, no RELEVE_PASSPHRASE
    assert r.returncode == 2 and "RELEVE_PASSPHRASE" in r.stderr


def test_grant_revoke_rekey_keep_the_data_and_shut_out(sealed):
    r = vault(sealed, "grant", "--audience", "ops", "--to", "ben", passphrase=PASS["ana"],
              new=PASS["ben"])  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = vault(sealed, "grant", "--audience", "ops", "--to", "cleo", who="ben",
              passphrase=PASS["ben"], new=PASS["cleo"])  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert (
        vault(sealed, "show", "bank", who="cleo", passphrase=PASS["cleo"]).stdout == CANARY + "\n"
    )
    before = (sealed / "vault.yml").read_text(encoding="utf-8")

    r = vault(sealed, "revoke", "--audience", "ops", "--from", "ben", passphrase=PASS["ana"])
    assert r.returncode == 0, r.stderr
    no_secret(r)
    assert "bank" in r.stderr and "git" in r.stderr  # reminder to change the real password
    assert "grant --audience ops --to cleo" in r.stdout  # cleo's slot could not be re-wrapped
    after = (sealed / "vault.yml").read_text(encoding="utf-8")
    assert after != before
    assert vault(sealed, "show", "bank", who="ben", passphrase=PASS["ben"]).returncode == 1
    assert vault(sealed, "show", "bank", passphrase=PASS["ana"]).stdout == CANARY + "\n"

    new = "ana-cli-new-willow-harbor-candle"
    r = vault(sealed, "rekey", passphrase=PASS["ana"], new=new)
    assert r.returncode == 0, r.stderr
    assert vault(sealed, "show", "bank", passphrase=PASS["ana"]).returncode == 1
    assert vault(sealed, "show", "bank", passphrase=new).stdout == CANARY + "\n"
    r = vault(sealed, "rekey", passphrase=new, new="short")
    assert r.returncode == 2 and "five" in r.stderr


def test_check_without_and_with_a_passphrase(sealed):
    r = vault(sealed, "check", who=None)
    assert r.returncode == 0, r.stderr
    r = vault(sealed, "check", passphrase=PASS["ana"])
    assert r.returncode == 0 and "1" in r.stdout, r.stderr
    r = vault(sealed, "check", passphrase="wrong passphrase entirely")
    assert r.returncode == 1 and "wrong passphrase" in r.stderr
    r = vault(sealed, "check", who="ana", passphrase=None)  # RELEVE_USER alone: structure only
    assert r.returncode == 0 and "opened" not in r.stdout, r.stderr
    r = vault(sealed, "check", "--as", "ana", who=None, passphrase=None)  # asked, no terminal
    assert r.returncode == 2 and "RELEVE_PASSPHRASE" in r.stderr


def test_check_reports_every_broken_reference(sealed):
    root = sealed
    proc = root / "procedures" / "ops" / "bank.md"
    proc.write_text(
        proc.read_text(encoding="utf-8").replace("credentials: [bank]", "credentials: [bank, nope]")
        + "\nAlso [[cred:ghost]].\n\nExample: `[[cred:in-code]]`.\n\n```\n[[cred:in-fence]]\n```\n",
        encoding="utf-8",
    )
    team = root / "team.yml"
    team.write_text(team.read_text(encoding="utf-8").replace("roles: [ops]}\n  - {id: ben",
                    "roles: [finance]}\n  - {id: ben", 1), encoding="utf-8")  # fmt: skip
    r = vault(root, "check", who=None)
    assert r.returncode == 1
    out = r.stderr
    assert "procedures/ops/bank.md:" in out and "RB005" in out and "'nope'" in out
    assert "'ghost'" in out
    assert "in-code" not in out and "in-fence" not in out  # examples in code are not references
    ghost = next(line for line in out.splitlines() if "ghost" in line)
    assert ghost.startswith("procedures/ops/bank.md:13:")  # the body line of the inline reference
    assert "'ana' holds a key for 'ops' without that role" in out
    no_secret(r)


def test_value_from_stdin_keeps_inner_spaces_and_drops_one_newline(rb):
    value = "  two words \t"
    r = vault(rb, "add", "w", "--audience", "ops", passphrase=PASS["ana"], stdin=value + "\n")
    assert r.returncode == 0, r.stderr
    assert vault(rb, "show", "w", passphrase=PASS["ana"]).stdout == value + "\n"
    r = vault(rb, "add", "e", "--audience", "ops", passphrase=PASS["ana"], stdin="")
    assert r.returncode == 2


def test_corrupt_vault_is_one_line_with_the_file_and_line(sealed):
    path = sealed / "vault.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("iterations: 600000", "iterations: lots"), encoding="utf-8")
    r = vault(sealed, "show", "bank", passphrase=PASS["ana"])
    assert r.returncode == 2
    assert r.stderr.startswith("releve: vault.yml:") and len(r.stderr.strip().splitlines()) == 1
