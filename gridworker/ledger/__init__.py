"""Excel/CSV ledgers in and out: import the community's 台账, export what officials ask for.

No Qt here: the app's dialogs call these from a worker thread with a progress callback
``(done, total)`` and a :class:`CancelToken`.

    from gridworker.ledger import import_ledger, export, CancelToken
    token = CancelToken()
    result = import_ledger(db, actor, path, progress=lambda d, t: ..., cancel=token)
    result.summary()  # {"read", "created", "updated", "unchanged", "rejected", ...}
    write_report(result, "校验报告.xlsx")  # rejected rows with a 原因 column
    export(db, actor, "residents", "花名册.xlsx", progress=..., cancel=token)  # "….csv" writes CSV

Typed text stays data: exported cells that could start a formula are written as text (see
:mod:`.sheet`), cells holding control or bidi characters are refused at import, and an .xlsx
that would inflate past the reader's limits is refused before it is opened (see :mod:`.reader`).

Column mappings: ``preview(db, path)["mapping"]`` is what the import would use (saved, else
detected); the dialog edits ``mapping.fields`` (column -> one of ``FIELDS``), calls
``save_mapping(db, mapping)`` and passes ``mapping=`` to ``import_ledger``.
"""
from __future__ import annotations

from .columns import FIELD_LABELS, FIELDS, ColumnMapping, MappingError, detect_mapping, load_mapping, save_mapping
from .export import KINDS as EXPORT_KINDS, ExportNotAllowed, ExportResult, export
from .importer import ImportResult, RowOutcome, import_ledger, preview
from .progress import CancelToken, Cancelled
from .reader import LedgerFileError, read_table, sheet_names
from .report import write_report

__all__ = [
    "EXPORT_KINDS", "FIELDS", "FIELD_LABELS", "CancelToken", "Cancelled", "ColumnMapping", "ExportNotAllowed",
    "ExportResult", "ImportResult", "LedgerFileError", "MappingError", "RowOutcome", "detect_mapping", "export",
    "import_ledger", "load_mapping", "preview", "read_table", "save_mapping", "sheet_names", "write_report",
]
