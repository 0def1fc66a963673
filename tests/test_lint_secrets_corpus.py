"""RB009 corpora kept as data files (tests/data/rb009/): what must be found, at which line,
and look-alikes that must stay silent. One test per case, named by its first line."""

from __future__ import annotations

from pathlib import Path

import pytest

from releve.lint.rules.secrets import scan_text

DATA = Path(__file__).parent / "data" / "rb009"


def cases(name: str) -> list[tuple[str, str]]:
    """(header, body) of each case of a corpus file: a "===" line opens a case (its header
    follows the "==="), "## " lines are comments."""
    out: list[tuple[str, list[str]]] = []
    for line in (DATA / name).read_text(encoding="utf-8").split("\n"):
        if line.startswith("==="):
            out.append((line[3:].strip(), []))
        elif out and not line.startswith("## "):
            out[-1][1].append(line)
    return [(head, "\n".join(body).rstrip("\n")) for head, body in out]


FOUND = cases("found.txt")
SILENT = [body for _, body in cases("silent.txt")]


def test_the_corpora_are_large():
    assert len(FOUND) >= 60 and len(SILENT) >= 60


@pytest.mark.parametrize(("head", "text"), FOUND, ids=[t.split("\n")[0][:40] for _, t in FOUND])
def test_found_at_its_line(head, text):
    kind, lines = head.split()  # "recovery 2,3": one hit on each listed line
    hits = scan_text(text)
    assert [(h.kind, h.line + 1) for h in hits] == [(kind, int(n)) for n in lines.split(",")], hits


@pytest.mark.parametrize("text", SILENT, ids=[t.split("\n")[0][:40] for t in SILENT])
def test_silent(text):
    assert scan_text(text) == []


# --- every published text file, the site's config and overrides ---------------------

KEY = "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
SITE_KEY = "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI"  # a public reCAPTCHA test site key


def rb009(root) -> list[tuple[str, str, int, str]]:
    from datetime import date

    from releve.lint import lint_runbook
    from releve.model import load_runbook

    found = lint_runbook(load_runbook(root), date(2026, 11, 23))
    return sorted((f.code, f.path, f.line, f.severity) for f in found
                  if f.code in ("RB009", "RB028"))  # fmt: skip


def test_every_published_text_file_is_scanned(make_runbook):
    rb = make_runbook()
    for name in (
        "docs/scripts/setup.sh",
        "docs/scripts/setup.ps1",
        "docs/app.js",
        "docs/img/logo.svg",
        "docs/db/init.sql",
        "docs/bureau.rdp",
        "docs/notes",
    ):
        rb.write(name, f"line one\ntoken = {KEY}\n")  # fmt: skip
    (rb.root / "docs" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0" + KEY.encode())
    rb.write("docs/.hidden.sh", f"{KEY}\n")  # never published, so not scanned
    found = rb009(rb.root)
    assert [(path, line) for _, path, line, _ in found] == sorted(
        (name, 2) for name in ("docs/scripts/setup.sh", "docs/scripts/setup.ps1", "docs/app.js",
                               "docs/img/logo.svg", "docs/db/init.sql", "docs/bureau.rdp",
                               "docs/notes")
    )  # fmt: skip


def test_the_site_config_and_overrides_are_scanned(make_runbook):
    rb = make_runbook()
    config = rb.root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("theme:\n", "theme:\n  custom_dir: overrides\n")
        + f"extra:\n  analytics:\n    provider: custom\n    key: {KEY}\n",
        encoding="utf-8",
    )
    rb.write(
        "overrides/main.html", "{% extends 'base.html' %}\n<!-- Mot de passe : Soleil2024! -->\n"
    )
    found = rb009(rb.root)
    assert [(code, path) for code, path, _, _ in found] == [
        ("RB009", "mkdocs.yml"), ("RB009", "overrides/main.html"),
    ]  # fmt: skip


# --- the reviewed escape hatch ---------------------------------------------------------


def test_a_marker_waives_a_true_false_positive_and_shows_it(make_runbook):
    rb = make_runbook()
    rb.write("docs/forms.md", f"reCAPTCHA site key: {SITE_KEY} "
             "<!-- releve: not-a-secret public reCAPTCHA site key -->\n")  # fmt: skip
    rb.write("docs/setup.sh", f"# releve: not-a-secret public site key\nSITE_KEY={SITE_KEY}\n")
    rb.write("docs/bare.md", f"{SITE_KEY} <!-- releve: not-a-secret -->\n")  # says nothing
    rb.write("docs/key.md", "<!-- releve: not-a-secret test key -->\n"
             "-----BEGIN OPENSSH PRIVATE KEY-----\n")  # fmt: skip
    found = rb009(rb.root)
    assert found == [
        ("RB009", "docs/bare.md", 1, "error"),
        ("RB009", "docs/key.md", 2, "error"),
        ("RB028", "docs/forms.md", 1, "warning"),
        ("RB028", "docs/setup.sh", 2, "warning"),
    ]
    from datetime import date

    from releve.lint import lint_runbook
    from releve.model import load_runbook

    waived = [f for f in lint_runbook(load_runbook(rb.root), date(2026, 11, 23))
              if f.code == "RB028"]  # fmt: skip
    assert "“public reCAPTCHA site key”" in waived[0].message("en")
    assert SITE_KEY not in waived[0].message("en")


def test_a_waiver_cannot_be_silenced(make_runbook):
    rb = make_runbook()
    config = rb.root / "mkdocs.yml"
    off = "      binder: false\n      severity: {RB028: off}\n"
    config.write_text(config.read_text().replace("      binder: false\n", off), encoding="utf-8")
    rb.write("docs/forms.md", f"{SITE_KEY} <!-- releve: not-a-secret public site key -->\n")
    assert rb009(rb.root) == [("RB028", "docs/forms.md", 1, "warning")]


def test_releve_diff_shows_a_new_waiver(tmp_path):
    import json

    from diff_fixture import GitRunbook

    from conftest import releve

    rb = GitRunbook(tmp_path / "repo")
    rb.write(
        "docs/forms.md", f"Site key: {SITE_KEY} <!-- releve: not-a-secret public site key -->\n"
    )
    rb.commit("a public key, waived")
    done = releve("diff", "HEAD~1", "HEAD", "--format", "json", cwd=rb.root,
                  env={"GITHUB_BASE_REF": ""})  # fmt: skip
    report = json.loads(done.stdout)
    added = [f for f in report["lint"]["added"] if f["code"] == "RB028"]
    assert len(added) == 1 and "public site key" in added[0]["message"]
    assert SITE_KEY not in done.stdout
    text = releve("diff", "HEAD~1", "HEAD", cwd=rb.root, env={"GITHUB_BASE_REF": ""}).stdout
    assert "RB028" in text and "public site key" in text
