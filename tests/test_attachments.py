"""Images and attachments next to procedures and clients: published, printed, checked.

A procedure carries a screenshot saved beside it and a PDF form; a client page an
image of its own. The site publishes them (and nothing outside the runbook), the
binders embed the runbook's own images and note the web's as not printed, with no
warning, and a link to a missing file is RB025 at its file and line.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from binder_fixture import pdf_pages, pdf_structure, write_runbook

from conftest import mkdocs_build, releve
from releve.lint import lint_runbook
from releve.model import load_runbook

REMOTE = "https://images.example.org/screens/inbox.png"
DATA = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


def png(color: tuple[int, int, int], size: tuple[int, int] = (240, 120)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


INBOX_BODY = f"""\
Open the shared inbox.

![Inbox screen](img/inbox%20screen.png)

Fill in [the request form](forms/request.pdf) and send it.

See also [paying Acme](../acme/pay.md) and [the report](../acme/report.md#steps).

![The web's screenshot]({REMOTE})

<img src="{DATA}" alt="Tiny embedded dot">

```text
![not a link](img/inside-code.png)
```
"""


@pytest.fixture
def root(make_runbook, tmp_path) -> Path:
    root = write_runbook(make_runbook, "en", binder="true")
    folder = root / "procedures" / "general"
    (folder / "img").mkdir()
    (folder / "img" / "inbox screen.png").write_bytes(png((200, 30, 30)))
    (folder / "forms").mkdir()
    (folder / "forms" / "request.pdf").write_bytes(b"%PDF-1.4\n% a form\n")
    inbox = folder / "inbox.md"
    inbox.write_text(inbox.read_text(encoding="utf-8") + "\n" + INBOX_BODY, encoding="utf-8")
    (root / "clients" / "logo.png").write_bytes(png((30, 30, 200), (60, 60)))
    acme = root / "clients" / "acme.md"
    acme.write_text(acme.read_text(encoding="utf-8") + "\n![Acme logo](logo.png)\n", "utf-8")
    # Outside the runbook: never published, whatever a page says.
    (tmp_path / "outside.png").write_bytes(png((0, 0, 0)))
    return root


def codes(root: Path) -> list:
    return [f for f in lint_runbook(load_runbook(root), date(2026, 11, 23)) if f.code == "RB025"]


def test_local_images_and_files_lint_clean(root):
    assert codes(root) == []


def test_a_missing_image_is_rb025_at_its_line(root):
    inbox = root / "procedures" / "general" / "inbox.md"
    text = inbox.read_text(encoding="utf-8")
    text += "\nThen check:\n\n![Sent folder](img/sent.png)\n\n[the log](logs/today.txt)\n"
    text += "[escape](../../../outside.png) and <img src='.hidden/x.png'>\n"
    inbox.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    found = {(f.line, f.key) for f in codes(root)}
    assert found == {
        (lines.index("![Sent folder](img/sent.png)") + 1, "lint.missing_image"),
        (lines.index("[the log](logs/today.txt)") + 1, "lint.missing_file"),
        (len(lines) - 1, "lint.link_outside"),
        (len(lines) - 1, "lint.link_hidden"),
    }
    done = releve("lint", "--root", str(root))
    assert done.returncode == 1
    line = r"procedures/general/inbox\.md:\d+:\d+: error RB025 .*img/sent\.png"
    assert re.search(line, done.stdout)


def test_a_symlink_leading_out_is_not_followed(root, tmp_path):
    link = root / "procedures" / "general" / "img" / "escape.png"
    link.symlink_to(tmp_path / "outside.png")
    inbox = root / "procedures" / "general" / "inbox.md"
    inbox.write_text(inbox.read_text(encoding="utf-8") + "\n![x](img/escape.png)\n", "utf-8")
    assert [f.key for f in codes(root)] == ["lint.link_outside"]
    from releve.model.links import attachments

    assert "procedures/general/img/escape.png" not in attachments(load_runbook(root))


def test_resolving_through_known_folders_answers_as_realpath_does(root, tmp_path):
    """The lint looks each folder up once (`folders`); every answer must be the one a
    full `realpath` gives: links to files and folders, in and out, loops, missing parts."""
    from releve.model.links import resolve

    img = root / "procedures" / "general" / "img"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "shot.png").write_bytes(png((1, 2, 3)))
    (img / "out").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (img / "same.png").symlink_to("inbox screen.png")
    (img / "escape.png").symlink_to(tmp_path / "outside.png")
    (img / "loop.png").symlink_to("loop.png")
    (img / "folder").mkdir()
    (img / "folder" / "up").symlink_to("..", target_is_directory=True)
    (img / "dangling.png").symlink_to("nowhere.png")
    urls = ["img/inbox%20screen.png", "img/same.png", "img/escape.png", "img/loop.png",
            "img/out/shot.png", "img/out/none.png", "img/folder", "img/folder/up/same.png",
            "img/dangling.png", "img/inbox%20screen.png/x.png", "img/missing/x.png",
            "forms/request.pdf", "../../../outside.png", "img/.hidden.png"]  # fmt: skip
    page = "procedures/general/inbox.md"
    folders: dict = {}
    answers = [resolve(root, page, url, None, folders) for url in urls]
    assert answers == [resolve(root, page, url) for url in urls]
    assert [status for status, _path in answers] == [
        "ok", "ok", "outside", "missing", "outside", "missing",
        "missing", "ok", "missing", "missing", "missing", "ok", "outside", "hidden",
    ]  # fmt: skip


def test_a_linked_text_file_is_scanned_for_secrets(root):
    """Attachments are published: a password in a linked text file is RB009, like docs/."""
    notes = root / "procedures" / "general" / "forms" / "notes.txt"
    notes.write_text("Shared inbox\nPassword: Soleil2024!\n", encoding="utf-8")
    inbox = root / "procedures" / "general" / "inbox.md"
    inbox.write_text(inbox.read_text(encoding="utf-8") + "\n[notes](forms/notes.txt)\n", "utf-8")
    found = [f for f in lint_runbook(load_runbook(root), date(2026, 11, 23)) if f.code == "RB009"]
    assert [(f.path, f.line) for f in found] == [("procedures/general/forms/notes.txt", 2)]
    build = mkdocs_build(root)
    assert build.returncode != 0 and "notes.txt" in build.stderr  # never published
    assert not (root / "site" / "procedures" / "general" / "forms" / "notes.txt").exists()


def test_the_site_publishes_linked_files_and_binders_build_strict_without_warnings(root):
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    site = root / "site"
    published = site / "procedures" / "general" / "img" / "inbox screen.png"
    assert published.read_bytes() == (root / "procedures/general/img/inbox screen.png").read_bytes()
    assert (site / "procedures" / "general" / "forms" / "request.pdf").exists()
    assert (site / "clients" / "logo.png").exists()
    assert not list(site.rglob("outside.png")) and not list(site.rglob("inside-code.png"))
    page = (site / "procedures" / "general" / "inbox" / "index.html").read_text("utf-8")
    assert 'src="../img/inbox%20screen.png"' in page
    assert 'href="../forms/request.pdf"' in page
    assert REMOTE in page  # the web's image shows on the site
    client = (site / "clients" / "acme" / "index.html").read_text("utf-8")
    assert 'src="../logo.png"' in client


def test_pdf_binder_embeds_runbook_images_and_notes_the_web(root, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "all.pdf"
    done = releve("binder", "--all", "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "" or "Binder written" in done.stderr, done.stderr
    text = "".join(pdf_pages(out))
    assert "Image from the web, shown on the site, not printed" in text
    assert "images.example.org" in text and "screens/inbox.png" not in text
    assert "Image embedded in the page, shown on the site, not printed" in text
    sizes = set()
    for page in PdfReader(str(out)).pages:
        for image in page.images:
            sizes.add(image.image.size)
    assert (240, 120) in sizes and (60, 60) in sizes
    assert (1, 1) not in sizes  # the data: image is not printed
    _, descriptions = pdf_structure(out)  # a screen reader reads each image's description
    assert {"Inbox screen", "Acme logo"} <= set(descriptions)


def test_html_binder_embeds_images_as_data_and_loads_nothing(root, tmp_path):
    out = tmp_path / "all.html"
    done = releve("binder", "--all", "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html
    assert REMOTE not in html and DATA not in html
    assert "img-src data:" in html and "default-src 'none'" in html


def test_the_sample_binder_prints_its_screenshot(tmp_path):
    """The sample's voicemail procedure carries an SVG screenshot: the PDF embeds it
    (a figure with its description), and a picture of that page goes to the screenshots."""
    import subprocess

    from pypdf import PdfReader

    from conftest import REPO, SCREENSHOTS

    out = tmp_path / "julie.pdf"
    done = releve("binder", "--person", "julie", "-o", str(out), "--root", str(REPO))
    assert done.returncode == 0, done.stderr
    assert "portail" not in done.stderr.lower()  # nothing left out, nothing to warn about
    _, descriptions = pdf_structure(out)
    assert any(d.startswith("Le portail : menu Messagerie") for d in descriptions)
    pages = pdf_pages(out)
    number = next(
        n for n, text in enumerate(pages, 1)
        if "Traitement des messages vocaux" in text and "Non écoutés" in text
        and PdfReader(str(out)).pages[n - 1].get("/Resources", {}).get("/XObject")
    )  # fmt: skip
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = SCREENSHOTS / "binder-page-with-image"
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", "-f", str(number), "-l",
                    str(number), str(out), str(prefix)], check=True)  # fmt: skip
    assert prefix.with_suffix(".png").stat().st_size > 10_000
