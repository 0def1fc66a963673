"""A next step (coverage/escalation.py) as one line of text, and as JSON.

`releve coverage` prints it; the pages say the same with links (macros.j2
`next_step`), from the same `NextStep`.
"""

from __future__ import annotations

from datetime import date

from ...coverage.escalation import NextStep
from ...i18n import Translator
from ...i18n.formats import format_day
from ...model import Runbook


def _who(runbook: Runbook, pid: str) -> str:
    person = runbook.team.people.get(pid)
    if person is None:
        return pid
    return f"{person.name} ({person.phone})" if person.phone else person.name


def step_text(runbook: Runbook, step: NextStep, _: Translator) -> str:
    """ "call Élodie Bouchard (+1 514 555-0104)"; "nobody can be reached: …"; with the client
    told on a gap."""
    if step.kind == "holders":
        text = _("relay.cli_holders", people=", ".join(_who(runbook, p) for p in step.call))
    elif step.first:
        text = _("relay.cli_call", people=_who(runbook, step.first))
    elif step.away:
        away = ", ".join(
            _("relay.away_until", person=runbook.team.name_of(a.person),
              day=format_day(a.until, _.lang))
            for a in step.away
        )  # fmt: skip
        text = _("relay.cli_nobody", away=away)
    else:
        text = _("relay.no_list")
    return f"{text}; {_('relay.cli_tell')}" if step.tell_client else text


def step_json(day: date, step: NextStep) -> dict:
    """One day's next step: `escalate_to` is the agenda JSON's (the first person to call)."""
    return {
        "date": day.isoformat(),
        "escalate_to": step.first,
        "kind": step.kind,
        "call": list(step.call),
        "away": [{"person": a.person, "until": a.until.isoformat()} for a in step.away],
        "tell_client": step.tell_client,
    }
