"""Generated pages and data files whose content arrives while the build goes on.

`on_files` registers every generated page and data file at once (so that links
between them resolve), then starts computing their content on the other core
(`core/forked.py`). MkDocs reads a page's Markdown when it renders it, and
copies data files after every page is rendered; a `DerivedFile` takes its
content at that moment, through the public `File` API (`content_string`,
`content_bytes`, `copy_file`), so nothing in MkDocs needs to know.

Under `serve --dirty` (`mkdocs/serving.py`), `wanted()` says whether this build writes
the file again: when it does not, its content is never computed.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from mkdocs.structure.files import File

Content = str | bytes


class DerivedFile(File):
    """A generated file whose content comes from `take()` the first time it is read."""

    take: Callable[[], Content | None] | None = None
    wanted: Callable[[], bool] | None = None  # None: always written, as MkDocs does

    def _settle(self) -> None:
        take, self.take = self.take, None
        if take is not None:
            content = take()
            if content is not None:
                self._content = content

    @property
    def content_bytes(self) -> bytes:
        self._settle()
        return File.content_bytes.fget(self)  # type: ignore[attr-defined]

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.take = None
        File.content_bytes.fset(self, value)  # type: ignore[attr-defined]

    @property
    def content_string(self) -> str:
        self._settle()
        return File.content_string.fget(self)  # type: ignore[attr-defined]

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.take = None
        File.content_string.fset(self, value)  # type: ignore[attr-defined]

    def copy_file(self, dirty: bool = False) -> None:
        self._settle()
        super().copy_file(dirty)

    def is_modified(self) -> bool:
        if self.wanted is not None and not self.wanted() and os.path.isfile(self.abs_dest_path):
            return False
        self._settle()
        return super().is_modified()


class SourceFile(File):
    """A procedure or client page: written again when MkDocs finds its source newer than
    the page, or when `wanted()` says an edit elsewhere changed what it shows (its header
    names a person renamed in team.yml, its client lists a procedure edited...)."""

    wanted: Callable[[], bool] | None = None

    def is_modified(self) -> bool:
        return (self.wanted is not None and self.wanted()) or super().is_modified()
