"""The user's secret that signs the saved memo, kept in the user's cache folder, never beside the content."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path


def user_cache() -> Path:
    """This user's cache folder for the tool: $XDG_CACHE_HOME/timeline, else ~/.cache/timeline. A
    relative XDG_CACHE_HOME is ignored, as the XDG specification says: it would put the key beside the
    content, where it travels with it."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "timeline"


def own_folder(path, private: bool = False) -> bool:
    """path is a real folder (not a link) of this user; private: one no one else may write either.
    The one test of the memo's folders and the compiled templates' (compiled.py)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not (private and st.st_mode & 0o022)


def open_own_folder(path, dir_fd: int | None = None) -> int | None:
    """A descriptor of path if it is a real folder (not a link) of this user, else None: own_folder's
    test made on what was opened, for a caller that then works inside it (removing files)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
    except OSError:
        return None
    if os.fstat(fd).st_uid == os.getuid():
        return fd
    os.close(fd)
    return None


def key_file() -> Path:
    """Where this user's memo key is kept: in the user's cache folder, never beside the content."""
    return user_cache() / "memo-key"


_key = None


def key(make: bool = True) -> bytes | None:
    """This user's secret for the memo's checks, made once (0600). A memo folder travels with the
    content (a cloned repository, an unpacked archive): a check anyone can compute would let a planted
    file put its own HTML in the pages, so a file is trusted only if this key signed it. None (no
    memo saved or read) when no key can be kept; make=False: None when none was made (`check`,
    which writes nothing, reads only what a build saved)."""
    global _key
    if _key is None:
        path = key_file()
        try:
            if make:
                _make(path)
            elif not os.path.lexists(path):
                return None
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with open(fd, "rb") as handle:
                st = os.fstat(handle.fileno())
                key = handle.read(65)
            ok = stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077 and len(key) == 64
            _key = key if ok else b""
        except OSError:
            _key = b""
    return _key or None


def _make(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with open(fd, "wb") as handle:
            handle.write(os.urandom(32).hex().encode())
    except FileExistsError:
        pass


def signature(key: bytes, *parts: bytes) -> bytes:
    """The HMAC-SHA256 of the parts, one after the other, as a line of hex."""
    h = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        h.update(part)
    return h.hexdigest().encode() + b"\n"
