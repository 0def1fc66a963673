"""The lint: rules over the model, each a small pure function yielding findings."""

from .engine import lint_runbook

__all__ = ["lint_runbook"]
