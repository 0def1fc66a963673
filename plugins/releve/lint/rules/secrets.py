"""RB009, plaintext secrets in procedure and client pages.

What is detected, on every body line and every front-matter value:

- a value after a password label, in French or English (password, mot de passe,
  mdp, pwd, pw, pass, passcode, PIN, NIP, code d'accès, clé WPA...), when it looks
  like a secret rather than prose: it has digits or symbols, or mixed case; a PIN
  label wants digits. A lone lowercase word is not flagged (too close to prose).
  The label may come a few words before the separator ("mot de passe du portail de
  la banque : ..."), with French typography (a no-break or narrow no-break space
  before the colon, a fullwidth colon), or at the start of an item without one
  ("- mot de passe Erable2026");
- a login pair after a credentials label (identifiants, credentials, user / pass,
  login/mdp...): `marie / Soleil2024!`;
- a password column in a Markdown table: the label in the header, values in the rows;
- configuration lines whose key ends in a password word: `KEY_PASSWORD=...`,
  `"password": "..."`, `smtpPassword: ...`, `spring.datasource.password=...`;
- API keys and tokens with a known provider prefix (AWS, GitHub, GitLab, Slack,
  Stripe, Google, OpenAI, SendGrid, Twilio, npm, Shopify, JWTs...);
- long random-looking strings (length, character classes, Shannon entropy),
  outside URLs, e-mail addresses and `[[cred:ID]]` references;
- a password inside a URL (`https://user:secret@host`);
- card numbers (13 to 19 digits with a card prefix, Luhn-valid);
- IBANs (country code, known length, ISO 7064 mod-97 checksum);
- PEM / OpenSSH / PGP private key blocks.

A hit carries where it is and what kind it is, never the value itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from ...core.files import RunbookFiles
from ...core.findings import Finding
from ...core.settings import Settings
from ...model import Pos, Runbook
from ...model.links import attachments
from ...model.source_cache import remembered
from ...model.sources import hidden_part, read_text, rel, walk_files
from .content import finding


@dataclass(frozen=True)
class Hit:
    line: int  # 0-based line in the scanned text
    column: int  # 1-based
    kind: str  # password | token | entropy | card | iban | private_key | url_password


# --- password labels --------------------------------------------------------

# French typography puts a no-break (or narrow no-break) space before a colon, and some
# keyboards type a fullwidth colon: all become plain ASCII before matching. Each maps to
# one character, so offsets, lines and columns stay those of the original text.
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys(
            "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u205f\u3000", " "
        ),
        "\uff1a": ":",  # fullwidth colon
        "\ufe55": ":",  # small colon
        "\ufe13": ":",  # vertical colon
        "\uff1d": "=",  # fullwidth equals
        "\uff5c": "|",  # fullwidth vertical line
    }
)
# Replaced where they are: `str.translate` looks every character up (0.1 ms a page).
_TYPOGRAPHY_CHARS = re.compile("|".join(re.escape(chr(c)) for c in _TYPOGRAPHY))


def _plain_typography(match: re.Match[str]) -> str:
    return _TYPOGRAPHY[ord(match.group())]


# Alarm, door and gate codes, in French, English, German, Spanish, Italian, Dutch, Portuguese.
_CODE_LABELS = (
    r"digicode|(?:alarm|deur|t[üu]r|tuer|door|gate|keypad|entry)[\s_-]?(?:code|pin)|"
    r"(?:code|codice|c[oó]digo)[\s_-](?:(?:de[\s_-]l['’]|de[\s_-]la|du|de|d['’]|dell['’]|della|"
    r"del|do|da)[\s_-]?)?(?:alarme?|alarma|allarme|alarmes?|porte|portail|portillon|entr[ée]e|"
    r"immeuble|b[aâ]timent|puerta|porta|port[aã]o|portone|cadenas|coffre-fort|casier)"
)
_LABELS = (
    r"pass(?:e|\s?words?|wd|phrase|code)|pwd|mdp|mots?[\s_-]de[\s_-]passe|"
    r"phrases?[\s_-]de[\s_-]passe|"
    r"codes?[\s_-]d['’]?acc[eè]s|(?:code[\s_-])?(?:pin|nip)(?:[\s_-]code)?|"
    r"secret|login[\s_-]password|identifiants?[\s_-]de[\s_-]connexion[\s_-]mot[\s_-]de[\s_-]passe|"
    r"(?:cl[eé]|key)[\s_-](?:wpa2?|wi-?fi|wep)|(?:wpa2?|wi-?fi)[\s_-](?:key|psk|passphrase)|"
    # German, Dutch
    r"passwort|kennwort|zugangscode|geheimzahl|pin-?nummer|wachtwoord|toegangscode|pincode|"
    # Spanish, Portuguese, Italian
    r"contrase[ñn]as?|clave[\s_-]de[\s_-]acceso|c[oó]digo[\s_-]de[\s_-]acces?o|senhas?|"
    r"palavras?[\s_-]passe|parola[\s_-]d['’]ordine|codice[\s_-]di[\s_-]accesso|" + _CODE_LABELS
)
_PIN_LABEL = re.compile(
    r"pin|nip|code|codice|c[oó]digo|geheimzahl|digicode|alarm|t[üu]r|deur|door|gate|keypad",
    re.IGNORECASE,
)
# "is", in the languages above: "Das Passwort ist Sommer2024!", "La contraseña es Sol2024".
_SEP = (
    r"(?P<sep>:=|=|:|\||->|→|"
    r"\b(?:is|was|est|était|sera|ist|war|es|era|è|é|será|sarà)\b)"
)
_LABEL = re.compile(
    r"(?<![\w-])(?P<label>" + _LABELS + r")(?![\w-])[*_`]*"
    r"(?P<between>(?:[ \t]+[^\s:=|]{1,24}){0,10}?)"
    r"[ \t]*" + _SEP + r"[ \t]*(?P<value>[^\n|]*)",
    re.IGNORECASE,
)
# Shorthands too common in prose to take words between them and the separator.
_SHORT_LABEL = re.compile(
    r"(?<![\w-])(?P<label>pw|pass)(?![\w-])[*_`]*[ \t]*(?P<sep>:=|=|:)[ \t]*(?P<value>[^\n|]*)",
    re.IGNORECASE,
)
# A label with no separator, alone at the start of an item or after a comma or colon, its value
# ending the line: "- mot de passe Erable2026", "Wi-Fi : réseau X, mot de passe Erable2026".
_BARE_LABEL = re.compile(
    r"(?:^|(?<=[,;:(]))[ \t]*(?:[-*+•][ \t]+)?[*_`]*(?P<label>" + _LABELS + r")(?![\w-])[*_`]*"
    r"[ \t]+(?P<value>[^\s,;()]+)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# A login and its password together: "identifiants : marie / Soleil2024!".
_PAIR_LABELS = (
    r"identifiants?|credentials?|creds|zugangsdaten|anmeldedaten|credenciales|credenziali|"
    r"inloggegevens|credenciais|"
    r"(?:user(?:name)?|login|identifiant|utilisateur|id|e-?mail|courriel|benutzer(?:name)?|"
    r"usuario|utente|gebruiker(?:snaam)?|usu[aá]rio)[ \t]*/[ \t]*"
    r"(?:pass(?:word)?|mdp|pwd|pw|mot[ \t]de[ \t]passe|code|passwort|kennwort|contrase[ñn]a|"
    r"senha|wachtwoord)"
)
_PAIR_LABEL = re.compile(
    r"(?<![\w-])(?P<label>" + _PAIR_LABELS + r")(?![\w-])[*_`]*"
    r"[ \t]*(?P<sep>:=|=|:|\||->|→)[ \t]*(?P<value>[^\n|]*)",
    re.IGNORECASE,
)
# A configuration line: an identifier (maybe quoted), `=`, `:` or `=>`, a value.
_CONFIG = re.compile(
    r"(?<![\w.\-\"'])[\"']?(?P<key>[A-Za-z_][\w.-]{0,80})[\"']?[ \t]*(?P<sep>=>|:=|=|:)[ \t]*"
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s,;}]+)"
)
_KEY_PARTS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_KEY_WORDS = {"password", "passwd", "pass", "pwd", "pw", "mdp", "passphrase", "passcode",
              "secret", "pin", "nip", "psk", "motdepasse"}  # fmt: skip
_KEY_LABEL = re.compile(r"(?:" + _LABELS + r")", re.IGNORECASE)
# A table header cell that names a password column.
_HEADER_LABEL = re.compile(r"(?:" + _LABELS + r"|pw|pass)", re.IGNORECASE)
_HEADER_PAIR = re.compile(r"(?:" + _PAIR_LABELS + r")", re.IGNORECASE)
# A header cell holding a password label among other words: "Mot de passe (portail)",
# "MDP actuel", "Password / PIN".
_HEADER_WORD = re.compile(r"(?<![\w-])(?:" + _LABELS + r")(?![\w-])", re.IGNORECASE)
_DELIMITER_ROW = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)*[ \t]*:?-+:?[ \t]*\|?[ \t]*$")


def password_key(key: str) -> bool:
    """A key that names a password: `mdp`, `KEY_PASSWORD`, `smtpPassword`, `db.pass`."""
    if _KEY_LABEL.fullmatch(key):
        return True
    parts = _KEY_PARTS.findall(key)
    return bool(parts) and parts[-1].lower() in _KEY_WORDS


_WRAP = "`*\"'«»“”‘’ \t"
_PLACEHOLDER = re.compile(
    r"^(?:[*x•·.?_#-]+|<[^>]*>|\{[^}]*\}|\$\{?\w+\}?|%\w+%|\[[^\]]*\]|\(.*"
    r"|[A-Za-z_][\w.]*[\[(].*)$",  # code that reads it: os.environ["X"], getenv(...)
    re.IGNORECASE,
)
_BENIGN = re.compile(
    r"^(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|(?:https?|ftp)://\S+|www\.\S+"  # URL
    r"|\d{4}-\d{2}-\d{2}(?:[T ][\d:]+)?|\d{1,2}/\d{1,2}/\d{2,4}"  # date
    r"|\d{1,2}[:h]\d{2}"  # time
    r"|\+?\(?\d[\d ().-]{6,}\d"  # phone
    r"|[$€£]?\d{1,3}(?:[ ,.\u202f]\d{3})*(?:[.,]\d{2})?\s?[$€£]"  # amount with currency
    r"|[$€£]\d[\d ,.]*"
    r"|(?=[\w-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+){2,}"  # a standard's name: AES-256-GCM
    r"|\d{1,3}-?[^\W\d_]{3,}"  # a count and its word: 4-stellig, 12-caractères
    r")$"
)
_STOPWORDS = {
    "none",
    "aucun",
    "aucune",
    "n/a",
    "na",
    "sso",
    "oauth",
    "required",
    "requis",
    "oui",
    "non",
    "yes",
    "no",
    "voir",
    "see",
    "vault",
    "coffre",
    "personnel",
    "personal",
    "individuel",
    # German, Spanish, Italian, Dutch, Portuguese: "see", "safe", "personal", "none"
    "siehe",
    "tresor",
    "persönlich",
    "keine",
    "kein",
    "ver",
    "cofre",
    "ninguna",
    "ninguno",
    "vedi",
    "cassaforte",
    "personale",
    "nessuna",
    "zie",
    "kluis",
    "persoonlijk",
    "geen",
    "veja",
    "pessoal",
    "nenhuma",
}
_SYMBOLS = set("!@#$%^&*+=?~§£€")


def _has(text: str, predicate) -> bool:
    return any(predicate(ch) for ch in text)


def _strong(token: str) -> bool:
    """Looks like a password rather than a word: letters with digits or symbols, or mixed case."""
    if len(token) < 4:
        return False
    letters, digits = _has(token, str.isalpha), _has(token, str.isdigit)
    if letters and (digits or _has(token, _SYMBOLS.__contains__)):
        return True
    if digits and not letters and token.isdigit():
        return True  # 1234, 20260415 (a date without dashes is rare after a label)
    return len(token) >= 6 and _has(token[1:], str.isupper) and _has(token, str.islower)


# A passphrase made of random words, the shape the README recommends: words joined by
# dashes, dots or underscores ("erable-riviere-lanterne-galet"), or four to eight words
# quoted or in backticks ("`cheval agrafe batterie correct`").
_JOINED_WORDS = re.compile(r"[^\W\d_]{2,}(?:[-_.][^\W\d_]{2,}){3,}")
_QUOTED_WORDS = re.compile(r"^[`\"'«“‘]+\s*((?:[^\W\d_]{2,}\s+){3,7}[^\W\d_]{2,})\s*[`\"'»”’]")


def _passphrase(value: str) -> bool:
    value = value.strip()
    quoted = _QUOTED_WORDS.match(value)
    if quoted:
        return quoted.group(1).islower()
    first = value.strip(_WRAP).split()[0] if value.strip(_WRAP) else ""
    return bool(_JOINED_WORDS.fullmatch(first.rstrip(",;.")))


def _password_value(label: str, sep: str, value: str) -> bool:
    if _passphrase(value) and "[[cred:" not in value:
        return True
    value = value.strip().strip(_WRAP)
    if not value or "[[cred:" in value or value.startswith(("[", "(", "http://", "https://")):
        return False
    tokens = value.split()
    first = tokens[0].strip(_WRAP).rstrip(",;.")
    if not first or _PLACEHOLDER.match(first) or _BENIGN.match(first):
        return False
    if first.casefold() in _STOPWORDS:
        return False
    if _PIN_LABEL.search(label) and re.fullmatch(r"\d{4,12}[#*]?", first):
        return True  # PIN 4821, code d'accès 4821#
    return _strong(first)


def _pair_value(value: str) -> bool:
    """`login / password` (or `login password`) whose second part looks like a password."""
    value = value.strip().strip(_WRAP)
    if not value or "[[cred:" in value:
        return False
    if "/" in value:
        second = value.split("/", 1)[1]
    else:
        tokens = value.split()
        if len(tokens) != 2:
            return False
        second = tokens[1]
    return _password_value("password", ":", second)


def _cells(line: str) -> list[tuple[int, str]]:
    """(offset, text) of each cell of a Markdown table row, outer pipes optional."""
    cells, start = [], 0
    if "\\|" in line:  # escaped pipes are cell text
        for match in re.finditer(r"(?<!\\)\|", line):
            cells.append((start, line[start : match.start()]))
            start = match.end()
        cells.append((start, line[start:]))
    else:
        for part in line.split("|"):
            cells.append((start, part))
            start += len(part) + 1
    if cells and not cells[0][1].strip():
        cells = cells[1:]  # leading pipe
    if cells and not cells[-1][1].strip():
        cells = cells[:-1]  # trailing pipe
    return cells


def _table_hits(text: str) -> Iterator[int]:
    """Offsets of password cells in tables whose header names a password column."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    index = 0
    while index + 1 < len(lines):
        header, delimiter = lines[index], lines[index + 1]
        if not ("|" in header and "-" in delimiter and _DELIMITER_ROW.match(delimiter)):
            index += 1
            continue
        columns = {}
        for column, (_, cell) in enumerate(_cells(header)):
            name = cell.strip().strip("*_` :")
            if _HEADER_PAIR.fullmatch(name):
                columns[column] = None
            elif _HEADER_LABEL.fullmatch(name) or _HEADER_WORD.search(name):
                columns[column] = name
        index += 2
        while index < len(lines) and "|" in lines[index]:
            if not columns:
                index += 1
                continue
            cells = _cells(lines[index])
            for column, label in columns.items():
                if column < len(cells):
                    offset, cell = cells[column]
                    found = (
                        _pair_value(cell) if label is None else _password_value(label, "|", cell)
                    )
                    if found:
                        yield starts[index] + offset + len(cell) - len(cell.lstrip())
            index += 1


# --- two-factor seeds, recovery codes, labels alone on their line, login pairs ---------

_TOTP_WORDS = r"(?:totp|2fa|mfa|otp|a2f|authenticator|authentificat(?:eur|ion))"
_TOTP_LABELS = (
    _TOTP_WORDS + r"[\s_-]*(?:secret|seed|key|cl[eé]|graine|code[\s_-]secret)"
    r"|(?:secret|seed|cl[eé](?:[\s_-]secr[eè]te)?|graine|schlüssel|semilla|segredo)[\s_-]"
    r"(?:de[\s_-]|d['’])?" + _TOTP_WORDS
)
_TOTP_LABEL = re.compile(
    r"(?<![\w-])(?P<label>" + _TOTP_LABELS + r")(?![\w-])[*_`]*[ \t]*"
    r"(?P<sep>:=|=|:|\||->|→)?[ \t]*(?P<value>[^\n|]*)",
    re.IGNORECASE,
)
_BASE32 = re.compile(r"(?<![A-Za-z0-9])[A-Za-z2-7]{4}(?:[ -]?[A-Za-z2-7]{4}){3,}=*(?![A-Za-z0-9])")
_OTPAUTH = re.compile(r"otpauth://[th]otp/[^\s]*?[?&]secret=(?P<secret>[A-Za-z2-7=]{16,})",
                      re.IGNORECASE)  # fmt: skip

_RECOVERY_LABEL = re.compile(
    r"(?<![\w-])(?:(?:recovery|backup|emergency|secours|wiederherstellungs?|notfall|herstel)"
    r"[\s_-]*(?:codes?|keys?|schlüssel)|codes?[\s_-]de[\s_-](?:secours|r[ée]cup[ée]ration|"
    r"recuperaci[oó]n|recupera[cç][aã]o|sauvegarde)|c[oó]digos?[\s_-]de[\s_-](?:recuperaci[oó]n|"
    r"recupera[cç][aã]o|respaldo|seguran[cç]a)|codici[\s_-]di[\s_-](?:recupero|backup|emergenza)|"
    r"herstelcodes?|wiederherstellungscodes?|notfallcodes?)(?![\w-])[^\n]*",
    re.IGNORECASE,
)
_RECOVERY_CODE = re.compile(
    r"(?<![\w-])(?=[\w-]*\d)(?:[A-Za-z0-9]{3,6}(?:[- ][A-Za-z0-9]{3,6}){1,3}|\d{6,10}|"
    r"[a-z0-9]{8,12})(?![\w-])"
)
RECOVERY_LINES = 12  # lines after a recovery-codes label that may list the codes
_CODE_ITEM = re.compile(
    r"^[ \t]*(?:[-*+•][ \t]+|\d+[.)][ \t]+)?`?(?P<code>[^\s`]+(?: [^\s`]+)?)`?[ \t]*$"
)

# A label alone on its line (an item, a bold term, a definition), its value on the next.
_LABEL_LINE = re.compile(
    r"^[ \t]*(?:[-*+•][ \t]+|\d+[.)][ \t]+|#+[ \t]+)?[*_`]*(?P<label>(?P<totp>"
    + _TOTP_LABELS
    + r")|"
    + _LABELS
    + r"|pw|pass)[*_`]*[ \t]*[:：]?[*_`]*[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_NEXT_VALUE = re.compile(r"^[ \t]*(?:[-*+•][ \t]+|:[ \t]+|>[ \t]*)?(?P<value>[^\n]*?)[ \t]*$")

# A login and a password without any label: "marie.t / Soleil2024!", "admin / Admin2024".
_LOGIN_WORDS = {"admin", "administrateur", "administrator", "root", "user", "utilisateur",
                "compta", "ops", "support", "accueil", "reception", "info", "contact", "test",
                "guest", "invite", "invité", "gast", "usuario", "utente", "gebruiker",
                "usuário", "service", "office", "bureau", "caisse", "kiosk"}  # fmt: skip
_BARE_PAIR = re.compile(
    r"(?<![^\s`*(|])(?P<user>[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[^\W\d_][\w.-]{1,40})"
    r"[ \t]+/[ \t]+`?(?P<pw>[^\s/`|]{6,64})`?(?=[\s|,;)*]|$)"
)


def _login(user: str) -> bool:
    """A user part that reads like a login: an e-mail, a dotted or numbered id, a role."""
    return "@" in user or bool(re.search(r"[._\d]", user)) or user in _LOGIN_WORDS


def _bare_pair(user: str, pw: str) -> bool:
    if not _strong(pw) or _BENIGN.match(pw) or _PLACEHOLDER.match(pw):
        return False
    has_symbol = _has(pw, _SYMBOLS.__contains__)
    return _login(user) or has_symbol


def _next_lines(text: str, end: int, count: int) -> Iterator[tuple[int, str]]:
    """(offset, line) of up to `count` lines after the line ending at `end`."""
    pos = end + 1 if end < len(text) and text[end] == "\n" else end
    for _ in range(count):
        if pos >= len(text):
            return
        stop = text.find("\n", pos)
        stop = len(text) if stop < 0 else stop
        yield pos, text[pos:stop]
        pos = stop + 1


def _second_line_hits(text: str) -> Iterator[tuple[int, str]]:
    """A label alone on its line, its value on the next non-blank line (one blank allowed)."""
    for match in _LABEL_LINE.finditer(text):
        label = match.group("label")
        for offset, line in _next_lines(text, match.end(), 2):
            if not line.strip():
                continue
            value = _NEXT_VALUE.match(line)
            raw = value.group("value") if value else ""
            tokens = raw.strip(_WRAP).split()
            start = offset + (value.start("value") if value else 0)
            if match.group("totp"):
                if _BASE32.fullmatch(raw.strip(_WRAP)):
                    yield start, "totp"
            elif (
                raw and (len(tokens) <= 2 or _passphrase(raw)) and _password_value(label, ":", raw)
            ):
                yield start, "password"
            break


def _recovery_hits(text: str) -> Iterator[tuple[int, str]]:
    """Recovery codes after their label: on the same line, or listed on the lines below."""
    for match in _RECOVERY_LABEL.finditer(text):
        rest = match.group(0)
        sep = re.search(r"[:=|→]", rest)
        if sep:
            code = _RECOVERY_CODE.search(rest, sep.end())
            if code and "[[cred:" not in rest:
                yield match.start() + code.start(), "recovery"
                continue
        for offset, line in _next_lines(text, match.end(), RECOVERY_LINES):
            if not line.strip():
                continue
            item = _CODE_ITEM.match(line)
            if not item or not _RECOVERY_CODE.fullmatch(item.group("code")):
                break
            yield offset + item.start("code"), "recovery"


def _totp_hits(text: str) -> Iterator[tuple[int, str]]:
    if "otpauth:" in text.lower():
        for match in _OTPAUTH.finditer(text):
            yield match.start("secret"), "totp"
    for match in _TOTP_LABEL.finditer(text):
        value = match.group("value")
        seed = _BASE32.search(value)
        if seed and (match["sep"] or seed.start() == 0):
            yield match.start("value") + seed.start(), "totp"


# --- provider tokens, keys, URLs --------------------------------------------

_TOKENS = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}"  # AWS access key id
    r"|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}"  # GitHub
    r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r"|xox[abposre]-[A-Za-z0-9-]{10,}"  # Slack
    r"|hooks\.slack\.com/services/[A-Za-z0-9/]{20,}"  # Slack webhook
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{20,}"  # Stripe
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API key
    r"|ya29\.[0-9A-Za-z_-]{20,}"  # Google OAuth token
    r"|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}"  # OpenAI, Anthropic
    r"|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"  # SendGrid
    r"|SK[0-9a-f]{32}"  # Twilio
    r"|npm_[A-Za-z0-9]{36}"  # npm
    r"|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"  # Shopify
    r"|[0-9a-f]{32}-us[0-9]{1,2}"  # Mailchimp
    r"|EAA[A-Za-z0-9]{30,}"  # Meta / Facebook
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWT
    r")(?![A-Za-z0-9])"
)
_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:([^\s/@]+)@[\w.-]+", re.IGNORECASE)
_SKIP_SPANS = re.compile(
    r"\[\[cred:[^\]\n]*\]\]"  # credential references
    r"|\b(?:https?|ftp)://\S+|\bwww\.\S+"  # URLs
    r"|\]\([^)\s]*\)"  # Markdown link targets
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
)
_CANDIDATE = re.compile(r"(?<![\w+/=-])[A-Za-z0-9+/_=-]{13,}(?![\w+/=-])")


# Long strings that are not secrets: hashes and fingerprints (after their algorithm's name,
# or on a line that says "fingerprint"), SSH public keys, sealed vault items (ciphertext,
# never a secret), and hexadecimal digests without a key or token word before them.
_HASH_PREFIX = re.compile(r"(?:sha(?:1|224|256|384|512)?|md5|blake2[bs]?|sri)[:=-]$", re.IGNORECASE)
_NOT_A_KEY_LINE = re.compile(
    r"fingerprint|empreinte|fingerabdruck|huella|impronta|vingerafdruk|impress[aã]o[\s_-]digital|"
    r"\bkey[\s_-]?(?:id|grip)\b|\bchecksum|\bsomme[\s_-]de[\s_-]contr[oô]le|\bsha\d*sum\b|"
    r"\bsha\d{0,3}\b|\bmd5\b|\bhash\b|\bcommit\b|\bintegrity=|"
    r"\bssh-(?:rsa|dss|ed25519|ed448)\b|\becdsa-sha2-|\bsk-ssh-|"
    r"\bnonce:|\bephemeral:",
    re.IGNORECASE,
)
_KEY_WORDS_LINE = re.compile(
    r"(?<![a-z])(?:api|key|cl[eé]|token|jeton|secret|bearer|auth|apikey|password|passwort|"
    r"contrase[ñn]a|senha|wachtwoord|mdp)(?![a-z])",
    re.IGNORECASE,
)


def _line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : len(text) if end < 0 else end]


def _not_a_key(text: str, offset: int, candidate: str) -> bool:
    """A long random-looking string that is a hash, a fingerprint, a public key or a
    sealed vault item rather than a secret."""
    if _HASH_PREFIX.search(text[max(0, offset - 8) : offset]):
        return True
    line = _line_of(text, offset)
    if _NOT_A_KEY_LINE.search(line):
        return True
    hexadecimal = all(ch in "0123456789abcdefABCDEF" for ch in candidate.strip("="))
    return hexadecimal and not _KEY_WORDS_LINE.search(line)


def _entropy(token: str) -> float:
    counts: dict[str, int] = {}
    for ch in token:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(token)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _class(ch: str) -> int:
    return 0 if ch.islower() else 1 if ch.isupper() else 2 if ch.isdigit() else 3


def random_looking(token: str) -> bool:
    """A long token that changes character class often and has high entropy: a key."""
    core = token.strip("=")
    if len(core) < 20 or not _has(core, str.isdigit) or not _has(core, str.isalpha):
        return False
    hexadecimal = all(ch in "0123456789abcdefABCDEF" for ch in core)
    if hexadecimal:
        return len(core) >= 32 and _entropy(core) >= 3.0
    if not (_has(core, str.isupper) and _has(core, str.islower)):
        return False
    switches = sum(_class(a) != _class(b) for a, b in pairwise(core))
    return switches / len(core) >= 0.4 and _entropy(core) >= min(4.0, math.log2(len(core)) - 0.6)


# --- cards and IBANs --------------------------------------------------------

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_IBAN_LENGTHS = {
    "AD": 24,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FR": 27,
    "GB": 22,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IS": 26,
    "IT": 27,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MA": 28,
    "MC": 27,
    "MT": 31,
    "NL": 18,
    "NO": 15,
    "PL": 28,
    "PT": 25,
    "RO": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "TN": 24,
    "TR": 26,
    "BR": 29,
    "SA": 24,
    "AE": 23,
    "IL": 23,
    "QA": 29,
    "MU": 30,
}


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, ch in enumerate(reversed(digits)):
        n = int(ch)
        if index % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card_prefix(digits: str) -> bool:
    """The number starts like a card of a major network and has that network's length."""
    n, two, three, four = len(digits), int(digits[:2]), int(digits[:3]), int(digits[:4])
    networks = (
        digits[0] == "4" and n in (13, 16, 19),  # Visa
        (51 <= two <= 55 or 2221 <= four <= 2720) and n == 16,  # Mastercard
        two in (34, 37) and n == 15,  # American Express
        (four == 6011 or two == 65 or 644 <= three <= 649) and n >= 16,  # Discover
        3528 <= four <= 3589 and n >= 16,  # JCB
        (two in (36, 38, 39) or 300 <= three <= 305) and n >= 14,  # Diners
        (two in (62, 67) or four in (5018, 5020, 5038, 6304)) and n >= 16,  # UnionPay, Maestro
    )
    return any(networks)


def card_number(text: str) -> bool:
    """A run of digit groups holds a card number (other numbers may come before or after)."""
    groups = re.split(r"[ -]+", text.strip(" -"))
    for first in range(len(groups)):
        digits = ""
        for group in groups[first:]:
            digits += group
            if len(digits) > 19 or not digits.isdigit():
                break
            if len(digits) >= 13 and _card_prefix(digits) and luhn_ok(digits):
                return True
    return False


def iban_ok(text: str) -> bool:
    """The text starts with a checksum-valid IBAN of its country's length."""
    compact = text.replace(" ", "")
    length = _IBAN_LENGTHS.get(compact[:2])
    if length is None or len(compact) < length:
        return False
    iban = compact[:length]
    if not (iban.isascii() and iban.isalnum() and iban[2:4].isdigit()):
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


# --- scanning ---------------------------------------------------------------


def _spans(pattern: re.Pattern[str], line: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(line)]


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


# Substrings one of which every label holds (lower case): a text without any skips the label
# patterns. Kept short, most frequent first: each is one C-speed search of the text.
_LABEL_HINTS = ("pass", "code", "pw", "mdp", "pin", "nip", "secret", "ident", "cred", "wpa",
                "wi-fi", "wifi", "psk", "kennw", "wacht", "contras", "clave", "senha", "parola",
                "codic", "digo", "geheim", "zugang", "anmelde", "inlogg", "otp", "2fa", "mfa",
                "a2f", "authent", "seed", "graine", "alarm", "allarm", "door", "gate", "keypad",
                "entry", "tür", "tuer", "recover", "backup", "secours", "cup", "herstel",
                "notfall", "emergen", "respaldo")  # fmt: skip
# Cards and IBANs written in groups ("4111 1111 1111 1111", "FR76 3000 6000 ..."); written
# without spaces they are long words, examined on their own.
_DIGIT_RUN = re.compile(r"\d[\d -]{8,}\d")


def _long_words(text: str) -> Iterator[tuple[int, str]]:
    """(offset, word) of the words of 13 characters or more: where keys, cards and IBANs hide.

    Splitting on whitespace runs at C speed; the few long words are then examined alone.
    """
    seen: dict[str, int] = {}
    for word in [w for w in text.split() if len(w) >= 13]:
        start = text.find(word, seen.get(word, 0))
        seen[word] = start + len(word)
        yield start, word


def _find(text: str) -> Iterator[tuple[int, str]]:
    """(offset, kind) of every secret in a text.

    Cheap substring tests decide which patterns may match, so a page without a
    label, a long word or grouped digits costs a few scans at C speed.
    """
    # Same length: offsets are the original's.
    text = _TYPOGRAPHY_CHARS.sub(_plain_typography, text)
    if "PRIVATE KEY" in text:
        for match in _PRIVATE_KEY.finditer(text):
            yield match.start(), "private_key"
    if "://" in text and "@" in text:
        for match in _URL_PASSWORD.finditer(text):
            if not _PLACEHOLDER.match(match.group(1)):
                yield match.start(1), "url_password"
    lower = text.lower()
    if any(hint in lower for hint in _LABEL_HINTS):
        for pattern in (_LABEL, _SHORT_LABEL):
            for match in pattern.finditer(text):
                if _password_value(match.group("label"), match["sep"], match.group("value")):
                    yield match.start("value"), "password"
        for match in _BARE_LABEL.finditer(text):
            if _password_value(match.group("label"), "", match.group("value")):
                yield match.start("value"), "password"
        for match in _PAIR_LABEL.finditer(text):
            if _pair_value(match.group("value")):
                yield match.start("value"), "password"
        for match in _CONFIG.finditer(text):
            key, value = match.group("key"), match.group("value")
            if password_key(key) and _password_value(key, match["sep"], value.strip("\"'")):
                yield match.start("value"), "password"
        if "|" in text:
            for offset in _table_hits(text):
                yield offset, "password"
        yield from _second_line_hits(text)
        yield from _recovery_hits(text)
        yield from _totp_hits(text)
    if " / " in text or "\t/ " in text:
        for match in _BARE_PAIR.finditer(text):
            if _bare_pair(match.group("user"), match.group("pw")):
                yield match.start("pw"), "password"
    for match in _DIGIT_RUN.finditer(text):  # cards and IBANs written in groups
        start = match.start()
        run = match.group()
        if len(run) <= 64 and (start == 0 or text[start - 1] not in ".,/") and card_number(run):
            yield start, "card"
        window = max(0, start - 16)  # an IBAN's country and letters come before its digits
        for iban in _IBAN.finditer(text, window, min(match.end(), start + 64) + 8):
            if iban_ok(iban.group()):
                yield iban.start(), "iban"
    skip: list[tuple[int, int]] | None = None
    for offset, word in _long_words(text):
        for match in _TOKENS.finditer(word):
            yield offset + match.start(), "token"
        for match in _CANDIDATE.finditer(word):
            candidate = match.group()
            if card_number(candidate):
                yield offset + match.start(), "card"
            elif candidate[:2].isupper() and iban_ok(candidate):
                yield offset + match.start(), "iban"
            elif random_looking(candidate):
                skip = _spans(_SKIP_SPANS, text) if skip is None else skip
                at = offset + match.start()
                if not _inside(at, offset + match.end(), skip) and not _not_a_key(
                    text, at, candidate
                ):
                    yield at, "entropy"


# When two detectors fire at the same place, the most specific names the kind.
_PRECEDENCE = ("private_key", "token", "url_password", "totp", "recovery", "card", "iban",
               "password", "entropy")  # fmt: skip


def scan_text(text: str) -> list[Hit]:
    """Secrets in a text, at most one hit per line (the first), never their values."""
    found = sorted(_find(text), key=lambda hit: (hit[0], _PRECEDENCE.index(hit[1])))
    if not found:
        return []
    hits: dict[int, Hit] = {}
    for offset, kind in found:
        line = text.count("\n", 0, offset)
        if line not in hits:
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            hits[line] = Hit(line, column, kind)
    return list(hits.values())


def _scalars(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, last key, scalar) of every scalar in a front-matter value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _scalars(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _scalars(item, f"{path}[{index}]")
    elif value is not None and not isinstance(value, bool | date):
        yield path, path.rsplit(".", 1)[-1].split("[")[0], value


# A reviewed escape hatch for a true false positive, on the line or the line above, saying
# what the value is: `<!-- releve: not-a-secret GPG fingerprint of Marie's key -->` (or in
# a `#`, `//` or `/* */` comment in other text files). The hit becomes RB028, a warning
# shown in the lint's summary and in `releve diff`, never a silent skip; a private key
# cannot be waived.
_WAIVER = re.compile(
    r"releve:[ \t]*not-a-secret(?![\w-])[ \t]*(?P<what>[^\n]*?)[ \t]*(?:-->|\*/|$)",
    re.IGNORECASE | re.MULTILINE,
)
UNWAIVABLE = {"private_key"}


def waiver(lines: list[str], index: int) -> str | None:
    """What the marker on line `index` (or the line above) says the value is; None without
    a marker, or with one that does not say what the value is."""
    for at in (index, index - 1):
        if 0 <= at < len(lines) and "not-a-secret" in lines[at]:
            match = _WAIVER.search(lines[at])
            what = match.group("what").strip() if match else ""
            if len(re.sub(r"\W", "", what)) >= 3:
                return what
    return None


def _marks(text: str) -> list[tuple[int, int, str, str | None]]:
    """Each secret of a text as (line, column, kind, what a reviewed marker says it is or
    None): plain data, so a page's marks can be kept in the source cache."""
    hits = scan_text(text)
    lines = text.split("\n") if hits else []
    return [
        (hit.line, hit.column, hit.kind,
         None if hit.kind in UNWAIVABLE else waiver(lines, hit.line))
        for hit in hits
    ]  # fmt: skip


def _mark_findings(
    marks: list[tuple[int, int, str, str | None]], path: str, first_line: int
) -> Iterator[Finding]:
    """RB009 for each secret, or RB028 where a reviewed marker waives it."""
    for line, column, kind, what in marks:
        pos = Pos(path, first_line + line, column)
        if what is None:
            yield finding("RB009", pos, f"lint.secret.{kind}")
        else:
            yield finding("RB028", pos, f"lint.secret_waived.{kind}", what=what)


def _hits_or_waivers(text: str, path: str, first_line: int) -> Iterator[Finding]:
    """RB009 for each secret of a text, or RB028 where a reviewed marker waives it."""
    return _mark_findings(_marks(text), path, first_line)


def rb009(runbook: Runbook, today: date, settings: Settings) -> Iterable[Finding]:
    """Everything the site publishes: pages, team.yml, mkdocs.yml, docs/, records/, the
    theme's overrides, vault labels and URLs. The folders are the runbook's file list
    (`core/files.py`), which `releve diff` exports too: both see the same secrets."""
    pages: list = [*runbook.procedures, *runbook.clients.values()]
    for page in pages:
        meta, body = page_hits(page)
        for pos, kind in meta:
            yield finding("RB009", pos, f"lint.secret.{kind}")
        yield from _mark_findings(body, page.path, page.body_line)
    root = runbook.root
    # team.yml whole: names, roles, absence notes and any other field reach people pages;
    # mkdocs.yml's text (extra:, copyright, analytics keys) reaches every page.
    listed = RunbookFiles.of(root, settings)
    files = [root / listed.team, root / listed.config]
    for name in listed.scanned:
        folder = root / name
        if folder.is_dir() and folder.resolve() != root.resolve():
            files += [p for p in walk_files(root, folder) if _published_text(root, p)]
    # Text files a procedure or client links to are published beside it (model/links.py).
    known = {path.resolve() for path in files}
    files += [p for p in attachments(runbook).values()
              if _published_text(root, p) and p.resolve() not in known]  # fmt: skip
    for path in dict.fromkeys(files):
        yield from _file_hits(root, path)
    for cred in runbook.credentials.values():
        for text in (cred.label, cred.url or ""):
            for hit in scan_text(text):
                yield finding("RB009", cred.pos, f"lint.secret.{hit.kind}")


SNIFF_BYTES = 8192  # a file whose first bytes hold a NUL is binary (an image, a PDF)


def page_hits(page: Any) -> tuple[list[tuple[Pos, str]], list[tuple[int, int, str, str | None]]]:
    """Secrets in a page's front-matter (position, kind) and body (line, column, kind, what a
    reviewed marker says it is). They depend on the page's file alone: kept with it in the
    source cache."""
    meta = remembered(page, "rb009.meta", lambda: list(_meta_hits(page)))
    body = remembered(page, "rb009.body", lambda: _marks(page.body))
    return meta, body


def _published_text(root: Any, path: Any) -> bool:
    """Every text file MkDocs copies to the site, whatever its suffix (`.sh`, `.ps1`, `.js`,
    `.svg`, `.sql`, `.rdp`...); dot-files are never published (and not scanned)."""
    if hidden_part(rel(root, path)):
        return False
    try:
        with open(path, "rb") as handle:
            return b"\0" not in handle.read(SNIFF_BYTES)
    except OSError:
        return False


def _file_hits(root: Any, path: Any) -> Iterator[Finding]:
    if not path.is_file():
        return
    text, _problem = read_text(root, path)  # unreadable files are reported elsewhere
    yield from _hits_or_waivers(text or "", rel(root, path), 1)


# Keys whose valid values are ids, dates, numbers or choices: nothing secret fits in them.
_ID_KEYS = {
    "id",
    "service",
    "clients",
    "owner",
    "backup",
    "priority",
    "credentials",
    "reviewed",
    "review_every",
    "last_drill",
    "status",
    "channels",
    "releve_ignore",
}
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def _ids_only(value: Any) -> bool:
    if isinstance(value, list):
        return all(_ids_only(v) for v in value)
    if isinstance(value, str):
        return bool(_ID.fullmatch(value))
    return not isinstance(value, dict)


def _meta_hits(page: Any) -> Iterator[tuple[Pos, str]]:
    """Secrets in front-matter values, scanned as one text, mapped back to their lines."""
    meta = {
        k: v
        for k, v in page.meta.items()
        if k != "releve_ignore" and (k not in _ID_KEYS or not _ids_only(v))
    }
    owners: list[tuple[Pos, int, bool]] = []  # per joined line: key position, line, block?
    texts = []
    for path, key, value in _scalars(meta, ""):
        pos = page.positions.get(path, page.pos)
        text = str(value)
        if password_key(key) and _password_value(key, ":", text):
            yield pos, "password"
            continue
        block = "\n" in text
        texts.append(text)
        owners += [(pos, index, block) for index in range(text.count("\n") + 1)]
    for hit in scan_text("\n".join(texts)):
        pos, index, block = owners[hit.line]
        if block:  # a block scalar: its text starts on the line below the key
            yield Pos(pos.path, pos.line + index + 1, hit.column), hit.kind
        else:
            yield pos, hit.kind
