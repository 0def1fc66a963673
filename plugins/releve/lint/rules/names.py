"""RB027: a display name that can pass for another person's (`core/confusables.py`).

Access is shown by name: credential cards, `releve diff`, the Reveal form. A person
renamed to look like a holder ("Аna Lima" with a Cyrillic А, "Ana Lirna", a name
with a right-to-left override) could be granted a key while a reviewer reads the
real holder's name. Ids are shown beside names wherever access is shown; this rule
warns at the line of the later of two look-alike names, and at any name holding
invisible or text-direction characters or mixing alphabets in one word.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...core.confusables import confusable, hidden, mixed_scripts
from ...core.findings import Finding
from ...core.settings import Settings
from ...model import Runbook
from .content import finding

CODE = "RB027"
MAX_PAIRS = 250_000  # 500 people: past that, no pairs (lookalikes() compares folds instead)


def rb027(runbook: Runbook, today: date, settings: Settings) -> Iterator[Finding]:
    people = list(runbook.team.people.values())
    for person in people:
        chars = hidden(person.name)
        if chars:
            yield finding(CODE, person.pos, "lint.hidden_in_name", person=person.id,
                          chars=", ".join(chars))  # fmt: skip
        elif mixed_scripts(person.name):
            yield finding(CODE, person.pos, "lint.mixed_script_name", person=person.id,
                          name=person.name)  # fmt: skip
    if len(people) ** 2 > MAX_PAIRS:
        return
    for index, person in enumerate(people):
        other = next((o for o in people[:index] if confusable(o.name, person.name)), None)
        if other is not None:
            yield finding(CODE, person.pos, "lint.confusable_name", person=person.id,
                          name=person.name, other=other.id, other_name=other.name)  # fmt: skip
