"""Packaging: one version, SPDX licence metadata, a changelog, the release workflow,
and the wheel checked alone in CI (scripts/wheel-smoke.sh from .ci/run)."""

from __future__ import annotations

import re
import tomllib

from ruamel.yaml import YAML

from conftest import REPO, releve
from releve import __version__


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_one_version_number():
    project = pyproject()
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "releve.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert releve("--version").stdout.strip() == f"releve {__version__}"
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {__version__}" in changelog


def test_spdx_licence_with_a_setuptools_that_reads_it():
    project = pyproject()
    assert project["project"]["license"] == "MIT"
    assert project["project"]["license-files"] == ["LICENSE"]
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    (requirement,) = [r for r in project["build-system"]["requires"] if "setuptools" in r]
    major = int(re.search(r">=(\d+)", requirement).group(1))
    assert major >= 77  # PEP 639 `license` and `license-files`, without deprecation warnings


def test_package_data_carries_templates_assets_catalogues_and_scaffold():
    patterns = pyproject()["tool"]["setuptools"]["package-data"]["releve"]
    package = REPO / "plugins" / "releve"
    for folder in ("templates", "assets", "i18n", "scaffold"):
        files = [p for p in (package / folder).rglob("*") if p.is_file()
                 and "__pycache__" not in p.parts and p.suffix != ".py"]  # fmt: skip
        assert files, folder
        for path in files:
            rel = path.relative_to(package)
            assert any(rel.match(pattern) or _glob(rel.as_posix(), pattern)
                       for pattern in patterns), rel  # fmt: skip
    assert (package / "scaffold" / ".gitignore").is_file()


def _glob(path: str, pattern: str) -> bool:
    """setuptools' `**` globs: any depth, dot-files only where the pattern says `.*`."""
    regex = re.escape(pattern).replace(r"\*\*/", "(?:[^/]+/)*").replace(r"\*", "[^/]*")
    return re.fullmatch(regex, path) is not None


def test_release_workflow_publishes_a_tag_with_trusted_publishing():
    flow = YAML(typ="safe").load((REPO / ".github/workflows/release.yml").read_text("utf-8"))
    assert flow["on"] == {"push": {"tags": ["v*"]}}
    publish = flow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for s in
               publish["steps"])  # fmt: skip
    build = " ".join(s.get("run", "") for s in flow["jobs"]["build"]["steps"])
    assert "python -m build" in build and "twine check" in build
    assert "scripts/wheel-smoke.sh" in build and "GITHUB_REF_NAME" in build


def test_ci_checks_the_wheel_alone_after_the_tests():
    lines = (REPO / ".ci/run").read_text(encoding="utf-8").splitlines()
    tests = next(i for i, line in enumerate(lines) if line.startswith("bash scripts/test.sh"))
    smoke = next(i for i, line in enumerate(lines) if line.startswith("bash scripts/wheel-smoke"))
    assert smoke > tests and "|| status=$?" in lines[smoke]
    script = (REPO / "scripts/wheel-smoke.sh").read_text(encoding="utf-8")
    for step in ("releve init", "releve lint", "releve build --strict", 'PATH="$work/venv/bin"'):
        assert step in script, step
