<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
    <context>
        <name>AddUserDialog</name>
        <message>
            <source>添加本机用户</source>
            <translation>Add a user to this laptop</translation>
        </message>
        <message>
            <source>请本人输入自己的用户名和密码。密码由服务器核对（需要联网），通过后此人就能用自己的密码登录这台电脑。</source>
            <translation>The person types their own user name and password. The server checks the password (needs the network); then they can log in on this computer with their own password.</translation>
        </message>
        <message>
            <source>用户名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>密码</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>核对并添加</source>
            <translation>Check and add</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>请输入用户名</source>
            <translation>Please enter your user name</translation>
        </message>
        <message>
            <source>请输入密码</source>
            <translation>Please enter your password</translation>
        </message>
        <message>
            <source>连接不到服务器，无法核对密码。请连接网络后再添加用户。</source>
            <translation>Cannot reach the server to check the password. Connect to the network, then add the user.</translation>
        </message>
        <message>
            <source>未能添加：%1</source>
            <translation>Not added: %1</translation>
        </message>
    </context>
    <context>
        <name>AssignDialog</name>
        <message>
            <source>调整联系党员</source>
            <translation>Change contact party member</translation>
        </message>
        <message>
            <source>调整所属党员中心户</source>
            <translation>Change central household</translation>
        </message>
        <message>
            <source>分配联系党员</source>
            <translation>Assign a contact party member</translation>
        </message>
        <message>
            <source>分配到党员中心户</source>
            <translation>Assign to a central household</translation>
        </message>
        <message>
            <source>住户＊</source>
            <translation>Household *</translation>
        </message>
        <message>
            <source>住户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>党员</source>
            <translation>Party member</translation>
        </message>
        <message>
            <source>当前联系党员</source>
            <translation>Current contact member</translation>
        </message>
        <message>
            <source>当前中心户</source>
            <translation>Current central household</translation>
        </message>
        <message>
            <source>{0}（已联系{1}户）</source>
            <translation>{0} ({1} households linked)</translation>
        </message>
        <message>
            <source>新的联系党员＊</source>
            <translation>New contact member *</translation>
        </message>
        <message>
            <source>党员中心户＊</source>
            <translation>Central household *</translation>
        </message>
        <message>
            <source>如：原联系党员搬离本社区</source>
            <translation>e.g. the previous member moved out of the community</translation>
        </message>
        <message>
            <source>可不填</source>
            <translation>Optional</translation>
        </message>
        <message>
            <source>调整原因＊</source>
            <translation>Reason for the change *</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Notes</translation>
        </message>
        <message>
            <source>确定</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>请先选择住户</source>
            <translation>Please choose a household first</translation>
        </message>
        <message>
            <source>请选择党员</source>
            <translation>Please choose a party member</translation>
        </message>
    </context>
    <context>
        <name>BallotsWorkspace</name>
        <message>
            <source>新建表决…</source>
            <translation>New ballot…</translation>
        </message>
        <message>
            <source>表决事项</source>
            <translation>Motion</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>请选择或新建一项表决</source>
            <translation>Choose or create a ballot</translation>
        </message>
        <message>
            <source>输入房号或户主姓名，回车后按 1 同意 / 2 反对 / 3 弃权</source>
            <translation>Type a room number or head's name, press Enter, then 1 yes / 2 no / 3 abstain</translation>
        </message>
        <message>
            <source>作废这一户的投票（0 或 Delete）</source>
            <translation>Void this household's vote (0 or Delete)</translation>
        </message>
        <message>
            <source>户</source>
            <translation>Household</translation>
        </message>
        <message>
            <source>户主</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>面积㎡</source>
            <translation>Area m²</translation>
        </message>
        <message>
            <source>意见</source>
            <translation>Vote</translation>
        </message>
        <message>
            <source>实时计票</source>
            <translation>Live tally</translation>
        </message>
        <message>
            <source>重复投票（需组织者核定）</source>
            <translation>Duplicate votes (for the organiser to settle)</translation>
        </message>
        <message>
            <source>已计票</source>
            <translation>Counted vote</translation>
        </message>
        <message>
            <source>重复票</source>
            <translation>Duplicate vote</translation>
        </message>
        <message>
            <source>保留已计票</source>
            <translation>Keep the counted vote</translation>
        </message>
        <message>
            <source>改计重复票</source>
            <translation>Count the duplicate instead</translation>
        </message>
        <message>
            <source>结束表决</source>
            <translation>Close the ballot</translation>
        </message>
        <message>
            <source>打印结果…</source>
            <translation>Print result…</translation>
        </message>
        <message>
            <source>导出PDF…</source>
            <translation>Export PDF…</translation>
        </message>
        <message>
            <source>表决</source>
            <translation>Ballot</translation>
        </message>
        <message>
            <source>议事会议</source>
            <translation>Meetings</translation>
        </message>
        <message>
            <source>议事表决</source>
            <translation>Ballots</translation>
        </message>
        <message>
            <source>正在更新计票…</source>
            <translation>Updating the tally…</translation>
        </message>
        <message>
            <source>已结束</source>
            <translation>Closed</translation>
        </message>
        <message>
            <source>进行中</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>尚未开始（{0}开始）</source>
            <translation>Not started (opens {0})</translation>
        </message>
        <message>
            <source>无法计票</source>
            <translation>Cannot tally</translation>
        </message>
        <message>
            <source>应参与 {0} 户，已投票 {1} 户</source>
            <translation>{0} households eligible, {1} voted</translation>
        </message>
        <message>
            <source>专有面积 {0}㎡，已参与 {1}㎡</source>
            <translation>Private area {0} m², participating {1} m²</translation>
        </message>
        <message>
            <source>{0}：{1} 户（{2}）</source>
            <translation>{0}: {1} households ({2})</translation>
        </message>
        <message>
            <source>达到</source>
            <translation>met</translation>
        </message>
        <message>
            <source>未达到</source>
            <translation>not met</translation>
        </message>
        <message>
            <source>结果：</source>
            <translation>Result:</translation>
        </message>
        <message>
            <source>按目前票数：</source>
            <translation>With the votes so far:</translation>
        </message>
        <message>
            <source>输入房号或户主姓名，回车后按 {0}</source>
            <translation>Type a room number or head's name, press Enter, then {0}</translation>
        </message>
        <message>
            <source>输入房号或户主姓名，回车后按数字键 1–{0} 选择方案</source>
            <translation>Type a room number or head's name, press Enter, then a number key 1–{0} to choose</translation>
        </message>
        <message>
            <source>请先选中一户</source>
            <translation>Please select a household first</translation>
        </message>
        <message>
            <source>已作废 {0} 的投票，可重新录入</source>
            <translation>Voided the vote of {0}; it can be entered again</translation>
        </message>
        <message>
            <source>已记录：{0} {1}</source>
            <translation>Recorded: {0} {1}</translation>
        </message>
        <message>
            <source>{0} 的意见未变</source>
            <translation>{0}'s vote is unchanged</translation>
        </message>
        <message>
            <source>结束后不能再录入投票，确定结束“{0}”吗？</source>
            <translation>No votes can be entered after closing. Close "{0}"?</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>导出表决结果</source>
            <translation>Export ballot result</translation>
        </message>
        <message>
            <source>PDF 文件 (*.pdf)</source>
            <translation>PDF files (*.pdf)</translation>
        </message>
        <message>
            <source>已导出：{0}</source>
            <translation>Exported: {0}</translation>
        </message>
        <message>
            <source>正在创建…</source>
            <translation>Creating…</translation>
        </message>
    </context>
    <context>
        <name>BarChart</name>
        <message>
            <source>暂无数据</source>
            <translation>No data yet</translation>
        </message>
    </context>
    <context>
        <name>CommunitySettingsDialog</name>
        <message>
            <source>社区设置</source>
            <translation>Community settings</translation>
        </message>
        <message>
            <source>已内置 %1 年国家法定节假日和调休安排。新一年的安排公布后，可在下面补充；每行一个日期，如 2027-02-06。</source>
            <translation>The national holidays and make-up working days of %1 are built in. When next year's are published, add them below, one date per line, e.g. 2027-02-06.</translation>
        </message>
        <message>
            <source>节假日与调休</source>
            <translation>Holidays and make-up working days</translation>
        </message>
        <message>
            <source>补充节假日（放假）</source>
            <translation>Extra holidays (days off)</translation>
        </message>
        <message>
            <source>调休上班日（周末上班）</source>
            <translation>Make-up working days (weekends worked)</translation>
        </message>
        <message>
            <source>走访间隔（天）</source>
            <translation>Visit intervals (days)</translation>
        </message>
        <message>
            <source>高风险</source>
            <translation>High risk</translation>
        </message>
        <message>
            <source>重点人群</source>
            <translation>Key group</translation>
        </message>
        <message>
            <source>一般</source>
            <translation>Normal</translation>
        </message>
        <message>
            <source> 天</source>
            <translation> days</translation>
        </message>
        <message>
            <source>事项办理时限（工作日）</source>
            <translation>Case time limits (working days)</translation>
        </message>
        <message>
            <source>紧急事项（0 = 当天）</source>
            <translation>Emergency (0 = same day)</translation>
        </message>
        <message>
            <source>求助</source>
            <translation>Help request</translation>
        </message>
        <message>
            <source>咨询</source>
            <translation>Inquiry</translation>
        </message>
        <message>
            <source>投诉</source>
            <translation>Complaint</translation>
        </message>
        <message>
            <source>建议</source>
            <translation>Suggestion</translation>
        </message>
        <message>
            <source>保存</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>ContactsWorkspace</name>
        <message>
            <source>党员中心户 → 党员 → 联系户</source>
            <translation>Central household → party members → households</translation>
        </message>
        <message>
            <source>数量</source>
            <translation>Count</translation>
        </message>
        <message>
            <source>分配联系党员…</source>
            <translation>Assign contact member…</translation>
        </message>
        <message>
            <source>住户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>户主</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>关注等级</source>
            <translation>Attention level</translation>
        </message>
        <message>
            <source>未联系党员的户</source>
            <translation>Households without a party member</translation>
        </message>
        <message>
            <source>结构提醒</source>
            <translation>Structure warnings</translation>
        </message>
        <message>
            <source>选中项</source>
            <translation>Selection</translation>
        </message>
        <message>
            <source>在左侧选择党员或住户</source>
            <translation>Select a party member or household on the left</translation>
        </message>
        <message>
            <source>联系党员</source>
            <translation>Contact member</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>开始</source>
            <translation>Start</translation>
        </message>
        <message>
            <source>结束</source>
            <translation>End</translation>
        </message>
        <message>
            <source>原因</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>调整联系党员…</source>
            <translation>Change contact member…</translation>
        </message>
        <message>
            <source>调整所属中心户…</source>
            <translation>Change central household…</translation>
        </message>
        <message>
            <source>联户结构</source>
            <translation>1+10+N structure</translation>
        </message>
        <message>
            <source>党员名册</source>
            <translation>Party roster</translation>
        </message>
        <message>
            <source>覆盖统计</source>
            <translation>Coverage</translation>
        </message>
        <message>
            <source>党员联户</source>
            <translation>Party contacts</translation>
        </message>
        <message>
            <source>（中心户本人）</source>
            <translation>(the central household itself)</translation>
        </message>
        <message>
            <source>{0}户</source>
            <translation>{0} households</translation>
        </message>
        <message>
            <source>★ {0}（党员中心户）</source>
            <translation>★ {0} (central household)</translation>
        </message>
        <message>
            <source>{0}名党员</source>
            <translation>{0} party members</translation>
        </message>
        <message>
            <source>未归属党员中心户的党员</source>
            <translation>Members without a central household</translation>
        </message>
        <message>
            <source>{0}名</source>
            <translation>{0}</translation>
        </message>
        <message>
            <source>联户覆盖：{0}/{1} 户（{2}），{3} 户尚无联系党员</source>
            <translation>Coverage: {0}/{1} households ({2}); {3} households have no party member yet</translation>
        </message>
        <message>
            <source>未联系党员的户（{0}）</source>
            <translation>Households without a party member ({0})</translation>
        </message>
        <message>
            <source>结构提醒（{0}）</source>
            <translation>Structure warnings ({0})</translation>
        </message>
        <message>
            <source>{0}　当前联系党员：{1}</source>
            <translation>{0}   current contact member: {1}</translation>
        </message>
        <message>
            <source>（无）</source>
            <translation>(none)</translation>
        </message>
        <message>
            <source>联系中</source>
            <translation>Active</translation>
        </message>
        <message>
            <source>已解除</source>
            <translation>Ended</translation>
        </message>
        <message>
            <source>{0}　联系{1}户{2}</source>
            <translation>{0}   {1} households{2}</translation>
        </message>
        <message>
            <source>（党员中心户）</source>
            <translation>(central household)</translation>
        </message>
        <message>
            <source>在左侧选择党员或住户；双击“未联系党员的户”即可分配</source>
            <translation>Select a party member or household on the left; double-click a household without a party member to assign one</translation>
        </message>
        <message>
            <source>正在保存…</source>
            <translation>Saving…</translation>
        </message>
    </context>
    <context>
        <name>CoveragePanel</name>
        <message>
            <source>导出覆盖统计…</source>
            <translation>Export coverage…</translation>
        </message>
        <message>
            <source>按网格</source>
            <translation>By grid</translation>
        </message>
        <message>
            <source>网格</source>
            <translation>Grid</translation>
        </message>
        <message>
            <source>住户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>已联系党员</source>
            <translation>Linked to a member</translation>
        </message>
        <message>
            <source>覆盖率</source>
            <translation>Coverage</translation>
        </message>
        <message>
            <source>本季度未走访</source>
            <translation>Not visited this quarter</translation>
        </message>
        <message>
            <source>党员</source>
            <translation>Party member</translation>
        </message>
        <message>
            <source>未联系住户的党员</source>
            <translation>Members with no households</translation>
        </message>
        <message>
            <source>联系户过多的党员</source>
            <translation>Overloaded members</translation>
        </message>
        <message>
            <source>按党员中心户</source>
            <translation>By central household</translation>
        </message>
        <message>
            <source>党员中心户</source>
            <translation>Central household</translation>
        </message>
        <message>
            <source>联系党员</source>
            <translation>Contact member</translation>
        </message>
        <message>
            <source>联系户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>本季度自 %1 起；覆盖率 = 已联系党员的住户 / 住户</source>
            <translation>This quarter since %1; coverage = households linked to a party member / households</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>导出报表</source>
            <translation>Export report</translation>
        </message>
        <message>
            <source>导出内容</source>
            <translation>What to export</translation>
        </message>
        <message>
            <source>至</source>
            <translation>to</translation>
        </message>
        <message>
            <source>时间段</source>
            <translation>Period</translation>
        </message>
        <message>
            <source>月份</source>
            <translation>Month</translation>
        </message>
        <message>
            <source>表决</source>
            <translation>Ballot</translation>
        </message>
        <message>
            <source>显示完整号码</source>
            <translation>Show full numbers</translation>
        </message>
        <message>
            <source>当前角色只能导出脱敏的电话和身份证号</source>
            <translation>Your role may only export masked phone and ID numbers</translation>
        </message>
        <message>
            <source>保存到…（.xlsx）</source>
            <translation>Save to… (.xlsx)</translation>
        </message>
        <message>
            <source>浏览…</source>
            <translation>Browse…</translation>
        </message>
        <message>
            <source>输出文件</source>
            <translation>Output file</translation>
        </message>
        <message>
            <source>导出</source>
            <translation>Export</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>保存报表</source>
            <translation>Save report</translation>
        </message>
        <message>
            <source>Excel 文件 (*.xlsx)</source>
            <translation>Excel files (*.xlsx)</translation>
        </message>
        <message>
            <source>请先选择输出文件</source>
            <translation>Choose an output file first</translation>
        </message>
        <message>
            <source>请选择一项表决</source>
            <translation>Choose a ballot</translation>
        </message>
        <message>
            <source>正在导出…</source>
            <translation>Exporting…</translation>
        </message>
        <message>
            <source>已导出 {0} 行到 {1}</source>
            <translation>Exported {0} rows to {1}</translation>
        </message>
        <message>
            <source>未完成：{0}</source>
            <translation>Not done: {0}</translation>
        </message>
    </context>
    <context>
        <name>FollowUpsPanel</name>
        <message>
            <source>回访日期</source>
            <translation>Follow-up date</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>住户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>户主</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>跟进计划</source>
            <translation>Follow-up</translation>
        </message>
        <message>
            <source>上次走访</source>
            <translation>Last visit</translation>
        </message>
        <message>
            <source>走访人</source>
            <translation>Visitor</translation>
        </message>
        <message>
            <source>走访时约定的回访：已超期、今天到期和 7 天内到期的；该户再次走访后自动移出。双击一行即可登记回访。</source>
            <translation>Follow-ups promised at a visit: overdue, due today and due within 7 days; a household leaves the list when it is visited again. Double-click a row to log the follow-up.</translation>
        </message>
        <message>
            <source>已超期 %1 天</source>
            <translation>%1 days overdue</translation>
        </message>
        <message>
            <source>今天</source>
            <translation>Today</translation>
        </message>
        <message>
            <source>%1 天后</source>
            <translation>in %1 days</translation>
        </message>
        <message>
            <source>已超期 %1 户　今天到期 %2 户　7 天内 %3 户</source>
            <translation>Overdue: %1　Due today: %2　Within 7 days: %3</translation>
        </message>
    </context>
    <context>
        <name>HouseholdDialog</name>
        <message>
            <source>新增住户</source>
            <translation>New household</translation>
        </message>
        <message>
            <source>住户详情</source>
            <translation>Household</translation>
        </message>
        <message>
            <source>地址</source>
            <translation>Address</translation>
        </message>
        <message>
            <source>如：阳光花园3幢2单元501室</source>
            <translation>e.g. Yangguang Garden bldg 3, unit 2, room 501</translation>
        </message>
        <message>
            <source>户主姓名</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>联系电话</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>手机或固话</source>
            <translation>Mobile or landline</translation>
        </message>
        <message>
            <source>所属网格</source>
            <translation>Grid</translation>
        </message>
        <message>
            <source>（未指定）</source>
            <translation>(not set)</translation>
        </message>
        <message>
            <source>住房性质</source>
            <translation>Tenure</translation>
        </message>
        <message>
            <source>人户状态</source>
            <translation>Residence status</translation>
        </message>
        <message>
            <source>建筑面积（㎡）</source>
            <translation>Floor area (m²)</translation>
        </message>
        <message>
            <source>关注等级</source>
            <translation>Attention level</translation>
        </message>
        <message>
            <source>标签</source>
            <translation>Tags</translation>
        </message>
        <message>
            <source>用顿号或逗号分隔</source>
            <translation>Separate with commas</translation>
        </message>
        <message>
            <source>可选：%1</source>
            <translation>Choices: %1</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Notes</translation>
        </message>
        <message>
            <source>基本信息</source>
            <translation>Details</translation>
        </message>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>与户主关系</source>
            <translation>Relation to head</translation>
        </message>
        <message>
            <source>性别</source>
            <translation>Sex</translation>
        </message>
        <message>
            <source>出生日期</source>
            <translation>Date of birth</translation>
        </message>
        <message>
            <source>身份证号</source>
            <translation>ID number</translation>
        </message>
        <message>
            <source>电话</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>显示完整身份证号和电话</source>
            <translation>Show full ID numbers and phones</translation>
        </message>
        <message>
            <source>个人信息默认隐藏；显示会记入审计日志</source>
            <translation>Personal data is hidden by default; showing it is recorded in the audit log</translation>
        </message>
        <message>
            <source>添加成员</source>
            <translation>Add member</translation>
        </message>
        <message>
            <source>编辑成员</source>
            <translation>Edit member</translation>
        </message>
        <message>
            <source>移除成员</source>
            <translation>Remove member</translation>
        </message>
        <message>
            <source>家庭成员</source>
            <translation>Members</translation>
        </message>
        <message>
            <source>联户党员</source>
            <translation>Party member</translation>
        </message>
        <message>
            <source>走访时间</source>
            <translation>Visited at</translation>
        </message>
        <message>
            <source>走访人</source>
            <translation>Visitor</translation>
        </message>
        <message>
            <source>方式</source>
            <translation>Mode</translation>
        </message>
        <message>
            <source>情况摘要</source>
            <translation>Summary</translation>
        </message>
        <message>
            <source>发现问题</source>
            <translation>Problems found</translation>
        </message>
        <message>
            <source>走访记录</source>
            <translation>Visits</translation>
        </message>
        <message>
            <source>上报时间</source>
            <translation>Reported at</translation>
        </message>
        <message>
            <source>事项</source>
            <translation>Issue</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>吹哨事项</source>
            <translation>Issues</translation>
        </message>
        <message>
            <source>保存</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>正在加载…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <source>这一户已被删除</source>
            <translation>This household has been deleted</translation>
        </message>
        <message>
            <source>%1年度星级文明户</source>
            <translation>%1 civilised household</translation>
        </message>
        <message>
            <source>（党员中心户）</source>
            <translation>(central household)</translation>
        </message>
        <message>
            <source>联系党员：%1%2
电话：%3
所在支部：%4
联系开始：%5</source>
            <translation>Contact member: %1%2
Phone: %3
Branch: %4
Since: %5</translation>
        </message>
        <message>
            <source>这一户还没有联系党员。可在“党员联户”中指派。</source>
            <translation>This household has no party member yet. Assign one under Party contacts.</translation>
        </message>
        <message>
            <source>家庭成员（%1）</source>
            <translation>Members (%1)</translation>
        </message>
        <message>
            <source>走访记录（%1）</source>
            <translation>Visits (%1)</translation>
        </message>
        <message>
            <source>吹哨事项（%1）</source>
            <translation>Issues (%1)</translation>
        </message>
        <message>
            <source>无法记录查看操作，完整号码未显示：%1</source>
            <translation>Could not record the viewing in the audit log, so the full numbers are not shown: %1</translation>
        </message>
        <message>
            <source>有未保存的修改，是否保存？</source>
            <translation>You have unsaved changes. Save them?</translation>
        </message>
        <message>
            <source>不保存</source>
            <translation>Don't save</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>正在保存…</source>
            <translation>Saving…</translation>
        </message>
        <message>
            <source>已保存</source>
            <translation>Saved</translation>
        </message>
        <message>
            <source>没有修改</source>
            <translation>No changes</translation>
        </message>
        <message>
            <source>确定把%1从这一户移除吗？</source>
            <translation>Remove %1 from this household?</translation>
        </message>
    </context>
    <context>
        <name>HouseholdPicker</name>
        <message>
            <source>输入姓名、拼音首字母、电话尾号或门牌号搜索住户</source>
            <translation>Search households by name, pinyin initials, phone tail or room number</translation>
        </message>
        <message>
            <source>重选</source>
            <translation>Change</translation>
        </message>
        <message>
            <source>已选：</source>
            <translation>Chosen:</translation>
        </message>
        <message>
            <source>没有找到符合的住户</source>
            <translation>No matching household</translation>
        </message>
    </context>
    <context>
        <name>HouseholdTableModel</name>
        <message>
            <source>地址</source>
            <translation>Address</translation>
        </message>
        <message>
            <source>户主</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>电话</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>家庭成员</source>
            <translation>Members</translation>
        </message>
        <message>
            <source>标签</source>
            <translation>Tags</translation>
        </message>
        <message>
            <source>关注等级</source>
            <translation>Attention level</translation>
        </message>
        <message>
            <source>最近走访</source>
            <translation>Last visit</translation>
        </message>
        <message>
            <source>点击按此列排序</source>
            <translation>Click to sort by this column</translation>
        </message>
        <message>
            <source>从未走访</source>
            <translation>Never visited</translation>
        </message>
        <message>
            <source>已超过走访周期，请尽快走访</source>
            <translation>Visit overdue: please visit soon</translation>
        </message>
        <message>
            <source>匹配：%1</source>
            <translation>Matches: %1</translation>
        </message>
        <message>
            <source>高风险</source>
            <translation>High risk</translation>
        </message>
        <message>
            <source>重点</source>
            <translation>Key group</translation>
        </message>
        <message>
            <source>一般</source>
            <translation>Normal</translation>
        </message>
    </context>
    <context>
        <name>HouseholdsWorkspace</name>
        <message>
            <source>住户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>搜索：姓名、拼音首字母（如 zs）、电话或身份证尾号、地址</source>
            <translation>Search: name, pinyin initials (e.g. zs), phone or ID tail, address</translation>
        </message>
        <message>
            <source>只看逾期未走访</source>
            <translation>Overdue visits only</translation>
        </message>
        <message>
            <source>正在加载…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <source>显示完整电话</source>
            <translation>Show full phones</translation>
        </message>
        <message>
            <source>个人信息默认隐藏；显示会记入审计日志</source>
            <translation>Personal data is hidden by default; showing it is recorded in the audit log</translation>
        </message>
        <message>
            <source>新增住户</source>
            <translation>New household</translation>
        </message>
        <message>
            <source>查看/编辑</source>
            <translation>Open/Edit</translation>
        </message>
        <message>
            <source>迁移</source>
            <translation>Move</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>回收站…</source>
            <translation>Recycle bin…</translation>
        </message>
        <message>
            <source>近 180 天内删除的住户，可以恢复</source>
            <translation>Households deleted in the last 180 days; they can be restored</translation>
        </message>
        <message>
            <source>撤销</source>
            <translation>Undo</translation>
        </message>
        <message>
            <source>全部网格</source>
            <translation>All grids</translation>
        </message>
        <message>
            <source>全部标签</source>
            <translation>All tags</translation>
        </message>
        <message>
            <source>全部楼栋</source>
            <translation>All buildings</translation>
        </message>
        <message>
            <source>正在查找…</source>
            <translation>Searching…</translation>
        </message>
        <message numerus="yes">
            <source>共 %n 户</source>
            <translation>
                <numerusform>%n household</numerusform>
                <numerusform>%n households</numerusform>
            </translation>
        </message>
        <message>
            <source>请先在列表中选择一户</source>
            <translation>Please select a household in the list first</translation>
        </message>
        <message>
            <source>删除住户</source>
            <translation>Delete household</translation>
        </message>
        <message>
            <source>确定删除“%1”这一户及其成员吗？删除会同步到其他电脑（可在回收站恢复）。</source>
            <translation>Delete the household “%1” and its members? The deletion syncs to the other laptops (it can be restored from the recycle bin).</translation>
        </message>
        <message>
            <source>已删除“%1”。</source>
            <translation>Deleted “%1”.</translation>
        </message>
        <message>
            <source>正在删除…</source>
            <translation>Deleting…</translation>
        </message>
        <message>
            <source>已恢复“%1”。</source>
            <translation>Restored “%1”.</translation>
        </message>
        <message>
            <source>正在恢复…</source>
            <translation>Restoring…</translation>
        </message>
        <message>
            <source>无法记录查看操作，完整电话未显示：%1</source>
            <translation>Could not record the viewing in the audit log, so the full phones are not shown: %1</translation>
        </message>
    </context>
    <context>
        <name>ImportDialog</name>
        <message>
            <source>导入台账</source>
            <translation>Import ledger</translation>
        </message>
        <message>
            <source>请选择 Excel（.xlsx）或 CSV 台账文件</source>
            <translation>Choose an Excel (.xlsx) or CSV ledger file</translation>
        </message>
        <message>
            <source>选择文件…</source>
            <translation>Choose file…</translation>
        </message>
        <message>
            <source>文件</source>
            <translation>File</translation>
        </message>
        <message>
            <source>工作表</source>
            <translation>Sheet</translation>
        </message>
        <message>
            <source>表头</source>
            <translation>Header</translation>
        </message>
        <message>
            <source>示例</source>
            <translation>Sample</translation>
        </message>
        <message>
            <source>导入为</source>
            <translation>Import as</translation>
        </message>
        <message>
            <source>行号</source>
            <translation>Row</translation>
        </message>
        <message>
            <source>列</source>
            <translation>Column</translation>
        </message>
        <message>
            <source>值</source>
            <translation>Value</translation>
        </message>
        <message>
            <source>原因</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>检查</source>
            <translation>Check</translation>
        </message>
        <message>
            <source>导入</source>
            <translation>Import</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>保存错误报告…</source>
            <translation>Save error report…</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>列对应关系（可修改）</source>
            <translation>Column mapping (you can correct it)</translation>
        </message>
        <message>
            <source>未导入的行</source>
            <translation>Rows not imported</translation>
        </message>
        <message>
            <source>选择台账文件</source>
            <translation>Choose a ledger file</translation>
        </message>
        <message>
            <source>台账文件 (*.xlsx *.csv)</source>
            <translation>Ledger files (*.xlsx *.csv)</translation>
        </message>
        <message>
            <source>正在读取…</source>
            <translation>Reading…</translation>
        </message>
        <message>
            <source>共 {0} 行数据{1}</source>
            <translation>{0} data rows{1}</translation>
        </message>
        <message>
            <source>党员名册：</source>
            <translation>Party roster: </translation>
        </message>
        <message>
            <source>已使用上次保存的列对应关系</source>
            <translation>using the column mapping saved last time</translation>
        </message>
        <message>
            <source>不导入</source>
            <translation>Don't import</translation>
        </message>
        <message>
            <source>正在检查…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>正在导入…</source>
            <translation>Importing…</translation>
        </message>
        <message>
            <source>检查结果（未写入）：</source>
            <translation>Check result (nothing written): </translation>
        </message>
        <message>
            <source>已导入：</source>
            <translation>Imported: </translation>
        </message>
        <message>
            <source>读取 {0} 行，新增 {1}，更新 {2}，未变 {3}，未导入 {4}</source>
            <translation>read {0} rows: {1} new, {2} updated, {3} unchanged, {4} not imported</translation>
        </message>
        <message>
            <source>未完成：{0}</source>
            <translation>Not done: {0}</translation>
        </message>
        <message>
            <source>保存错误报告</source>
            <translation>Save error report</translation>
        </message>
        <message>
            <source>Excel 文件 (*.xlsx)</source>
            <translation>Excel files (*.xlsx)</translation>
        </message>
        <message>
            <source>错误报告已保存：{0}</source>
            <translation>Error report saved: {0}</translation>
        </message>
    </context>
    <context>
        <name>IssuesWorkspace</name>
        <message>
            <source>待办（含待上报、已上报）</source>
            <translation>To do (incl. new and reported)</translation>
        </message>
        <message>
            <source>全部事项</source>
            <translation>All issues</translation>
        </message>
        <message>
            <source>上报事项…</source>
            <translation>Report an issue…</translation>
        </message>
        <message>
            <source>事项</source>
            <translation>Issue</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>层级</source>
            <translation>Level</translation>
        </message>
        <message>
            <source>办理时限</source>
            <translation>Deadline</translation>
        </message>
        <message>
            <source>时限状态</source>
            <translation>Deadline status</translation>
        </message>
        <message>
            <source>黄色：已用时限80%以上　红色：已超期</source>
            <translation>Yellow: over 80% of the time used   Red: overdue</translation>
        </message>
        <message>
            <source>请选择左侧的事项</source>
            <translation>Select an issue on the left</translation>
        </message>
        <message>
            <source>当前状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>办理层级</source>
            <translation>Level</translation>
        </message>
        <message>
            <source>承办部门</source>
            <translation>Department</translation>
        </message>
        <message>
            <source>类别 / 性质</source>
            <translation>Category / kind</translation>
        </message>
        <message>
            <source>地点</source>
            <translation>Place</translation>
        </message>
        <message>
            <source>上报</source>
            <translation>Report</translation>
        </message>
        <message>
            <source>督办 / 返工</source>
            <translation>Supervision / rework</translation>
        </message>
        <message>
            <source>评价</source>
            <translation>Rating</translation>
        </message>
        <message>
            <source>描述</source>
            <translation>Description</translation>
        </message>
        <message>
            <source>可办理的下一步</source>
            <translation>Possible next steps</translation>
        </message>
        <message>
            <source>本事项已办结，没有可办理的步骤</source>
            <translation>This issue is finished; no further steps</translation>
        </message>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>操作</source>
            <translation>Action</translation>
        </message>
        <message>
            <source>办理人</source>
            <translation>By</translation>
        </message>
        <message>
            <source>层级 / 部门</source>
            <translation>Level / department</translation>
        </message>
        <message>
            <source>说明</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>办理记录</source>
            <translation>History</translation>
        </message>
        <message>
            <source>吹哨报到</source>
            <translation>Issues</translation>
        </message>
        <message>
            <source>即将超期</source>
            <translation>Nearly overdue</translation>
        </message>
        <message>
            <source>{0}（{1}件）</source>
            <translation>{0} ({1})</translation>
        </message>
        <message>
            <source>按期办结</source>
            <translation>Closed on time</translation>
        </message>
        <message>
            <source>超期办结</source>
            <translation>Closed late</translation>
        </message>
        <message>
            <source>正常</source>
            <translation>On time</translation>
        </message>
        <message>
            <source>即将到期</source>
            <translation>Due soon</translation>
        </message>
        <message>
            <source>已超期</source>
            <translation>Overdue</translation>
        </message>
        <message>
            <source>（不予受理：{0}）</source>
            <translation>(declined: {0})</translation>
        </message>
        <message>
            <source>（已吹哨升级{0}次）</source>
            <translation>(escalated {0} times)</translation>
        </message>
        <message>
            <source>（尚未派遣）</source>
            <translation>(not dispatched yet)</translation>
        </message>
        <message>
            <source>（已延期{0}个工作日）</source>
            <translation>(extended by {0} working days)</translation>
        </message>
        <message>
            <source>（走访中发现）</source>
            <translation>(found on a visit)</translation>
        </message>
        <message>
            <source>已督办</source>
            <translation>Supervised</translation>
        </message>
        <message>
            <source>未督办</source>
            <translation>Not supervised</translation>
        </message>
        <message>
            <source>返工{0}次</source>
            <translation>Reworked {0} times</translation>
        </message>
        <message>
            <source>（结案后由上报人评价）</source>
            <translation>(rated by the reporter after closing)</translation>
        </message>
        <message>
            <source>下一步</source>
            <translation>Next step</translation>
        </message>
        <message>
            <source>延期{0}个工作日；</source>
            <translation>extension of {0} working days;</translation>
        </message>
        <message>
            <source>（未生效）</source>
            <translation>(void)</translation>
        </message>
        <message>
            <source>正在保存…</source>
            <translation>Saving…</translation>
        </message>
        <message>
            <source>正在上报…</source>
            <translation>Reporting…</translation>
        </message>
    </context>
    <context>
        <name>LaptopUsers</name>
        <message>
            <source>移除本机用户</source>
            <translation>Remove a user from this laptop</translation>
        </message>
        <message>
            <source>移除后，此人的密码再也打不开这台电脑的数据（数据本身不受影响）：</source>
            <translation>Once removed, this person's password no longer opens this computer's data (the data itself is not affected):</translation>
        </message>
        <message>
            <source>移除</source>
            <translation>Remove</translation>
        </message>
        <message>
            <source>不能移除当前登录的用户</source>
            <translation>You cannot remove the user who is logged in</translation>
        </message>
        <message>
            <source>已移除本机用户 %1</source>
            <translation>Removed %1 from this laptop</translation>
        </message>
        <message>
            <source>离线登录期限</source>
            <translation>Offline login limit</translation>
        </message>
        <message>
            <source>本机连续多少天未连接服务器后，登录时必须联网核对密码：</source>
            <translation>After how many days without reaching the server must a login be checked online:</translation>
        </message>
        <message>
            <source>离线登录期限已设为 %1 天</source>
            <translation>Offline login limit set to %1 days</translation>
        </message>
        <message>
            <source>本机已停用</source>
            <translation>This laptop was stopped</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>网格员工作台</source>
            <translation>Grid Worker</translation>
        </message>
        <message>
            <source>已锁定</source>
            <translation>Locked</translation>
        </message>
        <message>
            <source>请登录</source>
            <translation>Please log in</translation>
        </message>
        <message>
            <source>已锁定。请输入密码继续，或由本机的其他用户登录。</source>
            <translation>Locked. Enter your password to continue, or let another user of this laptop log in.</translation>
        </message>
        <message>
            <source>本机所属社区：%1</source>
            <translation>This laptop's community: %1</translation>
        </message>
        <message>
            <source>用户名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>密码</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>登录</source>
            <translation>Log in</translation>
        </message>
        <message>
            <source>注册本机…</source>
            <translation>Enrol this laptop…</translation>
        </message>
        <message>
            <source>本机数据已加密，只有本机的用户输入自己的密码才能打开。</source>
            <translation>This laptop's data is encrypted: only its users, with their own passwords, can open it.</translation>
        </message>
        <message>
            <source>演示账号（点一下即以该身份登录）</source>
            <translation>Demo accounts (one click logs in as that person)</translation>
        </message>
        <message>
            <source>首次使用：把这台电脑注册到社区</source>
            <translation>First use: enrol this laptop with your community</translation>
        </message>
        <message>
            <source>请输入街道或社区管理员提供的服务器地址，以及您的用户名和密码。注册后即使没有网络也能登录和工作。</source>
            <translation>Enter the server address from your street or community administrator, and your user name and password. Once enrolled, you can log in and work without a network.</translation>
        </message>
        <message>
            <source>服务器地址</source>
            <translation>Server address</translation>
        </message>
        <message>
            <source>打开演示数据</source>
            <translation>Open the demo</translation>
        </message>
        <message>
            <source>在本机启动一个演示社区，随便试，不影响真实数据</source>
            <translation>Start a demo community on this laptop to try things out; real data is not touched</translation>
        </message>
        <message>
            <source>注册本机</source>
            <translation>Enrol</translation>
        </message>
        <message>
            <source>返回登录</source>
            <translation>Back to login</translation>
        </message>
        <message>
            <source>请输入用户名</source>
            <translation>Please enter your user name</translation>
        </message>
        <message>
            <source>请输入密码</source>
            <translation>Please enter your password</translation>
        </message>
        <message>
            <source>用户名或密码不正确</source>
            <translation>Wrong user name or password</translation>
        </message>
        <message>
            <source>本机已停用</source>
            <translation>This laptop was stopped</translation>
        </message>
        <message>
            <source>请输入服务器地址</source>
            <translation>Please enter the server address</translation>
        </message>
        <message>
            <source>注册失败：%1</source>
            <translation>Enrolment failed: %1</translation>
        </message>
        <message>
            <source>管理员</source>
            <translation>Administrator</translation>
        </message>
        <message>
            <source>网格员</source>
            <translation>Grid worker</translation>
        </message>
        <message>
            <source>党员中心户</source>
            <translation>Central household</translation>
        </message>
        <message>
            <source>联户党员</source>
            <translation>Party member</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>文件(&amp;F)</source>
            <translation>&amp;File</translation>
        </message>
        <message>
            <source>锁定 / 切换用户(&amp;L)</source>
            <translation>&amp;Lock / switch user</translation>
        </message>
        <message>
            <source>设置(&amp;S)…</source>
            <translation>&amp;Settings…</translation>
        </message>
        <message>
            <source>社区设置（节假日、走访间隔、办理时限）…</source>
            <translation>Community settings (holidays, visit intervals, time limits)…</translation>
        </message>
        <message>
            <source>导入台账…</source>
            <translation>Import ledger…</translation>
        </message>
        <message>
            <source>导出报表…</source>
            <translation>Export report…</translation>
        </message>
        <message>
            <source>退出(&amp;X)</source>
            <translation>E&amp;xit</translation>
        </message>
        <message>
            <source>用户(&amp;U)</source>
            <translation>&amp;Users</translation>
        </message>
        <message>
            <source>添加本机用户…</source>
            <translation>Add a user to this laptop…</translation>
        </message>
        <message>
            <source>移除本机用户…</source>
            <translation>Remove a user from this laptop…</translation>
        </message>
        <message>
            <source>离线登录期限…</source>
            <translation>Offline login limit…</translation>
        </message>
        <message>
            <source>语言/Language</source>
            <translation>语言/Language</translation>
        </message>
        <message>
            <source>帮助(&amp;H)</source>
            <translation>&amp;Help</translation>
        </message>
        <message>
            <source>快捷键…</source>
            <translation>Keyboard shortcuts…</translation>
        </message>
        <message>
            <source>关于</source>
            <translation>About</translation>
        </message>
        <message>
            <source>打开“%1”</source>
            <translation>Open “%1”</translation>
        </message>
        <message>
            <source>住户：搜索</source>
            <translation>Households: search</translation>
        </message>
        <message>
            <source>Enter（搜索框）</source>
            <translation>Enter (in the search box)</translation>
        </message>
        <message>
            <source>住户：打开找到的第一户</source>
            <translation>Households: open the first household found</translation>
        </message>
        <message>
            <source>走访：保存走访记录</source>
            <translation>Visits: save the visit</translation>
        </message>
        <message>
            <source>Enter，再按 1 / 2 / 3</source>
            <translation>Enter, then 1 / 2 / 3</translation>
        </message>
        <message>
            <source>议事表决：找到一户后录入同意 / 反对 / 弃权</source>
            <translation>Ballots: after finding a household, record for / against / abstain</translation>
        </message>
        <message>
            <source>任何对话框：提交（确定、保存、上报）</source>
            <translation>Any dialog: submit (OK, Save, Report)</translation>
        </message>
        <message>
            <source>任何对话框：到下一项 / 上一项（多行文本框里也一样）</source>
            <translation>Any dialog: next / previous field (multi-line boxes too)</translation>
        </message>
        <message>
            <source>关闭对话框（有未保存的修改时会先问）</source>
            <translation>Close a dialog (asks first when there are unsaved changes)</translation>
        </message>
        <message>
            <source>快捷键</source>
            <translation>Keyboard shortcuts</translation>
        </message>
        <message>
            <source>按键</source>
            <translation>Keys</translation>
        </message>
        <message>
            <source>作用</source>
            <translation>What it does</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>详情</source>
            <translation>Details</translation>
        </message>
        <message>
            <source>网格员工作台</source>
            <translation>Grid Worker</translation>
        </message>
        <message>
            <source>仅管理员可用</source>
            <translation>Administrators only</translation>
        </message>
        <message>
            <source>当前用户：%1（%2）</source>
            <translation>User: %1 (%2)</translation>
        </message>
        <message>
            <source>%1 户</source>
            <translation>%1 households</translation>
        </message>
        <message numerus="yes">
            <source>待同步：%n 条</source>
            <translation>
                <numerusform>To sync: %n change</numerusform>
                <numerusform>To sync: %n changes</numerusform>
            </translation>
        </message>
        <message>
            <source>● 在线</source>
            <translation>● Online</translation>
        </message>
        <message>
            <source>可以连接服务器，修改会自动同步</source>
            <translation>The server is reachable; changes sync automatically</translation>
        </message>
        <message>
            <source>● 离线</source>
            <translation>● Offline</translation>
        </message>
        <message>
            <source>连接不到服务器。可以照常工作，修改保存在本机，联网后自动同步</source>
            <translation>The server cannot be reached. Work as usual: changes are kept on this laptop and sync when the network is back</translation>
        </message>
        <message>
            <source>正在同步…</source>
            <translation>Syncing…</translation>
        </message>
        <message>
            <source>同步已取消；已完成的部分已保存</source>
            <translation>Sync cancelled; what was done is saved</translation>
        </message>
        <message>
            <source>已同步：发送 %1 条，接收 %2 条</source>
            <translation>Synced: %1 sent, %2 received</translation>
        </message>
        <message>
            <source>；有 %1 项需要在“同步”中处理</source>
            <translation>; %1 items to settle under Sync</translation>
        </message>
        <message>
            <source>；%1 条修改等待作者（%2）联网登录本机后再发送</source>
            <translation>; %1 changes wait until their author (%2) logs in here while online</translation>
        </message>
        <message>
            <source>本机时钟比服务器快约 %1 分钟，请校准时间</source>
            <translation>This laptop's clock is about %1 minutes ahead of the server's; please set it right</translation>
        </message>
        <message>
            <source>本机时钟比服务器慢约 %1 分钟，请校准时间</source>
            <translation>This laptop's clock is about %1 minutes behind the server's; please set it right</translation>
        </message>
        <message>
            <source>本机已被管理员停用，但导出未发送的修改失败：%1。请联系管理员。</source>
            <translation>This laptop was stopped by an administrator, but exporting the unsent changes failed: %1. Please contact your administrator.</translation>
        </message>
        <message>
            <source>文件或网络错误：%1</source>
            <translation>File or network error: %1</translation>
        </message>
        <message>
            <source>出错了：%1</source>
            <translation>Something went wrong: %1</translation>
        </message>
        <message>
            <source>错误详情</source>
            <translation>Error details</translation>
        </message>
        <message>
            <source>网格员工作台 %1
社区网格员离线工作台</source>
            <translation>Grid Worker %1
Offline workbench for community grid workers</translation>
        </message>
        <message>
            <source>已添加本机用户 %1</source>
            <translation>Added %1 as a user of this laptop</translation>
        </message>
        <message>
            <source>管理员</source>
            <translation>Administrator</translation>
        </message>
        <message>
            <source>网格员</source>
            <translation>Grid worker</translation>
        </message>
        <message>
            <source>党员</source>
            <translation>Party member</translation>
        </message>
    </context>
    <context>
        <name>MeetingsPanel</name>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>形式</source>
            <translation>Form</translation>
        </message>
        <message>
            <source>议题</source>
            <translation>Topic</translation>
        </message>
        <message>
            <source>决定</source>
            <translation>Decision</translation>
        </message>
        <message>
            <source>未办结</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>记录议事会议</source>
            <translation>Record a meeting</translation>
        </message>
        <message>
            <source>如：3幢楼道加装扶手</source>
            <translation>e.g. handrails for the stairs of building 3</translation>
        </message>
        <message>
            <source>每行一个：住户地址（如 阳光花园3幢101室）或单位（如 阳光物业、业委会）</source>
            <translation>One per line: a household's address (e.g. 阳光花园3幢101室) or a unit (e.g. the property company)</translation>
        </message>
        <message>
            <source>会议记录：各方意见、讨论经过</source>
            <translation>Minutes: what each party said, how it was discussed</translation>
        </message>
        <message>
            <source>议题＊</source>
            <translation>Topic *</translation>
        </message>
        <message>
            <source>地点</source>
            <translation>Place</translation>
        </message>
        <message>
            <source>参会</source>
            <translation>Attendees</translation>
        </message>
        <message>
            <source>记录</source>
            <translation>Record</translation>
        </message>
        <message>
            <source>保存会议记录</source>
            <translation>Save the meeting</translation>
        </message>
        <message>
            <source>形成决定</source>
            <translation>Decide</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>负责人</source>
            <translation>Owner</translation>
        </message>
        <message>
            <source>期限</source>
            <translation>Deadline</translation>
        </message>
        <message>
            <source>表决规则</source>
            <translation>Rule</translation>
        </message>
        <message>
            <source>添加决定</source>
            <translation>Add the decision</translation>
        </message>
        <message>
            <source>跟进（民管）</source>
            <translation>Follow up</translation>
        </message>
        <message>
            <source>进展或办结情况</source>
            <translation>Progress or how it was done</translation>
        </message>
        <message>
            <source>记录进展</source>
            <translation>Record progress</translation>
        </message>
        <message>
            <source>办结</source>
            <translation>Done</translation>
        </message>
        <message>
            <source>打印纪要（PDF）…</source>
            <translation>Print the minutes (PDF)…</translation>
        </message>
        <message>
            <source>选中左侧的一次会议，可查看从议题到办结的全过程；或在左下方记录一次新的会议。</source>
            <translation>Select a meeting on the left to see it from topic to done, or record a new one below left.</translation>
        </message>
        <message>
            <source>请先选择要跟进的决定</source>
            <translation>Choose the decision to follow up first</translation>
        </message>
        <message>
            <source>保存会议纪要</source>
            <translation>Save the minutes</translation>
        </message>
    </context>
    <context>
        <name>MoveDialog</name>
        <message>
            <source>迁移住户</source>
            <translation>Move household</translation>
        </message>
        <message>
            <source>把这一户划到另一个网格或楼栋：</source>
            <translation>Move this household to another grid or building:</translation>
        </message>
        <message>
            <source>网格</source>
            <translation>Grid</translation>
        </message>
        <message>
            <source>楼栋</source>
            <translation>Building</translation>
        </message>
        <message>
            <source>新地址（可不改）</source>
            <translation>New address (optional)</translation>
        </message>
        <message>
            <source>迁移</source>
            <translation>Move</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>（不在楼栋中）</source>
            <translation>(no building)</translation>
        </message>
    </context>
    <context>
        <name>MyHouseholdsWorkspace</name>
        <message>
            <source>大字</source>
            <translation>Large text</translation>
        </message>
        <message>
            <source>请在左侧点选一户</source>
            <translation>Click a household on the left</translation>
        </message>
        <message>
            <source>一句话：看到了什么、居民说了什么</source>
            <translation>One sentence: what you saw, what the residents said</translation>
        </message>
        <message>
            <source>登记走访</source>
            <translation>Log a visit</translation>
        </message>
        <message>
            <source>需要社区帮忙解决的事</source>
            <translation>Something the community should help with</translation>
        </message>
        <message>
            <source>上报事项</source>
            <translation>Report an issue</translation>
        </message>
        <message>
            <source>方式</source>
            <translation>Mode</translation>
        </message>
        <message>
            <source>情况</source>
            <translation>Summary</translation>
        </message>
        <message>
            <source>事项</source>
            <translation>Issue</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>我联系的党员</source>
            <translation>Members I lead</translation>
        </message>
        <message>
            <source>我上报的事项</source>
            <translation>Cases I reported</translation>
        </message>
        <message>
            <source>我的联系户</source>
            <translation>My households</translation>
        </message>
        <message>
            <source>这个账号还没有对应的党员名册记录，请联系社区管理员。</source>
            <translation>This account has no party roster record yet; please ask the community admin.</translation>
        </message>
        <message>
            <source>（党员中心户）</source>
            <translation>(central household)</translation>
        </message>
        <message>
            <source>%1，您好%2</source>
            <translation>Hello, %1%2</translation>
        </message>
        <message>
            <source>积分：%1</source>
            <translation>Points: %1</translation>
        </message>
        <message>
            <source>未走访</source>
            <translation>Not visited</translation>
        </message>
        <message>
            <source>应立即走访</source>
            <translation>Visit now</translation>
        </message>
        <message>
            <source>已逾期（%1）</source>
            <translation>Overdue (%1)</translation>
        </message>
        <message>
            <source>下次 %1</source>
            <translation>Next %1</translation>
        </message>
        <message>
            <source>［%1联系］</source>
            <translation>[linked by %1]</translation>
        </message>
        <message>
            <source>上次走访 %1 · %2 · %3</source>
            <translation>Last visit %1 · %2 · %3</translation>
        </message>
        <message>
            <source>还没有上报过事项</source>
            <translation>No cases reported yet</translation>
        </message>
        <message>
            <source>%1  %2  联系 %3 户</source>
            <translation>%1  %2  %3 households</translation>
        </message>
        <message>
            <source>请写一句走访情况</source>
            <translation>Please write one sentence about the visit</translation>
        </message>
        <message>
            <source>走访已登记</source>
            <translation>Visit logged</translation>
        </message>
        <message>
            <source>请写明要上报的事</source>
            <translation>Please write what to report</translation>
        </message>
        <message>
            <source>事项已上报</source>
            <translation>Case reported</translation>
        </message>
    </context>
    <context>
        <name>NewBallotDialog</name>
        <message>
            <source>新建表决</source>
            <translation>New ballot</translation>
        </message>
        <message>
            <source>表决事项＊</source>
            <translation>Motion *</translation>
        </message>
        <message>
            <source>如：使用维修资金更换3幢电梯</source>
            <translation>e.g. use the maintenance fund to replace the lift of building 3</translation>
        </message>
        <message>
            <source>说明</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>表决范围</source>
            <translation>Scope</translation>
        </message>
        <message>
            <source>楼栋 / 小区</source>
            <translation>Building / estate</translation>
        </message>
        <message>
            <source>表决规则</source>
            <translation>Rule</translation>
        </message>
        <message>
            <source>选项（1/2/3键）</source>
            <translation>Options (keys 1/2/3)</translation>
        </message>
        <message>
            <source>创建并开始表决</source>
            <translation>Create and open</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>过半数户参加，且参加户过半数同意即通过。</source>
            <translation>Passes when more than half of the households take part and more than half of those agree.</translation>
        </message>
        <message>
            <source>专有部分面积和业主人数均占2/3以上参与；参与面积和参与人数均过半数同意。</source>
            <translation>Owners holding at least 2/3 of the private area and at least 2/3 of the owners take part; more than half of the participating area and owners agree.</translation>
        </message>
        <message>
            <source>专有部分面积和业主人数均占2/3以上参与；参与面积和参与人数均3/4以上同意（筹集维修资金、改建重建、改变共有部分用途或利用共有部分经营）。</source>
            <translation>Owners holding at least 2/3 of the private area and at least 2/3 of the owners take part; at least 3/4 of the participating area and owners agree (raising maintenance funds, rebuilding, changing the use of common parts or using them to earn money).</translation>
        </message>
        <message>
            <source>请选择楼栋或小区</source>
            <translation>Please choose a building or estate</translation>
        </message>
    </context>
    <context>
        <name>NewIssueDialog</name>
        <message>
            <source>上报事项</source>
            <translation>Report an issue</translation>
        </message>
        <message>
            <source>事项标题＊</source>
            <translation>Title *</translation>
        </message>
        <message>
            <source>详细描述</source>
            <translation>Description</translation>
        </message>
        <message>
            <source>事项性质＊</source>
            <translation>Kind *</translation>
        </message>
        <message>
            <source>事项类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>紧急程度</source>
            <translation>Urgency</translation>
        </message>
        <message>
            <source>涉及住户</source>
            <translation>Household</translation>
        </message>
        <message>
            <source>事发地点</source>
            <translation>Place</translation>
        </message>
        <message>
            <source>上报</source>
            <translation>Report</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>OverviewWorkspace</name>
        <message>
            <source>概览</source>
            <translation>Overview</translation>
        </message>
        <message>
            <source>正在统计…</source>
            <translation>Counting…</translation>
        </message>
        <message>
            <source>住户（户）</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>打开住户名册</source>
            <translation>Open the household list</translation>
        </message>
        <message>
            <source>居民（人）</source>
            <translation>Residents</translation>
        </message>
        <message>
            <source>本月走访（次）</source>
            <translation>Visits this month</translation>
        </message>
        <message>
            <source>打开最近走访</source>
            <translation>Open recent visits</translation>
        </message>
        <message>
            <source>逾期未走访（户）</source>
            <translation>Households overdue for a visit</translation>
        </message>
        <message>
            <source>打开逾期未访名单</source>
            <translation>Open the list of overdue visits</translation>
        </message>
        <message>
            <source>党员联户（1+10+N）覆盖率</source>
            <translation>Party contacts (1+10+N) coverage</translation>
        </message>
        <message>
            <source>近八周走访次数</source>
            <translation>Visits in the last eight weeks</translation>
        </message>
        <message>
            <source>吹哨事项</source>
            <translation>Issues</translation>
        </message>
        <message>
            <source>待办事项（件）</source>
            <translation>Cases to do</translation>
        </message>
        <message>
            <source>打开待办事项</source>
            <translation>Open the cases to do</translation>
        </message>
        <message>
            <source>已超期（件）</source>
            <translation>Overdue cases</translation>
        </message>
        <message>
            <source>打开已超期事项</source>
            <translation>Open the overdue cases</translation>
        </message>
        <message>
            <source>即将超期（件）</source>
            <translation>Nearly overdue cases</translation>
        </message>
        <message>
            <source>打开即将超期事项</source>
            <translation>Open the nearly overdue cases</translation>
        </message>
        <message>
            <source>点击一栏，打开该状态的事项</source>
            <translation>Click a bar to open the cases in that state</translation>
        </message>
        <message>
            <source>重点人群住户</source>
            <translation>Key-group households</translation>
        </message>
        <message>
            <source>本社区概况</source>
            <translation>Community at a glance</translation>
        </message>
        <message>
            <source>本网格概况</source>
            <translation>Grid at a glance</translation>
        </message>
        <message>
            <source>占 %1</source>
            <translation>%1 of all</translation>
        </message>
        <message>
            <source>已联系住户：%1 / %2 户</source>
            <translation>Households linked: %1 / %2</translation>
        </message>
        <message>
            <source>党员 %1 名，其中党员中心户 %2 户</source>
            <translation>%1 party members, %2 of them central households</translation>
        </message>
        <message>
            <source>未联系群众户的党员：%1 名；联系户数过多：%2 名</source>
            <translation>Members with no households: %1; with too many: %2</translation>
        </message>
        <message>
            <source>联系党员人数偏离约10名的中心户：%1 户</source>
            <translation>Central households far from about 10 members: %1</translation>
        </message>
        <message>
            <source>办理中 %1 件；结案率 %2，按期结案率 %3，满意率 %4</source>
            <translation>%1 open; closure rate %2, on-time rate %3, satisfaction %4</translation>
        </message>
        <message>
            <source>高风险 %1 户，重点 %2 户；关爱对象所在住户：</source>
            <translation>High risk %1, key group %2; households with people in care:</translation>
        </message>
        <message>
            <source>待上报</source>
            <translation>New</translation>
        </message>
        <message>
            <source>已上报</source>
            <translation>Reported</translation>
        </message>
        <message>
            <source>已受理</source>
            <translation>Accepted</translation>
        </message>
        <message>
            <source>不予受理</source>
            <translation>Declined</translation>
        </message>
        <message>
            <source>研判中</source>
            <translation>Analysing</translation>
        </message>
        <message>
            <source>已派遣</source>
            <translation>Dispatched</translation>
        </message>
        <message>
            <source>处置中</source>
            <translation>Handling</translation>
        </message>
        <message>
            <source>申请延期</source>
            <translation>Extension requested</translation>
        </message>
        <message>
            <source>已反馈</source>
            <translation>Handler done</translation>
        </message>
        <message>
            <source>核查结案</source>
            <translation>Closed</translation>
        </message>
        <message>
            <source>已评价</source>
            <translation>Rated</translation>
        </message>
        <message>
            <source>独居老人</source>
            <translation>Elderly living alone</translation>
        </message>
        <message>
            <source>空巢老人</source>
            <translation>Empty-nest elderly</translation>
        </message>
        <message>
            <source>留守老人</source>
            <translation>Left-behind elderly</translation>
        </message>
        <message>
            <source>失能失智老人</source>
            <translation>Disabled or demented elderly</translation>
        </message>
        <message>
            <source>特困供养</source>
            <translation>Destitute support</translation>
        </message>
        <message>
            <source>计生特殊家庭</source>
            <translation>Special family-planning households</translation>
        </message>
        <message>
            <source>散居孤儿</source>
            <translation>Orphans in families</translation>
        </message>
        <message>
            <source>困境儿童</source>
            <translation>Children in hardship</translation>
        </message>
        <message>
            <source>留守儿童</source>
            <translation>Left-behind children</translation>
        </message>
        <message>
            <source>残疾人</source>
            <translation>People with disabilities</translation>
        </message>
        <message>
            <source>低保/低收入</source>
            <translation>Subsistence / low income</translation>
        </message>
        <message>
            <source>优抚对象/退役军人</source>
            <translation>Veterans and dependants</translation>
        </message>
    </context>
    <context>
        <name>PartyRosterPanel</name>
        <message>
            <source>搜索政治面貌为党员的居民：姓名或地址</source>
            <translation>Search residents who are party members: name or address</translation>
        </message>
        <message>
            <source>加入党员名册</source>
            <translation>Add to the party roster</translation>
        </message>
        <message>
            <source>所属支部</source>
            <translation>Party branch</translation>
        </message>
        <message>
            <source>亮承诺</source>
            <translation>Public pledge</translation>
        </message>
        <message>
            <source>登记报到</source>
            <translation>Register</translation>
        </message>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>联系电话</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>工作单位</source>
            <translation>Workplace</translation>
        </message>
        <message>
            <source>报到日期</source>
            <translation>Registration date</translation>
        </message>
        <message>
            <source>请在左侧选择一名党员</source>
            <translation>Choose a party member on the left</translation>
        </message>
        <message>
            <source>保存承诺</source>
            <translation>Save pledge</translation>
        </message>
        <message>
            <source>原因（必填）</source>
            <translation>Reason (required)</translation>
        </message>
        <message>
            <source>设为党员中心户</source>
            <translation>Make central household</translation>
        </message>
        <message>
            <source>说明</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>离开并交接联系户</source>
            <translation>Leave and hand over households</translation>
        </message>
        <message>
            <source>中心户</source>
            <translation>Central household</translation>
        </message>
        <message>
            <source>离开原因</source>
            <translation>Why they leave</translation>
        </message>
        <message>
            <source>联系户交接（按楼栋就近推荐）：</source>
            <translation>Hand over households (nearest by building proposed):</translation>
        </message>
        <message>
            <source>所选党员</source>
            <translation>Selected member</translation>
        </message>
        <message>
            <source>从居民添加</source>
            <translation>Add from residents</translation>
        </message>
        <message>
            <source>在职党员报到</source>
            <translation>In-service member registration</translation>
        </message>
        <message>
            <source>党员名册</source>
            <translation>Party roster</translation>
        </message>
        <message>
            <source>在职党员</source>
            <translation>In-service member</translation>
        </message>
        <message>
            <source>居民党员</source>
            <translation>Resident member</translation>
        </message>
        <message>
            <source>是</source>
            <translation>Yes</translation>
        </message>
        <message>
            <source>党员 %1 名，党员中心户 %2 户</source>
            <translation>%1 party members, %2 central households</translation>
        </message>
        <message>
            <source>（未指定）</source>
            <translation>(not set)</translation>
        </message>
        <message>
            <source>撤销党员中心户</source>
            <translation>Revoke central household</translation>
        </message>
        <message>
            <source>暂无可接替党员</source>
            <translation>No member can take over</translation>
        </message>
        <message>
            <source>请先选择一名居民</source>
            <translation>Please choose a resident first</translation>
        </message>
    </context>
    <context>
        <name>PreferencesDialog</name>
        <message>
            <source>设置</source>
            <translation>Settings</translation>
        </message>
        <message>
            <source> 分钟</source>
            <translation> min</translation>
        </message>
        <message>
            <source>从不锁定</source>
            <translation>Never lock</translation>
        </message>
        <message>
            <source>只手动同步</source>
            <translation>Only by hand</translation>
        </message>
        <message>
            <source>关闭程序前同步</source>
            <translation>Sync before closing the program</translation>
        </message>
        <message>
            <source>无操作多久后锁定</source>
            <translation>Lock after idle for</translation>
        </message>
        <message>
            <source>联网时自动同步间隔</source>
            <translation>Auto-sync every (when online)</translation>
        </message>
        <message>
            <source>标准</source>
            <translation>Standard</translation>
        </message>
        <message>
            <source>大</source>
            <translation>Large</translation>
        </message>
        <message>
            <source>特大</source>
            <translation>Extra large</translation>
        </message>
        <message>
            <source>字号</source>
            <translation>Text size</translation>
        </message>
        <message>
            <source>确定</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>RecycleBinDialog</name>
        <message>
            <source>回收站：已删除的住户</source>
            <translation>Recycle bin: deleted households</translation>
        </message>
        <message>
            <source>近 180 天内删除的住户。恢复后会连同一起删除的成员回到列表，并同步到其他电脑。</source>
            <translation>Households deleted in the last 180 days. A restored household comes back with the members deleted with it, and the restore syncs to the other laptops.</translation>
        </message>
        <message>
            <source>删除时间</source>
            <translation>Deleted at</translation>
        </message>
        <message>
            <source>地址</source>
            <translation>Address</translation>
        </message>
        <message>
            <source>户主</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>成员</source>
            <translation>Members</translation>
        </message>
        <message>
            <source>恢复选中的住户</source>
            <translation>Restore the selected household</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>回收站是空的。</source>
            <translation>The recycle bin is empty.</translation>
        </message>
        <message>
            <source>请先选择要恢复的住户</source>
            <translation>Choose the household to restore first</translation>
        </message>
        <message>
            <source>已恢复：%1</source>
            <translation>Restored: %1</translation>
        </message>
    </context>
    <context>
        <name>ResidentDialog</name>
        <message>
            <source>添加成员</source>
            <translation>Add member</translation>
        </message>
        <message>
            <source>编辑成员</source>
            <translation>Edit member</translation>
        </message>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>公民身份号码</source>
            <translation>Citizen ID number</translation>
        </message>
        <message>
            <source>显示完整身份证号</source>
            <translation>Show full ID number</translation>
        </message>
        <message>
            <source>个人信息默认隐藏；显示会记入审计日志</source>
            <translation>Personal data is hidden by default; showing it is recorded in the audit log</translation>
        </message>
        <message>
            <source>性别</source>
            <translation>Sex</translation>
        </message>
        <message>
            <source>出生日期</source>
            <translation>Date of birth</translation>
        </message>
        <message>
            <source>与户主关系</source>
            <translation>Relation to head</translation>
        </message>
        <message>
            <source>电话</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>关爱标签</source>
            <translation>Care tags</translation>
        </message>
        <message>
            <source>特殊人群</source>
            <translation>Special management</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Notes</translation>
        </message>
        <message>
            <source>不迁出就不用填</source>
            <translation>Leave empty unless moving out</translation>
        </message>
        <message>
            <source>迁入另一户</source>
            <translation>Move to household</translation>
        </message>
        <message>
            <source>保存</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>无法记录查看操作，完整号码未显示：%1</source>
            <translation>Could not record the viewing in the audit log, so the full numbers are not shown: %1</translation>
        </message>
    </context>
    <context>
        <name>RestoreDialog</name>
        <message>
            <source>数据库文件已损坏</source>
            <translation>The database file is damaged</translation>
        </message>
        <message>
            <source>本机的数据库文件已损坏，程序无法打开它。</source>
            <translation>This laptop's database file is damaged; the program cannot open it.</translation>
        </message>
        <message>
            <source>文件：{0}</source>
            <translation>File: {0}</translation>
        </message>
        <message>
            <source>发现的问题：{0}</source>
            <translation>Problem found: {0}</translation>
        </message>
        <message>
            <source>（未说明）</source>
            <translation>(not stated)</translation>
        </message>
        <message>
            <source>正在检查本机的备份…</source>
            <translation>Checking this laptop's backups…</translation>
        </message>
        <message>
            <source>备份时间</source>
            <translation>Backup taken</translation>
        </message>
        <message>
            <source>大小</source>
            <translation>Size</translation>
        </message>
        <message>
            <source>其中未同步的修改</source>
            <translation>Unsynced changes in it</translation>
        </message>
        <message>
            <source>恢复所选备份</source>
            <translation>Restore the selected backup</translation>
        </message>
        <message>
            <source>退出</source>
            <translation>Quit</translation>
        </message>
        <message>
            <source>{0}.broken-日期时间（在 {1} 文件夹中）</source>
            <translation>{0}.broken-&lt;date and time&gt; (in the folder {1})</translation>
        </message>
        <message>
            <source>未知</source>
            <translation>unknown</translation>
        </message>
        <message>
            <source>无</source>
            <translation>None</translation>
        </message>
        <message>
            <source>{0} 条</source>
            <translation>{0}</translation>
        </message>
        <message>
            <source>本机有 {0} 份完好的备份，最新的一份在最上面：</source>
            <translation>This laptop has {0} good backups, the newest at the top:</translation>
        </message>
        <message>
            <source>恢复会做什么：</source>
            <translation>What restoring does:</translation>
        </message>
        <message>
            <source>• 用所选备份替换损坏的数据库文件。</source>
            <translation>• The damaged database file is replaced by the selected backup.</translation>
        </message>
        <message>
            <source>• 损坏的文件不会删除，会改名保留为 {0}，管理员可以从中找回其中的修改。</source>
            <translation>• The damaged file is not deleted: it is kept as {0}, so an administrator can recover changes from it.</translation>
        </message>
        <message>
            <source>• 所选备份之后做的、还没有同步到服务器的修改，恢复后本机上不会有（它们可能还在损坏的文件里）。</source>
            <translation>• Changes made after the selected backup that were not yet synced to the server will not be on this laptop after restoring (they may still be in the damaged file).</translation>
        </message>
        <message>
            <source>• 恢复后请联网同步一次：服务器上的数据（包括您已同步过的修改）会全部回到本机。</source>
            <translation>• After restoring, sync once while online: all the server's data (including your changes that were already synced) comes back to this laptop.</translation>
        </message>
        <message>
            <source>本机没有可用的备份，无法自动恢复。</source>
            <translation>This laptop has no usable backup, so it cannot be restored automatically.</translation>
        </message>
        <message>
            <source>请这样做：</source>
            <translation>Please do this:</translation>
        </message>
        <message>
            <source>• 联系管理员。管理员重新登记本机后，服务器上的数据会全部回到本机。</source>
            <translation>• Contact your administrator. Once they enrol this laptop again, all the server's data comes back to it.</translation>
        </message>
        <message>
            <source>• 还没有同步的修改可能还在损坏的文件里：请不要删除 {0}，交给管理员处理。</source>
            <translation>• Changes not yet synced may still be in the damaged file: do not delete {0}; hand it to your administrator.</translation>
        </message>
        <message>
            <source>• 点“退出”关闭程序。</source>
            <translation>• Click "Quit" to close the program.</translation>
        </message>
        <message>
            <source>无法读取备份文件夹：{0}</source>
            <translation>Cannot read the backup folder: {0}</translation>
        </message>
        <message>
            <source>正在恢复 {0} 的备份…</source>
            <translation>Restoring the backup of {0}…</translation>
        </message>
        <message>
            <source>正在恢复备份…</source>
            <translation>Restoring the backup…</translation>
        </message>
        <message>
            <source>恢复没有完成。</source>
            <translation>The restore did not finish.</translation>
        </message>
        <message>
            <source>恢复失败：{0}</source>
            <translation>Restore failed: {0}</translation>
        </message>
    </context>
    <context>
        <name>ServiceWorkspace</name>
        <message>
            <source>服务登记与审核</source>
            <translation>Service and approval</translation>
        </message>
        <message>
            <source>按签到表录入</source>
            <translation>Enter a sign-in sheet</translation>
        </message>
        <message>
            <source>需求清单</source>
            <translation>Service needs</translation>
        </message>
        <message>
            <source>积分（时间银行）</source>
            <translation>Points (time bank)</translation>
        </message>
        <message>
            <source>红领服务队</source>
            <translation>Red-collar teams</translation>
        </message>
        <message>
            <source>红榜</source>
            <translation>Honour roll</translation>
        </message>
        <message>
            <source>志愿服务</source>
            <translation>Volunteer service</translation>
        </message>
        <message>
            <source>显示</source>
            <translation>Show</translation>
        </message>
        <message>
            <source>审核通过选中记录</source>
            <translation>Approve selected</translation>
        </message>
        <message>
            <source>不通过的原因</source>
            <translation>Reason for refusing</translation>
        </message>
        <message>
            <source>不通过</source>
            <translation>Refuse</translation>
        </message>
        <message>
            <source>日期</source>
            <translation>Date</translation>
        </message>
        <message>
            <source>党员</source>
            <translation>Party member</translation>
        </message>
        <message>
            <source>类型</source>
            <translation>Type</translation>
        </message>
        <message>
            <source>时长</source>
            <translation>Hours</translation>
        </message>
        <message>
            <source>服务户数</source>
            <translation>Households served</translation>
        </message>
        <message>
            <source>服务队</source>
            <translation>Team</translation>
        </message>
        <message>
            <source>活动</source>
            <translation>Activity</translation>
        </message>
        <message>
            <source>登记方式</source>
            <translation>Entered by</translation>
        </message>
        <message>
            <source>审核</source>
            <translation>Approval</translation>
        </message>
        <message>
            <source>积分</source>
            <translation>Points</translation>
        </message>
        <message>
            <source>登记一次服务</source>
            <translation>Record a service</translation>
        </message>
        <message>
            <source>如 2 或 1.5</source>
            <translation>e.g. 2 or 1.5</translation>
        </message>
        <message>
            <source>如：为独居老人打扫卫生</source>
            <translation>e.g. cleaning for an elderly person living alone</translation>
        </message>
        <message>
            <source>时长（小时）</source>
            <translation>Hours</translation>
        </message>
        <message>
            <source>认领的需求</source>
            <translation>Need claimed</translation>
        </message>
        <message>
            <source>保存服务记录</source>
            <translation>Save the record</translation>
        </message>
        <message>
            <source>先填活动、日期和时长，再在名单上逐个选中签到的党员按回车或空格：每按一次登记一人，登记后待书记审核。</source>
            <translation>Fill in the activity, date and hours, then select each member who signed and press Enter or Space: one key press records one person, to be approved by the secretary.</translation>
        </message>
        <message>
            <source>活动名称</source>
            <translation>Activity</translation>
        </message>
        <message>
            <source>需求</source>
            <translation>Need</translation>
        </message>
        <message>
            <source>来源</source>
            <translation>Source</translation>
        </message>
        <message>
            <source>地点</source>
            <translation>Place</translation>
        </message>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>人数</source>
            <translation>People</translation>
        </message>
        <message>
            <source>技能</source>
            <translation>Skills</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>认领</source>
            <translation>Claimed by</translation>
        </message>
        <message>
            <source>认领选中需求</source>
            <translation>Claim the selected need</translation>
        </message>
        <message>
            <source>标记完成</source>
            <translation>Mark done</translation>
        </message>
        <message>
            <source>取消需求</source>
            <translation>Cancel the need</translation>
        </message>
        <message>
            <source>认领人</source>
            <translation>Claimed by</translation>
        </message>
        <message>
            <source>列入需求清单</source>
            <translation>Add a need</translation>
        </message>
        <message>
            <source>如：帮3户独居老人代买药</source>
            <translation>e.g. buy medicine for 3 elderly people living alone</translation>
        </message>
        <message>
            <source>需求＊</source>
            <translation>Need *</translation>
        </message>
        <message>
            <source>需要人数</source>
            <translation>People wanted</translation>
        </message>
        <message>
            <source>列入清单</source>
            <translation>Add to the list</translation>
        </message>
        <message>
            <source>支部</source>
            <translation>Branch</translation>
        </message>
        <message>
            <source>余额</source>
            <translation>Balance</translation>
        </message>
        <message>
            <source>获得</source>
            <translation>Earned</translation>
        </message>
        <message>
            <source>已兑换</source>
            <translation>Redeemed</translation>
        </message>
        <message>
            <source>今年时长</source>
            <translation>Hours this year</translation>
        </message>
        <message>
            <source>应达进度</source>
            <translation>Expected by now</translation>
        </message>
        <message>
            <source>进度</source>
            <translation>Pace</translation>
        </message>
        <message>
            <source>待审核</source>
            <translation>Waiting</translation>
        </message>
        <message>
            <source>事项</source>
            <translation>Issue</translation>
        </message>
        <message>
            <source>审核 / 经办</source>
            <translation>Approved / handled by</translation>
        </message>
        <message>
            <source>兑换积分</source>
            <translation>Points to redeem</translation>
        </message>
        <message>
            <source>兑换的物品或服务，如：理发一次</source>
            <translation>What for, e.g. a haircut</translation>
        </message>
        <message>
            <source>兑换</source>
            <translation>Redeem</translation>
        </message>
        <message>
            <source>队长</source>
            <translation>Leader</translation>
        </message>
        <message>
            <source>队员</source>
            <translation>Members</translation>
        </message>
        <message>
            <source>服务对象（户）</source>
            <translation>Households served</translation>
        </message>
        <message>
            <source>本季度时长</source>
            <translation>Hours this quarter</translation>
        </message>
        <message>
            <source>本季度走访</source>
            <translation>Visits this quarter</translation>
        </message>
        <message>
            <source>重点服务</source>
            <translation>Focus</translation>
        </message>
        <message>
            <source>新建红领服务队</source>
            <translation>New red-collar team</translation>
        </message>
        <message>
            <source>如：独居老人、残疾人</source>
            <translation>e.g. elderly living alone, disabled people</translation>
        </message>
        <message>
            <source>名称＊</source>
            <translation>Name *</translation>
        </message>
        <message>
            <source>保存服务队</source>
            <translation>Save the team</translation>
        </message>
        <message>
            <source>季度（选其中一天）</source>
            <translation>Quarter (pick a day in it)</translation>
        </message>
        <message>
            <source>名次</source>
            <translation>Rank</translation>
        </message>
        <message>
            <source>名称</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>服务时长</source>
            <translation>Hours</translation>
        </message>
        <message>
            <source>服务次数</source>
            <translation>Services</translation>
        </message>
        <message>
            <source>党员红榜</source>
            <translation>Members</translation>
        </message>
        <message>
            <source>服务队红榜</source>
            <translation>Teams</translation>
        </message>
        <message>
            <source>星级文明户评选</source>
            <translation>Civilised-household selection</translation>
        </message>
        <message>
            <source>每行一户被提名的住户地址，如：阳光花园3幢101室</source>
            <translation>One nominated household address a line, e.g. Sunshine Garden bldg 3 room 101</translation>
        </message>
        <message>
            <source>发起评选（在“议事表决”中录入投票）</source>
            <translation>Start the selection (enter the votes in Ballots)</translation>
        </message>
        <message>
            <source>年度</source>
            <translation>Year</translation>
        </message>
        <message>
            <source>提名</source>
            <translation>Nominees</translation>
        </message>
        <message>
            <source>评出 </source>
            <translation>Select </translation>
        </message>
        <message>
            <source> 星</source>
            <translation> stars</translation>
        </message>
        <message>
            <source>写入评选结果</source>
            <translation>Write the result</translation>
        </message>
        <message>
            <source>已结束的评选</source>
            <translation>Closed selection</translation>
        </message>
        <message>
            <source>（无）</source>
            <translation>(none)</translation>
        </message>
        <message>
            <source>服务队（可不选）</source>
            <translation>Team (optional)</translation>
        </message>
        <message>
            <source>服务队：</source>
            <translation>Team: </translation>
        </message>
        <message>
            <source>（投票中）</source>
            <translation> (voting)</translation>
        </message>
        <message>
            <source>%1年第%2季度</source>
            <translation>Q%2 %1</translation>
        </message>
        <message>
            <source>%1 按审核通过的服务时长排名</source>
            <translation>%1, ranked by approved hours</translation>
        </message>
        <message>
            <source>本表已登记 %1 人</source>
            <translation>%1 entered from this sheet</translation>
        </message>
        <message>
            <source>选中一位党员查看积分明细</source>
            <translation>Select a member to see their statement</translation>
        </message>
        <message>
            <source>%1 的积分明细：余额 %2 分</source>
            <translation>%1's statement: balance %2 points</translation>
        </message>
        <message>
            <source>已保存，等待书记审核</source>
            <translation>Saved; waiting for the secretary's approval</translation>
        </message>
        <message>
            <source>这位党员已在本表登记</source>
            <translation>This member is already entered from this sheet</translation>
        </message>
        <message>
            <source>请先选中要审核的记录</source>
            <translation>Select the records to approve first</translation>
        </message>
        <message>
            <source>已审核，积分已计入</source>
            <translation>Approved; the points are credited</translation>
        </message>
        <message>
            <source>请先选中一项需求</source>
            <translation>Select a need first</translation>
        </message>
        <message>
            <source>请先选中一位党员</source>
            <translation>Select a member first</translation>
        </message>
        <message>
            <source>已兑换，余额 %1 分</source>
            <translation>Redeemed; balance %1 points</translation>
        </message>
        <message>
            <source>评选已发起：请在“议事表决”中录入各户投票，结束后回到这里写入结果</source>
            <translation>Selection started: enter the households' votes in Ballots, then come back here to write the result</translation>
        </message>
        <message>
            <source>还没有已发起的星级文明户评选</source>
            <translation>No selection has been started yet</translation>
        </message>
        <message>
            <source>已评出 %1 户星级文明户，写入住户信息</source>
            <translation>%1 households selected; written to their records</translation>
        </message>
    </context>
    <context>
        <name>StepDialog</name>
        <message>
            <source>办理：</source>
            <translation>Action:</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>处置情况</source>
            <translation>What was done</translation>
        </message>
        <message>
            <source>备注内容</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>说明</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>原因</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>事项类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>紧急程度</source>
            <translation>Urgency</translation>
        </message>
        <message>
            <source>责任层级</source>
            <translation>Responsible level</translation>
        </message>
        <message>
            <source>事项性质</source>
            <translation>Kind</translation>
        </message>
        <message>
            <source>承办部门</source>
            <translation>Department</translation>
        </message>
        <message>
            <source>延期（工作日）</source>
            <translation>Extension (working days)</translation>
        </message>
        <message>
            <source>评价</source>
            <translation>Rating</translation>
        </message>
        <message>
            <source>吹哨升级：由{0}级升至{1}级办理，请说明原因。</source>
            <translation>Escalate from {0} level to {1} level: please give the reason.</translation>
        </message>
        <message>
            <source>核查处置结果属实后结案。</source>
            <translation>Close after verifying the result.</translation>
        </message>
        <message>
            <source>当前状态：</source>
            <translation>Status:</translation>
        </message>
    </context>
    <context>
        <name>SyncController</name>
        <message>
            <source>正在完成同步，请稍候…</source>
            <translation>Finishing the sync, please wait…</translation>
        </message>
        <message>
            <source>停止同步</source>
            <translation>Stop sync</translation>
        </message>
        <message>
            <source>关闭前同步</source>
            <translation>Syncing before closing</translation>
        </message>
    </context>
    <context>
        <name>SyncWorkspace</name>
        <message>
            <source>同步</source>
            <translation>Sync</translation>
        </message>
        <message>
            <source>同步状态</source>
            <translation>Sync status</translation>
        </message>
        <message>
            <source>网络：</source>
            <translation>Network:</translation>
        </message>
        <message>
            <source>服务器：</source>
            <translation>Server:</translation>
        </message>
        <message>
            <source>待发送的修改：</source>
            <translation>Changes to send:</translation>
        </message>
        <message>
            <source>上次同步：</source>
            <translation>Last sync:</translation>
        </message>
        <message>
            <source>立即同步</source>
            <translation>Sync now</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>冲突</source>
            <translation>Conflicts</translation>
        </message>
        <message>
            <source>被拒绝的修改</source>
            <translation>Rejected changes</translation>
        </message>
        <message>
            <source>类型</source>
            <translation>Type</translation>
        </message>
        <message>
            <source>记录</source>
            <translation>Record</translation>
        </message>
        <message>
            <source>说明</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>重复投票、无效的事项步骤等：请到对应的工作区处理，处理后点“已知悉”。</source>
            <translation>Duplicate votes, invalid issue steps and the like: settle them in their workspace, then press "Acknowledged".</translation>
        </message>
        <message>
            <source>已知悉</source>
            <translation>Acknowledged</translation>
        </message>
        <message>
            <source>其他提醒</source>
            <translation>Other notices</translation>
        </message>
        <message>
            <source>内容</source>
            <translation>What</translation>
        </message>
        <message>
            <source>字段</source>
            <translation>Field</translation>
        </message>
        <message>
            <source>本机</source>
            <translation>This laptop</translation>
        </message>
        <message>
            <source>保留本机的值</source>
            <translation>Keep this laptop's value</translation>
        </message>
        <message>
            <source>另一台电脑</source>
            <translation>Other laptop</translation>
        </message>
        <message>
            <source>改用另一台电脑的值</source>
            <translation>Use the other laptop's value</translation>
        </message>
        <message>
            <source>显示完整号码</source>
            <translation>Show full numbers</translation>
        </message>
        <message>
            <source>显示两边的完整号码（会记入审计日志）</source>
            <translation>Show both full numbers (recorded in the audit log)</translation>
        </message>
        <message>
            <source>服务器的理由</source>
            <translation>Server's reason</translation>
        </message>
        <message>
            <source>改正下面的值，然后“改正后重新发送”；或放弃这条修改。</source>
            <translation>Correct the values below, then "Fix and resend"; or drop this change.</translation>
        </message>
        <message>
            <source>值</source>
            <translation>Value</translation>
        </message>
        <message>
            <source>改正后重新发送</source>
            <translation>Fix and resend</translation>
        </message>
        <message>
            <source>放弃这条修改</source>
            <translation>Drop this change</translation>
        </message>
        <message>
            <source>（本机未注册到服务器）</source>
            <translation>(this laptop is not enrolled with a server)</translation>
        </message>
        <message numerus="yes">
            <source>%n 条</source>
            <translation>
                <numerusform>%n change</numerusform>
                <numerusform>%n changes</numerusform>
            </translation>
        </message>
        <message>
            <source>从未同步</source>
            <translation>Never</translation>
        </message>
        <message>
            <source>重复投票</source>
            <translation>Duplicate vote</translation>
        </message>
        <message>
            <source>无效的处理步骤</source>
            <translation>Invalid issue step</translation>
        </message>
        <message>
            <source>冲突（%1）</source>
            <translation>Conflicts (%1)</translation>
        </message>
        <message>
            <source>被拒绝的修改（%1）</source>
            <translation>Rejected changes (%1)</translation>
        </message>
        <message>
            <source>其他提醒（%1）</source>
            <translation>Other notices (%1)</translation>
        </message>
        <message>
            <source>正在停止：当前这一批完成后停止，已完成的部分会保留…</source>
            <translation>Stopping after the current batch; what is done is kept…</translation>
        </message>
        <message>
            <source>正在同步…</source>
            <translation>Syncing…</translation>
        </message>
        <message>
            <source>正在发送本机的修改：%1 / %2 条（%3）</source>
            <translation>Sending this laptop's changes: %1 / %2 (%3)</translation>
        </message>
        <message>
            <source>等待服务器…第 %1 次重试</source>
            <translation>Waiting for the server… retry %1</translation>
        </message>
        <message>
            <source>正在接收其他电脑的修改：已收到 %1 条（%2）</source>
            <translation>Receiving other laptops' changes: %1 so far (%2)</translation>
        </message>
        <message>
            <source>同步完成：发送 %1 条，接收 %2 条</source>
            <translation>Sync done: %1 sent, %2 received</translation>
        </message>
        <message>
            <source>；%1 个冲突、%2 条被拒绝，请在下方查看</source>
            <translation>; %1 conflicts and %2 rejected, see below</translation>
        </message>
        <message>
            <source>同步没有完成，详情见窗口底部。本机的修改都已保留。</source>
            <translation>The sync did not finish; see the bottom of the window. All changes on this laptop are kept.</translation>
        </message>
        <message>
            <source>同步已取消；已完成的部分已保存，下次同步会继续。</source>
            <translation>Sync cancelled; what was done is saved and the next sync continues.</translation>
        </message>
        <message>
            <source>● 在线</source>
            <translation>● Online</translation>
        </message>
        <message>
            <source>● 离线（修改保存在本机，联网后自动同步）</source>
            <translation>● Offline (changes are kept here and sync when the network is back)</translation>
        </message>
        <message>
            <source>没有需要处理的冲突</source>
            <translation>No conflicts to settle</translation>
        </message>
        <message>
            <source>（现在的值）</source>
            <translation> (current)</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>修改</source>
            <translation>Edit</translation>
        </message>
        <message>
            <source>这条记录已被删除</source>
            <translation>This record was deleted</translation>
        </message>
        <message>
            <source>另一处对它做过修改</source>
            <translation>It was edited elsewhere</translation>
        </message>
        <message>
            <source>接受删除</source>
            <translation>Accept the deletion</translation>
        </message>
        <message>
            <source>恢复这条记录</source>
            <translation>Restore the record</translation>
        </message>
        <message>
            <source>组织</source>
            <translation>Organisation</translation>
        </message>
        <message>
            <source>楼栋</source>
            <translation>Building</translation>
        </message>
        <message>
            <source>住户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>居民</source>
            <translation>Resident</translation>
        </message>
        <message>
            <source>党员</source>
            <translation>Party member</translation>
        </message>
        <message>
            <source>联户关系</source>
            <translation>Contact link</translation>
        </message>
        <message>
            <source>表决</source>
            <translation>Ballot</translation>
        </message>
        <message>
            <source>表决选项</source>
            <translation>Ballot option</translation>
        </message>
        <message>
            <source>吹哨事项</source>
            <translation>Issues</translation>
        </message>
        <message>
            <source>走访</source>
            <translation>Visits</translation>
        </message>
        <message>
            <source>投票</source>
            <translation>Vote</translation>
        </message>
        <message>
            <source>事项处理</source>
            <translation>Issue step</translation>
        </message>
        <message>
            <source>积分</source>
            <translation>Points</translation>
        </message>
        <message>
            <source>审计</source>
            <translation>Audit</translation>
        </message>
        <message>
            <source>议事会议</source>
            <translation>Meetings</translation>
        </message>
        <message>
            <source>议事决定</source>
            <translation>Meeting decisions</translation>
        </message>
        <message>
            <source>地址</source>
            <translation>Address</translation>
        </message>
        <message>
            <source>户主</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>电话</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>身份证号</source>
            <translation>ID number</translation>
        </message>
        <message>
            <source>标签</source>
            <translation>Tags</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Notes</translation>
        </message>
        <message>
            <source>关注等级</source>
            <translation>Attention level</translation>
        </message>
        <message>
            <source>住房性质</source>
            <translation>Tenure</translation>
        </message>
        <message>
            <source>人户状态</source>
            <translation>Residence status</translation>
        </message>
        <message>
            <source>面积</source>
            <translation>Area</translation>
        </message>
        <message>
            <source>网格</source>
            <translation>Grid</translation>
        </message>
        <message>
            <source>与户主关系</source>
            <translation>Relation to head</translation>
        </message>
        <message>
            <source>出生日期</source>
            <translation>Date of birth</translation>
        </message>
        <message>
            <source>性别</source>
            <translation>Sex</translation>
        </message>
        <message>
            <source>标题</source>
            <translation>Title</translation>
        </message>
        <message>
            <source>情况摘要</source>
            <translation>Summary</translation>
        </message>
        <message>
            <source>有效</source>
            <translation>Active</translation>
        </message>
        <message>
            <source>原因</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>支部</source>
            <translation>Branch</translation>
        </message>
        <message>
            <source>选项</source>
            <translation>Option</translation>
        </message>
        <message>
            <source>方式</source>
            <translation>Mode</translation>
        </message>
        <message>
            <source>走访时间</source>
            <translation>Visited at</translation>
        </message>
        <message>
            <source>（整条记录）</source>
            <translation>(whole record)</translation>
        </message>
    </context>
    <context>
        <name>TaskRunner</name>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>请稍候</source>
            <translation>Please wait</translation>
        </message>
    </context>
    <context>
        <name>VisitsWorkspace</name>
        <message>
            <source>住户＊</source>
            <translation>Household *</translation>
        </message>
        <message>
            <source>走访方式</source>
            <translation>Visit mode</translation>
        </message>
        <message>
            <source>现在</source>
            <translation>Now</translation>
        </message>
        <message>
            <source>不修改时，按保存时的时间记录</source>
            <translation>Unless changed, the visit is recorded at the time it is saved</translation>
        </message>
        <message>
            <source>走访时间</source>
            <translation>Visited at</translation>
        </message>
        <message>
            <source>简要记录看到、听到的情况</source>
            <translation>Briefly note what you saw and heard</translation>
        </message>
        <message>
            <source>走访情况</source>
            <translation>Summary</translation>
        </message>
        <message>
            <source>如：楼道灯坏了、老人独居无人照看</source>
            <translation>e.g. stairwell light broken, elderly person alone without care</translation>
        </message>
        <message>
            <source>发现问题</source>
            <translation>Problems found</translation>
        </message>
        <message>
            <source>群众的急难愁盼</source>
            <translation>Residents' urgent needs</translation>
        </message>
        <message>
            <source>群众诉求</source>
            <translation>Requests</translation>
        </message>
        <message>
            <source>如：下周联系物业上门维修</source>
            <translation>e.g. ask the property company to repair it next week</translation>
        </message>
        <message>
            <source>跟进计划</source>
            <translation>Follow-up</translation>
        </message>
        <message>
            <source>需要回访，日期</source>
            <translation>Follow-up visit on</translation>
        </message>
        <message>
            <source>回访</source>
            <translation>Follow-up</translation>
        </message>
        <message>
            <source>同时上报事项（吹哨报到）</source>
            <translation>Also report an issue (whistle)</translation>
        </message>
        <message>
            <source>不填则用“发现问题”的第一行</source>
            <translation>Leave empty to use the first line of "Problems found"</translation>
        </message>
        <message>
            <source>事项标题</source>
            <translation>Issue title</translation>
        </message>
        <message>
            <source>事项性质</source>
            <translation>Kind</translation>
        </message>
        <message>
            <source>事项类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>紧急（当日办结）</source>
            <translation>Emergency (same day)</translation>
        </message>
        <message>
            <source>紧急程度</source>
            <translation>Urgency</translation>
        </message>
        <message>
            <source>保存走访记录 (Ctrl+S)</source>
            <translation>Save visit (Ctrl+S)</translation>
        </message>
        <message>
            <source>登记走访</source>
            <translation>Log a visit</translation>
        </message>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>住户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>方式</source>
            <translation>Mode</translation>
        </message>
        <message>
            <source>走访人</source>
            <translation>Visitor</translation>
        </message>
        <message>
            <source>情况</source>
            <translation>Summary</translation>
        </message>
        <message>
            <source>事项</source>
            <translation>Issue</translation>
        </message>
        <message>
            <source>选中一条走访记录可查看全文</source>
            <translation>Select a visit to read it in full</translation>
        </message>
        <message>
            <source>作废这条走访…</source>
            <translation>Void this visit…</translation>
        </message>
        <message>
            <source>登记错了的走访：原记录保留，加一条作废记录并写明原因</source>
            <translation>A visit logged in error: the record is kept, a voiding record with the reason is added</translation>
        </message>
        <message>
            <source>全部关注等级</source>
            <translation>All attention levels</translation>
        </message>
        <message>
            <source>关注等级</source>
            <translation>Attention level</translation>
        </message>
        <message>
            <source>户主</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>上次走访</source>
            <translation>Last visit</translation>
        </message>
        <message>
            <source>应访时间</source>
            <translation>Due</translation>
        </message>
        <message>
            <source>逾期</source>
            <translation>Overdue</translation>
        </message>
        <message>
            <source>双击一行即可为该户登记走访。规则：高风险每周、重点人群每月、其他每季度至少走访一次。</source>
            <translation>Double-click a row to log a visit. Rule: high risk weekly, key groups monthly, others at least quarterly.</translation>
        </message>
        <message>
            <source>最近走访</source>
            <translation>Last visit</translation>
        </message>
        <message>
            <source>逾期未访</source>
            <translation>Overdue visits</translation>
        </message>
        <message>
            <source>待回访</source>
            <translation>Follow-ups</translation>
        </message>
        <message>
            <source>走访</source>
            <translation>Visits</translation>
        </message>
        <message>
            <source>已上报</source>
            <translation>Reported</translation>
        </message>
        <message>
            <source>已作废</source>
            <translation>Voided</translation>
        </message>
        <message>
            <source>已作废：%1</source>
            <translation>Voided: %1</translation>
        </message>
        <message>
            <source>{0}：{1}户</source>
            <translation>{0}: {1} households</translation>
        </message>
        <message>
            <source>从未走访</source>
            <translation>Never visited</translation>
        </message>
        <message>
            <source>{0}天</source>
            <translation>{0} days</translation>
        </message>
        <message>
            <source>无</source>
            <translation>None</translation>
        </message>
        <message>
            <source>回访日期</source>
            <translation>Follow-up date</translation>
        </message>
        <message>
            <source>作废走访</source>
            <translation>Void a visit</translation>
        </message>
        <message>
            <source>作废 %1 %2 的走访，原因（必填）：</source>
            <translation>Void the visit of %1 at %2. Reason (required):</translation>
        </message>
        <message>
            <source>关注等级：{0}；上次走访：{1}</source>
            <translation>Attention level: {0}; last visit: {1}</translation>
        </message>
        <message>
            <source>请先选择住户</source>
            <translation>Please choose a household first</translation>
        </message>
        <message>
            <source>请填写事项标题，或在“发现问题”中写明问题</source>
            <translation>Please give the issue a title, or describe the problem under "Problems found"</translation>
        </message>
        <message>
            <source>已保存：{0}</source>
            <translation>Saved: {0}</translation>
        </message>
        <message>
            <source>，并已上报事项</source>
            <translation>, and the issue was reported</translation>
        </message>
        <message>
            <source>正在保存…</source>
            <translation>Saving…</translation>
        </message>
    </context>
    <context>
        <name>start</name>
        <message>
            <source>正在准备演示社区，请稍候…</source>
            <translation>Preparing the demo community, please wait…</translation>
        </message>
        <message>
            <source>数据库检查发现问题：%1</source>
            <translation>The database check found a problem: %1</translation>
        </message>
        <message>
            <source>自动备份失败：%1</source>
            <translation>Automatic backup failed: %1</translation>
        </message>
    </context>
    <context>
        <name>codes</name>
        <message>
            <source>男</source>
            <translation>Male</translation>
        </message>
        <message>
            <source>女</source>
            <translation>Female</translation>
        </message>
        <message>
            <source>未说明</source>
            <translation>Unspecified</translation>
        </message>
        <message>
            <source>未婚</source>
            <translation>Single</translation>
        </message>
        <message>
            <source>已婚</source>
            <translation>Married</translation>
        </message>
        <message>
            <source>初婚</source>
            <translation>First marriage</translation>
        </message>
        <message>
            <source>再婚</source>
            <translation>Remarried</translation>
        </message>
        <message>
            <source>复婚</source>
            <translation>Remarried (same spouse)</translation>
        </message>
        <message>
            <source>丧偶</source>
            <translation>Widowed</translation>
        </message>
        <message>
            <source>离婚</source>
            <translation>Divorced</translation>
        </message>
        <message>
            <source>本人</source>
            <translation>Self</translation>
        </message>
        <message>
            <source>户主</source>
            <translation>Head of household</translation>
        </message>
        <message>
            <source>配偶</source>
            <translation>Spouse</translation>
        </message>
        <message>
            <source>夫</source>
            <translation>Husband</translation>
        </message>
        <message>
            <source>妻</source>
            <translation>Wife</translation>
        </message>
        <message>
            <source>子</source>
            <translation>Child</translation>
        </message>
        <message>
            <source>孙辈</source>
            <translation>Grandchild</translation>
        </message>
        <message>
            <source>父母</source>
            <translation>Parent</translation>
        </message>
        <message>
            <source>祖父母</source>
            <translation>Grandparent</translation>
        </message>
        <message>
            <source>兄弟姐妹</source>
            <translation>Sibling</translation>
        </message>
        <message>
            <source>其他</source>
            <translation>Other</translation>
        </message>
        <message>
            <source>其他亲属</source>
            <translation>Other relative</translation>
        </message>
        <message>
            <source>非亲属</source>
            <translation>Not related</translation>
        </message>
        <message>
            <source>研究生</source>
            <translation>Postgraduate</translation>
        </message>
        <message>
            <source>大学本科</source>
            <translation>Bachelor</translation>
        </message>
        <message>
            <source>大学专科</source>
            <translation>Junior college</translation>
        </message>
        <message>
            <source>中等职业教育</source>
            <translation>Vocational school</translation>
        </message>
        <message>
            <source>普通高级中学</source>
            <translation>Senior high school</translation>
        </message>
        <message>
            <source>初级中学</source>
            <translation>Junior high school</translation>
        </message>
        <message>
            <source>小学</source>
            <translation>Primary school</translation>
        </message>
        <message>
            <source>中共党员</source>
            <translation>CPC member</translation>
        </message>
        <message>
            <source>中共预备党员</source>
            <translation>CPC probationary member</translation>
        </message>
        <message>
            <source>共青团员</source>
            <translation>CYL member</translation>
        </message>
        <message>
            <source>民革党员</source>
            <translation>RCCK member</translation>
        </message>
        <message>
            <source>民盟盟员</source>
            <translation>CDL member</translation>
        </message>
        <message>
            <source>民建会员</source>
            <translation>CNDCA member</translation>
        </message>
        <message>
            <source>民进会员</source>
            <translation>CAPD member</translation>
        </message>
        <message>
            <source>农工党党员</source>
            <translation>CPWDP member</translation>
        </message>
        <message>
            <source>致公党党员</source>
            <translation>CZGP member</translation>
        </message>
        <message>
            <source>九三学社社员</source>
            <translation>Jiusan Society member</translation>
        </message>
        <message>
            <source>台盟盟员</source>
            <translation>TDSL member</translation>
        </message>
        <message>
            <source>无党派人士</source>
            <translation>Non-party</translation>
        </message>
        <message>
            <source>群众</source>
            <translation>Masses (no party)</translation>
        </message>
        <message>
            <source>自住</source>
            <translation>Owner-occupied</translation>
        </message>
        <message>
            <source>出租</source>
            <translation>Rented out</translation>
        </message>
        <message>
            <source>空置</source>
            <translation>Vacant</translation>
        </message>
        <message>
            <source>人户一致</source>
            <translation>Lives at registered address</translation>
        </message>
        <message>
            <source>人在户不在</source>
            <translation>Lives here, registered elsewhere</translation>
        </message>
        <message>
            <source>户在人不在</source>
            <translation>Registered here, lives elsewhere</translation>
        </message>
        <message>
            <source>上门</source>
            <translation>Door visit</translation>
        </message>
        <message>
            <source>电话</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>微信</source>
            <translation>WeChat</translation>
        </message>
        <message>
            <source>高风险</source>
            <translation>High risk</translation>
        </message>
        <message>
            <source>重点</source>
            <translation>Key group</translation>
        </message>
        <message>
            <source>一般</source>
            <translation>Normal</translation>
        </message>
        <message>
            <source>市容环境</source>
            <translation>City appearance</translation>
        </message>
        <message>
            <source>宣传广告</source>
            <translation>Advertising</translation>
        </message>
        <message>
            <source>施工管理</source>
            <translation>Construction</translation>
        </message>
        <message>
            <source>街面秩序</source>
            <translation>Street order</translation>
        </message>
        <message>
            <source>突发事件</source>
            <translation>Emergency event</translation>
        </message>
        <message>
            <source>物业</source>
            <translation>Property management</translation>
        </message>
        <message>
            <source>邻里纠纷</source>
            <translation>Neighbour dispute</translation>
        </message>
        <message>
            <source>安全隐患</source>
            <translation>Safety hazard</translation>
        </message>
        <message>
            <source>民生服务</source>
            <translation>Livelihood services</translation>
        </message>
        <message>
            <source>求助</source>
            <translation>Help request</translation>
        </message>
        <message>
            <source>咨询</source>
            <translation>Inquiry</translation>
        </message>
        <message>
            <source>投诉</source>
            <translation>Complaint</translation>
        </message>
        <message>
            <source>建议</source>
            <translation>Suggestion</translation>
        </message>
        <message>
            <source>紧急</source>
            <translation>Urgent</translation>
        </message>
        <message>
            <source>市</source>
            <translation>City</translation>
        </message>
        <message>
            <source>区</source>
            <translation>District</translation>
        </message>
        <message>
            <source>街道</source>
            <translation>Street</translation>
        </message>
        <message>
            <source>社区</source>
            <translation>Community</translation>
        </message>
        <message>
            <source>网格</source>
            <translation>Grid</translation>
        </message>
        <message>
            <source>网格党支部</source>
            <translation>Grid party branch</translation>
        </message>
        <message>
            <source>待上报</source>
            <translation>New</translation>
        </message>
        <message>
            <source>已上报</source>
            <translation>Reported</translation>
        </message>
        <message>
            <source>已受理</source>
            <translation>Accepted</translation>
        </message>
        <message>
            <source>不予受理</source>
            <translation>Declined</translation>
        </message>
        <message>
            <source>研判中</source>
            <translation>Analysing</translation>
        </message>
        <message>
            <source>已派遣</source>
            <translation>Dispatched</translation>
        </message>
        <message>
            <source>处置中</source>
            <translation>Handling</translation>
        </message>
        <message>
            <source>申请延期</source>
            <translation>Extension requested</translation>
        </message>
        <message>
            <source>已反馈</source>
            <translation>Handler done</translation>
        </message>
        <message>
            <source>核查结案</source>
            <translation>Closed</translation>
        </message>
        <message>
            <source>已评价</source>
            <translation>Rated</translation>
        </message>
        <message>
            <source>上报</source>
            <translation>Report</translation>
        </message>
        <message>
            <source>受理</source>
            <translation>Accept</translation>
        </message>
        <message>
            <source>研判</source>
            <translation>Analyse</translation>
        </message>
        <message>
            <source>派遣</source>
            <translation>Dispatch</translation>
        </message>
        <message>
            <source>开始处置</source>
            <translation>Start handling</translation>
        </message>
        <message>
            <source>同意延期</source>
            <translation>Approve extension</translation>
        </message>
        <message>
            <source>驳回延期</source>
            <translation>Refuse extension</translation>
        </message>
        <message>
            <source>反馈办结</source>
            <translation>Report done</translation>
        </message>
        <message>
            <source>督办</source>
            <translation>Supervise</translation>
        </message>
        <message>
            <source>退回返工</source>
            <translation>Return for rework</translation>
        </message>
        <message>
            <source>吹哨升级</source>
            <translation>Escalate (whistle)</translation>
        </message>
        <message>
            <source>评价</source>
            <translation>Rating</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Notes</translation>
        </message>
        <message>
            <source>满意</source>
            <translation>Satisfied</translation>
        </message>
        <message>
            <source>基本满意</source>
            <translation>Mostly satisfied</translation>
        </message>
        <message>
            <source>不满意</source>
            <translation>Not satisfied</translation>
        </message>
        <message>
            <source>居民会议</source>
            <translation>Residents' meeting</translation>
        </message>
        <message>
            <source>业主共同决定（民法典第二百七十八条，一般事项）</source>
            <translation>Owners' joint decision (Civil Code art. 278, ordinary matters)</translation>
        </message>
        <message>
            <source>业主共同决定（民法典第二百七十八条第六至八项）</source>
            <translation>Owners' joint decision (Civil Code art. 278, items 6–8)</translation>
        </message>
        <message>
            <source>同意</source>
            <translation>For</translation>
        </message>
        <message>
            <source>反对</source>
            <translation>Against</translation>
        </message>
        <message>
            <source>弃权</source>
            <translation>Abstain</translation>
        </message>
        <message>
            <source>迁出</source>
            <translation>Moved away</translation>
        </message>
        <message>
            <source>去世</source>
            <translation>Died</translation>
        </message>
        <message>
            <source>组织关系转出</source>
            <translation>Membership transferred</translation>
        </message>
        <message>
            <source>客堂间</source>
            <translation>Living-room meeting</translation>
        </message>
        <message>
            <source>院落板凳会</source>
            <translation>Courtyard bench meeting</translation>
        </message>
        <message>
            <source>花园议事厅</source>
            <translation>Garden council</translation>
        </message>
        <message>
            <source>联席会议（社区、物业、业委会、共建单位）</source>
            <translation>Joint meeting (community, property company, owners' committee, partner units)</translation>
        </message>
        <message>
            <source>其他议事会</source>
            <translation>Other meeting</translation>
        </message>
        <message>
            <source>议定事项</source>
            <translation>Agreed</translation>
        </message>
        <message>
            <source>交付表决（民决）</source>
            <translation>Put to a vote</translation>
        </message>
        <message>
            <source>落实任务（民办）</source>
            <translation>Task to carry out</translation>
        </message>
        <message>
            <source>办理中</source>
            <translation>In progress</translation>
        </message>
        <message>
            <source>已超期</source>
            <translation>Overdue</translation>
        </message>
        <message>
            <source>已办结</source>
            <translation>Done</translation>
        </message>
        <message>
            <source>已议定</source>
            <translation>Agreed</translation>
        </message>
        <message>
            <source>表决中</source>
            <translation>Voting</translation>
        </message>
        <message>
            <source>已表决</source>
            <translation>Voted</translation>
        </message>
        <message>
            <source>户籍花名册（户）</source>
            <translation>Household register</translation>
        </message>
        <message>
            <source>人员花名册</source>
            <translation>Resident roster</translation>
        </message>
        <message>
            <source>1+10+N 党员联户名册</source>
            <translation>1+10+N contact roster</translation>
        </message>
        <message>
            <source>走访记录</source>
            <translation>Visits</translation>
        </message>
        <message>
            <source>1+10+N 联户覆盖统计（按网格、按党员中心户）</source>
            <translation>1+10+N coverage (by grid and central household)</translation>
        </message>
        <message>
            <source>议事会议记录（民议、民决、民办、民管）</source>
            <translation>Meeting records (discuss, decide, do, oversee)</translation>
        </message>
        <message>
            <source>吹哨报到事项台账</source>
            <translation>Case register</translation>
        </message>
        <message>
            <source>表决结果</source>
            <translation>Ballot result</translation>
        </message>
        <message>
            <source>月度统计</source>
            <translation>Monthly statistics</translation>
        </message>
        <message>
            <source>积分台账与余额（时间银行）</source>
            <translation>Points ledger and balances (time bank)</translation>
        </message>
        <message>
            <source>志愿服务记录（三报到三服务）</source>
            <translation>Volunteer service records</translation>
        </message>
        <message>
            <source>红榜（季度：党员与红领服务队）</source>
            <translation>Honour roll (quarter: members and teams)</translation>
        </message>
        <message>
            <source>活动签到表（打印后签到，再按表录入）</source>
            <translation>Sign-in sheet (print, sign, then enter)</translation>
        </message>
        <message>
            <source>楼栋</source>
            <translation>Building</translation>
        </message>
        <message>
            <source>小区</source>
            <translation>Estate</translation>
        </message>
        <message>
            <source>走访发现</source>
            <translation>Found on a visit</translation>
        </message>
        <message>
            <source>居民提出</source>
            <translation>Asked by a resident</translation>
        </message>
        <message>
            <source>重点人群</source>
            <translation>Key group</translation>
        </message>
        <message>
            <source>社区安排</source>
            <translation>Community plan</translation>
        </message>
        <message>
            <source>待认领</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>已认领</source>
            <translation>Claimed</translation>
        </message>
        <message>
            <source>已完成</source>
            <translation>Done</translation>
        </message>
        <message>
            <source>已取消</source>
            <translation>Cancelled</translation>
        </message>
        <message>
            <source>志愿服务</source>
            <translation>Volunteer service</translation>
        </message>
        <message>
            <source>报到</source>
            <translation>Report in</translation>
        </message>
        <message>
            <source>待审核</source>
            <translation>Waiting</translation>
        </message>
        <message>
            <source>已审核</source>
            <translation>Approved</translation>
        </message>
        <message>
            <source>未通过</source>
            <translation>Refused</translation>
        </message>
        <message>
            <source>本人登记</source>
            <translation>By the member</translation>
        </message>
        <message>
            <source>签到表录入</source>
            <translation>From a sign-in sheet</translation>
        </message>
        <message>
            <source>达标</source>
            <translation>On pace</translation>
        </message>
        <message>
            <source>偏少</source>
            <translation>Behind</translation>
        </message>
        <message>
            <source>落后</source>
            <translation>Far behind</translation>
        </message>
        <message>
            <source>全部</source>
            <translation>All</translation>
        </message>
        <message>
            <source>获得</source>
            <translation>Earned</translation>
        </message>
        <message>
            <source>兑换</source>
            <translation>Redeem</translation>
        </message>
        <message>
            <source>过期</source>
            <translation>Expired</translation>
        </message>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>所属支部</source>
            <translation>Party branch</translation>
        </message>
        <message>
            <source>党员中心户</source>
            <translation>Central household</translation>
        </message>
        <message>
            <source>所属中心户</source>
            <translation>Central household</translation>
        </message>
        <message>
            <source>联系户</source>
            <translation>Households</translation>
        </message>
        <message>
            <source>亮承诺</source>
            <translation>Public pledge</translation>
        </message>
    </context>
</TS>
