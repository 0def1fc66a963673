"""Where each part of the runbook lives on the site, as source URIs.

The core names pages by their source URI ("people/marie.md"); the adapter
turns them into URLs, so views never depend on MkDocs' URL settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Client, Procedure
from .templates import relative_url

HOME = "index.md"
SERVICES_INDEX = "services/index.md"
PEOPLE_INDEX = "people/index.md"
CLIENTS_INDEX = "clients/index.md"


def person_uri(person_id: str) -> str:
    return f"people/{person_id}.md"


def service_uri(service: str) -> str:
    return f"services/{service}.md"


def procedure_uri(proc: Procedure) -> str:
    return proc.path


def client_uri(client: Client) -> str:
    return client.path


@dataclass
class Links:
    """Resolve source URIs to URLs relative to the page being rendered."""

    url_of: Callable[[str], str | None]  # src_uri -> site-relative URL, None when absent
    current: str  # src_uri of the page being rendered

    def __call__(self, src_uri: str) -> str | None:
        target = self.url_of(src_uri)
        here = self.url_of(self.current)
        if target is None or here is None:
            return None
        return relative_url(target, here)

    def asset(self, site_path: str) -> str:
        here = self.url_of(self.current) or ""
        return relative_url(site_path, here)

    def at(self, src_uri: str) -> Links:
        return Links(self.url_of, src_uri)
