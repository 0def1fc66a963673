"""RB023 and RB024: what a new runbook or a new page still holds from its scaffold.

RB023: the example people and the example procedure `releve init` writes carry
`example: true`; they are reported until the team replaces them (and removes the
mark), so a runbook never ships with Alex and Sam on call.
RB024: `releve new` writes a placeholder (`TODO: ...`, see `model/placeholders.py`)
for every value it was not given; each is reported until it is filled in, so a
new procedure never ships a service level or a schedule nobody chose.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...core.findings import Finding
from ...core.settings import Settings
from ...model import Pos, Runbook
from ...model.placeholders import is_placeholder, placeholder_lines
from ...model.refs import outside_code
from .content import finding


def rb023_example(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    team_file = runbook.team.pos.path
    for person in runbook.team.people.values():
        if person.example:
            yield finding("RB023", person.pos, "lint.example_person", person=person.id,
                          team=team_file)  # fmt: skip
    pages: list = [*runbook.procedures, *runbook.clients.values()]
    for page in pages:
        if page.meta.get("example") is True:
            yield finding("RB023", page.pos_of("example"), "lint.example_page")


def rb024_placeholder(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    pages: list = [*runbook.procedures, *runbook.clients.values()]
    for page in pages:
        for key, value in page.meta.items():
            if is_placeholder(value):
                yield finding("RB024", page.pos_of(key), "lint.placeholder", key=key)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if is_placeholder(item):
                        pos = page.positions.get(f"{key}[{index}]", page.pos_of(key))
                        yield finding("RB024", pos, "lint.placeholder", key=key)
        if "TODO" not in page.body:
            continue
        for line in placeholder_lines(outside_code(page.body)):
            yield finding("RB024", Pos(page.path, page.body_line + line, 1),
                          "lint.placeholder_text")  # fmt: skip
