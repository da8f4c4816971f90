"""The main window's workspaces, in navigation order."""
from __future__ import annotations

from .ballots import BallotsWorkspace
from .contacts import ContactsWorkspace
from .households import HouseholdsWorkspace
from .issues import IssuesWorkspace
from .overview import OverviewWorkspace
from .service import ServiceWorkspace
from .sync import SyncWorkspace
from .visits import VisitsWorkspace

# In the order the navigation list shows them (Ctrl+1 … Ctrl+8).
WORKSPACES: tuple[type, ...] = (
    OverviewWorkspace,
    HouseholdsWorkspace,
    ContactsWorkspace,
    VisitsWorkspace,
    BallotsWorkspace,
    IssuesWorkspace,
    ServiceWorkspace,
    SyncWorkspace,
)


def workspaces_for(role: str | None) -> tuple[type, ...]:
    """The workspaces a role sees: a party member (联户党员) gets 我的联系户, 志愿服务 for their own
    service and points (and 同步 for their own laptop, where conflicts are read-only to them), never
    the grid worker's workspaces over every household."""
    from ...domain.permissions import PARTY_MEMBER  # noqa: PLC0415
    from .my_households import MyHouseholdsWorkspace  # noqa: PLC0415

    if role == PARTY_MEMBER:
        return (MyHouseholdsWorkspace, ServiceWorkspace, SyncWorkspace)
    return WORKSPACES
