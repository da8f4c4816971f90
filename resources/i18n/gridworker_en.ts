<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
    <context>
        <name>AssignDialog</name>
        <message>
            <source>调整联系党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>调整所属党员中心户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>分配联系党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>分配到党员中心户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住户＊</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>当前联系党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>当前中心户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}（已联系{1}户）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>新的联系党员＊</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>党员中心户＊</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>如：原联系党员搬离本社区</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>可不填</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>调整原因＊</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>备注</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>确定</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请先选择住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请选择党员</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>BallotsWorkspace</name>
        <message>
            <source>新建表决…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>表决事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请选择或新建一项表决</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>输入房号或户主姓名，回车后按 1 同意 / 2 反对 / 3 弃权</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>户主</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>面积㎡</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>意见</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>实时计票</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>重复投票（需组织者核定）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已计票</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>重复票</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>保留已计票</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>改计重复票</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>结束表决</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>打印结果…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>导出PDF…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>议事表决</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已结束</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>进行中</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>尚未开始（{0}开始）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>无法计票</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>应参与 {0} 户，已投票 {1} 户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>专有面积 {0}㎡，已参与 {1}㎡</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}：{1} 户（{2}）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>达到</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>未达到</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>结果：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>按目前票数：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>输入房号或户主姓名，回车后按 {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>输入房号或户主姓名，回车后按数字键 1–{0} 选择方案</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请先选中一户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已记录：{0} {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0} 的意见未变</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>结束后不能再录入投票，确定结束“{0}”吗？</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>导出表决结果</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PDF 文件 (*.pdf)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已导出：{0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在创建…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>BarChart</name>
        <message>
            <source>暂无数据</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ContactsWorkspace</name>
        <message>
            <source>党员中心户 → 党员 → 联系户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>数量</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>分配联系党员…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>户主</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关注等级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>未联系党员的户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>结构提醒</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>选中项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>在左侧选择党员或住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>联系党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>开始</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>结束</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>原因</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>调整联系党员…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>调整所属中心户…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>党员联户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（中心户本人）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>★ {0}（党员中心户）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}名党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>未归属党员中心户的党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}名</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>联户覆盖：{0}/{1} 户（{2}），{3} 户尚无联系党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>未联系党员的户（{0}）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>结构提醒（{0}）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}　当前联系党员：{1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（无）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>联系中</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已解除</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}　联系{1}户{2}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（党员中心户）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>在左侧选择党员或住户；双击“未联系党员的户”即可分配</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在保存…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HouseholdDialog</name>
        <message>
            <source>新增住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住户详情</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>地址</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>如：阳光花园3幢2单元501室</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>户主姓名</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>联系电话</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>手机或固话</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>所属网格</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（未指定）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住房性质</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>人户状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>建筑面积（㎡）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关注等级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>标签</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>用顿号或逗号分隔</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>可选：%1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>备注</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>基本信息</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>姓名</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>与户主关系</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>性别</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>出生日期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>身份证号</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>电话</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>显示完整身份证号和电话</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>个人信息默认隐藏；显示会记入审计日志</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>添加成员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>编辑成员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>移除成员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>家庭成员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>联户党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访时间</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访人</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>方式</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>情况摘要</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>发现问题</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访记录</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>上报时间</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>类别</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>吹哨事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>保存</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关闭</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在加载…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>这一户已被删除</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（党员中心户）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>联系党员：%1%2
电话：%3
所在支部：%4
联系开始：%5</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>这一户还没有联系党员。可在“党员联户”中指派。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>家庭成员（%1）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访记录（%1）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>吹哨事项（%1）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在保存…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已保存</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>没有修改</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>确定把%1从这一户移除吗？</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HouseholdPicker</name>
        <message>
            <source>输入姓名、拼音首字母、电话尾号或门牌号搜索住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>重选</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已选：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>没有找到符合的住户</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HouseholdTableModel</name>
        <message>
            <source>地址</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>户主</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>电话</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>家庭成员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>标签</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关注等级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>最近走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>点击按此列排序</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>从未走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已超过走访周期，请尽快走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>匹配：%1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>高风险</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>重点</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>一般</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HouseholdsWorkspace</name>
        <message>
            <source>住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>搜索：姓名、拼音首字母（如 zs）、电话或身份证尾号、地址</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>只看逾期未走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在加载…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>显示完整电话</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>个人信息默认隐藏；显示会记入审计日志</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>新增住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>查看/编辑</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>迁移</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>删除</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>全部网格</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>全部标签</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>全部楼栋</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在查找…</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>共 %n 户</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>请先在列表中选择一户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>删除住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>确定删除“%1”这一户及其成员吗？删除会同步到其他电脑。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在删除…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>IssuesWorkspace</name>
        <message>
            <source>待办（含待上报、已上报）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>全部事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>上报事项…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>类别</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>层级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>办理时限</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>时限状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>黄色：已用时限80%以上　红色：已超期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请选择左侧的事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>当前状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>办理层级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>承办部门</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>类别 / 性质</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>地点</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>上报</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>督办 / 返工</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>评价</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>描述</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>可办理的下一步</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>本事项已办结，没有可办理的步骤</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>时间</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>操作</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>办理人</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>层级 / 部门</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>说明</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>办理记录</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>吹哨报到</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>按期办结</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>超期办结</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正常</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>即将到期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已超期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（不予受理：{0}）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（已吹哨升级{0}次）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（尚未派遣）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（已延期{0}个工作日）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（走访中发现）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已督办</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>未督办</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>返工{0}次</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（结案后由上报人评价）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>延期{0}个工作日；</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（未生效）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在保存…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在上报…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>网格员工作台</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已锁定</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请登录</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>长时间未操作，已锁定。请输入密码继续。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>本机所属社区：%1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>用户名</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>密码</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>登录</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>注册本机…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>首次使用：把这台电脑注册到社区</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请输入街道或社区管理员提供的服务器地址，以及您的用户名和密码。注册后即使没有网络也能登录和工作。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>服务器地址</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>打开演示数据</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>在本机启动一个演示社区，随便试，不影响真实数据</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>注册本机</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>返回登录</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请输入用户名</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请输入密码</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>用户名或密码不正确</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请输入服务器地址</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>这个版本还不能连接服务器，请使用演示数据</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>注册失败：%1</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>文件(&amp;F)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>锁定(&amp;L)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>退出(&amp;X)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>语言/Language</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>帮助(&amp;H)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关于</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>详情</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>网格员工作台</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>当前用户：%1（%2）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 户</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>待同步：%n 条</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>● 在线</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>可以连接服务器，修改会自动同步</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>● 离线</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>连接不到服务器。可以照常工作，修改保存在本机，联网后自动同步</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>文件或网络错误：%1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>出错了：%1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>错误详情</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>网格员工作台 %1
社区网格员离线工作台</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>管理员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>网格员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>党员</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MoveDialog</name>
        <message>
            <source>迁移住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>把这一户划到另一个网格或楼栋：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>网格</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>楼栋</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>新地址（可不改）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>迁移</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（不在楼栋中）</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>NewBallotDialog</name>
        <message>
            <source>新建表决</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>表决事项＊</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>如：使用维修资金更换3幢电梯</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>说明</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>表决范围</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>楼栋 / 小区</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>表决规则</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>选项（1/2/3键）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>创建并开始表决</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>过半数户参加，且参加户过半数同意即通过。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>专有部分面积和业主人数均占2/3以上参与；参与面积和参与人数均过半数同意。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>专有部分面积和业主人数均占2/3以上参与；参与面积和参与人数均3/4以上同意（筹集维修资金、改建重建、改变共有部分用途或利用共有部分经营）。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请选择楼栋或小区</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>NewIssueDialog</name>
        <message>
            <source>上报事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项标题＊</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>详细描述</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项性质＊</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项类别</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>紧急程度</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>涉及住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事发地点</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>上报</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>OverviewWorkspace</name>
        <message>
            <source>概览</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在统计…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住户（户）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>居民（人）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>本月走访（次）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>逾期未走访（户）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>党员联户（1+10+N）覆盖率</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>近八周走访次数</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>吹哨事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>重点人群住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>本社区概况</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>本网格概况</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>占 %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已联系住户：%1 / %2 户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>党员 %1 名，其中党员中心户 %2 户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>未联系群众户的党员：%1 名；联系户数过多：%2 名</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>联系党员人数偏离约10名的中心户：%1 户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>办理中 %1 件；结案率 %2，按期结案率 %3，满意率 %4</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>高风险 %1 户，重点 %2 户；关爱对象所在住户：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>待上报</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已上报</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已受理</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>不予受理</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>研判中</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已派遣</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>处置中</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>申请延期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已反馈</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>核查结案</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已评价</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>独居老人</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>空巢老人</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>留守老人</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>失能失智老人</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>特困供养</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>计生特殊家庭</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>散居孤儿</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>困境儿童</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>留守儿童</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>残疾人</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>低保/低收入</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>优抚对象/退役军人</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ResidentDialog</name>
        <message>
            <source>添加成员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>编辑成员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>姓名</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>公民身份号码</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>性别</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>出生日期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>与户主关系</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>电话</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关爱标签</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>特殊人群</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>备注</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>保存</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>StepDialog</name>
        <message>
            <source>办理：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>处置情况</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>备注内容</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>说明</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>原因</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项类别</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>紧急程度</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>责任层级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项性质</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>承办部门</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>延期（工作日）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>评价</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>吹哨升级：由{0}级升至{1}级办理，请说明原因。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>核查处置结果属实后结案。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>当前状态：</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SyncController</name>
        <message>
            <source>正在完成同步，请稍候…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>停止同步</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关闭前同步</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SyncWorkspace</name>
        <message>
            <source>同步</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>同步状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>网络：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>服务器：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>待发送的修改：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>上次同步：</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>立即同步</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>冲突</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>被拒绝的修改</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>类型</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>记录</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>说明</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>时间</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>重复投票、无效的事项步骤等：请到对应的工作区处理，处理后点“已知悉”。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已知悉</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>其他提醒</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>内容</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>字段</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>本机</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>保留本机的值</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>另一台电脑</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>改用另一台电脑的值</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>服务器的理由</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>改正下面的值，然后“改正后重新发送”；或放弃这条修改。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>值</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>改正后重新发送</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>放弃这条修改</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（本机未注册到服务器）</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n 条</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>从未同步</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>重复投票</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>无效的处理步骤</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>冲突（%1）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>被拒绝的修改（%1）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>其他提醒（%1）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在停止：当前这一批完成后停止，已完成的部分会保留…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在同步…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在发送本机的修改：%1 / %2 条（%3）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在接收其他电脑的修改：已收到 %1 条（%2）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>同步完成：发送 %1 条，接收 %2 条</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>；%1 个冲突、%2 条被拒绝，请在下方查看</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>同步没有完成，详情见窗口底部。本机的修改都已保留。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>同步已取消；已完成的部分已保存，下次同步会继续。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>● 在线</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>● 离线（修改保存在本机，联网后自动同步）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>没有需要处理的冲突</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（已删除）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（修改了这条记录）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>组织</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>楼栋</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>居民</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>党员</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>联户关系</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>表决</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>表决选项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>吹哨事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>投票</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项处理</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>积分</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>审计</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>地址</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>户主</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>电话</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>姓名</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>身份证号</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>标签</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>备注</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关注等级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住房性质</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>人户状态</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>面积</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>网格</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>与户主关系</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>出生日期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>性别</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>标题</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>情况摘要</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>有效</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>原因</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>支部</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>选项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>方式</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访时间</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>（整条记录）</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>TaskRunner</name>
        <message>
            <source>取消</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请稍候</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>VisitsWorkspace</name>
        <message>
            <source>住户＊</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访方式</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访时间</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>简要记录看到、听到的情况</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访情况</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>如：楼道灯坏了、老人独居无人照看</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>发现问题</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>群众的急难愁盼</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>群众诉求</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>如：下周联系物业上门维修</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>跟进计划</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>需要回访，日期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>回访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>同时上报事项（吹哨报到）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>不填则用“发现问题”的第一行</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项标题</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项性质</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项类别</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>紧急（当日办结）</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>紧急程度</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>保存走访记录 (Ctrl+S)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>登记走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>时间</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>方式</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访人</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>情况</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>选中一条走访记录可查看全文</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>全部关注等级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关注等级</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>户主</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>上次走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>应访时间</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>逾期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>双击一行即可为该户登记走访。规则：高风险每周、重点人群每月、其他每季度至少走访一次。</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>最近走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>逾期未访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已上报</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}：{1}户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>从未走访</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{0}天</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>无</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>回访日期</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>关注等级：{0}；上次走访：{1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请先选择住户</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>请填写事项标题，或在“发现问题”中写明问题</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>已保存：{0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>，并已上报事项</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>正在保存…</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
