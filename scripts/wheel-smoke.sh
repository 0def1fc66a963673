#!/usr/bin/env bash
# The wheel alone, as a team gets it from the package index: build it from the
# tracked files (or take the one given as $1), install it in a fresh venv in an
# empty temporary folder (no source tree anywhere near), and there run
# `releve init`, `releve lint` and `releve build --strict` with PATH holding only
# that venv's bin: no mkdocs command, no git, nothing from this repository.
# Catches what the tests in the source tree cannot: a template, catalogue or
# scaffold file left out of the wheel, an import of something not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x .venv/bin/python ]; then python="$repo/.venv/bin/python"; else python="python3"; fi
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
  wheel="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  mkdir "$work/src"
  git ls-files -z | xargs -0 cp --parents -t "$work/src"  # tracked files only, as a clone
  "$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/src"
  wheel="$(ls "$work"/dist/releve-*.whl)"
fi
echo "wheel-smoke: $(basename "$wheel")"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"

mkdir "$work/empty"
(
  cd "$work/empty"
  export PATH="$work/venv/bin"  # only what the wheel installed: `releve`, its dependencies' scripts
  unset PYTHONPATH VIRTUAL_ENV
  releve --version
  releve init runbook
  cd runbook
  releve lint
  releve build --strict
  [ -s site/index.html ] && [ -s site/procedures/general/example/index.html ]
)
echo "wheel-smoke: ok (init, lint, build --strict with only the wheel's venv on PATH)"
