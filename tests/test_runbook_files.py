"""One list of the runbook's files (core/files.py): the lint, `releve diff`, serve's watch
and the symbolic-link check all read it, so what one sees the others see."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

from test_diff import diff

from conftest import GOOD, mkdocs_build, releve
from releve.core.files import RunbookFiles
from releve.core.settings import Settings, load_settings

LEAK = "Password: Tr0ub4dor&3\n"


def lint_json(root: Path) -> list[dict]:
    done = releve("lint", "--root", str(root), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def secrets(findings: list[dict]) -> list[tuple[str, int]]:
    return sorted((f["path"], f["line"]) for f in findings if f["code"] == "RB009")


def test_password_committed_in_docs_is_added_by_the_diff(git_runbook):
    rb = git_runbook()
    rb.write("docs/notes.md", "# Notes\n\nNothing secret yet.\n")
    rb.commit("notes")
    rb.write("docs/notes.md", "# Notes\n\n" + LEAK)
    rb.write("records/2026/intervention.yml", "note: fine\n" + LEAK)
    rb.commit("a password in the docs and a record")
    report, code = diff(rb, "HEAD~1", "HEAD")
    added = [(f["path"], f["line"]) for f in report["lint"]["added"] if f["code"] == "RB009"]
    assert added == [("docs/notes.md", 3), ("records/2026/intervention.yml", 2)]
    assert code == 1  # a lint error is added: blocking
    assert "Tr0ub4dor" not in json.dumps(report)
    # The lint of the same commit finds exactly what the diff added.
    assert secrets(lint_json(rb.root)) == sorted(added)


def test_lint_and_diff_agree_on_a_custom_docs_dir(git_runbook):
    rb = git_runbook()
    rb.replace("mkdocs.yml", "site_name: Diff test\n", "site_name: Diff test\ndocs_dir: pages\n")
    rb.write("pages/index.md", "# Home\n")
    rb.write("docs/ignored.md", LEAK)  # not the docs_dir any more: never published
    rb.commit("pages")
    rb.write("pages/index.md", "# Home\n\n" + LEAK)
    rb.commit("leak")
    report, _ = diff(rb, "HEAD~1", "HEAD")
    added = [(f["path"], f["line"]) for f in report["lint"]["added"] if f["code"] == "RB009"]
    assert added == [("pages/index.md", 3)]
    assert secrets(lint_json(rb.root)) == added


def test_the_list_follows_the_settings(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: site-pages\ntheme: {name: material, custom_dir: theme}\n",
        encoding="utf-8",
    )
    files = RunbookFiles.of(tmp_path, load_settings(tmp_path))
    assert files.docs == "site-pages" and files.overrides == "theme"
    assert files.folders == ("procedures", "clients", "site-pages", "records", "theme")
    assert files.files == ("mkdocs.yml", "team.yml", "vault.yml", ".github/CODEOWNERS",
                           "CODEOWNERS", "docs/CODEOWNERS")  # fmt: skip
    for held in ("site-pages/a/b.png", "records/x.yml", "theme/main.html", "docs/CODEOWNERS",
                 "procedures/ops/a.md", ".github/CODEOWNERS", "team.yml"):  # fmt: skip
        assert files.holds(PurePosixPath(held)), held
    for other in ("docs/a.md", "site/index.html", "README.md", "procedures", ".git/config"):
        assert not files.holds(other), other


def test_folders_outside_the_runbook_hold_nothing_but_are_checked(tmp_path):
    settings = Settings(docs_dir="..", custom_dir=str(tmp_path.parent / "elsewhere"))
    files = RunbookFiles.of(tmp_path, settings)
    assert not files.holds("../x.md") and not files.holds("x.md")
    assert files.scanned == ("records",)
    # the symbolic-link check still starts there, and refuses what lies outside
    assert tmp_path / ".." in files.paths(tmp_path)
    assert tmp_path.parent / "elsewhere" in files.paths(tmp_path)


def test_build_reads_the_docs_dir_of_mkdocs_yml(make_runbook):
    rb = make_runbook()
    rb.procedure("a.md", GOOD)
    rb.write("mkdocs.yml", rb.root.joinpath("mkdocs.yml").read_text() + "docs_dir: pages\n")
    rb.write("pages/index.md", "# Home\n\n" + LEAK)
    done = mkdocs_build(rb.root)
    assert done.returncode == 1
    assert "pages/index.md" in done.stderr and "Tr0ub4dor" not in done.stderr


def test_build_refuses_a_link_out_of_records(make_runbook, tmp_path):
    rb = make_runbook()
    rb.procedure("a.md", GOOD)
    outside = tmp_path / "outside.yml"
    outside.write_text("note: elsewhere\n", encoding="utf-8")
    (rb.root / "records").mkdir()
    (rb.root / "records" / "x.yml").symlink_to(outside)
    done = mkdocs_build(rb.root)
    assert done.returncode == 1
    assert [line for line in done.stderr.splitlines() if "records/x.yml" in line]


class Watcher:
    def __init__(self) -> None:
        self.paths: list[str] = []

    def watch(self, path: str) -> None:
        self.paths.append(path)


def test_serve_watches_every_file_of_the_list(tmp_path):
    from releve.mkdocs.plugin import RelevePlugin

    for name in ("team.yml", "vault.yml", ".github/CODEOWNERS", "records/a.yml",
                 "procedures/a.md", "pages/index.md", "theme/main.html"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    plugin = RelevePlugin()
    plugin.root = tmp_path
    plugin.settings = Settings(docs_dir="pages", custom_dir="theme")
    server = Watcher()
    config = SimpleNamespace(
        docs_dir=str(tmp_path / "pages"), config_file_path=None, theme=SimpleNamespace(dirs=[])
    )  # what on_serve reads
    plugin.on_serve(server, config=config, builder=None)
    watched = {Path(p).relative_to(tmp_path).as_posix() for p in server.paths}
    assert watched == {"team.yml", "vault.yml", ".github/CODEOWNERS", "records", "procedures",
                       "pages", "theme"}  # fmt: skip
