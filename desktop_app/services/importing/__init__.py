"""Importing export files: preview, mapping, linking, storing one batch with its before-images, the
review of rows that could not be linked, history and rollback.

Other layers import from this package only the names below; its modules are
loaded on first use (the CLI starts without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.services import lazy_surface

if TYPE_CHECKING:
    from desktop_app.services.importing.batch import KIND_LABELS as KIND_LABELS
    from desktop_app.services.importing.batch import BatchInfo as BatchInfo
    from desktop_app.services.importing.batch import ImportPreview as ImportPreview
    from desktop_app.services.importing.batch import list_batches as list_batches
    from desktop_app.services.importing.batch import preview_file as preview_file
    from desktop_app.services.importing.batch import profile_label as profile_label
    from desktop_app.services.importing.batch import rollback_batch as rollback_batch
    from desktop_app.services.importing.batch import save_profile as save_profile
    from desktop_app.services.importing.batch import skipped_row_texts as skipped_row_texts
    from desktop_app.services.importing.files import ImportSummary as ImportSummary
    from desktop_app.services.importing.files import import_files as import_files
    from desktop_app.services.importing.link import norm_name as norm_name
    from desktop_app.services.importing.review import ReviewRow as ReviewRow
    from desktop_app.services.importing.review import accept_match as accept_match
    from desktop_app.services.importing.review import dismiss as dismiss
    from desktop_app.services.importing.review import export_review as export_review
    from desktop_app.services.importing.review import find_account as find_account
    from desktop_app.services.importing.review import list_review as list_review
    from desktop_app.services.importing.review import reopen as reopen
    from desktop_app.services.importing.tools import export_problems as export_problems
    from desktop_app.services.importing.tools import fields_for as fields_for
    from desktop_app.services.importing.tools import import_previews as import_previews
    from desktop_app.services.importing.tools import kinds as kinds
    from desktop_app.services.importing.tools import mapped_preview as mapped_preview

#: Public name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    "BatchInfo": "batch",
    "ImportPreview": "batch",
    "ImportSummary": "files",
    "KIND_LABELS": "batch",
    "ReviewRow": "review",
    "accept_match": "review",
    "dismiss": "review",
    "export_problems": "tools",
    "export_review": "review",
    "fields_for": "tools",
    "find_account": "review",
    "import_files": "files",
    "import_previews": "tools",
    "kinds": "tools",
    "list_batches": "batch",
    "list_review": "review",
    "mapped_preview": "tools",
    "norm_name": "link",
    "preview_file": "batch",
    "profile_label": "batch",
    "reopen": "review",
    "rollback_batch": "batch",
    "save_profile": "batch",
    "skipped_row_texts": "batch",
}

__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_surface(__name__, _WHERE)
