"""Ballot tallies with exact fractions: residents' meetings and owners' decisions (民法典第278条).

Rules: ``residents_meeting`` (quorum: more than half of the households in scope take part;
passes with more than half of those taking part voting yes), ``art278_ordinary`` and
``art278_major`` (quorum: at least 2/3 of the private floor area AND at least 2/3 of the
owners; approval: more than 1/2, or for major items 6–8 at least 3/4, of the participating
area AND of the participating owners). "过半数" is strictly more than; "以上" includes the bound.
Each household counts as one owner. Abstentions take part but are not yes votes. Areas must be
``Decimal``, ``str``, ``int`` or ``Fraction``: floats are refused, they are not exact.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, NamedTuple

from ._util import get
from .errors import ValidationError

VOTE_CHOICES = {"yes": "同意", "no": "反对", "abstain": "弃权"}


@dataclass(frozen=True)
class RuleSpec:
    """One rule: which thresholds it has, each as (required fraction, inclusive)."""

    label_zh: str
    uses_area: bool
    quorum: Fraction
    quorum_inclusive: bool
    approval: Fraction
    approval_inclusive: bool


RULES: dict[str, RuleSpec] = {
    # Configurable: a city may count one vote per adult by passing residents as the "households".
    "residents_meeting": RuleSpec("居民会议", False, Fraction(1, 2), False, Fraction(1, 2), False),
    "art278_ordinary": RuleSpec("业主共同决定（民法典第二百七十八条，一般事项）", True,
                                Fraction(2, 3), True, Fraction(1, 2), False),
    "art278_major": RuleSpec("业主共同决定（民法典第二百七十八条第六至八项）", True,
                             Fraction(2, 3), True, Fraction(3, 4), True),
}

_SUBJECT_LABELS = {"households": "户数", "owners": "业主人数", "area": "专有部分面积"}


@dataclass(frozen=True)
class Threshold:
    """One condition of a rule: ``actual`` compared with ``required`` (``>=`` if inclusive, else ``>``)."""

    name: str
    label_zh: str
    required: Fraction
    actual: Fraction
    inclusive: bool
    met: bool


@dataclass(frozen=True)
class TallyResult:
    """Turnout, counts, thresholds and the outcome of one ballot."""

    rule: str
    eligible_households: int
    eligible_area: Fraction
    turnout_households: int
    turnout_area: Fraction
    counts: dict[str, int]
    areas: dict[str, Fraction]
    thresholds: list[Threshold]
    quorum_met: bool
    passed: bool
    ineligible: list[Any] = field(default_factory=list)
    spec: RuleSpec | None = None

    def explain(self) -> list[str]:
        """Chinese lines for the printed result sheet."""
        spec = self.spec or RULES[self.rule]
        lines = [f"表决规则：{spec.label_zh}"]
        lines.append(f"应参与：{self.eligible_households}户"
                     + (f"，专有部分面积{format_area(self.eligible_area)}平方米" if spec.uses_area else ""))
        lines.append(f"实际参与：{self.turnout_households}户"
                     + (f"，面积{format_area(self.turnout_area)}平方米" if spec.uses_area else ""))
        for choice, zh in VOTE_CHOICES.items():
            lines.append(f"{zh}：{self.counts[choice]}户"
                         + (f"，面积{format_area(self.areas[choice])}平方米" if spec.uses_area else ""))
        for t in self.thresholds:
            sign = "≥" if t.inclusive else "＞"
            lines.append(f"{t.label_zh}：{format_percent(t.actual)}（要求{sign}{_fraction_zh(t.required)}）"
                         f"，{'达到' if t.met else '未达到'}")
        if self.ineligible:
            lines.append(f"不在表决范围内的投票{len(self.ineligible)}张，未计入")
        if self.passed:
            lines.append("结果：通过")
        elif not self.quorum_met:
            lines.append("结果：未通过（参与比例未达到法定要求）")
        else:
            lines.append("结果：未通过（同意比例未达到要求）")
        return lines


def _fraction_zh(f: Fraction) -> str:
    return {Fraction(1, 2): "二分之一", Fraction(2, 3): "三分之二", Fraction(3, 4): "四分之三"}.get(
        f, f"{f.numerator}/{f.denominator}")


def format_percent(f: Fraction) -> str:
    """``Fraction(2, 3)`` -> ``"66.67%"``, rounded half up for display only."""
    value = (Decimal(f.numerator) * 100 / Decimal(f.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value}%"


def format_area(f: Fraction) -> str:
    """An area for display with two decimals: ``Fraction(179, 2)`` -> ``"89.50"``."""
    return str((Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def to_fraction(value: Any, field: str = "area") -> Fraction:
    """An exact, non-negative area from ``Decimal``, ``str`` (``"89.50"``), ``int`` or ``Fraction``."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError(field, value, "area_not_exact", "面积必须以精确的十进制数给出，不能用浮点数")
    if isinstance(value, Fraction):
        result = value
    elif isinstance(value, int):
        result = Fraction(value)
    elif isinstance(value, (Decimal, str)):
        try:
            d = Decimal(value.strip()) if isinstance(value, str) else value
            if not d.is_finite():
                raise InvalidOperation
            result = Fraction(d)
        except (InvalidOperation, ValueError):
            raise ValidationError(field, value, "area_invalid", "面积不是有效的数字") from None
    elif value is None:
        raise ValidationError(field, value, "area_missing", "业主表决需要每户的专有部分面积")
    else:
        raise ValidationError(field, value, "area_invalid", "面积不是有效的数字")
    if result < 0:
        raise ValidationError(field, value, "area_invalid", "面积不能为负数")
    return result


def _threshold(name: str, subject: str, phase: str, required: Fraction, inclusive: bool,
               numerator: Fraction | int, denominator: Fraction | int) -> Threshold:
    actual = Fraction(numerator, denominator) if denominator else Fraction(0)
    met = bool(denominator) and (actual >= required if inclusive else actual > required)
    label = f"{'参与' if phase == 'quorum' else '同意'}{_SUBJECT_LABELS[subject]}占比"
    return Threshold(name, label, required, actual, inclusive, met)


def tally(rule: str, eligible: Mapping[Any, Any], votes: Mapping[Any, str], *,
          spec: RuleSpec | None = None) -> TallyResult:
    """Count ``votes`` (household -> ``yes``/``no``/``abstain``) against the households in ``eligible``.

    ``eligible`` maps each household in scope to its private floor area (ignored, and may be
    ``None``, for ``residents_meeting``). Votes of households not in ``eligible`` are left out
    and listed in ``ineligible``. Pass one effective vote per household (see ``effective_votes``).
    ``spec`` replaces the built-in rule's thresholds where a city configures its own.
    """
    if spec is None:
        if rule not in RULES:
            raise ValidationError("rule", rule, "rule_unknown", f"未知的表决规则，可选：{'、'.join(RULES)}")
        spec = RULES[rule]
    area = {h: (to_fraction(a, "area") if spec.uses_area else Fraction(0)) for h, a in eligible.items()}
    counts = dict.fromkeys(VOTE_CHOICES, 0)
    areas = {c: Fraction(0) for c in VOTE_CHOICES}
    ineligible = []
    for household, choice in votes.items():
        if choice not in VOTE_CHOICES:
            raise ValidationError("vote", choice, "vote_invalid", "表决意见只能是同意、反对或弃权")
        if household not in area:
            ineligible.append(household)
            continue
        counts[choice] += 1
        areas[choice] += area[household]
    total_households = len(area)
    total_area = sum(area.values(), Fraction(0))
    turnout = sum(counts.values())
    turnout_area = sum(areas.values(), Fraction(0))

    subjects = ("area", "owners") if spec.uses_area else ("households",)
    totals = {"area": (total_area, turnout_area, areas["yes"]),
              "owners": (total_households, turnout, counts["yes"]),
              "households": (total_households, turnout, counts["yes"])}
    quorum = [_threshold(f"quorum_{s}", s, "quorum", spec.quorum, spec.quorum_inclusive,
                         totals[s][1], totals[s][0]) for s in subjects]
    approval = [_threshold(f"approval_{s}", s, "approval", spec.approval, spec.approval_inclusive,
                           totals[s][2], totals[s][1]) for s in subjects]
    quorum_met = all(t.met for t in quorum)
    return TallyResult(
        rule=rule, eligible_households=total_households, eligible_area=total_area,
        turnout_households=turnout, turnout_area=turnout_area, counts=counts, areas=areas,
        thresholds=quorum + approval, quorum_met=quorum_met,
        passed=quorum_met and all(t.met for t in approval), ineligible=ineligible, spec=spec,
    )


class FlaggedVote(NamedTuple):
    """A vote that does not count, with a stable ``code`` and a Chinese ``message`` for the organiser."""

    vote: Any
    code: str
    message: str


class EffectiveVotes(NamedTuple):
    """``effective``: household -> the vote record that counts; ``duplicates``: flagged records."""

    effective: dict[Any, Any]
    duplicates: list[FlaggedVote]

    @property
    def choices(self) -> dict[Any, str]:
        """household -> choice, ready for ``tally``."""
        return {h: get(v, "choice") for h, v in self.effective.items()}


def effective_votes(votes_sorted_by_server_seq: Any) -> EffectiveVotes:
    """One effective vote per household; unpacks as ``(effective, duplicates)``.

    Votes (dicts or objects with ``id``, ``household_id``, ``choice`` and optional ``voids_id``)
    must come in server order. The first vote of a household counts; later ones are flagged
    ``duplicate``. A vote with ``voids_id`` cancels the vote it names (a correction): if it has
    a choice of its own it takes that vote's place, otherwise the household may vote again.
    A void naming an unknown vote, another household's vote or an already voided vote is
    flagged and cancels nothing; a vote without a valid choice is flagged ``invalid_choice``.
    """
    effective: dict[Any, Any] = {}
    flagged: dict[Any, FlaggedVote] = {}   # keyed by vote id, in order of flagging
    seen: dict[Any, Any] = {}
    voided: set[Any] = set()

    def flag(v: Any, code: str, message: str) -> None:
        flagged[get(v, "id", id(v))] = FlaggedVote(v, code, message)

    def cast(v: Any, household: Any) -> None:
        if household in effective:
            flag(v, "duplicate", f"该户已投票（记录{get(effective[household], 'id')}），本票不计入")
        else:
            effective[household] = v

    for v in votes_sorted_by_server_seq:
        vid, household, choice = get(v, "id"), get(v, "household_id"), get(v, "choice")
        target_id = get(v, "voids_id")
        if target_id is None:
            if choice not in VOTE_CHOICES:
                flag(v, "invalid_choice", "表决意见无效，只能是同意、反对或弃权")
            else:
                cast(v, household)
            seen[vid] = v
            continue
        target = seen.get(target_id)
        if target is None:
            flag(v, "void_target_unknown", f"要作废的投票{target_id}不存在或尚未同步")
        elif get(target, "household_id") != household:
            flag(v, "void_other_household", f"不能作废其他户的投票{target_id}")
        elif target_id in voided:
            flag(v, "void_target_already_voided", f"投票{target_id}已被作废")
        elif choice not in (None, "") and choice not in VOTE_CHOICES:
            flag(v, "invalid_choice", "更正后的表决意见无效，只能是同意、反对或弃权")
        else:
            voided.add(target_id)
            flagged.pop(target_id, None)
            if effective.get(household) is target:
                del effective[household]
            if choice in VOTE_CHOICES:
                cast(v, household)
        seen[vid] = v
    return EffectiveVotes(effective, list(flagged.values()))


__all__ = ["RULES", "VOTE_CHOICES", "EffectiveVotes", "FlaggedVote", "RuleSpec", "TallyResult",
           "Threshold", "effective_votes", "format_area", "format_percent", "tally", "to_fraction"]
