"""Who made each audience key: the signed key history of an audience, verified without
any passphrase.

Wrapping a key needs only public keys, so anyone who can commit to vault.yml could
plant an audience, or a new generation of one, with a key they know, wrapped to the
real holders: the next `vault add` would seal under it. So every step that changes
who holds an audience key is signed (ECDSA P-256, SHA-256) with the enrolled key of
the person who made it, and so is every wrap:

- a **step** (`chain:` in the audience, one line each) says "after me, generation G
  is held by H1, H2...", signed by `by` over the audience, G, the holders and the
  digest of the step before it (so steps can be neither removed, reordered nor
  replaced without breaking every later signature);
- the **first step** (creating the audience, or signing an audience written before
  signatures: `releve vault sign`) is signed by a person with the role; the history
  stays vouched for as long as one of its signers has the role;
- every **later step** is signed by a holder of the step before it who stays a
  holder (a holder cannot hand the key on and leave: "self-revoked"); the
  generation stays (a grant) or goes up by one (a revoke);
- every **wrap** of the current generation is signed by a holder of that
  generation, over the audience, the person, the generation, her public key and
  the wrap's sealed bytes, and goes to a holder of the last step.

Git review stays the anchor of trust (a public key replaced in `people:` signs as
that person): the signatures make every change of who holds what visible and
attributable, in `releve diff`, the lint (RB026) and `vault check`, and the commands
(`add`, `grant`, `revoke`) refuse to use a key whose history does not verify. The
browser (`assets/reveal.js`) verifies the same before it unwraps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..core.findings import Finding
from ..model.vault_meta import Statement, VaultMeta, rolled_back
from ..model.vault_parse import wrap_digest
from . import crypto

GENESIS = "genesis"  # what the first step names as the step before it
CODE = "RB026"


def statement_message(audience: str, step: Statement, prev: str) -> bytes:
    holders = ",".join(step.holders)
    text = f"releve-vault/2/step\n{audience}\n{step.generation}\n{holders}\n{step.by}\n{prev}"
    return text.encode("utf-8")


def step_digest(audience: str, step: Statement, prev: str) -> str:
    """Hex SHA-256 of a signed step: what the next step signs as its predecessor."""
    return hashlib.sha256(statement_message(audience, step, prev) + step.signature).hexdigest()


def tip_digest(audience: str, chain: list[Statement]) -> str:
    prev = GENESIS
    for step in chain:
        prev = step_digest(audience, step, prev)
    return prev


def wrap_message(
    audience: str, person: str, generation: int, recipient: bytes, digest: bytes, by: str
) -> bytes:
    key = hashlib.sha256(recipient).hexdigest()
    text = f"releve-vault/2/wrap\n{audience}\n{person}\n{generation}\n{key}\n{digest.hex()}\n{by}"
    return text.encode("utf-8")


def keys_of(meta: VaultMeta, person: str) -> list[bytes]:
    """The public keys `person` may have signed with: her current one, then former ones."""
    enrolled = meta.people.get(person)
    return [enrolled.public, *enrolled.former] if enrolled is not None else []


def signed_by(meta: VaultMeta, person: str, message: bytes, signature: bytes | None) -> bool:
    return bool(signature) and any(
        crypto.verify(key, message, signature or b"") for key in keys_of(meta, person)
    )


@dataclass(frozen=True)
class Problem:
    """Why an audience's keys cannot be trusted: an i18n key, where, and its arguments."""

    key: str
    where: str
    args: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class History:
    """An audience's history as verified: the problems (none: it verifies) and who made
    its current key generation."""

    audience: str
    problems: list[Problem]
    maker: str | None = None  # who signed the first step of the current generation

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(meta: VaultMeta, audience: str, roles: Mapping[str, set[str]] | None) -> History:
    """Verify the audience's history against its current keys (`roles`: person -> roles
    from team.yml; None skips the role check). Stops at the first broken step: what
    follows it cannot be trusted either."""
    aud = meta.audiences[audience]
    at = f"audiences.{audience}"
    history = History(audience, [])
    problems = history.problems
    if aud.generation is None:  # format-1 slots only: nothing signed yet (RB019)
        return history
    chain = aud.chain
    top = rolled_back(meta, audience)
    if top is not None:
        problems.append(Problem("vault.rolled_back", at, {"audience": audience,
                                "generation": aud.generation, "newer": top}))  # fmt: skip
    if not chain:
        problems.append(Problem("vault.unsigned", at, {"audience": audience}))
        return history
    prev = GENESIS
    for index, step in enumerate(chain):
        where = f"{at}.chain[{index}]"
        args = {"audience": audience, "person": step.by, "generation": step.generation}
        if not keys_of(meta, step.by):
            problems.append(Problem("vault.chain_signer_unknown", where, args))
            return history
        if not signed_by(meta, step.by, statement_message(audience, step, prev), step.signature):
            problems.append(Problem("vault.chain_bad_signature", where, args))
            return history
        if index > 0:
            before = chain[index - 1]
            if step.generation not in (before.generation, before.generation + 1):
                problems.append(Problem("vault.chain_generation", where,
                                        {**args, "previous": before.generation}))  # fmt: skip
                return history
            if step.by not in before.holders:
                problems.append(Problem("vault.chain_not_holder", where,
                                        {**args, "previous": before.generation,
                                         "holders": ", ".join(before.holders) or "-"}))  # fmt: skip
                return history
        if step.by not in step.holders:
            problems.append(Problem("vault.chain_self_revoked", where, args))
            return history
        prev = step_digest(audience, step, prev)
    tip = chain[-1]
    history.maker = next(s.by for s in chain if s.generation == tip.generation)
    if roles is not None and not any(audience in roles.get(s.by, ()) for s in chain):
        problems.append(Problem("vault.chain_no_role", f"{at}.chain[0]",
                                {"audience": audience, "person": chain[0].by}))  # fmt: skip
    if tip.generation != aud.generation:
        problems.append(Problem("vault.chain_tip", f"{at}.generation", {
            "audience": audience, "generation": aud.generation, "signed": tip.generation,
            "person": tip.by}))  # fmt: skip
        return history
    makers = {h for s in chain if s.generation == tip.generation for h in s.holders}
    for person, wrap in aud.wraps.items():
        if wrap.generation != aud.generation:
            continue  # a leftover of another generation: it opens nothing (key_findings)
        where = f"{at}.slots.{person}"
        args = {"audience": audience, "person": person, "by": wrap.by or "-",
                "maker": history.maker}  # fmt: skip
        if person not in tip.holders:
            problems.append(Problem("vault.wrap_not_in_chain", where, args))
        elif wrap.by is None or wrap.signature is None:
            problems.append(Problem("vault.wrap_unsigned", where, args))
        elif wrap.by not in makers:
            problems.append(Problem("vault.wrap_by_non_holder", where, args))
        elif person in meta.people:
            message = wrap_message(audience, person, wrap.generation, meta.people[person].public,
                                   wrap.digest, wrap.by)  # fmt: skip
            if not signed_by(meta, wrap.by, message, wrap.signature):
                problems.append(Problem("vault.wrap_bad_signature", where, args))
    if aud.generation == 1:
        for person in aud.legacy:
            if person not in tip.holders:
                problems.append(Problem("vault.wrap_not_in_chain",
                                        meta.legacy_where(audience, person),
                                        {"audience": audience, "person": person,
                                         "maker": history.maker}))  # fmt: skip
    return history


def findings(meta: VaultMeta, roles: Mapping[str, set[str]] | None) -> list[Finding]:
    """RB026, an error at its line, for every audience whose keys do not verify (a
    rollback is reported at each value and wrap it shows in, by `key_findings`)."""
    out = []
    for audience in meta.audiences:
        for problem in verify(meta, audience, roles).problems:
            if problem.key != "vault.rolled_back":
                out.append(meta.finding(CODE, problem.where, problem.key, **problem.args))
    return out


# --- making signed steps and wraps (the vault operations) --------------------------------


def next_step(
    audience: str,
    chain: list[Statement],
    generation: int,
    holders: list[str] | set[str],
    by: str,
    private: crypto.PrivateKey,
) -> list[Statement]:
    """`chain` with one more step, signed by `by`: `holders` hold `generation` after it."""
    step = Statement(generation, tuple(sorted(set(holders))), by, b"")
    prev = tip_digest(audience, chain)
    signature = crypto.sign(private, statement_message(audience, step, prev))
    return [*chain, replace(step, signature=signature)]


def signed_wrap(
    wrap: crypto.Wrap, audience: str, person: str, recipient: bytes, by: str,
    private: crypto.PrivateKey,
) -> crypto.Wrap:  # fmt: skip
    """`wrap` (made by `by` for `person`'s public key `recipient`), signed by `by`."""
    digest = wrap_digest(wrap.ephemeral, wrap.nonce, wrap.key)
    message = wrap_message(audience, person, wrap.generation, recipient, digest, by)
    return replace(wrap, by=by, signature=crypto.sign(private, message))
