"""Generate a synthetic but realistic runbook for benchmarks.

`generate(root, n_procedures, n_people=12, seed=0)` writes mkdocs.yml (the
configuration `releve init` writes), team.yml (people with GitHub handles,
absences over the next months), clients/ and procedures/ (front-matter of
every kind, bodies of 200-300 words with steps, tables and links). The same
seed gives the same files. The result has no lint errors, only warnings.

    python benchmarks/generate.py DIR N [--people P] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 23)
SERVICES = [
    "courriel",
    "agenda",
    "facturation",
    "medias-sociaux",
    "telephone",
    "rapports",
    "passation",
    "absences",
    "achats",
    "ressources-humaines",
    "fournisseurs",
    "archives",
]
FIRST = [
    "Marie",
    "Samir",
    "Julie",
    "Élodie",
    "Louis",
    "Nadia",
    "Paul",
    "Chloé",
    "Omar",
    "Léa",
    "Hugo",
    "Inès",
    "Noah",
    "Zoé",
    "Jules",
    "Maya",
    "Tom",
    "Sarah",
    "Adam",
    "Emma",
]
LAST = [
    "Tremblay",
    "Haddad",
    "Gagnon",
    "Bouchard",
    "Roy",
    "Côté",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gauthier",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Girard",
]
ROLES = ["direction", "comptabilite", "agenda", "social", "rh"]
VERBS = [
    "Ouvrir",
    "Vérifier",
    "Classer",
    "Envoyer",
    "Noter",
    "Confirmer",
    "Relire",
    "Comparer",
    "Archiver",
    "Transmettre",
    "Mettre à jour",
    "Préparer",
    "Appeler",
    "Répondre à",
]
OBJECTS = [
    "la boîte partagée",
    "le tableau de suivi",
    "les factures en attente",
    "l'agenda du client",
    "le dossier partagé",
    "les messages vocaux",
    "le relevé bancaire",
    "la liste des tâches",
    "le calendrier de publication",
    "les demandes de rendez-vous",
    "le registre des appels",
    "les pièces jointes reçues",
    "le rapport de la semaine",
    "les contrats signés",
]
DETAILS = [
    "en commençant par les messages les plus anciens",
    "avant midi pour laisser le temps au client de répondre",
    "et noter toute anomalie dans le journal de l'équipe",
    "en utilisant les réponses types du dossier partagé",
    "puis prévenir la personne responsable si quelque chose bloque",
    "sans jamais supprimer un message avant qu'il soit classé",
    "en vérifiant deux fois les montants et les dates d'échéance",
    "et confirmer par courriel au client que c'est fait",
]
SENTENCES = [
    "Cette tâche revient chaque semaine et ne doit jamais attendre plus d'un jour ouvrable.",
    "Le client compte sur une réponse rapide, surtout en fin de mois.",
    "En cas de doute, demander à la personne responsable avant d'agir.",
    "Les fichiers de référence sont dans le dossier partagé du client, sous-dossier Procédures.",
    "Garder une trace écrite de chaque échange dans le tableau de suivi.",
    "Si un outil est indisponible, noter l'heure et réessayer trente minutes plus tard.",
    "La facture numéro 2026-0412 de 1 250,00 $ sert d'exemple dans le tableau de suivi.",
    "Pour joindre le client, appeler le +1 514 555 0142 ou écrire à bureau@client.example.",
]


# A mix like a real runbook's: daily and weekly tasks, monthly ones, some on demand.
SCHEDULES = ["daily", "weekly mon", "weekly tue, thu", "weekly fri", "monthly 1", "monthly last",
             "monthly first mon", "every 2 weeks wed from 2026-11-04", "quarterly 15",
             "on demand", "on demand"]  # fmt: skip


def _person_ids(n: int) -> list[str]:
    return [f"p{i:03d}" for i in range(1, n + 1)]


def team_yml(rng: random.Random, n_people: int) -> str:
    lines = ["workdays: [mon, tue, wed, thu, fri]", "holidays: [2026-12-25, 2027-01-01]", "people:"]
    for pid in _person_ids(n_people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        roles = ", ".join(sorted(set(rng.sample(ROLES, 2))))
        lines += [
            f"  - id: {pid}",
            f"    name: {first} {last}",
            f"    email: {pid}@example.ca",
            f"    github: gh-{pid}",
            f"    roles: [{roles}]",
        ]
    lines.append("absences:")
    for pid in _person_ids(n_people):
        for _ in range(rng.randint(0, 2)):
            start = TODAY + timedelta(days=rng.randint(0, 150))
            end = start + timedelta(days=rng.randint(0, 9))
            lines += [
                f"  - person: {pid}",
                f"    from: {start}",
                f"    to: {end}",
                "    note: congé",
            ]
    return "\n".join(lines) + "\n"


def client_md(rng: random.Random, index: int) -> str:
    name = f"{rng.choice(LAST)} et associés {index}"
    return f"""---
name: {name}
status: {rng.choice(["active", "active", "active", "ending"])}
contacts:
  - {{name: {rng.choice(FIRST)} {rng.choice(LAST)}, role: direction, email: contact{index}@client.example, phone: "+1 514 555 {1000 + index:04d}"}}
channels: [email, phone]
hours: "lun-ven 09:00-17:00"
response_time: 24 heures ouvrables
contract: {{start: 2025-01-15, end: null, notice_days: 30}}
absence_messages:
  email: "Merci pour votre message. Nous vous répondrons dès notre retour."
---

Client depuis 2025. Les fichiers sont dans le dossier partagé « Clients / {index:02d} ».

## Habitudes

- Préfère le courriel au téléphone.
- Factures envoyées le premier lundi du mois.
"""  # noqa: E501


def body(rng: random.Random, title: str) -> str:
    parts = [" ".join(rng.sample(SENTENCES, 3)), "", "## Étapes", ""]
    for step in range(1, rng.randint(8, 11) + 1):
        parts.append(f"{step}. {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(DETAILS)}.")
    parts += ["", "## À savoir", ""]
    parts += [f"- {rng.choice(SENTENCES)}" for _ in range(rng.randint(3, 5))]
    if rng.random() < 0.4:
        parts += ["", "| Cas | Que faire |", "|---|---|"]
        parts += [
            f"| {rng.choice(OBJECTS)} | {rng.choice(VERBS)} {rng.choice(OBJECTS)} |"
            for _ in range(3)
        ]
    parts += ["", f"Voir aussi la [page de l'équipe](../../index.md) pour « {title} »."]
    return "\n".join(parts) + "\n"


def procedure_md(
    rng: random.Random, index: int, service: str, people: list[str], clients: list[str]
) -> str:
    owner, *backups = rng.sample(people, rng.randint(2, 3))
    priority = rng.choice(["urgent", "important", "important", "planned"])
    title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} ({index})"
    reviewed = TODAY - timedelta(days=rng.randint(0, 220))
    lines = ["---", f'title: "{title}"', f"service: {service}"]
    if clients and rng.random() < 0.6:
        lines.append(f"clients: [{rng.choice(clients)}]")
    lines += [
        f"owner: {owner}",
        f"backup: [{', '.join(backups)}]",
        f"priority: {priority}",
        "sla: 1 jour ouvrable",
        "frequency: hebdomadaire",
        "schedule: " + rng.choice(SCHEDULES),
        "success_criteria:",
        f"  - {rng.choice(OBJECTS).capitalize()} est à jour le vendredi à 16 h",
        "  - Aucune demande du client n'attend plus d'un jour ouvrable",
        f"reviewed: {reviewed}",
    ]
    if priority == "urgent":
        lines.append(f"last_drill: {TODAY - timedelta(days=rng.randint(0, 120))}")
    lines += [f"tags: [{service}, semaine]", "---", "", body(rng, title)]
    return "\n".join(lines)


def mkdocs_yml(root: Path) -> None:
    """The configuration `releve init` writes, with the same plugins and extensions."""
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
    from releve.cli.init_cmd import scaffold

    with tempfile.TemporaryDirectory() as tmp:
        scaffold(Path(tmp), "fr", TODAY)
        shutil.copyfile(Path(tmp) / "mkdocs.yml", root / "mkdocs.yml")
        for name in ("docs", "overrides"):
            shutil.copytree(Path(tmp) / name, root / name, dirs_exist_ok=True)


def generate(root: Path | str, n_procedures: int, n_people: int = 12, seed: int = 0) -> Path:
    """Write a synthetic runbook with `n_procedures` procedures into `root`; return it."""
    root = Path(root)
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    mkdocs_yml(root)
    (root / "team.yml").write_text(team_yml(rng, n_people), encoding="utf-8")
    client_ids = []
    (root / "clients").mkdir(exist_ok=True)
    for index in range(1, max(3, n_procedures // 20) + 1):
        client_id = f"client-{index:03d}"
        client_ids.append(client_id)
        (root / "clients" / f"{client_id}.md").write_text(client_md(rng, index), encoding="utf-8")
    people = _person_ids(n_people)
    for index in range(1, n_procedures + 1):
        service = SERVICES[index % len(SERVICES)]
        folder = root / "procedures" / service
        folder.mkdir(parents=True, exist_ok=True)
        text = procedure_md(rng, index, service, people, client_ids)
        (folder / f"tache-{index:05d}.md").write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("n", type=int, help="number of procedures")
    parser.add_argument("--people", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.dir, args.n, n_people=args.people, seed=args.seed)
    print(f"{args.n} procedures written to {args.dir}")


if __name__ == "__main__":
    main()
