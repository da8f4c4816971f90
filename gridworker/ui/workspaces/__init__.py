"""The main window's workspaces, in navigation order."""
from __future__ import annotations

from .ballots import BallotsWorkspace
from .contacts import ContactsWorkspace
from .households import HouseholdsWorkspace
from .issues import IssuesWorkspace
from .overview import OverviewWorkspace
from .sync import SyncWorkspace
from .visits import VisitsWorkspace

# In the order the navigation list shows them (Ctrl+1 … Ctrl+7).
WORKSPACES: tuple[type, ...] = (
    OverviewWorkspace,
    HouseholdsWorkspace,
    ContactsWorkspace,
    VisitsWorkspace,
    BallotsWorkspace,
    IssuesWorkspace,
    SyncWorkspace,
)
