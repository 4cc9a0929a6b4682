"""The worker that compresses an .xlsx export's sheets: data, order, errors, no thread left."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest

from desktop_app.io.exporters.zip_pump import ZipPump


def _pump_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "zip-pump"]


def test_entries_are_written_in_order_with_every_chunk(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    chunks = {f"e{i}.xml": [f"<{i}:{k}>".encode() * 5000 for k in range(7)] for i in range(3)}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("first.txt", "before the pump")
        with ZipPump(zf, depth=2) as pump:
            for name, parts in chunks.items():
                for part in parts:
                    pump.write(name, part)
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert zf.namelist() == ["first.txt", "e0.xml", "e1.xml", "e2.xml"]
        for name, parts in chunks.items():
            assert zf.read(name) == b"".join(parts)
    assert _pump_threads() == []


def test_an_error_on_the_worker_reaches_the_caller(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    zipfile.ZipFile(path, "w").close()
    refused = pytest.raises(ValueError, match="requires mode 'w'")
    with zipfile.ZipFile(path) as zf, refused, ZipPump(zf, depth=1) as pump:
        for _ in range(10):  # the worker fails on the first; later writes must not hang
            pump.write("a.xml", b"x" * 100)
    assert _pump_threads() == []


def test_an_error_in_the_caller_stops_the_worker(tmp_path: Path) -> None:
    zf = zipfile.ZipFile(tmp_path / "x.zip", "w")
    with zf, pytest.raises(KeyError), ZipPump(zf) as pump:  # noqa: PT012
        pump.write("a.xml", b"<a/>")
        raise KeyError("while building the next chunk")
    assert _pump_threads() == []
