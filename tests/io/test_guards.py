"""The workbook guard (before calamine) and the output-file policy, on real files."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from desktop_app.io.model import ImportFileError
from desktop_app.io.output import OutputError, output_target, write_atomically
from desktop_app.io.readers import list_sheets, open_source
from desktop_app.io.xlsx_guard import check_workbook, column_number
from tests.corpus.generate import _FAR, _header_rows, _sheet, _xlsx


def test_column_numbers() -> None:
    assert [column_number(c) for c in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]


def test_an_ordinary_workbook_passes_and_reads(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "ok.xlsx", _sheet(_header_rows(), "A1:C2"))
    check_workbook(path)
    assert open_source(path).head[1][0] == "001A000001AbCdE"


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        (_sheet(_header_rows(_FAR), "A1:XFD1048576"), "dimension A1:XFD1048576 is implausible"),
        (_sheet(_header_rows(_FAR), "A1:C2"), "16,384 columns is implausible"),
        (_sheet(_header_rows(_FAR)), "16,384 columns is implausible"),
        (_sheet(_header_rows('<row r="900000"><c r="AZ900000"><v>1</v></c></row>')),
         "implausible"),
    ],
)  # fmt: skip
def test_far_cells_are_refused_before_calamine_reads(
    tmp_path: Path, sheet: str, message: str
) -> None:
    path = _xlsx(tmp_path / "far.xlsx", sheet)
    for read in (check_workbook, open_source, list_sheets):
        with pytest.raises(ImportFileError, match=message) as info:
            read(path)
        assert "far.xlsx" in str(info.value)


def test_a_zip_bomb_is_refused_by_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh,
    ):
        for _ in range(80):
            fh.write(b" " * (1 << 20))
    with pytest.raises(ImportFileError, match="zip bomb"):
        check_workbook(path)


def test_output_policy(tmp_path: Path) -> None:
    new = tmp_path / "new.csv"
    assert output_target(new, overwrite=False) == new
    new.write_text("x")
    with pytest.raises(OutputError, match="file exists"):
        output_target(new, overwrite=False)
    assert output_target(new, overwrite=True) == new
    with pytest.raises(OutputError, match="is a folder"):
        output_target(tmp_path, overwrite=True)
    with pytest.raises(OutputError, match="not a regular file"):
        output_target("/dev/null", overwrite=True)
    with pytest.raises(OutputError, match="folder does not exist"):
        output_target(tmp_path / "nope" / "x.csv", overwrite=True)
    loop = tmp_path / "loop.csv"
    os.symlink(loop, loop)
    with pytest.raises(OutputError, match="loop"):
        output_target(loop, overwrite=True)
    link = tmp_path / "link.csv"
    os.symlink(new, link)
    assert output_target(link, overwrite=True) == new.resolve()


def test_an_interrupted_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("before")

    def fail(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, ".csv", fail)
    assert target.read_text() == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_sheet_count_reads_only_the_workbook_part(tmp_path: Path) -> None:
    """The repeat check counts sheets without opening them (and never fewer than
    ``list_sheets`` finds), for text files, one-sheet and two-sheet workbooks."""
    import openpyxl

    from desktop_app.io.readers import list_sheets
    from desktop_app.io.sniff import sheet_count

    text = tmp_path / "a.csv"
    text.write_text("Account ID,Account Name\n1,A\n", encoding="utf-8")
    assert sheet_count(text) == 1
    for n in (1, 2, 3):
        wb = openpyxl.Workbook()
        for k in range(1, n):
            wb.create_sheet(f"Sheet {k}")
        path = tmp_path / f"book{n}.xlsx"
        wb.save(path)
        assert sheet_count(path) == n == len(list_sheets(path, count_rows=False))


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize(
    "far",
    [
        "<row r='3'><c r='XFD3'><v>1</v></c></row>",  # single quotes
        '<row r="3"><c r = "XFD3"><v>1</v></c></row>',  # blanks around =
        '<row r="3"><c\tr="XFD3"><v>1</v></c></row>',  # a tab, not a space
        '<row r="3"><c t="n" r="XFD3"><v>1</v></c></row>',  # r not first
        f'<row r="3"><x:c xmlns:x="{_NS}" r="XFD3"><x:v>1</x:v></x:c></row>',
        f'<row r="3"><x:c xmlns:x="{_NS}" r = "XFD3"><x:v>1</x:v></x:c></row>',
    ],
)
def test_far_cells_spelled_as_xml_allows_are_refused(tmp_path: Path, far: str) -> None:
    """calamine reads every one of these spellings of a reference (checked with a near
    cell), so the guard must too; before, three of them went through unseen."""
    path = _xlsx(tmp_path / "far.xlsx", _sheet(_header_rows(far)))
    with pytest.raises(ImportFileError, match="16,384 columns is implausible"):
        check_workbook(path)


def _big_sheet(rows: int, extra: str = "", at: int = -1) -> str:
    """An ordinary sheet of ``rows`` 3-cell rows (several guard chunks) with ``extra``
    inserted after row ``at`` (default: at the end)."""
    body = [
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>Account '
        f'{r} Medical Group</t></is></c><c r="C{r}"><v>{r * 7}</v></c></row>'
        for r in range(1, rows + 1)
    ]
    body.insert(len(body) if at < 0 else at, extra)
    return _sheet("".join(body))


@pytest.mark.parametrize("at", [10, 60_000, -1])
def test_a_far_cell_anywhere_in_a_big_sheet_is_refused(tmp_path: Path, at: int) -> None:
    far = '<row r="70001"><c r="A70001"><v>1</v></c><c r="XFD9"><v>1</v></c></row>'
    path = _xlsx(tmp_path / "far.xlsx", _big_sheet(70_000, far, at))
    with pytest.raises(ImportFileError, match="16,384 columns is implausible"):
        check_workbook(path)


def test_a_row_far_below_in_a_big_sheet_is_refused(tmp_path: Path) -> None:
    far = '<row r="900000"><c r="Z9000000"><v>1</v></c></row>'
    path = _xlsx(tmp_path / "far.xlsx", _big_sheet(70_000, far, 30_000))
    with pytest.raises(ImportFileError, match="implausible"):
        check_workbook(path)


def test_unreferenced_cells_in_a_big_sheet_count_as_columns(tmp_path: Path) -> None:
    wide = '<row r="30001">' + "<c><v>1</v></c>" * 1_500 + "</row>"
    path = _xlsx(tmp_path / "wide.xlsx", _big_sheet(70_000, wide, 30_000))
    with pytest.raises(ImportFileError, match="1,500 columns is implausible"):
        check_workbook(path)


def test_an_ordinary_big_sheet_is_checked_on_the_quick_path(tmp_path: Path) -> None:
    """Every chunk of an ordinary sheet passes the two-pass check; each crafted shape
    sends its chunk to the reference-by-reference reading."""
    from desktop_app.io.xlsx_guard import _Extent, _ordinary

    path = _xlsx(tmp_path / "big.xlsx", _big_sheet(70_000))
    check_workbook(path)
    assert open_source(path).sheets[0].rows == 70_000
    with zipfile.ZipFile(path) as z:
        data = z.read("xl/worksheets/sheet1.xml")
    ext = _Extent()
    assert _ordinary(data[: data.rfind(b"<row")], ext)
    assert (ext.rows, ext.cols) == (69_999, 26)
    for odd in (
        b'<row r="7"><c r="AA7"><v>1</v></c></row>',
        b'<row r="7"><c r="A1000000"><v>1</v></c></row>',
        b"<row r='7'><c r='A7'><v>1</v></c></row>",
        b'<row r="7"><c><v>1</v></c></row>',
        b'<row r="7"><c t="n" r="A7"><v>1</v></c></row>',
        b'<row r="7"><x:c r = "A7"><v>1</v></x:c></row>',
    ):
        ext = _Extent()
        assert not _ordinary(data[:5000] + odd, ext), odd
        assert (ext.rows, ext.cols) == (0, 0)


def _break_crc(path: Path, member: str) -> None:
    """Write a wrong CRC-32 for ``member`` in its local header and the central directory."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for sig, at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        pos = data.find(sig)
        while pos >= 0:
            start = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[start : start + len(name)] == name:
                data[pos + at : pos + at + 4] = bytes(
                    b ^ 0xFF for b in data[pos + at : pos + at + 4]
                )
            pos = data.find(sig, pos + 4)
    path.write_bytes(bytes(data))


def test_a_far_cell_behind_a_wrong_crc_is_still_refused(tmp_path: Path) -> None:
    """The guard reads the sheet without checking its CRC (calamine reports that damage):
    a wrong CRC no longer lets a sheet through unread."""
    path = _xlsx(
        tmp_path / "far.xlsx", _sheet(_header_rows('<row r="3"><c r="XFD3"><v>1</v></c></row>'))
    )
    _break_crc(path, "xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(path) as z:
        assert z.testzip() == "xl/worksheets/sheet1.xml"
    with pytest.raises(ImportFileError, match="16,384 columns is implausible"):
        check_workbook(path)
    ok = _xlsx(tmp_path / "ok.xlsx", _sheet(_header_rows(), "A1:C2"))
    _break_crc(ok, "xl/worksheets/sheet1.xml")
    check_workbook(ok)
    with pytest.raises(ImportFileError, match="damaged"):
        open_source(ok)


def test_text_that_looks_like_a_reference_is_not_one(tmp_path: Path) -> None:
    """An odd chunk is read reference by reference; a cell's text such as
    'Founder="AB12345678"' is not a reference (an attribute follows a blank)."""
    text = '<row r="3"><c r="A3" t="inlineStr"><is><t>Founder="AB12345678"</t></is></c></row>'
    path = _xlsx(tmp_path / "text.xlsx", _sheet(_header_rows(text)))
    check_workbook(path)
    assert open_source(path).head[2][0] == 'Founder="AB12345678"'


def test_the_numpy_proof_of_an_ordinary_chunk_refuses_every_odd_shape(tmp_path: Path) -> None:
    """``_plain_refs`` proves a plain chunk; whatever it proves, the three regex passes
    (the check it stands in for) find nothing odd in: random edits of a plain chunk."""
    import random

    from desktop_app.io.xlsx_guard import _SPACED_EQ, _UNREFERENCED, _odd_ref, _plain_refs

    path = _xlsx(tmp_path / "big.xlsx", _big_sheet(70_000))
    with zipfile.ZipFile(path) as z:
        data = z.read("xl/worksheets/sheet1.xml")
    start = data.find(b'<row r="500"')
    plain = data[start : data.find(b'<row r="600"')]
    assert _plain_refs(plain, 5)
    assert not _plain_refs(plain, 2)  # row 500 has more digits than 2
    assert not _plain_refs(b'<worksheet xmlns:r="http://x/r">' + plain, 5)  # Excel's head
    for odd in (b'<c r="AA7"><v>1</v></c>', b'<c r="A1000000"><v>1</v></c>',
                b"<c r='A7'><v>1</v></c>", b"<c><v>1</v></c>", b'<c t="n" r="A7"></c>',
                b'<x:c r = "A7"></x:c>', b'<c\tr="A7"></c>', b"<c/>",
                b'<c r="A"></c>', b'<c r=""></c>', b"<t>Founder=1</t>"):  # fmt: skip
        assert not _plain_refs(plain + odd, 5), odd
    rng = random.Random(11)
    pieces = [b"<c", b"<c ", b"<c>", b"r=", b" r=", b"r =", b'="', b"='", b'<c r="', b"AA",
              b"1000000", b'<x:c r="A1"', b"<c/>", b'<row r="', *(bytes([c]) for c in
              b'<>="\' rcowAZ09:\t\n/')]  # fmt: skip
    proved = 0
    for _ in range(3000):
        chunk = bytearray(plain[: 4000 + rng.randrange(2000)])
        for _ in range(rng.randint(1, 3)):
            at, piece = rng.randrange(len(chunk)), rng.choice(pieces)
            chunk[at : at + (len(piece) if rng.random() < 0.3 else 0)] = piece
        digits = rng.choice([3, 5, 6])
        if _plain_refs(bytes(chunk), digits):
            proved += 1
            for rx in (_odd_ref(digits), _UNREFERENCED, _SPACED_EQ):
                assert rx.search(bytes(chunk)) is None, bytes(chunk)
    assert proved > 100  # the property was put to the test
