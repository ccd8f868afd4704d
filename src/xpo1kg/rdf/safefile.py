"""Writing files safely: the one home of atomic writes and of the lock around read-modify-write.

* :func:`atomic_write` replaces one file so that readers see the old or the new content, never a
  mix: a temporary file in the target's directory, fsync, rename, fsync of the directory.
* :func:`commit` does the same for several files, all staged before any is renamed.
* Both keep an existing target's permission bits (a new file gets ``0666 & ~umask``, as
  ``open()`` would give it) and write *through* a symbolic link to its target: the link stays.
* :func:`exclusive_lock` serialises the read-modify-write of a file between processes.

A failure raises :class:`WriteError` (an :class:`OSError` and an
:class:`~xpo1kg.errors.InputError`): ``cannot write PATH: No space left on device``, with the
targets left as they were.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from xpo1kg.errors import InputError

__all__ = ["WriteError", "atomic_write", "commit", "current_umask", "exclusive_lock"]


class WriteError(InputError, OSError):
    """A file that could not be written; the message names the file and the system's reason."""

    def __init__(self, path: Path | str, error: OSError, detail: str = "") -> None:
        reason = error.strerror or str(error)
        OSError.__init__(self, error.errno or errno.EIO, reason, str(path))
        self.message = f"cannot write {path}: {reason}{detail}"

    def __str__(self) -> str:
        return self.message


def current_umask() -> int:
    """Return the process's umask (reading it means setting it: it is set back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _resolve(path: Path) -> tuple[Path, os.stat_result | None]:
    """Return the file to replace (a symlink's final target) and its status, if it exists."""
    try:
        existing = os.stat(path)  # follows symbolic links, including /proc's magic ones
    except FileNotFoundError:
        existing = None
    return Path(os.path.realpath(path)), existing


def _stage(target: Path, existing: os.stat_result | None, content: bytes) -> str:
    """Write ``content`` to a synced temporary file beside ``target``; return its name.

    The file gets the existing target's mode (and, where allowed, its group), or the mode any
    new file gets: ``0666 & ~umask``.
    """
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        if existing is None:
            os.fchmod(handle, 0o666 & ~current_umask())  # mkstemp makes the file private
        else:
            with suppress(PermissionError):  # a shared file stays in its group
                os.fchown(handle, -1, existing.st_gid)
            os.fchmod(handle, stat.S_IMODE(existing.st_mode))
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _sync_directory(directory: Path) -> None:
    """Make renames in ``directory`` durable (POSIX; a no-op where directories cannot be opened)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
    except OSError:  # some file systems cannot sync a directory; the files are in place anyway
        return


def atomic_write(path: Path | str, content: bytes) -> None:
    """Replace a file's content atomically, keeping its mode, writing through a symlink.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(target, b"hello")
    >>> target.read_bytes()
    b'hello'
    """
    commit([(Path(path), content)])


def commit(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files all or nothing: each is staged and synced before any is renamed.

    A failure while staging leaves every target as it was; the message says so. A target that
    exists and is not a regular file (``/dev/stdout``, a named pipe) cannot be replaced: it is
    written to directly, after the others are in place.
    """
    staged: list[tuple[str, Path]] = []
    direct: list[tuple[Path, Path, bytes]] = []
    renamed = 0
    current = files[0][0] if files else Path(".")
    try:
        for path, content in files:
            current = path
            target, existing = _resolve(path)
            if existing is not None and not stat.S_ISREG(existing.st_mode):
                direct.append((path, path, content))  # open() follows the links itself
                continue
            staged.append((_stage(target, existing, content), target))
        for temporary, target in staged:
            current = target
            os.replace(temporary, target)
            renamed += 1
        for directory in sorted({target.parent for _, target in staged}):
            _sync_directory(directory)
        for path, target, content in direct:
            current = path
            with target.open("wb") as stream:
                stream.write(content)
                stream.flush()
            renamed += 1
    except OSError as error:
        changed = ""
        if len(files) > 1:
            changed = (
                f"; only {renamed} of {len(files)} files were replaced"
                if renamed
                else "; nothing changed"
            )
        raise WriteError(_named(current, files), error, changed) from None
    finally:
        for temporary, _ in staged[renamed:]:
            Path(temporary).unlink(missing_ok=True)


def _named(current: Path, files: Sequence[tuple[Path, bytes]]) -> Path:
    """Name a file as the caller did (not as its symlinks resolve)."""
    for path, _ in files:
        if current == path or Path(os.path.realpath(path)) == current:
            return path
    return current


@contextmanager
def exclusive_lock(path: Path, waiting: Callable[[str], None] = lambda _: None) -> Iterator[None]:
    """Hold an exclusive lock (``flock``) on the directory of ``path``'s final target.

    Another process asking for the same lock waits (``waiting`` is told once, for a message)
    until this one is done. Locking the directory rather than the file survives the file being
    replaced by a rename, and leaves no lock file behind; writers of other files in the same
    directory take turns too.
    """
    directory = Path(os.path.realpath(path)).parent
    try:
        handle = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        raise WriteError(path, error) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(f"waiting for another process writing in {directory}…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock
