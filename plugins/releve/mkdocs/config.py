"""Options of the `releve` MkDocs plugin, one per line, each documented."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class RelevePluginConfig(Config):
    procedures_dir = c.Type(str, default="procedures")
    """Folder (relative to mkdocs.yml) holding one Markdown file per procedure."""
    clients_dir = c.Type(str, default="clients")
    """Folder (relative to mkdocs.yml) holding one Markdown file per client."""
    team_file = c.Type(str, default="team.yml")
    """The team file: people, roles, absences, working days, holidays."""
    vault_file = c.Type(str, default="vault.yml")
    """The sealed credentials file; the build reads only its clear metadata."""
    records_dir = c.Type(str, default="records")
    """Folder (relative to mkdocs.yml) of the records of tasks done, one YAML file each."""
    records = c.Choice((True, False, "auto"), default="auto")
    """Whether the runbook keeps records: a past due day with no record is then "not
    recorded", and RB022 applies. auto: as soon as `records_dir` holds a record."""
    review_every = c.Type(int, default=180)
    """Days after `reviewed` before a review is overdue (RB010); a page may set `review_every`."""
    drill_every = c.Type(int, default=90)
    """Days after `last_drill` before an urgent procedure's drill is overdue (RB011)."""
    max_words = c.Type(int, default=600)
    """Words of body above which a procedure is longer than one page (RB012)."""
    horizon = c.Type(int, default=90)
    """Days ahead checked for coverage gaps (RB013) and shown in the gap calendar."""
    non_working_due = c.Choice(("before", "after", "skip"), default="before")
    """A scheduled due day that is not a working day moves to the previous working day
    (`before`), the next one (`after`), or is dropped (`skip`)."""
    rotate_every = c.Type(int, default=365)
    """Days after a credential's `rotated` date before changing it is overdue (RB018); a
    vault entry may set its own `rotate_every`."""
    severity = c.Type(dict, default={})
    """Per-code severity override: `{RB010: error, RB012: off}`."""
    service_titles = c.Type(dict, default={})
    """Display names of services: `{medias-sociaux: Médias sociaux}`; default: the id."""
    binder = c.Choice((True, False, "auto"), default="auto")
    """PDF binders with the site: true, false, or auto (built by `mkdocs build` for runbooks
    of up to 200 procedures, skipped by `mkdocs serve` and for larger runbooks)."""
    nav_procedures = c.Choice((True, False, "auto"), default="auto")
    """List procedures under their service in the navigation: true, false, or auto (up to
    200 procedures; past that every page would carry a long navigation)."""
    paper = c.Choice(("letter", "a4"), default="a4")
    """Paper size of the PDF binders: letter (North America) or a4."""
    nav = c.Type(bool, default=True)
    """Build the navigation (dashboard, services, clients, people) when mkdocs.yml has no `nav`."""
    search = c.Type(bool, default=True)
    """Relève's search (Pagefind: French and English stemming, accents optional, filters)
    in Material's header box; false leaves Material's own search as mkdocs.yml sets it."""
