"""Small helpers shared by the domain modules; not part of the public API."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

def get(obj: Any, name: str, default: Any = None) -> Any:
    """Read ``name`` from a mapping or an object, so callers may pass dicts, rows or dataclasses."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def nfkc(s: str) -> str:
    """NFKC folds full-width digits, letters and punctuation to their half-width forms."""
    return unicodedata.normalize("NFKC", s)
