"""`releve vault ...` as a user runs it: exit codes, one-line errors, nothing written on refusal.

Each person types only her own passphrase: enroll once, then grant and revoke use
public keys. Real PBKDF2 iterations throughout (the CLI has no other setting).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL_MKDOCS, RunbookFactory, releve
from releve.vault import store

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: cleo, name: Cléo Roy, roles: [ops]}
  - {id: chloe, name: Chloé Dubois, roles: [finance]}
  - {id: dora, name: Dora Mensah, roles: [ops]}
"""
PASS = {
    "ana": "ana-cli-maple-river-lantern",
    "ben": "ben-cli-cedar-compass-kettle",
    "cleo": "cleo-cli-heron-pebble-tuque",
    "chloe": "chloe-cli-birch-beacon-shore",
    "dora": "dora-cli-never-enrolled-words",
}
CANARY = "CANARY-cli-7Hq2-secret"


PROCEDURE = """\
title: Bank
service: ops
owner: ana
backup: [ben]
priority: urgent
success_criteria: [done]
credentials: [bank]
reviewed: 2026-11-01
"""


def _runbook(root: Path) -> Path:
    f = RunbookFactory(root)
    root.mkdir(parents=True)
    (root / "docs").mkdir()
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    f.write("team.yml", TEAM)
    f.procedure("ops/bank.md", PROCEDURE, "Log in with [[cred:bank]].\n")
    return root


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Runbooks built once per module (real PBKDF2 is slow on purpose), copied per test."""
    base = tmp_path_factory.mktemp("vault-cli")
    plain = _runbook(base / "plain")
    shutil.copytree(plain, base / "enrolled")
    for person in ("ana", "ben", "cleo", "chloe"):
        enroll(base / "enrolled", person)
    shutil.copytree(base / "enrolled", base / "sealed")
    r = vault(base / "sealed", "add", "bank", "--audience", "ops", "--label", "Bank", "--url",
              "https://bank.example/", passphrase=PASS["ana"], stdin=CANARY + "\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    no_secret(r)
    return base


def _copy(templates: Path, name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(templates / name, tmp_path / "rb"))


@pytest.fixture
def rb(templates, tmp_path):
    return _copy(templates, "plain", tmp_path)


@pytest.fixture
def enrolled(templates, tmp_path):
    return _copy(templates, "enrolled", tmp_path)


@pytest.fixture
def sealed(templates, tmp_path):
    return _copy(templates, "sealed", tmp_path)


def vault(root, *args, who="ana", passphrase=None, new=None, stdin=None, env=None):
    full = {"RELEVE_USER": who} if who else {}
    if passphrase is not None:
        full["RELEVE_PASSPHRASE"] = passphrase
    if new is not None:
        full["RELEVE_NEW_PASSPHRASE"] = new
    return releve("vault", *args, "--root", str(root), env={**full, **(env or {})}, stdin=stdin)


def no_secret(result, *secrets):
    for secret in (CANARY, *PASS.values(), *secrets):
        assert secret not in result.stderr + result.stdout
    return result


def enroll(root, person):
    r = vault(root, "enroll", who=person, new=PASS[person])
    assert r.returncode == 0, r.stderr
    return no_secret(r)


def test_init_writes_the_empty_vault_once(rb):
    r = vault(rb, "init", who=None)
    assert r.returncode == 0, r.stderr
    text = (rb / "vault.yml").read_text(encoding="utf-8")
    parsed = store.parse(text)
    assert parsed.problems == [] and parsed.version == 2
    r = vault(rb, "init", who=None)
    assert r.returncode == 1 and (rb / "vault.yml").read_text(encoding="utf-8") == text


def test_enroll_writes_a_public_key_and_a_sealed_private_key(rb, real_kdf):
    r = enroll(rb, "ana")
    assert "fingerprint" in r.stdout.lower()
    text = (rb / "vault.yml").read_text(encoding="utf-8")
    v = store.parse(text)
    assert list(v.people) == ["ana"] and v.people["ana"].iterations == 600_000
    fp = r.stdout.split("fingerprint: ")[1].split()[:5]
    assert len(fp) == 5 and all(len(part) == 4 for part in fp)
    r = vault(rb, "enroll", new="short")
    assert r.returncode == 1 and "already enrolled" in r.stderr and "rekey" in r.stderr
    r = vault(rb, "enroll", who="ben", new="short")
    assert r.returncode == 2 and "five" in r.stderr
    assert (rb / "vault.yml").read_text(encoding="utf-8") == text


def test_add_then_show_prints_only_the_value(sealed):
    text = (sealed / "vault.yml").read_text(encoding="utf-8")
    assert CANARY not in text and "Bank" in text and "generation: 1" in text
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
    (["add", "new", "--audience", "ops"], "dora", PASS["dora"], "x", 1, "holds no key"),
    (["grant", "--audience", "ops", "--to", "chloe"], "ana", PASS["ana"], None, 1, "role"),
    (["grant", "--audience", "ops", "--to", "zed"], "ana", PASS["ana"], None, 2, "unknown person"),
    (["grant", "--audience", "finance", "--to", "chloe"], "ana", PASS["ana"], None, 2, "no key"),
    (["grant", "--audience", "ops", "--to", "ben"], "cleo", PASS["cleo"], None, 1, "holds no key"),
    (["grant", "--audience", "ops", "--to", "ben"], "ana", "wrong passphrase x", None, 1, "wrong"),
    (["grant", "--audience", "ops", "--to", "dora"], "ana", PASS["ana"], None, 1, "enroll"),
    (["revoke", "--audience", "ops", "--from", "ben"], "ana", PASS["ana"], None, 1, "holds no"),
    (["revoke", "--audience", "ops", "--from", "ana"], "ana", PASS["ana"], None, 1, "yourself"),
    (["rekey"], "ana", "wrong passphrase entirely", None, 1, "wrong"),
    (["rekey"], "dora", PASS["dora"], None, 1, "enroll"),
    (["enroll"], "ana", PASS["ana"], None, 1, "already enrolled"),
    (["migrate"], "ana", PASS["ana"], None, 1, "nothing to migrate"),
]


@pytest.mark.parametrize("args,who,passphrase,stdin,code,words", REFUSALS)
def test_refusals_are_one_line_and_write_nothing(sealed, args, who, passphrase, stdin, code, words):
    before = (sealed / "vault.yml").read_bytes()
    r = vault(sealed, *args, who=who, passphrase=passphrase, new=PASS["dora"], stdin=stdin)
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


def test_grant_needs_only_the_granters_passphrase(sealed):
    """Ana grants Ben with her passphrase alone: RELEVE_NEW_PASSPHRASE is not set, and
    Ben's passphrase is never typed at Ana's terminal."""
    r = vault(sealed, "grant", "--audience", "ops", "--to", "ben", passphrase=PASS["ana"])
    assert r.returncode == 0, r.stderr
    no_secret(r)
    assert "ben now holds a key for 'ops'" in r.stdout
    fingerprint = store.parse((sealed / "vault.yml").read_text(encoding="utf-8")).people["ben"]
    from releve.vault.crypto import fingerprint as fp

    assert fp(fingerprint.public) in r.stdout  # to compare with Ben by another channel
    r = vault(sealed, "show", "bank", who="ben", passphrase=PASS["ben"])
    assert r.stdout == CANARY + "\n"


def test_revoke_in_a_three_person_team_needs_no_other_passphrase(sealed):
    for to in ("ben", "cleo"):
        r = vault(sealed, "grant", "--audience", "ops", "--to", to, passphrase=PASS["ana"])
        assert r.returncode == 0, r.stderr
    before = (sealed / "vault.yml").read_text(encoding="utf-8")
    r = vault(sealed, "revoke", "--audience", "ops", "--from", "ben", passphrase=PASS["ana"])
    assert r.returncode == 0, r.stderr
    no_secret(r)
    assert "bank" in r.stderr and "git" in r.stderr  # reminder to change the real password
    assert "generation 2" in r.stdout and "ana, cleo" in r.stdout
    assert "grant" not in r.stdout  # nobody to grant again
    after = (sealed / "vault.yml").read_text(encoding="utf-8")
    assert after != before and "generation: 2" in after
    assert vault(sealed, "show", "bank", who="ben", passphrase=PASS["ben"]).returncode == 1
    assert vault(sealed, "show", "bank", who="cleo", passphrase=PASS["cleo"]).stdout == (
        CANARY + "\n"
    )
    assert vault(sealed, "show", "bank", passphrase=PASS["ana"]).stdout == CANARY + "\n"


def test_rekey_changes_only_my_passphrase(sealed):
    new = "ana-cli-new-willow-harbor-candle"
    before = store.parse((sealed / "vault.yml").read_text(encoding="utf-8"))
    r = vault(sealed, "rekey", passphrase=PASS["ana"], new=new)
    assert r.returncode == 0, r.stderr
    after = store.parse((sealed / "vault.yml").read_text(encoding="utf-8"))
    assert after.audiences == before.audiences and after.credentials == before.credentials
    assert vault(sealed, "show", "bank", passphrase=PASS["ana"]).returncode == 1
    assert vault(sealed, "show", "bank", passphrase=new).stdout == CANARY + "\n"
    r = vault(sealed, "rekey", passphrase=new, new="short")
    assert r.returncode == 2 and "five" in r.stderr


def test_enroll_again_after_a_lost_passphrase_says_who_must_grant(sealed):
    vault(sealed, "grant", "--audience", "ops", "--to", "ben", passphrase=PASS["ana"])
    r = vault(sealed, "enroll", "--again", who="ben", new="ben-cli-brand-new-five-words")
    assert r.returncode == 0, r.stderr
    assert "grant --audience ops --to ben" in r.stdout and "ana" in r.stdout
    r = vault(sealed, "show", "bank", who="ben", passphrase="ben-cli-brand-new-five-words")
    assert r.returncode == 1 and "holds no key" in r.stderr


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


def test_value_from_stdin_keeps_inner_spaces_and_drops_one_newline(enrolled):
    value = "  two words \t"
    r = vault(enrolled, "add", "w", "--audience", "ops", passphrase=PASS["ana"], stdin=value + "\n")
    assert r.returncode == 0, r.stderr
    assert vault(enrolled, "show", "w", passphrase=PASS["ana"]).stdout == value + "\n"
    r = vault(enrolled, "add", "e", "--audience", "ops", passphrase=PASS["ana"], stdin="")
    assert r.returncode == 2


def test_non_utf8_value_on_stdin_is_one_line(enrolled):
    import subprocess

    from conftest import VENV_BIN

    before = (enrolled / "vault.yml").read_bytes()
    r = subprocess.run(
        [str(VENV_BIN / "releve"), "vault", "add", "x", "--audience", "ops", "--root",
         str(enrolled)],
        input=b"caf\xe9\n", capture_output=True,
        env={**__import__("os").environ, "RELEVE_USER": "ana", "RELEVE_PASSPHRASE": PASS["ana"]},
    )  # fmt: skip
    assert r.returncode == 2 and b"UTF-8" in r.stderr and len(r.stderr.splitlines()) == 1
    assert (enrolled / "vault.yml").read_bytes() == before


def test_corrupt_vault_is_one_line_with_the_file_and_line(sealed):
    path = sealed / "vault.yml"
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"iterations: \d+", "iterations: lots", text, count=1)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    r = vault(sealed, "show", "bank", passphrase=PASS["ana"])
    assert r.returncode == 2
    assert r.stderr.startswith("releve: vault.yml:") and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content", [b"version: 2\npeople: {ana: 12}\n", b"\xff\xfe not utf-8"])
def test_broken_vault_files_are_one_line_for_every_command(enrolled, content):
    (enrolled / "vault.yml").write_bytes(content)
    for args in (["check"], ["list"], ["show", "bank"], ["audit"]):
        r = vault(enrolled, *args, passphrase=PASS["ana"])
        assert r.returncode in (1, 2), (args, r.stderr)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert all(line.startswith(("releve: vault.yml:", "vault.yml:", "procedures/"))
                   for line in lines), (args, r.stderr)  # fmt: skip
        assert len(lines) == 1 or args == ["check"], (args, r.stderr)
