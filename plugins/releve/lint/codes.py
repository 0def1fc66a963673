"""Lint codes and their default severities (the stable contract of DESIGN.md)."""

from __future__ import annotations

DEFAULT_SEVERITY = {
    "RB001": "error",
    "RB002": "error",
    "RB003": "error",
    "RB004": "error",
    "RB005": "error",
    "RB006": "error",
    "RB007": "error",
    "RB008": "error",
    "RB009": "error",
    "RB010": "warning",
    "RB011": "warning",
    "RB012": "warning",
    "RB013": "warning",
    "RB014": "warning",
}
