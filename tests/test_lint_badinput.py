"""Bad input gives findings, never a traceback: through the model and the real `releve lint`."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_MKDOCS, MINIMAL_TEAM, releve
from releve.lint import lint_runbook
from releve.model import load_runbook

TODAY = date(2026, 11, 23)
GOOD = (
    "title: Triage\nservice: ops\nowner: ana\nbackup: [ben]\npriority: important\n"
    "success_criteria: [Inbox empty]\nreviewed: 2026-11-01\n"
)
XSS = "<script>alert(1)</script>"
BOMB = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
)

# name -> (file content, a code expected for that file)
CORPUS: dict[str, tuple[str | bytes, str]] = {
    "unclosed-flow": ("---\ntitle: [a\nservice: ops\n---\n", "RB008"),
    "bad-indent": ("---\ntitle: a\n  service: b\n---\n", "RB008"),
    "tab-indent": ("---\ntitle: a\n\tservice: b\n---\n", "RB008"),
    "unclosed-quote": ('---\ntitle: "abc\nservice: ops\n---\n', "RB008"),
    "duplicate-key": ("---\n" + GOOD + "title: again\n---\n", "RB008"),
    "unknown-key": ("---\n" + GOOD + "ownr: ana\n---\n", "RB014"),
    "wrong-types": (
        "---\ntitle: [1, 2]\nservice: {a: b}\nowner: 12\nbackup: {x: 1}\npriority: 5\n"
        "success_criteria: yes\nreviewed: tomorrow\nreview_every: -3\nlast_drill: 12\n"
        "clients: 3.5\ncredentials: [{a: b}]\ntags: {x: y}\n---\n",
        "RB008",
    ),
    "impossible-date": ("---\n" + GOOD.replace("2026-11-01", "2026-02-30") + "---\n", "RB008"),
    "huge-number": (
        "---\n"
        + GOOD.replace("important", "99999999999999999999999")
        + "review_every: 99999999999999999999999\n---\n",
        "RB006",
    ),
    "far-dates": (
        "---\n"
        + GOOD.replace("2026-11-01", "9999-12-31").replace("important", "urgent")
        + "last_drill: 0001-01-01\n---\n",
        "RB008",  # outside 1900-2999: a typo, and date arithmetic would overflow
    ),
    "undefined-alias": ("---\ntitle: *nothing\n---\n", "RB008"),
    "alias-bomb": ("---\n" + BOMB + "\n---\n", "RB008"),
    "python-tag": ("---\n" + GOOD.replace("Triage", "!!python/name:os.system") + "---\n", "RB008"),
    "deep-nesting": ("---\ntitle: " + "[" * 20000 + "\n---\n", "RB008"),
    "list-front-matter": ("---\n- a\n- b\n---\n", "RB008"),
    "scalar-front-matter": ("---\njust text\n---\nbody\n", "RB008"),
    "unclosed-front-matter": ("---\n" + GOOD, "RB008"),
    "empty": ("", "RB006"),
    "only-fences": ("---\n---\n", "RB006"),
    "no-front-matter": ("# Just a title\n\nSome text.\n", "RB006"),
    "control-char": ("---\ntitle: a\x07b\n---\n", "RB008"),
    "bom-crlf": ("\ufeff---\r\n" + GOOD.replace("\n", "\r\n") + "---\r\nword " * 700, "RB012"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "RB008"),
    "latin1": ("---\ntitle: Caf\xe9\n---\n".encode("latin-1"), "RB008"),
    "html-everywhere": (
        f"---\ntitle: '{XSS}'\nservice: '{XSS}'\nowner: '<img src=x onerror=alert(1)>'\n"
        f"backup: ['{XSS}']\npriority: '{XSS}'\nsuccess_criteria: ['{XSS}']\n"
        f"clients: ['{XSS}']\ncredentials: ['{XSS}']\nsla: '{XSS}'\ntags: ['{XSS}']\n"
        f"'{XSS}': 1\n---\n{XSS}\n[[cred:{XSS}]]\n",
        "RB006",
    ),
}


def write_corpus(root: Path) -> None:
    folder = root / "procedures" / "bad"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (content, _) in CORPUS.items():
        path = folder / f"{name}.md"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    (folder / "big.md").write_text("---\n" + GOOD + "---\n" + "mot " * 1_300_000, "utf-8")


@pytest.fixture
def corpus(make_runbook, tmp_path):
    rb = make_runbook()
    write_corpus(rb.root)
    outside = tmp_path / "outside.md"
    outside.write_text("---\n" + GOOD + "---\nsecret notes\n", encoding="utf-8")
    (rb.root / "procedures" / "bad" / "link-outside.md").symlink_to(outside)
    return rb


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_bad_file_gives_its_finding(make_runbook, name):
    rb = make_runbook()
    content, code = CORPUS[name]
    path = rb.root / "procedures" / "bad" / f"{name}.md"
    path.parent.mkdir(parents=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    findings = lint_runbook(load_runbook(rb.root), TODAY)
    mine = [f for f in findings if f.path == f"procedures/bad/{name}.md"]
    assert code in {f.code for f in mine}, [f.text() for f in findings]
    for finding in findings:
        assert finding.line >= 1 and finding.column >= 1
        assert finding.message("en") and finding.message("fr")


def test_whole_corpus_through_the_real_command(corpus):
    result = releve("lint", "--root", str(corpus.root), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    paths = {f["path"] for f in json.loads(result.stdout)}
    for name in [*CORPUS, "big", "link-outside"]:
        assert f"procedures/bad/{name}.md" in paths, name
    for fmt in ("text", "github", "sarif", "markdown"):
        again = releve("lint", "--root", str(corpus.root), "--format", fmt)
        assert again.returncode == 1 and "Traceback" not in again.stderr, fmt
    assert "secret notes" not in result.stdout


def test_symlink_outside_is_refused(corpus):
    findings = lint_runbook(load_runbook(corpus.root), TODAY)
    (link,) = [f for f in findings if f.path == "procedures/bad/link-outside.md"]
    assert (link.code, link.key) == ("RB008", "source.outside_root")


@pytest.mark.parametrize(
    "team",
    [
        "- just\n- a list\n",
        "people: {ana: {name: Ana}}\nabsences: yes\n",
        "people:\n  - id: ana\n    name: Ana\n  - id: ana\n    name: Ana again\n",
        "people:\n  - [1, 2]\n  - {id: '<b>x</b>', name: 3}\nabsences:\n  - {person: ana}\n",
        "workdays: [lundi, 3]\nholidays: [soon]\npeople: []\n",
        "absences:\n  - {person: ana, from: 2026-12-10, to: 2026-12-01}\n",
        "\x00\x01",
    ],
)
def test_broken_team_file_never_raises(make_runbook, team):
    rb = make_runbook(team=team)
    rb.procedure("ops/triage.md", GOOD)
    findings = lint_runbook(load_runbook(rb.root), TODAY)
    assert any(f.path == "team.yml" for f in findings)


def test_broken_settings_fall_back_to_defaults(make_runbook):
    rb = make_runbook()
    options = "      review_every: soon\n      horizon: -4\n      severity: [RB010]\n"
    rb.write("mkdocs.yml", MINIMAL_MKDOCS.format(lang="en") + options)
    rb.procedure("ops/triage.md", GOOD)
    result = releve("lint", "--root", str(rb.root))
    assert result.returncode == 0, result.stderr


# --- property-based: whatever the front-matter, the lint returns findings -----

KEYS = st.sampled_from(
    ["title", "id", "service", "clients", "owner", "backup", "priority", "sla", "frequency",
     "success_criteria", "credentials", "reviewed", "review_every", "last_drill", "tags",
     "releve_ignore", "name", "status", "contacts", "contract", "absence_messages"]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True)
    | st.dates()
    | st.text(max_size=40)
    | st.sampled_from(["ana", "ben", "urgent", "RB012", "[[cred:x]]", "Mot de passe : A1b2c3!"])
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(KEYS | st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FRONT = st.dictionaries(KEYS | st.text(max_size=12), VALUES, max_size=10)


def _lint_text(text: str, client: bool) -> None:
    from io import StringIO

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "mkdocs.yml").write_text(MINIMAL_MKDOCS.format(lang="fr"), encoding="utf-8")
        (root / "team.yml").write_text(MINIMAL_TEAM, encoding="utf-8")
        folder = root / ("clients" if client else "procedures/x")
        folder.mkdir(parents=True)
        (folder / "page.md").write_text(text, encoding="utf-8")
        runbook = load_runbook(root)
        findings = lint_runbook(runbook, TODAY)
        for finding in findings:
            finding.message("fr")
        from releve.render.reports.lint_report import FORMATS

        for render in FORMATS.values():
            StringIO(render(findings, "en"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=FRONT, client=st.booleans())
def test_lint_never_raises_on_arbitrary_front_matter(front, client):
    from ruamel.yaml import YAML

    stream = __import__("io").StringIO()
    YAML(typ="safe", pure=True).dump(front, stream)
    _lint_text(f"---\n{stream.getvalue()}---\nBody {front!r}\n", client)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_lint_never_raises_on_arbitrary_text(text):
    _lint_text(f"---\n{text}\n---\n{text}\n", client=False)
