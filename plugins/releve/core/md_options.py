"""Which Markdown extensions a runbook's mkdocs.yml turns on, read without Python-Markdown.

The settings and the lint read these on every run; importing Python-Markdown (and the
logging it sets up) costs a `releve lint` more than a tenth of its start-up, and the
lint renders a page only in the rare case RB020's line filter cannot settle
(`core.md_extensions` holds the pieces that do need Python-Markdown).
"""

from __future__ import annotations

from typing import Any

LIST_EXTENSION = "mdx_truly_sane_lists"
LIST_DEFAULTS = {"nested_indent": 2}


def extension_map(extensions: Any, configs: Any = None) -> dict[str, Any]:
    """mkdocs.yml `markdown_extensions` (names, or one-key mappings) as name -> options."""
    out: dict[str, Any] = {}
    for item in extensions or []:
        if isinstance(item, str):
            out[item] = (configs or {}).get(item, {})
        elif isinstance(item, dict):
            for name, options in item.items():
                out[str(name)] = options if isinstance(options, dict) else {}
    return out


def list_extensions(markdown_extensions: dict[str, Any] | None) -> tuple[list[str], dict]:
    """The list extension when the runbook's mkdocs.yml enables it, with its options."""
    configured = markdown_extensions or {}
    if LIST_EXTENSION not in configured:
        return [], {}
    options = configured.get(LIST_EXTENSION)
    options = {**LIST_DEFAULTS, **(options if isinstance(options, dict) else {})}
    return [LIST_EXTENSION], {LIST_EXTENSION: options}


def nested_indent(markdown_extensions: dict[str, Any] | None) -> int:
    """Spaces a nested list needs with the runbook's list extension (Python-Markdown: 4)."""
    names, configs = list_extensions(markdown_extensions)
    return int(configs[LIST_EXTENSION]["nested_indent"]) if names else 4
