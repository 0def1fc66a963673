"""`releve init DIR`: the new repository builds with --strict as it is."""

from __future__ import annotations

import subprocess

import pytest
from sample_site import init_build

from conftest import VENV_BIN, mkdocs_build, releve  # noqa: F401  (mkdocs_build: marks the module `build`)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_init_builds_strict(tmp_path_factory, lang):
    built = init_build(tmp_path_factory, lang)  # `releve init`, then `mkdocs build --strict`
    target = built.root
    for rel in ("mkdocs.yml", "team.yml", "vault.yml", ".pre-commit-config.yaml",
                ".github/workflows/releve.yml", ".releve/procedure.md", "overrides"):  # fmt: skip
        assert (target / rel).exists(), rel
    assert (target / "procedures").is_dir() and (target / "clients").is_dir()
    assert built.result.returncode == 0, built.result.stderr
    home = (target / "site" / "index.html").read_text(encoding="utf-8")
    assert ("Tableau de bord" if lang == "fr" else "Dashboard") in home


def test_init_refuses_existing_runbook(tmp_path):
    target = tmp_path / "runbook"
    assert releve("init", str(target)).returncode == 0
    again = releve("init", str(target))
    assert again.returncode == 2
    assert "already holds a runbook" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("how", ["dir", "root", "both", "cwd"])
def test_init_accepts_root_like_every_other_command(tmp_path, how):
    target = tmp_path / "runbook"
    args = {
        "dir": [str(target)],
        "root": ["--root", str(target)],
        "both": [str(target), "--root", str(target)],
        "cwd": [],
    }[how]
    if how == "cwd":
        target.mkdir()
    result = releve("init", *args, "--language", "fr", cwd=target if how == "cwd" else tmp_path)
    assert result.returncode == 0, result.stderr
    assert (target / "mkdocs.yml").exists() and (target / "procedures").is_dir()
    assert releve("lint", "--root", str(target)).returncode == 0  # the same folder for both


def test_init_refuses_two_different_folders_and_a_file(tmp_path):
    two = releve("init", str(tmp_path / "a"), "--root", str(tmp_path / "b"))
    assert two.returncode == 2
    assert "two different folders" in two.stderr and len(two.stderr.splitlines()) == 1
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    file = releve("init", "--root", str(tmp_path / "file"))
    assert file.returncode == 2
    assert "is a file" in file.stderr and "Traceback" not in file.stderr
    inside = releve("init", str(tmp_path / "file" / "sub"))
    assert inside.returncode == 2
    assert "cannot write the runbook there" in inside.stderr and "Traceback" not in inside.stderr


# --- git, .gitignore, workflows, examples -----------------------------------------------

GIT_ID = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
          "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}  # fmt: skip


def git(cwd, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def test_init_in_a_new_folder_makes_a_repository_with_a_first_commit(tmp_path):
    target = tmp_path / "runbook"
    result = releve("init", str(target), env=GIT_ID)
    assert result.returncode == 0, result.stderr
    assert "git: a new repository" in result.stdout
    assert (target / ".git").is_dir()
    assert git(target, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert len(git(target, "log", "--oneline").splitlines()) == 1
    committed = set(git(target, "ls-files").split())
    assert {".gitignore", "mkdocs.yml", "team.yml", ".github/workflows/publish.yml"} <= committed
    assert git(target, "status", "--porcelain") == ""  # everything is in the first commit
    (target / "site").mkdir()
    (target / "site" / "index.html").write_text("built", encoding="utf-8")
    (target / ".releve-cache").mkdir()
    (target / ".releve-cache" / "x").write_text("cache", encoding="utf-8")
    assert git(target, "status", "--porcelain") == ""  # the built site and caches: ignored


def test_init_inside_an_existing_repository_leaves_git_alone(tmp_path):
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "-q")
    result = releve("init", str(top / "runbook"), env=GIT_ID)
    assert result.returncode == 0, result.stderr
    assert f"inside the repository {top}" in result.stdout
    assert not (top / "runbook" / ".git").exists()
    with pytest.raises(subprocess.CalledProcessError):
        git(top, "log")  # no commit made for the team: they commit where they work


def test_init_keeps_a_repositorys_own_gitignore(tmp_path):
    target = tmp_path / "repo"
    target.mkdir()
    git(target, "init", "-q")
    (target / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    result = releve("init", str(target), env=GIT_ID)
    assert result.returncode == 0, result.stderr
    assert (target / ".gitignore").read_text(encoding="utf-8") == "node_modules/\n"
    assert "Kept the existing .gitignore" in result.stdout and "site/" in result.stdout


def test_init_without_git_says_so_and_writes_the_runbook(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "releve").symlink_to(VENV_BIN / "releve")
    result = releve("init", str(tmp_path / "runbook"), env={"PATH": str(bin_dir)})
    assert result.returncode == 0, result.stderr
    assert "git: not found on PATH, so no repository was made" in result.stdout
    assert (tmp_path / "runbook" / "mkdocs.yml").is_file()
    assert not (tmp_path / "runbook" / ".git").exists()
    assert releve("lint", "--root", str(tmp_path / "runbook")).returncode == 0


def test_init_no_git(tmp_path):
    result = releve("init", str(tmp_path / "runbook"), "--no-git", env=GIT_ID)
    assert result.returncode == 0, result.stderr
    assert "git:" not in result.stdout and not (tmp_path / "runbook" / ".git").exists()


def test_init_without_a_git_identity_still_writes_the_runbook(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": str(home / "none"), "GIT_CONFIG_COUNT": "1",
           "GIT_CONFIG_KEY_0": "user.useConfigOnly", "GIT_CONFIG_VALUE_0": "true"}  # fmt: skip
    for name in GIT_ID:  # nobody said who they are
        env[name] = ""
    result = releve("init", str(tmp_path / "runbook"), env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "runbook" / ".git").is_dir() and (tmp_path / "runbook" / "team.yml").exists()
    assert "git: a new repository, but no first commit" in result.stdout
    assert "tell git who you are" in result.stdout


def load_yaml(path):
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_workflows_install_this_version_and_publish_with_the_pages_actions(tmp_path, lang):
    from releve import __version__

    target = tmp_path / "runbook"
    assert releve("init", str(target), "--no-git", "--language", lang).returncode == 0
    flows = target / ".github" / "workflows"
    checks, publish = load_yaml(flows / "releve.yml"), load_yaml(flows / "publish.yml")
    for flow in (checks, publish):
        assert flow["env"] == {"RELEVE_SPEC": f"releve=={__version__}"}  # one variable
        installs = [s["run"] for job in flow["jobs"].values() for s in job["steps"]
                    if s.get("name") == "Install Relève"]  # fmt: skip
        assert installs and all('pip install "$RELEVE_SPEC"' in run for run in installs)
    runs = " ".join(s.get("run", "") for s in checks["jobs"]["lint-and-build"]["steps"])
    assert "releve lint --format github" in runs and "releve build --strict" in runs
    assert "mkdocs" not in runs
    review = " ".join(s.get("run", "") for s in checks["jobs"]["review"]["steps"])
    assert "releve diff --format markdown" in review
    assert checks["on"]["pull_request"] is None  # every pull request

    uses = [s.get("uses", "") for job in publish["jobs"].values() for s in job["steps"]]
    for action in ("actions/configure-pages@", "actions/upload-pages-artifact@",
                   "actions/deploy-pages@"):  # fmt: skip
        assert any(u.startswith(action) for u in uses), action
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = publish["jobs"]["build"]
    assert "github.event.repository.default_branch" in build["if"]
    assert "vars.RELEVE_PUBLISH == 'private'" in build["if"]  # off until the team says so
    assert "releve build --strict" in " ".join(s.get("run", "") for s in build["steps"])
    assert publish["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    text = (flows / "publish.yml").read_text(encoding="utf-8")
    assert "PUBLIC" in text and "Private" in text and "access-controlled" in text
    assert "publish" in (target / "mkdocs.yml").read_text(encoding="utf-8").splitlines()[0]


def test_example_people_and_procedure_are_reported_until_replaced(tmp_path):
    import json

    target = tmp_path / "runbook"
    assert releve("init", str(target), "--no-git").returncode == 0
    found = json.loads(releve("lint", "--root", str(target), "--format", "json").stdout)
    assert sorted((f["code"], f["path"], f["line"]) for f in found) == [
        ("RB023", "procedures/general/example.md", 3),
        ("RB023", "team.yml", 6),  # at the id
        ("RB023", "team.yml", 12),
    ]
    assert all(f["severity"] == "warning" for f in found)
    for rel in ("team.yml", "procedures/general/example.md"):
        path = target / rel
        text = path.read_text(encoding="utf-8")
        path.write_text("\n".join(line for line in text.splitlines()
                                  if not line.strip().startswith("example: true")) + "\n",
                        encoding="utf-8")  # fmt: skip
    assert json.loads(releve("lint", "--root", str(target), "--format", "json").stdout) == []
