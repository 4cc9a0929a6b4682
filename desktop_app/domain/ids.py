"""Salesforce record ids: 15-character (case-sensitive) and 18-character (checksummed) forms."""

from __future__ import annotations

import re

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_RE = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")


def _suffix(id15: str) -> str:
    out = []
    for chunk in range(3):
        bits = 0
        for i, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out.append(_ALPHABET[bits])
    return "".join(out)


def is_salesforce_id(text: str) -> bool:
    """True when ``text`` has the shape of a 15- or 18-character Salesforce id."""
    return bool(_ID_RE.match(text))


def to_18(sf_id: str) -> str:
    """Return the 18-character form of a Salesforce id.

    A 15-character id gets its checksum suffix. An 18-character id whose letter case was
    mangled (e.g. upper-cased by a spreadsheet) is repaired from its own suffix, which is
    case-insensitive. Raises ``ValueError`` for anything that is not an id.
    """
    text = sf_id.strip()
    if not _ID_RE.match(text):
        raise ValueError(f"not a Salesforce id: {sf_id!r}")
    if len(text) == 15:
        return text + _suffix(text)
    base, suffix = text[:15], text[15:].upper()
    if _suffix(base) == suffix:
        return base + suffix
    # Repair case from the checksum: each suffix char encodes which of 5 chars are upper.
    repaired = []
    for chunk, code in enumerate(suffix):
        if code not in _ALPHABET:
            raise ValueError(f"not a Salesforce id: {sf_id!r}")
        bits = _ALPHABET.index(code)
        for i, ch in enumerate(base[chunk * 5 : chunk * 5 + 5]):
            repaired.append(ch.upper() if bits >> i & 1 else ch.lower())
    fixed = "".join(repaired)
    if _suffix(fixed) != suffix:
        raise ValueError(f"Salesforce id checksum does not match: {sf_id!r}")
    return fixed + suffix


def to_15(sf_id: str) -> str:
    """Return the 15-character (case-sensitive) form of a Salesforce id."""
    return to_18(sf_id)[:15]
