"""志愿服务 (三报到三服务): service records and their approval, entry from a paper sign-in sheet (one
keystroke per attendee), the need list and claims, balances and statements (时间银行) with redemption,
红领 teams and the quarter's 红榜. A party member sees the same workspace for themselves: their own
records, the need list to claim from, and their own statement."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QSpinBox,
                               QSplitter, QTabWidget, QVBoxLayout, QWidget)

from ... import ops
from ...domain import permissions as perm
from ...domain import service as rules
from ...store import queries_ballots
from ...store import queries_service as q
from ...store.database import Changes
from ..labels import code_label
from ..tasks import run_operation
from ..widgets.tables import fill, make_table
from ..workspace import Workspace

TABLES = ("service_record", "service_need", "service_team", "points_ledger", "party_member", "visit", "ballot")
COLOURS = {"green": "#2e7d32", "amber": "#b26a00", "red": "#b00020"}


def _num(value: Any) -> str:
    return format(Decimal(str(value or 0)).normalize(), "f")


class SheetList(QListWidget):
    """The members of a sign-in sheet: Enter or Space on a name records that attendee (one keystroke)."""

    def __init__(self, on_sign, parent: QWidget | None = None):
        super().__init__(parent)
        self.on_sign = on_sign
        self.itemActivated.connect(lambda it: self.on_sign(it))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Space and self.currentItem() is not None:
            self.on_sign(self.currentItem())
            return
        super().keyPressEvent(event)


class ServiceWorkspace(Workspace):
    """志愿服务: 服务登记与审核, 按签到表录入, 需求清单, 积分（时间银行）, 红领服务队, 红榜."""

    key = "service"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.data: dict[str, Any] = {}
        self._loading = False
        self._again = False
        self.today = dt.date.today
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("service_tabs")
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.tabs.addTab(self._records_tab(), self.tr("服务登记与审核"))
        self.tabs.addTab(self._sheet_tab(), self.tr("按签到表录入"))
        self.tabs.addTab(self._needs_tab(), self.tr("需求清单"))
        self.tabs.addTab(self._points_tab(), self.tr("积分（时间银行）"))
        self.tabs.addTab(self._teams_tab(), self.tr("红领服务队"))
        self.tabs.addTab(self._honour_tab(), self.tr("红榜"))
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.error)

    def title(self) -> str:
        return self.tr("志愿服务")

    # ------------------------------------------------------------------ tabs
    def _records_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        top = QHBoxLayout()
        self.record_filter = QComboBox(page)
        for code, label in (("pending", "待审核"), ("approved", "已审核"), ("rejected", "未通过"), ("", "全部")):
            self.record_filter.addItem(code_label(label), code or None)
        self.record_filter.currentIndexChanged.connect(lambda *_: self._show_records())
        top.addWidget(QLabel(self.tr("显示"), page))
        top.addWidget(self.record_filter)
        top.addStretch(1)
        self.approve_button = QPushButton(self.tr("审核通过选中记录"), page)
        self.approve_button.setObjectName("approve_button")
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_reason = QLineEdit(page)
        self.reject_reason.setPlaceholderText(self.tr("不通过的原因"))
        self.reject_button = QPushButton(self.tr("不通过"), page)
        self.reject_button.clicked.connect(self.reject_selected)
        for w in (self.approve_button, self.reject_reason, self.reject_button):
            top.addWidget(w)
        v.addLayout(top)
        self.records = make_table([self.tr("日期"), self.tr("党员"), self.tr("类型"), self.tr("时长"), self.tr("服务户数"),
                                   self.tr("服务队"), self.tr("活动"), self.tr("登记方式"), self.tr("审核"),
                                   self.tr("积分")], parent=page, name="service_records", stretch=6)
        self.records.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        v.addWidget(self.records, 1)
        box = QGroupBox(self.tr("登记一次服务"), page)
        form = QFormLayout(box)
        self.member = QComboBox(box)
        self.kind = QComboBox(box)
        for code, label in rules.RECORD_KINDS.items():
            self.kind.addItem(code_label(label), code)
        self.served_on = QDateEdit(QDate.currentDate(), box)
        self.served_on.setCalendarPopup(True)
        self.served_on.setDisplayFormat("yyyy-MM-dd")
        self.hours = QLineEdit(box)
        self.hours.setPlaceholderText(self.tr("如 2 或 1.5"))
        self.activity = QLineEdit(box)
        self.activity.setPlaceholderText(self.tr("如：为独居老人打扫卫生"))
        self.households_served = QSpinBox(box)
        self.households_served.setRange(0, 999)
        self.team = QComboBox(box)
        self.need = QComboBox(box)
        form.addRow(self.tr("党员"), self.member)
        form.addRow(self.tr("类型"), self.kind)
        form.addRow(self.tr("日期"), self.served_on)
        form.addRow(self.tr("时长（小时）"), self.hours)
        form.addRow(self.tr("活动"), self.activity)
        form.addRow(self.tr("服务户数"), self.households_served)
        form.addRow(self.tr("服务队"), self.team)
        form.addRow(self.tr("认领的需求"), self.need)
        self.record_button = QPushButton(self.tr("保存服务记录"), box)
        self.record_button.setObjectName("record_service_button")
        self.record_button.clicked.connect(self.record)
        form.addRow(self.record_button)
        v.addWidget(box)
        return page

    def _sheet_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        help_ = QLabel(self.tr("先填活动、日期和时长，再在名单上逐个选中签到的党员按回车或空格：每按一次登记一人，"
                               "登记后待书记审核。"), page)
        help_.setWordWrap(True)
        v.addWidget(help_)
        row = QHBoxLayout()
        self.sheet_activity = QLineEdit(page)
        self.sheet_activity.setPlaceholderText(self.tr("活动名称"))
        self.sheet_date = QDateEdit(QDate.currentDate(), page)
        self.sheet_date.setCalendarPopup(True)
        self.sheet_date.setDisplayFormat("yyyy-MM-dd")
        self.sheet_hours = QLineEdit(page)
        self.sheet_hours.setPlaceholderText(self.tr("时长（小时）"))
        self.sheet_team = QComboBox(page)
        for w in (self.sheet_activity, self.sheet_date, self.sheet_hours, self.sheet_team):
            row.addWidget(w)
        v.addLayout(row)
        self.sheet = SheetList(self.sign, page)
        self.sheet.setObjectName("signin_list")
        v.addWidget(self.sheet, 1)
        self.sheet_count = QLabel(page)
        v.addWidget(self.sheet_count)
        return page

    def _needs_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.needs = make_table([self.tr("需求"), self.tr("来源"), self.tr("地点"), self.tr("时间"), self.tr("人数"),
                                 self.tr("技能"), self.tr("状态"), self.tr("认领")], parent=page, name="service_needs",
                                stretch=0)
        v.addWidget(self.needs, 1)
        act = QHBoxLayout()
        self.claim_team = QComboBox(page)
        self.claim_button = QPushButton(self.tr("认领选中需求"), page)
        self.claim_button.clicked.connect(self.claim)
        self.done_button = QPushButton(self.tr("标记完成"), page)
        self.done_button.clicked.connect(lambda: self.close_need("done"))
        self.cancel_button = QPushButton(self.tr("取消需求"), page)
        self.cancel_button.clicked.connect(lambda: self.close_need("cancelled"))
        act.addWidget(QLabel(self.tr("认领人"), page))
        act.addWidget(self.claim_team, 1)
        for w in (self.claim_button, self.done_button, self.cancel_button):
            act.addWidget(w)
        v.addLayout(act)
        box = QGroupBox(self.tr("列入需求清单"), page)
        form = QFormLayout(box)
        self.need_title = QLineEdit(box)
        self.need_title.setPlaceholderText(self.tr("如：帮3户独居老人代买药"))
        self.need_source = QComboBox(box)
        for code, label in rules.NEED_SOURCES.items():
            self.need_source.addItem(code_label(label), code)
        self.need_place = QLineEdit(box)
        self.need_people = QSpinBox(box)
        self.need_people.setRange(1, 100)
        self.need_skills = QLineEdit(box)
        form.addRow(self.tr("需求＊"), self.need_title)
        form.addRow(self.tr("来源"), self.need_source)
        form.addRow(self.tr("地点"), self.need_place)
        form.addRow(self.tr("需要人数"), self.need_people)
        form.addRow(self.tr("技能"), self.need_skills)
        self.add_need_button = QPushButton(self.tr("列入清单"), box)
        self.add_need_button.clicked.connect(self.add_need)
        form.addRow(self.add_need_button)
        v.addWidget(box)
        return page

    def _points_tab(self) -> QWidget:
        page = QWidget()
        split = QSplitter(Qt.Orientation.Vertical, page)
        self.balances = make_table([self.tr("党员"), self.tr("支部"), self.tr("余额"), self.tr("获得"), self.tr("已兑换"),
                                    self.tr("今年时长"), self.tr("应达进度"), self.tr("进度"), self.tr("待审核")],
                                   parent=page, name="service_balances", stretch=1)
        self.balances.itemSelectionChanged.connect(self._show_statement)
        split.addWidget(self.balances)
        lower = QWidget(page)
        lv = QVBoxLayout(lower)
        self.statement_title = QLabel(lower)
        lv.addWidget(self.statement_title)
        self.statement = make_table([self.tr("时间"), self.tr("类型"), self.tr("事项"), self.tr("时长"), self.tr("积分"),
                                     self.tr("余额"), self.tr("审核 / 经办")], parent=lower, name="service_statement",
                                    stretch=2)
        lv.addWidget(self.statement, 1)
        row = QHBoxLayout()
        self.redeem_points = QLineEdit(lower)
        self.redeem_points.setPlaceholderText(self.tr("兑换积分"))
        self.redeem_item = QLineEdit(lower)
        self.redeem_item.setPlaceholderText(self.tr("兑换的物品或服务，如：理发一次"))
        self.redeem_button = QPushButton(self.tr("兑换"), lower)
        self.redeem_button.clicked.connect(self.redeem)
        row.addWidget(self.redeem_points)
        row.addWidget(self.redeem_item, 2)
        row.addWidget(self.redeem_button)
        lv.addLayout(row)
        split.addWidget(lower)
        QVBoxLayout(page).addWidget(split)
        return page

    def _teams_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.teams = make_table([self.tr("服务队"), self.tr("队长"), self.tr("队员"), self.tr("服务对象（户）"),
                                 self.tr("本季度时长"), self.tr("本季度走访"), self.tr("重点服务")], parent=page,
                                name="service_teams", stretch=2)
        v.addWidget(self.teams, 1)
        box = QGroupBox(self.tr("新建红领服务队"), page)
        form = QFormLayout(box)
        self.team_name = QLineEdit(box)
        self.team_leader = QComboBox(box)
        self.team_members = QListWidget(box)
        self.team_members.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.team_members.setFixedHeight(90)
        self.team_focus = QLineEdit(box)
        self.team_focus.setPlaceholderText(self.tr("如：独居老人、残疾人"))
        form.addRow(self.tr("名称＊"), self.team_name)
        form.addRow(self.tr("队长"), self.team_leader)
        form.addRow(self.tr("队员"), self.team_members)
        form.addRow(self.tr("重点服务"), self.team_focus)
        self.team_button = QPushButton(self.tr("保存服务队"), box)
        self.team_button.clicked.connect(self.save_team)
        form.addRow(self.team_button)
        v.addWidget(box)
        return page

    def _honour_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        row = QHBoxLayout()
        self.honour_day = QDateEdit(QDate.currentDate(), page)
        self.honour_day.setCalendarPopup(True)
        self.honour_day.setDisplayFormat("yyyy-MM-dd")
        self.honour_day.dateChanged.connect(lambda *_: self.reload())
        self.honour_title = QLabel(page)
        row.addWidget(QLabel(self.tr("季度（选其中一天）"), page))
        row.addWidget(self.honour_day)
        row.addWidget(self.honour_title, 1)
        v.addLayout(row)
        cols = [self.tr("名次"), self.tr("名称"), self.tr("服务时长"), self.tr("积分"), self.tr("服务次数"), self.tr("服务户数")]
        v.addWidget(QLabel(self.tr("党员红榜"), page))
        self.honour_members = make_table(cols, parent=page, name="honour_members", stretch=1)
        v.addWidget(self.honour_members, 1)
        v.addWidget(QLabel(self.tr("服务队红榜"), page))
        self.honour_teams = make_table(cols, parent=page, name="honour_teams", stretch=1)
        v.addWidget(self.honour_teams, 1)
        # 星级文明户: a yearly selection run as a ballot of nominees; its result goes to the households.
        box = QGroupBox(self.tr("星级文明户评选"), page)
        grid = QFormLayout(box)
        self.civility_year = QSpinBox(box)
        self.civility_year.setRange(2000, 2100)
        self.civility_year.setValue(dt.date.today().year)
        self.nominees = QPlainTextEdit(box)
        self.nominees.setPlaceholderText(self.tr("每行一户被提名的住户地址，如：阳光花园3幢101室"))
        self.nominees.setTabChangesFocus(True)
        self.nominees.setFixedHeight(54)
        self.open_selection_button = QPushButton(self.tr("发起评选（在“议事表决”中录入投票）"), box)
        self.open_selection_button.clicked.connect(self.open_selection)
        grid.addRow(self.tr("年度"), self.civility_year)
        grid.addRow(self.tr("提名"), self.nominees)
        grid.addRow(self.open_selection_button)
        row2 = QHBoxLayout()
        self.selection = QComboBox(box)
        self.winners = QSpinBox(box)
        self.winners.setRange(1, 100)
        self.winners.setValue(3)
        self.winners.setPrefix(self.tr("评出 "))
        self.stars = QSpinBox(box)
        self.stars.setRange(1, 5)
        self.stars.setValue(5)
        self.stars.setSuffix(self.tr(" 星"))
        self.apply_selection_button = QPushButton(self.tr("写入评选结果"), box)
        self.apply_selection_button.clicked.connect(self.apply_selection)
        row2.addWidget(self.selection, 1)
        for w in (self.winners, self.stars, self.apply_selection_button):
            row2.addWidget(w)
        grid.addRow(self.tr("已结束的评选"), row2)
        v.addWidget(box)
        return page

    # ------------------------------------------------------------------ context and data
    @property
    def role(self) -> str | None:
        return self.ctx.session.role if self.ctx is not None else None

    @property
    def is_member(self) -> bool:
        return self.role == perm.PARTY_MEMBER

    def set_context(self, ctx: Any) -> None:
        super().set_context(ctx)
        role = self.role
        approve = perm.may(role, "service.approve")
        manage = perm.may(role, "service.manage")
        for w in (self.approve_button, self.reject_button, self.reject_reason):
            w.setVisible(approve)
        for w in (self.done_button, self.cancel_button, self.add_need_button, self.team_button):
            w.setEnabled(manage)
        ballots = perm.may(role, "ballot.manage")
        for w in (self.open_selection_button, self.apply_selection_button):
            w.setEnabled(ballots)
        self.redeem_button.setEnabled(perm.may_points(role, "redeem"))
        self.member.setEnabled(not self.is_member)
        # A party member's screen: their own records, the need list, their statement.
        for i in (1, 4, 5):
            self.tabs.setTabVisible(i, not self.is_member)
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        if any(changes.touched(t) for t in TABLES):
            self.reload()

    def reload(self) -> None:
        """Read everything off the UI thread; a run of changes reloads once more, not once each."""
        if self.ctx is None:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        today, honour = self.today(), self.honour_day.date().toPython()
        mine = self.ctx.actor.member_id if self.is_member else None

        def work(_state: Any) -> dict[str, Any]:
            with self.ctx.db.read() as conn:
                return {"records": q.records(conn, approval=None, member_id=mine), "needs": q.needs(conn),
                        "balances": [b for b in q.balances(conn, today) if mine is None or b["member_id"] == mine],
                        "teams": q.teams(conn, today), "members": q.members(conn),
                        "honour_members": q.honour_roll(conn, honour), "honour_teams": q.honour_roll(conn, honour, by="team"),
                        "statements": {mine: q.statement(conn, mine)} if mine else {},
                        "selections": [b for b in queries_ballots.list_ballots(conn)
                                       if b["title"].endswith("星级文明户评选")]}

        def done(data: dict[str, Any]) -> None:
            self._loading = False
            self.data = data
            self._show()
            if self._again:
                self._again = False
                self.reload()

        def failed(exc: BaseException) -> None:
            self._loading = False
            self.error.setText(str(exc))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def _show(self) -> None:
        d = self.data
        self._fill_combo(self.member, [(m["name"], m["id"]) for m in d["members"]])
        if self.is_member and self.ctx.actor.member_id:
            i = self.member.findData(self.ctx.actor.member_id)
            self.member.setCurrentIndex(max(i, 0))
        teams = [(t["name"], t["id"]) for t in d["teams"]]
        none = self.tr("（无）")
        self._fill_combo(self.team, [(none, None)] + teams)
        self._fill_combo(self.sheet_team, [(self.tr("服务队（可不选）"), None)] + teams)
        self._fill_combo(self.need, [(none, None)] + [(n["title"], n["id"]) for n in d["needs"]
                                                       if n["status"] in ("open", "claimed")])
        self._fill_combo(self.claim_team, [(m["name"], ("member", m["id"])) for m in d["members"]]
                         + [(self.tr("服务队：") + t["name"], ("team", t["id"])) for t in d["teams"]])
        self._fill_combo(self.selection, [(b["title"] + ("" if b["closed_at"] else self.tr("（投票中）")), b["id"])
                                          for b in d.get("selections", [])])
        self._fill_combo(self.team_leader, [(none, None)] + [(m["name"], m["id"]) for m in d["members"]])
        self.team_members.clear()
        for m in d["members"]:
            it = QListWidgetItem(m["name"], self.team_members)
            it.setData(Qt.ItemDataRole.UserRole, m["id"])
        self._show_sheet()
        self._show_records()
        fill(self.needs, [[n["title"], code_label(n["source_label"]), n["place"], (n["starts_at"] or "")[:16].replace("T", " "),
                           n["people_wanted"], n["skills"], code_label(n["status_label"]), n["claimed_by"]]
                          for n in d["needs"]], ids=[n["id"] for n in d["needs"]])
        fill(self.balances, [[b["name"], b["branch"], _num(b["balance"]), _num(b["earned"]), _num(b["spent"]),
                              _num(b["hours_this_year"]), _num(b["expected_by_now"]), code_label(b["colour_label"]),
                              b["waiting"] or ""] for b in d["balances"]], ids=[b["member_id"] for b in d["balances"]])
        for r, b in enumerate(d["balances"]):
            self.balances.item(r, 7).setForeground(QBrush(QColor(COLOURS[b["colour"]])))
        fill(self.teams, [[t["name"], t["leader_name"], "、".join(t["member_names"]), len(t["household_ids"]),
                           _num(t["hours_quarter"]), t["visits_quarter"], t["focus"]] for t in d["teams"]],
             ids=[t["id"] for t in d["teams"]])
        honour = self.honour_day.date().toPython()
        quarter = self.tr("%1年第%2季度").replace("%1", str(honour.year)).replace("%2", str((honour.month - 1) // 3 + 1))
        self.honour_title.setText(self.tr("%1 按审核通过的服务时长排名").replace("%1", quarter))
        for table, rows in ((self.honour_members, d["honour_members"]), (self.honour_teams, d["honour_teams"])):
            fill(table, [[i, s.name, _num(s.hours), _num(s.points), s.services, s.households] for i, s in enumerate(rows, 1)])
        if self.is_member and d["balances"]:
            self.balances.selectRow(0)
        self._show_statement()

    def _show_records(self) -> None:
        wanted = self.record_filter.currentData()
        rows = [r for r in self.data.get("records", [])
                if wanted is None or (r["approval"] or "pending") == wanted]
        fill(self.records, [[r["served_on"], r["member_name"], code_label(r["kind_label"]), _num(r["hours"]),
                             r["households_served"], r["team_name"], r["activity"] or r["need_title"],
                             code_label(rules.ENTERED_FROM.get(r["entered_from"] or "", "")),
                             code_label(r["approval_label"]), _num(r["points"]) if r["approval"] == "approved" else ""]
                            for r in rows], ids=[r["id"] for r in rows])

    def _show_sheet(self) -> None:
        signed = getattr(self, "_signed", set())
        members = self.data.get("members", [])
        ids = [self.sheet.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.sheet.count())]
        if ids != [m["id"] for m in members]:  # keep the cursor where the typist is unless the roster changed
            self.sheet.clear()
            for m in members:
                QListWidgetItem(self.sheet).setData(Qt.ItemDataRole.UserRole, m["id"])
        for i, m in enumerate(members):
            mark = "✓ " if m["id"] in signed else "　 "
            self.sheet.item(i).setText(mark + m["name"] + (f"（{m['branch']}）" if m["branch"] else ""))
        self.sheet_count.setText(self.tr("本表已登记 %1 人").replace("%1", str(len(signed))))

    def _show_statement(self) -> None:
        rows = {i.row() for i in self.balances.selectedItems()}
        bal = self.data.get("balances", [])
        if not rows or not bal:
            self.statement_title.setText(self.tr("选中一位党员查看积分明细"))
            fill(self.statement, [])
            return
        b = bal[min(rows)]
        self.statement_title.setText(self.tr("%1 的积分明细：余额 %2 分").replace("%1", b["name"]).replace("%2", _num(b["balance"])))
        statements = self.data.setdefault("statements", {})
        if b["member_id"] not in statements:
            mid = b["member_id"]

            def work(_state: Any):
                with self.ctx.db.read() as conn:
                    return mid, q.statement(conn, mid)

            def done(result: tuple) -> None:
                statements[result[0]] = result[1]
                self._show_statement()

            self.ctx.tasks.run(work, on_done=done)
            return
        fill(self.statement, [[(e["at"] or "")[:16].replace("T", " "), code_label(e["kind_label"]), e["activity"],
                               e["hours"], ("+" if e["kind"] == "earn" else "-") + _num(e["points"]), _num(e["balance"]),
                               e["approver"]] for e in statements[b["member_id"]]])

    @staticmethod
    def _fill_combo(box: QComboBox, items: list[tuple[str, Any]]) -> None:
        keep = box.currentData()
        box.blockSignals(True)
        box.clear()
        for label, data in items:
            box.addItem(label, data)
        i = box.findData(keep) if keep is not None else -1
        box.setCurrentIndex(i if i >= 0 else 0)
        box.blockSignals(False)

    def _selected_ids(self, table) -> list[str]:
        rows = sorted({i.row() for i in table.selectedItems()})
        return [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    # ------------------------------------------------------------------ writes
    def _run(self, fn, on_done=None, **kwargs) -> None:
        run_operation(self.ctx, fn, self.error, on_done=on_done, **kwargs)

    def record(self) -> None:
        def saved(_done: Any) -> None:
            self.hours.clear()
            self.activity.clear()
            self.households_served.setValue(0)
            self.error.setText(self.tr("已保存，等待书记审核"))

        self._run(ops.service.record, on_done=saved, member_id=None if self.is_member else self.member.currentData(),
                  kind=self.kind.currentData(), served_on=self.served_on.date().toPython().isoformat(),
                  hours=self.hours.text().strip() or "0", activity=self.activity.text() or None,
                  households_served=self.households_served.value() or None, team_id=self.team.currentData(),
                  need_id=self.need.currentData())

    def sign(self, item: QListWidgetItem) -> None:
        """One keystroke on the sheet: this attendee's service, waiting for approval."""
        mid = item.data(Qt.ItemDataRole.UserRole)
        self._signed = getattr(self, "_signed", set())
        if mid in self._signed:
            self.error.setText(self.tr("这位党员已在本表登记"))
            return

        def signed(_done: Any) -> None:
            self._signed.add(mid)
            self._show_sheet()
            row = next((i for i in range(self.sheet.count()) if self.sheet.item(i).data(Qt.ItemDataRole.UserRole) == mid), -1)
            self.sheet.setCurrentRow(min(row + 1, self.sheet.count() - 1))

        self._run(ops.service.record, on_done=signed, member_id=mid, hours=self.sheet_hours.text().strip() or "0",
                  served_on=self.sheet_date.date().toPython().isoformat(), activity=self.sheet_activity.text() or None,
                  team_id=self.sheet_team.currentData(), entered_from="sheet")

    def approve_selected(self) -> None:
        ids = self._selected_ids(self.records)
        if not ids:
            self.error.setText(self.tr("请先选中要审核的记录"))
            return
        self._run(ops.service.approve, on_done=lambda _d: self.error.setText(self.tr("已审核，积分已计入")),
                  record_ids=ids)

    def reject_selected(self) -> None:
        ids = self._selected_ids(self.records)
        if not ids:
            self.error.setText(self.tr("请先选中要审核的记录"))
            return
        self._run(ops.service.reject, on_done=lambda _d: self.reject_reason.clear(), record_id=ids[0],
                  reason=self.reject_reason.text())

    def add_need(self) -> None:
        self._run(ops.service.add_need, on_done=lambda _d: self.need_title.clear(), title=self.need_title.text(),
                  source=self.need_source.currentData(), place=self.need_place.text() or None,
                  people_wanted=self.need_people.value(), skills=self.need_skills.text() or None)

    def claim(self) -> None:
        ids = self._selected_ids(self.needs)
        if not ids:
            self.error.setText(self.tr("请先选中一项需求"))
            return
        if self.is_member:
            self._run(ops.service.claim_need, need_id=ids[0])
            return
        who = self.claim_team.currentData() or ("member", None)
        self._run(ops.service.claim_need, need_id=ids[0], **({"team_id": who[1]} if who[0] == "team"
                                                            else {"member_id": who[1]}))

    def close_need(self, status: str) -> None:
        ids = self._selected_ids(self.needs)
        if ids:
            self._run(ops.service.close_need, need_id=ids[0], status=status)

    def redeem(self) -> None:
        ids = self._selected_ids(self.balances)
        if not ids:
            self.error.setText(self.tr("请先选中一位党员"))
            return

        def done(result: Any) -> None:
            self.redeem_points.clear()
            self.redeem_item.clear()
            self.data.get("statements", {}).pop(ids[0], None)
            self.error.setText(self.tr("已兑换，余额 %1 分").replace("%1", str(result.value)))

        self._run(ops.service.redeem, on_done=done, member_id=ids[0], points=self.redeem_points.text().strip() or "0",
                  item=self.redeem_item.text())

    def save_team(self) -> None:
        members = [it.data(Qt.ItemDataRole.UserRole) for it in self.team_members.selectedItems()]
        self._run(ops.service.save_team, on_done=lambda _d: self.team_name.clear(), name=self.team_name.text(),
                  leader_member_id=self.team_leader.currentData(), members=members, focus=self.team_focus.text() or None)

    def open_selection(self) -> None:
        def opened(_done: Any) -> None:
            self.nominees.clear()
            self.error.setText(self.tr("评选已发起：请在“议事表决”中录入各户投票，结束后回到这里写入结果"))

        self._run(ops.service.open_selection, on_done=opened, year=self.civility_year.value(),
                  nominees=self.nominees.toPlainText())

    def apply_selection(self) -> None:
        bid = self.selection.currentData()
        if bid is None:
            self.error.setText(self.tr("还没有已发起的星级文明户评选"))
            return

        def applied(done: Any) -> None:
            self.error.setText(self.tr("已评出 %1 户星级文明户，写入住户信息").replace("%1", str(len(done.value or []))))

        self._run(ops.service.apply_selection, on_done=applied, ballot_id=bid, year=self.civility_year.value(),
                  winners=self.winners.value(), stars=self.stars.value())
