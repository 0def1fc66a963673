"""Signed key history (vault/chain.py, RB026): who made each audience key, and every wrap.

Wrapping needs only public keys, so a pull request could plant an audience, or a new
generation of one, with a key its author knows. Each attack here is built the way a
hostile commit would write it, then reported by the lint, `vault check` and `releve
diff` (with who signed it), refused by the commands before they use a key, and by
the browser before it unwraps.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from vault_helpers import DAY, FAST, enrolled

from conftest import MINIMAL_MKDOCS, REPO, RunbookFactory, mkdocs_build, releve
from releve.lint import lint_runbook
from releve.model import load_runbook
from releve.vault import chain, check_vault, crypto, load, ops, publish, store
from releve.vault.ops import VaultError

TEAM = """\
people:
  - {id: ana, name: Ana Lima, roles: [ops]}
  - {id: ben, name: Ben Okafor, roles: [ops]}
  - {id: cleo, name: Cléo Roy, roles: [ops]}
  - {id: dan, name: Dan Roy, roles: [finance]}
  - {id: eve, name: Eve Martin, roles: [social]}
"""
PEOPLE = {"ana": {"ops"}, "ben": {"ops"}, "cleo": {"ops"}, "dan": {"finance"}, "eve": {"social"}}
PASS = {p: f"{p}-signed-maple-river-lantern" for p in PEOPLE}
NO_CI = {"GITHUB_BASE_REF": ""}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def base_vault() -> store.Vault:
    """Ana created `ops` and granted Ben and Cléo; Dan and Eve are enrolled."""
    v = enrolled(PEOPLE, PASS)
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "bank", "ops", "CANARY-bank", today=DAY,
                label="Bank")  # fmt: skip
    for to in ("ben", "cleo"):
        v = ops.grant(v, PEOPLE, "ana", PASS["ana"], "ops", to)
    return v


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "rb"
    root.mkdir()
    (root / "docs").mkdir()
    f = RunbookFactory(root)
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en"))
    f.write("team.yml", TEAM)
    save(root, base_vault())
    git(root, "init", "-q", "-b", "main")
    commit(root, "base")
    return root


def save(root: Path, vault: store.Vault) -> None:
    store.write_atomic(root / "vault.yml", store.dump(vault))


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def rb026(root: Path) -> list[tuple[str, dict]]:
    runbook = load_runbook(root)
    found = lint_runbook(runbook, date(2026, 11, 23))
    return [(f.key, f.args) for f in found if f.code == "RB026"]


def refused(func, *args, **kwargs) -> VaultError:
    with pytest.raises(VaultError) as err:
        func(*args, **kwargs)
    return err.value


def diff_json(root: Path, *revs: str) -> tuple[dict, int]:
    done = releve("diff", *revs, "--format", "json", cwd=root, env=NO_CI)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout), done.returncode


# --- a sound history ------------------------------------------------------------------


def test_every_operation_signs_and_the_history_verifies(repo):
    v = load(repo / "vault.yml")
    history = chain.verify(v.meta(), "ops", PEOPLE)
    assert history.ok and history.maker == "ana"
    steps = v.audiences["ops"].chain
    assert [(s.generation, s.holders, s.by) for s in steps] == [
        (1, ("ana",), "ana"), (1, ("ana", "ben"), "ana"), (1, ("ana", "ben", "cleo"), "ana"),
    ]  # fmt: skip
    assert {w.by for w in v.audiences["ops"].slots.values()} == {"ana"}
    done = ops.revoke(v, PEOPLE, "ben", PASS["ben"], "ops", "ana")
    after = chain.verify(done.vault.meta(), "ops", PEOPLE)
    assert after.ok and after.maker == "ben"
    assert rb026(repo) == []


def test_a_new_enrolment_keeps_what_she_signed(repo):
    v = load(repo / "vault.yml")
    again = ops.enroll(v, PEOPLE, "ana", "ana-lost-her-passphrase-heron-pebble", again=True,
                       **FAST).vault  # fmt: skip
    assert again.people["ana"].former == (v.people["ana"].public,)
    assert chain.verify(again.meta(), "ops", PEOPLE).ok
    save(repo, again)
    commit(repo, "ana enrols again")
    report, _ = diff_json(repo, "HEAD~1", "HEAD")
    kinds = {(e["kind"], e.get("person")) for e in report["vault"]["keys"]}
    assert ("key_changed", "ana") in kinds and ("holder_removed", "ana") in kinds
    assert rb026(repo) == []


# --- planted and substituted keys -----------------------------------------------------


def plant_audience(v: store.Vault, signed: bool = True) -> store.Vault:
    """Eve (enrolled, without the role) adds `finance` with a key she knows, wrapped to Dan."""
    out = copy.deepcopy(v)
    key = crypto.new_data_key()
    private = ops.unlock(out, "eve", PASS["eve"])
    wrap = crypto.wrap_to(key, out.people["dan"].public, "finance", "dan", 1)
    steps = []
    if signed:
        wrap = chain.signed_wrap(wrap, "finance", "dan", out.people["dan"].public, "eve", private)
        steps = chain.next_step("finance", [], 1, ["dan", "eve"], "eve", private)
    out.audiences["finance"] = store.Audience(1, {"dan": wrap}, chain=steps)
    return out


def test_a_planted_audience_is_reported_refused_and_attributed(repo):
    save(repo, plant_audience(load(repo / "vault.yml")))
    commit(repo, "plant finance")
    found = rb026(repo)
    assert [k for k, _ in found] == ["vault.chain_no_role"]
    assert found[0][1]["person"] == "eve"
    v = load(repo / "vault.yml")
    err = refused(ops.add, v, PEOPLE, "dan", PASS["dan"], "ledger", "finance", "x", today=DAY)
    assert err.key == "vault.chain_no_role" and err.args_["person"] == "eve"
    report, code = diff_json(repo, "HEAD~1", "HEAD")
    assert code == 1  # RB026 is an error the change adds
    created = [e for e in report["vault"]["keys"] if e["kind"] == "created"]
    assert created == [{"kind": "created", "audience": "finance", "by": "eve", "to": 1}]
    assert any(f["code"] == "RB026" for f in report["lint"]["added"])
    text = releve("diff", "HEAD~1", "HEAD", cwd=repo, env=NO_CI).stdout
    assert "audience created: finance (generation 1), signed by Eve Martin (eve)" in text
    assert "holder added: finance — Dan Roy (dan), signed by Eve Martin (eve)" in text


def test_the_build_reports_a_planted_audience(repo):
    save(repo, plant_audience(load(repo / "vault.yml")))
    done = mkdocs_build(repo, "--strict")
    assert done.returncode != 0
    line = next(ln for ln in done.stderr.splitlines() if "RB026" in ln)
    assert "vault.yml:" in line and "'finance' was created by 'eve'" in line, line


def test_a_planted_unsigned_audience(repo):
    save(repo, plant_audience(load(repo / "vault.yml"), signed=False))
    assert [k for k, _ in rb026(repo)] == ["vault.unsigned"]
    v = load(repo / "vault.yml")
    err = refused(ops.add, v, PEOPLE, "dan", PASS["dan"], "ledger", "finance", "x", today=DAY)
    assert err.key == "vault.unsigned"


def substitute(v: store.Vault, sign_step: bool = True) -> store.Vault:
    """Eve makes generation 2 of `ops` with her own key, wrapped to the real holders."""
    out = copy.deepcopy(v)
    aud = out.audiences["ops"]
    key = crypto.new_data_key()
    private = ops.unlock(out, "eve", PASS["eve"])
    holders = ["ana", "ben", "cleo"]
    aud.slots = {
        h: chain.signed_wrap(crypto.wrap_to(key, out.people[h].public, "ops", h, 2), "ops", h,
                             out.people[h].public, "eve", private)
        for h in holders
    }  # fmt: skip
    if sign_step:
        aud.chain = chain.next_step("ops", aud.chain, 2, [*holders, "eve"], "eve", private)
    aud.generation = 2
    return out


def test_a_substituted_generation_is_reported_and_refused(repo):
    save(repo, substitute(load(repo / "vault.yml")))
    commit(repo, "new ops key")
    found = rb026(repo)
    assert [k for k, _ in found] == ["vault.chain_not_holder"]
    assert found[0][1]["person"] == "eve" and found[0][1]["holders"] == "ana, ben, cleo"
    v = load(repo / "vault.yml")
    for func, args in ((ops.add, ("ana", PASS["ana"], "mail", "ops", "x")),):
        err = refused(func, v, PEOPLE, *args, today=DAY)
        assert err.key == "vault.chain_not_holder" and err.args_["person"] == "eve"
    err = refused(ops.grant, v, {**PEOPLE, "dan": {"ops"}}, "ana", PASS["ana"], "ops", "dan")
    assert err.key == "vault.chain_not_holder"
    err = refused(ops.revoke, v, PEOPLE, "ana", PASS["ana"], "ops", "cleo")
    assert err.key == "vault.chain_not_holder"
    report, _ = diff_json(repo, "HEAD~1", "HEAD")
    assert {"kind": "generation", "audience": "ops", "by": "eve", "from": 1, "to": 2} in (
        report["vault"]["keys"]
    )
    # The same substitution without a signed step: a generation nobody signed.
    save(repo, substitute(base_vault(), sign_step=False))
    assert [k for k, _ in rb026(repo)] == ["vault.chain_tip"]


def test_a_planted_holder_and_a_forged_signature(repo):
    v = load(repo / "vault.yml")
    planted = copy.deepcopy(v)  # Eve wraps the ops key... she cannot: she wraps her own
    private = ops.unlock(planted, "eve", PASS["eve"])
    w = crypto.wrap_to(crypto.new_data_key(), planted.people["eve"].public, "ops", "eve", 1)
    planted.audiences["ops"].slots["eve"] = chain.signed_wrap(
        w, "ops", "eve", planted.people["eve"].public, "eve", private
    )
    keys = [p.key for p in chain.verify(planted.meta(), "ops", PEOPLE).problems]
    assert keys == ["vault.wrap_not_in_chain"]
    forged = copy.deepcopy(v)  # a step claiming Ana, signed by Eve
    step = chain.next_step("ops", forged.audiences["ops"].chain, 1,
                           ["ana", "ben", "cleo", "eve"], "ana", private)[-1]  # fmt: skip
    forged.audiences["ops"].chain.append(step)
    problems = chain.verify(forged.meta(), "ops", PEOPLE).problems
    assert [p.key for p in problems] == ["vault.chain_bad_signature"]
    assert problems[0].args["person"] == "ana"
    swapped = copy.deepcopy(v)  # Ben's public key replaced after the grant
    swapped.people["ben"] = swapped.people["eve"]
    keys = {p.key for p in chain.verify(swapped.meta(), "ops", PEOPLE).problems}
    assert "vault.wrap_bad_signature" in keys


def test_a_self_revoked_step(repo):
    v = load(repo / "vault.yml")
    aud = v.audiences["ops"]
    private = ops.unlock(v, "cleo", PASS["cleo"])
    aud.chain = chain.next_step("ops", aud.chain, 2, ["ana", "ben"], "cleo", private)
    problems = chain.verify(v.meta(), "ops", PEOPLE).problems
    assert [p.key for p in problems] == ["vault.chain_self_revoked"]
    assert problems[0].args["person"] == "cleo"


# --- rollback and merges (real git) ----------------------------------------------------


def audiences_block(text: str) -> str:
    start = text.index("\naudiences:\n") + 1
    return text[start : text.index("\ncredentials:\n", start) + 1]


def test_a_rollback_of_the_audiences_block_after_a_revoke(repo):
    before = (repo / "vault.yml").read_text(encoding="utf-8")
    v = load(repo / "vault.yml")
    v = ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "cleo").vault
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "mail", "ops", "CANARY-after", today=DAY)
    save(repo, v)
    commit(repo, "revoke cleo, then add mail")
    text = (repo / "vault.yml").read_text(encoding="utf-8")
    rolled = text.replace(audiences_block(text), audiences_block(before))
    (repo / "vault.yml").write_text(rolled, encoding="utf-8")
    commit(repo, "restore the audiences block")
    found = rb026(repo)
    assert {k for k, _ in found} == {"vault.rolled_back_field"}
    assert {a["id"] for _, a in found} == {"bank", "mail"}
    v = load(repo / "vault.yml")
    for call in (
        lambda: ops.add(v, PEOPLE, "ana", PASS["ana"], "new", "ops", "x", today=DAY),
        lambda: ops.grant(v, {**PEOPLE, "dan": {"ops"}}, "ana", PASS["ana"], "ops", "dan"),
        lambda: ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "ben"),
    ):
        err = refused(call)
        assert err.key == "vault.rolled_back" and err.args_["newer"] == 2
    report, code = diff_json(repo, "HEAD~1", "HEAD")
    assert code == 1
    rolled_back = [e for e in report["vault"]["keys"] if e["kind"] == "rolled_back"]
    assert rolled_back == [{"kind": "rolled_back", "audience": "ops", "by": "ana", "from": 2,
                            "to": 1}]  # fmt: skip
    done = releve("vault", "check", cwd=repo)
    assert done.returncode == 1 and "rolled back" in done.stderr


def test_the_parallel_revoke_and_add_merge_is_a_merge_not_a_rollback(repo):
    git(repo, "checkout", "-q", "-b", "parallel")
    v = load(repo / "vault.yml")
    # "agenda" sorts before "bank": git merges the two without a conflict
    save(repo, ops.add(v, PEOPLE, "ben", PASS["ben"], "agenda", "ops", "CANARY-mail", today=DAY))
    commit(repo, "ben adds agenda")
    git(repo, "checkout", "-q", "main")
    v = load(repo / "vault.yml")
    save(repo, ops.revoke(v, PEOPLE, "ana", PASS["ana"], "ops", "ben").vault)
    commit(repo, "ana revokes ben")
    git(repo, "merge", "-q", "--no-edit", "parallel")
    v = load(repo / "vault.yml")
    assert v.problems == []
    assert chain.verify(v.meta(), "ops", PEOPLE).ok  # the history is sound...
    findings = check_vault(v, load_runbook(repo))
    stale = [f for f in findings if f.key == "vault.stale_field"]
    assert [f.args["id"] for f in stale] == ["agenda"] and stale[0].code == "RB008"
    assert not [f for f in findings if f.code == "RB026"]  # ...and nothing was rolled back
    err = refused(ops.reveal, v, "ana", PASS["ana"], "agenda")
    assert err.key == "vault.stale_field"
    # The way back the lint gives: add the value again under the current, verified key.
    v = ops.add(v, PEOPLE, "ana", PASS["ana"], "agenda", "ops", "CANARY-mail", today=DAY,
                replace_value=True)  # fmt: skip
    assert ops.reveal(v, "cleo", PASS["cleo"], "agenda") == {"password": "CANARY-mail"}


def test_a_parallel_revoke_and_grant_conflict_or_break(repo):
    """Both append a step after the same one: git stops on a conflict, and a resolution
    keeping both lines forks the history, which no longer verifies."""
    people = {**PEOPLE, "dan": {"ops", "finance"}}
    git(repo, "checkout", "-q", "-b", "parallel")
    v = load(repo / "vault.yml")
    save(repo, ops.grant(v, people, "ben", PASS["ben"], "ops", "dan"))
    commit(repo, "ben grants dan")
    git(repo, "checkout", "-q", "main")
    v = load(repo / "vault.yml")
    save(repo, ops.revoke(v, people, "ana", PASS["ana"], "ops", "cleo").vault)
    commit(repo, "ana revokes cleo")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    merged = subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@e.invalid",
                             "merge", "-q", "--no-edit", "parallel"], cwd=repo, env=env,
                            capture_output=True, text=True)  # fmt: skip
    assert merged.returncode != 0  # a conflict in the history: a reviewer must look
    text = (repo / "vault.yml").read_text(encoding="utf-8")
    both = "\n".join(
        line for line in text.splitlines() if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))
    )
    v = store.parse(both + "\n")
    if not v.problems:
        assert not chain.verify(v.meta(), "ops", people).ok


# --- migration: vaults written before signatures ---------------------------------------


def unsigned(v: store.Vault) -> store.Vault:
    out = copy.deepcopy(v)
    for aud in out.audiences.values():
        aud.chain = []
        aud.slots = {
            p: crypto.Wrap(w.generation, w.ephemeral, w.nonce, w.key) for p, w in aud.slots.items()
        }
    return out


def test_an_unsigned_vault_is_an_error_until_a_holder_signs_it(repo):
    save(repo, unsigned(load(repo / "vault.yml")))
    found = rb026(repo)
    assert [k for k, _ in found] == ["vault.unsigned"]
    v = load(repo / "vault.yml")
    err = refused(ops.add, v, PEOPLE, "ana", PASS["ana"], "mail", "ops", "x", today=DAY)
    assert err.key == "vault.unsigned"
    assert refused(ops.sign, v, PEOPLE, "dan", PASS["dan"], "ops").key == "vault.not_holder"
    done = ops.sign(v, PEOPLE, "ben", PASS["ben"])
    assert done.signed == ["ops"] and done.already == []
    history = chain.verify(done.vault.meta(), "ops", PEOPLE)
    assert history.ok and history.maker == "ben"
    assert {w.by for w in done.vault.audiences["ops"].slots.values()} == {"ben"}
    for person in ("ana", "cleo"):
        assert ops.reveal(done.vault, person, PASS[person], "bank") == {"password": "CANARY-bank"}
    again = ops.sign(done.vault, PEOPLE, "ana", PASS["ana"])
    assert again.signed == [] and again.already == ["ops"]
    # Signing never vouches for a history that exists but does not verify.
    err = refused(ops.sign, substitute(base_vault()), PEOPLE, "ana", PASS["ana"], "ops")
    assert err.key == "vault.chain_not_holder"


def test_the_sample_vault_is_signed():
    """The sample vault was signed with `releve vault sign` (README, Sample vault)."""
    v = load(REPO / "vault.yml")
    runbook = load_runbook(REPO)
    roles = {pid: set(p.roles) for pid, p in runbook.team.people.items()}
    for audience in v.audiences:
        history = chain.verify(v.meta(), audience, roles)
        assert history.ok, (audience, history.problems)
    assert not [f for f in check_vault(v, runbook) if f.code == "RB026"]


def test_the_cli_signs(repo):
    save(repo, unsigned(load(repo / "vault.yml")))
    env = {"RELEVE_PASSPHRASE": PASS["ben"]}
    done = releve("vault", "sign", "--as", "ben", cwd=repo, env=env)
    assert done.returncode == 0, done.stderr
    assert "ben signed the keys of ops" in done.stdout
    assert rb026(repo) == []
    done = releve("vault", "sign", "--as", "ben", cwd=repo, env=env)
    assert done.returncode == 0 and "already signed" in done.stdout


# --- the browser verifies what it unwraps -------------------------------------------

NODE = shutil.which("node")
HARNESS = """
const fs = require("fs");
let src = fs.readFileSync(process.argv[2], "utf8");
src = src.replace(/\\}\\)\\(\\);\\s*$/, "globalThis.__r = { open: open };})();");
globalThis.window = globalThis;
globalThis.document = { addEventListener() {} };
eval(src);
const vault = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
__r.open(vault, "bank", process.argv[4], process.argv[5]).then(
  (v) => console.log(JSON.stringify({ opened: v })),
  (e) => console.log(JSON.stringify({ refused: e.message })));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize(
    "attack, expected",
    [("none", "opened"), ("substituted", "unverified"), ("unsigned", "unverified"),
     ("forged_wrap", "unverified")],
)  # fmt: skip
def test_reveal_js_verifies_what_it_unwraps(tmp_path, attack, expected):
    """reveal.js's own code under Node's WebCrypto (the same API as the browser's)."""
    v = base_vault()
    if attack == "substituted":
        v = substitute(v)
    elif attack == "unsigned":
        v = unsigned(v)
    elif attack == "forged_wrap":
        w = v.audiences["ops"].slots["ben"]
        v.audiences["ops"].slots["ben"] = crypto.Wrap(
            w.generation, w.ephemeral, w.nonce, w.key, "ana", bytes(64)
        )
    (tmp_path / "vault.json").write_text(publish.site_json(v, PEOPLE), encoding="utf-8")
    (tmp_path / "harness.js").write_text(HARNESS, encoding="utf-8")
    reveal = REPO / "plugins" / "releve" / "assets" / "reveal.js"
    done = subprocess.run([NODE, str(tmp_path / "harness.js"), str(reveal),
                           str(tmp_path / "vault.json"), "ben", PASS["ben"]],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    if expected == "opened":
        assert result == {"opened": [{"name": "password", "value": "CANARY-bank"}]}
    else:
        assert result == {"refused": expected}


def test_audit_does_not_vouch_for_a_planted_key(repo):
    save(repo, substitute(load(repo / "vault.yml")))
    done = releve("vault", "audit", "--format", "json", cwd=repo)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert [f["code"] for f in data["unverified"]] == ["RB026"]
    assert "eve" in data["unverified"][0]["message"]
    text = releve("vault", "audit", cwd=repo).stdout
    assert text.startswith("Keys whose signed history does not verify (RB026)")
