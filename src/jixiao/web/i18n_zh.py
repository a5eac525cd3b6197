"""Chinese (zh_Hans) for the web interface and the portal: the source of ``django.po`` (filled in by
``python -m jixiao.web.i18n_zh PO...``; then ``django-admin compilemessages``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ZH = {
    "%(entered)s of %(expected)s indicators have a value.": "已填报 %(entered)s / %(expected)s 项指标。",
    "%(n)s units": "%(n)s 个单位",
    "%(n)s values, received at %(at)s, audit record no. %(seq)s.":
        "共 %(n)s 项数据，接收时间 %(at)s，审计记录第 %(seq)s 号。",
    "; the %(n)s highest and lowest ratings of each group are dropped": "；各组去掉 %(n)s 个最高分和最低分",
    "A percentage is normally between 0 and 100.": "百分比通常在 0 到 100 之间。",
    "All cycles": "全部考核周期",
    "All results": "全部结果",
    "All units as .xlsx": "全部单位（.xlsx）",
    "An evidence file may be at most 10 MB.": "佐证材料不能超过 10 MB。",
    "Applies to": "适用范围",
    "Assessment cycles": "考核周期",
    "Back office": "管理后台",
    "Bonus, penalty and veto items": "加分、扣分与一票否决项",
    "Category %(cat)s": "%(cat)s 类",
    "Change against the last cycle": "与上一周期相比",
    "Change": "变化",
    "Check the value: it is far outside the usual range of a percentage.": "请核对：该值远超百分比的通常范围。",
    "Close and score": "结束填报并评分",
    "Cycles": "考核周期",
    "Data completeness by unit": "各单位数据完整度",
    "Data completeness": "数据完整度",
    "Data entry": "数据填报",
    "Definition and rule": "指标定义与评分规则",
    "Definition": "定义",
    "Distribution across units": "各单位分布",
    "Distribution": "分布",
    "Enter a number.": "请输入数字。",
    "Enter data": "填报数据",
    "Expert points are between 0 and %(max)s.": "专家评分应在 0 到 %(max)s 之间。",
    "Explanation": "得分说明",
    "Export .xlsx": "导出 .xlsx",
    "Give the value with its evidence.": "上传佐证材料时请同时填写数值。",
    "Grades against the quotas": "等次分布与比例限制",
    "Grades": "等次",
    "Heat map as .xlsx": "热力图数据（.xlsx）",
    "Heat map": "热力图",
    "History": "历年情况",
    "Home": "首页",
    "Indicators": "指标",
    "Jixiao performance management": "绩效管理系统",
    "Key indicators": "关键指标",
    "Kind": "类型",
    "Least complete units": "完整度最低的单位",
    "Loading…": "加载中…",
    "Loses %(per)s points per incident, down to 0.": "每发生一次扣 %(per)s 分，扣完为止。",
    "Main": "主导航",
    "Mean rating on a scale of %(lo)s to %(hi)s, by rater group (%(groups)s)":
        "按评价主体加权的平均评分，分值 %(lo)s–%(hi)s（%(groups)s）",
    "Menu": "菜单",
    "No definition was given.": "未填写定义。",
    "No earlier cycle to compare with.": "没有可比较的上一周期。",
    "No result.": "暂无结果。",
    "No such cycle.": "没有该考核周期。",
    "No such indicator in this scheme.": "该方案中没有此指标。",
    "No such published cycle.": "没有该已公示的考核周期。",
    "No such unit in this cycle.": "该周期中没有此单位。",
    "No such unit in this published cycle.": "该已公示周期中没有此单位。",
    "No such unit to enter data for.": "没有可填报的该单位。",
    "Nothing to show.": "暂无数据。",
    "Open for data entry": "开始填报",
    "Outliers": "异常值",
    "Outliers lie more than 1.5 times the interquartile range below the first or above the third quartile.":
        "异常值：低于第一四分位数或高于第三四分位数超过 1.5 倍四分位距的值。",
    "Over-achievement counts up to %(cap)s%% of the points.": "超额完成最多按 %(cap)s%% 计分。",
    "Overview": "总览",
    "Pages": "分页",
    "Password": "密码",
    "Performance management": "绩效管理",
    "Points awarded by an expert: the value is the points earned.": "由专家评定得分：填报值即得分。",
    "Points by first-level node": "一级指标得分",
    "Points": "得分",
    "Progress": "填报进度",
    "Provisional: the cycle is still open for data entry.": "暂定结果：本周期仍在填报中。",
    "Public portal": "公示门户",
    "Publish": "公示",
    "Published assessment cycles": "已公示的考核周期",
    "Published performance results": "绩效考核结果公示",
    "Published results": "结果公示",
    "Ranking by category": "分类排名",
    "Ranking": "排名",
    "Recompute results": "重新计算结果",
    "Results": "考核结果",
    "Results of the assessment cycles the assessment office has published: rankings, grades and key indicators "
    "of every unit.": "考核办已公示的考核周期结果：各单位的排名、等次与关键指标。",
    "Rule": "评分规则",
    "Save and submit": "保存并报送",
    "Save": "保存",
    "Saved: %(n)s values changed.": "已保存：%(n)s 项数据有变动。",
    "Scorecard": "成绩单",
    "Search by code or name": "按编码或名称搜索",
    "Search": "搜索",
    "Share of each node's points earned, %%: green 90 and above, yellow 60 to 90, red below 60.":
        "各一级指标得分率（%%）：90 及以上为绿，60–90 为黄，60 以下为红。",
    "Share of points earned by first-level node (%)": "一级指标得分率（%）",
    "Sign in": "登录",
    "Sign out": "退出",
    "Steps: %(steps)s; otherwise %(otherwise)s%%.": "分档计分：%(steps)s；其余 %(otherwise)s%%。",
    "Submission received": "报送已接收",
    "Submitted: %(n)s values were received.": "已报送：共接收 %(n)s 项数据。",
    "Sum of the points of the indicators below.": "下级指标得分之和。",
    "The cycle is closed and scored.": "本周期已结束填报并完成评分。",
    "The cycle is open for data entry.": "本周期已开始填报。",
    "The five biggest rises and falls.": "升幅与降幅最大的各五个单位。",
    "The public can read published results without signing in.": "公众无需登录即可查看已公示的结果。",
    "The results are published.": "结果已公示。",
    "The results were recomputed.": "结果已重新计算。",
    "The username or password is not right.": "用户名或密码不正确。",
    "There are no results you may see in this cycle yet.": "本周期暂无您可查看的结果。",
    "There is no result you may see for this unit yet.": "该单位暂无您可查看的结果。",
    "This is a count of incidents: a whole number, 0 or more.": "此项为发生次数：应为 0 或正整数。",
    "Units by first-level node": "各单位一级指标得分率",
    "Units whose data you may enter now (cycles open for data entry).": "您现在可以填报数据的单位（填报中的周期）。",
    "Username": "用户名",
    "Values by unit": "各单位数值",
    "Values received": "已接收的数据",
    "Weight": "权重",
    "Welcome, %(name)s": "欢迎，%(name)s",
    "What was received": "已接收的数据",
    "Your units": "本单位",
    "all categories": "全部类别",
    "all": "全部",
    "applies to": "适用",
    "by": "填报人",
    "category": "类别",
    "change": "变化",
    "code": "编码",
    "compared with": "对比年度",
    "complete %": "完整度 %",
    "complete": "完整",
    "computed": "计算于",
    "cycle": "考核周期",
    "enter data": "填报",
    "entered": "填报时间",
    "evidence": "佐证材料",
    "expected": "应填",
    "flags": "标记",
    "grade": "等次",
    "green": "绿",
    "high": "偏高",
    "import": "导入",
    "indicator": "指标",
    "indicators": "指标",
    "last grade": "上期等次",
    "last rank": "上期排名",
    "last total": "上期总分",
    "low": "偏低",
    "mean": "平均值",
    "median": "中位数",
    "missing": "缺报",
    "name": "名称",
    "negotiated target": "协商目标值",
    "next": "下一页",
    "not applicable": "不适用",
    "not earned": "未得分",
    "of the node's points": "（占该项分值）",
    "of": "满分",
    "over quota": "超出比例",
    "overview": "总览",
    "page %(n)s of %(total)s (%(count)s rows)": "第 %(n)s / %(total)s 页（共 %(count)s 行）",
    "pages": "页面",
    "points": "得分",
    "population": "排名范围",
    "previous": "上一页",
    "published": "公示于",
    "quota %": "比例上限 %",
    "quota allows": "比例允许",
    "rank in category": "类别内排名",
    "rank": "排名",
    "ranking": "排名",
    "red": "红",
    "results": "结果",
    "rule": "评分规则",
    "scheme": "考核方案",
    "scorecard": "成绩单",
    "share %": "占比 %",
    "side": "方向",
    "state": "状态",
    "status": "状态",
    "stored": "已保存",
    "submitting values": "报送数据",
    "target": "目标值",
    "total": "总分",
    "unit": "单位",
    "units assessed": "参评单位",
    "units with a value": "已填报单位",
    "units with complete data": "数据完整的单位",
    "units": "单位数",
    "value": "数值",
    "values entered": "已填项数",
    "values": "已填数",
    "within": "未超出",
    "year": "年度",
    "yellow": "黄",
    "Full points at %(target)s%(unit)s or less, none at %(floor)s%(unit)s or more, in proportion between.":
        "%(target)s%(unit)s 及以下得满分，%(floor)s%(unit)s 及以上不得分，其间按比例计分。",
    "Full points at %(target)s%(unit)s or more, none at %(floor)s%(unit)s or less, in proportion between.":
        "%(target)s%(unit)s 及以上得满分，%(floor)s%(unit)s 及以下不得分，其间按比例计分。",
    "Points in proportion to target / value: %(target)s%(unit)s or less earns full points.":
        "按 目标值 / 实际值 计分：%(target)s%(unit)s 及以下得满分。",
    "Points in proportion to value / target: %(target)s%(unit)s earns full points.":
        "按 实际值 / 目标值 计分：达到 %(target)s%(unit)s 得满分。",
    "Full points at %(target)s%(unit)s or less; otherwise %(partial)s%% of the points.":
        "不高于 %(target)s%(unit)s 得满分，否则得 %(partial)s%% 的分值。",
    "Full points at %(target)s%(unit)s or more; otherwise %(partial)s%% of the points.":
        "达到 %(target)s%(unit)s 得满分，否则得 %(partial)s%% 的分值。",
    "At this value the indicator earns %(earned)s of %(points)s points (%(pct)s%%).":
        "按此数值，该指标得 %(earned)s 分（满分 %(points)s，得分率 %(pct)s%%）。",
}
ZH.update({
    "Not found": "未找到",
    "There is no such page, or it is not yours to see.": "没有这个页面，或您无权查看。",
    "Back to the start": "返回首页",
})
#: Words that need a context (pgettext) because the platform's catalog, which takes precedence, gives the
#: bare word another sense (e.g. "entered" is a time there, a count here).
CONTEXT = {("count", "entered"): "已填", ("count", "units"): "单位数", ("count", "values"): "已填数",
           ("total", "change"): "变化"}
PLURAL = {"%(counter)s row": ["共 %(counter)s 行"]}


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fill(po: Path) -> list[str]:
    """Put the translations into ``po`` (keeping everything else as makemessages wrote it); return the
    msgids left without one."""
    text = po.read_text(encoding="utf-8")
    text = text.replace('"Content-Type: text/plain; charset=CHARSET\\n"',
                        '"Content-Type: text/plain; charset=UTF-8\\n"')
    text = re.sub(r'"Plural-Forms: [^"]*"', '"Plural-Forms: nplurals=1; plural=0;\\\\n"', text)
    # Every entry is translated here by hand, so makemessages' fuzzy guesses are dropped.
    text = re.sub(r"^#\| .*\n", "", text, flags=re.M)
    text = re.sub(r"^#, fuzzy\n", "", text, flags=re.M)
    text = re.sub(r"^#, fuzzy, ", "#, ", text, flags=re.M)
    blocks = text.split("\n\n")
    missing = []
    out = []
    for block in blocks:
        m = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not m or ('msgid ""\nmsgstr ""\n"' in block and block.startswith("#") and "Project-Id" in block):
            out.append(block)
            continue
        msgid = "".join(re.findall(r'"(.*)"', m.group(1))).replace('\\"', '"').replace("\\\\", "\\")
        if not msgid:
            out.append(block)
            continue
        if "msgid_plural" in block:
            forms = PLURAL.get(msgid)
            if forms:
                block = re.sub(r'msgstr\[0\] ".*"', f"msgstr[0] {_quote(forms[0])}", block)
                block = re.sub(r'\nmsgstr\[1\] ".*"', "", block)
            else:
                missing.append(msgid)
        else:
            ctx = re.search(r'^msgctxt "(.*)"', block, re.M)
            zh = CONTEXT.get((ctx.group(1), msgid)) if ctx else ZH.get(msgid)
            if zh is None:
                missing.append(msgid)
            else:
                block = re.sub(r'msgstr ""(\n".*")*$', f"msgstr {_quote(zh)}", block.rstrip("\n"), flags=re.M)
        out.append(block)
    po.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        left = fill(Path(arg))
        print(arg, "untranslated:", left)
