"""Commands on careless or hostile input: one line naming the file, never a traceback,
never a lost file, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GOOD, releve

# --- releve init never overwrites a file -------------------------------------------


def one_line_error(done) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize(
    "existing",
    ["vault.yml", ".github/workflows/releve.yml", ".pre-commit-config.yaml",
     "docs/about.md", "procedures/general/example.md"],
)  # fmt: skip
def test_init_never_overwrites_a_file(tmp_path, existing):
    target = tmp_path / "runbook"
    (target / existing).parent.mkdir(parents=True)
    (target / existing).write_text("OURS, NOT YOURS\n", encoding="utf-8")
    line = one_line_error(releve("init", str(target)))
    assert existing in line
    assert (target / existing).read_text(encoding="utf-8") == "OURS, NOT YOURS\n"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        existing
    ], "nothing else is written either"


def test_init_beside_unrelated_files_writes_the_runbook(tmp_path):
    target = tmp_path / "runbook"
    target.mkdir()
    (target / "README.md").write_text("Our repository.\n", encoding="utf-8")
    done = releve("init", str(target))
    assert done.returncode == 0, done.stderr
    assert (target / "README.md").read_text(encoding="utf-8") == "Our repository.\n"
    assert (target / "mkdocs.yml").exists()


def test_init_does_not_write_through_a_symlink(tmp_path):
    target = tmp_path / "runbook"
    target.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (target / ".github").symlink_to(elsewhere, target_is_directory=True)
    line = one_line_error(releve("init", str(target)))
    assert ".github" in line
    assert list(elsewhere.iterdir()) == []


def test_init_into_a_dangling_symlink_or_a_file(tmp_path):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    assert "link" in one_line_error(releve("init", str(link)))
    assert not (tmp_path / "nowhere").exists()
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    assert "file" in one_line_error(releve("init", str(file)))
    assert file.read_text(encoding="utf-8") == "x"


# --- releve binder -o onto an existing file --------------------------------------


@pytest.fixture
def rb(make_runbook):
    rb = make_runbook()
    rb.procedure("a.md", GOOD)
    return rb


def test_binder_refuses_to_overwrite_a_file_that_is_not_a_binder(rb, tmp_path):
    notes = tmp_path / "notes.pdf"
    notes.write_text("my own notes, not a PDF\n", encoding="utf-8")
    line = one_line_error(releve("binder", "--all", "-o", str(notes), "--root", str(rb.root)))
    assert "notes.pdf" in line and "--force" in line
    assert notes.read_text(encoding="utf-8") == "my own notes, not a PDF\n"
    forced = releve("binder", "--all", "-o", str(notes), "--force", "--root", str(rb.root))
    assert forced.returncode == 0, forced.stderr
    assert notes.read_bytes().startswith(b"%PDF")


def test_binder_overwrites_its_own_previous_output(rb, tmp_path):
    out = tmp_path / "all.pdf"
    assert releve("binder", "--all", "-o", str(out), "--root", str(rb.root)).returncode == 0
    again = releve("binder", "--all", "-o", str(out), "--root", str(rb.root))
    assert again.returncode == 0, again.stderr
    html = tmp_path / "all.html"
    assert releve("binder", "--all", "-o", str(html), "--root", str(rb.root)).returncode == 0
    assert releve("binder", "--all", "-o", str(html), "--root", str(rb.root)).returncode == 0


def test_binder_refuses_a_folder_as_output(rb, tmp_path):
    line = one_line_error(releve("binder", "--all", "-o", str(tmp_path), "--root", str(rb.root)))
    assert str(tmp_path.name) in line


# --- --root on a folder that is not a runbook -------------------------------------


@pytest.mark.parametrize(
    "args",
    [["binder", "--all", "-o", "x.pdf"], ["coverage"], ["codeowners"], ["vault", "list"],
     ["new", "ops/x.md", "--owner", "ana", "--backup", "ben"]],
)  # fmt: skip
def test_commands_refuse_a_folder_that_is_not_a_runbook(tmp_path, args):
    empty = tmp_path / "empty"
    empty.mkdir()
    line = one_line_error(releve(*args, "--root", str(empty), cwd=tmp_path))
    assert "empty" in line
    assert sorted(Path(empty).iterdir()) == []
    assert not (tmp_path / "x.pdf").exists()


# --- titles are escaped exactly once -------------------------------------------------

NAME = "Sam O'Neil & <b>Co</b>"


def test_titles_with_apostrophes_are_escaped_once(make_runbook, chromium, serve):
    from conftest import mkdocs_build

    team = f'people:\n  - {{id: sam, name: "{NAME}"}}\n  - {{id: ben, name: Ben}}\n'
    rb = make_runbook(team=team)
    mkdocs = (rb.root / "mkdocs.yml").read_text(encoding="utf-8")
    mkdocs = mkdocs.replace("site_name: Test runbook", "site_name: \"L'équipe d'Ana\"")
    mkdocs += '      service_titles:\n        ops: "Opérations d\'Ana"\n'
    (rb.root / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    rb.procedure("a.md", GOOD.replace("Triage the inbox", "L'agenda d'Ana").replace("ana", "sam"))
    rb.write("clients/acme.md", '---\nname: "Acme O\'Brien & fils"\n---\nNotes.\n')
    rb.write("docs/notes.md", "# Tom & Jerry's notes\n\nText.\n")
    done = mkdocs_build(rb.root)
    assert done.returncode == 0, done.stderr
    url = serve(rb.root / "site")
    page = chromium.new_page()
    expected = {
        "people/sam/": NAME,
        "procedures/a/": "L'agenda d'Ana",
        "clients/acme/": "Acme O'Brien & fils",
        "notes/": "Tom & Jerry's notes",
    }
    try:
        for path, title in expected.items():
            page.goto(url + path)
            assert page.title() == f"{title} - L'équipe d'Ana", path
            assert page.inner_text("article h1").strip() == title, path
        page.goto(url + "services/ops/")  # titled "Overview" in the navigation
        assert "Opérations d'Ana" in page.inner_text("article h1")
        page.goto(url)
        assert page.title().startswith("L'équipe d'Ana") or "L'équipe d'Ana" in page.title()
        assert "&#39;" not in page.title() and "&amp;" not in page.title()
    finally:
        page.close()


# --- releve new renders the team's template in a sandbox -----------------------------

TEMPLATE_HEAD = "---\ntitle: {{ title }}\nservice: {{ service }}\nowner: {{ owner }}\n"
TEMPLATE_TAIL = (
    "backup: [{{ backup }}]\npriority: urgent\nsuccess_criteria: [Done]\n"
    "reviewed: {{ today }}\nlast_drill: {{ today }}\n---\nSteps.\n"
)
HOSTILE_TEMPLATES = {
    "globals": "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}",
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "loop": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
}


@pytest.fixture
def team_rb(make_runbook):
    return make_runbook()


@pytest.mark.parametrize("case", sorted(HOSTILE_TEMPLATES))
def test_new_renders_the_template_in_a_sandbox(team_rb, tmp_path, case):
    team_rb.write(
        ".releve/procedure.md", TEMPLATE_HEAD + HOSTILE_TEMPLATES[case] + "\n" + TEMPLATE_TAIL
    )
    done = releve("new", "ops/x.md", "--owner", "ana", "--backup", "ben",
                  "--root", str(team_rb.root), cwd=tmp_path)  # fmt: skip
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert ".releve/procedure.md" in done.stderr
    assert not (tmp_path / "PWNED").exists() and not (team_rb.root / "PWNED").exists()
    assert not (team_rb.root / "procedures" / "ops" / "x.md").exists()


def test_new_with_a_template_that_is_not_utf8_or_points_outside(team_rb, tmp_path):
    (team_rb.root / ".releve").mkdir()
    (team_rb.root / ".releve" / "procedure.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    done = releve(
        "new", "ops/x.md", "--owner", "ana", "--backup", "ben", "--root", str(team_rb.root)
    )
    assert "Traceback" not in done.stderr and ".releve/procedure.md" in done.stderr, done.stderr
    outside = tmp_path / "outside.md"
    outside.write_text(TEMPLATE_HEAD + "OUTSIDE-CANARY\n" + TEMPLATE_TAIL, encoding="utf-8")
    (team_rb.root / ".releve" / "procedure.md").unlink()
    (team_rb.root / ".releve" / "procedure.md").symlink_to(outside)
    done = releve(
        "new", "ops/x.md", "--owner", "ana", "--backup", "ben", "--root", str(team_rb.root)
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert not (team_rb.root / "procedures" / "ops" / "x.md").exists()


# --- a failed write (disk full) is one line, and leaves the old file whole -----------


def disk_full(*args, **kwargs):
    import errno

    raise OSError(errno.ENOSPC, "No space left on device")


def run_main(argv, capsys):
    from releve.cli.main import main

    code = main(argv)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.err


def test_disk_full_while_writing_codeowners(rb, monkeypatch, capsys):
    from releve.core import atomic

    target = rb.root / "CODEOWNERS"
    target.write_text("# ours\n", encoding="utf-8")
    monkeypatch.setattr(atomic.os, "fsync", disk_full)  # the data never reaches the disk
    code, err = run_main(["codeowners", "-o", str(target), "--root", str(rb.root)], capsys)
    assert code == 2 and err.strip().splitlines()[-1].endswith("No space left on device"), err
    assert [x for x in err.splitlines() if "CODEOWNERS" in x] == [err.strip().splitlines()[-1]]
    assert target.read_text(encoding="utf-8") == "# ours\n"
    assert [p.name for p in rb.root.iterdir() if p.name.startswith(".CODEOWNERS")] == []


def test_disk_full_while_writing_the_vault(rb, monkeypatch, capsys):
    import io

    from releve.core import atomic
    from releve.vault import ops, store

    people = {"ana": {"ops"}, "ben": {"ops"}, "chloe": {"finance"}}
    enrolled = ops.enroll(store.Vault(), people, "ana", "ana-maple-river-lantern-kettle",
                          iterations=1000, weak_for_tests=True).vault  # fmt: skip
    store.write_atomic(rb.root / "vault.yml", store.dump(enrolled))
    before = (rb.root / "vault.yml").read_bytes()
    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    monkeypatch.setenv("RELEVE_USER", "ana")
    monkeypatch.setenv("RELEVE_PASSPHRASE", "ana-maple-river-lantern-kettle")
    monkeypatch.setattr("sys.stdin", io.StringIO("value\n"))
    code, err = run_main(["vault", "add", "bank", "--audience", "ops", "--root", str(rb.root)],
                         capsys)  # fmt: skip
    assert code == 2 and "vault.yml" in err and len(err.strip().splitlines()) == 1, err
    assert (rb.root / "vault.yml").read_bytes() == before
    assert "No space left on device" in err
    assert [p.name for p in rb.root.iterdir() if p.name.startswith(".vault.yml")] == []


def test_disk_full_while_writing_a_binder_or_a_new_procedure(rb, monkeypatch, capsys, tmp_path):
    from releve.render import binder

    monkeypatch.setattr(binder, "write_pdf", disk_full)
    out = tmp_path / "all.pdf"
    code, err = run_main(["binder", "--all", "-o", str(out), "--root", str(rb.root)], capsys)
    assert code == 2 and "No space left" in err and not out.exists(), err
    assert list(tmp_path.glob(".all.pdf*")) == []
