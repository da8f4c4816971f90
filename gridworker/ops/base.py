"""What every operation shares: the result type, the registry the CLI lists, and the unit of work.

An operation is a plain function ``fn(db, actor, *, params…) -> Done``. It checks the actor's role
against the permission table (domain/permissions.py), writes through one unit of work and returns
what changed. Register it with ``@operation("subject.verb")`` so ``gridworker op`` can run it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..domain.errors import ValidationError
from ..domain.permissions import PermissionDenied
from ..store.database import Actor, Changes, Database


@dataclass
class Done:
    """What an operation did: the rows it changed and the ids a caller needs (``id`` first)."""

    changes: Changes = field(default_factory=Changes)
    id: str | None = None
    ids: dict[str, str | None] = field(default_factory=dict)
    value: Any = None  # an operation that answers rather than writes (a login) puts its answer here

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": True, "id": self.id}
        if self.ids:
            out["ids"] = self.ids
        out["changed"] = {t: sorted(ids) for t, ids in sorted(self.changes.rows.items())}
        if self.value is not None:
            out["value"] = self.value
        return out


@contextlib.contextmanager
def unit(db: Database, actor: Actor, done: Done) -> Iterator[Any]:
    """``db.write(actor)``; when the block commits, ``done.changes`` is what it changed."""
    with db.write(actor) as uow:
        yield uow
    done.changes = uow.changes


def require_role(actor: Actor) -> str:
    """The actor's role; an actor without one (nobody logged in) may do nothing."""
    if not actor.role:
        raise PermissionDenied("请先登录本机用户，再进行操作")
    return actor.role


# --------------------------------------------------------------------------- the registry
@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # str / int / bool / date / datetime / json
    required: bool
    default: Any = None

    def parse(self, raw: str) -> Any:
        """A ``key=value`` value from the command line as this parameter's type."""
        try:
            if self.kind == "int":
                return int(raw)
            if self.kind == "bool":
                if raw.lower() in ("1", "true", "yes", "y", "是"):
                    return True
                if raw.lower() in ("0", "false", "no", "n", "否"):
                    return False
                raise ValueError(raw)
            if self.kind == "json":
                return json.loads(raw)
            if self.kind == "date":
                return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(self.name, raw, "bad_value", f"应为{_KIND_LABELS[self.kind]}") from None
        return raw


_KIND_LABELS = {"str": "文本", "int": "整数", "bool": "是/否（true/false）", "json": "JSON", "date": "日期 YYYY-MM-DD"}


@dataclass(frozen=True)
class Operation:
    name: str
    fn: Callable[..., Done]
    summary: str
    params: tuple[Param, ...]

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


OPERATIONS: dict[str, Operation] = {}


def _kind(annotation: Any) -> str:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    text = text.replace(" ", "")
    for name in ("bool", "int", "date"):
        if text in (name, f"{name}|None", f"dt.{name}", f"dt.{name}|None"):
            return name
    if text in ("str", "str|None"):
        return "str"
    return "json"


def operation(name: str) -> Callable[[Callable[..., Done]], Callable[..., Done]]:
    """Register ``fn(db, actor, *, …)`` as the operation ``name`` (its keyword-only parameters are
    what ``gridworker op name key=value …`` accepts)."""

    def register(fn: Callable[..., Done]) -> Callable[..., Done]:
        params = []
        for p in inspect.signature(fn).parameters.values():
            if p.kind is not inspect.Parameter.KEYWORD_ONLY:
                continue
            required = p.default is inspect.Parameter.empty
            params.append(Param(p.name, _kind(p.annotation), required, None if required else p.default))
        summary = (inspect.getdoc(fn) or name).splitlines()[0]
        if name in OPERATIONS:
            raise ValueError(f"operation {name} registered twice")
        OPERATIONS[name] = Operation(name, fn, summary, tuple(params))
        return fn

    return register


def run(name: str, db: Database, actor: Actor, raw: dict[str, str]) -> Done:
    """Run the operation ``name`` with ``key=value`` strings parsed to each parameter's type."""
    op = OPERATIONS.get(name)
    if op is None:
        raise ValidationError("operation", name, "unknown_operation",
                              f"没有这个操作：{name}（gridworker op list 列出全部操作）")
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        param = op.param(key)
        if param is None:
            known = "、".join(p.name for p in op.params) or "无"
            raise ValidationError(key, value, "unknown_parameter", f"{name} 没有参数 {key}（可用参数：{known}）")
        kwargs[key] = param.parse(value)
    missing = [p.name for p in op.params if p.required and p.name not in kwargs]
    if missing:
        raise ValidationError(missing[0], None, "required", f"{name} 缺少必填参数 {missing[0]}")
    return op.fn(db, actor, **kwargs)


__all__ = ["Done", "OPERATIONS", "Operation", "Param", "operation", "require_role", "run", "unit"]
