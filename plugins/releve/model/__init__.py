"""The runbook model: parse once, read everywhere."""

from .loader import load_runbook
from .types import (
    Absence,
    Client,
    Contact,
    Contract,
    Credential,
    Person,
    Pos,
    Procedure,
    Record,
    Runbook,
    Team,
)

__all__ = [
    "Absence",
    "Client",
    "Contact",
    "Contract",
    "Credential",
    "Person",
    "Pos",
    "Procedure",
    "Record",
    "Runbook",
    "Team",
    "load_runbook",
]
