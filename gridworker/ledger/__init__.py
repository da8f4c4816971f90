"""Excel/CSV ledgers in and out: import the community's 台账, export what officials ask for.

No Qt here: the app's dialogs call these from a worker thread with a progress callback
``(done, total)`` and a :class:`CancelToken`.

    from gridworker.ledger import import_ledger, export, CancelToken
    token = CancelToken()
    result = import_ledger(db, actor, path, progress=lambda d, t: ..., cancel=token)
    result.summary()  # {"read", "created", "updated", "unchanged", "rejected", ...}
"""
from __future__ import annotations

from .columns import FIELD_LABELS, FIELDS, ColumnMapping, MappingError, detect_mapping, load_mapping, save_mapping
from .export import KINDS as EXPORT_KINDS, ExportNotAllowed, ExportResult, export
from .importer import ImportResult, RowOutcome, import_ledger, preview
from .progress import CancelToken, Cancelled
from .reader import LedgerFileError, read_table, sheet_names
from .report import write_report

__all__ = [
    "EXPORT_KINDS", "ExportNotAllowed", "ExportResult", "export", "FIELDS", "FIELD_LABELS", "CancelToken", "Cancelled", "ColumnMapping", "ImportResult",
    "LedgerFileError", "MappingError", "RowOutcome", "detect_mapping", "import_ledger", "load_mapping",
    "preview", "read_table", "save_mapping", "sheet_names", "write_report",
]
