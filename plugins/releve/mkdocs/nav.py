"""The navigation Relève builds when mkdocs.yml has none (plugin option `nav`).

Dashboard, Today, services, clients, people, coverage, maintainers, then the
team's own pages from docs_dir. Past `NAV_AUTO_LIMIT` procedures (option
`nav_procedures`), procedures are reached from their service page and from
search, not listed in the navigation: every page embeds the navigation, so
listing thousands of procedures would make the site grow with the square of
its size. Each section opens on an index page (Material's
`navigation.indexes`).
"""

from __future__ import annotations

from markupsafe import escape
from mkdocs.structure.files import Files

from ..core.order import client_order
from ..core.settings import Settings
from ..i18n import Translator
from ..model import Runbook
from ..render.pages.coverage import GAPS, MATRIX, RISKS
from ..render.pages.today import MAINTAINERS_PAGE, TODAY_PAGE
from ..render.site_map import (
    CLIENTS_INDEX,
    HOME,
    PEOPLE_INDEX,
    SERVICES_INDEX,
    person_uri,
    service_uri,
)

NAV_AUTO_LIMIT = 200


def _title(text: str) -> str:
    """MkDocs' theme templates print nav titles unescaped."""
    return str(escape(text))


def build_nav(runbook: Runbook, files: Files, sources: dict, settings: Settings,
              nav_procedures: bool | str) -> list:  # fmt: skip
    _ = Translator(settings.language)
    nav: list = [{_("nav.home"): HOME}, {_("nav.today"): TODAY_PAGE}]
    count = len(runbook.procedures)
    listed = nav_procedures is True or (nav_procedures == "auto" and count <= NAV_AUTO_LIMIT)
    services = [
        {_title(settings.service_title(s)): (
            [{_("nav.overview"): service_uri(s)},
             *[{_title(p.title): p.path} for p in procs]]
            if listed else service_uri(s)
        )}
        for s, procs in runbook.services.items()
    ]  # fmt: skip
    nav.append({_("nav.services"): [SERVICES_INDEX, *services]})
    clients = client_order(runbook.clients.values())
    nav.append({_("nav.clients"): [CLIENTS_INDEX, *[{_title(c.name): c.path} for c in clients]]})
    people = runbook.team.in_order()
    nav.append(
        {_("nav.people"): [PEOPLE_INDEX, *[{_title(p.name): person_uri(p.id)} for p in people]]}
    )
    nav.append(
        {_("nav.coverage"): [
            {_("coverage.matrix_title"): MATRIX},
            {_("coverage.gaps_title"): GAPS},
            {_("coverage.risks_title"): RISKS},
        ]}
    )  # fmt: skip
    nav.append({_("nav.maintainers"): MAINTAINERS_PAGE})
    own = [
        f.src_uri
        for f in files.documentation_pages()
        if f.src_uri not in sources
        and f.abs_src_path is not None
        and f.src_uri not in (HOME, TODAY_PAGE, MAINTAINERS_PAGE)
        and not f.src_uri.startswith(("services/", "people/", "clients/"))
    ]
    if own:
        nav.append({_("nav.team_pages"): sorted(own)})
    return nav
