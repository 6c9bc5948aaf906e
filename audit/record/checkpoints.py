"""Signed checkpoints of the chain head (Ed25519), kept in the database and outside it.

The private key comes from the environment (AUDIT_SIGNING_KEY, base64 of the 32-byte
Ed25519 seed) and never reaches the database. Each checkpoint is also written as a JSON
file to AUDIT_CHECKPOINT_DIR and into every export bundle, so a verifier that holds an
earlier copy still notices when the tail of the chain and its checkpoints are cut away.
"""

import base64
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from audit.models import Checkpoint
from audit.record.canonical import canonical_bytes, canonical_timestamp
from audit.record.chain import chain_head


@dataclass(frozen=True)
class CheckpointStatement:
    size: int
    head_hash: str
    created_at: str
    key_id: str
    signature: str

    def signed_bytes(self) -> bytes:
        return canonical_bytes(
            {
                "size": self.size,
                "head_hash": self.head_hash,
                "created_at": self.created_at,
                "key_id": self.key_id,
            }
        )


def _private_key() -> Ed25519PrivateKey:
    encoded = settings.AUDIT_SIGNING_KEY
    if not encoded:
        raise ImproperlyConfigured("AUDIT_SIGNING_KEY is not set: checkpoints cannot be signed.")
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(encoded))


def public_key_bytes() -> bytes:
    return _private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_for(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def known_public_keys() -> dict[str, bytes]:
    """The keys checkpoints may be signed with: the current one and any retired ones."""
    keys = {key_id_for(public_key_bytes()): public_key_bytes()}
    for encoded in settings.AUDIT_RETIRED_PUBLIC_KEYS:
        raw = base64.b64decode(encoded)
        keys[key_id_for(raw)] = raw
    return keys


def signature_is_valid(statement: CheckpointStatement, public_keys: dict[str, bytes]) -> bool:
    raw = public_keys.get(statement.key_id)
    if raw is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            bytes.fromhex(statement.signature), statement.signed_bytes()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def _write_file(statement: CheckpointStatement) -> Path:
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = (
        directory
        / f"checkpoint-{statement.size:012d}-{statement.created_at[:19].replace(':', '')}.json"
    )
    path.write_text(json.dumps(asdict(statement), indent=2, sort_keys=True) + "\n")
    return path


def checkpoint_write() -> CheckpointStatement:
    """Sign the current head of the chain, store it, and write it outside the database."""
    key = _private_key()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with transaction.atomic():
        size, head_hash = chain_head()
        now = timezone.now()
        unsigned = CheckpointStatement(
            size=size,
            head_hash=head_hash,
            created_at=canonical_timestamp(now),
            key_id=key_id_for(public),
            signature="",
        )
        statement = CheckpointStatement(
            **{**asdict(unsigned), "signature": key.sign(unsigned.signed_bytes()).hex()}
        )
        Checkpoint.objects.create(
            size=statement.size,
            head_hash=statement.head_hash,
            created_at=now,
            key_id=statement.key_id,
            signature=statement.signature,
        )
    _write_file(statement)
    return statement


def stored_checkpoints() -> list[CheckpointStatement]:
    """Every checkpoint the system knows: in the database and in the checkpoint folder."""
    found = {
        statement.signature: statement
        for statement in (
            CheckpointStatement(
                size=row.size,
                head_hash=row.head_hash,
                created_at=canonical_timestamp(row.created_at),
                key_id=row.key_id,
                signature=row.signature,
            )
            for row in Checkpoint.objects.all()
        )
    }
    found.update(
        {statement.signature: statement for statement in read_checkpoint_files(checkpoint_dir())}
    )
    return sorted(found.values(), key=lambda statement: statement.size)


def read_checkpoint_files(*paths: Path) -> list[CheckpointStatement]:
    statements = []
    for path in paths:
        files = sorted(path.glob("checkpoint-*.json")) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                statements.append(CheckpointStatement(**json.loads(file.read_text())))
    return statements
