"""A team overrides Relève's own templates from its theme's custom_dir, like Material's."""

from __future__ import annotations

from conftest import GOOD, MINIMAL_MKDOCS, mkdocs_build
from releve.render import templates


def test_a_template_under_custom_dir_releve_wins(make_runbook):
    f = make_runbook()
    f.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en").replace(
        "  language: en\n", "  language: en\n  custom_dir: overrides\n"))  # fmt: skip
    f.procedure("ops/triage.md", GOOD)
    f.write("overrides/releve/pages/person.md.j2",
            "# {{ view.person.name }}\n\nOur own person page "
            "({{ _('nav.people') }}).\n")  # fmt: skip
    done = mkdocs_build(f.root)
    assert done.returncode == 0, done.stderr
    html = (f.root / "site/people/ana/index.html").read_text(encoding="utf-8")
    assert "Our own person page (People)." in html
    # the other templates are still Relève's own
    assert "releve-table" in (f.root / "site/services/ops/index.html").read_text(encoding="utf-8")


def test_overrides_are_per_build():
    """The adapter sets the folders for each build; the next build without a custom_dir
    gets Relève's templates only."""
    templates.use_overrides(["/nonexistent/releve"])
    assert type(templates.environment().loader).__name__ == "ChoiceLoader"
    templates.use_overrides([])
    assert type(templates.environment().loader).__name__ == "PackageLoader"
