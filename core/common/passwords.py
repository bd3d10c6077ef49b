"""Password hashes for the optional access gate: salted scrypt, compared in constant time.

A stored hash is one line, ``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`` (``python -m core hash-password``
prints one). :func:`verify_password` also accepts the old unsalted form (64 hex digits of SHA-256) so an
existing deployment keeps working, but :func:`is_legacy` lets the caller warn the administrator: an unsalted
fast hash of one shared password falls to a dictionary attack in seconds if the secrets file leaks.

Parameters are read from the stored line, so stronger settings can be rolled out without a code change, but
they are bounded (:data:`MAX_N`, :data:`MAX_MEMORY`): a mistyped secrets file must not let one login attempt
take the server's memory or minutes of CPU. Anything malformed raises :class:`PasswordHashError`, and a gate
that cannot read its hash stays closed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from core.common.errors import ConfigError

SCHEME = "scrypt"
DEFAULT_N = 2**15
"""CPU / memory cost (a power of two); 2**15 with r=8 takes about 32 MiB and 50-100 ms on a laptop core."""
DEFAULT_R = 8
DEFAULT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MAX_N = 2**20
MAX_MEMORY = 256 * 1024 * 1024
"""The most memory one verification may use (scrypt needs about ``128 * n * r * p`` bytes)."""
MAX_PASSWORD_BYTES = 1024

_LEGACY = re.compile(r"[0-9a-f]{64}")
_HEX = re.compile(r"(?:[0-9a-f]{2})+")


class PasswordHashError(ConfigError):
    """A stored password hash that cannot be read (wrong format or out-of-bounds parameters)."""


@dataclass(frozen=True)
class ScryptHash:
    """A parsed ``scrypt$n$r$p$salt$hash`` line."""

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    def encode(self) -> str:
        """The one-line stored form."""
        return f"{SCHEME}${self.n}${self.r}${self.p}${self.salt.hex()}${self.digest.hex()}"


def _memory(n: int, r: int, p: int) -> int:
    return 128 * r * (n + p + 2)


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    data = password.encode("utf-8", "surrogatepass")
    if len(data) > MAX_PASSWORD_BYTES:
        raise PasswordHashError(f"passwords are limited to {MAX_PASSWORD_BYTES} bytes")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, dklen=length, maxmem=_memory(n, r, p) + 1024 * 1024)


def _check_parameters(n: int, r: int, p: int) -> None:
    if n < 2 or n & (n - 1) or n > MAX_N:
        raise PasswordHashError(f"scrypt n must be a power of two between 2 and {MAX_N}, got {n}")
    if not 1 <= r <= 64 or not 1 <= p <= 16:
        raise PasswordHashError(f"scrypt r must be in 1..64 and p in 1..16, got r={r}, p={p}")
    if _memory(n, r, p) > MAX_MEMORY:
        raise PasswordHashError(f"scrypt parameters n={n}, r={r} need more than {MAX_MEMORY // 2**20} MiB")


def parse_hash(stored: str) -> ScryptHash:
    """Read a ``scrypt$n$r$p$salt$hash`` line; raises :class:`PasswordHashError` when it is malformed."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PasswordHashError("a password hash looks like scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>")
    try:
        n, r, p = (int(x) for x in parts[1:4] if len(x) <= 8)
    except ValueError:
        raise PasswordHashError("scrypt n, r and p must be whole numbers") from None
    salt_hex, digest_hex = parts[4].lower(), parts[5].lower()
    if not _HEX.fullmatch(salt_hex) or not _HEX.fullmatch(digest_hex):
        raise PasswordHashError("the salt and the hash must be hexadecimal")
    if not 8 <= len(salt_hex) // 2 <= 64 or not 16 <= len(digest_hex) // 2 <= 64:
        raise PasswordHashError("the salt must be 8-64 bytes and the hash 16-64 bytes")
    _check_parameters(n, r, p)
    return ScryptHash(n, r, p, bytes.fromhex(salt_hex), bytes.fromhex(digest_hex))


def hash_password(password: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P) -> str:
    """A new stored hash of ``password`` with a fresh random salt (``scrypt$n$r$p$salt$hash``)."""
    if not password:
        raise PasswordHashError("the password is empty")
    _check_parameters(n, r, p)
    salt = secrets.token_bytes(SALT_BYTES)
    return ScryptHash(n, r, p, salt, _derive(password, salt, n, r, p, HASH_BYTES)).encode()


def is_legacy(stored: str) -> bool:
    """True for the old unsalted form: 64 hex digits of SHA-256 (case and surrounding space ignored)."""
    return _LEGACY.fullmatch(stored.strip().lower()) is not None


def check_stored(stored: str) -> None:
    """Raise :class:`PasswordHashError` unless ``stored`` is a readable scrypt line or a legacy SHA-256 hex."""
    if not is_legacy(stored):
        parse_hash(stored)


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (scrypt line, or legacy SHA-256 hex), compared in constant
    time; raises :class:`PasswordHashError` if ``stored`` cannot be read."""
    if is_legacy(stored):
        digest = hashlib.sha256(password.encode("utf-8", "surrogatepass")).hexdigest()
        return hmac.compare_digest(digest, stored.strip().lower())
    parsed = parse_hash(stored)
    if len(password.encode("utf-8", "surrogatepass")) > MAX_PASSWORD_BYTES:
        return False
    candidate = _derive(password, parsed.salt, parsed.n, parsed.r, parsed.p, len(parsed.digest))
    return hmac.compare_digest(candidate, parsed.digest)
