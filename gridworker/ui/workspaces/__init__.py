"""The registry of the main window's workspaces, in navigation order.

Each module is imported on its own and guarded, so a workspace that is missing (not written yet)
or fails to import never stops the app from starting; ``import_errors`` says what was skipped.
"""
from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

# (module, class name), in the order the navigation list shows them.
ENTRIES: tuple[tuple[str, str], ...] = (
    ("overview", "OverviewWorkspace"),
    ("households", "HouseholdsWorkspace"),
    ("contacts", "ContactsWorkspace"),
    ("visits", "VisitsWorkspace"),
    ("ballots", "BallotsWorkspace"),
    ("issues", "IssuesWorkspace"),
    ("sync", "SyncWorkspace"),
)

import_errors: dict[str, str] = {}


def workspace_classes() -> list[type]:
    """The Workspace subclasses that import cleanly, in navigation order."""
    out = []
    for module, cls_name in ENTRIES:
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
            out.append(getattr(mod, cls_name))
        except (ImportError, AttributeError) as exc:
            import_errors[module] = f"{type(exc).__name__}: {exc}"
            log.warning("workspace %s not available: %s", module, exc)
    return out
