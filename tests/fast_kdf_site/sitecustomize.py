"""Test-only: tests/conftest.py puts this folder on the PYTHONPATH of the processes the
tests start, so `releve` and `mkdocs build` seal with the tests' cheap PBKDF2 count
(tests/fast_kdf.py says why and how). Never on the path of anything a user runs."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "releve_tests_fast_kdf", Path(__file__).resolve().parent.parent / "fast_kdf.py"
)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
_module.install_hook()
