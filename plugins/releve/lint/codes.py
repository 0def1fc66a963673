"""Lint codes, their names and default severities (the stable contract of DESIGN.md).

RB015 (CODEOWNERS out of date) and RB016 (a `releve_ignore` entry without a
code or a written reason) extend the table of DESIGN.md, as do RB018 (a
credential not rotated within `rotate_every` days), RB019 (a vault still
holding format-1 keys: `releve vault migrate`) and RB020 (a list item Markdown
will glue to the text above it), RB023 (example content `releve init` wrote, still
present), RB024 (a placeholder `releve new` wrote, still to fill in), RB025 (a link
or image to a runbook file that is missing, hidden or outside the runbook), RB026 (a
vault audience whose keys' signed history does not verify: unsigned, planted,
substituted, rolled back), RB027 (a person's display name that can pass for another's,
or holds invisible characters) and RB028 (an RB009 hit waived by a reviewed
`releve: not-a-secret WHAT` marker: shown, never silent).
"""

from __future__ import annotations

# code -> (name used in SARIF, default severity)
CODES = {
    "RB001": ("NoBackup", "error"),
    "RB002": ("BackupIsOwner", "error"),
    "RB003": ("UnknownPerson", "error"),
    "RB004": ("UnknownClient", "error"),
    "RB005": ("UnknownCredential", "error"),
    "RB006": ("MissingRequiredField", "error"),
    "RB007": ("DuplicateId", "error"),
    "RB008": ("InvalidYaml", "error"),
    "RB009": ("PlaintextSecret", "error"),
    "RB010": ("ReviewOverdue", "warning"),
    "RB011": ("DrillOverdue", "warning"),
    "RB012": ("LongerThanOnePage", "warning"),
    "RB013": ("CoverageGap", "warning"),
    "RB014": ("UnknownKey", "warning"),
    "RB015": ("CodeownersOutOfDate", "warning"),
    "RB016": ("InvalidIgnore", "warning"),
    "RB017": ("CannotOpenCredential", "warning"),
    "RB018": ("CredentialNotRotated", "warning"),
    "RB019": ("VaultFormatOutdated", "warning"),
    "RB020": ("ListLikelyBroken", "warning"),
    "RB021": ("InvalidRecord", "error"),
    "RB022": ("BackupNeverPracticed", "warning"),
    "RB023": ("ExampleContent", "warning"),
    "RB024": ("PlaceholderLeft", "warning"),
    "RB025": ("MissingLinkedFile", "error"),
    "RB026": ("VaultKeyUnverified", "error"),
    "RB027": ("ConfusableName", "warning"),
    "RB028": ("SecretCheckWaived", "warning"),
}

DEFAULT_SEVERITY = {code: severity for code, (_, severity) in CODES.items()}
LEVELS = ("error", "warning", "off")
