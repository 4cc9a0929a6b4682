"""A loaded book holds one string object per distinct value of its repeated columns."""

from __future__ import annotations

from datetime import date

from desktop_app.services.book.portfolio import load_book
from desktop_app.store.engine import Store


def test_repeated_strings_are_shared_objects(demo_store: Store, today: date) -> None:
    book = load_book(demo_store, today)
    assert len(book) > 100
    for column in ("team_lead", "segment", "industry", "lifecycle", "computed_band"):
        values = getattr(book, column)
        objects = {id(v) for v in values if v is not None}
        distinct = {v for v in values if v is not None}
        assert len(objects) == len(distinct), column
