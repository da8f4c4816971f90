"""议事会议纪要: one meeting's thread as printable HTML (the app prints it to PDF), from topic to done."""
from __future__ import annotations

import datetime as dt
import html

from ..store.queries_meetings import Thread


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def minutes_html(t: Thread, community: str = "", printed_at: dt.datetime | None = None) -> str:
    printed_at = printed_at or dt.datetime.now().astimezone()
    m = t.meeting
    parts = [f"<h2 align='center'>{_e(community)}{_e(m['kind_label'])}会议纪要</h2>",
             "<table border='1' cellspacing='0' cellpadding='4' width='100%'>",
             f"<tr><td width='18%'>议题</td><td>{_e(m['topic'])}</td></tr>",
             f"<tr><td>时间</td><td>{_e(str(m['held_at'])[:16].replace('T', ' '))}</td></tr>",
             f"<tr><td>地点</td><td>{_e(m['place'])}</td></tr>",
             f"<tr><td>召集人</td><td>{_e(m['convener'])}</td></tr>",
             f"<tr><td>参会</td><td>{_e('、'.join(t.attendees))}（共 {len(t.attendees)} 方）</td></tr>",
             f"<tr><td>会议记录</td><td>{_e(m['minutes']).replace(chr(10), '<br/>')}</td></tr></table>",
             "<h3>议定事项与落实情况</h3>"]
    if not t.decisions:
        parts.append("<p>（本次会议未形成决定）</p>")
    for n, row in enumerate(t.decisions, 1):
        d = row["decision"]
        head = f"{n}. {_e(d.text)}（{_e(row['kind_label'])}，{_e(row['status_label'])}）"
        lines = []
        if d.owner or d.deadline:
            lines.append(f"负责人：{_e(d.owner or '—')}　期限：{_e(d.deadline or '—')}")
        if row.get("ballot_title"):
            lines.append(f"表决：{_e(row['ballot_title'])}")
            lines.extend(_e(x) for x in row.get("ballot_result") or [])
        for at, text, by in d.progress:
            lines.append(f"进展（{_e(str(at)[:10])}{'，' + _e(by) if by else ''}）：{_e(text)}")
        if d.done_at:
            lines.append(f"办结（{_e(str(d.done_at)[:10])}）：{_e(d.done_note)}")
        parts.append(f"<p><b>{head}</b><br/>" + "<br/>".join(lines) + "</p>")
    parts.append("<p><br/>记录人：____________　　参会代表签字：______________________</p>"
                 f"<p align='right'>打印时间：{printed_at.strftime('%Y-%m-%d %H:%M')}</p>")
    return "<html><body style='font-size: 10.5pt;'>" + "".join(parts) + "</body></html>"
