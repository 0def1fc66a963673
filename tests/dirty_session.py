"""Drive the builds of one `serve --dirty` session, without the web server, for tests.

    python tests/dirty_session.py ENGINE ROOT SITE_DIR

Does what `mkdocs serve --dirty` does between edits (the same config loading, the
plugins kept between builds by `on_startup`, `build(config, dirty=True)`), but builds
when told to: each line read from stdin is one build; after it, and after the
background refresh (search index, calendar feed) is done, it prints `built` (or
`failed: reason`). A separate process, so that the plugin kept by the engine never
serves another test's build.
"""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path


def main() -> int:
    engine, root, site_dir = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    if engine == "properdocs":
        import_module("properdocs.replacement")  # what its command does: mkdocs.* is its own
    load_config = import_module(f"{engine}.config").load_config
    build = import_module(f"{engine}.commands.build").build

    def config():
        return load_config(config_file=str(root / "mkdocs.yml"), site_dir=site_dir)

    first = config()
    first.plugins.on_startup(command="serve", dirty=True)
    current = None
    for _line in sys.stdin:
        try:
            current = first if current is None else config()  # read again, as serve does
            build(current, dirty=True)
            current.plugins["releve"].session.refresher.wait()
            print("built", flush=True)
        except Exception as err:  # the test reads the reason
            print(f"failed: {type(err).__name__}: {err}", flush=True)
    first.plugins.on_shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
