"""Which site engine runs the plugin, and whether Relève supports it.

The plugin runs under MkDocs 1.6 and under ProperDocs 1.6+ (the maintained
MkDocs 1.x fork: it loads plugins registered for MkDocs and answers their
`mkdocs.*` imports with its own modules, so `import mkdocs` gives ProperDocs
there). MkDocs 2.0 drops plugins and the 1.x configuration: rather than fail
later on some missing attribute, the build stops at once with one line that
says what to install.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Engine name -> (lowest supported version, first unsupported major).
SUPPORTED: dict[str, tuple[tuple[int, int], int]] = {
    "mkdocs": ((1, 6), 2),
    "properdocs": ((1, 6), 2),
}


@dataclass(frozen=True)
class Engine:
    name: str  # "mkdocs" or "properdocs"
    version: str  # as the engine reports it, e.g. "1.6.1"

    @property
    def label(self) -> str:
        return {"mkdocs": "MkDocs", "properdocs": "ProperDocs"}.get(self.name, self.name)

    def release(self) -> tuple[int, int]:
        """(major, minor); (0, 0) when the version cannot be read."""
        match = re.match(r"(\d+)(?:\.(\d+))?", self.version.strip())
        if match is None:
            return (0, 0)
        return int(match.group(1)), int(match.group(2) or 0)


def running() -> Engine:
    """The engine that imported the plugin (read at call time, so tests may patch it)."""
    import mkdocs  # ProperDocs registers itself as `mkdocs` before loading plugins

    name = str(getattr(mkdocs, "__name__", "mkdocs")).split(".")[0]
    return Engine(name, str(getattr(mkdocs, "__version__", "0")))


def supported(engine: Engine) -> bool:
    if engine.name not in SUPPORTED:
        return False
    lowest, first_unsupported_major = SUPPORTED[engine.name]
    release = engine.release()
    return lowest <= release and release[0] < first_unsupported_major
