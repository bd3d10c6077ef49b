"""core.common.passwords: salted scrypt hashes, the legacy SHA-256 form, bounded parameters."""

from __future__ import annotations

import hashlib

import pytest

from core.common import passwords as pw

FAST = {"n": 2**10}  # the tests do not need the production cost


def test_hash_is_salted_and_verifies() -> None:
    one, two = pw.hash_password("correct horse", **FAST), pw.hash_password("correct horse", **FAST)
    assert one != two  # a fresh salt each time
    scheme, n, r, p, salt, digest = one.split("$")
    assert (scheme, n, r, p) == ("scrypt", "1024", "8", "1")
    assert len(bytes.fromhex(salt)) == pw.SALT_BYTES and len(bytes.fromhex(digest)) == pw.HASH_BYTES
    assert pw.verify_password("correct horse", one) and pw.verify_password("correct horse", two)
    assert not pw.verify_password("correct horsE", one)
    assert not pw.verify_password("", one)


def test_the_stored_parameters_are_used() -> None:
    stored = pw.hash_password("pw-12345", n=2**11, r=4, p=2)
    parsed = pw.parse_hash(stored)
    assert (parsed.n, parsed.r, parsed.p) == (2**11, 4, 2)
    expected = hashlib.scrypt(b"pw-12345", salt=parsed.salt, n=2**11, r=4, p=2, dklen=32)
    assert parsed.digest == expected
    assert pw.verify_password("pw-12345", stored)


def test_default_cost_is_the_documented_one() -> None:
    stored = pw.hash_password("default cost")
    assert stored.startswith(f"scrypt${pw.DEFAULT_N}$8$1$")
    assert pw.verify_password("default cost", stored)


def test_legacy_sha256_is_accepted_and_recognised() -> None:
    legacy = hashlib.sha256(b"old password").hexdigest()
    assert pw.is_legacy(legacy) and pw.is_legacy(f"  {legacy.upper()} ")
    assert pw.verify_password("old password", f" {legacy.upper()}\n")
    assert not pw.verify_password("old passwore", legacy)
    assert not pw.is_legacy(pw.hash_password("x", **FAST))


@pytest.mark.parametrize("stored", [
    "", "scrypt", "bcrypt$10$8$1$00$00", "scrypt$1024$8$1$zz$00", "scrypt$1000$8$1$" + "00" * 16 + "$" + "00" * 32,
    "scrypt$" + str(2**30) + "$8$1$" + "00" * 16 + "$" + "00" * 32,  # 1 TiB of memory: refused, not attempted
    "scrypt$1024$99$1$" + "00" * 16 + "$" + "00" * 32, "scrypt$1024$8$1$00$" + "00" * 32,
    "scrypt$" + "9" * 5000 + "$8$1$" + "00" * 16 + "$" + "00" * 32, "abc123",
])
def test_malformed_or_dangerous_hashes_are_refused(stored: str) -> None:
    with pytest.raises(pw.PasswordHashError):
        pw.check_stored(stored)
    with pytest.raises(pw.PasswordHashError):
        pw.verify_password("anything", stored)


def test_empty_and_oversized_passwords() -> None:
    with pytest.raises(pw.PasswordHashError):
        pw.hash_password("")
    stored = pw.hash_password("x" * 100, **FAST)
    assert not pw.verify_password("x" * (pw.MAX_PASSWORD_BYTES + 1), stored)
