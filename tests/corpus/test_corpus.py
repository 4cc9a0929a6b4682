"""Every corpus file through the CLI in a child process (issue 12's promises).

Per file: exit 0 or 2; on 2, exactly one stderr line naming the file and no traceback;
the database dump unchanged on refusal; under 30 s and 1.5 GB of peak memory. The XXE file
must not bring /etc/passwd into the database.

Runs go through ``zygote.py``: one warmed-up parent forks one child process per file (the
child runs the CLI's ``main``; its exit code, stderr and peak memory are its own), so the
corpus costs its own work, not 49 times Python's start-up.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.corpus.generate import Entry, generate
from tests.subprocess_cli import child_env, command, dump

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

SECONDS = 30
MEMORY_KB = 1_500_000


@dataclass
class Outcome:
    entry: Entry
    code: int
    stderr: str
    seconds: float
    max_rss_kb: int
    before: str
    after: str


class _Zygote:
    def __init__(self) -> None:
        env = child_env(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.corpus.zygote"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env=env, cwd=Path(__file__).parents[2],
        )  # fmt: skip
        self.lock = threading.Lock()

    def run(self, args: list[str], stderr: Path) -> dict[str, float]:
        job = {"args": [str(a) for a in args], "stderr": str(stderr), "timeout": SECONDS * 2}
        with self.lock:
            assert self.proc.stdin is not None
            assert self.proc.stdout is not None
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
            result: dict[str, float] = json.loads(self.proc.stdout.readline())
        return result

    def close(self) -> None:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


def _run(entry: Entry, base: Path, work: Path, zygote: _Zygote) -> Outcome:
    folder = work / f"{entry.family}-{entry.path.name}"
    folder.mkdir()
    db = folder / "book.db"
    shutil.copyfile(base, db)
    target = entry.path if entry.use == "db" else db
    before = _snapshot(target)
    args: list[str | Path] = ["--db", db, "import", entry.path] if entry.use == "import" else [
        "--db", entry.path, "accounts"]  # fmt: skip
    err_path = folder / "stderr"
    r = zygote.run([str(a) for a in args], err_path)
    return Outcome(entry, int(r["code"]), err_path.read_text(), r["seconds"],
                   int(r["max_rss_kb"]), before, _snapshot(target))  # fmt: skip


def _snapshot(path: Path) -> str:
    if path.is_dir():
        return "folder: " + ",".join(sorted(p.name for p in path.iterdir()))
    head = path.read_bytes()[:16]
    return dump(path) if head == b"SQLite format 3\x00" else head.hex() + str(path.stat())


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    root = tmp_path_factory.mktemp("corpus")
    entries = generate(root / "files")
    base = root / "base.db"
    accounts = root / "accounts.csv"
    accounts.write_text("Account ID,Account Name,Account Owner,LMS ID\n"
                        "001A000001AbCdE,Lakeside Clinic,Holly Grant,LMS-1\n")  # fmt: skip
    subprocess.run(command(["--db", base, "import", accounts]), check=True,
                   capture_output=True, env=child_env())  # fmt: skip
    work = root / "runs"
    work.mkdir()
    zygote = _Zygote()
    try:
        return [_run(e, base, work, zygote) for e in entries]
    finally:
        zygote.close()


def test_the_corpus_covers_every_family(outcomes: list[Outcome]) -> None:
    families = {o.entry.family for o in outcomes}
    assert families == {"xlsx", "ole2", "text", "values", "shape", "path", "db"}
    assert len(outcomes) >= 45


def test_every_file_ends_in_0_or_2_with_one_line_naming_it(outcomes: list[Outcome]) -> None:
    bad = []
    for o in outcomes:
        lines = [ln for ln in o.stderr.splitlines() if ln.strip()]
        ok = o.code in (0, 2) and "Traceback" not in o.stderr and "panicked" not in o.stderr
        if o.code == 2:
            ok = ok and len(lines) == 1 and o.entry.path.name in lines[0]
        if not ok:
            bad.append((o.entry.path.name, o.code, o.stderr[-300:]))
    assert bad == []


def test_a_refusal_leaves_the_database_unchanged(outcomes: list[Outcome]) -> None:
    changed = [o.entry.path.name for o in outcomes if o.code == 2 and o.after != o.before]
    assert changed == []


def test_every_file_is_done_in_30_s_and_1_5_gb(outcomes: list[Outcome]) -> None:
    slow = [(o.entry.path.name, round(o.seconds, 1)) for o in outcomes if o.seconds > SECONDS]
    big = [(o.entry.path.name, o.max_rss_kb) for o in outcomes if o.max_rss_kb > MEMORY_KB]
    assert slow == []
    assert big == []


def test_xxe_does_not_read_local_files(outcomes: list[Outcome]) -> None:
    (xxe,) = [o for o in outcomes if o.entry.path.name == "xxe.xlsx"]
    assert "root:" not in xxe.after
