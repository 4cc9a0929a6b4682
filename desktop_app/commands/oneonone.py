"""``oneonone export``: the one-on-one pack of one CSM as a PDF or an .xlsx workbook."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.commands.common import iso_date, opened_store


def register(sub: Any) -> None:
    p = sub.add_parser("oneonone", help="the one-on-one pack for a CSM")
    osub = p.add_subparsers(
        dest="oneonone_command", metavar="ACTION", required=True, parser_class=type(p)
    )
    ex = osub.add_parser("export", help="write the pack (.pdf or .xlsx)")
    ex.add_argument("--owner", required=True, metavar="NAME", help="the CSM (case-insensitive)")
    ex.add_argument("--out", required=True, metavar="FILE", help="a .pdf or .xlsx file")
    ex.add_argument(
        "--since", type=iso_date, metavar="DATE", help="changes since (default: the last pack)"
    )
    ex.add_argument("--as-of", type=iso_date, metavar="DATE", help="the pack's day (default today)")
    ex.set_defaults(handler=cmd_export)


def export_pack(store: Any, owner: str, out: Path, as_of: date, since: date | None) -> str:
    """Build, write and record the pack; returns a one-line summary."""
    if out.suffix.lower() == ".xlsx":  # no Qt needed
        from desktop_app.services.managers import build_pack, record_pack, write_pack_xlsx

        pack = build_pack(store, owner, as_of, since)
        write_pack_xlsx(pack, out)
        record_pack(store, pack)
        return _summary(pack, out, "")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop_app.services.managers import build_pack, record_pack
    from desktop_app.ui.oneonone_pdf import write_pack_file

    # Fonts need an application object; a QApplication (not only a QGuiApplication) so that
    # a later widget in the same process (tests, the GUI) still works.
    _app = QApplication.instance() or QApplication(["account-desk"])
    pack = build_pack(store, owner, as_of, since)
    n = write_pack_file(pack, out)
    record_pack(store, pack)
    return _summary(pack, out, f", {n} page(s)")


def _summary(pack: Any, out: Path, pages: str) -> str:
    return (
        f"Wrote the one-on-one pack of {pack.owner} as of {pack.as_of.isoformat()} "
        f"to {out}{pages}: "
        f"{len(pack.renewals)} renewals in 90 days, {len(pack.changes)} changes, "
        f"{len(pack.alerts)} open alerts"
    )


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_app.services.errors import UserError

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UserError(f"{out.name}: the pack is written as .pdf or .xlsx")
    if not out.parent.exists():
        raise UserError(f"{out}: the folder does not exist")
    with opened_store(args.db) as store:
        print(export_pack(store, args.owner, out, args.as_of or date.today(), args.since))
    return 0
