"""What every generated page's template gets, and the orders pages list things in."""

from __future__ import annotations

from ...i18n.formats import name_key, natural_key
from ...model import Procedure, Runbook
from ..site_map import Links, person_uri, service_uri

PRIORITY_ORDER = {"urgent": 0, "important": 1, "planned": 2}


def by_priority(procs: list[Procedure]) -> list[Procedure]:
    """Urgent first, then by title in natural order ("jour 7" before "jour 14")."""
    return sorted(procs, key=lambda p: (PRIORITY_ORDER.get(p.priority, 3), natural_key(p.title)))


def by_name(items: list, attr: str = "name") -> list:
    """People or clients by name, accents ignored: Élodie sorts with the Es."""
    return sorted(items, key=lambda x: name_key(getattr(x, attr)))


def person_name(runbook: Runbook, person_id: str) -> str:
    person = runbook.team.people.get(person_id)
    return person.name if person else person_id


def common(runbook: Runbook, links: Links) -> dict:
    return {
        "rb": runbook,
        "link": links,
        "name_of": lambda pid: person_name(runbook, pid),
        "names_of": lambda ids: ", ".join(person_name(runbook, pid) for pid in ids),
        "service_title": runbook.config.service_title if runbook.config else str,
        "person_uri": person_uri,
        "service_uri": service_uri,
        "role_names": runbook.team.role_names,
    }
