"""RB009: a corpus of secrets that must be found, and of look-alikes that must not.

All the secrets below are public test values (card networks' test numbers,
documentation examples) or made up; none is real.
"""

from __future__ import annotations

from datetime import date

import pytest

from releve.lint import lint_runbook
from releve.lint.rules.secrets import card_number, iban_ok, luhn_ok, random_looking, scan_text
from releve.model import load_runbook

SECRETS = [
    # password labels, French and English, with a value after them
    ("Mot de passe : Soleil2024!", "password"),
    ("mot de passe: Chat#Noir88", "password"),
    ("mdp: Chat#Noir88", "password"),
    ("MDP = Erable2026", "password"),
    ("Password: hunter2", "password"),
    ("password for the bank: P@ssw0rd", "password"),
    ("pwd=Tr0ub4dor&3", "password"),
    ("passcode: 998877", "password"),
    ("PIN: 4821", "password"),
    ("NIP : 1234", "password"),
    ("Code d'accès : 4821#", "password"),
    ("code d’accès de la porte : 7391", "password"),
    ("Le mot de passe est Bleu2024!", "password"),
    ("The password is `Winter2026`", "password"),
    ("| Mot de passe | Soleil2024! |", "password"),
    ("- **Mot de passe** : MonChatEstGris", "password"),
    # provider-prefixed keys and tokens
    ("AWS: AKIAIOSFODNN7EXAMPLE", "token"),
    ("token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", "token"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCD", "token"),
    ("Slack: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "token"),
    ("Stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "token"),
    ("Maps key AIzaSyA1234567890abcdefghijklmnopqrstuv", "token"),
    ("SendGrid SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg", "token"),
    ("jeton gitlab glpat-AbCdEfGhIjKlMnOpQrSt", "token"),
    (
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9Pl",
        "token",
    ),
    (
        "webhook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "token",
    ),
    # long random strings without a known prefix
    ("clé secrète wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "entropy"),
    ("api key: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "entropy"),
    ("export KEY=Zx8Qp2Lm9Vt4Rk7Wn3Yb6Hc1Jd5Fg0Se", "entropy"),
    # a password inside a URL
    ("ftp://admin:S3cr3tPass@ftp.example.com/depot", "url_password"),
    # card numbers (networks' test numbers, Luhn-valid)
    ("Carte : 4111 1111 1111 1111 exp 12/28", "card"),
    ("visa 4111111111111111", "card"),
    ("MC 5555-5555-5555-4444", "card"),
    ("Amex 3782 822463 10005", "card"),
    ("Discover 6011111111111117", "card"),
    # IBANs (checksum-valid examples)
    ("IBAN FR76 3000 6000 0112 3456 7890 189 BIC AGRIFRPP", "iban"),
    ("GB82 WEST 1234 5698 7654 32", "iban"),
    ("DE89370400440532013000", "iban"),
    ("compte CH93 0076 2011 6238 5295 7", "iban"),
    # private keys
    ("-----BEGIN RSA PRIVATE KEY-----", "private_key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----", "private_key"),
    ("-----BEGIN PRIVATE KEY-----", "private_key"),
]

NOT_SECRETS = [
    # e-mails, phones, URLs
    "Écrire à paul.roy@acme.example ou à facturation@bureau-virtuel.example.ca.",
    "Appeler le +1 514 555 0100, poste 204, ou le 514-555-0199.",
    "Tél. : (450) 555-0123 / +33 1 23 45 67 89",
    "https://rendezvous.clinique-riviere.example/agenda?semaine=2026-48&vue=jour",
    "[Dossier partagé](https://drive.google.com/drive/folders/1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW)",
    "Voir https://github.com/example/cahier-de-releve/blob/main/procedures/x.md",
    # dates, times, amounts, invoice and order numbers
    "Échéance le 2026-12-15, relance le 2026-12-22 à 09:30 (15/12/2026).",
    "Montant : 1 250,00 $ ; acompte de $1,250.00 ; total 12 345,67 €.",
    "Facture FAC-2026-00412 du 2026-11-02, commande n° 2026041500123.",
    "Numéro de TPS : 123456789 RT0001 ; n° de client 100234567.",
    "Suivi Postes Canada : 7023 4567 8901 2345.",
    "Identifiant de commit 3f2a9c1d, ticket #4821, dossier 2026-0412.",
    "UUID 123e4567-e89b-12d3-a456-426614174000",
    # the word "password" in prose
    "Never write a password here: reference a credential with [[cred:banque]].",
    "Le mot de passe est dans la fiche d'accès [[cred:banque-operations]].",
    "Mot de passe : voir [[cred:banque-operations]]",
    "Password: see the vault (ask Marie for access).",
    "The password is stored in the vault and rotated every 90 days.",
    "Mot de passe : personnel, jamais partagé.",
    "Pour réinitialiser le mot de passe : cliquer sur « Mot de passe oublié ».",
    "Password: ********",
    "PIN: <your PIN>",
    "mdp : {mot_de_passe}",
    "Le code d'accès est envoyé par texto sur le cellulaire de Sophie.",
    "Code postal : H2X 1Y4",
    "Pin the post to the top of the page: it stays there a week.",
    "Le NIP de la carte n'est jamais noté ici.",
    "A password is required; passwords expire after 90 days.",
    "Passe le relais à Julie : elle a les accès.",
    # long words and identifiers that are not keys
    "anticonstitutionnellement, QuickBooks, rapprochement_bancaire_2026",
    "Classer dans Clients_02_Belanger_Banque_2026.pdf puis MiseAJourHebdomadaire.xlsx",
    "`[[cred:drive-clients]]` dans un exemple de code",
    "FR76 est le préfixe des IBAN français.",
]


# Issue 11: the ways people really write passwords (all made up).
NBSP, NNBSP = "\u00a0", "\u202f"
WRITTEN_LIKE_PEOPLE = [
    # French typography: a no-break or narrow no-break space before the colon, fullwidth colon
    (f"Mot de passe{NBSP}: Soleil2024!", "password"),
    (f"Mot de passe{NNBSP}: Soleil2024!", "password"),
    (f"mdp{NBSP}: Chat#Noir88", "password"),
    (f"**Mot de passe**{NNBSP}: `Erable2026`", "password"),
    (f"PIN{NBSP}: 4821", "password"),
    (f"Code d'accès{NNBSP}: 7391#", "password"),
    ("Mot de passe ： Soleil2024!", "password"),
    ("Mot de passe：Soleil2024!", "password"),
    ("Password：Hunter2024", "password"),
    # the label in a table header, the values in the rows
    (
        "| Service | Identifiant | Mot de passe |\n|---|---|---|\n| Banque | marie | Soleil2024! |",
        "password",
    ),
    (
        "| Site | Login | Password |\n| --- | --- | --- |\n"
        "| Bank | ops@acme.example | Hunter2024 |",
        "password",
    ),
    ("| Outil | MDP |\n|:--|:--:|\n| Drive | Erable2026 |", "password"),
    ("Outil | NIP\n--- | ---\nTerminal | 4821", "password"),
    (f"| Porte | Code d'accès{NBSP}|\n|---|---|\n| Arrière | 7391# |", "password"),
    # configuration lines
    ("KEY_PASSWORD=Erable2026", "password"),
    ("SMTP_PASS: Erable2026", "password"),
    ("export MYSQL_PWD='Chat#Noir88'", "password"),
    ('"password": "Soleil2024!"', "password"),
    ("{'db_password': 'Soleil2024!'}", "password"),
    ('    "smtpPassword" : "Hunter2024",', "password"),
    ("'pwd' => 'Tr0ub4dor'", "password"),
    ("spring.datasource.password=Erable2026", "password"),
    # shorthand labels
    ("pw: Erable2026", "password"),
    ("PW = Erable2026", "password"),
    ("pass: Erable2026", "password"),
    ("Pass : Erable2026", "password"),
    ("identifiants : marie / Soleil2024!", "password"),
    ("Identifiants : `marie.t / Soleil2024`", "password"),
    ("user / pass : admin / Admin2024", "password"),
    ("login/mdp : compta / Erable2026", "password"),
    ("Username/Password: admin/Hunter2024", "password"),
    ("Identifiant / mot de passe : marie / Soleil2024!", "password"),
    ("Credentials: ops-team / Winter2026!", "password"),
    # the label a few words before the colon (or the verb)
    ("Mot de passe du portail de la banque Desjardins pour la clinique : Soleil2024!", "password"),
    ("Le mot de passe du Wi-Fi du bureau de la clinique est Erable2026", "password"),
    ("The password for the shared Gmail account of the office is Winter2026", "password"),
    ("Password for the bank portal (ops account): Hunter2024", "password"),
    ("Wi-Fi : réseau Clinique, mot de passe Erable2026", "password"),
    ("- mot de passe Erable2026", "password"),
    ("clé WPA : Erable2026!", "password"),
    ("Wi-Fi key: Winter2026", "password"),
]
WRITTEN_LIKE_PEOPLE_NOT_SECRETS = [
    f"Mot de passe{NBSP}: voir [[cred:banque]]",
    f"Mot de passe{NNBSP}: ********",
    f"Mot de passe{NBSP}: personnel, jamais partagé.",
    "Mot de passe ： voir le coffre",
    f"Montant{NNBSP}: 1{NNBSP}250,00{NBSP}$ ; heure{NBSP}: 09{NBSP}h{NBSP}30",
    "| Service | Mot de passe |\n|---|---|\n| Banque | [[cred:banque]] |\n"
    "| Drive | voir le coffre |",
    "| Étape | Qui | Mot de passe |\n|---|---|---|\n| 1 | Marie | personnel |",
    "| Mot de passe oublié ? | Procédure |\n|---|---|\n| Portail | Cliquer sur Réinitialiser2 |",
    "| Client | Code postal |\n|---|---|\n| Acme | H2X 1Y4 |",
    "| Password policy | Value |\n|---|---|\n| Length | 12 |",
    "PASSWORD_MIN_LENGTH=12",
    "token_ttl: 3600",
    '"password": "${DB_PASSWORD}"',
    'password = os.environ["DB_PASSWORD"]',
    "DB_PASSWORD=<mot de passe du coffre>",
    "Changer le mot de passe Office365 de Marie.",
    "Réinitialiser le mot de passe Windows11 du poste d'accueil.",
    "Boarding pass: gate B12",
    "Pass : aller au bureau 204 et demander Julie.",
    "Identifiants : ceux de Marie (voir le coffre).",
    "Identifiant : marie.tremblay@example.ca",
    "user / pass : voir [[cred:portail]]",
    "PW: see the vault",
    "Le mot de passe Wi-Fi est affiché à l'accueil.",
    "Password requirements for the portal: 12 characters minimum.",
    "Password expiry for Office 365: 90 days.",
    "PIN pad at the front desk: Model X200",
    "Le code d'accès du stationnement change le 2026-12-01.",
    "Passer le relais à 14 h : Julie prend la boîte partagée.",
    "Le mot de passe du portail de la banque : demander à Marie.",
    "Password for the bank portal (ops account): ask Marie",
    "Compass heading: N45E",
    "Bypass the filter: Settings > Rules > Off",
    "that holder's own passphrase: PBKDF2-HMAC-SHA256, at least 600,000 iterations",
    "Every secret field is AES-256-GCM with a fresh random nonce.",
]


@pytest.mark.parametrize(("text", "kind"), WRITTEN_LIKE_PEOPLE)
def test_password_written_like_people_is_found(text, kind):
    hits = scan_text(text)
    assert [h.kind for h in hits] == [kind], hits


@pytest.mark.parametrize("text", WRITTEN_LIKE_PEOPLE_NOT_SECRETS)
def test_prose_like_people_write_is_not_a_secret(text):
    assert scan_text(text) == []


def test_table_hit_points_at_the_cell():
    text = "| Service | Mot de passe |\n|---|---|\n| Banque | Soleil2024! |\n| Drive | Erable2026 |"
    hits = scan_text(text)
    assert [(h.line, h.column) for h in hits] == [(2, 12), (3, 11)]


def test_sample_procedures_have_no_false_positive():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    runbook = load_runbook(root)
    findings = [f for f in lint_runbook(runbook, date(2026, 11, 23)) if f.code == "RB009"]
    assert findings == []


@pytest.mark.parametrize(("text", "kind"), SECRETS)
def test_secret_is_found(text, kind):
    hits = scan_text(text)
    assert [h.kind for h in hits] == [kind], hits


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_look_alike_is_not_a_secret(text):
    assert scan_text(text) == []


def test_checksums():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert card_number("4111 1111 1111 1111") and not card_number("4111 1111 1111 1112")
    assert not card_number("7023 4567 8901 2345")  # no card network starts with 7
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB82WEST12345698765433")
    assert not iban_ok("GB82WEST1234569876543")  # one character short
    assert random_looking("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert not random_looking("Clients_02_Belanger_Banque_2026")


def test_lines_and_columns_count_from_the_file(make_runbook):
    rb = make_runbook()
    rb.write(
        "clients/acme.md",
        "---\n"
        "name: Acme\n"
        "absence_messages:\n"
        "  email: |\n"
        "    Bonjour,\n"
        "    le code d'accès du portail : 4821\n"
        "contacts:\n"
        "  - {name: Paul, phone: '+1 514 555 0100', pwd: Hunter22}\n"
        "---\n"
        "Notes.\n"
        "\n"
        "Carte de la société : 4111 1111 1111 1111\n",
    )
    runbook = load_runbook(rb.root)
    findings = [f for f in lint_runbook(runbook, date(2026, 11, 23)) if f.code == "RB009"]
    assert [(f.path, f.line) for f in findings] == [
        ("clients/acme.md", 6),
        ("clients/acme.md", 8),
        ("clients/acme.md", 12),
    ]
    assert findings[2].column == len("Carte de la société : ") + 1
    for finding in findings:
        for lang in ("en", "fr"):
            message = finding.message(lang)
            assert "4821" not in message and "Hunter22" not in message and "4111" not in message


def test_scan_is_linear_on_hostile_input():
    import time

    hostile = ("password " * 2000 + "\n") + ("a" * 100_000) + ("1 " * 50_000) + ("FR76 " * 10_000)
    start = time.perf_counter()
    scan_text(hostile)
    # A hang guard, not a speed test (about 0.2 s here; catastrophic backtracking would
    # take minutes): generous, so a loaded CI machine never fails it for being busy.
    assert time.perf_counter() - start < 20


def test_findings_never_echo_a_secret_value(make_runbook):
    rb = make_runbook()
    token = "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
    rb.procedure(
        "ops/x.md",
        f"title: T\nservice: ops\nowner: {token}\nbackup: [ben]\npriority: planned\n"
        f"success_criteria: [x]\nreviewed: 2026-11-01\nclients: ['4111 1111 1111 1111']\n",
    )
    findings = lint_runbook(load_runbook(rb.root), date(2026, 11, 23))
    assert {f.code for f in findings} >= {"RB006", "RB009"}
    for finding in findings:
        text = finding.text("en") + finding.text("fr")
        assert token not in text and "4111" not in text, text
