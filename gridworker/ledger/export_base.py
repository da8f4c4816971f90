"""What every export builder shares: the context it reads through, the masking book, the registry
of export kinds and the small formatting helpers. ``export`` (the rosters and visits) and
``export_cases`` (issues, ballots, monthly statistics) both build on this module, never on each other.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from ..domain.masking import mask_id_number, mask_phone, mask_text
from .progress import Ticker
from .sheet import Column, SheetBook


@dataclass
class ExportContext:
    """What an export builder gets: a read connection, options, masking and progress."""

    conn: Any
    book: SheetBook
    unmask: bool
    community_id: str | None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ballot_id: str | None = None
    month: str | None = None
    ticker: Ticker | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def rows(self, sql: str, params: tuple = ()) -> list[dict]:
        return [dict(r) for r in self.conn.exec_driver_sql(sql, params).mappings()]

    def phone(self, value: Any) -> str | None:
        if not value:
            return None
        return str(value) if self.unmask else mask_phone(value)

    def id_number(self, value: Any) -> str | None:
        if not value:
            return None
        return str(value) if self.unmask else mask_id_number(value)

    def tick(self, n: int = 1) -> None:
        if self.ticker is not None:
            self.ticker.step(n)


class MaskingBook:
    """A :class:`SheetBook` whose sheets have every number in their text cells, titles and notes
    masked (:func:`mask_text`): what a masked export writes."""

    def __init__(self, book: SheetBook):
        self._book = book

    def add_sheet(self, name: str, title: str, columns: list[Column], rows, *, note: str | None = None) -> int:
        masked = [[mask_text(v) if isinstance(v, str) else v for v in row] for row in rows]
        return self._book.add_sheet(name, mask_text(title), columns, masked,
                                    note=mask_text(note) if note else note)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._book, name)


Builder = Callable[[ExportContext], int]
KINDS: dict[str, tuple[str, Builder]] = {}


def kind(name: str, label: str):
    def register(fn: Builder) -> Builder:
        KINDS[name] = (label, fn)
        return fn
    return register


def code_label(codelist, code: Any) -> str | None:
    if code in (None, ""):
        return None
    return codelist.get(code, code) if isinstance(codelist, dict) else code


def tags_text(value: Any) -> str | None:
    try:
        tags = json.loads(value or "[]")
    except json.JSONDecodeError:
        return str(value)
    return "、".join(tags) or None


def community_name(ctx: ExportContext) -> str:
    if not ctx.community_id:
        return ""
    row = ctx.conn.exec_driver_sql("SELECT name FROM org_unit WHERE id = ?", (ctx.community_id,)).first()
    return row[0] if row else ""


def local_day(value: str | None) -> str:
    """The local calendar day of a stored timestamp, as ISO text (for period filters)."""
    if not value:
        return ""
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return value[:10]
    return (t.astimezone() if t.tzinfo else t).date().isoformat()


def period_text(ctx: ExportContext) -> str:
    if ctx.date_from or ctx.date_to:
        a = ctx.date_from.isoformat() if ctx.date_from else "…"
        b = ctx.date_to.isoformat() if ctx.date_to else "…"
        return f"（{a} 至 {b}）"
    return ""
