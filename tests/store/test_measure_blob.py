"""Compact health breakdowns read back bit for bit, beside dense ones (``store.measure_blob``)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from desktop_app.store.measure_blob import (
    compact_ok,
    decode_breakdown,
    decode_breakdowns,
    encode_breakdowns,
    encode_parts,
    rows_bytes,
)

ABSENT = np.array([np.nan, np.nan, 0.0, 0.0])


def _book(n: int, m: int, seed: int = 3) -> np.ndarray:
    """Breakdowns like a young book's: most measures absent, a few accounts odd."""
    rng = np.random.default_rng(seed)
    v = np.empty((n, 4, m))
    v[:] = ABSENT[None, :, None]
    for j in rng.choice(m, size=min(3, m), replace=False):
        have = rng.random(n) < 0.6
        k = int(have.sum())
        v[have, 0, j] = rng.random(k) * 1e4
        v[have, 1, j] = rng.random(k) * 100
        v[have, 2, j] = 40.0
        v[have, 3, j] = rng.random(k) * 40
    v[0] = rng.random((4, m))  # every measure present
    v[1, 0, 0] = -np.nan  # a NaN of another sign: kept, not taken for absent
    v[2, 2, 1] = -0.0  # a negative zero weight: kept
    v[3, 1, 2] = np.nan  # raw without points
    return v


def test_compact_rows_decode_to_the_same_bits() -> None:
    v = _book(3_000, 17)
    blobs = encode_breakdowns(v)
    assert decode_breakdowns(blobs, 17).tobytes() == v.tobytes()
    for i in (0, 1, 2, 3, 4, 2_999):
        assert decode_breakdown(blobs[i], 17).tobytes() == v[i].tobytes()
    # a row with no measure at all is its mask alone; one with every measure is dense
    empty = np.broadcast_to(ABSENT[:, None], (4, 17))[None].copy()
    assert encode_breakdowns(empty) == [b"\x00\x00\x00"]
    assert blobs[0] == v[0].tobytes()


def test_compact_is_small_for_a_young_book() -> None:
    v = _book(2_000, 17)
    sizes = [len(b) for b in encode_breakdowns(v)[5:]]
    assert max(sizes) <= 3 + 32 * 3
    assert sum(sizes) < 0.2 * 32 * 17 * len(sizes)


def test_dense_and_compact_rows_mixed() -> None:
    v = _book(500, 17, seed=9)
    dense = rows_bytes(v.reshape(len(v), -1))
    compact = encode_breakdowns(v)
    mixed = [dense[i] if i % 3 == 0 else compact[i] for i in range(len(v))]
    assert decode_breakdowns(mixed, 17).tobytes() == v.tobytes()
    assert decode_breakdowns(dense, 17).tobytes() == v.tobytes()
    assert decode_breakdown(dense[6], 17).tobytes() == v[6].tobytes()


def test_cards_whose_lengths_could_collide_stay_dense() -> None:
    assert compact_ok(17)
    assert compact_ok(248)
    assert not compact_ok(249)
    assert not compact_ok(256)
    v = _book(20, 256)
    blobs = encode_breakdowns(v)
    assert {len(b) for b in blobs} == {32 * 256}
    assert decode_breakdowns(blobs, 256).tobytes() == v.tobytes()


@pytest.mark.parametrize("m", [17, 70, 256])
def test_rounding_the_kept_columns_only_is_rounding_everything(m: int) -> None:
    """``encode_parts`` rounds only the columns it keeps: the bytes are those of the whole
    array rounded, then encoded (NaN bits and the sign of zero survive rounding)."""
    v = _book(1_500, m, seed=m)
    v[7, 2, 3] = 1e-5  # a weight that rounds to +0.0: absent after rounding, as before
    v[8, 3, 3] = -1e-5  # rounds to -0.0: kept
    digits = [4, 2, 3, 3]
    whole = np.stack([np.round(v[:, k, :], d) for k, d in enumerate(digits)], axis=1)
    parts = [v[:, k, :].copy() for k in range(4)]
    assert encode_parts(parts, digits) == encode_breakdowns(whole)
    assert decode_breakdowns(encode_parts(parts, digits), m).tobytes() == whole.tobytes()


def test_no_rows() -> None:
    assert encode_breakdowns(np.empty((0, 4, 17))) == []


@pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)
def test_a_rescore_stores_compact_rows_and_the_downgrade_makes_them_dense(
    demo_store, dialect: str, today: date
) -> None:
    from alembic import command

    from desktop_app.services.health.scoring import rescore
    from desktop_app.store.book_reader import read_contributions
    from desktop_app.store.engine import alembic_config
    from desktop_app.store.health_repo import stored_measures_json

    rescore(demo_store, today)
    with demo_store.engine.connect() as conn:
        contributions = read_contributions(conn)
        ids = sorted(contributions)[:40]
        texts = {a: stored_measures_json(conn, a) for a in ids}
    path = Path(str(demo_store.engine.url.database))
    demo_store.dispose()
    with sqlite3.connect(path) as raw:
        sizes = [len(b) for (b,) in raw.execute("SELECT measures FROM health_scores")]
    assert sizes
    assert min(sizes) < 32 * 17
    cfg = alembic_config(demo_store.engine)
    with demo_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011_history_key")
    with sqlite3.connect(path) as raw:
        sizes = [len(b) for (b,) in raw.execute("SELECT measures FROM health_scores")]
    assert set(sizes) == {32 * 17}  # dense again, as 0011 reads them
    with demo_store.engine.connect() as conn:
        assert read_contributions(conn) == contributions
        assert {a: stored_measures_json(conn, a) for a in ids} == texts
