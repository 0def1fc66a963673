"""A broken vault.yml is one line naming the file, in lint, build and vault commands.

Not UTF-8, a folder instead of a file, wrong types inside (`slots: 5`); and bad input
on stdin to `vault add`, or a failed write: never a traceback.
"""

from __future__ import annotations

import pytest

from conftest import GOOD, mkdocs_build, releve

TEAM = "people:\n  - {id: ana, name: Ana, roles: [ops]}\n  - {id: ben, name: Ben, roles: [ops]}\n"
ENV = {"RELEVE_USER": "ana", "RELEVE_PASSPHRASE": "ana-maple-river-lantern-kettle"}

BROKEN = {
    "not_utf8": b"version: 2\n# caf\xe9 \xff\xfe\n",
    "slots_int": b"version: 2\naudiences:\n  ops:\n    slots: 5\n",
    "slots_list": b"version: 2\naudiences:\n  ops:\n    slots: [ana, ben]\n",
    "fields_int": b"version: 2\ncredentials:\n  bank: {audience: ops, fields: 5, label: [1]}\n",
}


@pytest.fixture
def rb(make_runbook):
    rb = make_runbook(team=TEAM)
    rb.procedure("a.md", GOOD)
    return rb


def no_traceback(done) -> None:
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr


def check_everywhere(root) -> None:
    lint = releve("lint", "--root", str(root))
    no_traceback(lint)
    assert "vault.yml" in lint.stdout, lint.stdout
    for args in (["vault", "list"], ["vault", "check"]):
        done = releve(*args, "--root", str(root))
        no_traceback(done)
        if done.returncode:  # `check` lists every problem, each on its line, naming the file
            lines = done.stderr.strip().splitlines()
            assert lines and all("vault.yml" in line for line in lines), done.stderr
            assert len(lines) == 1 or args == ["vault", "check"], done.stderr
    add = releve("vault", "add", "bank2", "--audience", "ops", "--root", str(root),
                 stdin="value\n", env=ENV)  # fmt: skip
    no_traceback(add)
    assert add.returncode != 0 and "vault.yml" in add.stderr, add.stderr
    build = mkdocs_build(root)
    no_traceback(build)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_vault_file(rb, case):
    (rb.root / "vault.yml").write_bytes(BROKEN[case])
    check_everywhere(rb.root)


def test_vault_file_is_a_folder(rb):
    (rb.root / "vault.yml").mkdir()
    check_everywhere(rb.root)


def test_slots_that_are_not_a_mapping_hold_nobody(rb):
    from releve.model import load_runbook

    (rb.root / "vault.yml").write_bytes(
        BROKEN["slots_list"] + b"credentials:\n  bank: {audience: ops, fields: {}}\n"
    )
    runbook = load_runbook(rb.root)
    assert runbook.credentials["bank"].holders == []


def test_vault_add_with_bytes_that_are_not_utf8_on_stdin(rb):
    import os
    import subprocess

    from conftest import VENV_BIN

    done = subprocess.run(
        [str(VENV_BIN / "releve"), "vault", "add", "bank", "--audience", "ops",
         "--root", str(rb.root)],
        input=b"caf\xe9 \xff\n", capture_output=True,
        env={**os.environ, **ENV}, timeout=120,
    )  # fmt: skip
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert done.returncode == 2 and len(stderr.strip().splitlines()) == 1, stderr
    assert not (rb.root / "vault.yml").exists()
