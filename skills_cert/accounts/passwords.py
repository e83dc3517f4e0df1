"""Password hashing with Argon2id (argon2-cffi) and the password policy."""

from __future__ import annotations

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()
# A hash of a random password, checked when the username is unknown so that both
# failures take the same time and reveal nothing about which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-3f9a2c")


def configure(*, time_cost: int, memory_cost: int) -> None:
    """Set the Argon2id cost. Production keeps argon2-cffi's defaults (RFC 9106 low-memory);
    the test suite lowers them, since it hashes hundreds of passwords."""
    global _hasher, _DUMMY_HASH
    if (_hasher.time_cost, _hasher.memory_cost) == (time_cost, memory_cost):
        return
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    _DUMMY_HASH = _hasher.hash("not-a-real-password-3f9a2c")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problems(password: str, min_length: int, *, username: str = "") -> list[str]:
    """Return what is wrong with *password* under the policy, as translated messages."""
    problems = []
    if len(password) < min_length:
        problems.append(_("Use at least %(n)d characters.", n=min_length))
    if len(password) > 256:
        problems.append(_("Use at most 256 characters."))
    if username and password.casefold() == username.casefold():
        problems.append(_("The password must not be the same as the username."))
    if password.strip() != password:
        problems.append(_("The password must not start or end with a space."))
    if is_breached(password):
        problems.append(_("This password appears in lists of passwords stolen from other "
                          "websites, so attackers try it first. Choose another one."))
    return problems


@functools.cache
def _breached() -> frozenset[str]:
    """The 30,000 most common passwords of Xato's corpus of 10 million leaked passwords, as
    shipped (lower-cased) by zxcvbn (MIT licence, https://github.com/dwolfhub/zxcvbn-python).
    Loaded on first use; nothing is fetched from the network."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


# Digits and symbols people add to a common password to pass a length rule ("password2026!").
_PADDING_RE = re.compile(r"^[\d\W_]+|[\d\W_]+$")


def is_breached(password: str) -> bool:
    """True if *password*, or it without padding digits and symbols, is a commonly leaked one."""
    folded = password.casefold()
    if folded in _breached():
        return True
    core = _PADDING_RE.sub("", folded)
    return len(core) >= 6 and core != folded and core in _breached()
