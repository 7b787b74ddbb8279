"""Put a new file in the place of an old one at once, as os.replace does, without the flush to disk
that ext4 starts when a rename replaces a file."""

from __future__ import annotations

import os
import stat
import sys

AT_FDCWD = -100
RENAME_EXCHANGE = 2   # renameat2(2): swap the two names, each file keeping its own
_renameat2 = None     # the C library's function, looked up when first needed; False: there is none


def _exchanger():
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes
                function = ctypes.CDLL(None, use_errno=True).renameat2
            except (AttributeError, OSError, ImportError):
                return _renameat2
            function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            function.restype = ctypes.c_int
            _renameat2 = function
    return _renameat2


def replace(new, old) -> None:
    """os.replace(new, old) for a new file in the same folder tree as old (a staging folder, a temporary
    file beside it): a reader of old finds the old file or the new one, never none.

    Where old is a regular file, the two names are exchanged and the old file then removed: ext4
    (with auto_da_alloc, its default) writes out the new file's data at once when a rename replaces a
    file, for programs that write a file without flushing it, which made an edit's few renames of the
    print views and the exports (some 70 MB) cost about 0.1 s. Exchanged, the data is written back
    later, like that of any new file: a power cut may then leave it short, as any file not flushed;
    a build trusts an output file only as its record describes it (size and times), and a memo file
    only whole and signed. Anything else at old (nothing, a link: replaced itself, never followed),
    or a system without the call, is os.replace's, errors included."""
    exchange = _exchanger()
    if exchange:
        try:
            regular = stat.S_ISREG(os.lstat(old).st_mode)
        except OSError:
            regular = False
        if regular and exchange(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(old), RENAME_EXCHANGE) == 0:
            try:
                os.unlink(new)
            except OSError:
                pass   # left in the staging folder or as a temporary file, which are cleared
            return
    os.replace(new, old)
