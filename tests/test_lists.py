"""Lists as authors write them: two-space nesting renders nested, and RB020 warns where a
list item would be glued to the text above it (the sample's "Accueil d'un nouveau client")."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sample_site import sample_site

from conftest import GOOD
from releve.lint import lint_runbook
from releve.model import load_runbook

SANE = "markdown_extensions:\n  - admonition\n  - mdx_truly_sane_lists\n"

# The sample's steps as first written: step 3 ends with a paragraph nested under it, and
# step 4 follows on the next line, with no blank line. GitHub shows 7 steps; Python-Markdown
# glued steps 4 and 5 into step 3's paragraph and showed 5.
GLUED_STEPS = """\
## Étapes

1. Rencontre de démarrage.
2. Créer le dossier Drive.
3. Créer la fiche du client dans le cahier :

   ```sh
   cp clients/renovations-belanger.md clients/nouveau-client.md
   ```

   puis adapter chaque champ.
4. Pour chaque tâche confiée, créer une procédure.
5. Recevoir les accès du client, jamais par courriel.

6. Ouvrir une demande de modification.
7. Première semaine : la relève observe.
"""


def steps_of(html: str) -> list[str]:
    """The top-level items of the first ordered list after the "Étapes" heading."""
    body = html[html.index('id="etapes"') :]
    depth, items, start = 0, [], body.index("<ol>")
    for tag in re.finditer(r"<(/?)(ol|ul|li)\b[^>]*>", body[start:]):
        closing, name = tag.group(1), tag.group(2)
        if name in ("ol", "ul"):
            depth += -1 if closing else 1
            if depth == 0:
                break
        elif name == "li" and not closing and depth == 1:
            items.append(tag.end() + start)
    return [re.sub(r"<[^>]+>", "", body[i : i + 80]).strip()[:30] for i in items]


def test_the_sample_shows_the_seven_steps(tmp_path_factory):
    site = sample_site(tmp_path_factory)
    html = (site / "procedures/passation/accueil-nouveau-client/index.html").read_text("utf-8")
    steps = steps_of(html)
    assert len(steps) == 7, steps
    assert steps[3].startswith("Pour chaque tâche") and steps[4].startswith("Recevoir")
    step3 = html[html.index("Créer la fiche du client") : html.index("Pour chaque tâche")]
    assert "<pre" in step3  # the code block stays inside step 3
    assert "<table" in html[html.index("Recevoir les accès") : html.index("Ouvrir une demande")]


def test_the_sample_has_no_broken_list(sample_copy):
    runbook = load_runbook(sample_copy)
    assert [f for f in lint_runbook(runbook, date(2026, 11, 23)) if f.code == "RB020"] == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_rb020_points_at_each_glued_step(make_runbook, lang):
    rb = make_runbook(lang)
    (rb.root / "mkdocs.yml").write_text(
        (rb.root / "mkdocs.yml").read_text() + SANE, encoding="utf-8"
    )
    path = rb.procedure("ops/accueil.md", GOOD, GLUED_STEPS)
    found = [f for f in lint_runbook(load_runbook(rb.root), date(2026, 11, 23))
             if f.code == "RB020"]  # fmt: skip
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [lines[f.line - 1] for f in found] == [
        "4. Pour chaque tâche confiée, créer une procédure.",
        "5. Recevoir les accès du client, jamais par courriel.",
    ]
    assert found[0].severity == "warning" and found[0].column == 1
    message = found[0].message(lang)
    assert "4. Pour chaque tâche" in message
    assert ("blank line" if lang == "en" else "ligne vide") in message
    assert "2" in message and "3" in message  # the indents the list extension expects


def test_rb020_follows_the_runbook_list_extension(make_runbook):
    """Two-space nesting is right with the list extension and glued without it... and the
    other way round for four spaces; the lint reads lists as the site renders them."""
    two = "1. Step one\n2. Step two\n  - detail a\n  - detail b\n3. Step three\n"
    four = "- Step one\n    - detail a\n    - detail b\n- Step two\n"
    rb = make_runbook()
    rb.procedure("ops/two.md", GOOD, two)
    rb.procedure("ops/four.md", GOOD.replace("Triage the inbox", "Four"), four)

    def glued() -> set[str]:
        found = lint_runbook(load_runbook(rb.root), date(2026, 11, 23))
        return {f.path.rsplit("/", 1)[1] for f in found if f.code == "RB020"}

    assert glued() == set()  # plain Python-Markdown: two spaces flatten the list, no glue
    (rb.root / "mkdocs.yml").write_text(
        (rb.root / "mkdocs.yml").read_text() + SANE, encoding="utf-8"
    )
    assert glued() == {"four.md"}  # four spaces under "-" would be glued to "Step one"


def test_code_blocks_and_tables_are_not_lists(make_runbook):
    rb = make_runbook()
    body = "Run:\n\n```yaml\n- person: ana\n  from: 2026-12-01\n```\n\n| a |\n|---|\n| - b |\n"
    rb.procedure("ops/code.md", GOOD, body)
    found = lint_runbook(load_runbook(rb.root), date(2026, 11, 23))
    assert [f for f in found if f.code == "RB020"] == []


def test_a_list_right_after_a_sentence_is_glued(make_runbook):
    """Python-Markdown needs a blank line before a list (GitHub does not)."""
    rb = make_runbook()
    path = rb.procedure("ops/b.md", GOOD, "Before you start:\n- open the inbox\n- sort it\n")
    found = [f for f in lint_runbook(load_runbook(rb.root), date(2026, 11, 23))
             if f.code == "RB020"]  # fmt: skip
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [lines[f.line - 1] for f in found] == ["- open the inbox", "- sort it"]


# --- the line-level filter: only pages where a list line can be glued are rendered -------

LIST_CONFIGS = [{}, {"mdx_truly_sane_lists": {}}, {"mdx_truly_sane_lists": {"nested_indent": 3}},
                {"mdx_truly_sane_lists": {"nested_indent": 4}}]  # fmt: skip
ITEMS = ["1. step", "2. next", "10. ten", "- dash", "* star", "+ plus", "1) paren", "- [ ] task",
         "-\ttab", "1.\ttab", "  - two", " - one", "   - three", "    - four", "  1. two",
         "   1. three", "> - quoted", "- - -", "* * *", "-  spaced", "1.  spaced", "- # hash",
         "1. <b>x</b>", "\t- tab item", " 1. one", "2026. year"]  # fmt: skip
OTHER = ["text", "   continued", "  cont", " one", "cont at margin", "| a | b |", "|---|---|",
         "---", "===", "# Heading", "#tag", "## H", "<div>x</div>", "<div markdown>", "</div>",
         "<!-- c -->", "!!! note", "??? tip", "???+ tip", "    indented body", "```", "~~~",
         "```yaml", "`code span", "span end`", "[x]: http://e.x", "{: .cls }", ": def", "\u00a0",
         "  ", "", "", "> quote", "\tindented tab", "***bold***", "- ", "-", "1.", "a | b",
         "--- | ---", "    ```", "<p>", "\\- escaped", "_ _ _", "  ---", "\x02", "\x0c", "#",
         "<", "!!!", "\u2003", "\x03"]  # fmt: skip


def random_body(rng) -> str:
    lines = []
    for _ in range(rng.randint(2, 9)):
        roll = rng.random()
        if roll < 0.45:  # mostly plain steps, so that many bodies pass the filter
            lines.append(rng.choice(ITEMS[:3] if rng.random() < 0.5 else ITEMS))
        else:
            lines.append("" if roll < 0.6 else rng.choice(OTHER))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("extensions", LIST_CONFIGS, ids=["plain", "sane", "sane3", "sane4"])
def test_the_filter_never_skips_a_body_with_a_glued_line(extensions):
    """Random bodies of tricky lines: every body the filter lets through renders without a
    glued line, under every list configuration (the filter is sound, not a heuristic)."""
    import random

    from releve.core.settings import Settings
    from releve.lint.rules.lists import _renderer, could_glue, glued_lines

    md, collect = _renderer(Settings(markdown_extensions=extensions))
    rng = random.Random(20261123)
    skipped = glued_seen = 0
    for _ in range(4000):
        body = random_body(rng)
        if could_glue(body):
            glued_seen += bool(glued_lines(body, md, collect)) if rng.random() < 0.03 else 0
            continue
        skipped += 1
        assert glued_lines(body, md, collect) == [], repr(body)
    assert skipped > 600 and glued_seen > 5  # both sides were exercised


def rb020_findings(root, monkeypatch=None, render_all=False):
    from releve.lint.rules import lists

    if render_all:
        monkeypatch.setattr(lists, "could_glue", lambda body: True)
    return [f for f in lint_runbook(load_runbook(root), date(2026, 11, 23)) if f.code == "RB020"]


def test_the_filter_finds_what_rendering_every_page_finds(sample_copy, tmp_path, monkeypatch):
    """The sample (with its glued steps put back) and a generated runbook: the same RB020
    findings with the filter as when every page is rendered (benchmarks/rb020_check.py
    does the same on 2,000 procedures)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    page = sample_copy / "procedures/passation/accueil-nouveau-client.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n\n4. Pour chaque", "\n4. Pour chaque"), encoding="utf-8")
    generated = generate(tmp_path / "generated", 150)
    for root in (sample_copy, generated):
        filtered = rb020_findings(root)
        with monkeypatch.context() as patch:
            assert rb020_findings(root, patch, render_all=True) == filtered
    assert rb020_findings(sample_copy)  # the glued steps are found
