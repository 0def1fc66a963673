"""Cheap PBKDF2 for the test suite, in its own process and in the processes it starts.

Production seals every passphrase with `crypto.MIN_ITERATIONS` (600,000) PBKDF2
iterations and reports anything sealed with fewer (RB008). That cost is on purpose,
and pointless in the many tests whose subject is something else: they seal with
`ITERATIONS` instead, and the minimum is lowered to match, so their vaults are not
reported as weak. No environment variable that Relève reads is involved; the tests patch
the module:

- in the test process, `lower(monkeypatch, ITERATIONS)` (conftest, for the whole session)
  sets the constant where it was copied (`from .crypto import MIN_ITERATIONS`) and the
  default `iterations=` of the sealing functions; `lower(monkeypatch, REAL)` undoes it for
  a test (conftest's `real_kdf` fixture);
- in the processes the tests start (`releve`, `mkdocs build`), `fast_kdf_site/` on their
  PYTHONPATH holds a `sitecustomize` that calls `install_hook()`: when
  `releve.vault.crypto` is first imported, its constants are lowered before any other
  module copies them.

tests/test_vault_kdf.py checks production's own count and minimum, with neither.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ITERATIONS = 1_000  # what the tests seal with, and accept, unless a test asks for the real cost
REAL = 600_000  # production's minimum: tests/test_vault_kdf.py checks crypto still says so
CRYPTO = "releve.vault.crypto"
SITE = Path(__file__).resolve().parent / "fast_kdf_site"  # on the children's PYTHONPATH


def _targets(module: ModuleType, counts: tuple[int, ...]) -> list[tuple[Any, str]]:
    """(owner, name) of every iteration count in `module` that holds one of `counts`: the
    module's MIN_ITERATIONS and the `iterations=` default of its functions."""
    found: list[tuple[Any, str]] = []
    if getattr(module, "MIN_ITERATIONS", None) in counts:
        found.append((module, "MIN_ITERATIONS"))
    for value in vars(module).values():
        defaults = getattr(value, "__kwdefaults__", None)
        mine = getattr(value, "__module__", None) == module.__name__
        if mine and defaults and defaults.get("iterations") in counts:
            found.append((defaults, "iterations"))
    return found


def _releve_modules() -> list[ModuleType]:
    return [m for n, m in list(sys.modules.items()) if n.partition(".")[0] == "releve" and m]


def lower(monkeypatch, iterations: int) -> None:
    """Seal with, and accept from, `iterations` in this process (undone with `monkeypatch`)."""
    for module in _releve_modules():
        for owner, name in _targets(module, (REAL, ITERATIONS)):
            if isinstance(owner, dict):
                monkeypatch.setitem(owner, name, iterations)
            else:
                monkeypatch.setattr(owner, name, iterations)


def _lower_crypto(module: ModuleType) -> None:
    for owner, name in _targets(module, (REAL,)):
        if isinstance(owner, dict):
            owner[name] = ITERATIONS
        else:
            setattr(owner, name, ITERATIONS)


class _Loader(importlib.abc.Loader):
    """Runs `releve.vault.crypto` as usual, then lowers its counts, before anything copies them."""

    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, ...
        return getattr(self.inner, name)

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        _lower_crypto(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != CRYPTO:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def install_hook() -> None:
    """In a child process, before Relève is imported (from `fast_kdf_site/sitecustomize.py`)."""
    if CRYPTO in sys.modules:  # too late to lower it before others copy it: say so loudly
        raise RuntimeError(f"{CRYPTO} was imported before the tests' KDF hook")
    sys.meta_path.insert(0, _Finder())
