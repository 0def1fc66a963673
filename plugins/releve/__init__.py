"""Relève: a continuity runbook for small service teams."""

__version__ = "0.1.0"
