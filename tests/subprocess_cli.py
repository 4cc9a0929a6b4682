"""Run ``account-desk`` in a child process, as this user or as ``nobody`` (tests run as root
here, and root reads any file: "unreadable" is only real for an unprivileged user)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

NOBODY = 65534


def _default_sigint() -> None:
    # A job started in the background by a non-interactive shell inherits an ignored SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}, **extra)
    return env


def drop_prefix() -> list[str]:
    """The command prefix that runs a child unprivileged; skips when that is impossible."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable to the app")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@contextmanager
def shared_dir() -> Iterator[Path]:
    """A fresh folder an unprivileged child can use (pytest's tmp_path is root-only);
    removed afterwards, whatever modes the test left inside."""
    path = Path(tempfile.mkdtemp(prefix="account-desk-test-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        for sub in path.rglob("*"):
            if sub.is_dir() and not sub.is_symlink():
                sub.chmod(0o700)
        shutil.rmtree(path, ignore_errors=True)


def command(args: Sequence[str | os.PathLike[str]], *, unprivileged: bool = False) -> list[str]:
    prefix = drop_prefix() if unprivileged else []
    return [*prefix, sys.executable, "-m", "desktop_app", *map(str, args)]


def run_cli(
    args: Sequence[str | os.PathLike[str]], *, unprivileged: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion; returns the finished process (text stdout/stderr)."""
    return subprocess.run(
        command(args, unprivileged=unprivileged), capture_output=True, text=True,
        timeout=timeout, env=child_env(), preexec_fn=_default_sigint, check=False,
    )  # fmt: skip


def start_cli(args: Sequence[str | os.PathLike[str]]) -> subprocess.Popen[str]:
    """Start the CLI (SIGINT at its default, so the child gets KeyboardInterrupt)."""
    return subprocess.Popen(
        command(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=child_env(), preexec_fn=_default_sigint,
    )  # fmt: skip


def dump(db: Path) -> str:
    """The database's full SQL dump (what "unchanged" is compared on)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def one_line_naming(stderr: str, name: str) -> str:
    """Assert ``stderr`` is one line naming ``name``, no traceback; returns the line."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert name in lines[0], lines[0]
    return lines[0]
