"""Files that procedures and clients link to (screenshots, PDFs), published with the site.

Procedures and clients live outside `docs_dir`, so MkDocs never sees the files saved
next to them. Each one a body links to (model/links.py: inside the runbook, not
hidden, never through a symbolic link leading out) becomes a MkDocs `File` at its
runbook path, beside its page: MkDocs then checks and rewrites the links as usual.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..model import Runbook
from ..model.links import attachments


def add_attachments(files: Files, config: MkDocsConfig, runbook: Runbook) -> list[str]:
    """Add every linked file not already in `files`; return their runbook paths."""
    added = []
    for uri in attachments(runbook):
        if files.get_file_from_path(uri) is not None:
            continue  # docs_dir holds a file at the same place: it wins, as for pages
        files.append(File(uri, src_dir=str(Path(runbook.root)), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))  # fmt: skip
        added.append(uri)
    return added
