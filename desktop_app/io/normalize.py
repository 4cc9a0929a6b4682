"""Pure normalisers for imported cells: ids, money, numbers, percentages, booleans, text.

Each ``parse_*`` function takes one raw cell (str, float, int, bool, date or datetime as the
readers return them) and returns the normalised Python value, ``None`` for a blank cell, or
raises ``ValueError`` whose message is shown to the user. Dates live in ``io/dates.py``.
Column-level helpers work on the distinct values of a column (see ``normalize_uniques``),
so a 100k-row column with few distinct values costs a few hundred parses, not 100k.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from operator import is_not
from typing import Any

import numpy as np

from desktop_app.domain.ids import to_18

_SPACES = re.compile(r"\s+")
_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[$€£¥]|US\$|CA\$|A\$)\s*|\s*(?:[A-Z]{3}|[$€£¥])$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?$")
_DASHES = {"-", "—", "–"}
_TRUE = {"true", "t", "yes", "y", "1", "x", "checked", "on", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "unchecked", "off", "0.0"}


def is_blank(value: Any) -> bool:
    """True for a cell that holds nothing: None, NaN or whitespace-only text."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def clean_text(value: Any) -> str | None:
    """Trim and collapse whitespace; integral floats from spreadsheets lose their ``.0``."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def parse_lower(value: Any) -> str | None:
    """Trimmed, lower-cased text (picklist values such as states)."""
    text = clean_text(value)
    return None if text is None else text.lower()


def parse_email(value: Any) -> str | None:
    """A trimmed, lower-cased e-mail address; raises ``ValueError`` without an ``@``."""
    text = parse_lower(value)
    if text is None:
        return None
    if "@" not in text or " " in text:
        raise ValueError(f"not an e-mail address: {text!r}")
    return text


def parse_sf_id(value: Any) -> str | None:
    """A Salesforce id in its 18-character form (15-char ids extended, case repaired)."""
    text = clean_text(value)
    if text is None:
        return None
    try:
        return to_18(text)
    except ValueError:
        raise ValueError(f"not a Salesforce id: {text!r}") from None


def _number_text(text: str, decimal_comma: bool) -> float:
    """Parse digits with thousands separators; ``decimal_comma`` says which mark is decimal."""
    body = text.replace(" ", "").replace("\u00a0", "").replace("'", "")
    if not _NUMBER.match(body):
        raise ValueError
    sign = -1.0 if body.startswith("-") else 1.0
    body = body.lstrip("+-")
    dec, thou = (",", ".") if decimal_comma else (".", ",")
    if "," in body and "." in body:  # both marks: the last one is the decimal mark
        dec, thou = (",", ".") if body.rindex(",") > body.rindex(".") else (".", ",")
    elif dec not in body and body.count(thou) == 1:
        head, tail = body.split(thou)
        # "1,5" in a decimal-point file, or "1.234" where the other mark is decimal.
        if len(tail) != 3 or head in ("", "0"):
            dec, thou = thou, dec
    if body.count(dec) > 1:
        raise ValueError
    parts = body.split(dec)
    whole = parts[0].split(thou)
    if len(whole) > 1 and (any(len(g) != 3 for g in whole[1:]) or not 1 <= len(whole[0]) <= 3):
        raise ValueError
    number = "".join(whole) + ("." + parts[1] if len(parts) == 2 else "")
    return sign * float(number)


def parse_number(value: Any, *, decimal_comma: bool = False) -> float | None:
    """A plain number ("1,234.5", "1.234,5" with ``decimal_comma``); blank -> None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"not a number: {value!r}")
        return float(value)
    text = str(value).strip()
    try:
        return _number_text(text, decimal_comma)
    except (ValueError, OverflowError):
        raise ValueError(f"not a number: {text!r}") from None


def parse_int(value: Any, *, decimal_comma: bool = False) -> int | None:
    """A whole number (counts, seats, scores); raises ``ValueError`` for fractions."""
    number = parse_number(value, decimal_comma=decimal_comma)
    if number is None:
        return None
    if not number.is_integer():
        raise ValueError(f"not a whole number: {value!r}")
    if abs(number) >= _INT_LIMIT:
        raise ValueError(f"too large a number: {value!r}")
    return int(number)


#: A database integer holds 64 bits; counts beyond that are typos or junk, not seats.
_INT_LIMIT = float(2**63)


def parse_money(value: Any, *, decimal_comma: bool = False, cents: bool = False) -> float | None:
    """A money amount in dollars: "$1,234.50", "USD 1,234.50", "1.234,50 €", "(1,234.50)".

    ``cents`` divides by 100 (Recurly ``*_in_cents`` columns). A lone dash means zero.
    """
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = parse_number(value)
    else:
        text = str(value).strip().replace("\u00a0", " ")
        if text in _DASHES:
            return 0.0
        negative = text.startswith("(") and text.endswith(")")
        body = text[1:-1].strip() if negative else text
        if body.startswith("-") and len(body) > 1 and not body[1].isdigit():
            negative, body = True, body[1:].strip()
        body = _CURRENCY.sub("", body).strip()
        body = _CURRENCY.sub("", body).strip()
        try:
            amount = _number_text(body, decimal_comma) if body else None
        except (ValueError, OverflowError):
            amount = None
        if amount is None:
            raise ValueError(f"not a money amount: {text!r}")
        if negative:
            amount = -abs(amount)
    if amount is None:
        return None
    return round(amount / 100.0, 2) if cents else amount


def parse_bool(value: Any) -> bool | None:
    """TRUE/FALSE, true/false, Yes/No, 1/0, x; blank -> None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not yes/no: {value!r}")


def normalize_percents(values: Sequence[Any], *, decimal_comma: bool = False) -> list[Any]:
    """Percentages of one column as 0-100 numbers: "45%", 45 and 0.45 all give 45.0.

    A column whose bare numbers all lie within 0..1 is read as fractions. Each item of the
    result is a float, None, or a ``ValueError`` for a cell that is not a percentage.
    """
    parsed: list[Any] = []
    bare: list[float] = []
    for value in values:
        try:
            if isinstance(value, str) and value.strip().endswith("%"):
                number = parse_number(value.strip()[:-1], decimal_comma=decimal_comma)
                parsed.append(("%", number))
            else:
                number = parse_number(value, decimal_comma=decimal_comma)
                parsed.append(("n", number))
                if number is not None:
                    bare.append(number)
        except ValueError:
            parsed.append(ValueError(f"not a percentage: {value!r}"))
    fractions = bool(bare) and all(0.0 <= b <= 1.0 for b in bare) and any(0 < b < 1 for b in bare)
    out: list[Any] = []
    for item in parsed:
        if isinstance(item, ValueError):
            out.append(item)
            continue
        tag, number = item
        if number is not None and tag == "n" and fractions:
            number = round(number * 100.0, 6)
        out.append(number)
    return out


def normalize_uniques(
    uniques: Sequence[Any], parse: Callable[[Any], Any]
) -> tuple[list[Any], dict[int, str]]:
    """Apply ``parse`` to each distinct value; return the values and {index: error message}."""
    out: list[Any] = []
    errors: dict[int, str] = {}
    for i, value in enumerate(uniques):
        try:
            out.append(parse(value))
        except (ValueError, OverflowError, TypeError) as exc:
            out.append(None)
            errors[i] = str(exc) or f"cannot read {value!r}"
    return out, errors


# ---------------------------------------------------------------- whole-column fast paths
# A 100k-row column of ids, names or amounts has ~100k distinct values: parsing each one
# through the general per-cell functions dominated the import. These paths handle the
# common clean shapes in bulk and fall back to the per-cell parser for everything else,
# so the results (and error messages) are exactly those of the per-cell functions.

_PLAIN_DECIMAL = re.compile(r"[+-]?\d+(?:\.\d+)?")
_ID15 = re.compile(r"[A-Za-z0-9]{15}")
_ID_WEIGHTS = np.array([1, 2, 4, 8, 16], dtype=np.uint8)
_ID_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)


#: What ``clean_text`` collapses inside a value.
_INNER = ("  ", "\n", "\t", "\r")
#: In texts joined by NUL: a value's outer whitespace, a double space, a line break or tab.
_UNCLEAN_JOINED = re.compile(r"(?:^|\x00)\s|\s(?=\x00|$)|  |[\n\t\r]")


def clean_texts(uniques: Sequence[Any]) -> list[Any]:
    """``clean_text`` of each value; clean strings are passed through without a call.

    A column of texts is checked in one regex scan of the values joined by NUL, so only
    the few values that need cleaning cost a Python call."""
    n = len(uniques)
    if n and set(map(type, uniques)) == {str}:
        joined = "\x00".join(uniques)
        if joined.count("\x00") == n - 1:  # no value holds a NUL itself
            lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=n)
            out = list(uniques)
            bad = set(np.flatnonzero(lengths == 0).tolist())
            if not any(inner in joined for inner in _INNER):
                # Only outer whitespace is left to find: ``str.strip`` returns the value
                # itself when there is none (C speed, no regex over the joined text).
                stripped = map(is_not, uniques, map(str.strip, uniques))
                bad.update(np.flatnonzero(np.fromiter(stripped, dtype=bool, count=n)).tolist())
                hits = []
            else:  # the last character of each match lies inside a value to clean
                hits = [m.end() - 1 for m in _UNCLEAN_JOINED.finditer(joined)]
            if hits:
                starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
                bad.update((np.searchsorted(starts, hits, side="right") - 1).tolist())
            for i in bad:
                out[i] = clean_text(uniques[i])
            return out
    return [u if _is_clean(u) else clean_text(u) for u in uniques]


def _is_clean(value: Any) -> bool:
    """True for text that ``clean_text`` would return unchanged."""
    return (
        type(value) is str
        and value != ""
        and value.strip() == value
        and "  " not in value
        and "\n" not in value
        and "\t" not in value
        and "\r" not in value
    )


def sf_ids_18(uniques: Sequence[Any]) -> tuple[list[Any], dict[int, str]]:
    """``parse_sf_id`` of each value: 15-char ids get their checksum in bulk (numpy)."""
    texts = clean_texts(uniques)
    whole = _ids_18_all(texts)
    if whole is not None:
        return whole, {}
    plain = [i for i, t in enumerate(texts) if type(t) is str and len(t) == 15 and t.isascii()]
    plain = [i for i in plain if _ID15.fullmatch(texts[i])]
    out: list[Any] = [None] * len(texts)
    if plain:
        raw = np.frombuffer("".join(texts[i] for i in plain).encode("ascii"), dtype=np.uint8)
        upper = ((raw >= 65) & (raw <= 90)).reshape(len(plain), 3, 5).astype(np.uint8)
        codes = _ID_ALPHABET[(upper * _ID_WEIGHTS).sum(axis=2)]
        suffixes = codes.tobytes().decode("ascii")
        for k, i in enumerate(plain):
            out[i] = texts[i] + suffixes[3 * k : 3 * k + 3]
    done = np.zeros(len(texts), dtype=bool)
    done[plain] = True
    rest: list[int] = np.flatnonzero(~done).tolist()
    del plain
    parsed, errors = normalize_uniques([uniques[i] for i in rest], parse_sf_id)
    for i, value in zip(rest, parsed, strict=True):
        out[i] = value
    return out, {rest[k]: msg for k, msg in errors.items()}


def _ids_18_all(texts: list[Any]) -> list[str] | None:
    """Every value a plain 15-character id (a Salesforce report's id column): their
    18-character forms, each checked and extended at once over one byte array; else None."""
    n = len(texts)
    if not n or set(map(type, texts)) != {str} or set(map(len, texts)) != {15}:
        return None
    joined = "".join(texts)
    if not joined.isascii():
        return None
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    upper = (raw >= 65) & (raw <= 90)
    if not np.all(upper | ((raw >= 48) & (raw <= 57)) | ((raw >= 97) & (raw <= 122))):
        return None  # what ``_ID15`` refuses: left to the per-value path and its messages
    full = np.empty((n, 18), dtype=np.uint8)
    full[:, :15] = raw.reshape(n, 15)
    full[:, 15:] = _ID_ALPHABET[(upper.reshape(n, 3, 5).astype(np.uint8) * _ID_WEIGHTS).sum(2)]
    text = full.tobytes().decode("ascii")
    return [text[k : k + 18] for k in range(0, 18 * n, 18)]


def numbers_fast(
    uniques: Sequence[Any],
    parse: Callable[[Any], Any],
    *,
    cents: bool = False,
    whole: bool = False,
    decimal_comma: bool = False,
) -> tuple[list[Any], dict[int, str]]:
    """Money/number/int parsing of each value with bulk paths for floats and plain decimals.

    ``parse`` is the per-cell parser used for every value the fast path does not cover, so
    the result equals ``normalize_uniques(uniques, parse)``.
    """
    bulk = _numbers_bulk(uniques, cents=cents, whole=whole, decimal_comma=decimal_comma)
    if bulk is not None:
        return bulk, {}
    out: list[Any] = [None] * len(uniques)
    slow: list[int] = []
    for i, u in enumerate(uniques):
        t = type(u)
        try:
            plain = t is str and not decimal_comma and _PLAIN_DECIMAL.fullmatch(u) is not None
            if t is float or t is int or plain:
                number = float(u)
            else:
                slow.append(i)
                continue
        except OverflowError:
            slow.append(i)
            continue
        if not math.isfinite(number) or (
            whole and (not number.is_integer() or abs(number) >= _INT_LIMIT)
        ):
            slow.append(i)
        elif whole:
            out[i] = int(number)
        else:
            out[i] = round(number / 100.0, 2) if cents else number
    parsed, errors = normalize_uniques([uniques[i] for i in slow], parse)
    for i, value in zip(slow, parsed, strict=True):
        out[i] = value
    return out, {slow[k]: msg for k, msg in errors.items()}


_PLAIN_LINES = re.compile(r"(?:[+-]?\d+(?:\.\d+)?\n)*[+-]?\d+(?:\.\d+)?")
#: Values per ``_PLAIN_LINES`` match: the regex engine keeps state for every repetition of
#: its group (one match over a million values peaked at ~430 MB; over 4,096, ~2 MB).
_PLAIN_SLICE = 4_096


def _all_plain(texts: Sequence[str]) -> bool:
    """Whether every text is a plain decimal (``_PLAIN_DECIMAL``), a slice at a time."""
    return all(
        _PLAIN_LINES.fullmatch("\n".join(texts[i : i + _PLAIN_SLICE])) is not None
        for i in range(0, len(texts), _PLAIN_SLICE)
    )


def _numbers_bulk(
    uniques: Sequence[Any], *, cents: bool, whole: bool, decimal_comma: bool
) -> list[Any] | None:
    """The whole column at once when every value is a plain float or a plain decimal text
    (the shape of nearly every export); None when any value needs the per-value path.

    One regex over the joined text checks the shape, numpy parses (correctly rounded, as
    ``float()``), and the result equals the per-value path exactly. Cents are left to the
    per-value path (``round(x / 100, 2)`` is Python's rounding, not numpy's)."""
    if cents or not uniques:
        return None
    types = set(map(type, uniques))
    if types == {str}:
        if decimal_comma or not _all_plain(uniques):
            return None
    elif not types <= {float, int} or (int in types and not whole):
        return None  # ints of a money column stay per value (float() of a big int)
    try:
        array = np.array(uniques, dtype=np.float64)
    except (OverflowError, ValueError):
        return None
    if not np.isfinite(array).all():
        return None
    if not whole:
        out: list[Any] = array.tolist()
        return out
    if not (np.all(array == np.floor(array)) and np.all(np.abs(array) < _INT_LIMIT)):
        return None
    ints: list[Any] = array.astype(np.int64).tolist()
    return ints
