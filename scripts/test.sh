#!/usr/bin/env bash
# Set up, then run the whole test suite and the linters.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# One worker per core (pytest-xdist); a module's tests stay on one worker, so the sites its
# module-scoped fixtures build are built once.
.venv/bin/python -m pytest -n auto --dist loadscope "$@"
