"""What every generated page's template gets.

Pages list procedures, people and clients in `core.order`'s orders, and name people
with `Team.name_of`, as every other view does.
"""

from __future__ import annotations

from ...model import Runbook
from ..site_map import Links, person_uri, service_uri


def common(runbook: Runbook, links: Links) -> dict:
    team = runbook.team
    return {
        "rb": runbook,
        "link": links,
        "name_of": team.name_of,
        "names_of": team.names_of,
        "in_people_order": team.ids_in_order,
        "service_title": runbook.config.service_title if runbook.config else str,
        "person_uri": person_uri,
        "service_uri": service_uri,
        "role_names": team.role_names,
    }
