"""The book: loading the accounts' columns, filtering and sorting them, one account's detail,
notes, the renewal worklist, records for the CLI and exports of what the user sees.

Other layers import from this package only the names below; its modules are
loaded on first use (the CLI starts without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.services import lazy_surface

if TYPE_CHECKING:
    from desktop_app.services.book.copying import copy_book as copy_book
    from desktop_app.services.book.detail import AccountDetail as AccountDetail
    from desktop_app.services.book.detail import DetailHeader as DetailHeader
    from desktop_app.services.book.detail import account_name as account_name
    from desktop_app.services.book.detail import load_detail as load_detail
    from desktop_app.services.book.detail_rows import STALE_REPLY_DAYS as STALE_REPLY_DAYS
    from desktop_app.services.book.detail_rows import ContactRow as ContactRow
    from desktop_app.services.book.detail_rows import NoteRow as NoteRow
    from desktop_app.services.book.detail_rows import NpsRow as NpsRow
    from desktop_app.services.book.detail_rows import OpportunityRow as OpportunityRow
    from desktop_app.services.book.detail_rows import OwnerChange as OwnerChange
    from desktop_app.services.book.detail_rows import ProvenanceRow as ProvenanceRow
    from desktop_app.services.book.detail_rows import SnapshotRow as SnapshotRow
    from desktop_app.services.book.detail_rows import TicketRow as TicketRow
    from desktop_app.services.book.detail_rows import auto_closes_in as auto_closes_in
    from desktop_app.services.book.detail_rows import main_poc_replies as main_poc_replies
    from desktop_app.services.book.detail_rows import open_escalations as open_escalations
    from desktop_app.services.book.export import export_report as export_report
    from desktop_app.services.book.export import export_view as export_view
    from desktop_app.services.book.filter import BookFilter as BookFilter
    from desktop_app.services.book.filter import filter_mask as filter_mask
    from desktop_app.services.book.filter import owner_choices as owner_choices
    from desktop_app.services.book.filter import prepare_indexes as prepare_indexes
    from desktop_app.services.book.filter import row_order as row_order
    from desktop_app.services.book.notes import NOTE_KINDS as NOTE_KINDS
    from desktop_app.services.book.notes import NoteRecord as NoteRecord
    from desktop_app.services.book.notes import add_note as add_note
    from desktop_app.services.book.notes import delete_note as delete_note
    from desktop_app.services.book.notes import restore_note as restore_note
    from desktop_app.services.book.nps import latest_nps_array as latest_nps_array
    from desktop_app.services.book.portfolio import add_facts as add_facts
    from desktop_app.services.book.portfolio import last_import as last_import
    from desktop_app.services.book.portfolio import load_accounts as load_accounts
    from desktop_app.services.book.portfolio import load_book as load_book
    from desktop_app.services.book.records import account_columns as account_columns
    from desktop_app.services.book.records import account_records as account_records
    from desktop_app.services.book.renewals import WINDOW_CHOICES as WINDOW_CHOICES
    from desktop_app.services.book.renewals import Worklist as Worklist
    from desktop_app.services.book.renewals import WorklistRow as WorklistRow
    from desktop_app.services.book.renewals import load_worklist as load_worklist
    from desktop_app.services.book.renewals import rank_rows as rank_rows
    from desktop_app.services.book.renewals import snooze as snooze
    from desktop_app.services.book.renewals import unsnooze as unsnooze
    from desktop_app.services.book.renewals import worklist as worklist
    from desktop_app.services.book.update import load_rows as load_rows
    from desktop_app.services.book.update import merge_rows as merge_rows

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "AccountDetail": "detail",
    "BookFilter": "filter",
    "ContactRow": "detail_rows",
    "DetailHeader": "detail",
    "NOTE_KINDS": "notes",
    "NoteRecord": "notes",
    "NoteRow": "detail_rows",
    "NpsRow": "detail_rows",
    "OpportunityRow": "detail_rows",
    "OwnerChange": "detail_rows",
    "ProvenanceRow": "detail_rows",
    "STALE_REPLY_DAYS": "detail_rows",
    "SnapshotRow": "detail_rows",
    "TicketRow": "detail_rows",
    "WINDOW_CHOICES": "renewals",
    "Worklist": "renewals",
    "WorklistRow": "renewals",
    "account_name": "detail",
    "account_columns": "records",
    "account_records": "records",
    "add_facts": "portfolio",
    "add_note": "notes",
    "auto_closes_in": "detail_rows",
    "copy_book": "copying",
    "delete_note": "notes",
    "export_report": "export",
    "export_view": "export",
    "filter_mask": "filter",
    "last_import": "portfolio",
    "latest_nps_array": "nps",
    "load_accounts": "portfolio",
    "load_book": "portfolio",
    "load_detail": "detail",
    "load_rows": "update",
    "load_worklist": "renewals",
    "main_poc_replies": "detail_rows",
    "merge_rows": "update",
    "open_escalations": "detail_rows",
    "owner_choices": "filter",
    "prepare_indexes": "filter",
    "rank_rows": "renewals",
    "restore_note": "notes",
    "row_order": "filter",
    "snooze": "renewals",
    "unsnooze": "renewals",
    "worklist": "renewals",
}

__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_surface(__name__, _WHERE)
