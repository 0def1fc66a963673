"""Read a built site's Pagefind index: its files decompressed, its page fragments as JSON."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

PREFIX = b"pagefind_dcd"


def decoded(site: Path) -> dict[Path, bytes]:
    """Every file of `site/pagefind/`, gunzipped when Pagefind compressed it."""
    out = {}
    for path in sorted((site / "pagefind").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[path] = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    return out


def fragments(site: Path) -> dict[str, dict]:
    """Indexed pages by URL: `content` (the searched text), `filters`, `meta`; from every
    part of an index that came in parts."""
    pages = {}
    for folder in sorted({p.parent.parent for p in (site / "pagefind").rglob("*.pf_fragment")}):
        pages.update(fragments_in(folder))
    return pages


def fragments_in(bundle: Path) -> dict[str, dict]:
    """The pages of one Pagefind bundle (or part of one), by URL."""
    pages = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(PREFIX), path
        page = json.loads(data[len(PREFIX) :])
        pages[page["url"]] = page
    return pages
