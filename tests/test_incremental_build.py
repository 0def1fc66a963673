"""`serve --dirty` writes only what an edit changes, and what it writes is never stale.

One session of dirty builds (tests/dirty_session.py, the engine's own `build(dirty=True)`
with the plugin kept between builds, as `releve serve` runs it) goes through a series of
edits on a copy of the sample runbook. After each, the site it holds must be the site a
full build of the same files writes, file for file (the search bundle aside: Pagefind's
output is not byte-stable; test_incremental_serve.py searches it). And where the edit
touched one procedure, pages that do not show it must not have been written again.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ENGINE, REPO, TODAY, engine_command, mkdocs_build

DRIVER = Path(__file__).with_name("dirty_session.py")
SKIP = ("pagefind/",)  # Pagefind's bundle: its chunks are named by content hashes
OWNER = "procedures/facturation/factures-hebdomadaires.md"
OTHER = "procedures/courriel/reponses-types.md"  # another service, other people


class Session:
    """A running dirty-build session over `root`, writing into `site`."""

    def __init__(self, root: Path, site: Path) -> None:
        engine_command()  # a clear failure when the engine is not installed
        env = {**os.environ, "RELEVE_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
        self.site = site
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER), ENGINE, str(root), str(site)],
            cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip

    def build(self) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write("build\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        assert answer == "built", answer or "the session ended"

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def files_of(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and not p.relative_to(site).as_posix().startswith(SKIP)
    }


def stamps(site: Path) -> dict[str, int]:
    return {rel: (site / rel).stat().st_mtime_ns for rel in files_of(site)}


@pytest.fixture(scope="module")
def runbook(tmp_path_factory) -> Path:
    """The sample, procedures kept out of the navigation (past 200 procedures they are,
    and then a title edit rewrites only the pages that show it), binders off."""
    root = tmp_path_factory.mktemp("incremental") / "rb"
    root.mkdir()
    for name in ("mkdocs.yml", "team.yml", "vault.yml"):
        shutil.copy(REPO / name, root / name)
    for name in ("procedures", "clients", "docs", "overrides", "records"):
        shutil.copytree(REPO / name, root / name)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    options = r"\1      nav_procedures: false\n      binder: false\n"
    config, found = re.subn(r"(\n  - releve:\n)", options, config)
    assert found == 1, "the sample's mkdocs.yml no longer has a `- releve:` entry"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def session(runbook: Path, tmp_path_factory):
    site = tmp_path_factory.mktemp("served")
    running = Session(runbook, site)
    running.build()
    yield running
    running.close()


def same_as_full_build(root: Path, site: Path, tmp: Path) -> None:
    full = tmp / "full"
    shutil.rmtree(full, ignore_errors=True)
    done = mkdocs_build(root, "--site-dir", str(full))
    assert done.returncode == 0, done.stderr[-2000:]
    served, built = files_of(site), files_of(full)
    assert sorted(served) == sorted(built), (
        f"only served: {sorted(set(served) - set(built))[:10]}; "
        f"only built: {sorted(set(built) - set(served))[:10]}"
    )
    stale = [rel for rel in built if served[rel] != built[rel]]
    assert not stale, f"written by the full build, stale in the served site: {stale[:10]}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_first_build_is_a_full_build(session: Session, runbook: Path, tmp_path: Path) -> None:
    same_as_full_build(runbook, session.site, tmp_path)


def test_title_edit_rewrites_only_what_shows_it(session, runbook: Path, tmp_path: Path) -> None:
    before = stamps(session.site)
    path = runbook / OWNER
    title = re.search(r"^title: (.+)$", path.read_text(encoding="utf-8"), re.M).group(1)
    edit(path, f"title: {title}", "title: Factures de la semaine (relue)")
    session.build()
    after = stamps(session.site)
    written = {rel for rel in after if after[rel] != before.get(rel)}
    assert "procedures/facturation/factures-hebdomadaires/index.html" in written
    assert "services/facturation/index.html" in written
    assert "assets/releve/today.json" in written
    untouched = "procedures/courriel/reponses-types/index.html"
    assert untouched not in written, "a page that does not show the procedure was rewritten"
    assert len(written) < len(after) / 2, sorted(written)
    same_as_full_build(runbook, session.site, tmp_path)


def test_owner_and_schedule_change(session: Session, runbook: Path, tmp_path: Path) -> None:
    path = runbook / OTHER
    text = path.read_text(encoding="utf-8")
    owner = re.search(r"^owner: (\w+)$", text, re.M).group(1)
    other = "samir" if owner != "samir" else "marie"
    edit(path, f"owner: {owner}", f"owner: {other}")
    edit(path, "priority: planned", "priority: urgent")
    session.build()
    same_as_full_build(runbook, session.site, tmp_path)


def test_deleted_procedure_leaves_the_site(session, runbook: Path, tmp_path: Path) -> None:
    (runbook / "procedures/rapports/rapport-mensuel.md").unlink()
    session.build()
    assert not (session.site / "procedures/rapports/rapport-mensuel/index.html").exists()
    same_as_full_build(runbook, session.site, tmp_path)


def test_added_procedure(session: Session, runbook: Path, tmp_path: Path) -> None:
    text = (runbook / OWNER).read_text(encoding="utf-8")
    text = re.sub(r"^title: .+$", "title: Relances du trimestre", text, count=1, flags=re.M)
    (runbook / "procedures/facturation/relances-trimestre.md").write_text(text, encoding="utf-8")
    session.build()
    assert (session.site / "procedures/facturation/relances-trimestre/index.html").exists()
    same_as_full_build(runbook, session.site, tmp_path)


def test_team_rename_rewrites_every_page(session, runbook: Path, tmp_path: Path) -> None:
    edit(runbook / "team.yml", "Marie Tremblay", "Marie Tremblay-Roy")
    session.build()
    page = (session.site / "procedures/facturation/factures-hebdomadaires/index.html").read_text(
        encoding="utf-8"
    )
    assert "Marie Tremblay-Roy" in page
    same_as_full_build(runbook, session.site, tmp_path)


def test_client_and_docs_edits(session: Session, runbook: Path, tmp_path: Path) -> None:
    client = sorted((runbook / "clients").glob("*.md"))[0]
    edit(client, "name: ", "name: Maison ")
    doc = sorted((runbook / "docs").rglob("*.md"))[0]
    doc.write_text(doc.read_text(encoding="utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
    session.build()
    same_as_full_build(runbook, session.site, tmp_path)


def test_record_and_config_edits(session: Session, runbook: Path, tmp_path: Path) -> None:
    records = sorted((runbook / "records").rglob("*.yml"))
    assert records, "the sample has no records"
    text = records[0].read_text(encoding="utf-8")
    records[0].write_text(text.replace("status: done", "status: done\nnote: relu", 1), "utf-8")
    edit(runbook / "mkdocs.yml", "site_name: ", "site_name: Nouveau — ")
    session.build()
    same_as_full_build(runbook, session.site, tmp_path)


builds_site = True  # marked `build`: run again under ProperDocs by CI
