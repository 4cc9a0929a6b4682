"""Where an export may be written: regular files only, one policy for every writer.

* A missing path is created (its folder must exist).
* An existing regular file is replaced only with ``overwrite`` (``--force``).
* A folder, a device, a FIFO or a socket is never written to, ``overwrite`` or not.
* A symbolic link is followed: the rules above apply to the file it points to, and that
  file is what gets written (the link stays). A link to a missing file is an existing path:
  it is written through only with ``overwrite``. A loop of links is refused.

Writers write a temporary file beside the target and rename it over the target, so an
interrupted export never leaves a half-written file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


class OutputError(OSError):
    """The export cannot be written there; ``str()`` is the user message naming the path."""


def output_target(path: str | Path, *, overwrite: bool) -> Path:
    """The file to write for ``path`` under the policy above; raises ``OutputError``."""
    given = Path(path)
    try:
        link = given.is_symlink()
        target = Path(os.path.realpath(given, strict=True)) if link else given
    except FileNotFoundError:  # a link to a missing file
        if not overwrite:
            raise OutputError(
                f"{given} is a symbolic link to a missing file (not replaced; "
                "use --force to write the file it points to)"
            ) from None
        target = Path(os.path.realpath(given))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(f"{given} is a loop of symbolic links, not a file") from None
        raise OutputError(f"{given}: cannot be written ({exc.strerror})") from None
    try:
        st = target.stat()
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise OutputError(f"folder does not exist: {target.parent}") from None
        return target
    except OSError as exc:
        raise OutputError(f"{given}: cannot be written ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{given} is a folder; give a file name inside it")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{given} is not a regular file (a device, FIFO or socket)")
    if not overwrite and not link:
        raise OutputError(f"file exists: {given} (not overwritten)")
    if not overwrite:
        raise OutputError(f"file exists: {given} -> {target} (not overwritten)")
    return target


def write_atomically(target: Path, suffix: str, write: Callable[[str], None]) -> None:
    """Call ``write(temp path)`` for a temporary file beside ``target``, then rename it over
    ``target``; raises ``OutputError`` when the folder cannot be written."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=suffix, dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to folder {target.parent} ({exc.strerror})") from None
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o600 if not target.exists() else stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
