"""Whether two display names can pass for each other, in the spirit of Unicode UTS #39.

Access is shown by name (credential cards, `releve diff`, the Reveal form): a person
renamed "Ana Lirna", "Аna Lima" (a Cyrillic А) or "Ana Lima" with a right-to-left
override could be taken for Ana Lima by a reviewer. Two keys of a name are compared:

- its *fold*: NFKC, invisible and text-direction characters removed, case folded,
  accents and other marks stripped, only letters and digits kept ("Élodie B." and
  "elodie b" fold the same);
- its *skeleton*: the fold of the name after mapping look-alikes to one letter
  (Cyrillic and Greek letters drawn like Latin ones, `I`/`1`/`|` to `l`, `0` to `o`,
  `rn` to `m`, `vv` to `w`), so "Аna Lima", "Ana Lirna" and "AnaLima" all skeleton
  to the same string as "Ana Lima".

Names also get flagged on their own for invisible or text-direction characters, and
for words mixing Latin with Cyrillic or Greek letters.
"""

from __future__ import annotations

import re
import unicodedata

# Text-direction controls: they reorder what a reader sees (U+202E shows "amil ana").
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters drawn as nothing (or as a blank) that make two names differ invisibly.
INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u200b\u200c\u200d"
    "\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
INVISIBLE |= frozenset(map(chr, range(0xFE00, 0xFE10)))  # variation selectors
INVISIBLE |= frozenset(map(chr, range(0xE0000, 0xE0080)))  # tag characters
HIDDEN = BIDI | INVISIBLE

# Letters of other scripts drawn like Latin ones (lower case: compared after case folding).
_LOOKALIKES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "г": "r", "е": "e", "ё": "e", "з": "3", "к": "k", "м": "m", "н": "h",
    "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i",
    "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "һ": "h", "ь": "b", "ы": "bl",
    "ӧ": "o", "ӱ": "y", "ә": "e", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    "ϲ": "c", "ϳ": "j",
    # Latin and symbols
    "ı": "i", "ȷ": "j", "ɑ": "a", "ℓ": "l", "ø": "o", "ł": "l", "đ": "d", "ħ": "h",
})  # fmt: skip
# Before case folding, where case matters: a capital I looks like a small l.
_UPPER = str.maketrans({"I": "l", "1": "l", "|": "l", "0": "o", "Ι": "l", "І": "l", "Ӏ": "l"})
_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_KEEP = re.compile(r"[^\w]|_", re.UNICODE)


def hidden(text: str) -> list[str]:
    """The invisible and text-direction characters in `text`, as U+XXXX."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(text) if c in HIDDEN]


def _marks_off(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def fold(text: str) -> str:
    """Letters and digits only, case folded, without marks or hidden characters."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if c not in HIDDEN)
    return _KEEP.sub("", _marks_off(text.casefold()))


def skeleton(text: str) -> str:
    """The fold of `text` with look-alike letters mapped to one."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if c not in HIDDEN)
    text = _marks_off(text.translate(_UPPER).casefold()).translate(_LOOKALIKES)
    text = _KEEP.sub("", text)
    for pair, one in _PAIRS:
        text = text.replace(pair, one)
    return text


_RTL = frozenset("\u202e\u202b\u2067\u200f\u061c")


def _seen(text: str) -> list[str]:
    """What a reader may see: the text, and reversed when it holds a right-to-left control
    (a rough rendering of the bidi algorithm: "\u202eamiL anA" shows as "Ana Lima")."""
    return [text, text[::-1]] if any(c in _RTL for c in text) else [text]


def confusable(a: str, b: str) -> bool:
    """Whether two (different) names may be read as the same one."""
    for x in _seen(a):
        for y in _seen(b):
            fx, fy = fold(x), fold(y)
            if fx and fy and (fx == fy or skeleton(x) == skeleton(y)):
                return True
    return False


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for script in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(script):
            return script
    return None


def mixed_scripts(text: str) -> bool:
    """A word that mixes Latin with Cyrillic or Greek letters ("Аna": a Cyrillic А)."""
    for word in text.split():
        scripts = {s for s in map(_script, word) if s}
        if "LATIN" in scripts and len(scripts) > 1:
            return True
    return False


MAX_PAIRS = 250_000  # 500 people: past that, only identical folds are compared (a dict)


def lookalikes(names: dict[str, str]) -> set[str]:
    """Ids (of `names`: id -> display name) whose name can pass for another's, or holds
    invisible or text-direction characters, or mixes alphabets: where a view must show
    the id beside the name."""
    out = {pid for pid, name in names.items() if hidden(name) or mixed_scripts(name)}
    items = list(names.items())
    if len(items) ** 2 > MAX_PAIRS:
        by_fold: dict[str, list[str]] = {}
        for pid, name in items:
            by_fold.setdefault(fold(name), []).append(pid)
        return out | {pid for group in by_fold.values() if len(group) > 1 for pid in group}
    for index, (pid, name) in enumerate(items):
        for other, other_name in items[:index]:
            if confusable(name, other_name):
                out |= {pid, other}
    return out
