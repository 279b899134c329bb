"""Write what the user asked for: regular files whole or not at all, anything else through.

Where a command writes depends on what the path names:

- ``-``: standard output.
- A regular file, or a name that does not exist yet: the data goes to a temporary file in the
  file's folder, is flushed to disk, then renamed over the file (an atomic step on POSIX file
  systems); a crash or Ctrl-C at any point leaves the old file or the new one and no temporary
  file. The file keeps its permissions.
- A symbolic link: followed (link by link) to the file it names, which is written as above; the
  link itself stays a link. A link to nothing creates the file it names.
- Something that is not a regular file — a FIFO, a character device such as ``/dev/null`` or a
  terminal, ``/dev/stdout`` or ``/dev/fd/N`` — is written directly, as a stream, never
  replaced (not even by root, who could). Opening a FIFO waits for a reader, as a shell
  redirection does. A write that fails says so: ``cannot write /dev/full: No space left on
  device``.

Problems raise one :class:`AccordError` naming the path.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accord.errors import AccordError

STDOUT = "-"
"""The path that means standard output wherever a command takes ``-o``."""
MAX_LINKS = 40
"""The most symbolic links followed (as the kernel's own limit)."""
_FD = re.compile(r"^/proc/(?:self|thread-self|(\d+))(?:/task/\d+)?/fd/(\d+)$")

Kind = Literal["stdout", "fd", "stream", "file"]


@dataclass(frozen=True)
class Target:
    """Where a path leads: standard output, an open descriptor, a stream, or a regular file.

    ``path`` is the path as given; ``real`` what is written: the file a chain of links ends at
    (a ``file``), the node to open (a ``stream``); ``fd`` the descriptor (an ``fd``).
    """

    path: str
    kind: Kind
    real: Path
    fd: int | None = None

    @property
    def is_file(self) -> bool:
        """Return True for a regular file (or a new one): written whole, atomically."""
        return self.kind == "file"


def is_stdout(path: str | Path | None) -> bool:
    """Return True when ``path`` is ``-``: standard output."""
    return path is not None and str(path) == STDOUT


def target_of(path: str | Path, *, what: str = "write") -> Target:
    """Return where ``path`` leads (following symbolic links), without writing anything.

    Raises :class:`AccordError` for a directory, a loop of links, or a path that cannot be
    looked at.
    """
    given = str(path)
    if given == STDOUT:
        return Target(given, "stdout", Path(STDOUT))
    current = os.path.abspath(given)
    try:
        for _ in range(MAX_LINKS):
            folder, name = os.path.split(current)
            current = os.path.join(os.path.realpath(folder), name)
            fd = _open_descriptor(current)
            if fd is not None:
                return Target(given, "fd", Path(current), fd)
            if current.startswith("/proc/"):
                return Target(given, "stream", Path(current))
            if not os.path.islink(current):
                break
            current = os.path.join(os.path.dirname(current), os.readlink(current))
        else:
            raise AccordError(f"cannot {what}: too many levels of symbolic links", source=given)
        info = os.stat(current) if os.path.lexists(current) else None
    except OSError as exc:
        raise AccordError(f"cannot {what}: {exc.strerror or exc}", source=given) from None
    real = Path(current)
    if info is None or stat.S_ISREG(info.st_mode):
        return Target(given, "file", real)
    if stat.S_ISDIR(info.st_mode):
        raise AccordError(f"cannot {what}: a directory has this name", source=given)
    return Target(given, "stream", real)


def _open_descriptor(path: str) -> int | None:
    """Return N for ``/proc/self/fd/N`` (or this process's id in place of ``self``)."""
    match = _FD.match(path)
    if match is None:
        return None
    pid = match.group(1)
    if pid is not None and int(pid) != os.getpid():
        return None
    return int(match.group(2))


def check_writable(path: str | Path, *, what: str = "write") -> Target:
    """Return where ``path`` leads if it can be written, else raise :class:`AccordError`.

    Cheap checks made before a command does its work: a new or regular file needs an existing,
    writable folder; standard output, descriptors and devices are taken as they are (a write
    that then fails raises at that point).
    """
    target = target_of(path, what=what)
    if not target.is_file:
        return target
    folder = target.real.parent
    if not folder.is_dir():
        raise AccordError(f"cannot {what}: the folder does not exist", source=target.path)
    if not os.access(folder, os.W_OK):
        raise AccordError(f"cannot {what}: the folder is not writable", source=target.path)
    return target


def write_atomic(path: str | Path, data: str | bytes, *, what: str = "save") -> Path:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` and return the path as given.

    A regular file (or a new one) is written atomically, keeping its permissions; a symbolic
    link is followed to the file it names; ``-``, a FIFO or a device is written directly (see
    the module's notes). Problems (no such folder, a directory in the way, no permission, a
    full disk) raise one :class:`AccordError` naming the file.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = target_of(path, what=what)
    if target.kind == "stdout":
        _write_stdout(payload, what)
    elif target.kind == "fd":
        assert target.fd is not None
        _flush_std()
        _write_all(target.fd, payload, target.path)
    elif target.kind == "stream":
        _write_stream(target, payload)
    else:
        _replace(target.real, payload, what, shown=target.path)
    return Path(target.path)


def _flush_std() -> None:
    """Flush Python's standard streams so that what they hold comes before a direct write."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _write_stdout(payload: bytes, what: str) -> None:
    try:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(payload.decode("utf-8"))
        else:
            sys.stdout.flush()
            buffer.write(payload)
            buffer.flush()
        sys.stdout.flush()
    except OSError as exc:
        raise AccordError(f"cannot {what} to standard output: {exc.strerror or exc}") from None


def _write_all(fd: int, payload: bytes, shown: str) -> None:
    """Write every byte to an open descriptor (a short write is retried)."""
    view = memoryview(payload)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise AccordError(f"cannot write {shown}: {exc.strerror or exc}") from None


def _write_stream(target: Target, payload: bytes) -> None:
    """Open a FIFO or a device for writing (never creating or truncating it) and write."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target.real, flags)
    except OSError as exc:
        raise AccordError(f"cannot write {target.path}: {exc.strerror or exc}") from None
    try:
        _write_all(fd, payload, target.path)
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def _replace(target: Path, payload: bytes, what: str, *, shown: str) -> None:
    """Write a regular file through a temporary file renamed over it."""
    folder = target.parent
    if not folder.is_dir():
        raise AccordError(f"cannot {what}: the folder does not exist", source=shown)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o644
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise AccordError(f"cannot {what}: {exc.strerror or exc}", source=shown) from None
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
            raise AccordError(f"cannot {what}: {exc.strerror or exc}", source=shown) from None
        raise
    _sync_folder(folder)


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
