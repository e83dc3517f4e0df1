"""Private key files: one PKCS#8 PEM per key under `<directory>/<authority>/<key_id>.pem`, mode
0600, never overwritten, refused when other users can read them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skills_cert.certification.signing.keyset import key_id_for
from skills_cert.certification.signing.payload import CODE, KEY_ID


class KeyFileError(RuntimeError):
    """A private key file is missing, unsafe or wrong; the message names the file and the fix."""


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _key_folder(directory: Path, authority: str) -> Path:
    if not isinstance(authority, str) or not CODE.fullmatch(authority):
        raise KeyFileError(f"authority {authority!r} is not a code such as LA-SDI")
    return Path(directory) / authority


def _make_private_dir(path: Path) -> None:
    """Create *path* as 0700 if it does not exist (its parents with the default mode)."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        return  # made meanwhile by another process
    os.chmod(path, 0o700)  # exact, whatever the umask


def write_private_file(path: Path, data: bytes) -> Path:
    """Write *data* to a new file at *path*, mode 0600, its folders 0700; never overwrites."""
    path = Path(path)
    _make_private_dir(path.parent)
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0))
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise KeyFileError(f"{path} already exists; a private key file is never overwritten") \
            from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def read_private_file(path: Path, *, check_permissions: bool = True) -> bytes:
    """The bytes of a private key file; KeyFileError if it is missing, not a regular file, or
    readable or writable by other users."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise KeyFileError(f"private key file {path} does not exist") from None
    except OSError as exc:
        raise KeyFileError(f"cannot open private key file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())  # the file we read, not whatever the path names later
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"{path} is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if check_permissions and os.name == "posix" and mode & 0o077:
            raise KeyFileError(f"private key file {path} is readable or writable by other users "
                               f"(mode {mode:o}); run `chmod 600 {path}`")
        return handle.read(65536)


def write_private_key(directory: Path, authority: str, key: Ed25519PrivateKey) -> Path:
    """Save *key* to <directory>/<authority>/<key_id>.pem (PKCS#8, mode 0600); never overwrites."""
    folder = _key_folder(directory, authority)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError("an Ed25519 private key is needed")
    _make_private_dir(Path(directory))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return write_private_file(folder / f"{key_id_for(key.public_key())}.pem", pem)


def load_private_key(directory: Path, authority: str, key_id: str, *,
                     check_permissions: bool = True) -> Ed25519PrivateKey:
    """The private key *key_id* of *authority*; KeyFileError if missing, unsafe or another key."""
    if not isinstance(key_id, str) or not KEY_ID.fullmatch(key_id):
        raise KeyFileError(f"key id {key_id!r} is not 16 lowercase hex characters")
    path = _key_folder(directory, authority) / f"{key_id}.pem"
    data = read_private_file(path, check_permissions=check_permissions)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} does not hold an Ed25519 key")
    actual = key_id_for(key.public_key())
    if actual != key_id:
        raise KeyFileError(f"{path} holds key {actual}, not {key_id}; "
                           "the file was renamed or replaced")
    return key


def private_key_ids(directory: Path, authority: str) -> list[str]:
    """Ids of the authority's private key files, sorted; [] if it has none."""
    folder = _key_folder(directory, authority)
    if not folder.is_dir():
        return []
    return sorted(name[:-4] for name in os.listdir(folder)
                  if name.endswith(".pem") and KEY_ID.fullmatch(name[:-4]))
