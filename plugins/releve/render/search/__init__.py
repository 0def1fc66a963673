"""Site search with Pagefind: which parts of a built page are searched, and the index.

`marks` decides what a reader can find (and how much each part weighs); `index`
runs Pagefind over the built site. Neither imports MkDocs.
"""

from .copies import scratch_folder, write_copy
from .marks import (
    CLIENT,
    KINDS,
    PAGE,
    PERSON,
    PROCEDURE,
    SERVICE,
    SearchPage,
    mark_page,
    search_copy,
)
from .pagefind import IndexStats, SearchIndexError, build_index, swap_in

__all__ = [
    "CLIENT",
    "KINDS",
    "PAGE",
    "PERSON",
    "PROCEDURE",
    "SERVICE",
    "IndexStats",
    "SearchIndexError",
    "SearchPage",
    "build_index",
    "mark_page",
    "scratch_folder",
    "search_copy",
    "swap_in",
    "write_copy",
]
