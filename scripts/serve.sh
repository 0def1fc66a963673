#!/usr/bin/env bash
# Set up, then serve the sample runbook at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/releve serve --engine mkdocs -a 127.0.0.1:8000 "$@"  # only what an edit changes is rebuilt
