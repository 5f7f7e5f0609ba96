"""Signed checkpoints of a hash chain's head, kept outside the database: one mechanism.

Both halves keep a hash chain in the database (``core.chain``): the
programme's audit chain and the plant's command log. This module anchors
either one (``HashChain``: its head, the hashes of some entries, a walk),
so the programme and the factory share one checkpoint mechanism, not copies.

The chain in the database can prove that nobody edited one event and left
the rest alone. It cannot prove anything against someone who can write the
database: delete the newest events and move the head back, or edit an event
and recompute every later hash and the head, and the chain verifies again
(ADR 0031 said so). A checkpoint closes that gap: ``(seq, hash)`` of the head
at a moment, signed with an Ed25519 key that is not in the database, appended
as one JSON line to a file that is not in the database either. Because each
hash covers every event before it, a stored event whose hash equals a
checkpoint's proves the whole chain up to there unchanged; a chain shorter
than a checkpoint's ``seq`` was cut; a different hash was rewritten.

What it does not guarantee (ADR 0120): events after the newest checkpoint
are only as safe as the database; whoever holds the private key can sign a
false checkpoint; whoever can write the checkpoint file can truncate it
(signatures stop forgery, not deletion), which is why the file should be
copied to storage the database's administrators cannot rewrite.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy.orm import Session

from reind.core.chain import canonical_json
from reind.core.clock import Clock, SystemClock
from reind.core.errors import ConflictError, InvalidInputError
from reind.core.periodic import Periodic

logger = logging.getLogger(__name__)


class Walk(Protocol):
    """The outcome of walking a chain: whether every entry fits, and what breaks if not."""

    @property
    def ok(self) -> bool:
        """True when every entry walked fits its hash and link."""
        ...


@runtime_checkable
class HashChain(Protocol):
    """A hash chain kept in the database, as checkpoints see it."""

    @property
    def name(self) -> str:
        """What the chain is, in messages ("the audit chain", "the plant's command log")."""
        ...

    def head(self, session: Session) -> tuple[int, str]:
        """``(seq, hash)`` of the newest entry (``(0, GENESIS)`` when empty)."""
        ...

    def hashes(self, session: Session, seqs: list[int]) -> dict[int, str]:
        """The stored hash of each of ``seqs`` that still exists."""
        ...

    def verify(self, session: Session, after: tuple[int, str] | None) -> Walk:
        """Walk the chain (after a known-good ``(seq, hash)`` when given)."""
        ...


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain head at one moment, signed."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str = ""

    def message(self) -> bytes:
        """The bytes signed: the canonical JSON of everything but the signature."""
        body = {"seq": self.seq, "hash": self.hash, "at": self.at, "key_id": self.key_id}
        return canonical_json(body).encode("utf-8")

    def line(self) -> str:
        """The checkpoint as one line of the checkpoint file."""
        return canonical_json(
            {
                "seq": self.seq,
                "hash": self.hash,
                "at": self.at,
                "key_id": self.key_id,
                "signature": self.signature,
            }
        )


def key_id(public: Ed25519PublicKey) -> str:
    """A short, stable name of a public key: the first 16 hex digits of its SHA-256."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key at ``path`` (PEM, PKCS8), made on first use with mode 0600.

    The public key is written beside it (``<path>.pub``) so a verifier needs
    no secret.
    """
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidInputError("{path} is not an Ed25519 private key", path=path)
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public_path(path).write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    logger.info("made a new checkpoint key %s", path)
    return key


def public_path(key_path: Path) -> Path:
    """Where the public half of the key at ``key_path`` is kept."""
    return key_path.with_name(key_path.name + ".pub")


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The public key in ``path`` (PEM)."""
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInputError("{path} is not an Ed25519 public key", path=path)
    return key


def write_checkpoint(
    session: Session,
    chain: HashChain,
    key: Ed25519PrivateKey,
    log: Path,
    clock: Clock | None = None,
) -> Checkpoint | None:
    """Sign the current head and append it to ``log``; None if the head has not moved.

    Refuses (ConflictError) when the chain disagrees with the newest
    checkpoint already in ``log`` or does not verify from there on (from the
    first event when there is none): signing a damaged chain would vouch for
    the damage. Only events after the newest checkpoint are walked, so a
    round costs what was appended since, not the whole log.
    """
    public = key.public_key()
    earlier = read_checkpoints(log)
    after: tuple[int, str] | None = None
    if earlier:
        against = check_against(session, chain, earlier[-1:], public)
        if not against.ok:
            raise ConflictError(
                "the chain disagrees with the last checkpoint: {against}", against=against
            )
        after = (earlier[-1].seq, earlier[-1].hash)  # known good: walk only what came since
    report = chain.verify(session, after)
    if not report.ok:
        raise ConflictError(
            "the hash chain does not verify, so it is not checkpointed: {report}",
            chain=chain.name,
            report=report,
        )
    head_seq, head_hash = chain.head(session)
    if earlier and earlier[-1].seq == head_seq:
        return None
    unsigned = Checkpoint(
        seq=head_seq,
        hash=head_hash,
        at=(clock or SystemClock()).now().isoformat(),
        key_id=key_id(public),
    )
    signature = base64.b64encode(key.sign(unsigned.message())).decode("ascii")
    checkpoint = Checkpoint(unsigned.seq, unsigned.hash, unsigned.at, unsigned.key_id, signature)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(checkpoint.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.info("checkpoint of %s at %d written to %s", chain.name, checkpoint.seq, log)
    return checkpoint


def read_checkpoints(log: Path) -> list[Checkpoint]:
    """Every checkpoint in ``log``, oldest first (none when the file does not exist)."""
    if not log.exists():
        return []
    found: list[Checkpoint] = []
    for number, text in enumerate(log.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            body = json.loads(text)
            found.append(
                Checkpoint(
                    seq=int(body["seq"]),
                    hash=str(body["hash"]),
                    at=str(body["at"]),
                    key_id=str(body["key_id"]),
                    signature=str(body["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            raise InvalidInputError(
                "{log}, line {number}: not a checkpoint", log=log, number=number
            ) from None
    return found


@dataclass(frozen=True, slots=True)
class CheckpointReport:
    """How the chain compares with the signed checkpoints."""

    checked: int
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every checkpoint is genuine and the chain holds each one's event."""
        return not self.problems

    def __str__(self) -> str:
        if not self.checked:
            return "NO CHECKPOINTS: nothing outside the database vouches for the chain"
        if self.ok:
            return f"OK: {self.checked} signed checkpoint(s), the chain holds each"
        return "CHECKPOINTS BROKEN:\n" + "\n".join(self.problems)


def check_against(
    session: Session, chain: HashChain, checkpoints: list[Checkpoint], public: Ed25519PublicKey
) -> CheckpointReport:
    """Check each checkpoint's signature, then that the chain still holds its event.

    A checkpoint whose event is gone means the chain was cut back (with its
    head); one whose event has another hash means the chain was rewritten at
    or before it.
    """
    problems: list[str] = []
    stored = chain.hashes(session, [c.seq for c in checkpoints])
    head, _ = chain.head(session)
    ours = key_id(public)
    for number, checkpoint in enumerate(checkpoints, start=1):
        where = f"checkpoint {number} ({checkpoint.at}, event {checkpoint.seq})"
        if checkpoint.key_id != ours or not _genuine(checkpoint, public):
            problems.append(f"{where}: the signature is not the audit key's (forged or altered)")
            continue
        if checkpoint.seq == 0:
            continue
        found = stored.get(checkpoint.seq)
        if found is None:
            problems.append(
                f"{where}: the chain ends at event {head} but this checkpoint vouched for "
                f"event {checkpoint.seq}: the newest events were deleted"
            )
        elif found != checkpoint.hash:
            problems.append(
                f"{where}: event {checkpoint.seq} has another hash than the one signed: "
                "the chain was rewritten at or before it"
            )
    return CheckpointReport(len(checkpoints), tuple(problems))


def _genuine(checkpoint: Checkpoint, public: Ed25519PublicKey) -> bool:
    try:
        public.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True


class CheckpointSchedule(Periodic):
    """Writes a checkpoint every ``every`` seconds on a thread until stopped.

    The first waits ``first_after`` seconds, so a starting server is not
    slowed by a walk of the whole chain while it opens its port.
    """

    def __init__(self, write: Callable[[], object], every: float, first_after: float = 0) -> None:
        super().__init__("checkpoints", "writing a checkpoint failed", write, every, first_after)
