"""Code-list labels on screen, translated: the Chinese label a code list holds (上门, 高风险, 已受理,
居民会议 …) shown in the interface language. One translation context, ``codes``, holds them all; the
list comes from the domain's code lists (:func:`all_labels`), so a label added there is picked up by
``i18n_build`` and the English test finds it untranslated."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

CONTEXT = "codes"


def code_label(text: str | None) -> str:
    """``text`` (a Chinese code-list label) in the current language."""
    return QCoreApplication.translate(CONTEXT, text) if text else ""


def all_labels() -> list[str]:
    """Every code-list label the interface shows (for the translation sources)."""
    from ..domain import ballots, codes, issues, meetings, party, service  # noqa: PLC0415
    from ..ledger import EXPORT_KINDS  # noqa: PLC0415
    from ..store.queries_ballots import SCOPE_LABELS  # noqa: PLC0415

    out: list[str] = []
    for v in vars(codes).values():
        if isinstance(v, codes.CodeList):
            out += [x for x in v.values() if isinstance(x, str)]
    out += list(issues.STATUSES.values()) + list(issues.ACTIONS.values())
    out += list(getattr(issues, "ISSUE_LEVELS", {}).values()) + list(getattr(issues, "RATINGS", {}).values())
    out += [spec.label_zh for spec in ballots.RULES.values()] + list(ballots.VOTE_CHOICES.values())
    out += list(party.LEAVE_KINDS.values()) + list(meetings.MEETING_KINDS.values())
    out += list(meetings.DECISION_KINDS.values()) + list(meetings.STATUS_LABELS.values())
    out += [label for label, _fn in EXPORT_KINDS.values()]
    out += list(SCOPE_LABELS.values())
    out += [*service.NEED_SOURCES.values(), *service.NEED_STATUSES.values(), *service.RECORD_KINDS.values(),
            *service.APPROVALS.values(), *service.ENTERED_FROM.values(), *service.COLOURS.values(), "全部"]
    from ..domain.points import ENTRY_KINDS  # noqa: PLC0415
    out += list(ENTRY_KINDS.values())
    out += ["姓名", "类别", "所属支部", "党员中心户", "所属中心户", "联系户", "亮承诺"]  # the roster's columns
    return list(dict.fromkeys(x for x in out if x))
