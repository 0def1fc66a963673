"""Site engines: MkDocs 1.6 and ProperDocs 1.6+ run the plugin; MkDocs 2.0 is refused."""

from __future__ import annotations

import os
import subprocess

import mkdocs
import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from conftest import GOOD, TODAY, VENV_BIN
from releve.mkdocs.engine import Engine, running, supported


@pytest.mark.parametrize(
    ("name", "version", "ok"),
    [
        ("mkdocs", "1.6.1", True),
        ("mkdocs", "1.6.0", True),
        ("properdocs", "1.6.7", True),
        ("properdocs", "1.9.0", True),
        ("mkdocs", "2.0.0", False),  # no plugins any more
        ("mkdocs", "2.0.0rc1", False),
        ("properdocs", "2.1", False),
        ("mkdocs", "1.5.3", False),  # older than the File API the plugin uses
        ("mkdocs", "nonsense", False),
        ("otherdocs", "1.6.1", False),
    ],
)
def test_supported_engines(name, version, ok):
    assert supported(Engine(name, version)) is ok


def test_the_test_process_runs_mkdocs_1():
    engine = running()
    assert engine.name == "mkdocs" and supported(engine), engine


@pytest.mark.parametrize(("lang", "words"), [("en", "is not supported"), ("fr", "pris en charge")])
def test_mkdocs_2_is_refused_with_one_clear_line(make_runbook, monkeypatch, lang, words):
    rb = make_runbook(lang=lang)
    rb.procedure("ops/triage.md", GOOD)
    config = load_config(str(rb.root / "mkdocs.yml"))
    monkeypatch.setattr(mkdocs, "__version__", "2.0.0")
    with pytest.raises(PluginError) as raised:
        config.plugins.on_config(config)
    message = str(raised.value)
    assert "MkDocs 2.0.0" in message and words in message
    assert "properdocs build" in message and "mkdocs>=1.6,<2" in message
    assert "\n" not in message
    monkeypatch.setattr(mkdocs, "__version__", "1.6.1")
    config = load_config(str(rb.root / "mkdocs.yml"))
    config.plugins.on_config(config)  # a supported version passes


def test_properdocs_loads_the_plugin_unchanged(make_runbook):
    """Whatever RELEVE_ENGINE says, one real ProperDocs build of the same mkdocs.yml."""
    rb = make_runbook()
    rb.procedure("ops/triage.md", GOOD.replace("backup: [ben]\n", "backup: [ben, chloe]\n"))
    env = {**os.environ, "RELEVE_TODAY": TODAY}
    command = [str(VENV_BIN / "properdocs"), "build", "--strict", "-f", "mkdocs.yml"]
    done = subprocess.run(command, cwd=rb.root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    page = (rb.root / "site" / "procedures" / "ops" / "triage" / "index.html").read_text("utf-8")
    assert "Ana Lima" in page and "Ben Okafor" in page  # the plugin's header card
    assert (rb.root / "site" / "people" / "chloe" / "index.html").exists()  # generated pages
