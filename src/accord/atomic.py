"""Write files whole or not at all: what the user saved is never half-written.

The data goes to a temporary file in the target's folder, is flushed to disk, then renamed over
the target (an atomic step on POSIX file systems); a crash or Ctrl-C at any point leaves the old
file or the new one and no temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from accord.errors import AccordError


def write_atomic(path: str | Path, data: str | bytes, *, what: str = "save") -> Path:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically and return the path.

    Keeps the permissions of a file it replaces. Problems (no such folder, a directory in the
    way, no permission, a full disk) raise one :class:`AccordError` naming the file.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise AccordError(f"cannot {what}: the folder does not exist", source=str(target))
    if target.is_dir():
        raise AccordError(f"cannot {what}: a directory has this name", source=str(target))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o644
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise AccordError(f"cannot {what}: {exc.strerror or exc}", source=str(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:  # leave no temporary file behind, whatever happened
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise AccordError(f"cannot {what}: {exc.strerror or exc}", source=str(target)) from None
        raise
    _sync_folder(folder)
    return target


def _sync_folder(folder: Path) -> None:
    """Flush the directory entry of a renamed file to disk (best effort; POSIX only)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
