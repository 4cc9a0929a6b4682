"""A warmed-up parent that forks one child per CLI run (the corpus test's runner).

Each run is a separate process executing ``desktop_app.cli.main`` with its own stdout,
stderr, exit code and peak memory, but without paying ~2 s of imports (pandas, calamine,
SQLAlchemy) per file. Reads one JSON job per line on stdin: ``{"args": [...],
"stderr": path, "timeout": seconds}``; writes ``{"code", "seconds", "max_rss_kb"}`` per job.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time


def _child(args: list[str], stderr: str) -> None:
    fd = os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
    sys.stdout = os.fdopen(1, "w")
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    from desktop_app.cli import main

    try:
        code = main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(code)


def serve() -> None:
    """Warm up, then run the jobs from stdin one by one."""
    import desktop_app.cli
    import desktop_app.commands.importing
    import desktop_app.io.importer
    import desktop_app.services.importing.batch
    import desktop_app.store.engine  # noqa: F401  (imports are the point)

    for line in sys.stdin:
        job = json.loads(line)
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            _child(job["args"], job["stderr"])
        deadline = start + float(job["timeout"])
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.perf_counter() > deadline:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)
        result = {"code": os.waitstatus_to_exitcode(status), "max_rss_kb": usage.ru_maxrss,
                  "seconds": time.perf_counter() - start}  # fmt: skip
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    serve()
