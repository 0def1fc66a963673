#!/usr/bin/env bash
# Set up, then run the whole test suite and the linters.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
