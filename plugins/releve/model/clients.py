"""Parse one client page (clients/*.md) into a `Client`."""

from __future__ import annotations

from pathlib import Path

from ..core.findings import Finding
from .fields import ID_RE, Fields, id_from_file_name, safe_id
from .sources import read_text, rel, split_page
from .types import Client, Contact, Contract, Pos

CLIENT_STATUSES = ("active", "ending", "ended")
CLIENT_KEYS = {
    "name", "id", "status", "contacts", "channels", "hours", "response_time", "contract",
    "absence_messages", "releve_ignore",
}  # fmt: skip
CONTACT_KEYS = {"name", "role", "email", "phone"}
CONTRACT_KEYS = {"start", "end", "notice_days"}


def parse_client(root: Path, path: Path, findings: list[Finding]) -> Client | None:
    name = rel(root, path)
    text, problem = read_text(root, path)
    if problem:
        findings.append(problem)
        return None
    page = split_page(text or "", name)
    findings.extend(page.findings)
    data = page.meta.data
    if data is not None and not isinstance(data, dict):
        findings.append(Finding("RB008", name, 2, 1, "source.frontmatter_not_mapping"))
        data = {}
    broken = page.meta.data is None and bool(page.findings)
    f = Fields(data or {}, page.meta.positions, name, findings, report_missing=not broken)
    client_id = f.ident("id") or id_from_file_name(path.stem)
    if not ID_RE.match(client_id):
        findings.append(Finding("RB006", name, 1, 1, "field.bad_file_id", {"value": client_id}))
        client_id = safe_id(path.stem)
    unknown = [(k, f.pos(k)) for k in f.data if k not in CLIENT_KEYS]

    contacts = []
    for index, item in f.items("contacts"):
        c = f.sub(f"contacts[{index}]", item)
        if not isinstance(item, dict):
            f.wrong_type(f"contacts[{index}]", "mapping")
            continue
        contacts.append(
            Contact(
                name=c.text("name", required=True) or "?",
                role=c.text("role"),
                email=c.text("email"),
                phone=c.text("phone"),
            )
        )
        unknown += [(k, c.pos(k)) for k in c.data if k not in CONTACT_KEYS]

    k = f.sub("contract", f.mapping("contract"))
    contract = Contract(
        start=k.date("start"), end=k.date("end"), notice_days=k.integer("notice_days")
    )
    unknown += [(key, k.pos(key)) for key in k.data if key not in CONTRACT_KEYS]

    messages: dict[str, str] = {}
    m = f.sub("absence_messages", f.mapping("absence_messages"))
    for channel in m.data:
        value = m.text(str(channel))
        if value:
            messages[str(channel)] = value

    client = Client(
        id=client_id,
        name=f.text("name", required=True) or path.stem,
        source=path,
        pos=Pos(name),
        body=page.body,
        body_line=page.body_line,
        status=f.choice("status", CLIENT_STATUSES) or "active",
        contacts=contacts,
        channels=f.text_list("channels"),
        hours=f.text("hours"),
        response_time=f.text("response_time"),
        contract=contract,
        absence_messages=messages,
        meta=dict(f.data),
        positions=f.all_positions(),
    )
    client.unknown_keys = unknown
    return client
